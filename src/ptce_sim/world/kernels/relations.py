"""Kernels on the trust matrices (``world/relations.py``): block maxima and sums of the
person-level deviations, newcomers and leavers, monthly relaxation, trust statistics.

Persons are slots ``(organisation, s)`` flattened to ``p = organisation * S + s``; the
deviations are stored divided by a common scale ``g`` (see ``Relations``)."""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS

S = MAX_PERSONS


@njit(cache=True)
def _block(a, b, dev, g, present):  # pragma: no cover - compiled
    """(max, sum) of ``dev`` over the present person pairs of organisations (a, b);
    the max is 0 when there is no such pair."""
    best = -np.inf
    total = 0.0
    for s in range(S):
        if not present[a, s]:
            continue
        p = a * S + s
        for u in range(S):
            if present[b, u]:
                d = dev[p, b * S + u] * g
                total += d
                if d > best:
                    best = d
    if best == -np.inf:
        best = 0.0
    return best, total


@njit(cache=True)
def refresh_pair(a, b, dev, g, present, best_dev, sum_dev):  # pragma: no cover - compiled
    """``best_dev`` and ``sum_dev`` of the organisation pair (a, b), both orders."""
    best, total = _block(a, b, dev, g, present)
    best_dev[a, b] = best
    best_dev[b, a] = best
    sum_dev[a, b] = total
    sum_dev[b, a] = total


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
def refresh_rows(orgs, dev, g, present, best_dev, sum_dev):  # pragma: no cover - compiled
    """Recompute ``best_dev`` and ``sum_dev`` for every block touching ``orgs``.

    As the numpy version: rows are written first, then columns (the column write wins
    where two refreshed organisations meet). Each block is :func:`_block`, with the
    present slots listed once for all blocks (same pairs, same order).
    """
    k = len(orgs)
    n = best_dev.shape[0]
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
                    d = dev[p, b * S + slots[b, j]] * g
                    tot += d
                    if d > hi:
                        hi = d
            best[r, b] = 0.0 if hi == -np.inf else hi
            total[r, b] = tot
    for r in range(k):
        a = orgs[r]
        for b in range(n):
            best_dev[a, b] = best[r, b]
            sum_dev[a, b] = total[r, b]
    for r in range(k):
        a = orgs[r]
        for b in range(n):
            best_dev[b, a] = best[r, b]
            sum_dev[b, a] = total[r, b]


@njit(cache=True)
def add_persons(persons, handover, theta, tau0, dev, g):  # pragma: no cover - compiled
    """Newcomers start at ``psi * Theta + (1 - psi) * tau0`` with everyone (as deviations).

    Rows are written first, then columns (as the numpy version).
    """
    k = len(persons)
    n = tau0.shape[0]
    start = np.empty((k, n))
    for r in range(k):
        o = persons[r] // S
        psi = handover[r]
        for b in range(n):
            start[r, b] = ((psi * theta[o, b] + (1.0 - psi) * tau0[o, b]) - tau0[o, b]) / g
    P = dev.shape[0]
    for r in range(k):
        p = persons[r]
        for q in range(P):
            dev[p, q] = start[r, q // S]
    for r in range(k):
        p = persons[r]
        for q in range(P):
            dev[q, p] = start[r, q // S]


@njit(cache=True)
def remove_persons(persons, tie, dev):  # pragma: no cover - compiled
    """Persons leave: their ties vanish. Returns the number of ties lost."""
    P = dev.shape[0]
    total = 0
    inner = 0
    for r in range(len(persons)):
        p = persons[r]
        for q in range(P):
            if tie[p, q]:
                total += 1
        for r2 in range(len(persons)):
            if tie[p, persons[r2]]:
                inner += 1
    for r in range(len(persons)):
        p = persons[r]
        for q in range(P):
            tie[p, q] = False
            tie[q, p] = False
            dev[p, q] = 0.0
            dev[q, p] = 0.0
    return total - inner // 2


@njit(cache=True)
def month_passes(theta, tau0, best_dev, sum_dev, kappa, keep):  # pragma: no cover
    """``Theta += kappa (tau_bar - Theta)``; deviations from the baseline relax.

    The person-level deviations relax through their common scale (``Relations.scale``);
    their block maxima and sums relax here.
    """
    n = theta.shape[0]
    for a in range(n):
        for b in range(n):
            th = theta[a, b]
            theta[a, b] = th + kappa * ((tau0[a, b] + best_dev[a, b]) - th)
            best_dev[a, b] *= keep
            sum_dev[a, b] *= keep


@njit(cache=True)
def month_passes_poles(
    theta, tau0, best_dev, sum_dev, pole_of, institution, kappa0, kappa_i, keep
):  # pragma: no cover - compiled
    """:func:`month_passes` with ``kappa = clip(kappa_0 + kappa_I * I, 0, 1)`` where
    ``I`` is ``institution[a]`` for two organisations of the same pole, else 0."""
    n = theta.shape[0]
    k_out = min(max(kappa0 + kappa_i * 0.0, 0.0), 1.0)
    for a in range(n):
        pa = pole_of[a]
        k_in = min(max(kappa0 + kappa_i * institution[a], 0.0), 1.0)
        for b in range(n):
            kappa = k_in if (pa >= 0 and pole_of[b] == pa) else k_out
            th = theta[a, b]
            theta[a, b] = th + kappa * ((tau0[a, b] + best_dev[a, b]) - th)
            best_dev[a, b] *= keep
            sum_dev[a, b] *= keep


@njit(cache=True)
def trust_stats(present, history, tau0, sum_dev, theta):  # pragma: no cover - compiled
    """Mean person trust and mean organisation trust over pairs that cooperated."""
    n = tau0.shape[0]
    npres = np.zeros(n)
    for a in range(n):
        for s in range(S):
            if present[a, s]:
                npres[a] += 1.0
    num = 0.0
    cnt_total = 0.0
    th = 0.0
    known = 0
    for a in range(n):
        for b in range(n):
            if history[a, b] > 0:
                cnt = npres[a] * npres[b]
                num += cnt * tau0[a, b] + sum_dev[a, b]
                cnt_total += cnt
                th += theta[a, b]
                known += 1
    person = num / cnt_total if cnt_total > 0 else np.nan
    org = th / known if known > 0 else np.nan
    return person, org
