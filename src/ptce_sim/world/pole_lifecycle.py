"""Phase 8, the pole lifecycle: leadership, formalisation, vegetation, death, emergence.

Rules: ``rules/poles.py`` (and ``rules/funding.py`` for an informal group answering a
call). Functions of the :class:`~ptce_sim.world.poles.PoleRegistry`, split from it to
keep modules small. What the decisions read of every living pole (mean member trust,
dues, leader candidates, whether it cooperates) is computed for all poles in one
compiled call each before the loop over poles, which keeps only the scalar decisions
and the random draws, in the order they were always made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules import funding as fund
from ptce_sim.rules import poles as rule
from ptce_sim.rules.poles import Governance
from ptce_sim.world import kernels
from ptce_sim.world.pole_state import (
    _DEDICATED,
    _FORMAL,
    _INFORMAL,
    _VEGETATING,
    Pole,
)

if TYPE_CHECKING:
    from ptce_sim.world.poles import PoleRegistry

S = MAX_PERSONS


def lifecycle(reg: PoleRegistry, successes: np.ndarray) -> None:
    """Phase 9. ``successes``: member rows (-1 padded) of the projects that succeeded
    this month (from :meth:`outcomes`), the seeds of emergence."""
    m = reg.model
    t = m.month
    pp = m.params.poles
    rng = m.streams["poles"]
    u_form = rng.random(max(len(reg.poles), 1))
    alive = list(reg._alive)
    cooperating = _cooperating_poles(reg) if alive else []
    # What the decisions read of each pole, for all poles in one call each: none of
    # it changes during the loop (members only change when a pole dies, after its
    # decisions; trust, presence and dues not at all).
    flat, offsets = reg._concat_members(alive)
    off = np.array(offsets, dtype=np.int64)
    rel = m.relations
    trusts = kernels.mean_trusts(
        flat, off, rel.tau0, rel.best_dev, rel.theta, rel.history, float(m.personal_weight)
    ).tolist()
    dues = kernels.segment_sums(reg.dues_table(), flat, off).tolist()
    cands, cand_off = kernels.leader_candidates_all(flat, off, m.present, reg._ess_orgs())
    cand_at = cand_off.tolist()
    for q, pole in enumerate(alive):
        k = pole.id  # the pole's row in reg.poles, and in u_form
        trust = trusts[q]
        _leadership(reg, pole, rng, trust, cands[cand_at[q] : cand_at[q + 1]])
        if pole.status == _INFORMAL:
            eligible = rule.formalisation_eligible(
                len(pole.members),
                trust,
                pole.has_leader,
                _pledge(reg, dues[q]),
                12 * m.params.cell.starting_fte * m.params.cell.cost_per_fte,
                pp,
            )
            hazard = rule.formalisation_hazard(eligible, reg._catalyst, pp)
            if k < len(u_form) and u_form[k] < hazard:
                _formalise(reg, pole, rng)
            elif _wins_call_as_informal(reg, pole):
                # Created opportunistically for a call: the laureate formalises at once.
                _formalise(reg, pole, rng)
        anim = rule.animation_intensity(
            pole.status, pole.fte, pole.volunteer is not None, pole.has_leader, pp
        )
        if pole.status == _FORMAL:
            pole.unanimated_months = pole.unanimated_months + 1 if anim == 0 else 0
            if pole.unanimated_months >= pp.vegetation_delay:
                pole.status = _VEGETATING
                pole.vegetating_since = t
        pole.institution = rule.institutionalise(
            pole.institution, pole.status, pole.governance == _DEDICATED, pp
        )
        pole.idle_months = 0 if cooperating[k] else pole.idle_months + 1
        pole.leaderless_months = 0 if pole.has_leader else pole.leaderless_months + 1
        veg = 0 if pole.vegetating_since is None else t - pole.vegetating_since
        at_risk = len(pole.members) < pp.min_size or pole.idle_months >= pp.idle_limit
        cause = rule.death_cause(
            pole.cash,
            veg,
            len(pole.members),
            pole.idle_months,
            pole.leaderless_months,
            trust if at_risk else 1.0,  # trust only matters for the cause of death
            pp,
        )
        if cause is not None:
            reg._die(pole, cause)
        else:
            pole.peak_size = max(pole.peak_size, len(pole.members))
            pole.member_months += len(pole.members)
    _emerge(reg, successes, rng)
    reg.observe()


def _pledge(reg: PoleRegistry, monthly_dues: float) -> float:
    """First-year budget pledged to a pole whose members' dues are ``monthly_dues``."""
    m = reg.model
    fp, cp, sp = m.params.funding, m.params.calls, m.params.structural
    dues = 12 * monthly_dues
    call = cp.win_probability * cp.grant / cp.duration * 12 if cp.open else 0.0
    return dues * (1 + fp.matching_rate) + fp.la_subsidy + sp.amount + call


