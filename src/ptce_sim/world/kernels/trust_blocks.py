"""The person-level trust matrices kept by blocks: the best and summed trust above the
stranger baseline of each pair of organisations, newcomers and leavers
(``world/relations.py`` explains the layout).

Persons are slots ``(organisation, s)`` flattened to ``p = organisation * S + s``. Person
trust is ``tau0[o(p), o(q)] + floor[p, q] + scaled[p, q] * g`` (``g = trust.scale[0]``):
the stranger baseline, the floor of the two persons' shared history, and a deviation
that relaxes. The equations are in ``rules/trust.py`` (``newcomer_trust``,
``vacated_trust``); this module keeps the blocks in step with them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules.trust import newcomer_trust, vacated_trust

S = MAX_PERSONS


@njit(cache=True)
def present_slots(present):
    """Per organisation, its present person slots in increasing order, and how many."""
    n = present.shape[0]
    slots = np.empty((n, S), dtype=np.int64)
    count = np.zeros(n, dtype=np.int64)
    for o in range(n):
        for u in range(S):
            if present[o, u]:
                slots[o, count[o]] = u
                count[o] += 1
    return slots, count


@njit(cache=True, inline="always")
def block_of(a, b, trust, slots, count):
    """(max, sum) of ``floor + deviation`` over the present person pairs of organisations
    (a, b) (``slots``, ``count``: :func:`present_slots`); the max is 0 when there is no
    such pair."""
    g = trust.scale[0]
    best = -np.inf
    total = 0.0
    for i in range(count[a]):
        p = a * S + slots[a, i]
        for j in range(count[b]):
            q = b * S + slots[b, j]
            d = trust.floor[p, q] + trust.scaled[p, q] * g
            total += d
            if d > best:
                best = d
    if best == -np.inf:
        best = 0.0
    return best, total


@njit(cache=True, inline="always")
def write_block(a, b, best, total, trust):
    """Store a block's statistics, both orders."""
    trust.best_dev[a, b] = best
    trust.best_dev[b, a] = best
    trust.sum_dev[a, b] = total
    trust.sum_dev[b, a] = total


@njit(cache=True)
def refresh_pair(a, b, trust, present):
    """``best_dev`` and ``sum_dev`` of the organisation pair (a, b), both orders."""
    slots, count = present_slots(present)
    best, total = block_of(a, b, trust, slots, count)
    write_block(a, b, best, total, trust)


@njit(cache=True)
def refresh_rows(orgs, trust, present):
    """Recompute ``best_dev`` and ``sum_dev`` for every block touching ``orgs``."""
    n = trust.best_dev.shape[0]
    slots, count = present_slots(present)
    for r in range(len(orgs)):
        a = orgs[r]
        for b in range(n):
            best, total = block_of(a, b, trust, slots, count)
            write_block(a, b, best, total, trust)


@njit(cache=True)
def add_persons(persons, handover, trust):
    """Newcomers ``persons`` start at ``newcomer_trust`` (handover ``psi``) with everyone:
    no shared history, no tie. A post's ``floor`` and ``pair_history`` are already 0
    (nonzero only where a tie is, and its last holder's ties went with it:
    :func:`remove_persons`), so only the trust row and column are written."""
    n = trust.tau0.shape[0]
    g = trust.scale[0]
    P = trust.scaled.shape[0]
    start = np.empty(n)
    for r in range(len(persons)):
        p = persons[r]
        o = p // S
        for b in range(n):
            tau0 = trust.tau0[o, b]
            start[b] = (newcomer_trust(trust.theta[o, b], tau0, handover[r]) - tau0) / g
        for q in range(P):
            trust.scaled[p, q] = start[q // S]
        for q in range(P):  # the column: a strided walk, once
            trust.scaled[q, p] = start[q // S]


@njit(cache=True)
def ties_of(p, trust):
    """Ties of person ``p``: the persons in post it worked with."""
    count = 0
    for q in range(trust.tie.shape[0]):
        if trust.tie[p, q]:
            count += 1
    return count


@njit(cache=True)
def remove_persons(persons, trust):
    """Persons leave (``vacated_trust``): their ties vanish (the organisations' counts of
    tied pairs fall), their shared history goes with them, and their posts' trust is
    the stranger baseline. Returns the number of ties lost (a tie between two leavers
    counts once).

    Why the walks differ: a pair has a ``floor`` and a ``pair_history`` only where it has
    a tie (``from_outcomes`` sets the three together), so those are cleared at the
    leaver's ties alone; the trust column is written whole. A column is a strided walk
    through memory: one per leaver instead of four."""
    P = trust.scaled.shape[0]
    g = trust.scale[0]
    lost = 0
    for r in range(len(persons)):
        p = persons[r]
        o = p // S
        for q in range(P):
            if trust.tie[p, q]:
                lost += 1
                oq = q // S
                trust.tied[o, oq] -= 1
                trust.tied[oq, o] -= 1
                trust.tie[p, q] = False
                trust.tie[q, p] = False
                trust.floor[p, q] = 0.0
                trust.floor[q, p] = 0.0
                trust.pair_history[p, q] = 0
                trust.pair_history[q, p] = 0
        for q in range(P):
            tau0 = trust.tau0[o, q // S]
            trust.scaled[p, q] = (vacated_trust(tau0) - tau0) / g
        for q in range(P):
            tau0 = trust.tau0[o, q // S]
            trust.scaled[q, p] = (vacated_trust(tau0) - tau0) / g
    return lost
