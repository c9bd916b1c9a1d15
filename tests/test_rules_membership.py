"""Pole membership (rules/membership.py, parameters ``[poles]``, ``[funding]``): links,
joining, dissatisfaction and leaving — worked examples and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptce_sim.rules import membership
from ptce_sim.rules.funding import FundingParams
from ptce_sim.rules.poles import PoleParams

# Pinned values for the worked examples: V_0 = 0.5 k€/month, c_P = 0.05 FTE.
P = PoleParams(
    value_premium=0.5, pole_time=0.05, trust_threshold=0.4, join_consider=0.1, leader_recruit=2.0
)
unit = st.floats(0.0, 1.0)
returns = st.floats(-50.0, 250.0)


def test_trusted_tie_needs_tied_persons_in_post_and_enough_trust() -> None:
    assert membership.trusted_tie(0.5, 1, 0.5)  # trust at the threshold is enough
    assert membership.trusted_tie(0.9, 7, 0.5)
    assert not membership.trusted_tie(0.49, 3, 0.5)
    # trust alone is not a link: the persons who worked together have left
    assert not membership.trusted_tie(0.9, 0, 0.5)


def test_consider_probability_worked_example() -> None:
    # p_consider 0.1 (pinned), r_L 2: 0.1 * (1 + 2) = 0.3 for an outsider who worked with
    # a leader
    assert membership.consider_probability(False, P) == pytest.approx(0.1)
    assert membership.consider_probability(True, P) == pytest.approx(0.3)
    no_recruiting = PoleParams(join_consider=0.1, leader_recruit=0.0)
    assert membership.consider_probability(True, no_recruiting) == pytest.approx(0.1)


@given(p_c=unit, r=st.floats(0.0, 20.0))
def test_knowing_the_leader_never_lowers_the_consider_probability(p_c: float, r: float) -> None:
    p = PoleParams(join_consider=p_c, leader_recruit=r)
    assert membership.consider_probability(False, p) <= membership.consider_probability(True, p)


def test_join_value_worked_example() -> None:
    # rho c_P + alpha H V0 - dues - c_P rho0 = 6 * 0.05 + 0.6 * 0.8 * 0.5 - 0.05 - 0.05 * 5
    #   = 0.3 + 0.24 - 0.05 - 0.25 = 0.24 > 0: it joins
    assert membership.join_value(6.0, 0.6, 0.8, 0.05, 5.0, P) == pytest.approx(0.24)
    # an interest-driven outsider (alpha 0) earning rho_0 loses the dues: -0.05
    assert membership.join_value(5.0, 0.0, 0.8, 0.05, 5.0, P) == pytest.approx(-0.05)
    # an informal pole asks no dues: 0
    assert membership.join_value(5.0, 0.0, 0.8, 0.0, 5.0, P) == pytest.approx(0.0)


@given(
    r1=returns,
    r2=returns,
    alpha=unit,
    h=unit,
    d1=st.floats(0.0, 5.0),
    d2=st.floats(0.0, 5.0),
)
def test_join_value_grows_with_return_and_falls_with_dues(
    r1: float, r2: float, alpha: float, h: float, d1: float, d2: float
) -> None:
    lo_r, hi_r = sorted((r1, r2))
    lo_d, hi_d = sorted((d1, d2))
    assert membership.join_value(lo_r, alpha, h, lo_d, 5.0, P) <= membership.join_value(
        hi_r, alpha, h, lo_d, 5.0, P
    )
    assert membership.join_value(lo_r, alpha, h, hi_d, 5.0, P) <= membership.join_value(
        lo_r, alpha, h, lo_d, 5.0, P
    )


@given(rho=returns, a1=unit, a2=unit, h1=unit, h2=unit)
def test_shared_values_make_joining_worth_more(
    rho: float, a1: float, a2: float, h1: float, h2: float
) -> None:
    lo_a, hi_a = sorted((a1, a2))
    lo_h, hi_h = sorted((h1, h2))
    assert membership.join_value(rho, lo_a, lo_h, 0.05, 5.0, P) <= membership.join_value(
        rho, hi_a, hi_h, 0.05, 5.0, P
    )


def test_tolerance_factor_worked_example() -> None:
    # V_0 / c_P = 0.5 / 0.05 = 10 k€ per FTE-month per unit of alpha * H
    assert membership.tolerance_factor(P) == pytest.approx(10.0)
    # V_0 = 0.24 wages a month, c_P = 0.17 FTE: 0.24 / 0.17 = 1.411765
    defaults = PoleParams(value_premium=0.24, pole_time=0.17)
    assert membership.tolerance_factor(defaults) == pytest.approx(1.411765, abs=1e-6)
    # no pole time: no division by zero (0.24 / 1e-9)
    no_time = PoleParams(value_premium=0.24, pole_time=0.0)
    assert membership.tolerance_factor(no_time) == pytest.approx(0.24e9)


def test_value_driven_members_tolerate_lower_returns() -> None:
    tol = membership.tolerance_factor(P)  # 10
    # alpha * H * tol = 0.8 * 1 * 10 = 8: 2 < 5 - 8 = -3 is false: content
    assert not membership.dissatisfied(2.0, 5.0, 0.8, 1.0, tol, 0.0, True)
    # 0.1 * 1 * 10 = 1: 2 < 5 - 1 = 4: dissatisfied
    assert membership.dissatisfied(2.0, 5.0, 0.1, 1.0, tol, 0.0, True)
    # at the edge (rho = a - alpha H tol) a member is content
    assert not membership.dissatisfied(4.0, 5.0, 0.1, 1.0, tol, 0.0, True)


def test_dues_weigh_on_staying_per_unit_of_pole_time() -> None:
    # c_P = 0.05 FTE: 0.1 wages of dues a month eat a return of 2 per FTE-month
    assert membership.dues_burden(0.1, P) == pytest.approx(2.0)
    assert membership.dues_burden(0.0, P) == 0.0
    tol = membership.tolerance_factor(P)  # 10
    # content without dues (4 >= 5 - 1), dissatisfied once the dues eat 2 (2 < 4)
    assert not membership.dissatisfied(4.0, 5.0, 0.1, 1.0, tol, 0.0, True)
    assert membership.dissatisfied(4.0, 5.0, 0.1, 1.0, tol, membership.dues_burden(0.1, P), True)


def test_a_detached_member_is_dissatisfied_whatever_its_return() -> None:
    """No trusted tie left to another member: the persons who carried the membership have
    gone, so even a member with a high return and strong values counts as dissatisfied."""
    tol = membership.tolerance_factor(P)
    assert not membership.dissatisfied(9.0, 1.0, 0.9, 1.0, tol, 0.0, True)
    assert membership.dissatisfied(9.0, 1.0, 0.9, 1.0, tol, 0.0, False)


@given(r1=returns, r2=returns, a=returns, alpha=unit, h=unit)
def test_a_better_return_never_makes_a_member_dissatisfied(
    r1: float, r2: float, a: float, alpha: float, h: float
) -> None:
    lo, hi = sorted((r1, r2))
    if membership.dissatisfied(hi, a, alpha, h, 10.0, 0.0, True):
        assert membership.dissatisfied(lo, a, alpha, h, 10.0, 0.0, True)


@given(rho=returns, a=returns, a1=unit, a2=unit, h=unit)
def test_stronger_values_never_make_a_member_dissatisfied(
    rho: float, a: float, a1: float, a2: float, h: float
) -> None:
    lo, hi = sorted((a1, a2))
    if membership.dissatisfied(rho, a, hi, h, 10.0, 0.0, True):
        assert membership.dissatisfied(rho, a, lo, h, 10.0, 0.0, True)


def test_patience_exhausted_when_the_spell_reaches_it() -> None:
    assert not membership.patience_exhausted(2, 3)
    assert membership.patience_exhausted(3, 3)
    assert membership.patience_exhausted(4, 3)


def test_excluded_for_dues_only_with_the_exclusion_policy() -> None:
    off = FundingParams()
    assert not off.dues_exclusion
    assert not membership.excluded_for_dues(100, off)
    on = FundingParams(dues_exclusion=True, exclusion_months=3)
    assert not membership.excluded_for_dues(2, on)
    assert membership.excluded_for_dues(3, on)
    assert membership.excluded_for_dues(4, on)
