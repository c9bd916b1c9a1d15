"""Projects credited to their pole: a project is run *in a pole* when at least two of
its participants are members of that pole (the most represented pole, first on ties).

Started projects count towards the pole's track record and the month's pole metrics;
completed ones towards its completions. The members of a formal (or vegetating) pole
pay its cell the revenue share of their gains from the pole's joint projects, out of
those gains (``rules/cell.revenue_share``): their realised return, which they learn
from (phase 6), is what they keep, and the euros are traced (``share_paid``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import ProjectKind
from ptce_sim.rules.cell import revenue_share
from ptce_sim.rules.poles import DEAD, FORMAL, VEGETATING
from ptce_sim.world.kernels.state import (
    A_FORMAL_POLE_PROJECTS,
    A_MARKET_POLE_GAIN,
    A_MONTH_STARTED_IN_POLES,
    A_SHARE_PAID,
    COMPLETED,
    N_POLES,
    STARTED,
    STATUS,
)
from ptce_sim.world.kernels.sums import np_sum

_COMMERCIAL = int(ProjectKind.COMMERCIAL)
_RND = int(ProjectKind.RND)


@njit(cache=True)
def joint_pole(members, r, pole_of, pol):
    """Pole of project row ``r`` (``pol``: scratch of the table's width), -1 if none.

    Participants fill a row from the left (-1 after the last): padding is never in a
    pole and cannot change the count, so the loops stop at the last participant."""
    w = 0
    while w < members.shape[1] and members[r, w] >= 0:
        pol[w] = pole_of[members[r, w]]
        w += 1
    best = 0
    best_count = -1
    for a in range(w):
        c = 0
        if pol[a] >= 0:
            for b in range(w):
                if pol[b] == pol[a]:
                    c += 1
        if c > best_count:
            best, best_count = a, c
    return pol[best] if best_count >= 2 else -1


@njit(cache=True)
def credit_started(first, projects, orgs, poles):
    """Credit the projects of rows ``first:size`` (started this month) to their pole."""
    poles.acc[A_MONTH_STARTED_IN_POLES] = 0
    pol = np.empty(projects.members.shape[1], dtype=np.int64)
    for r in range(first, projects.cursor[0]):
        q = joint_pole(projects.members, r, orgs.pole_of, pol)
        if q < 0:
            continue
        poles.ints[q, STARTED] += 1
        poles.acc[A_MONTH_STARTED_IN_POLES] += 1
        if poles.ints[q, STATUS] == FORMAL or poles.ints[q, STATUS] == VEGETATING:
            poles.acc[A_FORMAL_POLE_PROJECTS] += 1
            poles.formal_pole_kinds[projects.kind[r]] += 1


@njit(cache=True)
def credit_completed(due, realised, P, orgs, projects, poles):
    """The completed projects ``due`` run in a pole (in project order): completions per
    pole; each formal pole's revenue share of its members' joint gains (returned, per
    pole id), taken out of the members' realised returns; the gross gains of market
    members (a run accumulator)."""
    n_poles = poles.cursor[N_POLES]
    formal = np.zeros(n_poles, dtype=np.bool_)
    any_alive = False
    for q in range(n_poles):
        status = poles.ints[q, STATUS]
        formal[q] = status in (FORMAL, VEGETATING)
        any_alive = any_alive or status != DEAD
    joint = np.zeros(n_poles)
    if len(due) == 0 or not any_alive:  # no member anywhere: no project runs in a pole
        return joint
    w = projects.members.shape[1]
    pol = np.empty(w, dtype=np.int64)
    team = np.empty(w, dtype=np.int64)
    gains = np.empty(w)
    buf = np.empty(w)
    market_gain = poles.acc[A_MARKET_POLE_GAIN]
    pole_of = orgs.pole_of
    for row in range(len(due)):
        pid = due[row]
        q = joint_pole(projects.members, pid, pole_of, pol)
        if q < 0:
            continue
        nt = 0
        for a in range(w):
            if projects.members[pid, a] >= 0:
                team[nt] = projects.members[pid, a]
                nt += 1
        poles.ints[q, COMPLETED] += 1
        if not formal[q]:
            continue
        duration = projects.end[pid] - projects.start[pid]
        time = projects.cost[pid] * duration
        for j in range(nt):
            gains[j] = realised[row, j] * time
        for j in range(nt):
            if pole_of[team[j]] == q:
                # The member pays its cell a share of its gain: what it learns from is
                # what it keeps (rules/cell.revenue_share).
                share = revenue_share(gains[j], P.funding.revenue_share)
                joint[q] += share
                poles.acc[A_SHARE_PAID] += share
                realised[row, j] = (gains[j] - share) / time
        if projects.kind[pid] in (_COMMERCIAL, _RND):
            nb = 0
            for j in range(nt):
                if pole_of[team[j]] == q and orgs.is_market[team[j]]:
                    buf[nb] = gains[j]
                    nb += 1
            market_gain += np_sum(buf, 0, nb)
    poles.acc[A_MARKET_POLE_GAIN] = market_gain
    return joint
