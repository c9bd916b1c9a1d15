r"""Phase 8: the animation cell's money and staff (ODD §7.7; parameters ``[cell]``,
``[funding]``, ``[calls]``, ``[structural]``, ``[poles]``).

Each month, for every formal pole (every euro traced by source, ``SOURCES``)::

    K <- K + dues + LA subsidy + call grants + structural + matching + phi * joint revenue - cost
    cost = FTE * w                                           (cell_cost; w: cost of an FTE-month)

- **dues** (monthly_dues): ``flat`` (wages a year per member) or ``revenue`` (a share of each
  market member's annual revenue; non-market members pay half the flat rate), paid by the
  members who are not dissatisfied;
- **local-authority subsidy**: a yearly amount, decided every 12 months after
  formalisation by the local authority, from what the pole brings its territory: granted
  at the first decision, then renewed with probability ``p_renew + v_LA * (value - 1/2)``
  (value: the members' joint projects per member-year against the performance target,
  pole_value), times ``f_election`` in a municipal election year, times ``f_out`` when
  no local authority is a member of the pole (subsidy_probability);
- **revenue share** ``phi`` of the gains members draw from projects they run together
  inside the pole (revenue_share);
- **national calls for projects**: while ``calls.open``, a formal pole without a current
  grant applies once per window (and, with ``calls.informal_apply``, so does an informal
  pole big enough to formalise, with a leader: a laureate formalises at once) and wins
  with probability ``p_win * (1 - m_w + m_w * maturity)``,
  ``maturity = (I + min(1, completed / 10)) / 2`` (call_win_probability, maturity); a
  laureate receives ``calls.grant`` spread evenly over ``calls.duration`` months;
- **structural funding**: ``structural.amount`` a year per formal pole; a share
  ``performance_share`` of it is paid only while the members start at least
  ``performance_target`` cooperations per member per year (structural_income);
- **matching funds**: ``matching_rate`` € of public money per € of dues collected.

**Staffing** (founding_contribution, sized_fte, staffing, cell_staff). A new cell starts
with the cash its members pledged (``pledge_share`` of a first year's cost, paid in as
dues) and is sized to the funding pledged for its first year (whole steps of
``fte_step`` FTE it pays for, at most ``fte_cap``). Then, in any month: below
``reserve_low`` months of the current cost, cut
``fte_step`` FTE; when the cash covers ``reserve_high`` months of the cost *after*
hiring, hire ``fte_step`` FTE up to ``fte_cap`` (beyond the first post, only with at
least ``hire_min_members`` members). A cell without staff — a vegetating pole's too —
hires again when its money returns, and the pole is re-animated. ``grace_months``
(0 by default) would forbid cuts after formalisation. Without any FTE a value-driven
member may carry the animation at its own cost (can_volunteer: commitment
``alpha * H >= volunteer_alpha`` and the free time), traced as an in-kind contribution.

**Pledge.** A pole may formalise when its members pledge a first-year budget of at least
``pledge_share`` of the first year's cell cost (pledged_budget, first_year_cost): a
year of dues with their matching, the local subsidy, structural funding and the expected
call grant while a call is open.

Public sources are the LA subsidy, call grants, structural funding and matching funds.
"""

from __future__ import annotations

import math
from typing import Any

from ptce_sim.rules.jit import rule

#: Completed projects at which a pole's track record counts in full in its maturity.
FULL_TRACK_RECORD = 10.0


def monthly_dues(mode: str, flat: float, rate: float, revenue: float, is_market: bool) -> float:
    """Monthly dues of one member (wages). Evaluated once per policy, in Python (the mode
    is a string); the kernels read the resulting table."""
    if mode == "revenue":
        return rate * revenue / 12.0 if is_market else flat / 12.0 * 0.5
    return flat / 12.0


@rule
def is_election_year(month: int, p: Any) -> bool:
    """True during the 12 months ending with an election month (``p``: ``[funding]``)."""
    if month < p.election_offset - 11:
        return False
    since = (month - p.election_offset) % p.election_period
    return since >= p.election_period - 11 or since == 0


@rule
def pole_value(cooperation_rate: float, target: float) -> float:
    """What a pole brings the local authority, in [0, 1]: its members' joint projects per
    member and year against the performance target (the activity and jobs the
    authority's territory sees)."""
    return min(1.0, cooperation_rate / target) if target > 0 else 1.0


@rule
def subsidy_probability(
    first_decision: bool, month: int, value: float, authority_member: bool, p: Any
) -> float:
    """Probability that the local authority subsidises the cell at this yearly decision:
    1 at the first decision, then ``p_renew + v_LA * (value - 1/2)`` (what the pole
    brings it, :func:`pole_value`), times ``f_election`` in an election year; times
    ``f_out`` when no local authority is a member of the pole (it decides from afar)."""
    outside = 1.0 if authority_member else p.la_outsider
    if first_decision:
        return outside
    factor = p.election_factor if is_election_year(month, p) else 1.0
    renewal = min(max(p.la_renewal + p.la_value * (value - 0.5), 0.0), 1.0)
    return renewal * factor * outside


@rule
def maturity(institutionalisation: float, completed_projects: int) -> float:
    """``(I + min(1, completed / 10)) / 2`` in [0, 1]."""
    return 0.5 * (institutionalisation + min(1.0, completed_projects / FULL_TRACK_RECORD))


