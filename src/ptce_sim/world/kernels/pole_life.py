"""Phase 9 compiled: the lifecycle of every living pole, then the emergence of new ones.

The pole state is a :class:`~ptce_sim.world.pole_state.PoleTable` (``ints``, ``floats``,
``members``), read and written in place; the column numbers below are those of
``pole_state.INT_FIELDS`` and ``FLOAT_FIELDS`` (a test checks that they agree; they are
written out here so that a change of the table invalidates these compiled kernels).
The scalar rules are the ones of ``rules/poles.py`` and ``rules/funding.py`` (their
docstrings hold the equations), written for one pole; the tests check each against
its rule. Random numbers come from the model's ``poles`` and ``funding`` streams
(``kernels.streams``), drawn when and in the order the decisions need them.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.world.kernels.pole_month import cooperating, emergence_groups
from ptce_sim.world.kernels.poles import leader_candidates, mean_trust
from ptce_sim.world.kernels.sums import np_sum

S = MAX_PERSONS

# Columns of PoleTable.ints (pole_state.INT_FIELDS).
FOUNDER = 0
FORMED = 1
STATUS = 2
GOVERNANCE = 3
FORMALISED = 4
VEGETATING_SINCE = 5
DIED = 6
CAUSE = 7
VOLUNTEER = 8
LEADER_ORG = 9
LEADER_SLOT = 10
LEADER_GEN = 11
GRANT_MONTHS_LEFT = 12
GRANT_END = 13
APPLIED_WINDOW = 14
LA_ACTIVE = 15
LA_NEXT_DECISION = 16
IDLE_MONTHS = 17
LEADERLESS_MONTHS = 18
UNANIMATED_MONTHS = 19
COMPLETED = 20
STARTED = 21
PEAK_SIZE = 22
MEMBER_MONTHS = 23
PAYING = 24
SIZE = 25
# Columns of PoleTable.floats (pole_state.FLOAT_FIELDS).
F_FTE = 0
F_CASH = 1
F_INSTITUTION = 2
F_GRANT_MONTHLY = 3
F_COST_TOTAL = 4
F_IN_KIND = 5
# rules.poles.Status, Governance and CAUSES.
INFORMAL, FORMAL, VEGETATING, DEAD = 0, 1, 2, 3
DEDICATED, DELEGATED = 1, 2
FUNDING, TRUST_COLLAPSE, LEADER_LOSS, MEMBERSHIP_EROSION = 0, 1, 2, 3

#: Entries of the lifecycle parameter vector (``pole_params.lifecycle_params``).
LIFECYCLE_PARAMS: tuple[str, ...] = (
    "succession_rate",
    "succession_support",
    "formal_size",
    "formal_trust",
    "pledge_share",
    "formalisation_rate",
    "catalyst_boost",
    "dedicated_share",
    "first_year_cost",
    "starting_fte",
    "matching_rate",
    "la_subsidy",
    "structural_amount",
    "call_pledge",
    "informal_apply",
    "win_probability",
    "maturity_weight",
    "call_grant_monthly",
    "call_duration",
    "leaderless_loss",
    "informal_animation",
    "full_fte",
    "volunteer_animation",
    "vegetation_delay",
    "institution_rate",
    "institution_decay",
    "min_size",
    "idle_limit",
    "debt_limit",
    "vegetation_death",
    "leaderless_limit",
    "trust_threshold",
)
(
    P_SUCCESSION_RATE,
    P_SUCCESSION_SUPPORT,
    P_FORMAL_SIZE,
    P_FORMAL_TRUST,
    P_PLEDGE_SHARE,
    P_FORMALISATION_RATE,
    P_CATALYST_BOOST,
    P_DEDICATED_SHARE,
    P_FIRST_YEAR_COST,
    P_STARTING_FTE,
    P_MATCHING_RATE,
    P_LA_SUBSIDY,
    P_STRUCTURAL_AMOUNT,
    P_CALL_PLEDGE,
    P_INFORMAL_APPLY,
    P_WIN_PROBABILITY,
    P_MATURITY_WEIGHT,
    P_CALL_GRANT_MONTHLY,
    P_CALL_DURATION,
    P_LEADERLESS_LOSS,
    P_INFORMAL_ANIMATION,
    P_FULL_FTE,
    P_VOLUNTEER_ANIMATION,
    P_VEGETATION_DELAY,
    P_INSTITUTION_RATE,
    P_INSTITUTION_DECAY,
    P_MIN_SIZE,
    P_IDLE_LIMIT,
    P_DEBT_LIMIT,
    P_VEGETATION_DEATH,
    P_LEADERLESS_LIMIT,
    P_TRUST_THRESHOLD,
) = range(32)


@njit(cache=True)
def succession_probability(trust, institution, lp):  # pragma: no cover - compiled
    """``rules.poles.succession_probability``."""
    s = lp[P_SUCCESSION_RATE] * (trust + institution) / 2.0 + lp[P_SUCCESSION_SUPPORT]
    return min(max(s, 0.0), 1.0)


@njit(cache=True)
def pledge(monthly_dues, lp):  # pragma: no cover - compiled
    """First-year budget pledged to a pole whose members' dues are ``monthly_dues``:
    dues with their matching, the local subsidy, structural funding and the expected
    call grant (``call_pledge``, 0 when no call is open)."""
    dues = 12 * monthly_dues
    return (
        dues * (1 + lp[P_MATCHING_RATE])
        + lp[P_LA_SUBSIDY]
        + lp[P_STRUCTURAL_AMOUNT]
        + lp[P_CALL_PLEDGE]
    )


@njit(cache=True)
def formalisation_eligible(size, trust, has_leader, pledged, lp):  # pragma: no cover
    """``rules.poles.formalisation_eligible``."""
    return (
        size >= lp[P_FORMAL_SIZE]
        and trust >= lp[P_FORMAL_TRUST]
        and has_leader
        and pledged >= lp[P_PLEDGE_SHARE] * lp[P_FIRST_YEAR_COST]
    )


@njit(cache=True)
def formalisation_hazard(eligible, catalyst, lp):  # pragma: no cover - compiled
    """``rules.poles.formalisation_hazard`` for one pole."""
    g = 1.0 if eligible else 0.0
    return -math.expm1(-lp[P_FORMALISATION_RATE] * g * (1.0 + lp[P_CATALYST_BOOST] * catalyst))


@njit(cache=True)
def animation_intensity(status, fte, volunteer, has_leader, lp):  # pragma: no cover
    """``rules.poles.animation_intensity``."""
    lead = 1.0 if has_leader else 1.0 - lp[P_LEADERLESS_LOSS]
    if status == INFORMAL:
        return lp[P_INFORMAL_ANIMATION] if has_leader else 0.0
    if status != FORMAL:
        return 0.0
    if fte > 0:
        return min(1.0, fte / lp[P_FULL_FTE]) * lead
    if volunteer:
        return lp[P_VOLUNTEER_ANIMATION] * lead
    return 0.0


@njit(cache=True)
def institutionalise(i, status, dedicated, lp):  # pragma: no cover - compiled
    """``rules.poles.institutionalise``."""
    if status == FORMAL:
        rate = lp[P_INSTITUTION_RATE] * (2.0 if dedicated else 1.0)
        return i + min(rate, 1.0) * (1.0 - i)
    if status == VEGETATING:
        return i * (1.0 - lp[P_INSTITUTION_DECAY])
    return 0.0


@njit(cache=True)
def death_cause(cash, vegetating, size, idle, leaderless, trust, lp):  # pragma: no cover
    """``rules.poles.death_cause`` as an index in ``rules.poles.CAUSES`` (-1: lives on)."""
    if cash < -lp[P_DEBT_LIMIT]:
        return FUNDING
    if vegetating >= lp[P_VEGETATION_DEATH]:
        return FUNDING
    if leaderless >= lp[P_LEADERLESS_LIMIT]:
        return LEADER_LOSS
    if size < lp[P_MIN_SIZE] or idle >= lp[P_IDLE_LIMIT]:
        if leaderless >= 12:
            return LEADER_LOSS
        if trust < lp[P_TRUST_THRESHOLD]:
            return TRUST_COLLAPSE
        return MEMBERSHIP_EROSION
    return -1


@njit(cache=True)
def living_members(ints, members, n_poles):  # pragma: no cover - compiled
    """The living poles (ids, ascending) and their members concatenated, in pole order
    and joining order, with the offsets of each pole's members (pole ``a`` of ``alive``
    has ``flat[offsets[a]:offsets[a + 1]]``): the layout of the batched pole kernels."""
    alive = np.empty(n_poles, dtype=np.int64)
    na = 0
    nmem = 0
    for q in range(n_poles):
        if ints[q, STATUS] != DEAD:
            alive[na] = q
            na += 1
            nmem += ints[q, SIZE]
    flat = np.empty(nmem, dtype=np.int64)
    offsets = np.zeros(na + 1, dtype=np.int64)
    k = 0
    for a in range(na):
        q = alive[a]
        for r in range(ints[q, SIZE]):
            flat[k] = members[q, r]
            k += 1
        offsets[a + 1] = k
    return alive[:na], flat, offsets


@njit(cache=True)
def remove_member(
    ints, members, q, org, pole_of, dissatisfied, patience, unpaid
):  # pragma: no cover - compiled
    """``org`` leaves pole ``q`` (the other members keep
    their order); its membership books close; it stops leading or volunteering."""
    k = ints[q, SIZE]
    at = -1
    for r in range(k):
        if members[q, r] == org:
            at = r
            break
    if at >= 0:
        for r in range(at, k - 1):
            members[q, r] = members[q, r + 1]
        members[q, k - 1] = -1
        ints[q, SIZE] = k - 1
    pole_of[org] = -1
    dissatisfied[org] = 0
    patience[org] = 0
    unpaid[org] = 0
    if ints[q, LEADER_ORG] == org:
        ints[q, LEADER_ORG] = -1
        ints[q, LEADER_SLOT] = -1
        ints[q, LEADER_GEN] = -1
    if ints[q, VOLUNTEER] == org:
        ints[q, VOLUNTEER] = -1


@njit(cache=True)
def die(
    ints, floats, members, q, cause, t, pole_of, dissatisfied, patience, unpaid
):  # pragma: no cover - compiled
    """Pole ``q`` dies of ``cause`` in month ``t``; its members
    leave it."""
    ints[q, STATUS] = DEAD
    ints[q, DIED] = t
    ints[q, CAUSE] = cause
    while ints[q, SIZE] > 0:
        remove_member(ints, members, q, members[q, 0], pole_of, dissatisfied, patience, unpaid)
    floats[q, F_FTE] = 0.0
    ints[q, VOLUNTEER] = -1


@njit(cache=True)
def _formalise(ints, floats, q, t, rng, lp):  # pragma: no cover - compiled
    """Pole ``q`` formalises: a cell with its starting staff, and one ``poles`` draw for
    the governance (dedicated with ``dedicated_share``, else delegated)."""
    ints[q, STATUS] = FORMAL
    ints[q, FORMALISED] = t
    dedicated = rng.random() < lp[P_DEDICATED_SHARE]
    ints[q, GOVERNANCE] = DEDICATED if dedicated else DELEGATED
    floats[q, F_FTE] = lp[P_STARTING_FTE]
    ints[q, LA_NEXT_DECISION] = t


@njit(cache=True)
def _wins_call_as_informal(ints, floats, q, call_open, call_window, rng, lp):  # pragma: no cover
    """An informal group big enough to formalise, with a leader, answers an open call
    (once per window, one ``funding`` draw); a laureate gets the grant and must
    formalise to receive it."""
    if not (call_open and lp[P_INFORMAL_APPLY] > 0) or ints[q, APPLIED_WINDOW] == call_window:
        return False
    if ints[q, SIZE] < lp[P_FORMAL_SIZE] or ints[q, LEADER_ORG] < 0:
        return False
    ints[q, APPLIED_WINDOW] = call_window
    maturity = 0.5 * (0.0 + min(1.0, ints[q, COMPLETED] / 10.0))
    mw = lp[P_MATURITY_WEIGHT]
    p_win = lp[P_WIN_PROBABILITY] * (1.0 - mw + mw * maturity)
    if rng.random() >= p_win:
        return False
    floats[q, F_GRANT_MONTHLY] = lp[P_CALL_GRANT_MONTHLY]
    ints[q, GRANT_MONTHS_LEFT] = int(lp[P_CALL_DURATION])
    return True


@njit(cache=True)
def lifecycle(
    streams,
    t,
    n_poles,
    ints,
    floats,
    members,
    lp,
    catalyst,
    call_open,
    call_window,
    live_rows,
    pt_members,
    pole_of,
    dissatisfied,
    patience,
    unpaid,
    dues_table,
    present,
    gen,
    is_leader,
    ess,
    tau0,
    best_dev,
    theta,
    history,
    omega,
    successes,
):  # pragma: no cover - compiled
    """Phase 9: for each living pole in id order,
    leadership, formalisation, vegetation, institutionalisation, idleness and death;
    then new poles emerge from this month's successful teams (``successes``).

    The ``members`` rows of the new poles must exist (the caller reserves them, blank).
    Returns the number of poles after emergence.
    """
    rng = streams.poles
    u_form = np.empty(max(n_poles, 1))
    for k in range(len(u_form)):
        u_form[k] = rng.random()
    # Read before any pole dies (a death changes pole_of).
    active = cooperating(live_rows, pt_members, pole_of, n_poles)
    buf = np.empty(pole_of.shape[0])
    for q in range(n_poles):
        if ints[q, STATUS] == DEAD:
            continue
        size = ints[q, SIZE]
        idx = members[q, :size]
        # The members' mean trust, computed when a decision reads it (a leaderless or
        # informal pole, a pole at risk): nothing in this iteration changes it.
        trust = 0.0
        known = size < 2  # below two members the mean trust is 0
        # Leadership: the leader left (or never was): a successor among the persons in
        # post of the ESS members, with the succession probability.
        if ints[q, LEADER_ORG] >= 0:
            o, s = ints[q, LEADER_ORG], ints[q, LEADER_SLOT]
            if not (present[o, s] and gen[o, s] == ints[q, LEADER_GEN]):
                ints[q, LEADER_ORG] = -1
                ints[q, LEADER_SLOT] = -1
                ints[q, LEADER_GEN] = -1
        if ints[q, LEADER_ORG] < 0:
            cands = leader_candidates(idx, present, ess)
            nc = len(cands)
            if not known:
                trust, known = mean_trust(idx, tau0, best_dev, theta, history, omega), True
            prob = succession_probability(trust, floats[q, F_INSTITUTION], lp)
            u = rng.random()
            if nc > 0 and u < prob:
                p = cands[rng.integers(0, nc)]
                o, s = p // S, p % S
                is_leader[o, s] = True
                ints[q, LEADER_ORG] = o
                ints[q, LEADER_SLOT] = s
                ints[q, LEADER_GEN] = gen[o, s]
        has_leader = ints[q, LEADER_ORG] >= 0
        if ints[q, STATUS] == INFORMAL:
            for r in range(size):
                buf[r] = dues_table[idx[r]]
            dues = np_sum(buf, 0, size)
            if not known:
                trust, known = mean_trust(idx, tau0, best_dev, theta, history, omega), True
            eligible = formalisation_eligible(size, trust, has_leader, pledge(dues, lp), lp)
            # Not eligible: the hazard is 0 and no draw can be below it.
            if eligible and u_form[q] < formalisation_hazard(True, catalyst, lp):
                _formalise(ints, floats, q, t, rng, lp)
            elif _wins_call_as_informal(
                ints, floats, q, call_open, call_window, streams.funding, lp
            ):
                # Created opportunistically for a call: the laureate formalises at once.
                _formalise(ints, floats, q, t, rng, lp)
        status = ints[q, STATUS]
        anim = animation_intensity(
            status, floats[q, F_FTE], ints[q, VOLUNTEER] >= 0, has_leader, lp
        )
        if status == FORMAL:
            ints[q, UNANIMATED_MONTHS] = ints[q, UNANIMATED_MONTHS] + 1 if anim == 0 else 0
            if ints[q, UNANIMATED_MONTHS] >= lp[P_VEGETATION_DELAY]:
                ints[q, STATUS] = VEGETATING
                ints[q, VEGETATING_SINCE] = t
        floats[q, F_INSTITUTION] = institutionalise(
            floats[q, F_INSTITUTION], ints[q, STATUS], ints[q, GOVERNANCE] == DEDICATED, lp
        )
        ints[q, IDLE_MONTHS] = 0 if active[q] else ints[q, IDLE_MONTHS] + 1
        ints[q, LEADERLESS_MONTHS] = 0 if has_leader else ints[q, LEADERLESS_MONTHS] + 1
        veg = 0 if ints[q, VEGETATING_SINCE] < 0 else t - ints[q, VEGETATING_SINCE]
        idle = ints[q, IDLE_MONTHS]
        at_risk = size < lp[P_MIN_SIZE] or idle >= lp[P_IDLE_LIMIT]
        if at_risk and not known:
            trust, known = mean_trust(idx, tau0, best_dev, theta, history, omega), True
        cause = death_cause(
            floats[q, F_CASH],
            veg,
            size,
            idle,
            ints[q, LEADERLESS_MONTHS],
            trust if at_risk else 1.0,  # trust only matters for the cause of death
            lp,
        )
        if cause >= 0:
            die(ints, floats, members, q, cause, t, pole_of, dissatisfied, patience, unpaid)
        else:
            ints[q, PEAK_SIZE] = max(ints[q, PEAK_SIZE], size)
            ints[q, MEMBER_MONTHS] += size
    # Emergence: trusted groups around successful teams outside every pole.
    if len(successes) == 0:
        return n_poles
    flat, offsets, leads = emergence_groups(
        successes,
        pole_of,
        is_leader,
        present,
        history,
        tau0,
        best_dev,
        theta,
        omega,
        lp[P_TRUST_THRESHOLD],
        lp[P_MIN_SIZE],
        n_poles,
    )
    for g in range(len(offsets) - 1):
        lo, hi = offsets[g], offsets[g + 1]
        nl = 0
        for r in range(lo, hi):
            if leads[r]:
                nl += 1
        pick = rng.integers(0, nl)
        founder = -1
        for r in range(lo, hi):
            if leads[r]:
                if pick == 0:
                    founder = flat[r]
                    break
                pick -= 1
        slot = 0
        for s in range(S):
            if is_leader[founder, s] and present[founder, s]:
                slot = s
                break
        q = n_poles + g
        ints[q, FOUNDER] = founder
        ints[q, FORMED] = t
        ints[q, SIZE] = hi - lo
        for r in range(lo, hi):
            members[q, r - lo] = flat[r]
        ints[q, LEADER_ORG] = founder
        ints[q, LEADER_SLOT] = slot
        ints[q, LEADER_GEN] = gen[founder, slot]
        ints[q, PEAK_SIZE] = hi - lo
    return n_poles + len(offsets) - 1
