"""The parameters of the compiled pole phases, flattened into float vectors.

numba kernels take arrays, not the frozen parameter dataclasses: each vector lists the
values a kernel reads, in the order of its names (``kernels.pole_life.LIFECYCLE_PARAMS``,
``kernels.pole_cell.CELL_PARAMS``, ``kernels.pole_step.MONTH_PARAMS``). A vector is
rebuilt only when a policy replaces the parameters (:class:`PoleParamVectors` caches
them per parameter set).
"""

from __future__ import annotations

import numpy as np

from ptce_sim.world.kernels import pole_cell, pole_life, pole_step
from ptce_sim.world.parameters import Parameters


def lifecycle_params(p: Parameters) -> np.ndarray:
    """The lifecycle kernel's vector (leadership, formalisation, vegetation, death)."""
    pp, cell, fp, cp = p.poles, p.cell, p.funding, p.calls
    values = {
        **{k: getattr(pp, k) for k in pole_life.LIFECYCLE_PARAMS if hasattr(pp, k)},
        "first_year_cost": 12 * cell.starting_fte * cell.cost_per_fte,
        "starting_fte": cell.starting_fte,
        "matching_rate": fp.matching_rate,
        "la_subsidy": fp.la_subsidy,
        "structural_amount": p.structural.amount,
        "call_pledge": cp.win_probability * cp.grant / cp.duration * 12 if cp.open else 0.0,
        "informal_apply": float(cp.informal_apply),
        "win_probability": cp.win_probability,
        "maturity_weight": cp.maturity_weight,
        "call_grant_monthly": cp.grant / cp.duration,
        "call_duration": cp.duration,
    }
    return np.array([values[k] for k in pole_life.LIFECYCLE_PARAMS], dtype=float)


def cell_params(p: Parameters) -> np.ndarray:
    """The budget kernel's vector (funding, calls, structural funding, the cell)."""
    fp, cp, sp, cell, pp = p.funding, p.calls, p.structural, p.cell, p.poles
    values = {
        "la_subsidy": fp.la_subsidy,
        "la_renewal": fp.la_renewal,
        "election_factor": fp.election_factor,
        "election_period": fp.election_period,
        "election_offset": fp.election_offset,
        "matching_rate": fp.matching_rate,
        "call_open": float(cp.open),
        "call_grant_monthly": cp.grant / cp.duration,
        "call_duration": cp.duration,
        "win_probability": cp.win_probability,
        "maturity_weight": cp.maturity_weight,
        "structural_amount": sp.amount,
        "performance_share": sp.performance_share,
        "performance_target": sp.performance_target,
        "cost_per_fte": cell.cost_per_fte,
        "grace_months": cell.grace_months,
        "fte_step": cell.fte_step,
        "fte_cap": cell.fte_cap,
        "initial_fte": cell.initial_fte,
        "reserve_low": cell.reserve_low,
        "reserve_high": cell.reserve_high,
        "hire_min_members": cell.hire_min_members,
        "volunteer_animation": pp.volunteer_animation,
        "volunteer_alpha": pp.volunteer_alpha,
        "volunteer_fte": pp.volunteer_fte,
        "in_kind": pp.volunteer_fte * p.cooperation.opportunity_cost,
    }
    return np.array([values[k] for k in pole_cell.CELL_PARAMS], dtype=float)


def month_params(p: Parameters) -> np.ndarray:
    """The vector of the other pole phases (membership, joining, outcomes, report)."""
    pp, fp = p.poles, p.funding
    values = {
        "patience_min": pp.patience_min,
        "patience_max": pp.patience_max,
        "tolerance": pp.value_premium / max(pp.pole_time, 1e-9),
        "dues_exclusion": float(fp.dues_exclusion),
        "exclusion_months": fp.exclusion_months,
        "join_consider": pp.join_consider,
        "trust_threshold": pp.trust_threshold,
        "opportunity_cost": p.cooperation.opportunity_cost,
        "pole_time": pp.pole_time,
        "value_premium": pp.value_premium,
        "revenue_share": fp.revenue_share,
        "volunteer_fte": pp.volunteer_fte,
    }
    return np.array([values[k] for k in pole_step.MONTH_PARAMS], dtype=float)


class PoleParamVectors:
    """The three vectors of one parameter set, rebuilt when the parameters change."""

    def __init__(self) -> None:
        self._key: object = None

    def of(self, p: Parameters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lifecycle, cell, month) vectors of ``p``."""
        if self._key is not p:
            self._vectors = (lifecycle_params(p), cell_params(p), month_params(p))
            self._key = p
        return self._vectors
