"""Declare each parameter once; derive validation, CLI help, bounds and docs from it.

A parameter group is a frozen, keyword-only dataclass whose fields are declared with
:func:`param`. The declaration carries the default, the bounds, the unit, a one-line
meaning, a *role* and a *provenance*:

- role ``lever``: something a policy maker can set (a funding rule, handover support);
- role ``uncertainty``: a behavioural constant we do not know well (to calibrate or to
  explore in sensitivity analyses);
- role ``structure``: describes the territory or the run (size, horizon); fixed during
  a run, so a ``[[policy]]`` may not change it.

Why one declaration: the same metadata feeds scenario validation (TOML), ``--set``
overrides, the generated parameter table in ``docs/parameters.md``, and later SALib bounds
and web-view sliders. Writing a parameter three times is how they drift apart.

The root of the tree (``ptce_sim.world.parameters.Parameters``) is a dataclass whose
fields are groups; dotted keys are ``group.field``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from ptce_sim.base.errors import ConfigError, suggest

Role = Literal["lever", "uncertainty", "structure"]
Provenance = Literal["field", "literature", "calibrated", "assumption"]
ROLES: tuple[str, ...] = ("lever", "uncertainty", "structure")
PROVENANCES: tuple[str, ...] = ("field", "literature", "calibrated", "assumption")

T = TypeVar("T")


def param(
    default: Any,
    *,
    doc: str,
    role: Role,
    lo: float | None = None,
    hi: float | None = None,
    unit: str = "",
    choices: tuple[str, ...] | None = None,
    source: Provenance = "assumption",
) -> Any:
    """Declare a parameter field (use inside a frozen dataclass).

    Parameters
    ----------
    default:
        Default value; its Python type (int, float, bool, str) is the parameter's type.
    doc:
        One-line meaning, shown in errors, ``ptce-sim params`` and the docs.
    role:
        ``lever``, ``uncertainty`` or ``structure`` (see module docstring).
    lo, hi:
        Inclusive bounds for numbers (also the default sampling range of sweeps).
    unit:
        Unit in plain words (``1/month``, ``k€``, ``FTE``, ``-`` for dimensionless).
    choices:
        Allowed values for a string parameter.
    source:
        Provenance of the default: ``field`` (a figure of ``docs/field.md``), ``literature``,
        ``calibrated`` or ``assumption``.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, got {role!r}")
    if source not in PROVENANCES:
        raise ValueError(f"source must be one of {PROVENANCES}, got {source!r}")
    meta = {
        "doc": doc,
        "role": role,
        "lo": lo,
        "hi": hi,
        "unit": unit,
        "choices": choices,
        "source": source,
    }
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ParamSpec:
    """Everything declared about one parameter, addressed by its dotted key."""

    key: str
    type: type
    default: Any
    doc: str
    role: str
    lo: float | None
    hi: float | None
    unit: str
    choices: tuple[str, ...] | None
    source: str

    @property
    def allowed(self) -> str:
        """Human-readable allowed range, e.g. ``[0, 1]`` or ``one of 'a', 'b'``."""
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.type is bool:
            return "true or false"
        lo = "-inf" if self.lo is None else _fmt(self.lo)
        hi = "+inf" if self.hi is None else _fmt(self.hi)
        kind = "an integer" if self.type is int else "a number"
        return f"{kind} in [{lo}, {hi}]"

    def check(self, value: Any, source: str | None = None) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ConfigError."""

        def fail(message: str) -> ConfigError:
            return ConfigError(message, source, self.key, value, self.allowed, self.doc)

        t = self.type
        if t is bool:
            if not isinstance(value, bool):
                raise fail("wrong type, expected true or false")
            return value
        if t is str:
            if not isinstance(value, str):
                raise fail("wrong type, expected a string")
            if self.choices and value not in self.choices:
                hint = suggest(value, self.choices)
                err = fail("not an allowed value")
                err.hint = hint
                raise err
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(f"wrong type, expected {'an integer' if t is int else 'a number'}")
        if t is int:
            if isinstance(value, float):
                if not value.is_integer():
                    raise fail("wrong type, expected an integer")
                value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                raise fail("not a finite number")
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            raise fail("out of range")
        return value


def _fmt(x: float) -> str:
    return f"{x:g}"


def is_group(obj: Any) -> bool:
    """True for a dataclass whose fields are groups (the root) or parameters."""
    return dataclasses.is_dataclass(obj)


def iter_specs(root: type | Any, prefix: str = "") -> Iterator[ParamSpec]:
    """Yield the :class:`ParamSpec` of every parameter below ``root``, in declaration order."""
    cls = root if isinstance(root, type) else type(root)
    for f in dataclasses.fields(cls):
        key = f"{prefix}{f.name}"
        if "doc" in f.metadata:
            default = f.default
            yield ParamSpec(
                key=key,
                type=type(default),
                default=default,
                doc=f.metadata["doc"],
                role=f.metadata["role"],
                lo=f.metadata["lo"],
                hi=f.metadata["hi"],
                unit=f.metadata["unit"],
                choices=f.metadata["choices"],
                source=f.metadata["source"],
            )
        else:
            sub = f.default_factory if f.default_factory is not dataclasses.MISSING else None
            if sub is None or not isinstance(sub, type) or not dataclasses.is_dataclass(sub):
                raise TypeError(f"field {key} is neither a param() nor a group")
            yield from iter_specs(sub, prefix=f"{key}.")


def spec_index(root: type | Any) -> dict[str, ParamSpec]:
    """Map dotted key -> spec."""
    return dict(_index(root if isinstance(root, type) else type(root)))


@functools.cache
def _index(cls: type) -> dict[str, ParamSpec]:
    # Why cached: validation and flattening run once per run of a sweep (thousands of
    # times); walking the dataclass fields each time cost milliseconds per run. The
    # declarations are class-level and immutable, so the index never goes stale.
    return {s.key: s for s in iter_specs(cls)}


def group_names(root: type | Any) -> list[str]:
    """Names of the top-level groups of a root parameter class."""
    cls = root if isinstance(root, type) else type(root)
    return [f.name for f in dataclasses.fields(cls)]


def get_value(params: Any, key: str) -> Any:
    """Read a dotted key from a parameter tree."""
    obj = params
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj


def flat_dict(params: Any) -> dict[str, Any]:
    """Flatten a parameter tree to ``{dotted key: value}``."""
    return {key: get_value(params, key) for key in _index(type(params))}


def nested_dict(params: Any) -> dict[str, dict[str, Any]]:
    """Return ``{group: {name: value}}`` (the shape of a scenario file)."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in flat_dict(params).items():
        group, name = key.rsplit(".", 1)
        out.setdefault(group, {})[name] = value
    return out


