"""The pole phases of a month in one compiled call: outcomes of completed projects,
membership (phase 7), the cells' budget (phase 8), the lifecycle (phase 9) and the
month's report, in that order.

Why one call: the phases follow each other in the schedule, and each separate call
cost ~10 µs of Python (gathering its arguments, typing the random streams) for a few
µs of work. Each phase is its own kernel (``pole_members``, ``pole_cell``,
``pole_life``, ``pole_report``); this one only chains them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.world.kernels.pole_cell import C_CALL_OPEN, budget
from ptce_sim.world.kernels.pole_life import lifecycle
from ptce_sim.world.kernels.pole_members import membership, outcomes
from ptce_sim.world.kernels.pole_report import observe

#: Entries of the membership parameter vector (``poles.PoleRegistry._month_params``).
MONTH_PARAMS: tuple[str, ...] = (
    "patience_min",
    "patience_max",
    "tolerance",
    "dues_exclusion",
    "exclusion_months",
    "join_consider",
    "trust_threshold",
    "opportunity_cost",
    "pole_time",
    "value_premium",
    "revenue_share",
    "volunteer_fte",
)
(
    M_PATIENCE_MIN,
    M_PATIENCE_MAX,
    M_TOLERANCE,
    M_DUES_EXCLUSION,
    M_EXCLUSION_MONTHS,
    M_JOIN_CONSIDER,
    M_TRUST_THRESHOLD,
    M_OPPORTUNITY_COST,
    M_POLE_TIME,
    M_VALUE_PREMIUM,
    M_REVENUE_SHARE,
    M_VOLUNTEER_FTE,
) = range(12)


@njit(cache=True)
def pole_month(
    streams,
    t,
    n_poles,
    ints,
    floats,
    members,
    ledger,
    lp,
    cp,
    mp,
    catalyst,
    call_window,
    due,
    success,
    pt_members,
    pt_kind,
    pt_cost,
    pt_end,
    pt_start,
    realised,
    live_rows,
    pole_of,
    dissatisfied,
    patience,
    unpaid,
    dues_table,
    homophily,
    perceived,
    aspiration,
    alpha,
    time_budget,
    time_used,
    present,
    gen,
    is_leader,
    ess,
    tau0,
    best_dev,
    theta,
    history,
    omega,
    kind,
    is_market,
    revenue,
    fte,
    n_kinds,
    animation,
    institution,
    month_income,
    acc,
    ledger_rows,
    stats,
    member_months_by_kind,
    formal_size_months,
):  # pragma: no cover - compiled
    """The pole block of month ``t`` (module docstring). The table must have blank rows
    for one new pole per successful project (``PoleTable.reserve``), ``ledger_rows``
    room for one row per pole.

    Returns (the number of poles, ledger rows written, whether a formal or vegetating
    pole lives).
    """
    joint_revenue = outcomes(
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
        mp[M_REVENUE_SHARE],
    )
    k = 0
    for r in range(len(due)):
        if success[r]:
            k += 1
    successes = np.empty((k, pt_members.shape[1]), dtype=np.int64)
    k = 0
    for r in range(len(due)):
        if success[r]:
            successes[k] = pt_members[due[r]]
            k += 1
    membership(
        streams,
        n_poles,
        ints,
        members,
        np.array([int(mp[M_PATIENCE_MIN]), int(mp[M_PATIENCE_MAX])]),
        mp[M_TOLERANCE],
        mp[M_DUES_EXCLUSION] > 0,
        int(mp[M_EXCLUSION_MONTHS]),
        pole_of,
        dissatisfied,
        patience,
        unpaid,
        homophily,
        perceived,
        aspiration,
        alpha,
        mp[M_JOIN_CONSIDER],
        history,
        tau0,
        best_dev,
        theta,
        omega,
        mp[M_TRUST_THRESHOLD],
        dues_table,
        mp[M_OPPORTUNITY_COST],
        mp[M_POLE_TIME],
        mp[M_VALUE_PREMIUM],
    )
    nrows = budget(
        streams,
        t,
        n_poles,
        ints,
        floats,
        members,
        ledger,
        cp,
        call_window,
        joint_revenue,
        unpaid,
        dues_table,
        homophily,
        alpha,
        time_budget,
        time_used,
        month_income,
        acc,
        ledger_rows,
    )
    size = lifecycle(
        streams,
        t,
        n_poles,
        ints,
        floats,
        members,
        lp,
        catalyst,
        cp[C_CALL_OPEN] > 0,
        call_window,
        live_rows,
        pt_members,
        pole_of,
        dissatisfied,
        patience,
        unpaid,
        dues_table,
        present,
        gen,
        is_leader,
        ess,
        tau0,
        best_dev,
        theta,
        history,
        omega,
        successes,
    )
    any_formal = observe(
        size,
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
        mp[M_POLE_TIME],
        mp[M_VOLUNTEER_FTE],
    )
    return size, nrows, any_formal
