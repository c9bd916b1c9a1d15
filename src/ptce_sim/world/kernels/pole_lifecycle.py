"""Phase 9 compiled: the life of every living pole — leadership, formalisation,
animation, vegetation, institutionalisation, idleness, death — then the emergence of new
poles (``rules/lifecycle.py``; the pledge and the call: ``rules/cell.py``).

Draws from the ``poles`` stream: one uniform per pole (the formalisation draw), then per
living pole in id order a succession draw while it is leaderless (and the successor),
the governance of a pole that formalises; then a founder per new pole. A call answered
by an informal group draws from the ``funding`` stream.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS, EventKind
from ptce_sim.rules.cell import (
    call_win_probability,
    expected_call_income,
    first_year_cost,
    founding_contribution,
    grant_monthly,
    maturity,
    pledged_budget,
    sized_fte,
)
from ptce_sim.rules.lifecycle import (
    animation_intensity,
    death_cause,
    formalisation_eligible,
    formalisation_hazard,
    governance,
    institutionalise,
    succession_probability,
    successor_weight,
    vegetates,
)
from ptce_sim.rules.poles import DEAD, DEDICATED, FORMAL, INFORMAL, VEGETATING
from ptce_sim.world.kernels.events import emit
from ptce_sim.world.kernels.pole_cell import DUES
from ptce_sim.world.kernels.pole_emergence import emerge
from ptce_sim.world.kernels.pole_projects import joint_pole
from ptce_sim.world.kernels.pole_rows import die, mean_member_trust
from ptce_sim.world.kernels.state import (
    APPLIED_WINDOW,
    COMPLETED,
    F_CASH,
    F_FTE,
    F_GRANT_MONTHLY,
    F_INSTITUTION,
    F_TRUST,
    F_TRUST_PEAK,
    FORMALISED,
    GOVERNANCE,
    GRANT_MONTHS_LEFT,
    IDLE_MONTHS,
    LA_NEXT_DECISION,
    LEADER_GEN,
    LEADER_ORG,
    LEADER_SLOT,
    LEADERLESS_MONTHS,
    MEMBER_MONTHS,
    N_LIVE,
    N_POLES,
    PEAK_SIZE,
    POLE_SIZE,
    STATUS,
    UNANIMATED_MONTHS,
    VEGETATING_SINCE,
    VOLUNTEER,
)
from ptce_sim.world.kernels.sums import np_sum

S = MAX_PERSONS
_FORMALISED = int(EventKind.POLE_FORMALISED)
_VEGETATING = int(EventKind.POLE_VEGETATING)
_DIED = int(EventKind.POLE_DIED)
_LEADER_LOST = int(EventKind.LEADER_LOST)
_LEADER_FOUND = int(EventKind.LEADER_FOUND)
_GRANT_WON = int(EventKind.GRANT_WON)
_REANIMATED = int(EventKind.POLE_REANIMATED)


@njit(cache=True)
def cooperating(projects, pole_of, n_poles):
    """Per pole id: at least one active project runs in the pole."""
    out = np.zeros(n_poles, dtype=np.bool_)
    pol = np.empty(projects.members.shape[1], dtype=np.int64)
    for r in range(projects.cursor[N_LIVE]):
        q = joint_pole(projects.members, projects.live[r], pole_of, pol)
        if q >= 0:
            out[q] = True
    return out


@njit(cache=True)
def leader_candidates(idx, persons, orgs):
    """Person ids ``o * S + s`` of the persons in post of the ESS members ``idx``."""
    out = np.empty(len(idx) * S, dtype=np.int64)
    k = 0
    for r in range(len(idx)):
        o = idx[r]
        if not orgs.ess[o]:
            continue
        for s in range(S):
            if persons.present[o, s]:
                out[k] = o * S + s
                k += 1
    return out[:k]


@njit(cache=True, inline="always")
def formalise(q, t, pledged, rng, P, poles, tally):
    """Pole ``q`` formalises: a cell sized to the funding ``pledged`` for its first year
    (``sized_fte``), starting with its members' founding contribution (booked as dues),
    and one ``poles`` draw for its governance."""
    ints = poles.ints
    ints[q, STATUS] = FORMAL
    ints[q, FORMALISED] = t
    ints[q, GOVERNANCE] = governance(rng.random(), P.poles)
    poles.floats[q, F_FTE] = sized_fte(pledged, P.cell)
    founding = founding_contribution(P.poles, P.cell)
    poles.floats[q, F_CASH] += founding
    poles.ledger[q, DUES] += founding
    ints[q, LA_NEXT_DECISION] = t
    size = ints[q, POLE_SIZE]
    emit(
        tally,
        t,
        _FORMALISED,
        ints[q, LEADER_ORG],
        ints[q, LEADER_SLOT],
        q,
        -1,
        ints[q, GOVERNANCE],
        float(size),
    )


@njit(cache=True, inline="always")
def wins_call_as_informal(q, t, call_window, rng, P, poles, tally):
    """An informal group big enough to formalise, with a leader, answers an open call
    (once per window, one ``funding`` draw); a laureate gets the grant and must
    formalise to receive it."""
    ints = poles.ints
    cp = P.calls
    if not (cp.open and cp.informal_apply) or ints[q, APPLIED_WINDOW] == call_window:
        return False
    if ints[q, POLE_SIZE] < P.poles.formal_size or ints[q, LEADER_ORG] < 0:
        return False
    ints[q, APPLIED_WINDOW] = call_window
    if rng.random() >= call_win_probability(maturity(0.0, ints[q, COMPLETED]), cp):
        return False
    poles.floats[q, F_GRANT_MONTHLY] = grant_monthly(cp)
    ints[q, GRANT_MONTHS_LEFT] = cp.duration
    monthly = poles.floats[q, F_GRANT_MONTHLY] * P.economy.wage
    emit(tally, t, _GRANT_WON, -1, -1, q, -1, cp.duration, monthly)
    return True


@njit(cache=True, inline="always")
def ties_within(p, idx, trust):
    """Ties of person ``p`` to the persons of the pole's members ``idx``."""
    count = 0
    for r in range(len(idx)):
        o = idx[r]
        for s in range(S):
            if trust.tie[p, o * S + s]:
                count += 1
    return count


