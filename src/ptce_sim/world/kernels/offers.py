"""Collective offers, compiled: formal poles answer tenders that need a critical size
(after the partner search of phase 3; ODD §7.6).

A formal pole of at least ``tender_size`` members is offered a tender with probability
``tender_rate`` a month (one ``poles`` draw per such pole, in id order); it answers with
a commercial project of ``tender_size`` members drawn among those with the time and no
vacancy (a permutation), each assigning one of its persons in post (one uniform each,
``rules.search.person_weight``); the duration is drawn last. The time cost is
``rules.search.project_cost`` at the pole's highest animation intensity; a member's fit
is its mean fit with the others (``rules.search.pair_fit``: complementarity, more in the
same sector).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS, EventKind, ProjectKind
from ptce_sim.rules.poles import FORMAL
from ptce_sim.rules.search import pair_fit, project_cost
from ptce_sim.world.kernels.events import emit
from ptce_sim.world.kernels.search import assigned_person
from ptce_sim.world.kernels.state import A_MONTH_COLLECTIVE, N_POLES, POLE_SIZE, SIZE, STATUS
from ptce_sim.world.kernels.sums import np_sum

S = MAX_PERSONS
_COMMERCIAL = int(ProjectKind.COMMERCIAL)
_STARTED = int(EventKind.PROJECT_STARTED)


@njit(cache=True)
def ready_members(idx, cost, persons, orgs):
    """The members ``idx`` with ``cost`` of free time and no vacant post."""
    ready = np.empty(len(idx), dtype=np.int64)
    nr = 0
    for r in range(len(idx)):
        o = idx[r]
        vacant = False
        for s in range(S):
            if persons.vacancy[o, s] > 0:
                vacant = True
        if orgs.time_budget[o] - orgs.time_used[o] >= cost and not vacant:
            ready[nr] = o
            nr += 1
    return ready[:nr]


@njit(cache=True)
def collective_offers(streams, t, P, persons, orgs, projects, poles, tally):
    """Formal poles answer tenders (module docstring); the projects are written from the
    table's first free row (room for one per pole). Returns how many started."""
    rng = streams.poles
    pp, cp = P.poles, P.cooperation
    poles.acc[A_MONTH_COLLECTIVE] = 0
    width = projects.members.shape[1]
    first = projects.cursor[SIZE]
    added = 0
    for q in range(poles.cursor[N_POLES]):
        size = poles.ints[q, POLE_SIZE]
        if poles.ints[q, STATUS] != FORMAL or size < pp.tender_size:
            continue
        if rng.random() >= pp.tender_rate:
            continue
        idx = poles.members[q, :size]
        most = orgs.animation[idx[0]]
        for r in range(1, size):
            most = max(most, orgs.animation[idx[r]])
        cost = project_cost(cp.cost_commercial, cp.animation_time_saving, most)
        ready = ready_members(idx, cost, persons, orgs)
        if len(ready) < pp.tender_size:
            continue
        team = rng.permutation(ready)[: pp.tender_size]
        k = len(team)
        i = first + added
        projects.kind[i] = _COMMERCIAL
        projects.start[i] = t
        projects.cost[i] = cost
        projects.nominal[i] = cp.cost_commercial
        projects.active[i] = True
        for a in range(width):
            projects.members[i, a] = team[a] if a < k else -1
            projects.slots[i, a] = -1
            projects.gens[i, a] = 0
            projects.fit[i, a] = 0.0
        for a in range(k):
            o = team[a]
            s = assigned_person(o, rng.random(), P, persons)
            projects.slots[i, a] = s
            projects.gens[i, a] = persons.gen[o, s]
        # Fit: mean pair_fit with the others (numpy's summation order).
        row_buf = np.empty(k)
        off = np.empty(k * (k - 1))
        n_off = 0
        for a in range(k):
            for b in range(k):
                x, y = team[a], team[b]
                same = orgs.sector[x] == orgs.sector[y]
                fit = pair_fit(_COMMERCIAL, orgs.comp[x, y], orgs.sim[x, y], same, cp)
                row_buf[b] = fit * (1.0 if a != b else 0.0)
                if a != b:
                    off[n_off] = orgs.comp[team[a], team[b]]
                    n_off += 1
            projects.fit[i, a] = np_sum(row_buf, 0, k) / max(k - 1, 1)
        projects.end[i] = t + rng.integers(cp.duration_min, cp.duration_max + 1)
        projects.comp[i] = np_sum(off, 0, n_off) / n_off
        for a in range(k):
            orgs.time_used[team[a]] += cost
        tally.started[_COMMERCIAL] += 1
        poles.acc[A_MONTH_COLLECTIVE] += 1
        emit(tally, t, _STARTED, team[0], -1, q, i, _COMMERCIAL, float(k))
        added += 1
    projects.cursor[SIZE] += added
    return added
