"""The animation cell's money and staff (rules/cell.py; parameters ``[cell]``,
``[funding]``, ``[calls]``, ``[structural]``, ``[poles]``): worked examples, properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptce_sim.rules import cell
from ptce_sim.rules.funding import CallParams, CellParams, FundingParams, StructuralParams
from ptce_sim.rules.poles import PoleParams

# Money is counted in wages (the cost of an FTE-month). Pinned values for the staffing
# examples: 1 FTE to start, at most 1.5, hire beyond the first post with >= 10 members;
# an FTE costs 1 wage a month, steps of 0.5, reserves of 3 and 12 months.
CELL = CellParams(cost_per_fte=1.0, initial_fte=1.0, hire_min_members=10, fte_cap=1.5)
# The cell, funding and calls groups at the values the examples are computed with.
CP = CellParams(
    cost_per_fte=1.0,
    initial_fte=1.4,
    fte_cap=2.0,
    fte_step=0.5,
    grace_months=0,
    hire_min_members=20,
)
FP = FundingParams(
    la_subsidy=5.0, la_renewal=0.8, la_value=0.4, la_outsider=0.6, election_factor=0.6
)
CALLS = CallParams(grant=26.0, duration=36, win_probability=0.3, maturity_weight=0.5)
unit = st.floats(0.0, 1.0)


# -- dues, subsidy, elections --------------------------------------------------------------
def test_monthly_dues_worked_example() -> None:
    # flat: 0.6 a year -> 0.05 a month, whatever the revenue
    assert cell.monthly_dues("flat", 0.6, 0.002, 1000.0, True) == pytest.approx(0.05)
    # revenue: 0.2 % of 1200 a year -> 2.4 / 12 = 0.2 a month for a market member
    assert cell.monthly_dues("revenue", 0.6, 0.002, 1200.0, True) == pytest.approx(0.2)
    # a non-market member pays half the flat rate: 0.6 / 12 / 2 = 0.025
    assert cell.monthly_dues("revenue", 0.6, 0.002, 1200.0, False) == pytest.approx(0.025)


def test_election_years_worked_example() -> None:
    # Elections every 72 months from month 62: the 12 months up to and including each.
    fp = FundingParams(election_offset=62, election_period=72)
    assert [m for m in range(0, 150) if cell.is_election_year(m, fp)] == [
        *range(51, 63),
        *range(123, 135),
    ]
    # offset 3, period 24: months 0-3 (the first election's year began before the run),
    # then 16-27, 40-51
    p = FundingParams(election_offset=3, election_period=24)
    assert [m for m in range(0, 52) if cell.is_election_year(m, p)] == [
        *range(0, 4),
        *range(16, 28),
        *range(40, 52),
    ]


@given(offset=st.integers(0, 240), period=st.integers(12, 240), start=st.integers(0, 500))
def test_every_period_after_the_first_election_has_twelve_election_months(
    offset: int, period: int, start: int
) -> None:
    p = FundingParams(election_offset=offset, election_period=period)
    first = max(start, offset - 11)
    assert sum(cell.is_election_year(m, p) for m in range(first, first + period)) == 12


def test_pole_value_worked_example() -> None:
    # 1 joint project per member-year against a target of 2: 1/2 ; above target: 1
    assert cell.pole_value(1.0, 2.0) == 0.5
    assert cell.pole_value(3.0, 2.0) == 1.0
    assert cell.pole_value(0.0, 2.0) == 0.0
    assert cell.pole_value(0.0, 0.0) == 1.0  # no target: every pole is worth it


def test_subsidy_probability_worked_example() -> None:
    # the first decision grants when a local authority is a member ; from afar: f_out 0.6
    assert cell.subsidy_probability(True, 62, 0.0, True, FP) == 1.0
    assert cell.subsidy_probability(True, 62, 0.0, False, FP) == pytest.approx(0.6)
    # renewal p_renew + v_LA * (value - 1/2): 0.8 at value 1/2, 1.0 at 1, 0.6 at 0
    assert cell.subsidy_probability(False, 70, 0.5, True, FP) == pytest.approx(0.8)
    assert cell.subsidy_probability(False, 70, 1.0, True, FP) == pytest.approx(1.0)
    assert cell.subsidy_probability(False, 70, 0.0, True, FP) == pytest.approx(0.6)
    # times 0.6 in an election year (month 62): 0.48 ; and from afar: 0.6 * 0.6 * 0.6
    assert cell.subsidy_probability(False, 62, 0.5, True, FP) == pytest.approx(0.48)
    assert cell.subsidy_probability(False, 62, 0.0, False, FP) == pytest.approx(0.216)
    # the renewal is clipped to [0, 1]: 0.9 + 0.4 * 0.5 = 1.1 -> 1
    keen = FundingParams(la_renewal=0.9, la_value=0.4)
    assert cell.subsidy_probability(False, 70, 1.0, True, keen) == 1.0


@given(
    v1=unit,
    v2=unit,
    month=st.integers(0, 300),
    member=st.booleans(),
    renew=unit,
    lv=unit,
)
def test_subsidy_probability_is_a_probability_growing_with_the_poles_value(
    v1: float, v2: float, month: int, member: bool, renew: float, lv: float
) -> None:
    p = FundingParams(la_renewal=renew, la_value=lv)
    lo, hi = sorted((v1, v2))
    p_lo = cell.subsidy_probability(False, month, lo, member, p)
    p_hi = cell.subsidy_probability(False, month, hi, member, p)
    assert 0.0 <= p_lo <= p_hi <= 1.0
    assert cell.subsidy_probability(False, month, hi, False, p) <= (
        cell.subsidy_probability(False, month, hi, True, p)
    )


# -- calls for projects ------------------------------------------------------------------------
def test_maturity_and_call_win_probability_worked_example() -> None:
    cp = CALLS
    # maturity = (0.4 + min(1, 5/10)) / 2 = 0.45 ; p = 0.3 * (0.5 + 0.5 * 0.45) = 0.2175
    m = cell.maturity(0.4, 5)
    assert m == pytest.approx(0.45)
    assert cell.call_win_probability(m, cp) == pytest.approx(0.2175)
    # the track record counts in full from 10 completed projects: (0 + 1) / 2
    assert cell.maturity(0.0, 10) == 0.5
    assert cell.maturity(0.0, 40) == 0.5
    # a fully mature pole wins with p_win ; an immature one with p_win * (1 - m_w)
    assert cell.call_win_probability(1.0, cp) == pytest.approx(0.3)
    assert cell.call_win_probability(0.0, cp) == pytest.approx(0.15)


@given(i=unit, done=st.integers(0, 200), m1=unit, m2=unit, pw=unit, mw=unit)
def test_call_win_probability_is_a_probability_growing_with_maturity(
    i: float, done: int, m1: float, m2: float, pw: float, mw: float
) -> None:
    assert 0.0 <= cell.maturity(i, done) <= 1.0
    cp = CallParams(win_probability=pw, maturity_weight=mw)
    lo, hi = sorted((m1, m2))
    p_lo, p_hi = cell.call_win_probability(lo, cp), cell.call_win_probability(hi, cp)
    assert 0.0 <= p_lo <= p_hi <= pw + 1e-15


def test_grant_monthly_and_expected_call_income() -> None:
    # 26 wages over 36 months = 0.722222 a month
    assert cell.grant_monthly(CALLS) == pytest.approx(0.722222, abs=1e-6)
    # expected in a first year while a call is open: 0.3 * 26 / 36 * 12 = 2.6 wages
    open_call = CallParams(open=True, grant=26.0, duration=36, win_probability=0.3)
    assert cell.expected_call_income(open_call) == pytest.approx(2.6)
    assert cell.expected_call_income(CALLS) == 0.0  # no call open


# -- pledge and first year ---------------------------------------------------------------------
def test_starting_fte_and_first_year_cost() -> None:
    # min(1.4, 2.0) = 1.4 ; 12 * 1.4 * 1 = 16.8 wages
    assert cell.starting_fte(CP) == 1.4
    assert cell.first_year_cost(CP) == pytest.approx(16.8)
    # a cap below the first post: min(1.4, 1.0) = 1.0 ; 12 * 1.0 * 1 = 12
    capped = CellParams(cost_per_fte=1.0, initial_fte=1.4, fte_cap=1.0)
    assert cell.starting_fte(capped) == 1.0
    assert cell.first_year_cost(capped) == pytest.approx(12.0)


@given(initial=st.floats(0.0, 5.0), cap=st.floats(0.0, 5.0))
def test_the_parameter_groups_starting_fte_is_the_rule(initial: float, cap: float) -> None:
    """``CellParams.starting_fte`` (read by Python code) and the rule agree."""
    p = CellParams(initial_fte=initial, fte_cap=cap)
    assert p.starting_fte == cell.starting_fte(p)


def test_founding_contribution_worked_example() -> None:
    # the members pay in their pledge: 0.3 of a first year's cost 16.8 = 5.04 wages
    assert cell.founding_contribution(PoleParams(pledge_share=0.3), CP) == pytest.approx(5.04)
    assert cell.founding_contribution(PoleParams(pledge_share=0.0), CP) == 0.0
    # a cell of at most 1 FTE: 0.3 * 12 = 3.6
    capped = CellParams(cost_per_fte=1.0, initial_fte=1.4, fte_cap=1.0)
    assert cell.founding_contribution(PoleParams(pledge_share=0.3), capped) == pytest.approx(3.6)


def test_sized_fte_worked_example() -> None:
    # a step of 0.5 FTE costs 12 * 1 * 0.5 = 6 wages a year: the pledge buys whole steps
    assert cell.sized_fte(5.9, CP) == 0.0
    assert cell.sized_fte(6.0, CP) == 0.5
    assert cell.sized_fte(17.9, CP) == 1.0
    assert cell.sized_fte(18.0, CP) == 1.5
    assert cell.sized_fte(100.0, CP) == 2.0  # the cap
    # a pledge a rounding error short of a step still buys it
    assert cell.sized_fte(18.0 * (1 - 1e-12), CP) == 1.5


@given(pledged=st.floats(0.0, 500.0))
def test_sized_fte_is_whole_steps_the_pledge_pays_for(pledged: float) -> None:
    fte = cell.sized_fte(pledged, CP)
    assert 0.0 <= fte <= CP.fte_cap
    steps = fte / CP.fte_step
    assert steps == pytest.approx(round(steps), abs=1e-9)
    if fte < CP.fte_cap:
        assert 12 * fte * CP.cost_per_fte <= pledged + 1e-6
        assert 12 * (fte + CP.fte_step) * CP.cost_per_fte > pledged - 1e-6


def test_pledged_budget_worked_example() -> None:
    # 10 members at 0.05 wages a month: 12 * 0.5 = 6 wages of dues, no matching ;
    # + 5 of local subsidy + 0 structural + 0 call = 11
    none = StructuralParams(amount=0.0)
    assert cell.pledged_budget(0.5, FP, none, 0.0) == pytest.approx(11.0)
    # matching 1 wage per wage, 12 structural, a 2.6 expected grant: 12 + 5 + 12 + 2.6
    rich = FundingParams(la_subsidy=5.0, matching_rate=1.0)
    got = cell.pledged_budget(0.5, rich, StructuralParams(amount=12.0), 2.6)
    assert got == pytest.approx(31.6)


# -- structural funding, matching, revenue share ------------------------------------------------
def test_performance_rate_worked_example() -> None:
    # 20 projects by 10 members in a year: 2 a member-year
    assert cell.performance_rate(20, 10, 12) == 2.0
    # a first half-year counts as a year: 20 / 10 / 1
    assert cell.performance_rate(20, 10, 6) == 2.0
    # two years: 20 / 10 / 2 = 1
    assert cell.performance_rate(20, 10, 24) == 1.0
    # no members: no division by zero
    assert cell.performance_rate(2, 0, 12) == 2.0


def test_structural_income_worked_example() -> None:
    # 12 wages a year (one FTE), 25% on performance: 1 * 0.75 = 0.75 without, 1 with.
    assert cell.structural_income(12.0, 0.25, False) == pytest.approx(0.75)
    assert cell.structural_income(12.0, 0.25, True) == pytest.approx(1.0)
    assert cell.structural_income(0.0, 0.25, True) == 0.0


def test_matching_funds_and_revenue_share_worked_example() -> None:
    # 0.5 of dues matched at 2 per unit: 1 ; 2 % of 100 of joint gains: 2
    assert cell.matching_funds(0.5, 2.0) == pytest.approx(1.0)
    assert cell.matching_funds(0.5, 0.0) == 0.0
    assert cell.revenue_share(100.0, 0.02) == pytest.approx(2.0)


# -- cost and staff ------------------------------------------------------------------------------
def test_cell_cost_worked_example() -> None:
    # 1.5 FTE at 1 wage = 1.5 wages a month ; at 1.2 wages (a dearer cell): 1.8
    assert cell.cell_cost(1.5, CP) == pytest.approx(1.5)
    assert cell.cell_cost(1.5, CellParams(cost_per_fte=1.2)) == pytest.approx(1.8)
    assert cell.cell_cost(0.0, CP) == 0.0


def test_staffing_rule() -> None:
    # 1 FTE costs 1 wage a month: below 3 months (3 wages) cut 0.5 FTE.
    assert cell.staffing(1.0, 2.9, 15, CELL) == 0.5
    assert cell.staffing(1.0, 4.0, 15, CELL) == 1.0
    # Hire to 1.5 FTE only above 12 months of the new cost (18) with >= 10 members.
    assert cell.staffing(1.0, 18.1, 10, CELL) == 1.5
    assert cell.staffing(1.0, 18.0, 10, CELL) == 1.0  # strictly above
    assert cell.staffing(1.0, 18.1, 9, CELL) == 1.0
    assert cell.staffing(1.5, 1000.0, 30, CELL) == 1.5  # cap
    # The first post is re-hired without the member condition: 12 * 0.5 * 1 = 6 wages.
    assert cell.staffing(0.0, 6.1, 5, CELL) == 0.5
    # Nothing to cut at 0 FTE, even in debt.
    assert cell.staffing(0.0, -50.0, 5, CELL) == 0.0


def test_staffing_walks_down_and_up_the_grid_exactly() -> None:
    """From the default 1.4 FTE: cut to 0.9 (1.4 - 0.5 is 0.8999999999999999 in floating
    point: the rule rounds it), 0.4, 0; hire back 0.5, 1.0, 1.5, 2.0 (the cap)."""
    p = CP
    fte, path = p.initial_fte, []
    for cash in [-10.0] * 4 + [1000.0] * 5:
        fte = cell.staffing(fte, cash, 20, p)
        path.append(fte)
    assert path == [0.9, 0.4, 0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.0]


@given(
    cash=st.floats(-1e4, 1e4),
    fte=st.sampled_from([0.0, 0.5, 1.0, 1.5]),
    members=st.integers(0, 50),
)
def test_staffing_stays_within_zero_and_cap(cash: float, fte: float, members: int) -> None:
    new = cell.staffing(fte, cash, members, CELL)
    assert 0.0 <= new <= CELL.fte_cap
    assert abs(new - fte) <= CELL.fte_step + 1e-9


@given(c1=st.floats(-1e3, 1e3), c2=st.floats(-1e3, 1e3), fte=st.sampled_from([0.5, 1.0, 1.5]))
def test_more_cash_never_means_fewer_staff(c1: float, c2: float, fte: float) -> None:
    lo, hi = sorted((c1, c2))
    assert cell.staffing(fte, lo, 12, CELL) <= cell.staffing(fte, hi, 12, CELL)


def test_cell_staff_with_and_without_grace_months() -> None:
    # no grace (the default): a cell in debt is cut at once, 1.4 - 0.5 = 0.9
    assert cell.cell_staff(0, 1.4, -10.0, 20, CP) == 0.9
    graced = CellParams(
        cost_per_fte=1.0, initial_fte=1.4, fte_cap=2.0, grace_months=12, hire_min_members=20
    )
    # in its grace months the cell is not cut, even in debt...
    assert cell.cell_staff(5, 1.4, -10.0, 20, graced) == 1.4
    # ... but it may hire: 1.4 + 0.5 = 1.9 with cash > 12 * 1.9 * 1 = 22.8
    assert cell.cell_staff(5, 1.4, 23.0, 20, graced) == pytest.approx(1.9)
    # after the grace months the staffing rule applies
    assert cell.cell_staff(12, 1.4, -10.0, 20, graced) == 0.9
    # a cell without staff hires again when its money returns (12 * 0.5 * 1 = 6)
    assert cell.cell_staff(40, 0.0, 6.1, 3, CP) == 0.5


def test_volunteers_worked_example() -> None:
    pp = PoleParams(volunteer_alpha=0.7, volunteer_fte=0.2)
    assert cell.can_volunteer(0.7, 0.2, pp)
    assert not cell.can_volunteer(0.69, 1.0, pp)  # not committed enough
    assert not cell.can_volunteer(0.9, 0.19, pp)  # no time
    # 0.2 FTE valued at rho_0 = 1 wage: 0.2 wages a month in kind ; at rho_0 = 1.5: 0.3
    assert cell.volunteer_in_kind(0.2, 1.0) == pytest.approx(0.2)
    assert cell.volunteer_in_kind(0.2, 1.5) == pytest.approx(0.3)
