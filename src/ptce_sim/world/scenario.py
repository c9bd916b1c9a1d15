"""Scenario files: TOML, one table per parameter group, inheritance, policy timelines.

A scenario file looks like::

    description = "Higher staff turnover"
    extends = "baseline"          # a scenario name or a path relative to this file
    sources = ["docs/field.md: any change in the teams can destabilise the dynamic"]

    [turnover]
    rate = 0.03

    [[policy]]                    # a change at a given month (0-based), recorded in outputs
    at = 60
    set = { "turnover.handover" = 0.6 }

Scenario names resolve in ``$PTCE_SIM_SCENARIOS`` (colon-separated folders), then
``./scenarios``, then the scenarios shipped with ptce-sim. ``baseline`` always exists:
it is the parameter defaults.

Every problem raises :class:`~ptce_sim.base.errors.ConfigError` naming the file and the
dotted key; nothing is ``eval``-ed and no user file is unpickled.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptce_sim.base.errors import ConfigError, suggest
from ptce_sim.base.params import apply_updates, check_key, group_names
from ptce_sim.base.tomlfile import read_toml
from ptce_sim.world.parameters import Parameters

META_KEYS = ("name", "description", "extends", "sources", "policy", "start")


@dataclass(frozen=True)
class Policy:
    """A change of parameters at a given month."""

    at: int
    updates: Mapping[str, Any]
    source: str = ""


@dataclass(frozen=True)
class Scenario:
    """A fully resolved scenario: parameters at month 0 and the policy timeline.

    Picklable (plain data), so it travels to parallel workers unchanged.
    """

    name: str = "baseline"
    params: Parameters = field(default_factory=Parameters)
    policies: tuple[Policy, ...] = ()
    description: str = "Parameter defaults."
    sources: tuple[str, ...] = ()
    start: str | None = None
    path: str | None = None

    def with_overrides(self, updates: Mapping[str, Any], source: str = "--set") -> Scenario:
        """Return a copy with dotted-key overrides applied at month 0."""
        if not updates:
            return self
        params = apply_updates(self.params, updates, source)
        return Scenario(
            self.name, params, self.policies, self.description, self.sources, self.start, self.path
        )


def search_path() -> list[Path]:
    """Folders searched for scenario names, first match wins."""
    folders = [Path(p) for p in os.environ.get("PTCE_SIM_SCENARIOS", "").split(os.pathsep) if p]
    folders.append(Path.cwd() / "scenarios")
    folders.append(shipped_dir())
    return folders


def shipped_dir() -> Path:
    """The ``scenarios/`` folder shipped with ptce-sim (wheel) or of the source checkout."""
    bundled = Path(__file__).resolve().parent.parent / "_scenarios"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parents[3] / "scenarios"


def available() -> dict[str, Path]:
    """Scenario names found on the search path (first match wins)."""
    found: dict[str, Path] = {}
    for folder in search_path():
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found.setdefault(path.stem, path)
    return found


def resolve(ref: str, relative_to: Path | None = None) -> Path | None:
    """Find the file of a scenario reference (a path or a name); None for built-in baseline.

    A reference the file system cannot even look up (empty, ``.``, a NUL character, a
    name longer than the system allows) is a ConfigError like any other, not an OSError.
    """
    if not ref.strip() or ref.strip() in (".", "..") or "\0" in ref:
        raise ConfigError(
            "empty scenario reference", None, allowed="a scenario name or a .toml path"
        )
    try:
        return _resolve(ref, relative_to)
    except OSError as exc:
        why = (exc.strerror or type(exc).__name__).lower()
        raise ConfigError(
            f"cannot look it up: {why}", ref[:80] + ("…" if len(ref) > 80 else "")
        ) from None


def _resolve(ref: str, relative_to: Path | None) -> Path | None:
    candidate = Path(ref)
    if relative_to is not None and not candidate.is_absolute():
        local = relative_to.parent / candidate
        if local.suffix == ".toml" and local.is_file():
            return local
        if (local.with_suffix(".toml")).is_file() and os.sep in ref:
            return local.with_suffix(".toml")
    if candidate.suffix == ".toml" or os.sep in ref:
        if candidate.is_dir():
            raise ConfigError("is a directory, expected a .toml file", str(candidate))
        if candidate.is_file():
            return candidate
        raise ConfigError("file not found", str(candidate))
    names = available()
    if ref in names:
        return names[ref]
    if ref == "baseline":
        return None
    hint = suggest(ref, [*names, "baseline"])
    raise ConfigError(
        f"unknown scenario '{ref[:80]}'",
        None,
        hint=hint,
        allowed="a .toml path or one of " + ", ".join(sorted(set(names) | {"baseline"})),
    )


def load(ref: str | os.PathLike[str] = "baseline") -> Scenario:
    """Load a scenario by name or path, following ``extends``."""
    path = resolve(os.fspath(ref))
    if path is None:
        return Scenario()
    return _load_file(path, chain=())


def _load_file(path: Path, chain: Sequence[Path]) -> Scenario:
    src = str(path)
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise ConfigError(f"'extends' cycle: {cycle}", src, "extends")
    _, data = read_toml(path)

    parent: Scenario
    ext = data.get("extends")
    if ext is None:
        parent = Scenario()
    else:
        if not isinstance(ext, str):
            raise ConfigError("wrong type, expected a scenario name or path", src, "extends", ext)
        try:
            parent_path = resolve(ext, relative_to=path)
        except ConfigError as err:
            raise ConfigError(
                f"cannot extend: {err.message}", src, "extends", ext, err.allowed, hint=err.hint
            ) from None
        parent = Scenario() if parent_path is None else _load_file(parent_path, (*chain, resolved))

    groups = group_names(Parameters)
    updates: dict[str, Any] = {}
    for key, value in data.items():
        if key in META_KEYS:
            continue
        if key not in groups:
            raise ConfigError(
                "unknown section",
                src,
                key,
                hint=suggest(key, groups + list(META_KEYS)),
                allowed="one of " + ", ".join(groups + list(META_KEYS)),
            )
        if not isinstance(value, dict):
            raise ConfigError(f"'{key}' must be a table [{key}]", src, key, value)
        for name, v in value.items():
            updates[f"{key}.{name}"] = v
    params = apply_updates(parent.params, updates, src)

    policies = list(parent.policies)
    raw_policies = data.get("policy", [])
    if not isinstance(raw_policies, list):
        raise ConfigError("write each change as a [[policy]] table", src, "policy")
    for i, entry in enumerate(raw_policies):
        policies.append(_parse_policy(entry, params, src, i))
    policies.sort(key=lambda pol: pol.at)
    _check_timeline(policies, params, src)

    description = data.get("description", parent.description if ext else "")
    sources = data.get("sources", [])
    for key, val, typ in (("description", description, str), ("name", data.get("name", ""), str)):
        if not isinstance(val, typ):
            raise ConfigError("wrong type, expected a string", src, key, val)
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise ConfigError("wrong type, expected a list of strings", src, "sources", sources)
    start = data.get("start", parent.start)
    if start is not None:
        _check_start(start, src)
    return Scenario(
        name=data.get("name", path.stem),
        params=params,
        policies=tuple(policies),
        description=description,
        sources=tuple(parent.sources) + tuple(sources),
        start=start,
        path=src,
    )


def _check_start(start: Any, src: str) -> None:
    # ASCII digits only: int() also reads full-width or Arabic-Indic digits.
    ok = isinstance(start, str) and len(start) == 7 and start[4] == "-" and start.isascii()
    if ok:
        try:
            year, month = int(start[:4]), int(start[5:])
            ok = 1900 <= year <= 2200 and 1 <= month <= 12
        except ValueError:
            ok = False
    if not ok:
        raise ConfigError("not a calendar month", src, "start", start, "'YYYY-MM', e.g. '2009-01'")


def _parse_policy(entry: Any, params: Parameters, src: str, i: int) -> Policy:
    where = f"policy[{i}]"
    if not isinstance(entry, dict):
        raise ConfigError("must be a table with 'at' and 'set'", src, where)
    unknown = set(entry) - {"at", "set", "source"}
    if unknown:
        name = sorted(unknown)[0]
        raise ConfigError(
            "unknown key",
            src,
            f"{where}.{name}",
            hint=suggest(name, ["at", "set", "source"]),
            allowed="at, set, source",
        )
    at = entry.get("at")
    if isinstance(at, bool) or not isinstance(at, int) or at < 0 or at >= params.run.steps:
        raise ConfigError(
            "wrong month",
            src,
            f"{where}.at",
            at,
            f"an integer in [0, {params.run.steps - 1}] (months from the start)",
        )
    changes = entry.get("set")
    if not isinstance(changes, dict) or not changes:
        raise ConfigError(
            "must be a non-empty inline table of dotted keys", src, f"{where}.set", changes
        )
    flat = _flatten(changes)
    for key in flat:
        spec = check_key(params, key, src)
        if spec.role == "structure":
            raise ConfigError(
                "a structural parameter cannot change during a run",
                src,
                f"{where}.set.{key}",
                flat[key],
                allowed="a lever or uncertainty key",
                meaning=spec.doc,
            )
    apply_updates(params, flat, src)  # validates values now, not at month `at`
    return Policy(at=at, updates=flat, source=str(entry.get("source", "")))


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Accept both ``{"turnover.rate" = 0.03}`` and ``{turnover = {rate = 0.03}}``."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _check_timeline(policies: Sequence[Policy], params: Parameters, src: str) -> None:
    """Apply the policies in order to a copy of the parameters, so that a change that only
    conflicts with an earlier one (or an inherited policy beyond this file's horizon) is
    reported when the file is loaded, not in the middle of a run."""
    current = params
    for i, pol in enumerate(policies):
        if pol.at >= params.run.steps:
            raise ConfigError(
                "policy month beyond the run's horizon",
                src,
                f"policy[{i}].at",
                pol.at,
                f"an integer in [0, {params.run.steps - 1}] (run.steps = {params.run.steps})",
            )
        try:
            current = apply_updates(current, pol.updates, src)
        except ConfigError as err:
            err.message = f"policy at month {pol.at} conflicts with earlier settings: {err.message}"
            raise err.at(src) if not err.source else err from None
