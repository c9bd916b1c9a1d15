"""The turnover rule (rules/turnover.py): worked examples and statistical properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ptce_sim.base.errors import ConfigError
from ptce_sim.rules import turnover
from ptce_sim.rules.turnover import TurnoverParams

P = TurnoverParams()
uniform01 = st.floats(0.0, 1.0, exclude_max=True)


# -- worked examples -----------------------------------------------------------------------
def test_exits_worked_example() -> None:
    present = [True, True, False, True, True]
    u = [0.01, 0.5, 0.0, 0.015, 0.0149]
    # present & (u < 0.015): [T, F, F (absent), F (0.015 is not < 0.015), T]
    np.testing.assert_array_equal(
        turnover.exits(present, u, 0.015), [True, False, False, False, True]
    )


def test_exits_with_rate_zero_or_one() -> None:
    present = np.array([True, False, True])
    u = np.array([0.0, 0.3, 0.999])
    assert not turnover.exits(present, u, 0.0).any()  # u < 0 never holds
    np.testing.assert_array_equal(turnover.exits(present, u, 1.0), present)


def test_vacancy_months_worked_example() -> None:
    # lo = 1, hi = 6: 6 equal bins of width 1/6 -> 1 + floor(u * 6)
    # 0 -> 1 ; 0.49 * 6 = 2.94 -> 1 + 2 = 3 ; 0.5 * 6 = 3 -> 4 ; 0.999 * 6 = 5.994 -> 6
    np.testing.assert_array_equal(
        turnover.vacancy_months([0.0, 0.49, 0.5, 0.999], 1, 6), [1, 3, 4, 6]
    )
    # lo = hi: always that length
    np.testing.assert_array_equal(turnover.vacancy_months([0.0, 0.7], 3, 3), [3, 3])
    # lo = 0 is allowed: 0 + floor(0.5 * 3) = 1
    assert turnover.vacancy_months(0.5, 0, 2) == 1


def test_vacancy_months_returns_integers() -> None:
    got = turnover.vacancy_months(np.array([0.1, 0.9]), 1, 6)
    assert np.issubdtype(got.dtype, np.integer)


def test_handover_worked_example() -> None:
    # 0.3 + 0.4 * 0.5 = 0.5
    assert turnover.handover(0.5, P) == pytest.approx(0.5)
    assert turnover.handover(0.0, P) == pytest.approx(0.3)
    # clipped: 0.8 + 0.4 * 1 = 1.2 -> 1
    assert turnover.handover(1.0, TurnoverParams(handover=0.8)) == pytest.approx(1.0)


def test_default_rate_is_about_17_percent_a_year() -> None:
    # 1 - (1 - 0.015)^12 = 1 - 0.8341 = 0.1659
    assert 1 - (1 - P.rate) ** 12 == pytest.approx(0.166, abs=1e-3)


def test_params_refuse_min_above_max() -> None:
    with pytest.raises(ConfigError, match="vacancy_min must not exceed vacancy_max"):
        TurnoverParams(vacancy_min=7, vacancy_max=6)
    assert TurnoverParams(vacancy_min=6, vacancy_max=6).vacancy_min == 6


# -- properties ----------------------------------------------------------------------------
@given(
    u=arrays(np.float64, st.integers(1, 50), elements=uniform01),
    bounds=st.tuples(st.integers(0, 24), st.integers(0, 24)).map(sorted),
)
def test_vacancy_months_stays_in_bounds(u: np.ndarray, bounds: list[int]) -> None:
    lo, hi = bounds
    v = turnover.vacancy_months(u, lo, hi)
    assert v.shape == u.shape
    assert np.all((v >= lo) & (v <= hi))


@given(u1=uniform01, u2=uniform01, lo=st.integers(0, 12), width=st.integers(0, 12))
def test_vacancy_months_is_non_decreasing_in_u(u1: float, u2: float, lo: int, width: int) -> None:
    a, b = sorted((u1, u2))
    assert turnover.vacancy_months(a, lo, lo + width) <= turnover.vacancy_months(b, lo, lo + width)


@pytest.mark.parametrize(("lo", "hi"), [(1, 6), (0, 24), (0, 0), (3, 4)])
def test_vacancy_months_is_exactly_uniform_on_a_uniform_grid(lo: int, hi: int) -> None:
    n_values = hi - lo + 1
    per = 1000
    u = (np.arange(n_values * per) + 0.5) / (n_values * per)  # evenly spread in (0, 1)
    counts = np.bincount(turnover.vacancy_months(u, lo, hi) - lo, minlength=n_values)
    np.testing.assert_array_equal(counts, np.full(n_values, per))


def test_vacancy_months_is_uniform_on_random_draws() -> None:
    rng = np.random.default_rng(20240601)
    lo, hi, n = 1, 6, 60_000
    v = turnover.vacancy_months(rng.random(n), lo, hi)
    counts = np.bincount(v - lo, minlength=hi - lo + 1)
    expected = n / (hi - lo + 1)
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    # 5 degrees of freedom: P(chi2 > 20.5) = 0.001
    assert chi2 < 20.5, counts
    assert v.min() == lo
    assert v.max() == hi


@given(
    present=arrays(np.bool_, 40),
    u=arrays(np.float64, 40, elements=uniform01),
    rate=st.floats(0.0, 0.2),
)
def test_exits_only_remove_present_persons(present: np.ndarray, u: np.ndarray, rate: float) -> None:
    left = turnover.exits(present, u, rate)
    assert left.dtype == np.bool_
    assert not np.any(left & ~present)
    np.testing.assert_array_equal(left, present & (u < rate))


@given(u1=uniform01, u2=uniform01)
def test_exits_are_monotone_in_rate(u1: float, u2: float) -> None:
    """Common random numbers: whoever leaves at a low rate also leaves at a higher one."""
    u = np.array([u1, u2])
    low = turnover.exits([True, True], u, 0.01)
    high = turnover.exits([True, True], u, 0.05)
    assert np.all(high[low])


@pytest.mark.parametrize("rate", [0.005, 0.015, 0.05, 0.2])
def test_exit_frequency_matches_the_rate(rate: float) -> None:
    rng = np.random.default_rng(7)
    n = 200_000
    present = rng.random(n) < 0.7
    left = turnover.exits(present, rng.random(n), rate)
    m = int(present.sum())
    share = left.sum() / m
    se = np.sqrt(rate * (1 - rate) / m)
    assert abs(share - rate) < 4 * se, (share, rate)
    assert left.sum() > 0


@given(a=st.floats(0.0, 1.0), p_0=st.floats(0.0, 1.0), p_a=st.floats(0.0, 1.0))
def test_handover_is_a_share_and_grows_with_animation(a: float, p_0: float, p_a: float) -> None:
    p = TurnoverParams(handover=p_0, handover_animation=p_a)
    psi = float(turnover.handover(a, p))
    assert 0.0 <= psi <= 1.0
    assert psi >= float(turnover.handover(0.0, p))
    assert psi <= float(turnover.handover(1.0, p))
