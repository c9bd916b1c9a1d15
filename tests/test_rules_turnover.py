"""The turnover rule (rules/turnover.py): worked examples, properties and frequencies.

Rule functions are scalar; arrays of draws go through ``numpy.vectorize``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptce_sim.base.errors import ConfigError
from ptce_sim.rules import turnover
from ptce_sim.rules.turnover import TurnoverParams

P = TurnoverParams()
uniform01 = st.floats(0.0, 1.0, exclude_max=True)
leaves_all = np.vectorize(turnover.leaves)
vacancy_all = np.vectorize(turnover.vacancy_months, otypes=[np.int64])
leader_all = np.vectorize(turnover.becomes_leader)


# -- worked examples -----------------------------------------------------------------------
def test_leaves_worked_example() -> None:
    # u < 0.015: [T, F, F (0.015 is not < 0.015), T]
    assert [turnover.leaves(u, 0.015) for u in (0.01, 0.5, 0.015, 0.0149)] == [
        True,
        False,
        False,
        True,
    ]


def test_leaves_with_rate_zero_or_one() -> None:
    assert not any(turnover.leaves(u, 0.0) for u in (0.0, 0.3, 0.999))  # u < 0 never holds
    assert all(turnover.leaves(u, 1.0) for u in (0.0, 0.3, 0.999))


def test_vacancy_months_worked_example() -> None:
    # lo = 1, hi = 6: 6 equal bins of width 1/6 -> 1 + floor(u * 6)
    # 0 -> 1 ; 0.49 * 6 = 2.94 -> 1 + 2 = 3 ; 0.5 * 6 = 3 -> 4 ; 0.999 * 6 = 5.994 -> 6
    assert [turnover.vacancy_months(u, 1, 6) for u in (0.0, 0.49, 0.5, 0.999)] == [1, 3, 4, 6]
    # lo = hi: always that length
    assert turnover.vacancy_months(0.0, 3, 3) == 3
    assert turnover.vacancy_months(0.7, 3, 3) == 3
    # lo = 0 is allowed: 0 + floor(0.5 * 3) = 1 ; 0 + floor(0.9 * 3) = 2
    assert turnover.vacancy_months(0.5, 0, 2) == 1
    assert turnover.vacancy_months(0.9, 0, 2) == 2
    # a drawn vacancy of 0 months is served as 1 (the newcomer arrives next month)
    assert turnover.vacancy_months(0.1, 0, 2) == 1
    assert turnover.vacancy_months(0.99, 0, 0) == 1


def test_vacancy_months_returns_an_int() -> None:
    assert isinstance(turnover.vacancy_months(0.3, 1, 6), int)


def test_handover_worked_example() -> None:
    # 0.3 + 0.4 * 0.5 = 0.5
    assert turnover.handover(0.5, P) == pytest.approx(0.5)
    assert turnover.handover(0.0, P) == pytest.approx(0.3)
    # 0.3 + 0.4 * 1 = 0.7
    assert turnover.handover(1.0, P) == pytest.approx(0.7)
    # clipped: 0.8 + 0.4 * 1 = 1.2 -> 1
    assert turnover.handover(1.0, TurnoverParams(handover=0.8)) == 1.0


def test_becomes_leader_worked_example() -> None:
    # an ESS newcomer with u = 0.1 < share 0.2 leads; u = 0.2 does not (strict)
    assert turnover.becomes_leader(0.1, 0.2, True)
    assert not turnover.becomes_leader(0.2, 0.2, True)
    # outside the ESS, never
    assert not turnover.becomes_leader(0.0, 0.2, False)
    assert not turnover.becomes_leader(0.1, 1.0, False)


def test_default_rate_is_about_17_percent_a_year() -> None:
    # 1 - (1 - 0.015)^12 = 1 - 0.8341 = 0.1659
    assert 1 - (1 - P.rate) ** 12 == pytest.approx(0.166, abs=1e-3)


def test_params_refuse_min_above_max() -> None:
    with pytest.raises(ConfigError, match="vacancy_min must not exceed vacancy_max"):
        TurnoverParams(vacancy_min=7, vacancy_max=6)
    assert TurnoverParams(vacancy_min=6, vacancy_max=6).vacancy_min == 6


# -- properties ----------------------------------------------------------------------------
@given(u=uniform01, bounds=st.tuples(st.integers(0, 24), st.integers(0, 24)).map(sorted))
def test_vacancy_months_stays_in_bounds_and_at_least_one(u: float, bounds: list[int]) -> None:
    lo, hi = bounds
    v = turnover.vacancy_months(u, lo, hi)
    assert max(lo, 1) <= v <= max(hi, 1)


@given(u1=uniform01, u2=uniform01, lo=st.integers(0, 12), width=st.integers(0, 12))
def test_vacancy_months_is_non_decreasing_in_u(u1: float, u2: float, lo: int, width: int) -> None:
    a, b = sorted((u1, u2))
    assert turnover.vacancy_months(a, lo, lo + width) <= turnover.vacancy_months(b, lo, lo + width)


@pytest.mark.parametrize(("lo", "hi"), [(1, 6), (1, 24), (3, 4), (5, 5)])
def test_vacancy_months_is_exactly_uniform_on_a_uniform_grid(lo: int, hi: int) -> None:
    n_values = hi - lo + 1
    per = 1000
    u = (np.arange(n_values * per) + 0.5) / (n_values * per)  # evenly spread in (0, 1)
    counts = np.bincount(vacancy_all(u, lo, hi) - lo, minlength=n_values)
    np.testing.assert_array_equal(counts, np.full(n_values, per))


def test_a_zero_month_vacancy_is_served_as_one_month() -> None:
    """lo = 0: the bins of 0 and 1 month both give 1 month; the others stay uniform."""
    per = 1000
    u = (np.arange(25 * per) + 0.5) / (25 * per)
    counts = np.bincount(vacancy_all(u, 0, 24), minlength=25)
    assert counts[0] == 0
    assert counts[1] == 2 * per
    np.testing.assert_array_equal(counts[2:], per)


def test_vacancy_months_is_uniform_on_random_draws() -> None:
    rng = np.random.default_rng(20240601)
    lo, hi, n = 1, 6, 60_000
    v = vacancy_all(rng.random(n), lo, hi)
    counts = np.bincount(v - lo, minlength=hi - lo + 1)
    expected = n / (hi - lo + 1)
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    # 5 degrees of freedom: P(chi2 > 20.5) = 0.001
    assert chi2 < 20.5, counts
    assert v.min() == lo
    assert v.max() == hi


@given(u=uniform01, r1=st.floats(0.0, 1.0), r2=st.floats(0.0, 1.0))
def test_leaves_is_monotone_in_rate(u: float, r1: float, r2: float) -> None:
    """Common random numbers: whoever leaves at a low rate also leaves at a higher one."""
    low, high = sorted((r1, r2))
    assert turnover.leaves(u, high) or not turnover.leaves(u, low)


@pytest.mark.parametrize("rate", [0.005, 0.015, 0.05, 0.2])
def test_exit_frequency_matches_the_rate(rate: float) -> None:
    rng = np.random.default_rng(7)
    n = 200_000
    left = leaves_all(rng.random(n), rate)
    share = left.mean()
    se = np.sqrt(rate * (1 - rate) / n)
    assert abs(share - rate) < 4 * se, (share, rate)


def test_leader_frequency_matches_the_share_in_the_ess_only() -> None:
    rng = np.random.default_rng(8)
    n, share = 100_000, 0.2
    ess = rng.random(n) < 0.5
    lead = leader_all(rng.random(n), share, ess)
    assert not lead[~ess].any()
    got = lead[ess].mean()
    se = np.sqrt(share * (1 - share) / ess.sum())
    assert abs(got - share) < 4 * se, got


@given(a=st.floats(0.0, 1.0), p_0=st.floats(0.0, 1.0), p_a=st.floats(0.0, 1.0))
def test_handover_is_a_share_and_grows_with_animation(a: float, p_0: float, p_a: float) -> None:
    p = TurnoverParams(handover=p_0, handover_animation=p_a)
    psi = turnover.handover(a, p)
    assert 0.0 <= psi <= 1.0
    assert psi >= turnover.handover(0.0, p)
    assert psi <= turnover.handover(1.0, p)


# -- what runs: the rate of the rule is the rate of a run ------------------------------------
def test_a_run_loses_persons_at_the_turnover_rate() -> None:
    """Departures per person-month in post over a run are ``turnover.rate`` (4 s.e.)."""
    from ptce_sim.world.model import TerritoryModel

    rate = 0.05
    model = TerritoryModel(seed=4, territory_n_orgs=40, run_steps=120, turnover_rate=rate)
    exposed = 0
    for _ in range(120):
        exposed += int(model.present.sum())  # in post at the start of the month
        model.step()
    departed = int(model.recorder.frame()["persons_departed"].sum())
    share = departed / exposed
    se = np.sqrt(rate * (1 - rate) / exposed)
    assert abs(share - rate) < 4 * se, (share, exposed)
