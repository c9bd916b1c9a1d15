"""Pole phases around projects and membership, compiled on the PoleTable: collective
offers (tenders answered by formal poles), crediting started and completed projects
to their pole, and the monthly membership (who leaves a pole, who joins one).

Draws from the ``poles`` stream (``kernels.streams``) in the order the Python code
made them: one patience draw per member of a living pole, then one uniform per
organisation outside every pole (whether it considers joining).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import ProjectKind
from ptce_sim.world.kernels.pole_life import (
    COMPLETED,
    DEAD,
    FORMAL,
    INFORMAL,
    PAYING,
    SIZE,
    STARTED,
    STATUS,
    VEGETATING,
    living_members,
    remove_member,
)
from ptce_sim.world.kernels.pole_month import dissatisfied_all, membership_month, pole_matrix
from ptce_sim.world.kernels.pole_report import (
    A_FORMAL_POLE_PROJECTS,
    A_MARKET_POLE_GAIN,
    A_MONTH_COLLECTIVE,
    A_MONTH_STARTED_IN_POLES,
)
from ptce_sim.world.kernels.poles import joining, joint_pole, pole_outcomes
from ptce_sim.world.kernels.sums import np_sum

_COMMERCIAL = int(ProjectKind.COMMERCIAL)


@njit(cache=True)
def count_started(
    first, size, pt_members, pt_kind, pole_of, n_poles, ints, acc, formal_pole_kinds
):  # pragma: no cover - compiled
    """Credit the projects of rows ``first:size`` (started this month) to the pole in
    which at least two participants are members (``kernels.poles.joint_pole``)."""
    acc[A_MONTH_STARTED_IN_POLES] = 0
    pol = np.empty(pt_members.shape[1], dtype=np.int64)
    for r in range(first, size):
        q = joint_pole(pt_members, r, pole_of, pol)
        if q < 0:
            continue
        ints[q, STARTED] += 1
        acc[A_MONTH_STARTED_IN_POLES] += 1
        if ints[q, STATUS] == FORMAL or ints[q, STATUS] == VEGETATING:
            acc[A_FORMAL_POLE_PROJECTS] += 1
            formal_pole_kinds[pt_kind[r]] += 1


@njit(cache=True)
def outcomes(
    due,
    pt_members,
    pt_kind,
    pt_cost,
    pt_end,
    pt_start,
    realised,
    pole_of,
    n_poles,
    ints,
    acc,
    is_market,
    phi,
):  # pragma: no cover - compiled
    """The completed projects ``due`` run in a pole: completions per pole, each formal
    pole's share ``phi`` of their joint revenue (returned, per pole id) and the gains
    of market members (``kernels.poles.pole_outcomes``)."""
    formal = np.zeros(n_poles, dtype=np.bool_)
    any_alive = False
    for q in range(n_poles):
        status = ints[q, STATUS]
        formal[q] = status in (FORMAL, VEGETATING)
        any_alive = any_alive or status != DEAD
    if len(due) == 0 or not any_alive:  # no member anywhere: no project runs in a pole
        return np.zeros(n_poles)
    completed, revenue, _, gain = pole_outcomes(
        due,
        pt_members,
        pt_kind,
        pt_cost,
        pt_end,
        pt_start,
        realised,
        pole_of,
        formal,
        is_market,
        phi,
        acc[A_MARKET_POLE_GAIN],
    )
    acc[A_MARKET_POLE_GAIN] = gain
    for q in range(n_poles):
        ints[q, COMPLETED] += completed[q]
    return revenue


@njit(cache=True)
def membership(
    streams,
    n_poles,
    ints,
    members,
    patience_range,
    tolerance,
    exclusion,
    exclusion_months,
    pole_of,
    dissatisfied,
    patience,
    unpaid,
    homophily,
    perceived,
    aspiration,
    alpha,
    join_consider,
    history,
    tau0,
    best_dev,
    theta,
    omega,
    trust_threshold,
    dues_table,
    rho0,
    pole_time,
    value_premium,
):  # pragma: no cover - compiled
    """Phase 7: dissatisfied members count their months
    and leave after their patience (or after unpaid dues, with ``exclusion``); then
    organisations outside every pole consider joining one (``kernels.poles.joining``),
    and join the best when its value is positive."""
    rng = streams.poles
    alive, flat, offsets = living_members(ints, members, n_poles)
    na = len(alive)
    nmem = len(flat)
    if na == 0:
        return
    paying_pole = np.empty(na, dtype=np.bool_)
    for a in range(na):
        status = ints[alive[a], STATUS]
        paying_pole[a] = status in (FORMAL, VEGETATING)
    unhappy = dissatisfied_all(flat, offsets, homophily, perceived, aspiration, alpha, tolerance)
    u_patience = rng.integers(patience_range[0], patience_range[1] + 1, size=nmem)
    leave, paying = membership_month(
        flat,
        offsets,
        paying_pole,
        unhappy,
        u_patience,
        exclusion,
        exclusion_months,
        dissatisfied,
        patience,
        unpaid,
    )
    for a in range(na):
        ints[alive[a], PAYING] = paying[a]
    for r in range(nmem):
        if leave[r]:
            org = flat[r]
            remove_member(ints, members, pole_of[org], org, pole_of, dissatisfied, patience, unpaid)
    # Joining: organisations outside every pole, each considering with join_consider.
    n = len(pole_of)
    n_out = 0
    for o in range(n):
        if pole_of[o] < 0:
            n_out += 1
    u = rng.random(n_out)
    considering = np.empty(n_out, dtype=np.int64)
    nc = 0
    j = 0
    for o in range(n):
        if pole_of[o] < 0:
            if u[j] < join_consider:
                considering[nc] = o
                nc += 1
            j += 1
    if nc == 0:
        return
    # The living poles' members after the departures, as the joining kernel takes them.
    _, flat, offsets = living_members(ints, members, n_poles)
    informal = np.empty(na, dtype=np.bool_)
    for a in range(na):
        informal[a] = ints[alive[a], STATUS] == INFORMAL
    matrix, sizes = pole_matrix(flat, offsets, n)
    joined = joining(
        considering[:nc],
        matrix,
        sizes,
        informal,
        history,
        tau0,
        best_dev,
        theta,
        omega,
        trust_threshold,
        homophily,
        perceived,
        alpha,
        dues_table,
        rho0,
        pole_time,
        value_premium,
    )
    for c in range(nc):
        a = joined[c]
        if a >= 0:
            q = alive[a]
            org = considering[c]
            members[q, ints[q, SIZE]] = org
            ints[q, SIZE] += 1
            pole_of[org] = q


@njit(cache=True)
def collective_offers(
    streams,
    t,
    n_poles,
    ints,
    members,
    tender_size,
    tender_rate,
    cost_commercial,
    time_saving,
    duration_min,
    duration_max,
    animation,
    time_budget,
    time_used,
    vacancy,
    present,
    gen,
    comp,
    row,
    pt_kind,
    pt_members,
    pt_slots,
    pt_gens,
    pt_start,
    pt_end,
    pt_cost,
    pt_nominal,
    pt_fit,
    pt_comp,
    pt_active,
    started,
    acc,
):  # pragma: no cover - compiled
    """Formal poles of at least ``tender_size`` members answer a tender (with
    ``tender_rate`` a month, in id order): a commercial project of ``tender_size``
    members drawn among those with the time and no vacancy, each assigning one of its
    persons in post. The projects are written from table row ``row`` (the caller
    makes room for one per pole). Returns how many were started.
    """
    rng = streams.poles
    acc[A_MONTH_COLLECTIVE] = 0
    width = pt_members.shape[1]
    added = 0
    for q in range(n_poles):
        size = ints[q, SIZE]
        if ints[q, STATUS] != FORMAL or size < tender_size:
            continue
        if rng.random() >= tender_rate:
            continue
        idx = members[q, :size]
        most = animation[idx[0]]
        for r in range(1, size):
            most = max(most, animation[idx[r]])
        cost = cost_commercial * (1.0 - time_saving * most)
        ready = np.empty(size, dtype=np.int64)
        nr = 0
        for r in range(size):
            o = idx[r]
            vacant = False
            for s in range(vacancy.shape[1]):
                if vacancy[o, s] > 0:
                    vacant = True
            if time_budget[o] - time_used[o] >= cost and not vacant:
                ready[nr] = o
                nr += 1
        if nr < tender_size:
            continue
        team = rng.permutation(ready[:nr])[:tender_size]
        k = len(team)
        i = row + added
        pt_kind[i] = _COMMERCIAL
        pt_start[i] = t
        pt_cost[i] = cost
        pt_nominal[i] = cost_commercial
        pt_active[i] = True
        for a in range(width):
            pt_members[i, a] = team[a] if a < k else -1
            pt_slots[i, a] = -1
            pt_gens[i, a] = 0
            pt_fit[i, a] = 0.0
        for a in range(k):
            o = team[a]
            n_here = 0
            for s in range(present.shape[1]):
                if present[o, s]:
                    n_here += 1
            pick = rng.integers(0, n_here)
            for s in range(present.shape[1]):
                if present[o, s]:
                    if pick == 0:
                        pt_slots[i, a] = s
                        pt_gens[i, a] = gen[o, s]
                        break
                    pick -= 1
        # Fit: mean complementarity with the others (numpy's summation order).
        row_buf = np.empty(k)
        off = np.empty(k * (k - 1))
        n_off = 0
        for a in range(k):
            for b in range(k):
                row_buf[b] = comp[team[a], team[b]] * (1.0 if a != b else 0.0)
                if a != b:
                    off[n_off] = comp[team[a], team[b]]
                    n_off += 1
            pt_fit[i, a] = np_sum(row_buf, 0, k) / max(k - 1, 1)
        pt_end[i] = t + rng.integers(duration_min, duration_max + 1)
        pt_comp[i] = np_sum(off, 0, n_off) / n_off
        for a in range(k):
            time_used[team[a]] += cost
        started[_COMMERCIAL] += 1
        acc[A_MONTH_COLLECTIVE] += 1
        added += 1
    return added
