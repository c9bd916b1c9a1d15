"""Project outcomes (rules/outcomes.py, parameters ``[cooperation]``): success, gains,
realised return — worked examples and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ptce_sim.rules import outcomes
from ptce_sim.rules.cooperation import CooperationParams

# Pinned values for the worked examples (see tests/test_rules_search.py).
P = CooperationParams(
    value_commercial=2.2, cost_commercial=0.15, duration_max=12, opportunity_cost=5.0
)
unit = st.floats(0.0, 1.0)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_success_probability_worked_example() -> None:
    # x = -0.8 + 2.5 * sqrt(0.25) + 1.0 * 0.5 + 0.5 * 0 = -0.8 + 1.25 + 0.5 = 0.95
    # p = 1 / (1 + e^-0.95) = 0.721115
    assert outcomes.success_probability(0.25, 0.5, 0.0, P) == pytest.approx(logistic(0.95))
    assert outcomes.success_probability(0.25, 0.5, 0.0, P) == pytest.approx(0.721115, abs=1e-6)
    # no trust, no complementarity, no animation: logistic(-0.8) = 0.310026
    assert outcomes.success_probability(0.0, 0.0, 0.0, P) == pytest.approx(0.310026, abs=1e-6)
    # everything at 1: x = -0.8 + 2.5 + 1 + 0.5 = 3.2 -> 0.960834
    assert outcomes.success_probability(1.0, 1.0, 1.0, P) == pytest.approx(0.960834, abs=1e-6)


def test_success_probability_uses_the_square_root_of_trust() -> None:
    """Doubling trust from 0.25 to 1 adds b1 * (1 - 0.5) to the log-odds, not b1 * 0.75."""
    p1 = outcomes.success_probability(0.25, 0.0, 0.0, P)
    p2 = outcomes.success_probability(1.0, 0.0, 0.0, P)
    assert math.log(p2 / (1 - p2)) - math.log(p1 / (1 - p1)) == pytest.approx(P.success_trust * 0.5)


@st.composite
def success_params(draw: st.DrawFn) -> CooperationParams:
    return CooperationParams(
        success_intercept=draw(st.floats(-10.0, 10.0)),
        success_trust=draw(st.floats(0.0, 10.0)),
        success_complementarity=draw(st.floats(0.0, 10.0)),
        success_animation=draw(st.floats(0.0, 10.0)),
    )


@given(p=success_params(), t1=unit, t2=unit, comp=unit, a=unit)
def test_success_probability_is_a_probability_non_decreasing_in_trust(
    p: CooperationParams, t1: float, t2: float, comp: float, a: float
) -> None:
    lo, hi = sorted((t1, t2))
    p_lo = outcomes.success_probability(lo, comp, a, p)
    p_hi = outcomes.success_probability(hi, comp, a, p)
    assert 0.0 <= p_lo <= p_hi <= 1.0


@given(t=st.floats(0.0, 0.99), dt=st.floats(0.01, 1.0), comp=unit, a=unit)
def test_success_probability_is_strictly_increasing_in_trust_at_defaults(
    t: float, dt: float, comp: float, a: float
) -> None:
    t2 = min(1.0, t + dt)
    assume(t2 - t >= 0.01)
    assert outcomes.success_probability(t, comp, a, P) < outcomes.success_probability(
        t2, comp, a, P
    )


@given(t=unit, c1=unit, c2=unit, a1=unit, a2=unit)
def test_success_probability_grows_with_complementarity_and_animation(
    t: float, c1: float, c2: float, a1: float, a2: float
) -> None:
    c_lo, c_hi = sorted((c1, c2))
    a_lo, a_hi = sorted((a1, a2))
    assert outcomes.success_probability(t, c_lo, a_lo, P) <= outcomes.success_probability(
        t, c_hi, a_hi, P
    )


def test_payoff_factor_worked_example() -> None:
    # sigma 0.5: z = 0 -> exp(-0.125) = 0.882497 ; z = 1 -> exp(0.5 - 0.125) = 1.454991
    assert outcomes.payoff_factor(0.0, 0.5) == pytest.approx(0.882497, abs=1e-6)
    assert outcomes.payoff_factor(1.0, 0.5) == pytest.approx(1.454991, abs=1e-6)
    # no noise: exactly 1, whatever z
    assert outcomes.payoff_factor(3.0, 0.0) == 1.0


@pytest.mark.parametrize("sigma", [0.25, 0.5, 1.0])
def test_payoff_factor_has_mean_one(sigma: float) -> None:
    rng = np.random.default_rng(11)
    z = rng.standard_normal(200_000)
    eps = np.vectorize(outcomes.payoff_factor)(z, sigma)
    sd = math.sqrt(math.exp(sigma**2) - 1)  # of a log-normal with mean 1
    assert eps.mean() == pytest.approx(1.0, abs=4 * sd / math.sqrt(len(z)))
    assert (eps > 0).all()


def test_gain_worked_example() -> None:
    # base = v * fit * cbar * D * rho_0 = 2.2 * 0.5 * 0.15 * 6 * 5 = 4.95
    # z = 0: eps = exp(-0.5^2 / 2) = 0.882497 ; success: 4.95 * 0.882497 = 4.368360
    # failure: 0.2 * that = 0.873672
    assert outcomes.gain(2.2, 0.5, 0.15, 6, True, 0.0, P) == pytest.approx(4.368360, abs=1e-6)
    assert outcomes.gain(2.2, 0.5, 0.15, 6, False, 0.0, P) == pytest.approx(0.873672, abs=1e-6)
    # z = 1: eps = exp(0.375) = 1.454991 ; 4.95 * 1.454991 = 7.202208
    assert outcomes.gain(2.2, 0.5, 0.15, 6, True, 1.0, P) == pytest.approx(7.202208, abs=1e-6)
    # no noise: eps = 1 exactly
    quiet = CooperationParams(payoff_noise=0.0, opportunity_cost=5.0)
    assert outcomes.gain(2.2, 0.5, 0.15, 6, True, 3.0, quiet) == pytest.approx(4.95)
    # no fit, no gain
    assert outcomes.gain(2.2, 0.0, 0.15, 6, True, 1.0, P) == 0.0


@given(
    value=st.floats(0.0, 20.0),
    fit=unit,
    cbar=st.floats(0.01, 2.0),
    d=st.integers(1, 60),
    z=st.floats(-5.0, 5.0),
    f=unit,
)
def test_a_failure_gains_the_failure_share_of_a_success(
    value: float, fit: float, cbar: float, d: int, z: float, f: float
) -> None:
    p = CooperationParams(failure_share=f)
    won = outcomes.gain(value, fit, cbar, d, True, z, p)
    lost = outcomes.gain(value, fit, cbar, d, False, z, p)
    assert 0.0 <= lost <= won
    assert lost == pytest.approx(f * won, rel=1e-12, abs=1e-300)


@given(d1=st.integers(1, 60), d2=st.integers(1, 60), z=st.floats(-3.0, 3.0))
def test_gain_is_proportional_to_duration(d1: int, d2: int, z: float) -> None:
    g1 = outcomes.gain(2.2, 0.5, 0.15, d1, True, z, P)
    g2 = outcomes.gain(2.2, 0.5, 0.15, d2, True, z, P)
    assert g1 * d2 == pytest.approx(g2 * d1, rel=1e-12)


def test_realised_return_worked_example() -> None:
    # the success above: 4.368360 over 6 months at 0.1275 FTE: 4.368360 / 0.765 = 5.710274
    g = outcomes.gain(2.2, 0.5, 0.15, 6, True, 0.0, P)
    assert outcomes.realised_return(g, 0.1275, 6) == pytest.approx(5.710274, abs=1e-6)
    assert outcomes.realised_return(0.0, 0.1275, 6) == 0.0


def test_the_expected_realised_return_is_the_value_multiple_times_rho0() -> None:
    """At full fit, no animation help and success, the mean realised return is
    ``v * rho_0`` per FTE-month (eps has mean 1): what makes ``v`` a value multiple."""
    rng = np.random.default_rng(3)
    z = rng.standard_normal(100_000)
    g = np.vectorize(lambda x: outcomes.gain(2.2, 1.0, 0.15, 6, True, x, P))(z)
    r = np.vectorize(outcomes.realised_return)(g, 0.15, 6)
    sd = 2.2 * 5.0 * math.sqrt(math.exp(0.25) - 1)
    assert r.mean() == pytest.approx(2.2 * 5.0, abs=4 * sd / math.sqrt(len(z)))
