"""Phase 7, the animation cell's budget, and the collective offers of formal poles.

Rules: ``rules/funding.py``. Functions of the :class:`~ptce_sim.world.poles.PoleRegistry`,
split from it to keep modules small. Every euro in or out of a cell is booked in
``Pole.ledger`` and in one ledger row per pole and month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ptce_sim.base.domain import MAX_PERSONS, ProjectKind
from ptce_sim.rules import funding as fund
from ptce_sim.world import kernels
from ptce_sim.world.pole_state import (
    _FORMAL,
    _VEGETATING,
    Pole,
)
from ptce_sim.world.projects import NewProjects

if TYPE_CHECKING:
    from ptce_sim.world.poles import PoleRegistry

S = MAX_PERSONS


def budget(reg: PoleRegistry, joint_revenue: dict[int, float]) -> None:
    m = reg.model
    t = m.month
    fp, cp, sp, cell = m.params.funding, m.params.calls, m.params.structural, m.params.cell
    rng = m.streams["funding"]
    reg.month_income = dict.fromkeys(fund.SOURCES, 0.0)
    formal = [p for p in reg._alive if p.status == _FORMAL or p.status == _VEGETATING]
    # Dues of the members who paid, per pole, in one call (nothing below changes them).
    offsets = [0]
    paying: list[int] = []
    for pole in formal:
        paying += [o for o in pole.members if not reg.unpaid[o]]
        offsets.append(len(paying))
    dues_by_pole = (
        kernels.segment_sums(
            reg.dues_table(),
            np.array(paying, dtype=np.int64),
            np.array(offsets, dtype=np.int64),
        ).tolist()
        if formal
        else []
    )
    for pole, dues in zip(formal, dues_by_pole, strict=True):
        income = dict.fromkeys(fund.SOURCES, 0.0)
        income["dues"] = dues
        if t >= pole.la_next_decision:
            pole.la_active = fp.la_subsidy > 0 and rng.random() < (
                1.0 if pole.la_next_decision == pole.formalised else fund.renewal_probability(t, fp)
            )
            pole.la_next_decision = t + 12
            if pole.la_active:
                income["la_subsidy"] = fp.la_subsidy
        if (
            cp.open
            and pole.status == _FORMAL
            and pole.grant_months_left == 0
            and pole.applied_window != reg.call_window
        ):
            pole.applied_window = reg.call_window
            mat = fund.maturity(pole.institution, pole.completed)
            if rng.random() < fund.call_win_probability(mat, cp):
                pole.grant_monthly = cp.grant / cp.duration
                pole.grant_months_left = cp.duration
        if pole.grant_months_left > 0:
            income["call_grant"] = pole.grant_monthly
            pole.grant_months_left -= 1
            if pole.grant_months_left == 0:
                pole.grant_end = t + 1
        if pole.status == _FORMAL and sp.amount > 0:
            size = max(len(pole.members), 1)
            years = max((t - (pole.formalised or t) + 1) / 12.0, 1.0)
            rate = pole.started / size / years
            income["structural"] = fund.structural_income(
                sp.amount, sp.performance_share, rate >= sp.performance_target
            )
        income["matching"] = fp.matching_rate * dues
        income["revenue_share"] = joint_revenue.get(pole.id, 0.0)
        cost = pole.fte * cell.cost_per_fte
        before = pole.cash
        pole.cash = before + sum(income.values()) - cost
        ledger = reg.state.ledger[pole.id]
        for j, (k, v) in enumerate(income.items()):
            ledger[j] += v
            reg.month_income[k] += v
        pole.cost_total += cost
        reg.ledger_rows.append((pole.id, t, before, *income.values(), cost, pole.cash))
        if pole.status != _FORMAL:
            pole.fte = 0.0  # a vegetating pole's cell is dormant: no staff, no hiring
        elif t - (pole.formalised or 0) < cell.grace_months:
            # First months: members' pledges carry the new cell; it only hires.
            pole.fte = max(pole.fte, fund.staffing(pole.fte, pole.cash, len(pole.members), cell))
        else:
            pole.fte = fund.staffing(pole.fte, pole.cash, len(pole.members), cell)
        if pole.fte == 0 and pole.status == _FORMAL:
            _volunteer(reg, pole)
        else:
            pole.volunteer = None
        if pole.volunteer is not None:
            pole.in_kind += m.params.poles.volunteer_fte * m.params.cooperation.opportunity_cost
    reg.month_public = sum(reg.month_income[k] for k in fund.PUBLIC_SOURCES)


def _volunteer(reg: PoleRegistry, pole: Pole) -> None:
    m = reg.model
    pp = m.params.poles
    if pp.volunteer_animation <= 0:
        pole.volunteer = None
        return
    if pole.volunteer in pole.members:
        return
    if not pole.members:  # every member excluded (unpaid dues): nobody to volunteer
        pole.volunteer = None
        return
    idx = np.asarray(pole.members, dtype=np.intp)
    h = reg._homophily_with(idx, pole.members)
    commitment = m.orgs.alpha[idx] * h
    free = m.orgs.time_budget[idx] - m.time_used[idx]
    ok = (commitment >= pp.volunteer_alpha) & (free >= pp.volunteer_fte)
    pole.volunteer = int(idx[np.argmax(np.where(ok, commitment, -1))]) if ok.any() else None


def collective_offers(reg: PoleRegistry, t: int) -> None:
    """Formal poles answer tenders that need a critical size (a commercial project of
    ``tender_size`` members, proposed by the local authority with ``tender_rate``)."""
    m = reg.model
    reg.month_collective = 0
    pp = m.params.poles
    cp = m.params.cooperation
    rng = m.streams["poles"]
    for pole in reg.poles:
        if pole.status != _FORMAL or len(pole.members) < pp.tender_size:
            continue
        if rng.random() >= pp.tender_rate:
            continue
        idx = np.asarray(pole.members)
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
