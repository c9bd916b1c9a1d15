"""Phase 8 compiled: the animation cell of each formal or vegetating pole — income by
source, cost, cash, staff, a volunteer when there is no staff (``rules/cell.py``).

Draws from the ``funding`` stream when a decision needs it, per pole in id order: the
local authority's yearly decision (when it subsidises at all), then the answer to an
open call. Every euro is written to the pole's cumulative ledger and to one ledger row
per pole and month (pole id, month, cash before, income by source, cost, cash after).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import EventKind, OrgKind
from ptce_sim.rules.cell import (
    call_win_probability,
    can_volunteer,
    cell_cost,
    cell_staff,
    grant_monthly,
    matching_funds,
    maturity,
    performance_rate,
    pole_value,
    structural_income,
    subsidy_probability,
    volunteer_in_kind,
)
from ptce_sim.rules.poles import DEAD, FORMAL, VEGETATING
from ptce_sim.world.kernels.events import emit
from ptce_sim.world.kernels.pole_rows import homophily_with
from ptce_sim.world.kernels.state import (
    A_MONTH_INCOME_TOTAL,
    A_MONTH_PUBLIC,
    APPLIED_WINDOW,
    COMPLETED,
    F_CASH,
    F_COST_TOTAL,
    F_FTE,
    F_GRANT_MONTHLY,
    F_IN_KIND,
    F_INSTITUTION,
    FORMALISED,
    GRANT_END,
    GRANT_MONTHS_LEFT,
    LA_ACTIVE,
    LA_NEXT_DECISION,
    LEDGER_ROWS,
    N_POLES,
    POLE_SIZE,
    STARTED,
    STATUS,
    VOLUNTEER,
)
from ptce_sim.world.kernels.sums import np_sum

# Income sources, in ledger order (rules.funding.SOURCES).
DUES, LA_SUBSIDY, CALL_GRANT, STRUCTURAL, MATCHING, REVENUE_SHARE = 0, 1, 2, 3, 4, 5
N_SOURCES = 6
_LA = int(OrgKind.LA)
_GRANT_WON = int(EventKind.GRANT_WON)
_GRANT_ENDED = int(EventKind.GRANT_ENDED)
_HIRED = int(EventKind.CELL_HIRED)
_CUT = int(EventKind.CELL_CUT)
_SUBSIDY_STARTED = int(EventKind.SUBSIDY_STARTED)
_SUBSIDY_STOPPED = int(EventKind.SUBSIDY_STOPPED)


@njit(cache=True)
def volunteer(idx, current, P, orgs):
    """A cell without staff: its volunteer (-1: none). The current one stays while a
    member; else the most committed member (``alpha * H`` with the pole) who can
    (``can_volunteer``), first on ties."""
    if P.poles.volunteer_animation <= 0:
        return -1
    k = len(idx)
    for r in range(k):
        if idx[r] == current:
            return current
    if k == 0:  # every member excluded (unpaid dues): nobody to volunteer
        return -1
    h = homophily_with(orgs.homophily, idx)
    best = -1
    best_value = 0.0
    for r in range(k):
        o = idx[r]
        commitment = orgs.alpha[o] * h[r]
        free = orgs.time_budget[o] - orgs.time_used[o]
        if can_volunteer(commitment, free, P.poles) and (best < 0 or commitment > best_value):
            best, best_value = r, commitment
    return idx[best] if best >= 0 else -1


@njit(cache=True)
def cooperation_rate(q, t, size, poles):
    """Projects started in pole ``q`` per member and year since it formalised."""
    formalised = poles.ints[q, FORMALISED]
    since = formalised if formalised >= 0 else t
    return performance_rate(poles.ints[q, STARTED], size, t - since + 1)


@njit(cache=True)
def has_authority(idx, orgs):
    """A local authority is among the members ``idx``."""
    for r in range(len(idx)):
        if orgs.kind[idx[r]] == _LA:
            return True
    return False


@njit(cache=True)
def dues_paid(idx, poles, buf):
    """The dues collected from the members ``idx`` who paid this month."""
    nb = 0
    for r in range(len(idx)):
        if poles.unpaid[idx[r]] == 0:
            buf[nb] = poles.dues[idx[r]]
            nb += 1
    return np_sum(buf, 0, nb)


@njit(cache=True)
def budget(streams, t, call_window, joint_revenue, P, orgs, poles, tally):
    """Phase 8 (module docstring). The month's income by source goes to
    ``poles.month_income``, its total and public part to ``poles.acc``."""
    rng = streams.funding
    fp, cp, sp, cell = P.funding, P.calls, P.structural, P.cell
    ints, floats = poles.ints, poles.floats
    poles.month_income[:] = 0.0
    income = np.zeros(N_SOURCES)
    buf = np.empty(poles.members.shape[1])
    nrows = 0
    for q in range(poles.cursor[N_POLES]):
        status = ints[q, STATUS]
        if status == DEAD or status not in (FORMAL, VEGETATING):
            continue
        size = ints[q, POLE_SIZE]
        idx = poles.members[q, :size]
        dues = dues_paid(idx, poles, buf)
        income[:] = 0.0
        income[DUES] = dues
        if t >= ints[q, LA_NEXT_DECISION]:
            active = False
            if fp.la_subsidy > 0:
                first = ints[q, LA_NEXT_DECISION] == ints[q, FORMALISED]
                value = pole_value(cooperation_rate(q, t, size, poles), sp.performance_target)
                member = has_authority(idx, orgs)
                active = rng.random() < subsidy_probability(first, t, value, member, fp)
            if active and ints[q, LA_ACTIVE] == 0:
                emit(tally, t, _SUBSIDY_STARTED, -1, -1, q, -1, 0, fp.la_subsidy * P.economy.wage)
            elif not active and ints[q, LA_ACTIVE] == 1:
                emit(tally, t, _SUBSIDY_STOPPED, -1, -1, q, -1, 0, 0.0)
            ints[q, LA_ACTIVE] = 1 if active else 0
            ints[q, LA_NEXT_DECISION] = t + 12
            if active:
                income[LA_SUBSIDY] = fp.la_subsidy
        if (
            cp.open
            and status == FORMAL
            and ints[q, GRANT_MONTHS_LEFT] == 0
            and ints[q, APPLIED_WINDOW] != call_window
        ):
            ints[q, APPLIED_WINDOW] = call_window
            mat = maturity(floats[q, F_INSTITUTION], ints[q, COMPLETED])
            if rng.random() < call_win_probability(mat, cp):
                floats[q, F_GRANT_MONTHLY] = grant_monthly(cp)
                ints[q, GRANT_MONTHS_LEFT] = cp.duration
                wage = P.economy.wage
                emit(
                    tally,
                    t,
                    _GRANT_WON,
                    -1,
                    -1,
                    q,
                    -1,
                    cp.duration,
                    floats[q, F_GRANT_MONTHLY] * wage,
                )
        if ints[q, GRANT_MONTHS_LEFT] > 0:
            income[CALL_GRANT] = floats[q, F_GRANT_MONTHLY]
            ints[q, GRANT_MONTHS_LEFT] -= 1
            if ints[q, GRANT_MONTHS_LEFT] == 0:
                ints[q, GRANT_END] = t + 1
                emit(tally, t, _GRANT_ENDED, -1, -1, q, -1, 0, 0.0)
        formalised = ints[q, FORMALISED]
        if status == FORMAL and sp.amount > 0:
            meets = cooperation_rate(q, t, size, poles) >= sp.performance_target
            income[STRUCTURAL] = structural_income(sp.amount, sp.performance_share, meets)
        income[MATCHING] = matching_funds(dues, fp.matching_rate)
        income[REVENUE_SHARE] = joint_revenue[q]
        cost = cell_cost(floats[q, F_FTE], cell)
        before = floats[q, F_CASH]
        total = 0.0
        for j in range(N_SOURCES):
            total += income[j]
        floats[q, F_CASH] = before + total - cost
        for j in range(N_SOURCES):
            poles.ledger[q, j] += income[j]
            poles.month_income[j] += income[j]
        floats[q, F_COST_TOTAL] += cost
        row = poles.ledger_rows[nrows]
        row[0] = q
        row[1] = t
        row[2] = before
        for j in range(N_SOURCES):
            row[3 + j] = income[j]
        row[3 + N_SOURCES] = cost
        row[4 + N_SOURCES] = floats[q, F_CASH]
        nrows += 1
        old = floats[q, F_FTE]
        months = t - formalised
        fte = cell_staff(months, old, floats[q, F_CASH], size, cell)
        floats[q, F_FTE] = fte
        if fte > old:
            emit(tally, t, _HIRED, -1, -1, q, -1, 0, fte)
        elif fte < old:
            emit(tally, t, _CUT, -1, -1, q, -1, 0, fte)
        if fte == 0 and status == FORMAL:
            ints[q, VOLUNTEER] = volunteer(idx, ints[q, VOLUNTEER], P, orgs)
        else:
            ints[q, VOLUNTEER] = -1
        if ints[q, VOLUNTEER] >= 0:
            floats[q, F_IN_KIND] += volunteer_in_kind(
                P.poles.volunteer_fte, P.cooperation.opportunity_cost
            )
    poles.cursor[LEDGER_ROWS] = nrows
    total = 0.0
    for j in range(N_SOURCES):
        total += poles.month_income[j]
    poles.acc[A_MONTH_INCOME_TOTAL] = total
    public = 0.0
    for j in (LA_SUBSIDY, CALL_GRANT, STRUCTURAL, MATCHING):  # rules.funding.PUBLIC_SOURCES
        public += poles.month_income[j]
    poles.acc[A_MONTH_PUBLIC] = public
