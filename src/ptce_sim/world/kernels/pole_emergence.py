"""New poles emerge around this month's successful teams (``rules/lifecycle.py``,
emergence; links: ``rules/membership.trusted_tie``).

Nothing here is random but the founder of each new pole, one ``poles`` draw per pole.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS, EventKind
from ptce_sim.rules.membership import trusted_tie
from ptce_sim.world.kernels.events import emit
from ptce_sim.world.kernels.pair_trust import pair_trust
from ptce_sim.world.kernels.state import (
    FORMED,
    FOUNDER,
    LEADER_GEN,
    LEADER_ORG,
    LEADER_SLOT,
    N_POLES,
    PEAK_SIZE,
    POLE_SIZE,
)

S = MAX_PERSONS
_FORMED = int(EventKind.POLE_FORMED)


@njit(cache=True)
def seeds(due, success, members, pole_of):
    """First participant of each successful team whose participants were all outside
    every pole, in project order."""
    out = np.empty(len(due), dtype=np.int64)
    k = 0
    for r in range(len(due)):
        if not success[r]:
            continue
        outside = True
        for a in range(members.shape[1]):
            o = members[due[r], a]
            if o >= 0 and pole_of[o] >= 0:
                outside = False
                break
        if outside:
            out[k] = members[due[r], 0]
            k += 1
    return out[:k]


@njit(cache=True)
def trusted_component(start, outside, P, orgs, trust, threshold):
    """Organisations reachable from ``start`` over the links (``trusted_tie``: persons in
    post who worked together, and enough trust) between organisations that were
    ``outside`` every pole, among those still outside; in increasing order."""
    pole_of = orgs.pole_of
    n = len(outside)
    seen = np.zeros(n, dtype=np.bool_)
    queue = np.empty(n, dtype=np.int64)
    seen[start] = True
    queue[0] = start
    head, tail = 0, 1
    while head < tail:
        i = queue[head]
        head += 1
        if not outside[i]:
            continue
        for j in range(n):
            if seen[j] or j == i or not outside[j] or trust.tied[i, j] <= 0:
                continue
            if trusted_tie(pair_trust(i, j, P, orgs, trust), trust.tied[i, j], threshold):
                seen[j] = True
                queue[tail] = j
                tail += 1
    k = 0
    for j in range(n):
        if seen[j] and pole_of[j] < 0:
            k += 1
    out = np.empty(k, dtype=np.int64)
    k = 0
    for j in range(n):
        if seen[j] and pole_of[j] < 0:
            out[k] = j
            k += 1
    return out


@njit(cache=True)
def has_leader(o, persons):
    """A territorial entrepreneur of organisation ``o`` is in post."""
    for s in range(S):
        if persons.is_leader[o, s] and persons.present[o, s]:
            return True
    return False


@njit(cache=True)
def groups(first_seeds, P, persons, orgs, trust, first_id):
    """The groups that form new poles: for each seed, unless it has just joined a new
    pole, its trusted component over the organisations outside every pole at the start,
    kept when it has at least ``min_size`` organisations and one with a leader in post.
    Each kept group becomes pole ``first_id``, ``first_id + 1``... at once (``pole_of``
    is written here). Returns the groups concatenated, their offsets, and per
    organisation whether it has a leader in post."""
    pole_of = orgs.pole_of
    n = len(pole_of)
    outside = np.empty(n, dtype=np.bool_)
    for o in range(n):
        outside[o] = pole_of[o] < 0
    flat = np.empty(n, dtype=np.int64)
    leads = np.empty(n, dtype=np.bool_)
    offsets = np.zeros(len(first_seeds) + 1, dtype=np.int64)
    # Trust is symmetric, so the graph is undirected: every seed of a group that did
    # not qualify would find the same group again; its organisations are skipped.
    failed = np.zeros(n, dtype=np.bool_)
    k = 0
    g = 0
    for first in first_seeds:
        if pole_of[first] >= 0 or failed[first]:
            continue
        group = trusted_component(first, outside, P, orgs, trust, P.poles.trust_threshold)
        if len(group) < P.poles.min_size:
            failed[group] = True
            continue
        any_leader = False
        for r in range(len(group)):
            leads[k + r] = has_leader(group[r], persons)
            any_leader = any_leader or leads[k + r]
        if not any_leader:
            failed[group] = True
            continue
        for r in range(len(group)):
            flat[k + r] = group[r]
            pole_of[group[r]] = first_id + g
        k += len(group)
        g += 1
        offsets[g] = k
    return flat[:k], offsets[: g + 1], leads[:k]


@njit(cache=True)
def emerge(t, due, success, rng, P, persons, orgs, trust, projects, poles, tally):
    """New informal poles around this month's successful teams; the founder is drawn
    among the group's organisations with a leader in post (one draw each), and its
    first leader in post leads the pole."""
    first_seeds = seeds(due, success, projects.members, orgs.pole_of)
    if len(first_seeds) == 0:
        return
    n_poles = poles.cursor[N_POLES]
    flat, offsets, leads = groups(first_seeds, P, persons, orgs, trust, n_poles)
    ints = poles.ints
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
            if persons.is_leader[founder, s] and persons.present[founder, s]:
                slot = s
                break
        q = n_poles + g
        ints[q, FOUNDER] = founder
        ints[q, FORMED] = t
        ints[q, POLE_SIZE] = hi - lo
        for r in range(lo, hi):
            poles.members[q, r - lo] = flat[r]
        ints[q, LEADER_ORG] = founder
        ints[q, LEADER_SLOT] = slot
        ints[q, LEADER_GEN] = persons.gen[founder, slot]
        ints[q, PEAK_SIZE] = hi - lo
        emit(tally, t, _FORMED, founder, slot, q, -1, 0, float(hi - lo))
    poles.cursor[N_POLES] = n_poles + len(offsets) - 1
