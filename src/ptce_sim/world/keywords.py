"""Parameters by keyword: ``TerritoryModel(turnover_rate=0.03)``.

Why: Mesa's tools build a model from keyword arguments — ``SolaraViz`` rebuilds it with
``model.__class__(**params)`` on Reset, ``mesa.batch_run`` with each combination of its
``parameters`` — while scenario files and ``--set`` use dotted keys (``turnover.rate``).
A keyword is the dotted key with its dot written ``_``: group names hold no underscore,
so the first ``_`` separates the group from the parameter, and the mapping is one-to-one.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from ptce_sim.base.errors import ConfigError, suggest
from ptce_sim.base.params import group_names, spec_index
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.parameters import Parameters
from ptce_sim.world.scenario import Scenario


def identifier(key: str) -> str:
    """The keyword of a dotted key: ``turnover.rate`` -> ``turnover_rate``."""
    return key.replace(".", "_", 1)


@functools.cache
def identifiers() -> dict[str, str]:
    """Every keyword -> its dotted key."""
    groups = group_names(Parameters)
    assert all("_" not in g for g in groups), "a group name with '_' would be ambiguous"
    return {identifier(key): key for key in spec_index(Parameters)}


def dotted(params: Mapping[str, Any]) -> dict[str, Any]:
    """Keywords -> ``{dotted key: value}``; an unknown keyword is a ConfigError."""
    known = identifiers()
    out = {}
    for name, value in params.items():
        if name not in known:
            hint = suggest(name, known)
            raise ConfigError("unknown parameter keyword", "TerritoryModel", name, hint=hint)
        out[known[name]] = value
    return out


def resolve(scenario: Scenario | str | None, params: Mapping[str, Any]) -> Scenario:
    """The scenario a model runs: ``scenario`` (a Scenario, a name or a path; default the
    baseline) with the keyword ``params`` applied at month 0 (validated)."""
    if scenario is None:
        spec = Scenario()
    elif isinstance(scenario, str):
        spec = scenarios.load(scenario)
    elif isinstance(scenario, Scenario):
        spec = scenario
    else:
        raise ConfigError(
            f"expected a Scenario, a scenario name or a path, got {type(scenario).__name__}",
            "TerritoryModel",
            "scenario",
        )
    return spec.with_overrides(dotted(params), source="TerritoryModel") if params else spec
