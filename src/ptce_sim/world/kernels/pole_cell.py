"""Phase 8 compiled: the animation cell of each formal pole (income by source, cost,
staffing, a volunteer when there is no staff), on the PoleTable.

The rules are those of ``rules/funding.py`` (its docstrings hold the equations), for
one cell; the tests check each against its rule. The ``funding`` stream is drawn when
a decision needs it, in the order the Python code drew it: per formal pole in id
order, the local authority's yearly decision (when it subsidises at all), then the
answer to an open call.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.world.kernels.pole_life import (
    APPLIED_WINDOW,
    COMPLETED,
    DEAD,
    F_CASH,
    F_COST_TOTAL,
    F_FTE,
    F_GRANT_MONTHLY,
    F_IN_KIND,
    F_INSTITUTION,
    FORMAL,
    FORMALISED,
    GRANT_END,
    GRANT_MONTHS_LEFT,
    LA_ACTIVE,
    LA_NEXT_DECISION,
    SIZE,
    STARTED,
    STATUS,
    VEGETATING,
    VOLUNTEER,
)
from ptce_sim.world.kernels.pole_report import A_MONTH_INCOME_TOTAL, A_MONTH_PUBLIC
from ptce_sim.world.kernels.poles import homophily_with
from ptce_sim.world.kernels.sums import np_sum

#: Entries of the cell parameter vector (``pole_params.cell_params``).
CELL_PARAMS: tuple[str, ...] = (
    "la_subsidy",
    "la_renewal",
    "election_factor",
    "election_period",
    "election_offset",
    "matching_rate",
    "call_open",
    "call_grant_monthly",
    "call_duration",
    "win_probability",
    "maturity_weight",
    "structural_amount",
    "performance_share",
    "performance_target",
    "cost_per_fte",
    "grace_months",
    "fte_step",
    "fte_cap",
    "initial_fte",
    "reserve_low",
    "reserve_high",
    "hire_min_members",
    "volunteer_animation",
    "volunteer_alpha",
    "volunteer_fte",
    "in_kind",
)
(
    C_LA_SUBSIDY,
    C_LA_RENEWAL,
    C_ELECTION_FACTOR,
    C_ELECTION_PERIOD,
    C_ELECTION_OFFSET,
    C_MATCHING_RATE,
    C_CALL_OPEN,
    C_CALL_GRANT_MONTHLY,
    C_CALL_DURATION,
    C_WIN_PROBABILITY,
    C_MATURITY_WEIGHT,
    C_STRUCTURAL_AMOUNT,
    C_PERFORMANCE_SHARE,
    C_PERFORMANCE_TARGET,
    C_COST_PER_FTE,
    C_GRACE_MONTHS,
    C_FTE_STEP,
    C_FTE_CAP,
    C_INITIAL_FTE,
    C_RESERVE_LOW,
    C_RESERVE_HIGH,
    C_HIRE_MIN_MEMBERS,
    C_VOLUNTEER_ANIMATION,
    C_VOLUNTEER_ALPHA,
    C_VOLUNTEER_FTE,
    C_IN_KIND,
) = range(26)
# Income sources, in ledger order (rules.funding.SOURCES).
DUES, LA_SUBSIDY, CALL_GRANT, STRUCTURAL, MATCHING, REVENUE_SHARE = 0, 1, 2, 3, 4, 5
N_SOURCES = 6
#: A ledger row: pole id, month, cash before, income by source, cost, cash after.
LEDGER_WIDTH = 3 + N_SOURCES + 2


@njit(cache=True)
def is_election_year(month, cp):  # pragma: no cover - compiled
    """``rules.funding.is_election_year``."""
    offset = int(cp[C_ELECTION_OFFSET])
    period = int(cp[C_ELECTION_PERIOD])
    if month < offset - 11:
        return False
    since = (month - offset) % period
    return since >= period - 11 or since == 0


@njit(cache=True)
def renewal_probability(month, cp):  # pragma: no cover - compiled
    """``rules.funding.renewal_probability``."""
    factor = cp[C_ELECTION_FACTOR] if is_election_year(month, cp) else 1.0
    return cp[C_LA_RENEWAL] * factor


@njit(cache=True)
def structural_income(amount, performance_share, meets_target):  # pragma: no cover
    """``rules.funding.structural_income``."""
    base = amount / 12.0
    return base * (1.0 - performance_share) + (base * performance_share if meets_target else 0.0)


@njit(cache=True)
def staffing(fte, cash, members, cp):  # pragma: no cover - compiled
    """``rules.funding.staffing``. numba's ``round(x, 9)`` rounds ``x * 1e9`` to an
    integer: Python's is correctly rounded; they agree unless ``x * 1e9`` falls within
    rounding error of a half-way point, which FTE steps never do (the tests compare)."""
    cost = cp[C_COST_PER_FTE]
    if fte > 0 and cash < cp[C_RESERVE_LOW] * fte * cost:
        return max(0.0, round(fte - cp[C_FTE_STEP], 9))
    after = min(cp[C_FTE_CAP], round(fte + cp[C_FTE_STEP], 9))
    enough_members = fte < cp[C_INITIAL_FTE] or members >= cp[C_HIRE_MIN_MEMBERS]
    if after > fte and enough_members and cash > cp[C_RESERVE_HIGH] * after * cost:
        return after
    return fte


@njit(cache=True)
def volunteer(
    idx, current, homophily, alpha, time_budget, time_used, cp
):  # pragma: no cover - compiled
    """A cell without staff: its volunteer (-1: none). The current one stays while a
    member; else the most committed member (``alpha * H`` with the pole) who has the
    time, first on ties."""
    if cp[C_VOLUNTEER_ANIMATION] <= 0:
        return -1
    k = len(idx)
    for r in range(k):
        if idx[r] == current:
            return current
    if k == 0:  # every member excluded (unpaid dues): nobody to volunteer
        return -1
    h = homophily_with(homophily, idx)
    best = -1
    best_value = 0.0
    for r in range(k):
        o = idx[r]
        commitment = alpha[o] * h[r]
        ok = commitment >= cp[C_VOLUNTEER_ALPHA] and (
            time_budget[o] - time_used[o] >= cp[C_VOLUNTEER_FTE]
        )
        if ok and (best < 0 or commitment > best_value):
            best, best_value = r, commitment
    return idx[best] if best >= 0 else -1


@njit(cache=True)
def budget(
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
):  # pragma: no cover - compiled
    """Phase 8: each formal or vegetating pole's income by
    source, its cell's cost and cash, staffing and volunteer; one ledger row each
    (written into ``ledger_rows``, at least as long as the living poles). The month's
    income by source goes to ``month_income``, its total and public part to ``acc``.
    Returns the number of rows written.
    """
    rng = streams.funding
    month_income[:] = 0.0
    income = np.zeros(N_SOURCES)
    buf = np.empty(members.shape[1])
    nrows = 0
    for q in range(n_poles):
        status = ints[q, STATUS]
        if status == DEAD or status not in (FORMAL, VEGETATING):
            continue
        size = ints[q, SIZE]
        idx = members[q, :size]
        nb = 0
        for r in range(size):
            if unpaid[idx[r]] == 0:  # members who paid their dues this month
                buf[nb] = dues_table[idx[r]]
                nb += 1
        dues = np_sum(buf, 0, nb)
        income[:] = 0.0
        income[DUES] = dues
        if t >= ints[q, LA_NEXT_DECISION]:
            active = False
            if cp[C_LA_SUBSIDY] > 0:
                first = ints[q, LA_NEXT_DECISION] == ints[q, FORMALISED]
                active = rng.random() < (1.0 if first else renewal_probability(t, cp))
            ints[q, LA_ACTIVE] = 1 if active else 0
            ints[q, LA_NEXT_DECISION] = t + 12
            if active:
                income[LA_SUBSIDY] = cp[C_LA_SUBSIDY]
        if (
            cp[C_CALL_OPEN] > 0
            and status == FORMAL
            and ints[q, GRANT_MONTHS_LEFT] == 0
            and ints[q, APPLIED_WINDOW] != call_window
        ):
            ints[q, APPLIED_WINDOW] = call_window
            mat = 0.5 * (floats[q, F_INSTITUTION] + min(1.0, ints[q, COMPLETED] / 10.0))
            mw = cp[C_MATURITY_WEIGHT]
            if rng.random() < cp[C_WIN_PROBABILITY] * (1.0 - mw + mw * mat):
                floats[q, F_GRANT_MONTHLY] = cp[C_CALL_GRANT_MONTHLY]
                ints[q, GRANT_MONTHS_LEFT] = int(cp[C_CALL_DURATION])
        if ints[q, GRANT_MONTHS_LEFT] > 0:
            income[CALL_GRANT] = floats[q, F_GRANT_MONTHLY]
            ints[q, GRANT_MONTHS_LEFT] -= 1
            if ints[q, GRANT_MONTHS_LEFT] == 0:
                ints[q, GRANT_END] = t + 1
        formalised = ints[q, FORMALISED]
        if status == FORMAL and cp[C_STRUCTURAL_AMOUNT] > 0:
            # As Python's ``formalised or t``: a pole formalised in month 0 counts from t.
            since = formalised if formalised > 0 else t
            years = max((t - since + 1) / 12.0, 1.0)
            rate = ints[q, STARTED] / max(size, 1) / years
            income[STRUCTURAL] = structural_income(
                cp[C_STRUCTURAL_AMOUNT],
                cp[C_PERFORMANCE_SHARE],
                rate >= cp[C_PERFORMANCE_TARGET],
            )
        income[MATCHING] = cp[C_MATCHING_RATE] * dues
        income[REVENUE_SHARE] = joint_revenue[q]
        cost = floats[q, F_FTE] * cp[C_COST_PER_FTE]
        before = floats[q, F_CASH]
        total = 0.0
        for j in range(N_SOURCES):
            total += income[j]
        floats[q, F_CASH] = before + total - cost
        for j in range(N_SOURCES):
            ledger[q, j] += income[j]
            month_income[j] += income[j]
        floats[q, F_COST_TOTAL] += cost
        row = ledger_rows[nrows]
        row[0] = q
        row[1] = t
        row[2] = before
        for j in range(N_SOURCES):
            row[3 + j] = income[j]
        row[3 + N_SOURCES] = cost
        row[4 + N_SOURCES] = floats[q, F_CASH]
        nrows += 1
        fte = floats[q, F_FTE]
        if status != FORMAL:
            fte = 0.0  # a vegetating pole's cell is dormant: no staff, no hiring
        elif t - (formalised if formalised > 0 else 0) < cp[C_GRACE_MONTHS]:
            # First months: members' pledges carry the new cell; it only hires.
            fte = max(fte, staffing(fte, floats[q, F_CASH], size, cp))
        else:
            fte = staffing(fte, floats[q, F_CASH], size, cp)
        floats[q, F_FTE] = fte
        if fte == 0 and status == FORMAL:
            ints[q, VOLUNTEER] = volunteer(
                idx, ints[q, VOLUNTEER], homophily, alpha, time_budget, time_used, cp
            )
        else:
            ints[q, VOLUNTEER] = -1
        if ints[q, VOLUNTEER] >= 0:
            floats[q, F_IN_KIND] += cp[C_IN_KIND]
    total = 0.0
    for j in range(N_SOURCES):
        total += month_income[j]
    acc[A_MONTH_INCOME_TOTAL] = total
    public = 0.0
    for j in (LA_SUBSIDY, CALL_GRANT, STRUCTURAL, MATCHING):  # rules.funding.PUBLIC_SOURCES
        public += month_income[j]
    acc[A_MONTH_PUBLIC] = public
    return nrows