def _wins_call_as_informal(reg: PoleRegistry, pole: Pole) -> bool:
    """An informal group big enough to formalise, with a leader, answers an open call
    (once per window); a laureate gets the grant and must formalise to receive it."""
    m = reg.model
    cp = m.params.calls
    if not (cp.open and cp.informal_apply) or pole.applied_window == reg.call_window:
        return False
    if len(pole.members) < m.params.poles.formal_size or not pole.has_leader:
        return False
    pole.applied_window = reg.call_window
    p_win = fund.call_win_probability(fund.maturity(0.0, pole.completed), cp)
    if m.streams["funding"].random() >= p_win:
        return False
    pole.grant_monthly = cp.grant / cp.duration
    pole.grant_months_left = cp.duration
    return True


def _formalise(reg: PoleRegistry, pole: Pole, rng: np.random.Generator) -> None:
    m = reg.model
    pole.status = _FORMAL
    pole.formalised = m.month
    dedicated = rng.random() < m.params.poles.dedicated_share
    pole.governance = _DEDICATED if dedicated else Governance.DELEGATED
    pole.fte = m.params.cell.starting_fte
    pole.la_next_decision = m.month


def _leadership(
    reg, pole: Pole, rng: np.random.Generator, trust: float, candidates: np.ndarray
) -> None:
    """The leader left (or never was): a successor among ``candidates`` (persons in
    post in the pole's ESS members, ``o * S + s``) with the succession probability."""
    m = reg.model
    if pole.leader is not None:
        o, s, g = pole.leader
        if not (m.present[o, s] and m.gen[o, s] == g):
            pole.leader = None
    if pole.leader is None:
        prob = rule.succession_probability(trust, pole.institution, m.params.poles)
        u = rng.random()
        if len(candidates) and u < prob:
            p = int(candidates[rng.integers(len(candidates))])
            o, s = divmod(p, S)
            m.is_leader[o, s] = True
            pole.leader = (o, s, int(m.gen[o, s]))


def _cooperating_poles(reg: PoleRegistry) -> list[bool]:
    """Per pole id: at least one project under way between two of its members."""
    m = reg.model
    pt = m.projects
    return kernels.cooperating(pt.live_rows(), pt.members, m.pole_of, len(reg.poles)).tolist()


def _emerge(reg: PoleRegistry, successes: np.ndarray, rng: np.random.Generator) -> None:
    """New poles: the trusted groups around successful teams outside every pole, found
    in one compiled call (``kernels.emergence_groups``); a founder drawn among each
    group's organisations with a leader in post (one draw per new pole, in order)."""
    m = reg.model
    pp = m.params.poles
    if len(successes) == 0:
        return
    rel = m.relations
    flat, offsets, leads = kernels.emergence_groups(
        successes,
        m.pole_of,
        m.is_leader,
        m.present,
        rel.history,
        rel.tau0,
        rel.best_dev,
        rel.theta,
        float(m.personal_weight),
        float(pp.trust_threshold),
        int(pp.min_size),
        len(reg.poles),
    )
    off = offsets.tolist()
    for q in range(len(off) - 1):
        group = flat[off[q] : off[q + 1]]
        leaders = leads[off[q] : off[q + 1]].nonzero()[0]
        founder = int(group[leaders[rng.integers(len(leaders))]])
        slot = int((m.is_leader[founder] & m.present[founder]).nonzero()[0][0])
        pole = Pole(reg.state, reg.state.add(founder, m.month), group.tolist())
        pole.leader = (founder, slot, int(m.gen[founder, slot]))
        pole.peak_size = len(group)
        reg.poles.append(pole)
        reg._alive.append(pole)
