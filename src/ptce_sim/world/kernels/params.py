"""The parameters a month's kernels read: every declared group as a named record, and a
few arrays derived from them.

``ParamsRecord`` is generated from the parameter tree (``world/parameters.py``,
``base/records.py``): ``P.trust.gain``, ``P.cooperation.threshold``... — the names of the
declarations, so that the rule functions accept the record as they accept the
dataclass. ``Derived`` holds what is not a declared parameter but follows from them and
from the territory: the per-kind arrays of the cooperation group, the number of
candidates, the random draws a searcher uses. Both are rebuilt when a policy changes the
parameters (``TerritoryModel.apply_policies``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from ptce_sim.base.records import record_type, to_record
from ptce_sim.rules.cooperation import KIND_PROPENSITY
from ptce_sim.rules.search import project_cost
from ptce_sim.world.parameters import Parameters

#: The record of the whole parameter tree: one field per group (``P.turnover.rate``).
ParamsRecord = record_type(Parameters, "ParamsRecord", __name__)


class Derived(NamedTuple):
    """Arrays and counts that follow from the parameters and the territory."""

    kind_costs: NDArray[np.float64]  # nominal monthly time cost by project kind
    kind_values: NDArray[np.float64]  # value multiple by project kind
    kind_propensity: NDArray[np.float64]  # (organisation kind, project kind)
    candidates: int  # m, at most n - 1
    least_cost: float  # the least time a project can cost (full animation)
    search_draws: int  # uniforms per searcher (kernels/search.py)
    slot_draws: int  # uniforms per searcher for the persons assigned


def params_record(params: Parameters) -> Any:
    """``params`` as a :data:`ParamsRecord`."""
    return to_record(ParamsRecord, params)


def derived(params: Parameters, n_orgs: int) -> Derived:
    """The :class:`Derived` arrays of ``params`` on a territory of ``n_orgs``."""
    cp = params.cooperation
    costs = cp.costs()
    m = int(min(cp.candidates, n_orgs - 1))
    slot_draws = int(cp.max_partners) + 1
    return Derived(
        kind_costs=costs,
        kind_values=cp.values(),
        kind_propensity=KIND_PROPENSITY,
        candidates=m,
        least_cost=float(project_cost(float(costs.min()), cp.animation_time_saving, 1.0)),
        # kind, m candidates, partners, m choice keys, duration, one per participant,
        # acceptance order (kernels/search.py)
        search_draws=1 + m + 1 + m + 1 + slot_draws + 1,
        slot_draws=slot_draws,
    )
