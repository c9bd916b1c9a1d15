"""End of the pole phases, compiled: what the poles report each month.

Writes the per-organisation arrays the other phases read (the animation ``A`` and the
institutionalisation ``I`` of each member's pole, ``rules/lifecycle.py``), this month's
pole metrics (``Poles.stats``, in the order of ``pole_state.STAT_KEYS``) and the run
accumulators of the summaries (``Poles.acc``, ``pole_state.ACCUMULATORS``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.rules.lifecycle import animation_intensity
from ptce_sim.rules.poles import FORMAL, INFORMAL, VEGETATING
from ptce_sim.world.kernels.pole_rows import living_members
from ptce_sim.world.kernels.state import (
    A_FORMAL_POLE_MONTHS,
    A_FORMAL_POLE_MONTHS_OBSERVED,
    A_MARKET_MEMBER_REVENUE,
    A_MONTH_COLLECTIVE,
    A_MONTH_FTE_SHARE,
    A_MONTH_INCOME_TOTAL,
    A_MONTH_PUBLIC,
    A_MONTH_STARTED_IN_POLES,
    A_POLE_TIME_SHARE_SUM,
    ANY_FORMAL,
    F_CASH,
    F_FTE,
    F_INSTITUTION,
    F_TRUST,
    LEADER_ORG,
    N_LIVE,
    N_POLES,
    PAYING,
    POLE_SIZE,
    S_CELL_CASH,
    S_CELL_FTE,
    S_COLLECTIVE_OFFERS,
    S_DUES_COMPLIANCE,
    S_FTE_SHARE_IN_POLE,
    S_MEMBER_TRUST,
    S_POLE_MEMBERS,
    S_POLE_PROJECTS_STARTED,
    S_POLES_DEAD,
    S_POLES_FORMAL,
    S_POLES_INFORMAL,
    S_POLES_VEGETATING,
    S_PUBLIC_INCOME_SHARE,
    S_SHARE_MEMBERS,
    STATUS,
    VOLUNTEER,
)
from ptce_sim.world.kernels.sums import np_sum


@njit(cache=True)
def formal_member_stats(members, orgs, n_kinds):
    """For the members of the formal poles: count by kind, summed revenue of the market
    members, summed FTE (numpy's summation order, members in the order given)."""
    k = len(members)
    counts = np.zeros(n_kinds, dtype=np.int64)
    buf = np.empty(k)
    nb = 0
    for r in range(k):
        o = members[r]
        counts[orgs.kind[o]] += 1
        if orgs.is_market[o]:
            buf[nb] = orgs.revenue[o]
            nb += 1
    market = np_sum(buf, 0, nb)
    for r in range(k):
        buf[r] = orgs.fte[members[r]]
    return counts, market, np_sum(buf, 0, k)


@njit(cache=True)
def shared_time(projects, pole_of, formal_by_id):
    """The participants' time in the active projects they share with at least one other
    member of their formal (or vegetating) pole, summed in row order (the same on every
    machine, unlike a BLAS dot product)."""
    w = projects.members.shape[1]
    pol = np.empty(w, dtype=np.int64)
    joint = 0.0
    any_shared = False
    for k in range(projects.cursor[N_LIVE]):
        i = projects.live[k]
        nm = 0  # participants fill the row from the left
        while nm < w and projects.members[i, nm] >= 0:
            pol[nm] = pole_of[projects.members[i, nm]]
            nm += 1
        shared = 0
        for a in range(nm):
            if pol[a] < 0 or not formal_by_id[pol[a]]:
                continue
            c = 0
            for b in range(nm):
                if pol[b] == pol[a]:
                    c += 1
            if c >= 2:
                shared += 1
        if shared:
            any_shared = True
            joint += shared * projects.cost[i]
    return joint, any_shared


@njit(cache=True)
def report(P, orgs, projects, poles, n_kinds):
    """End of the month's pole phases (module docstring)."""
    alive, flat, offsets = living_members(poles)
    ints, floats, acc, stats = poles.ints, poles.floats, poles.acc, poles.stats
    n_poles = poles.cursor[N_POLES]
    na = len(alive)
    nmem = len(flat)
    formal_by_id = np.zeros(n_poles, dtype=np.bool_)
    n_informal = n_formal_status = n_vegetating = 0
    n_formal = 0
    formal_members = 0
    cell_fte = 0.0
    cell_cash = 0.0
    paying = 0
    volunteers = 0.0
    member_trust = 0.0
    orgs.animation[:] = 0.0
    orgs.institution[:] = 0.0
    kinds = np.zeros(n_kinds, dtype=np.int64)
    formal_flat = np.empty(nmem, dtype=np.int64)
    nf = 0
    for a in range(na):
        q = alive[a]
        size = ints[q, POLE_SIZE]
        status = ints[q, STATUS]
        anim = animation_intensity(
            status, floats[q, F_FTE], ints[q, VOLUNTEER] >= 0, ints[q, LEADER_ORG] >= 0, P.poles
        )
        formal = status in (FORMAL, VEGETATING)
        for r in range(offsets[a], offsets[a + 1]):
            o = flat[r]
            orgs.animation[o] = anim
            orgs.institution[o] = floats[q, F_INSTITUTION]
            kinds[orgs.kind[o]] += 1
            if formal:
                formal_flat[nf] = o
                nf += 1
        if status == INFORMAL:
            n_informal += 1
        elif status == FORMAL:
            n_formal_status += 1
        elif status == VEGETATING:
            n_vegetating += 1
        if formal:
            formal_by_id[q] = True
            n_formal += 1
            formal_members += size
            cell_fte += floats[q, F_FTE]
            cell_cash += floats[q, F_CASH]
            paying += ints[q, PAYING]
            member_trust += floats[q, F_TRUST]
            if ints[q, VOLUNTEER] >= 0:
                volunteers += P.poles.volunteer_fte
    # This month's metrics.
    income = acc[A_MONTH_INCOME_TOTAL]
    stats[S_POLES_INFORMAL] = n_informal
    stats[S_POLES_FORMAL] = n_formal_status
    stats[S_POLES_VEGETATING] = n_vegetating
    stats[S_POLES_DEAD] = n_poles - na
    stats[S_POLE_MEMBERS] = nmem
    stats[S_CELL_FTE] = cell_fte
    stats[S_CELL_CASH] = cell_cash * P.economy.wage
    stats[S_PUBLIC_INCOME_SHARE] = acc[A_MONTH_PUBLIC] / income if income > 0 else np.nan
    stats[S_DUES_COMPLIANCE] = paying / formal_members if formal_members else np.nan
    stats[S_POLE_PROJECTS_STARTED] = acc[A_MONTH_STARTED_IN_POLES]
    stats[S_COLLECTIVE_OFFERS] = acc[A_MONTH_COLLECTIVE]
    stats[S_FTE_SHARE_IN_POLE] = np.nan
    stats[S_MEMBER_TRUST] = member_trust / n_formal if n_formal else np.nan
    for j in range(n_kinds):
        stats[S_SHARE_MEMBERS + j] = kinds[j] / nmem if nmem else np.nan
    # Summary accumulators (formal and vegetating poles).
    acc[A_MONTH_FTE_SHARE] = np.nan
    poles.cursor[ANY_FORMAL] = 1 if n_formal > 0 else 0
    if n_formal == 0:
        return
    acc[A_FORMAL_POLE_MONTHS] += n_formal
    for a in range(na):
        if formal_by_id[alive[a]]:
            poles.formal_size_months[ints[alive[a], POLE_SIZE]] += 1
    if nf == 0:
        return
    by_kind, market_revenue, fte_sum = formal_member_stats(formal_flat[:nf], orgs, n_kinds)
    for j in range(n_kinds):
        poles.member_months_by_kind[j] += by_kind[j]
    acc[A_MARKET_MEMBER_REVENUE] += market_revenue / 12.0
    # Time members give to the pole: pole activities, volunteer animation, and the
    # participants' time in the active projects shared with their formal pole.
    time = nf * P.poles.pole_time
    time += volunteers
    joint, any_shared = shared_time(projects, orgs.pole_of, formal_by_id)
    if any_shared:
        time += joint
    share = time / fte_sum
    acc[A_MONTH_FTE_SHARE] = share
    acc[A_POLE_TIME_SHARE_SUM] += share
    acc[A_FORMAL_POLE_MONTHS_OBSERVED] += 1
    stats[S_FTE_SHARE_IN_POLE] = share