@njit(cache=True, inline="always")
def succession(q, idx, t, trust_value, rng, P, persons, orgs, trust, poles, tally):
    """A leaderless pole finds a successor among the persons in post of its ESS members
    with ``succession_probability`` (one draw); the successor is drawn (one more) with
    weights ``successor_weight`` of its ties within the pole."""
    ints = poles.ints
    cands = leader_candidates(idx, persons, orgs)
    nc = len(cands)
    prob = succession_probability(trust_value, poles.floats[q, F_INSTITUTION], P.poles)
    u = rng.random()
    if nc == 0 or u >= prob:
        return
    weights = np.empty(nc)
    total = 0.0
    for c in range(nc):
        weights[c] = successor_weight(ties_within(cands[c], idx, trust), P.poles)
        total += weights[c]
    target = rng.random() * total
    pick = nc - 1
    cum = 0.0
    for c in range(nc):
        cum += weights[c]
        if target < cum:
            pick = c
            break
    p = cands[pick]
    o, s = p // S, p % S
    persons.is_leader[o, s] = True
    ints[q, LEADER_ORG] = o
    ints[q, LEADER_SLOT] = s
    ints[q, LEADER_GEN] = persons.gen[o, s]
    emit(tally, t, _LEADER_FOUND, o, s, q, -1, 0, 0.0)


