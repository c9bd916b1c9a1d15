"""Phase 4 compiled: projects that end this month succeed or fail, and their
participants gain (``rules/outcomes.py``).

Draws from the ``outcome`` stream, when at least one project ends: one uniform per
project ending (success), then one standard normal per place of the table's width
(payoff noise), in project order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import EventKind, ProjectKind
from ptce_sim.rules.outcomes import gain, realised_return, success_probability
from ptce_sim.world.kernels.events import emit
from ptce_sim.world.kernels.pair_trust import pair_trust
from ptce_sim.world.kernels.state import N_LIVE

_COMMERCIAL = int(ProjectKind.COMMERCIAL)
_RND = int(ProjectKind.RND)
_COMPLETED = int(EventKind.PROJECT_COMPLETED)


@njit(cache=True)
def count_due(projects, t):
    """Active projects ending by month ``t``."""
    k = 0
    for r in range(projects.cursor[N_LIVE]):
        if projects.end[projects.live[r]] <= t:
            k += 1
    return k


@njit(cache=True, inline="always")
def team_size(members, row):
    """Participants of a project row (they fill it from the left, -1 after the last)."""
    k = 0
    while k < members.shape[1] and members[row, k] >= 0:
        k += 1
    return k


@njit(cache=True, inline="always")
def mean_team_trust(m, nmem, P, orgs, trust):
    """Mean effective trust over the ordered pairs of a team ``m[:nmem]``."""
    tsum = 0.0
    npairs = 0
    for a in range(nmem):
        for b in range(nmem):
            if b != a:
                tsum += pair_trust(m[a], m[b], P, orgs, trust)
                npairs += 1
    return tsum / max(npairs, 1)


@njit(cache=True)
def complete(streams, t, P, D, orgs, trust, projects, tally, revenue_row):
    """Projects ending at ``t`` succeed or fail; participants gain, their time is freed.

    Returns the due project rows (ascending), their success and each participant's
    realised return (due x width). The due rows leave ``projects.live`` (the others keep
    their order); market members' revenue from commercial and R&D projects goes to
    ``revenue_row`` (this month's row of the revenue ring buffer).
    """
    width = projects.members.shape[1]
    k = count_due(projects, t)
    if k == 0:
        revenue_row[:] = 0.0  # no project ended: no revenue this month
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.bool_), np.empty((0, width))
    u_success = streams.outcome.random(k)
    noise = streams.outcome.standard_normal((k, width))
    cp = P.cooperation
    due = np.empty(k, dtype=np.int64)
    j = 0
    kept = 0
    live = projects.live
    for r in range(projects.cursor[N_LIVE]):
        i = live[r]
        if projects.end[i] <= t:
            due[j] = i
            j += 1
        else:
            live[kept] = i
            kept += 1
    projects.cursor[N_LIVE] = kept
    success = np.zeros(k, dtype=np.bool_)
    realised = np.zeros((k, width))
    gains = np.zeros(width)
    revenue_row[:] = 0.0
    for r in range(k):
        d = due[r]
        m = projects.members[d]
        nmem = team_size(projects.members, d)
        anim = 0.0
        for a in range(nmem):
            anim += orgs.animation[m[a]]
        anim = anim / nmem
        prob = success_probability(
            mean_team_trust(m, nmem, P, orgs, trust), projects.comp[d], anim, cp
        )
        ok = u_success[r] < prob
        success[r] = ok
        kind = projects.kind[d]
        duration = projects.end[d] - projects.start[d]
        for a in range(nmem):
            gains[a] = gain(
                D.kind_values[kind],
                projects.fit[d, a],
                projects.nominal[d],
                duration,
                ok,
                noise[r, a],
                cp,
            )
            realised[r, a] = realised_return(gains[a], projects.cost[d], duration)
        projects.active[d] = False
        projects.success[d] = ok
        for a in range(nmem):
            orgs.time_used[m[a]] -= projects.cost[d]
        tally.completed[kind] += 1
        if ok:
            tally.succeeded[kind] += 1
        if kind in (_COMMERCIAL, _RND):
            for a in range(nmem):
                if orgs.is_market[m[a]]:
                    revenue_row[m[a]] += gains[a]
        emit(tally, t, _COMPLETED, m[0], -1, orgs.pole_of[m[0]], d, kind, 1.0 if ok else 0.0)
    for i in range(len(orgs.time_used)):
        if orgs.time_used[i] < 0.0:  # float round-off
            orgs.time_used[i] = 0.0
    return due, success, realised
