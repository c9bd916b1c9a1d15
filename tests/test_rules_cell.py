"""The animation cell's money and staff (rules/cell.py; parameters ``[cell]``,
``[funding]``, ``[calls]``, ``[structural]``, ``[poles]``): worked examples, properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptce_sim.rules import cell
from ptce_sim.rules.funding import CallParams, CellParams, FundingParams, StructuralParams
from ptce_sim.rules.poles import PoleParams

# Pinned values for the staffing examples: 1 FTE to start, at most 1.5, hire beyond the
# first post with >= 10 members; w = 5 k€/FTE-month, steps of 0.5, reserves 3 and 12.
CELL = CellParams(initial_fte=1.0, hire_min_members=10, fte_cap=1.5)
FP = FundingParams()
unit = st.floats(0.0, 1.0)


# -- dues, subsidy, elections --------------------------------------------------------------
def test_monthly_dues_worked_example() -> None:
    # flat: 0.6 k€ a year -> 0.05 a month, whatever the revenue
    assert cell.monthly_dues("flat", 0.6, 0.002, 1000.0, True) == pytest.approx(0.05)
    # revenue: 0.2 % of 1200 k€ a year -> 2.4 / 12 = 0.2 a month for a market member
    assert cell.monthly_dues("revenue", 0.6, 0.002, 1200.0, True) == pytest.approx(0.2)
    # a non-market member pays half the flat rate: 0.6 / 12 / 2 = 0.025
    assert cell.monthly_dues("revenue", 0.6, 0.002, 1200.0, False) == pytest.approx(0.025)


def test_election_years_worked_example() -> None:
    # Elections every 72 months from month 62: the 12 months up to and including each.
    assert [m for m in range(0, 150) if cell.is_election_year(m, FP)] == [
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


def test_subsidy_probability_worked_example() -> None:
    # the first decision always grants
    assert cell.subsidy_probability(True, 62, FP) == 1.0
    # renewal 0.8, times 0.6 in an election year (month 62): 0.48 ; else 0.8
    assert cell.subsidy_probability(False, 62, FP) == pytest.approx(0.48)
    assert cell.subsidy_probability(False, 70, FP) == pytest.approx(0.8)


# -- calls for projects ------------------------------------------------------------------------
def test_maturity_and_call_win_probability_worked_example() -> None:
    cp = CallParams()
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
    # 130 k€ over 36 months = 3.611111 a month
    assert cell.grant_monthly(CallParams()) == pytest.approx(3.611111, abs=1e-6)
    # expected in a first year while a call is open: 0.3 * 130 / 36 * 12 = 13 k€
    assert cell.expected_call_income(CallParams(open=True)) == pytest.approx(13.0)
    assert cell.expected_call_income(CallParams(open=False)) == 0.0


# -- pledge and first year ---------------------------------------------------------------------
def test_starting_fte_and_first_year_cost() -> None:
    # min(1.4, 2.0) = 1.4 ; 12 * 1.4 * 5 = 84 k€
    assert cell.starting_fte(CellParams()) == 1.4
    assert cell.first_year_cost(CellParams()) == pytest.approx(84.0)
    # a cap below the first post: min(1.4, 1.0) = 1.0 ; 12 * 1.0 * 5 = 60
    assert cell.starting_fte(CellParams(fte_cap=1.0)) == 1.0
    assert cell.first_year_cost(CellParams(fte_cap=1.0)) == pytest.approx(60.0)


@given(initial=st.floats(0.0, 5.0), cap=st.floats(0.0, 5.0))
def test_the_parameter_groups_starting_fte_is_the_rule(initial: float, cap: float) -> None:
    """``CellParams.starting_fte`` (read by Python code) and the rule agree."""
    p = CellParams(initial_fte=initial, fte_cap=cap)
    assert p.starting_fte == cell.starting_fte(p)


def test_pledged_budget_worked_example() -> None:
    # 10 members at 0.05 a month: 12 * 0.5 = 6 k€ of dues, no matching ;
    # + 25 of local subsidy + 0 structural + 0 call = 31
    assert cell.pledged_budget(0.5, FP, StructuralParams(), 0.0) == pytest.approx(31.0)
    # matching 1 € per €, 60 structural, a 13 k€ expected grant: 12 + 25 + 60 + 13 = 110
    rich = FundingParams(matching_rate=1.0)
    got = cell.pledged_budget(0.5, rich, StructuralParams(amount=60.0), 13.0)
    assert got == pytest.approx(110.0)


# -- structural funding, matching, revenue share ------------------------------------------------
def test_performance_met_worked_example() -> None:
    # 20 projects by 10 members in a year: 2 a member-year >= 2
    assert cell.performance_met(20, 10, 12, 2.0)
    assert not cell.performance_met(19, 10, 12, 2.0)
    # a first half-year counts as a year: 20 / 10 / 1
    assert cell.performance_met(20, 10, 6, 2.0)
    # two years: 20 / 10 / 2 = 1 < 2
    assert not cell.performance_met(20, 10, 24, 2.0)
    # no members: no division by zero
    assert cell.performance_met(2, 0, 12, 2.0)


def test_structural_income_worked_example() -> None:
    # 60 k€/year, 25% on performance: 5 * 0.75 = 3.75 without, 5 with.
    assert cell.structural_income(60.0, 0.25, False) == pytest.approx(3.75)
    assert cell.structural_income(60.0, 0.25, True) == pytest.approx(5.0)
    assert cell.structural_income(0.0, 0.25, True) == 0.0


def test_matching_funds_and_revenue_share_worked_example() -> None:
    # 0.5 k€ of dues matched at 2 € per €: 1 k€ ; 2 % of 100 k€ of joint gains: 2 k€
    assert cell.matching_funds(0.5, 2.0) == pytest.approx(1.0)
    assert cell.matching_funds(0.5, 0.0) == 0.0
    assert cell.revenue_share(100.0, 0.02) == pytest.approx(2.0)


# -- cost and staff ------------------------------------------------------------------------------
def test_cell_cost_worked_example() -> None:
    # 1.5 FTE at 5 k€ = 7.5 k€ a month
    assert cell.cell_cost(1.5, CellParams()) == pytest.approx(7.5)
    assert cell.cell_cost(0.0, CellParams()) == 0.0


def test_staffing_rule() -> None:
    # 1 FTE costs 5 k€/month: below 3 months (15 k€) cut 0.5 FTE.
    assert cell.staffing(1.0, 14.0, 15, CELL) == 0.5
    assert cell.staffing(1.0, 20.0, 15, CELL) == 1.0
    # Hire to 1.5 FTE only above 12 months of the new cost (90 k€) with >= 10 members.
    assert cell.staffing(1.0, 91.0, 10, CELL) == 1.5
    assert cell.staffing(1.0, 90.0, 10, CELL) == 1.0  # strictly above
    assert cell.staffing(1.0, 91.0, 9, CELL) == 1.0
    assert cell.staffing(1.5, 1000.0, 30, CELL) == 1.5  # cap
    # The first post is re-hired without the member condition: 12 * 0.5 * 5 = 30 k€.
    assert cell.staffing(0.0, 31.0, 5, CELL) == 0.5
    # Nothing to cut at 0 FTE, even in debt.
    assert cell.staffing(0.0, -50.0, 5, CELL) == 0.0


def test_staffing_walks_down_and_up_the_grid_exactly() -> None:
    """From the default 1.4 FTE: cut to 0.9 (1.4 - 0.5 is 0.8999999999999999 in floating
    point: the rule rounds it), 0.4, 0; hire back 0.5, 1.0, 1.5, 2.0 (the cap)."""
    p = CellParams()
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


@given(c1=st.floats(-1e3, 1e4), c2=st.floats(-1e3, 1e4), fte=st.sampled_from([0.5, 1.0, 1.5]))
def test_more_cash_never_means_fewer_staff(c1: float, c2: float, fte: float) -> None:
    lo, hi = sorted((c1, c2))
    assert cell.staffing(fte, lo, 12, CELL) <= cell.staffing(fte, hi, 12, CELL)


def test_cell_staff_dormant_in_grace_and_after() -> None:
    p = CellParams()  # grace 12 months
    # not formal (vegetating): no staff
    assert cell.cell_staff(False, 40, 1.4, 1000.0, 20, p) == 0.0
    # in the first year the cell is not cut, even in debt...
    assert cell.cell_staff(True, 5, 1.4, -100.0, 20, p) == 1.4
    # ... but it may hire: 1.4 + 0.5 = 1.9 with cash > 12 * 1.9 * 5 = 114
    assert cell.cell_staff(True, 5, 1.4, 120.0, 20, p) == pytest.approx(1.9)
    # after the grace months the staffing rule applies: 1.4 - 0.5 = 0.9
    assert cell.cell_staff(True, 12, 1.4, -100.0, 20, p) == 0.9


def test_volunteers_worked_example() -> None:
    pp = PoleParams()  # volunteer_alpha 0.7, volunteer_fte 0.2
    assert cell.can_volunteer(0.7, 0.2, pp)
    assert not cell.can_volunteer(0.69, 1.0, pp)  # not committed enough
    assert not cell.can_volunteer(0.9, 0.19, pp)  # no time
    # 0.2 FTE valued at rho_0 = 5 k€: 1 k€ a month in kind
    assert cell.volunteer_in_kind(0.2, 5.0) == pytest.approx(1.0)
