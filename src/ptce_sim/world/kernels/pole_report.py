"""End of the pole phases, compiled: what the poles report each month.

Writes the per-organisation arrays the other phases read (animation ``A`` and
institutionalisation ``I`` of each member's pole), this month's pole metrics (in the
order of ``pole_state.STATS``) and the run accumulators of the summaries (entries of
``pole_state.ACCUMULATORS``), from the :class:`~ptce_sim.world.pole_state.PoleTable`.
The positions are written out here (a test checks them against ``pole_state``) so
that a change of either invalidates these compiled kernels.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.world.kernels.pole_life import (
    F_CASH,
    F_FTE,
    F_INSTITUTION,
    FORMAL,
    INFORMAL,
    LEADER_ORG,
    PAYING,
    SIZE,
    STATUS,
    VEGETATING,
    VOLUNTEER,
    animation_intensity,
    living_members,
)
from ptce_sim.world.kernels.pole_month import month_end

# Positions in the month's metrics (pole_state.STATS; then one share per kind).
S_POLES_INFORMAL = 0
S_POLES_FORMAL = 1
S_POLES_VEGETATING = 2
S_POLES_DEAD = 3
S_POLE_MEMBERS = 4
S_CELL_FTE = 5
S_CELL_CASH = 6
S_PUBLIC_INCOME_SHARE = 7
S_DUES_COMPLIANCE = 8
S_POLE_PROJECTS_STARTED = 9
S_COLLECTIVE_OFFERS = 10
S_FTE_SHARE_IN_POLE = 11
S_SHARE_MEMBERS = 12
# Entries of PoleRegistry.acc (pole_state.ACCUMULATORS).
A_FORMAL_POLE_MONTHS = 0
A_FORMAL_POLE_MONTHS_OBSERVED = 1
A_FORMAL_POLE_PROJECTS = 2
A_MARKET_POLE_GAIN = 3
A_MARKET_MEMBER_REVENUE = 4
A_POLE_TIME_SHARE_SUM = 5
A_MONTH_FTE_SHARE = 6
A_MONTH_STARTED_IN_POLES = 7
A_MONTH_COLLECTIVE = 8
A_MONTH_PUBLIC = 9
A_MONTH_INCOME_TOTAL = 10


@njit(cache=True)
def observe(
    n_poles,
    ints,
    floats,
    members,
    lp,
    animation,
    institution,
    kind,
    is_market,
    revenue,
    fte,
    n_kinds,
    live_rows,
    pt_members,
    pt_cost,
    pole_of,
    stats,
    acc,
    member_months_by_kind,
    formal_size_months,
    pole_time,
    volunteer_fte,
):  # pragma: no cover - compiled
    """End of the month's pole phases (see the module docstring). Returns whether a
    formal or vegetating pole lives."""
    alive, flat, offsets = living_members(ints, members, n_poles)
    na = len(alive)
    nmem = len(flat)
    anim = np.empty(na)
    inst = np.empty(na)
    formal = np.zeros(na, dtype=np.bool_)
    formal_by_id = np.zeros(n_poles, dtype=np.bool_)
    n_informal = n_formal_status = n_vegetating = 0
    n_formal = 0
    formal_members = 0
    cell_fte = 0.0
    cell_cash = 0.0
    paying = 0
    volunteers = 0.0
    for a in range(na):
        q = alive[a]
        size = ints[q, SIZE]
        status = ints[q, STATUS]
        anim[a] = animation_intensity(
            status, floats[q, F_FTE], ints[q, VOLUNTEER] >= 0, ints[q, LEADER_ORG] >= 0, lp
        )
        inst[a] = floats[q, F_INSTITUTION]
        if status == INFORMAL:
            n_informal += 1
        elif status == FORMAL:
            n_formal_status += 1
        elif status == VEGETATING:
            n_vegetating += 1
        if status in (FORMAL, VEGETATING):
            formal[a] = True
            formal_by_id[q] = True
            n_formal += 1
            formal_members += size
            cell_fte += floats[q, F_FTE]
            cell_cash += floats[q, F_CASH]
            paying += ints[q, PAYING]
            if ints[q, VOLUNTEER] >= 0:
                volunteers += volunteer_fte
    rows = live_rows if n_formal > 0 else live_rows[:0]
    kinds, nf, by_kind, market_revenue, fte_sum, active, shared, any_shared = month_end(
        flat,
        offsets,
        anim,
        inst,
        formal,
        animation,
        institution,
        kind,
        is_market,
        revenue,
        fte,
        n_kinds,
        rows,
        pt_members,
        pole_of,
        formal_by_id,
    )
    # This month's metrics (PoleRegistry.stats).
    income = acc[A_MONTH_INCOME_TOTAL]
    stats[S_POLES_INFORMAL] = n_informal
    stats[S_POLES_FORMAL] = n_formal_status
    stats[S_POLES_VEGETATING] = n_vegetating
    stats[S_POLES_DEAD] = n_poles - na
    stats[S_POLE_MEMBERS] = nmem
    stats[S_CELL_FTE] = cell_fte
    stats[S_CELL_CASH] = cell_cash
    stats[S_PUBLIC_INCOME_SHARE] = acc[A_MONTH_PUBLIC] / income if income > 0 else np.nan
    stats[S_DUES_COMPLIANCE] = paying / formal_members if formal_members else np.nan
    stats[S_POLE_PROJECTS_STARTED] = acc[A_MONTH_STARTED_IN_POLES]
    stats[S_COLLECTIVE_OFFERS] = acc[A_MONTH_COLLECTIVE]
    stats[S_FTE_SHARE_IN_POLE] = np.nan
    for j in range(n_kinds):
        stats[S_SHARE_MEMBERS + j] = kinds[j] / nmem if nmem else np.nan
    # Summary accumulators (formal and vegetating poles).
    acc[A_MONTH_FTE_SHARE] = np.nan
    if n_formal == 0:
        return False
    acc[A_FORMAL_POLE_MONTHS] += n_formal
    for a in range(na):
        if formal[a]:
            formal_size_months[ints[alive[a], SIZE]] += 1
    if nf == 0:
        return True
    for j in range(n_kinds):
        member_months_by_kind[j] += by_kind[j]
    acc[A_MARKET_MEMBER_REVENUE] += market_revenue / 12.0
    # Time members give to the pole: pole activities, volunteer animation, and the
    # participants' time in the active projects shared with their formal pole (summed
    # in row order: the same on every machine, unlike a BLAS dot product).
    time = nf * pole_time
    time += volunteers
    if any_shared:
        joint = 0.0
        for k in range(len(active)):
            joint += shared[k] * pt_cost[active[k]]
        time += joint
    fte_share(acc, stats, time, fte_sum)
    return True


@njit(cache=True)
def fte_share(acc, stats, time, fte_sum):  # pragma: no cover - compiled
    """Books the month's FTE share of formal-pole members spent on the pole."""
    share = time / fte_sum
    acc[A_MONTH_FTE_SHARE] = share
    acc[A_POLE_TIME_SHARE_SUM] += share
    acc[A_FORMAL_POLE_MONTHS_OBSERVED] += 1
    stats[S_FTE_SHARE_IN_POLE] = share