def check_key(root: Any, key: str, source: str | None) -> ParamSpec:
    """Return the spec for ``key`` or raise a ConfigError with a "did you mean"."""
    index = _index(root if isinstance(root, type) else type(root))
    if key in index:
        return index[key]
    hint = suggest(key, index)
    if hint is None and "." not in key:
        by_name = {k.rsplit(".", 1)[1]: k for k in index}
        close = suggest(key, by_name)
        if close is not None:
            name = close.split("'")[1]
            hint = f"did you mean '{by_name[name]}'? (keys are written group.name)"
    raise ConfigError("unknown parameter", source, key, hint=hint)


def apply_updates(params: T, updates: Mapping[str, Any], source: str | None = None) -> T:
    """Return a copy of ``params`` with dotted-key ``updates`` validated and applied.

    Cross-field checks in a group's ``__post_init__`` (e.g. min <= max) raise
    ConfigError too; ``source`` is attached to every error.
    """
    by_group: dict[str, dict[str, Any]] = {}
    for key, raw in updates.items():
        spec = check_key(params, key, source)
        value = spec.check(raw, source)
        group, name = key.rsplit(".", 1)
        by_group.setdefault(group, {})[name] = value
    new_groups = {}
    for group, changes in by_group.items():
        try:
            new_groups[group] = dataclasses.replace(getattr(params, group), **changes)
        except ConfigError as err:
            raise (err.at(source) if source and not err.source else err) from None
    return dataclasses.replace(params, **new_groups)  # type: ignore[type-var]


def parse_cli_value(text: str) -> Any:
    """Parse the VALUE of ``--set KEY=VALUE`` with TOML's rules (``0.03``, ``true``, ``"x"``).

    A bare word that is not valid TOML is taken as a string, so ``--set a.b=calls_only``
    works without quotes.
    """
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
