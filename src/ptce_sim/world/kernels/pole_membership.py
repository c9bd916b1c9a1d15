"""Phase 7 compiled: members count their dissatisfied and unpaid months and leave; then
organisations outside every pole consider joining one (``rules/membership.py``).

Draws from the ``poles`` stream: one patience draw per member of a living pole (in pole
and joining order), then one uniform per organisation outside every pole (whether it
considers joining).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS, EventKind
from ptce_sim.rules.membership import (
    consider_probability,
    dissatisfied,
    dues_burden,
    excluded_for_dues,
    join_value,
    patience_exhausted,
    tolerance_factor,
    trusted_tie,
)
from ptce_sim.rules.poles import FORMAL, INFORMAL, VEGETATING
from ptce_sim.world.kernels.events import emit
from ptce_sim.world.kernels.pair_trust import pair_trust
from ptce_sim.world.kernels.pole_rows import homophily_with, living_members, remove_member
from ptce_sim.world.kernels.state import LEADER_ORG, LEADER_SLOT, PAYING, POLE_SIZE, STATUS
from ptce_sim.world.kernels.sums import np_sum

S = MAX_PERSONS
_JOINED = int(EventKind.POLE_JOINED)
_LEFT = int(EventKind.POLE_LEFT)
#: Why a member left (the code of a POLE_LEFT event).
DISSATISFIED, EXCLUDED = 0, 1


@njit(cache=True)
def books(flat, offsets, paying_pole, unhappy, u_patience, P, poles):
    """The membership books of every living pole for one month.

    Per organisation (in one pole at most): ``dissatisfied`` counts its consecutive
    dissatisfied months, ``patience`` is the patience drawn when the spell began (0: no
    spell), ``unpaid`` its consecutive unpaid months in a paying (formal or vegetating)
    pole. A satisfied member's counters reset (it pays its dues); a dissatisfied one
    counts a month, takes its patience draw at the start of a spell, leaves when the
    spell reaches its patience, else counts an unpaid month and may be excluded.
    Returns, per member, why it leaves (-1: it stays) and, per pole, who paid.
    """
    leave = np.full(len(flat), -1, dtype=np.int64)
    n_poles = len(offsets) - 1
    paying = np.zeros(n_poles, dtype=np.int64)
    for q in range(n_poles):
        pays = paying_pole[q]
        sad = 0
        for r in range(offsets[q], offsets[q + 1]):
            o = flat[r]
            if not unhappy[r]:
                poles.dissatisfied[o] = 0
                poles.patience[o] = 0
                if pays:
                    poles.unpaid[o] = 0
                continue
            sad += 1
            poles.dissatisfied[o] += 1
            if poles.patience[o] == 0:
                poles.patience[o] = u_patience[r]
            if patience_exhausted(poles.dissatisfied[o], poles.patience[o]):
                leave[r] = DISSATISFIED
                continue
            if pays:
                poles.unpaid[o] += 1
                if excluded_for_dues(poles.unpaid[o], P.funding):
                    leave[r] = EXCLUDED
        if pays:
            paying[q] = offsets[q + 1] - offsets[q] - sad
    return leave, paying


@njit(cache=True)
def linked_in_pole(org, members, P, orgs, trust, threshold):
    """Whether ``org`` has a trusted tie (``trusted_tie``) to another of ``members``."""
    for j in members:
        if j != org and trusted_tie(
            pair_trust(org, j, P, orgs, trust), trust.tied[org, j], threshold
        ):
            return True
    return False


@njit(cache=True)
def best_pole(org, alive, P, orgs, trust, poles, threshold):
    """The living pole (an index in ``alive``) where ``org`` has the most linked members
    (``trusted_tie``), first on ties; -1 if it has none."""
    best = -1
    best_ties = 0
    for a in range(len(alive)):
        q = alive[a]
        ties = 0
        for r in range(poles.ints[q, POLE_SIZE]):
            j = poles.members[q, r]
            if trusted_tie(pair_trust(org, j, P, orgs, trust), trust.tied[org, j], threshold):
                ties += 1
        if ties > best_ties:
            best, best_ties = a, ties
    return best


@njit(cache=True)
def knows_a_leader(alive, poles, trust, n):
    """Per organisation: one of its persons has worked with the leader of a living pole."""
    out = np.zeros(n, dtype=np.bool_)
    for a in range(len(alive)):
        q = alive[a]
        o = poles.ints[q, LEADER_ORG]
        if o < 0:
            continue
        p = o * S + poles.ints[q, LEADER_SLOT]
        for x in range(n):
            for s in range(S):
                if trust.tie[p, x * S + s]:
                    out[x] = True
    return out


@njit(cache=True)
def membership(streams, t, P, orgs, trust, poles, tally):
    """Phase 7 (module docstring)."""
    rng = streams.poles
    pp = P.poles
    alive, flat, offsets = living_members(poles)
    na = len(alive)
    nmem = len(flat)
    if na == 0:
        return
    paying_pole = np.empty(na, dtype=np.bool_)
    unhappy = np.empty(nmem, dtype=np.bool_)
    tolerance = tolerance_factor(pp)
    for a in range(na):
        status = poles.ints[alive[a], STATUS]
        paying_pole[a] = status in (FORMAL, VEGETATING)
        lo, hi = offsets[a], offsets[a + 1]
        if hi > lo:
            h = homophily_with(orgs.homophily, flat[lo:hi])
            for r in range(lo, hi):
                o = flat[r]
                dues = poles.dues[o] if paying_pole[a] else 0.0
                unhappy[r] = dissatisfied(
                    orgs.perceived[o],
                    orgs.aspiration[o],
                    orgs.alpha[o],
                    h[r - lo],
                    tolerance,
                    dues_burden(dues, pp),
                    linked_in_pole(o, flat[lo:hi], P, orgs, trust, pp.trust_threshold),
                )
    u_patience = rng.integers(pp.patience_min, pp.patience_max + 1, size=nmem)
    leave, paying = books(flat, offsets, paying_pole, unhappy, u_patience, P, poles)
    for a in range(na):
        poles.ints[alive[a], PAYING] = paying[a]
    for r in range(nmem):
        if leave[r] >= 0:
            org = flat[r]
            q = orgs.pole_of[org]
            remove_member(poles, q, org, orgs.pole_of)
            emit(tally, t, _LEFT, org, -1, q, -1, leave[r], 0.0)
    # Joining: organisations outside every pole, each considering with join_consider.
    n = len(orgs.pole_of)
    n_out = 0
    for o in range(n):
        if orgs.pole_of[o] < 0:
            n_out += 1
    u = rng.random(n_out)
    knows = knows_a_leader(alive, poles, trust, n)
    considering = np.empty(n_out, dtype=np.int64)
    nc = 0
    j = 0
    for o in range(n):
        if orgs.pole_of[o] < 0:
            if u[j] < consider_probability(knows[o], pp):
                considering[nc] = o
                nc += 1
            j += 1
    row = np.empty(n)
    for c in range(nc):
        org = considering[c]
        a = best_pole(org, alive, P, orgs, trust, poles, pp.trust_threshold)
        if a < 0:
            continue
        q = alive[a]
        k = poles.ints[q, POLE_SIZE]
        for r in range(k):
            row[r] = orgs.homophily[org, poles.members[q, r]]
        h = np_sum(row, 0, k) / k
        dues = 0.0 if poles.ints[q, STATUS] == INFORMAL else poles.dues[org]
        value = join_value(
            orgs.perceived[org], orgs.alpha[org], h, dues, P.cooperation.opportunity_cost, pp
        )
        if value > 0:
            poles.members[q, k] = org
            poles.ints[q, POLE_SIZE] = k + 1
            orgs.pole_of[org] = q
            emit(tally, t, _JOINED, org, -1, q, -1, 0, 0.0)
