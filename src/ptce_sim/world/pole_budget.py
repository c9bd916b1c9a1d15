"""Phase 7, the animation cell's budget, and the collective offers of formal poles.

Rules: ``rules/funding.py``. Functions of the :class:`~ptce_sim.world.poles.PoleRegistry`,
split from it to keep modules small. Every euro in or out of a cell is booked in
``Pole.ledger`` and in one ledger row per pole and month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ptce_sim.base.domain import MAX_PERSONS, ProjectKind
from ptce_sim.world.kernels import pole_cell
from ptce_sim.world.pole_state import (
    _FORMAL,
)
from ptce_sim.world.projects import NewProjects

if TYPE_CHECKING:
    from ptce_sim.world.poles import PoleRegistry

S = MAX_PERSONS


def budget(reg: PoleRegistry, joint_revenue: np.ndarray) -> None:
    """Phase 8, compiled (``kernels.pole_cell.budget``): each formal cell's income by
    source, cost, staffing, volunteer; one ledger row per cell. ``joint_revenue``: each
    pole's share of the revenue of its projects completed this month."""
    m = reg.model
    state = reg.state
    if len(reg._ledger_buf) < state.size:
        reg._ledger_buf = np.empty((2 * state.size, pole_cell.LEDGER_WIDTH))
    k = pole_cell.budget(
        reg.streams,
        m.month,
        state.size,
        state.ints,
        state.floats,
        state.members,
        state.ledger,
        cell_params(reg),
        reg.call_window,
        joint_revenue,
        reg.unpaid,
        reg.dues_table(),
        m.homophily,
        m.orgs.alpha,
        m.orgs.time_budget,
        m.time_used,
        reg.month_income_by_source,
        reg.acc,
        reg._ledger_buf,
    )
    if k:
        reg._ledger_chunks.append(reg._ledger_buf[:k].copy())


def cell_params(reg: PoleRegistry) -> np.ndarray:
    """The parameters of the budget kernel (``kernels.pole_cell.CELL_PARAMS``), rebuilt
    when a policy changes the parameters."""
    p = reg.model.params
    if reg._cell_key is p:
        return reg._cell_params
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
    reg._cell_params = np.array([values[k] for k in pole_cell.CELL_PARAMS], dtype=float)
    reg._cell_key = p
    return reg._cell_params


def collective_offers(reg: PoleRegistry, t: int) -> None:
    """Formal poles answer tenders that need a critical size (a commercial project of
    ``tender_size`` members, proposed by the local authority with ``tender_rate``)."""
    m = reg.model
    reg.month_collective = 0
    pp = m.params.poles
    cp = m.params.cooperation
    rng = m.streams["poles"]
    state = reg.state
    size = state.column("size")
    # Formal poles big enough, in id order (the order of the draws).
    able = ((state.column("status") == _FORMAL) & (size >= pp.tender_size)).nonzero()[0]
    for q in able.tolist():
        if rng.random() >= pp.tender_rate:
            continue
        idx = state.members[q, : size[q]]
        anim = m.animation[idx]
        cost = cp.cost_commercial * (1.0 - cp.animation_time_saving * anim.max())
        free = m.orgs.time_budget[idx] - m.time_used[idx]
        ready = idx[(free >= cost) & ~(m.vacancy[idx] > 0).any(axis=1)]
        if len(ready) < pp.tender_size:
            continue
        team = rng.permutation(ready)[: pp.tender_size]
        _start_collective(reg, team, cost, rng, t)
        reg.month_collective += 1


def _start_collective(reg, team: np.ndarray, cost: float, rng: np.random.Generator, t: int) -> None:
    m = reg.model
    cp = m.params.cooperation
    pt = m.projects
    w = pt.width
    members = np.full((1, w), -1, dtype=np.int64)
    members[0, : len(team)] = team
    slots = np.full((1, w), -1, dtype=np.int64)
    gens = np.zeros((1, w), dtype=np.int64)
    for a, org in enumerate(team.tolist()):
        here = m.present[org].nonzero()[0]
        s = int(here[rng.integers(len(here))])
        slots[0, a], gens[0, a] = s, m.gen[org, s]
    comp = m.comp[team[:, None], team[None, :]]
    off = ~np.eye(len(team), dtype=bool)
    fit = np.zeros((1, w))
    fit[0, : len(team)] = (comp * off).sum(axis=1) / max(len(team) - 1, 1)
    duration = rng.integers(cp.duration_min, cp.duration_max + 1)
    pt.add(
        NewProjects(
            kind=np.array([ProjectKind.COMMERCIAL]),
            members=members,
            slots=slots,
            gens=gens,
            start=t,
            duration=np.array([duration]),
            cost=np.array([cost]),
            nominal_cost=np.array([cp.cost_commercial]),
            fit=fit,
            comp=np.array([float(comp[off].mean())]),
        )
    )
    m.time_used[team] += cost
    m.counts.started[ProjectKind.COMMERCIAL] += 1
