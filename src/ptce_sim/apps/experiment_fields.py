"""The fields of an experiment file, one at a time: typed values, parameter values,
scenarios, bundle factors and the outputs kept.

Why a module of its own: ``experiment.py`` assembles an experiment from these checks,
``experiment_design.py`` uses them for sampled and file points; each raises one
``ConfigError`` naming the file, the key (as written: ``levels.x.y``), the value and
what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ptce_sim.apps import runid
from ptce_sim.base.errors import ConfigError, suggest
from ptce_sim.base.params import ParamSpec, check_key
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.metrics import describe
from ptce_sim.world.parameters import Parameters
from ptce_sim.world.scenario import Scenario
from ptce_sim.world.summary import SUMMARY_DOCS


def get(data: Mapping[str, Any], key: str, typ: type, src: str, default: Any) -> Any:
    if key not in data:
        return default
    value = data[key]
    ok = isinstance(value, typ) and not (typ is int and isinstance(value, bool))
    if not ok:
        names = {
            str: "a string",
            int: "an integer",
            bool: "true or false",
            dict: "a table",
            list: "a list",
        }
        raise ConfigError(f"wrong type, expected {names[typ]}", src, key, value)
    return value


def level_list(raw: Any, src: str, where: str, typ: type | None) -> list[Any]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError("expected a non-empty list of levels", src, where, raw)
    if typ is not None and not all(isinstance(v, typ) for v in raw):
        raise ConfigError("expected a list of names (strings)", src, where, raw)
    return raw


def unique(values: list[Any], src: str, where: str) -> None:
    seen = [runid.canonical(v) for v in values]
    for i, v in enumerate(seen):
        if v in seen[:i]:
            raise ConfigError("level given twice", src, where, values[i])


def param_hint(name: str) -> str | None:
    try:
        check_key(Parameters, name, None)
    except ConfigError as err:
        return err.hint
    return None


def check_param(key: str, value: Any, src: str, where: str) -> tuple[ParamSpec, Any]:
    """Validate one parameter value; the error names ``where`` (e.g. ``levels.x.y``)."""
    spec = check_key(Parameters, key, src) if "." in key else None
    if spec is None:
        raise ConfigError("unknown parameter", src, where, hint=param_hint(key))
    try:
        return spec, spec.check(value, src)
    except ConfigError as err:
        err.key = where
        raise


def scenario(ref: str, path: Path, src: str) -> Scenario:
    """The scenario ``ref`` names. Not found: the error names this file and ``base``;
    found but invalid: the error is the scenario file's own (its key and value)."""
    try:
        found = scenarios.resolve(ref, relative_to=path)
    except ConfigError as err:
        raise ConfigError(
            f"scenario: {err.message}", src, "base", ref, err.allowed, hint=err.hint
        ) from None
    return Scenario() if found is None else scenarios.load(found)


def bundle(name: str, raw: dict[str, Any], src: str) -> dict[str, dict[str, Any]]:
    if not raw:
        raise ConfigError("a factor needs at least one level", src, f"levels.{name}")
    out: dict[str, dict[str, Any]] = {}
    for level, updates in raw.items():
        where = f"levels.{name}.{level}"
        if not isinstance(updates, dict):
            raise ConfigError(
                "a level of a bundle factor is a table { KEY = value, ... }; to vary one "
                f'parameter write "{name}.{level}" = [...] under [levels]',
                src,
                where,
                updates,
            )
        out[level] = {k: check_param(k, v, src, f"{where}.{k}")[1] for k, v in updates.items()}
    return out


def kept_summaries(data: Mapping[str, Any], src: str) -> tuple[str, ...]:
    keep = data.get("keep")
    if keep is None:
        return tuple(SUMMARY_DOCS)
    if not isinstance(keep, list) or not keep:
        raise ConfigError("expected a non-empty list of summary names", src, "keep", keep)
    return _known_names(
        keep, SUMMARY_DOCS, "unknown summary", src, "keep",
        allowed="names listed in docs/outputs.md (per-run summaries)",
    )  # fmt: skip


def kept_metrics(data: Mapping[str, Any], src: str) -> tuple[str, ...]:
    raw = data.get("timeseries", False)
    metrics = list(describe())
    if raw is False:
        return ()
    if raw is True:
        return tuple(metrics)
    if not isinstance(raw, list) or not raw:
        raise ConfigError("expected true, false or a list of metrics", src, "timeseries", raw)
    return _known_names(raw, metrics, "unknown metric", src, "timeseries")


def _known_names(
    names: list[Any],
    known: Any,
    message: str,
    src: str,
    key: str,
    allowed: str | None = None,
) -> tuple[str, ...]:
    """``names`` without repeats, in order, once every one is in ``known``; the first
    unknown one is an error naming it, with the nearest known name as a hint."""
    for name in names:
        if name not in known:
            hint = suggest(str(name), known)
            raise ConfigError(message, src, key, name, hint=hint, allowed=allowed)
    return tuple(dict.fromkeys(names))
