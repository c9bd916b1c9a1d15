"""The person-level trust matrices kept by blocks: the best and summed deviation of each
pair of organisations, newcomers and leavers (``world/relations.py`` explains the layout).

Persons are slots ``(organisation, s)`` flattened to ``p = organisation * S + s``; the
deviations ``tau - tau0`` are stored divided by a common scale ``g`` (``trust.scale[0]``):
the true deviation is ``trust.scaled[p, q] * g``. The equations are in ``rules/trust.py``
(``newcomer_trust``, ``vacated_trust``); this module keeps the blocks in step with them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules.trust import newcomer_trust, vacated_trust

S = MAX_PERSONS


@njit(cache=True)
def block(a, b, trust, present):  # pragma: no cover - compiled
    """(max, sum) of the deviations over the present person pairs of organisations
    (a, b); the max is 0 when there is no such pair."""
    g = trust.scale[0]
    best = -np.inf
    total = 0.0
    for s in range(S):
        if not present[a, s]:
            continue
        p = a * S + s
        for u in range(S):
            if present[b, u]:
                d = trust.scaled[p, b * S + u] * g
                total += d
                if d > best:
                    best = d
    if best == -np.inf:
        best = 0.0
    return best, total


@njit(cache=True)
def refresh_pair(a, b, trust, present):  # pragma: no cover - compiled
    """``best_dev`` and ``sum_dev`` of the organisation pair (a, b), both orders."""
    best, total = block(a, b, trust, present)
    trust.best_dev[a, b] = best
    trust.best_dev[b, a] = best
    trust.sum_dev[a, b] = total
    trust.sum_dev[b, a] = total


@njit(cache=True)
def present_slots(present):  # pragma: no cover - compiled
    """Per organisation, its present person slots in increasing order, and how many."""
    n = present.shape[0]
    slots = np.empty((n, S), dtype=np.int64)
    count = np.zeros(n, dtype=np.int64)
    for b in range(n):
        for u in range(S):
            if present[b, u]:
                slots[b, count[b]] = u
                count[b] += 1
    return slots, count


@njit(cache=True)
def refresh_rows(orgs, trust, present):  # pragma: no cover - compiled
    """Recompute ``best_dev`` and ``sum_dev`` for every block touching ``orgs``.

    Rows are written first, then columns (the column write wins where two refreshed
    organisations meet); each block is :func:`block`, with the present slots listed
    once for all blocks (same pairs, same order).
    """
    k = len(orgs)
    n = trust.best_dev.shape[0]
    g = trust.scale[0]
    slots, count = present_slots(present)
    best = np.empty((k, n))
    total = np.empty((k, n))
    for r in range(k):
        a = orgs[r]
        for b in range(n):
            hi = -np.inf
            tot = 0.0
            for i in range(count[a]):
                p = a * S + slots[a, i]
                for j in range(count[b]):
                    d = trust.scaled[p, b * S + slots[b, j]] * g
                    tot += d
                    if d > hi:
                        hi = d
            best[r, b] = 0.0 if hi == -np.inf else hi
            total[r, b] = tot
    for r in range(k):
        a = orgs[r]
        for b in range(n):
            trust.best_dev[a, b] = best[r, b]
            trust.sum_dev[a, b] = total[r, b]
    for r in range(k):
        a = orgs[r]
        for b in range(n):
            trust.best_dev[b, a] = best[r, b]
            trust.sum_dev[b, a] = total[r, b]


@njit(cache=True)
def add_persons(persons, handover, trust):  # pragma: no cover - compiled
    """Newcomers ``persons`` start at ``newcomer_trust`` (handover ``psi``) with everyone.

    Rows are written first, then columns."""
    k = len(persons)
    n = trust.tau0.shape[0]
    g = trust.scale[0]
    start = np.empty((k, n))
    for r in range(k):
        o = persons[r] // S
        for b in range(n):
            tau0 = trust.tau0[o, b]
            start[r, b] = (newcomer_trust(trust.theta[o, b], tau0, handover[r]) - tau0) / g
    P = trust.scaled.shape[0]
    for r in range(k):
        p = persons[r]
        for q in range(P):
            trust.scaled[p, q] = start[r, q // S]
    for r in range(k):
        p = persons[r]
        for q in range(P):
            trust.scaled[q, p] = start[r, q // S]


@njit(cache=True, inline="always")
def ties_of(p, trust):  # pragma: no cover - compiled
    """Ties of person ``p``: the persons it worked with (and who are not gone since)."""
    count = 0
    for q in range(trust.tie.shape[0]):
        if trust.tie[p, q]:
            count += 1
    return count


@njit(cache=True)
def remove_persons(persons, trust):  # pragma: no cover - compiled
    """Persons leave (``vacated_trust``): their ties vanish and their posts' trust is the
    baseline. Returns the number of ties lost (a tie between two leavers counts once)."""
    P = trust.scaled.shape[0]
    g = trust.scale[0]
    total = 0
    inner = 0
    for r in range(len(persons)):
        p = persons[r]
        total += ties_of(p, trust)
        for r2 in range(len(persons)):
            if trust.tie[p, persons[r2]]:
                inner += 1
    for r in range(len(persons)):
        p = persons[r]
        o = p // S
        for q in range(P):
            trust.tie[p, q] = False
            trust.tie[q, p] = False
            tau0 = trust.tau0[o, q // S]
            d = (vacated_trust(tau0) - tau0) / g
            trust.scaled[p, q] = d
            trust.scaled[q, p] = d
    return total - inner // 2
