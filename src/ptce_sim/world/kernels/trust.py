"""Phase 5 compiled: completed projects change person trust and the persons' shared
history; organisation trust follows person trust; person trust relaxes
(``rules/trust.py``).

Storage (``world/relations.py``): person trust is ``tau0 + floor + scaled * scale``, so
that the monthly relaxation of every person pair is one multiplication of the common
scale; the block maxima and sums of organisation pairs whose persons have no shared
history relax by the same factor, the others are recomputed.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules.trust import (
    after_project,
    follow,
    history_floor,
    institution_rate,
    relax,
)
from ptce_sim.world.kernels.outcomes import team_size
from ptce_sim.world.kernels.trust_blocks import block_of, present_slots, write_block

S = MAX_PERSONS


@njit(cache=True)
def from_outcomes(due, success, P, persons, orgs, trust, projects):
    """Person pairs still in post (the same persons as when the project started) gain or
    lose trust (``after_project``), in project order: their joint history grows by one
    project, its floor (``history_floor``) rises and takes over that much of their trust,
    and they are tied. Then every organisation pair of a completed project counts one
    more cooperation, and its blocks are refreshed."""
    members, slots, gens = projects.members, projects.slots, projects.gens
    present, gen = persons.present, persons.gen
    g = trust.scale[0]
    width = members.shape[1]
    nmem = np.empty(len(due), dtype=np.int64)
    for r in range(len(due)):
        nmem[r] = team_size(members, due[r])
    for r in range(len(due)):
        d = due[r]
        for a in range(nmem[r]):
            oa, sa, ga = members[d, a], slots[d, a], gens[d, a]
            for b in range(a + 1, nmem[r]):
                ob, sb, gb = members[d, b], slots[d, b], gens[d, b]
                if not (
                    present[oa, sa] and gen[oa, sa] == ga and present[ob, sb] and gen[ob, sb] == gb
                ):
                    continue
                p, q = oa * S + sa, ob * S + sb
                tau0 = trust.tau0[oa, ob]
                tau = tau0 + trust.floor[p, q] + trust.scaled[p, q] * g
                new = after_project(tau, success[r], P.trust)
                m = trust.pair_history[p, q] + 1
                floor = history_floor(m, P.trust)
                dv = (new - tau0 - floor) / g
                trust.pair_history[p, q] = m
                trust.pair_history[q, p] = m
                trust.floor[p, q] = floor
                trust.floor[q, p] = floor
                trust.scaled[p, q] = dv
                trust.scaled[q, p] = dv
                if not trust.tie[p, q]:
                    trust.tie[p, q] = True
                    trust.tie[q, p] = True
                    trust.tied[oa, ob] += 1
                    trust.tied[ob, oa] += 1
    # Organisation level: history, refreshed blocks.
    pairs = np.empty((len(due) * width * width, 2), dtype=np.int64)
    npairs = 0
    history, mark = trust.history, trust.mark
    for r in range(len(due)):
        d = due[r]
        for a in range(nmem[r]):
            oa = members[d, a]
            for b in range(a + 1, nmem[r]):
                ob = members[d, b]
                lo, hi = min(oa, ob), max(oa, ob)
                history[lo, hi] += 1
                if not mark[lo, hi]:
                    mark[lo, hi] = True
                    pairs[npairs, 0] = lo
                    pairs[npairs, 1] = hi
                    npairs += 1
    slots, count = present_slots(present)
    for r in range(npairs):
        a, b = pairs[r, 0], pairs[r, 1]
        mark[a, b] = False
        history[b, a] = history[a, b]
        best, total = block_of(a, b, trust, slots, count)
        write_block(a, b, best, total, trust)


@njit(cache=True)
def month_passes(P, persons, orgs, trust, any_formal):
    """A month passes: organisation trust follows the best person tie (``follow``, at
    ``institution_rate`` with the institutionalisation ``I`` of the pole when both
    organisations are members of the same pole, else at ``I = 0``), then person trust
    relaxes towards its rest, ``tau0 + floor`` (``relax``, through the deviations'
    common scale). Blocks without a tie relax the same way; blocks with one (a floor)
    are recomputed."""
    theta, tau0, best_dev, sum_dev = trust.theta, trust.tau0, trust.best_dev, trust.sum_dev
    n = theta.shape[0]
    k_out = institution_rate(0.0, P.trust)
    for a in range(n):
        pa = orgs.pole_of[a]
        k_in = institution_rate(orgs.institution[a], P.trust) if any_formal else k_out
        for b in range(n):
            kappa = k_in if (pa >= 0 and orgs.pole_of[b] == pa) else k_out
            theta[a, b] = follow(theta[a, b], tau0[a, b] + best_dev[a, b], kappa)
    # Every deviation relaxes towards its rest (relax): through their common scale.
    trust.scale[0] = relax(trust.scale[0], 0.0, P.trust.decay)
    if trust.scale[0] < 1e-100:  # renormalise long before underflow
        scaled = trust.scaled
        scaled *= trust.scale[0]
        trust.scale[0] = 1.0
    slots, count = present_slots(persons.present)
    for a in range(n):
        for b in range(a, n):
            if trust.tied[a, b] > 0:
                best, total = block_of(a, b, trust, slots, count)
                write_block(a, b, best, total, trust)
            else:  # no floor in the block: its statistics relax as its deviations do
                best_dev[a, b] = relax(best_dev[a, b], 0.0, P.trust.decay)
                sum_dev[a, b] = relax(sum_dev[a, b], 0.0, P.trust.decay)
                if b != a:
                    best_dev[b, a] = best_dev[a, b]
                    sum_dev[b, a] = sum_dev[a, b]


@njit(cache=True)
def trust_means(persons, trust):
    """Mean person trust and mean organisation trust over pairs of organisations that
    have cooperated (persons in post)."""
    present, history, tau0 = persons.present, trust.history, trust.tau0
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
                num += cnt * tau0[a, b] + trust.sum_dev[a, b]
                cnt_total += cnt
                th += trust.theta[a, b]
                known += 1
    person = num / cnt_total if cnt_total > 0 else np.nan
    org = th / known if known > 0 else np.nan
    return person, org
