"""The cooperation rule (rules/cooperation.py): worked examples and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ptce_sim.base.domain import OrgKind, ProjectKind
from ptce_sim.base.errors import ConfigError
from ptce_sim.rules import cooperation as coop
from ptce_sim.rules.cooperation import KIND_PROPENSITY, CooperationParams

# Worked examples are computed by hand with these values, pinned so that recalibrating
# the defaults does not change what the examples check.
P = CooperationParams(
    search_rate=0.12,
    search_rate_animation=0.3,
    threshold=0.35,
    pole_weight=3.0,
    value_commercial=2.2,
    cost_commercial=0.15,
    duration_max=12,
)
unit = st.floats(0.0, 1.0)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# -- worked examples -----------------------------------------------------------------------
def test_search_probability_worked_example() -> None:
    # 0.12 + 0.3 * 0.5 + 0.2 * 1 = 0.47
    assert coop.search_probability(0.5, 1.0, P) == pytest.approx(0.47)
    # 0.12 + 0 + 0 = 0.12
    assert coop.search_probability(0.0, 0.0, P) == pytest.approx(0.12)
    # clipped: 0.9 + 0.3 + 0.2 = 1.4 -> 1
    assert coop.search_probability(1.0, 1.0, CooperationParams(search_rate=0.9)) == 1.0


def test_value_homophily_worked_example() -> None:
    v = np.array([[0.8, 0.6, 0.7], [0.3, 0.35, 0.5], [0.8, 0.6, 0.7]])
    h = coop.value_homophily(v)
    # |0.8-0.3| + |0.6-0.35| + |0.7-0.5| = 0.5 + 0.25 + 0.2 = 0.95 ; 1 - 0.95 / 3 = 0.683333
    assert h[0, 1] == pytest.approx(1 - 0.95 / 3)
    assert h[0, 1] == pytest.approx(0.683333, abs=1e-6)
    assert h[0, 2] == pytest.approx(1.0)  # same values
    np.testing.assert_allclose(np.diag(h), 1.0)
    np.testing.assert_allclose(h, h.T)
    # opposite corners of the value cube: 1 - 3 / 3 = 0
    assert coop.value_homophily([[0, 0, 0], [1, 1, 1]])[0, 1] == pytest.approx(0.0)


def test_complementarity_and_similarity_worked_example() -> None:
    # i has competences {0, 1, 2}, j has {2, 3}
    c = np.array([[1, 1, 1, 0], [0, 0, 1, 1]])
    comp = coop.complementarity(c)
    sim = coop.similarity(c)
    # what j brings to i: {3} out of j's 2 -> 1/2 ; what i brings to j: {0, 1} of 3 -> 2/3
    assert comp[0, 1] == pytest.approx(0.5)
    assert comp[1, 0] == pytest.approx(2 / 3)
    np.testing.assert_allclose(np.diag(comp), 0.0)  # nothing new from oneself
    # Jaccard: |{2}| / |{0, 1, 2, 3}| = 1/4
    assert sim[0, 1] == pytest.approx(0.25)
    assert sim[1, 0] == pytest.approx(0.25)
    np.testing.assert_allclose(np.diag(sim), 1.0)


def test_kind_fit_picks_complementarity_similarity_or_their_mean() -> None:
    comp, sim = 0.6, 0.2
    kinds = [ProjectKind.COMMERCIAL, ProjectKind.POOLING, ProjectKind.STRATEGIC, ProjectKind.RND]
    # commercial: comp 0.6 ; pooling: sim 0.2 ; strategic: (0.6 + 0.2) / 2 = 0.4 ; R&D: 0.6
    np.testing.assert_allclose(coop.kind_fit(kinds, comp, sim), [0.6, 0.2, 0.4, 0.6])


def test_expected_return_worked_example() -> None:
    # fit 0.5, rho 5, cbar 0.15, A 0.5: c = 0.15 * (1 - 0.3 * 0.5) = 0.1275, rho_0 5
    # B = 0.5 * 5 * 0.15 = 0.375 ; R = 0.375 / (0.375 + 0.1275 * 5) = 0.375 / 1.0125 = 0.370370
    got = coop.expected_return(0.5, 5.0, 0.15, 0.1275, 5.0)
    assert got == pytest.approx(0.375 / 1.0125)
    assert got == pytest.approx(0.370370, abs=1e-6)
    # return equal to the opportunity cost and full fit, no help: B = c * rho_0 -> R = 1/2
    assert coop.expected_return(1.0, 5.0, 0.1, 0.1, 5.0) == pytest.approx(0.5)


def test_expected_return_is_zero_without_benefit_or_cost() -> None:
    assert coop.expected_return(0.0, 5.0, 0.15, 0.15, 5.0) == 0.0
    assert coop.expected_return(0.0, 5.0, 0.15, 0.0, 5.0) == 0.0  # 0 / 0 -> 0, no warning


def test_score_worked_example() -> None:
    # Q = 0.25 * 0.8 + 0.75 * 0.4 = 0.2 + 0.3 = 0.5 ; S = 0.36^0.5 * 0.5^0.5 = 0.6 * 0.707107
    assert coop.score(0.36, 0.8, 0.4, 0.25, 0.5) == pytest.approx(0.6 * math.sqrt(0.5))
    assert coop.score(0.36, 0.8, 0.4, 0.25, 0.5) == pytest.approx(0.424264, abs=1e-6)
    # gamma = 1: trust only ; gamma = 0: Q only
    assert coop.score(0.36, 0.8, 0.4, 0.25, 1.0) == pytest.approx(0.36)
    assert coop.score(0.36, 0.8, 0.4, 0.25, 0.0) == pytest.approx(0.5)
    # alpha = 1: values only -> S = sqrt(0.36 * 0.8) = 0.536656
    assert coop.score(0.36, 0.8, 0.4, 1.0, 0.5) == pytest.approx(math.sqrt(0.36 * 0.8))


def test_score_broadcasts_alpha_per_row() -> None:
    t = np.full((2, 2), 0.25)
    h = np.array([[1.0, 0.0], [1.0, 0.0]])
    r = np.array([[0.0, 1.0], [0.0, 1.0]])
    alpha = np.array([[1.0], [0.0]])  # row 0 cares for values, row 1 for interest
    s = coop.score(t, h, r, alpha, 0.5)
    # sqrt(0.25 * Q): Q = [[1, 0], [0, 1]] -> [[0.5, 0], [0, 0.5]]
    np.testing.assert_allclose(s, [[0.5, 0.0], [0.0, 0.5]])


def test_success_probability_worked_example() -> None:
    # x = -0.8 + 2.5 * sqrt(0.25) + 1.0 * 0.5 + 0.5 * 0 = -0.8 + 1.25 + 0.5 = 0.95
    # p = 1 / (1 + e^-0.95) = 0.721115
    assert coop.success_probability(0.25, 0.5, 0.0, P) == pytest.approx(logistic(0.95))
    assert coop.success_probability(0.25, 0.5, 0.0, P) == pytest.approx(0.721115, abs=1e-6)
    # no trust, no complementarity, no animation: logistic(-0.8) = 0.310026
    assert coop.success_probability(0.0, 0.0, 0.0, P) == pytest.approx(0.310026, abs=1e-6)
    # full animation: x = -0.8 + 2.5 + 1 + 0.5 = 3.2
    assert coop.success_probability(1.0, 1.0, 1.0, P) == pytest.approx(logistic(3.2))


def test_gains_worked_example() -> None:
    # base = v * fit * cbar * D * rho_0 = 2.2 * 0.5 * 0.15 * 6 * 5 = 4.95
    # noise z = 0: eps = exp(0.5 * 0 - 0.5^2 / 2) = exp(-0.125) = 0.882497
    # success: 4.95 * 0.882497 = 4.368360 ; failure: 0.2 * that = 0.873672
    g = coop.gains(2.2, 0.5, 0.15, 6, [True, False], 0.0, P)
    np.testing.assert_allclose(g, [4.95 * math.exp(-0.125), 0.2 * 4.95 * math.exp(-0.125)])
    assert g[0] == pytest.approx(4.368360, abs=1e-6)
    # z = 1: eps = exp(0.5 - 0.125) = exp(0.375) = 1.454991 ; 4.95 * 1.454991 = 7.202208
    assert coop.gains(2.2, 0.5, 0.15, 6, True, 1.0, P) == pytest.approx(7.202208, abs=1e-6)
    # no noise: eps = 1 exactly
    assert coop.gains(2.2, 0.5, 0.15, 6, True, 3.0, CooperationParams(payoff_noise=0.0)) == (
        pytest.approx(4.95)
    )


def test_gain_noise_has_mean_one() -> None:
    rng = np.random.default_rng(11)
    z = rng.standard_normal(200_000)
    g = coop.gains(1.0, 1.0, 1.0, 1.0, True, z, CooperationParams(opportunity_cost=1.0))
    # E[exp(sigma z - sigma^2/2)] = 1 ; sd = sqrt(e^0.25 - 1) = 0.533
    assert g.mean() == pytest.approx(1.0, abs=4 * 0.533 / math.sqrt(len(z)))


def test_learn_and_aspire_worked_examples() -> None:
    # rho: (1 - 0.2) * 5 + 0.2 * 10 = 4 + 2 = 6
    assert coop.learn(5.0, 10.0, 0.2) == pytest.approx(6.0)
    # a: (1 - 0.05) * 4 + 0.05 * 6 = 3.8 + 0.3 = 4.1
    assert coop.aspire(4.0, 6.0, 0.05) == pytest.approx(4.1)
    np.testing.assert_allclose(coop.learn([1.0, 2.0], [3.0, 2.0], 1.0), [3.0, 2.0])


def test_gumbel_top_k_without_noise_is_the_top_k_best_first() -> None:
    logw = np.log([1.0, 2.0, 3.0, 0.5])
    np.testing.assert_array_equal(coop.gumbel_top_k(logw, np.zeros(4), 2), [2, 1])
    np.testing.assert_array_equal(coop.gumbel_top_k(logw, np.zeros(4), 4), [2, 1, 0, 3])
    # k larger than the number of items: all of them
    np.testing.assert_array_equal(coop.gumbel_top_k(logw, np.zeros(4), 9), [2, 1, 0, 3])
    # noise reorders: keys = [0, 0.69, 1.10, -0.69] + [5, 0, 0, 0] -> 0 first
    np.testing.assert_array_equal(coop.gumbel_top_k(logw, [5.0, 0, 0, 0], 2), [0, 2])


def test_gumbel_top_k_never_picks_impossible_items_when_enough_are_possible() -> None:
    rng = np.random.default_rng(3)
    logw = np.array([0.0, -np.inf, 0.0, -np.inf, 0.0])
    rows = np.broadcast_to(logw, (2000, 5))
    picked = coop.gumbel_top_k(rows, rng.gumbel(size=(2000, 5)), 3)
    assert set(np.unique(picked)) == {0, 2, 4}


def test_params_cost_and_value_vectors_follow_project_kind_order() -> None:
    costs, values = P.costs(), P.values()
    assert costs[ProjectKind.COMMERCIAL] == P.cost_commercial
    assert costs[ProjectKind.POOLING] == P.cost_pooling
    assert costs[ProjectKind.STRATEGIC] == P.cost_strategic
    assert costs[ProjectKind.RND] == P.cost_rnd
    assert values[ProjectKind.RND] == P.value_rnd
    assert values[ProjectKind.POOLING] == P.value_pooling


def test_kind_propensities_are_distributions_over_project_kinds() -> None:
    assert KIND_PROPENSITY.shape == (len(OrgKind), len(ProjectKind))
    assert np.all(KIND_PROPENSITY >= 0)
    np.testing.assert_allclose(KIND_PROPENSITY.sum(axis=1), 1.0)


def test_params_refuse_min_duration_above_max() -> None:
    with pytest.raises(ConfigError, match="duration_min must not exceed duration_max"):
        CooperationParams(duration_min=12, duration_max=11)


# -- properties ----------------------------------------------------------------------------
@given(t1=unit, t2=unit, h=unit, r=unit, alpha=unit, gamma=unit)
def test_score_is_non_decreasing_in_trust(
    t1: float, t2: float, h: float, r: float, alpha: float, gamma: float
) -> None:
    lo, hi = sorted((t1, t2))
    assert coop.score(lo, h, r, alpha, gamma) <= coop.score(hi, h, r, alpha, gamma)


@given(t=unit, h1=unit, h2=unit, r=unit, alpha=unit, gamma=unit)
def test_score_is_non_decreasing_in_homophily(
    t: float, h1: float, h2: float, r: float, alpha: float, gamma: float
) -> None:
    lo, hi = sorted((h1, h2))
    assert coop.score(t, lo, r, alpha, gamma) <= coop.score(t, hi, r, alpha, gamma)


@given(t=unit, h=unit, r1=unit, r2=unit, alpha=unit, gamma=unit)
def test_score_is_non_decreasing_in_return(
    t: float, h: float, r1: float, r2: float, alpha: float, gamma: float
) -> None:
    lo, hi = sorted((r1, r2))
    assert coop.score(t, h, lo, alpha, gamma) <= coop.score(t, h, hi, alpha, gamma)


@given(t=unit, h=unit, r=unit, alpha=unit, gamma=unit)
def test_score_is_in_the_unit_interval(
    t: float, h: float, r: float, alpha: float, gamma: float
) -> None:
    assert 0.0 <= coop.score(t, h, r, alpha, gamma) <= 1.0


@given(
    t=st.floats(0.0, 0.99),
    dt=st.floats(0.01, 1.0),
    h=st.floats(0.1, 1.0),
    r=st.floats(0.1, 1.0),
    alpha=unit,
    gamma=st.floats(0.05, 1.0),
)
def test_score_is_strictly_increasing_in_trust_when_trust_counts(
    t: float, dt: float, h: float, r: float, alpha: float, gamma: float
) -> None:
    t2 = min(1.0, t + dt)
    assume(t2 - t >= 0.01)
    assert coop.score(t, h, r, alpha, gamma) < coop.score(t2, h, r, alpha, gamma)


@given(
    t=st.floats(0.05, 1.0),
    h=st.floats(0.0, 0.99),
    dh=st.floats(0.01, 1.0),
    r=unit,
    alpha=st.floats(0.05, 1.0),
    gamma=st.floats(0.0, 0.95),
)
def test_score_is_strictly_increasing_in_homophily_when_values_count(
    t: float, h: float, dh: float, r: float, alpha: float, gamma: float
) -> None:
    h2 = min(1.0, h + dh)
    assume(h2 - h >= 0.01)
    assert coop.score(t, h, r, alpha, gamma) < coop.score(t, h2, r, alpha, gamma)


@given(
    t=st.floats(0.05, 1.0),
    h=unit,
    r=st.floats(0.0, 0.99),
    dr=st.floats(0.01, 1.0),
    alpha=st.floats(0.0, 0.95),
    gamma=st.floats(0.0, 0.95),
)
def test_score_is_strictly_increasing_in_return_when_interest_counts(
    t: float, h: float, r: float, dr: float, alpha: float, gamma: float
) -> None:
    r2 = min(1.0, r + dr)
    assume(r2 - r >= 0.01)
    assert coop.score(t, h, r, alpha, gamma) < coop.score(t, h, r2, alpha, gamma)


def test_score_ignores_what_its_weights_switch_off() -> None:
    # gamma = 0: trust does not matter ; alpha = 1: return does not matter ; alpha = 0: values
    assert coop.score(0.1, 0.5, 0.5, 0.5, 0.0) == coop.score(0.9, 0.5, 0.5, 0.5, 0.0)
    assert coop.score(0.5, 0.5, 0.1, 1.0, 0.5) == coop.score(0.5, 0.5, 0.9, 1.0, 0.5)
    assert coop.score(0.5, 0.1, 0.5, 0.0, 0.5) == coop.score(0.5, 0.9, 0.5, 0.0, 0.5)


# Inputs of expected_return within the declared bounds: fit in [0, 1]; perceived return up
# to 5 x rho_0 <= 250 k€; cbar in [0.01, 2] FTE, reduced by at most chi_A = 0.9; rho_0 in
# [0.1, 50].
fits = unit
perceived = st.floats(0.0, 250.0)
cbars = st.floats(0.01, 2.0)
savings = st.floats(0.0, 0.9)
rho0s = st.floats(0.1, 50.0)


@given(fit=fits, rho=perceived, cbar=cbars, saving=savings, rho0=rho0s)
def test_expected_return_is_in_zero_one(
    fit: float, rho: float, cbar: float, saving: float, rho0: float
) -> None:
    r = float(coop.expected_return(fit, rho, cbar, cbar * (1 - saving), rho0))
    assert 0.0 <= r < 1.0


@given(f1=fits, f2=fits, rho=perceived, cbar=cbars, saving=savings, rho0=rho0s)
def test_expected_return_is_non_decreasing_in_fit(
    f1: float, f2: float, rho: float, cbar: float, saving: float, rho0: float
) -> None:
    lo, hi = sorted((f1, f2))
    c = cbar * (1 - saving)
    assert coop.expected_return(lo, rho, cbar, c, rho0) <= coop.expected_return(
        hi, rho, cbar, c, rho0
    )


@given(fit=fits, r1=perceived, r2=perceived, cbar=cbars, saving=savings, rho0=rho0s)
def test_expected_return_is_non_decreasing_in_perceived_return(
    fit: float, r1: float, r2: float, cbar: float, saving: float, rho0: float
) -> None:
    lo, hi = sorted((r1, r2))
    c = cbar * (1 - saving)
    assert coop.expected_return(fit, lo, cbar, c, rho0) <= coop.expected_return(
        fit, hi, cbar, c, rho0
    )


@given(fit=fits, rho=perceived, cbar=cbars, s1=savings, s2=savings, rho0=rho0s)
def test_expected_return_is_non_increasing_in_cost(
    fit: float, rho: float, cbar: float, s1: float, s2: float, rho0: float
) -> None:
    cheap, dear = cbar * (1 - max(s1, s2)), cbar * (1 - min(s1, s2))
    assert coop.expected_return(fit, rho, cbar, cheap, rho0) >= coop.expected_return(
        fit, rho, cbar, dear, rho0
    )


# Strict monotonicity, where the benefit and the cost are both bounded away from 0 and the
# return is not numerically saturated at 1.
@given(
    f=st.floats(0.01, 0.99),
    df=st.floats(0.01, 1.0),
    rho=st.floats(0.5, 50.0),
    cbar=st.floats(0.05, 2.0),
    rho0=st.floats(0.5, 50.0),
)
def test_expected_return_is_strictly_increasing_in_fit(
    f: float, df: float, rho: float, cbar: float, rho0: float
) -> None:
    f2 = min(1.0, f + df)
    assume(f2 - f >= 0.01)
    assert coop.expected_return(f, rho, cbar, cbar, rho0) < coop.expected_return(
        f2, rho, cbar, cbar, rho0
    )


@given(
    f=st.floats(0.01, 1.0),
    rho=st.floats(0.5, 49.0),
    drho=st.floats(0.5, 50.0),
    cbar=st.floats(0.05, 2.0),
    rho0=st.floats(0.5, 50.0),
)
def test_expected_return_is_strictly_increasing_in_perceived_return(
    f: float, rho: float, drho: float, cbar: float, rho0: float
) -> None:
    assert coop.expected_return(f, rho, cbar, cbar, rho0) < coop.expected_return(
        f, rho + drho, cbar, cbar, rho0
    )


@given(
    f=st.floats(0.01, 1.0),
    rho=st.floats(0.5, 50.0),
    cbar=st.floats(0.05, 2.0),
    s=st.floats(0.0, 0.8),
    ds=st.floats(0.01, 0.9),
    rho0=st.floats(0.5, 50.0),
)
def test_expected_return_is_strictly_decreasing_in_cost(
    f: float, rho: float, cbar: float, s: float, ds: float, rho0: float
) -> None:
    s2 = min(0.9, s + ds)
    assume(s2 - s >= 0.01)
    dear, cheap = cbar * (1 - s), cbar * (1 - s2)
    assert coop.expected_return(f, rho, cbar, cheap, rho0) > coop.expected_return(
        f, rho, cbar, dear, rho0
    )


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
    p_lo = float(coop.success_probability(lo, comp, a, p))
    p_hi = float(coop.success_probability(hi, comp, a, p))
    assert 0.0 <= p_lo <= p_hi <= 1.0


@given(t=st.floats(0.0, 0.99), dt=st.floats(0.01, 1.0), comp=unit, a=unit)
def test_success_probability_is_strictly_increasing_in_trust_at_defaults(
    t: float, dt: float, comp: float, a: float
) -> None:
    t2 = min(1.0, t + dt)
    assume(t2 - t >= 0.01)
    assert coop.success_probability(t, comp, a, P) < coop.success_probability(t2, comp, a, P)


@given(t=unit, c1=unit, c2=unit, a1=unit, a2=unit)
def test_success_probability_grows_with_complementarity_and_animation(
    t: float, c1: float, c2: float, a1: float, a2: float
) -> None:
    c_lo, c_hi = sorted((c1, c2))
    a_lo, a_hi = sorted((a1, a2))
    assert coop.success_probability(t, c_lo, a_lo, P) <= coop.success_probability(t, c_hi, a_hi, P)


@given(a=unit, e=st.sampled_from([0.0, 1.0]), p0=unit, pa=unit, pe=unit)
def test_search_probability_is_a_probability(
    a: float, e: float, p0: float, pa: float, pe: float
) -> None:
    p = CooperationParams(search_rate=p0, search_rate_animation=pa, search_rate_catalyst=pe)
    lam = float(coop.search_probability(a, e, p))
    assert 0.0 <= lam <= 1.0
    assert lam >= min(1.0, p0) - 1e-12


@given(values=arrays(np.float64, st.tuples(st.integers(1, 8), st.just(3)), elements=unit))
def test_value_homophily_is_a_symmetric_similarity(values: np.ndarray) -> None:
    h = coop.value_homophily(values)
    assert h.shape == (len(values), len(values))
    assert np.all((h >= -1e-12) & (h <= 1.0 + 1e-12))
    np.testing.assert_allclose(h, h.T)
    np.testing.assert_allclose(np.diag(h), 1.0)


@given(
    c=arrays(np.int64, st.tuples(st.integers(1, 8), st.integers(1, 12)), elements=st.integers(0, 1))
)
def test_complementarity_and_similarity_are_shares(c: np.ndarray) -> None:
    comp, sim = coop.complementarity(c), coop.similarity(c)
    assert np.all((comp >= 0) & (comp <= 1))
    assert np.all((sim >= 0) & (sim <= 1))
    np.testing.assert_allclose(sim, sim.T)


@given(
    logw=arrays(
        np.float64,
        st.tuples(st.integers(1, 5), st.integers(1, 12)),
        elements=st.floats(-30, 30),
    ),
    data=st.data(),
    k=st.integers(1, 15),
)
def test_gumbel_top_k_returns_distinct_best_keys(
    logw: np.ndarray, data: st.DataObject, k: int
) -> None:
    noise = data.draw(arrays(np.float64, logw.shape, elements=st.floats(-5, 20)))
    idx = coop.gumbel_top_k(logw, noise, k)
    rows, n = logw.shape
    assert idx.shape == (rows, min(k, n))
    keys = logw + noise
    for row in range(rows):
        chosen = idx[row]
        assert len(set(chosen.tolist())) == len(chosen)  # distinct
        assert np.all((chosen >= 0) & (chosen < n))
        picked = keys[row, chosen]
        assert np.all(np.diff(picked) <= 0)  # best first
        rest = np.delete(keys[row], chosen)
        if rest.size:
            assert picked.min() >= rest.max()  # the k largest keys


def _chi2(counts: np.ndarray, probs: np.ndarray) -> float:
    expected = probs * counts.sum()
    return float(((counts - expected) ** 2 / expected).sum())


def test_gumbel_top_1_samples_proportionally_to_weights() -> None:
    rng = np.random.default_rng(12345)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    draws = 40_000
    logw = np.broadcast_to(np.log(w), (draws, 4))
    first = coop.gumbel_top_k(logw, rng.gumbel(size=(draws, 4)), 1)[:, 0]
    counts = np.bincount(first, minlength=4)
    # 3 degrees of freedom: P(chi2 > 16.27) = 0.001
    assert _chi2(counts, w / w.sum()) < 16.27, counts


def test_gumbel_top_2_samples_sequentially_without_replacement() -> None:
    """P(first i, then j) = w_i / W * w_j / (W - w_i), e.g. (3, 2): 4/10 * 3/6 = 0.2."""
    rng = np.random.default_rng(54321)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    n, draws = len(w), 60_000
    logw = np.broadcast_to(np.log(w), (draws, n))
    pairs = coop.gumbel_top_k(logw, rng.gumbel(size=(draws, n)), 2)
    assert np.all(pairs[:, 0] != pairs[:, 1])
    counts = np.zeros((n, n))
    np.add.at(counts, (pairs[:, 0], pairs[:, 1]), 1)
    total = w.sum()
    probs = np.array(
        [
            [0.0 if i == j else w[i] / total * w[j] / (total - w[i]) for j in range(n)]
            for i in range(n)
        ]
    )
    assert probs[3, 2] == pytest.approx(0.2)
    off = ~np.eye(n, dtype=bool)
    assert counts[~off].sum() == 0
    # 12 ordered pairs, 11 degrees of freedom: P(chi2 > 31.26) = 0.001
    assert _chi2(counts[off], probs[off]) < 31.26, counts


def test_kind_propensity_worked_example() -> None:
    # ASSO row (0.35, 0.35, 0.25, 0.05); tilt 2 at A = 0.5 multiplies pooling by 2:
    # (0.35, 0.70, 0.25, 0.05) / 1.35.
    rows = coop.kind_propensity([OrgKind.ASSO, OrgKind.ASSO], [0.0, 0.5], tilt=2.0)
    np.testing.assert_allclose(rows[0], KIND_PROPENSITY[OrgKind.ASSO])
    np.testing.assert_allclose(rows[1], np.array([0.35, 0.70, 0.25, 0.05]) / 1.35)


@given(
    kinds=arrays(np.int64, 6, elements=st.integers(0, len(OrgKind) - 1)),
    animation=arrays(np.float64, 6, elements=st.floats(0, 1)),
    tilt=st.floats(0, 50),
)
def test_kind_propensity_rows_are_distributions_and_pooling_rises_with_tilt(
    kinds: np.ndarray, animation: np.ndarray, tilt: float
) -> None:
    rows = coop.kind_propensity(kinds, animation, tilt)
    np.testing.assert_allclose(rows.sum(axis=1), 1.0)
    assert (rows >= 0).all()
    base = KIND_PROPENSITY[kinds]
    pooling = int(ProjectKind.POOLING)
    assert (rows[:, pooling] >= base[:, pooling] - 1e-12).all()