@rule
def call_win_probability(maturity: float, p: Any) -> float:
    """``p_win * (1 - m_w + m_w * maturity)`` (``p``: ``[calls]``)."""
    return p.win_probability * (1.0 - p.maturity_weight + p.maturity_weight * maturity)


@rule
def grant_monthly(p: Any) -> float:
    """A laureate's grant per month: ``grant / duration`` (``p``: ``[calls]``)."""
    return p.grant / p.duration


@rule
def expected_call_income(p: Any) -> float:
    """The call grant a pole may count on in its first year while a call is open:
    ``p_win * grant / duration * 12`` (0 when no call is open)."""
    return p.win_probability * p.grant / p.duration * 12 if p.open else 0.0


@rule
def starting_fte(p: Any) -> float:
    """The usual first post of a cell: ``initial_fte``, never above the cap (``p``:
    ``[cell]``); what the members' pledge is measured against."""
    return min(p.initial_fte, p.fte_cap)


@rule
def founding_contribution(p_poles: Any, p_cell: Any) -> float:
    """What the members pay in when their pole formalises: the share ``phi_F`` of the
    first year's cost of a cell that they pledged (wages, booked as dues): the new
    cell starts with that cash."""
    return p_poles.pledge_share * first_year_cost(p_cell)


@rule
def sized_fte(pledged: float, p: Any) -> float:
    """Staff of a new cell, sized to the funding pledged for its first year: the whole
    FTE steps that budget pays for, at most ``fte_cap`` (0 when it pays for none)."""
    steps = math.floor(pledged / (12.0 * p.cost_per_fte * p.fte_step) + 1e-9)
    return min(p.fte_cap, round(steps * p.fte_step, 9))


@rule
def first_year_cost(p: Any) -> float:
    """The first year's cost of a new cell: ``12 * starting FTE * w``."""
    return 12 * starting_fte(p) * p.cost_per_fte


@rule
def pledged_budget(monthly_dues: float, funding: Any, structural: Any, call_income: float) -> float:
    """First-year budget pledged to a pole whose members' dues are ``monthly_dues``:
    dues with their matching, the local subsidy, structural funding and the expected
    call grant (:func:`expected_call_income`)."""
    dues = 12 * monthly_dues
    return dues * (1 + funding.matching_rate) + funding.la_subsidy + structural.amount + call_income


@rule
def performance_rate(started: int, members: int, months_formal: int) -> float:
    """Joint projects a pole's members started per member and year since formalisation
    (``months_formal`` months, counted as at least a year)."""
    years = max(months_formal / 12.0, 1.0)
    return started / max(members, 1) / years


@rule
def structural_income(amount: float, performance_share: float, meets_target: bool) -> float:
    """Monthly structural funding of one formal pole (wages)."""
    base = amount / 12.0
    return base * (1.0 - performance_share) + (base * performance_share if meets_target else 0.0)


@rule
def matching_funds(dues: float, rate: float) -> float:
    """Public euros added to the dues collected: ``rate * dues``."""
    return rate * dues


@rule
def revenue_share(joint_gains: float, phi: float) -> float:
    """The cell's share of the gains members made together in the pole: ``phi * gains``."""
    return phi * joint_gains


@rule
def cell_cost(fte: float, p: Any) -> float:
    """Monthly cost of the cell: ``FTE * w`` (``p``: ``[cell]``)."""
    return fte * p.cost_per_fte


@rule
def staffing(fte: float, cash: float, members: int, p: Any) -> float:
    """New cell FTE after the staffing rule (cut below the reserve, hire above it).

    Rounding to 1e-9 keeps sums of FTE steps exact; compiled, ``round(x, 9)`` rounds
    ``x * 1e9`` to an integer, which agrees with Python's correctly rounded result for
    FTE steps (never within rounding error of a half-way point)."""
    if fte > 0 and cash < p.reserve_low * fte * p.cost_per_fte:
        return max(0.0, round(fte - p.fte_step, 9))
    after = min(p.fte_cap, round(fte + p.fte_step, 9))
    enough_members = fte < p.initial_fte or members >= p.hire_min_members
    if after > fte and enough_members and cash > p.reserve_high * after * p.cost_per_fte:
        return after
    return fte


@rule
def cell_staff(months_formal: int, fte: float, cash: float, members: int, p: Any) -> float:
    """The cell's staff after this month's budget: :func:`staffing`, except that it is
    never cut during the first ``grace_months`` (0 by default: a cell is cut in any month
    its money runs short). A cell without staff (a vegetating pole's too) hires again
    when its cash covers ``reserve_high`` months of one step: the pole is re-animated."""
    if months_formal < p.grace_months:
        return max(fte, staffing(fte, cash, members, p))
    return staffing(fte, cash, members, p)


@rule
def can_volunteer(commitment: float, free_time: float, p: Any) -> bool:
    """A member may carry the animation of a cell without staff at its own cost when its
    commitment ``alpha * H`` reaches ``volunteer_alpha`` and it has ``volunteer_fte`` of
    free time (``p``: ``[poles]``)."""
    return commitment >= p.volunteer_alpha and free_time >= p.volunteer_fte


@rule
def volunteer_in_kind(volunteer_fte: float, rho0: float) -> float:
    """A volunteer's monthly contribution in kind, valued at the opportunity cost (wages)."""
    return volunteer_fte * rho0