@njit(cache=True)
def lifecycle(
    streams, t, catalyst, call_window, due, success, P, persons, orgs, trust, projects, poles, tally
):
    """Phase 9 for each living pole in id order, then emergence around this month's
    successful teams. The table must have blank rows for the poles that may form."""
    rng = streams.poles
    ints, floats = poles.ints, poles.floats
    n_poles = poles.cursor[N_POLES]
    u_form = np.empty(max(n_poles, 1))
    for k in range(len(u_form)):
        u_form[k] = rng.random()
    # Read before any pole dies (a death changes pole_of).
    active = cooperating(projects, orgs.pole_of, n_poles)
    buf = np.empty(len(orgs.pole_of))
    call_income = expected_call_income(P.calls)
    for q in range(n_poles):
        if ints[q, STATUS] == DEAD:
            continue
        size = ints[q, POLE_SIZE]
        idx = poles.members[q, :size]
        # The members' mean trust this month (over the pairs that worked together), and
        # its highest so far.
        trust_value = mean_member_trust(idx, P, orgs, trust) if size >= 2 else 0.0
        floats[q, F_TRUST] = trust_value
        floats[q, F_TRUST_PEAK] = max(floats[q, F_TRUST_PEAK], trust_value)
        if ints[q, LEADER_ORG] >= 0:
            o, s = ints[q, LEADER_ORG], ints[q, LEADER_SLOT]
            if not (persons.present[o, s] and persons.gen[o, s] == ints[q, LEADER_GEN]):
                emit(tally, t, _LEADER_LOST, o, s, q, -1, 0, 0.0)
                ints[q, LEADER_ORG] = -1
                ints[q, LEADER_SLOT] = -1
                ints[q, LEADER_GEN] = -1
        if ints[q, LEADER_ORG] < 0:
            succession(q, idx, t, trust_value, rng, P, persons, orgs, trust, poles, tally)
        has_leader = ints[q, LEADER_ORG] >= 0
        if ints[q, STATUS] == INFORMAL:
            for r in range(size):
                buf[r] = poles.dues[idx[r]]
            pledged = pledged_budget(np_sum(buf, 0, size), P.funding, P.structural, call_income)
            eligible = formalisation_eligible(
                size, trust_value, has_leader, pledged, first_year_cost(P.cell), P.poles
            )
            # Not eligible: the hazard is 0 and no draw can be below it. Before month 0
            # (the warm start) there is no legal frame to formalise in.
            if t < 0:
                pass
            elif eligible and u_form[q] < formalisation_hazard(True, catalyst, P.poles):
                formalise(q, t, pledged, rng, P, poles, tally)
            elif wins_call_as_informal(q, t, call_window, streams.funding, P, poles, tally):
                # Created opportunistically for a call: the laureate formalises at once.
                formalise(q, t, pledged, rng, P, poles, tally)
        if (
            ints[q, STATUS] == VEGETATING
            and animation_intensity(FORMAL, floats[q, F_FTE], False, has_leader, P.poles) > 0
        ):
            # Its money returned and the cell hired (phase 8), and that staff animates the
            # pole (with a leader, or when a leaderless pole keeps some animation): the
            # pole is re-animated.
            ints[q, STATUS] = FORMAL
            ints[q, VEGETATING_SINCE] = -1
            ints[q, UNANIMATED_MONTHS] = 0
            emit(tally, t, _REANIMATED, -1, -1, q, -1, 0, floats[q, F_FTE])
        status = ints[q, STATUS]
        anim = animation_intensity(
            status, floats[q, F_FTE], ints[q, VOLUNTEER] >= 0, has_leader, P.poles
        )
        if status == FORMAL:
            ints[q, UNANIMATED_MONTHS] = ints[q, UNANIMATED_MONTHS] + 1 if anim == 0 else 0
            if vegetates(ints[q, UNANIMATED_MONTHS], P.poles):
                ints[q, STATUS] = VEGETATING
                ints[q, VEGETATING_SINCE] = t
                emit(tally, t, _VEGETATING, -1, -1, q, -1, 0, 0.0)
        floats[q, F_INSTITUTION] = institutionalise(
            floats[q, F_INSTITUTION], ints[q, STATUS], ints[q, GOVERNANCE] == DEDICATED, P.poles
        )
        ints[q, IDLE_MONTHS] = 0 if active[q] else ints[q, IDLE_MONTHS] + 1
        ints[q, LEADERLESS_MONTHS] = 0 if has_leader else ints[q, LEADERLESS_MONTHS] + 1
        veg = 0 if ints[q, VEGETATING_SINCE] < 0 else t - ints[q, VEGETATING_SINCE]
        cause = death_cause(
            floats[q, F_CASH],
            veg,
            ints[q, STATUS],
            size,
            ints[q, IDLE_MONTHS],
            ints[q, LEADERLESS_MONTHS],
            trust_value,
            floats[q, F_TRUST_PEAK],
            P.poles,
        )
        if cause >= 0:
            emit(tally, t, _DIED, -1, -1, q, -1, cause, float(size))
            die(poles, q, cause, t, orgs.pole_of)
        else:
            ints[q, PEAK_SIZE] = max(ints[q, PEAK_SIZE], size)
            ints[q, MEMBER_MONTHS] += size
    emerge(t, due, success, rng, P, persons, orgs, trust, projects, poles, tally)
