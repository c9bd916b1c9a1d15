"""Partner search and project proposals (rules/search.py, parameters ``[cooperation]``):
worked examples, properties and sampling frequencies.

Rule functions are scalar; arrays of draws go through ``numpy.vectorize``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from types import FrameType

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ptce_sim.base.domain import OrgKind, ProjectKind
from ptce_sim.base.errors import ConfigError
from ptce_sim.rules import search
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
    sector_affinity=0.5,
    leader_assignment=3.0,
)
unit = st.floats(0.0, 1.0)
uniform01 = st.floats(0.0, 1.0, exclude_max=True)
COMMERCIAL, POOLING, STRATEGIC, RND = (int(k) for k in ProjectKind)


def _chi2(counts: np.ndarray, probs: np.ndarray) -> float:
    expected = probs * counts.sum()
    return float(((counts - expected) ** 2 / expected).sum())


# -- who searches ----------------------------------------------------------------------------
def test_search_probability_worked_example() -> None:
    # 0.12 + 0.3 * 0.5 + 0.2 * 1 = 0.47
    assert search.search_probability(0.5, 1.0, P) == pytest.approx(0.47)
    # 0.12 + 0 + 0 = 0.12
    assert search.search_probability(0.0, 0.0, P) == pytest.approx(0.12)
    # clipped: 0.9 + 0.3 + 0.2 = 1.4 -> 1
    assert search.search_probability(1.0, 1.0, CooperationParams(search_rate=0.9)) == 1.0


@given(a=unit, e=st.sampled_from([0.0, 1.0]), p0=unit, pa=unit, pe=unit)
def test_search_probability_is_a_probability_that_grows_with_animation(
    a: float, e: float, p0: float, pa: float, pe: float
) -> None:
    p = CooperationParams(search_rate=p0, search_rate_animation=pa, search_rate_catalyst=pe)
    lam = search.search_probability(a, e, p)
    assert 0.0 <= lam <= 1.0
    assert lam >= min(1.0, p0) - 1e-12
    assert search.search_probability(0.0, e, p) <= lam <= search.search_probability(1.0, e, p)


# -- project kind and cost ---------------------------------------------------------------------
ASSO = KIND_PROPENSITY[OrgKind.ASSO]  # (0.35, 0.35, 0.25, 0.05)


def test_project_kind_worked_example() -> None:
    # No animation: running sums 0.35, 0.70, 0.95, 1 -> kind = sums strictly below u.
    assert [search.project_kind(u, ASSO, 2.0, 0.0) for u in (0.1, 0.36, 0.71, 0.96)] == [
        COMMERCIAL,
        POOLING,
        STRATEGIC,
        RND,
    ]
    # Tilt 2 at A = 0.5 doubles pooling: (0.35, 0.70, 0.25, 0.05) / 1.35,
    # running sums 0.259259, 0.777778, 0.962963, 1.
    assert search.project_kind(0.25, ASSO, 2.0, 0.5) == COMMERCIAL
    assert search.project_kind(0.26, ASSO, 2.0, 0.5) == POOLING
    assert search.project_kind(0.77, ASSO, 2.0, 0.5) == POOLING
    assert search.project_kind(0.78, ASSO, 2.0, 0.5) == STRATEGIC
    assert search.project_kind(0.96, ASSO, 2.0, 0.5) == STRATEGIC
    assert search.project_kind(0.97, ASSO, 2.0, 0.5) == RND


def test_project_kind_on_a_boundary_takes_the_lower_kind() -> None:
    """u equal to a running sum is not above it (the kernels counted sums below u)."""
    first = 0.35 / 1.0  # the first running sum of the ASSO row without animation
    assert search.project_kind(first, ASSO, 0.0, 0.0) == COMMERCIAL
    assert search.project_kind(np.nextafter(first, 1.0), ASSO, 0.0, 0.0) == POOLING
    assert search.project_kind(0.0, ASSO, 0.0, 0.0) == COMMERCIAL


def test_a_kind_without_propensity_is_never_drawn() -> None:
    """A local authority proposes no R&D project (its R&D propensity is 0), even for
    draws just below 1: the last running sum is exactly 1."""
    la = KIND_PROPENSITY[OrgKind.LA]
    assert la[RND] == 0.0
    u = np.concatenate([np.linspace(0.0, 1.0, 10_001, endpoint=False), [1.0 - 2**-53]])
    kinds = np.vectorize(search.project_kind, excluded={1})(u, la, 8.6, 0.37)
    assert RND not in set(kinds.tolist())
    assert set(kinds.tolist()) == {COMMERCIAL, POOLING, STRATEGIC}


@pytest.mark.parametrize("org_kind", list(OrgKind))
@pytest.mark.parametrize(("tilt", "animation"), [(0.0, 0.0), (8.6, 0.5), (2.0, 1.0)])
def test_project_kind_draws_follow_the_tilted_propensities(
    org_kind: OrgKind, tilt: float, animation: float
) -> None:
    """On an even grid of draws, each kind's share is its normalised weight (to 1/grid)."""
    row = KIND_PROPENSITY[org_kind]
    w = row.copy()
    w[POOLING] *= 1.0 + tilt * animation
    expected = w / w.sum()
    n = 20_000
    u = (np.arange(n) + 0.5) / n
    kinds = np.vectorize(search.project_kind, excluded={1})(u, row, tilt, animation)
    share = np.bincount(kinds, minlength=len(ProjectKind)) / n
    np.testing.assert_allclose(share, expected, atol=1.5 / n)


@given(u1=uniform01, u2=uniform01, kind=st.sampled_from(list(OrgKind)), a=unit)
def test_project_kind_is_a_kind_non_decreasing_in_u(
    u1: float, u2: float, kind: OrgKind, a: float
) -> None:
    row = KIND_PROPENSITY[kind]
    lo, hi = sorted((u1, u2))
    k_lo = search.project_kind(lo, row, 8.6, a)
    k_hi = search.project_kind(hi, row, 8.6, a)
    assert 0 <= k_lo <= k_hi < len(ProjectKind)


def test_project_cost_worked_example() -> None:
    # 0.15 * (1 - 0.3 * 0.5) = 0.15 * 0.85 = 0.1275
    assert search.project_cost(0.15, 0.3, 0.5) == pytest.approx(0.1275)
    assert search.project_cost(0.15, 0.3, 0.0) == 0.15
    # full animation at the largest saving: 0.2 * (1 - 0.9) = 0.02
    assert search.project_cost(0.2, 0.9, 1.0) == pytest.approx(0.02)


@given(c=st.floats(0.01, 2.0), chi=st.floats(0.0, 0.9), a1=unit, a2=unit)
def test_project_cost_is_positive_and_falls_with_animation(
    c: float, chi: float, a1: float, a2: float
) -> None:
    lo, hi = sorted((a1, a2))
    assert 0.0 < search.project_cost(c, chi, hi) <= search.project_cost(c, chi, lo) <= c


# -- candidates ----------------------------------------------------------------------------
def test_acquaintance_worked_example() -> None:
    # l = 0.15, w_0 = 0.05: at d = l, e^-1 + 0.05 = 0.417879 ; at d = 0, 1 + 0.05
    assert search.acquaintance(0.15, P) == pytest.approx(0.417879, abs=1e-6)
    assert search.acquaintance(0.0, P) == pytest.approx(1.05)
    # far away: only the random top-up is left
    assert search.acquaintance(100.0, P) == pytest.approx(0.05)


@given(d1=st.floats(0.0, 3.0), d2=st.floats(0.0, 3.0))
def test_acquaintance_falls_with_distance_to_the_top_up(d1: float, d2: float) -> None:
    near, far = sorted((d1, d2))
    assert P.random_weight <= search.acquaintance(far, P) <= search.acquaintance(near, P)
    assert search.acquaintance(near, P) <= 1.0 + P.random_weight


def test_candidate_weight_worked_example() -> None:
    # w_prev = 3, w_pole = 3 (pinned): 0.4 ; 0.4 + 3 ; 0.4 + 3 ; 0.4 + 3 + 3
    assert search.candidate_weight(0.4, False, False, P) == 0.4
    assert search.candidate_weight(0.4, True, False, P) == pytest.approx(3.4)
    assert search.candidate_weight(0.4, False, True, P) == pytest.approx(3.4)
    assert search.candidate_weight(0.4, True, True, P) == pytest.approx(6.4)
    heavier = CooperationParams(pole_weight=14.0)
    assert search.candidate_weight(0.4, False, True, heavier) == pytest.approx(14.4)


# -- affinities ------------------------------------------------------------------------------
def test_homophily_worked_example() -> None:
    a, b = np.array([0.8, 0.6, 0.7]), np.array([0.3, 0.35, 0.5])
    # |0.8-0.3| + |0.6-0.35| + |0.7-0.5| = 0.5 + 0.25 + 0.2 = 0.95 ; 1 - 0.95 / 3 = 0.683333
    assert search.homophily(a, b) == pytest.approx(0.683333, abs=1e-6)
    assert search.homophily(a, a) == 1.0
    # opposite corners of the value cube: 1 - 3 / 3 = 0
    assert search.homophily(np.zeros(3), np.ones(3)) == 0.0


@given(a=arrays(np.float64, 3, elements=unit), b=arrays(np.float64, 3, elements=unit))
def test_homophily_is_a_symmetric_similarity(a: np.ndarray, b: np.ndarray) -> None:
    h = search.homophily(a, b)
    assert 0.0 <= h <= 1.0
    assert h == search.homophily(b, a)
    assert search.homophily(a, a) == 1.0


def test_complementarity_and_similarity_worked_example() -> None:
    # i has competences {0, 1, 2}, j has {2, 3}
    ci = np.array([True, True, True, False])
    cj = np.array([False, False, True, True])
    # what j brings to i: {3} out of j's 2 -> 1/2 ; what i brings to j: {0, 1} of 3 -> 2/3
    assert search.complementarity(ci, cj) == pytest.approx(0.5)
    assert search.complementarity(cj, ci) == pytest.approx(2 / 3)
    assert search.complementarity(ci, ci) == 0.0  # nothing new from oneself
    # Jaccard: |{2}| / |{0, 1, 2, 3}| = 1/4, both ways
    assert search.similarity(ci, cj) == pytest.approx(0.25)
    assert search.similarity(cj, ci) == pytest.approx(0.25)
    assert search.similarity(ci, ci) == 1.0
    # nobody with no competence: nothing to bring, nothing shared (no division by 0)
    none = np.zeros(4, dtype=bool)
    assert search.complementarity(ci, none) == 0.0
    assert search.complementarity(none, cj) == 1.0
    assert search.similarity(none, none) == 0.0


competences = arrays(np.bool_, 8)


@given(a=competences, b=competences)
def test_complementarity_and_similarity_are_shares(a: np.ndarray, b: np.ndarray) -> None:
    comp, sim = search.complementarity(a, b), search.similarity(a, b)
    assert 0.0 <= comp <= 1.0
    assert 0.0 <= sim <= 1.0
    assert sim == search.similarity(b, a)
    # what b brings to a, and what both share, cover b's competences
    if b.any():
        assert comp == pytest.approx((b & ~a).sum() / b.sum())
        assert sim == pytest.approx((a & b).sum() / (a | b).sum())


def test_kind_fit_picks_complementarity_similarity_or_their_mean() -> None:
    comp, sim = 0.6, 0.2
    # commercial: comp 0.6 ; pooling: sim 0.2 ; strategic: (0.6 + 0.2) / 2 = 0.4 ; R&D: 0.6
    got = [search.kind_fit(k, comp, sim) for k in (COMMERCIAL, POOLING, STRATEGIC, RND)]
    assert got == pytest.approx([0.6, 0.2, 0.4, 0.6])


def test_pair_fit_is_higher_in_the_same_sector() -> None:
    # a_S = 0.5: commercial comp 0.6 -> 0.6 * 1.5 = 0.9 in the same sector, 0.6 across
    assert search.pair_fit(COMMERCIAL, 0.6, 0.2, True, P) == pytest.approx(0.9)
    assert search.pair_fit(COMMERCIAL, 0.6, 0.2, False, P) == pytest.approx(0.6)
    # pooling: sim 0.2 -> 0.3 ; strategic: 0.4 -> 0.6
    assert search.pair_fit(POOLING, 0.6, 0.2, True, P) == pytest.approx(0.3)
    assert search.pair_fit(STRATEGIC, 0.6, 0.2, True, P) == pytest.approx(0.6)
    assert search.pair_fit(COMMERCIAL, 0.6, 0.2, True, CooperationParams(sector_affinity=0.0)) == (
        pytest.approx(0.6)
    )


@given(kind=st.sampled_from([COMMERCIAL, POOLING, STRATEGIC, RND]), comp=unit, sim=unit)
def test_pair_fit_never_falls_in_the_same_sector(kind: int, comp: float, sim: float) -> None:
    across = search.pair_fit(kind, comp, sim, False, P)
    assert across == search.kind_fit(kind, comp, sim)
    assert across <= search.pair_fit(kind, comp, sim, True, P)


def test_person_weight_worked_example() -> None:
    # leader_assignment 3: a territorial entrepreneur is 3 times as likely to be assigned
    assert search.person_weight(True, P) == 3.0
    assert search.person_weight(False, P) == 1.0
    assert search.person_weight(True, CooperationParams(leader_assignment=1.0)) == 1.0


# -- expected return and score ---------------------------------------------------------------
def test_expected_return_worked_example() -> None:
    # fit 0.5, rho 5, cbar 0.15, A 0.5: c = 0.15 * (1 - 0.3 * 0.5) = 0.1275, rho_0 5
    # B = 0.5 * 5 * 0.15 = 0.375 ; R = 0.375 / (0.375 + 0.1275 * 5) = 0.375 / 1.0125 = 0.370370
    got = search.expected_return(0.5, 5.0, 0.15, 0.1275, 5.0)
    assert got == pytest.approx(0.375 / 1.0125)
    assert got == pytest.approx(0.370370, abs=1e-6)
    # return equal to the opportunity cost and full fit, no help: B = c * rho_0 -> R = 1/2
    assert search.expected_return(1.0, 5.0, 0.1, 0.1, 5.0) == pytest.approx(0.5)


def test_expected_return_is_zero_without_benefit_or_cost() -> None:
    assert search.expected_return(0.0, 5.0, 0.15, 0.15, 5.0) == 0.0
    assert search.expected_return(0.0, 5.0, 0.15, 0.0, 5.0) == 0.0  # 0 / 0 -> 0


def test_score_worked_example() -> None:
    # Q = 0.25 * 0.8 + 0.75 * 0.4 = 0.2 + 0.3 = 0.5 ; S = 0.36^0.5 * 0.5^0.5 = 0.6 * 0.707107
    assert search.score(0.36, 0.8, 0.4, 0.25, 0.5) == pytest.approx(0.6 * math.sqrt(0.5))
    assert search.score(0.36, 0.8, 0.4, 0.25, 0.5) == pytest.approx(0.424264, abs=1e-6)
    # gamma = 1: trust only ; gamma = 0: Q only
    assert search.score(0.36, 0.8, 0.4, 0.25, 1.0) == pytest.approx(0.36)
    assert search.score(0.36, 0.8, 0.4, 0.25, 0.0) == pytest.approx(0.5)
    # alpha = 1: values only -> S = sqrt(0.36 * 0.8) = 0.536656
    assert search.score(0.36, 0.8, 0.4, 1.0, 0.5) == pytest.approx(math.sqrt(0.36 * 0.8))
    # alpha = 0: interest only -> S = sqrt(0.36 * 0.4) = 0.379473
    assert search.score(0.36, 0.8, 0.4, 0.0, 0.5) == pytest.approx(0.379473, abs=1e-6)


def test_score_ignores_what_its_weights_switch_off() -> None:
    # gamma = 0: trust does not matter ; alpha = 1: return does not matter ; alpha = 0: values
    assert search.score(0.1, 0.5, 0.5, 0.5, 0.0) == search.score(0.9, 0.5, 0.5, 0.5, 0.0)
    assert search.score(0.5, 0.5, 0.1, 1.0, 0.5) == search.score(0.5, 0.5, 0.9, 1.0, 0.5)
    assert search.score(0.5, 0.1, 0.5, 0.0, 0.5) == search.score(0.5, 0.9, 0.5, 0.0, 0.5)


@given(t1=unit, t2=unit, h=unit, r=unit, alpha=unit, gamma=unit)
def test_score_is_non_decreasing_in_trust(
    t1: float, t2: float, h: float, r: float, alpha: float, gamma: float
) -> None:
    lo, hi = sorted((t1, t2))
    assert search.score(lo, h, r, alpha, gamma) <= search.score(hi, h, r, alpha, gamma)


@given(t=unit, h1=unit, h2=unit, r=unit, alpha=unit, gamma=unit)
def test_score_is_non_decreasing_in_homophily(
    t: float, h1: float, h2: float, r: float, alpha: float, gamma: float
) -> None:
    lo, hi = sorted((h1, h2))
    assert search.score(t, lo, r, alpha, gamma) <= search.score(t, hi, r, alpha, gamma)


@given(t=unit, h=unit, r1=unit, r2=unit, alpha=unit, gamma=unit)
def test_score_is_non_decreasing_in_return(
    t: float, h: float, r1: float, r2: float, alpha: float, gamma: float
) -> None:
    lo, hi = sorted((r1, r2))
    assert search.score(t, h, lo, alpha, gamma) <= search.score(t, h, hi, alpha, gamma)


@given(t=unit, h=unit, r=unit, alpha=unit, gamma=unit)
def test_score_is_in_the_unit_interval(
    t: float, h: float, r: float, alpha: float, gamma: float
) -> None:
    assert 0.0 <= search.score(t, h, r, alpha, gamma) <= 1.0


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
    assert search.score(t, h, r, alpha, gamma) < search.score(t2, h, r, alpha, gamma)


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
    assert search.score(t, h, r, alpha, gamma) < search.score(t, h2, r, alpha, gamma)


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
    assert search.score(t, h, r, alpha, gamma) < search.score(t, h, r2, alpha, gamma)


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
    assert 0.0 <= search.expected_return(fit, rho, cbar, cbar * (1 - saving), rho0) < 1.0


@given(f1=fits, f2=fits, rho=perceived, cbar=cbars, saving=savings, rho0=rho0s)
def test_expected_return_is_non_decreasing_in_fit(
    f1: float, f2: float, rho: float, cbar: float, saving: float, rho0: float
) -> None:
    lo, hi = sorted((f1, f2))
    c = cbar * (1 - saving)
    assert search.expected_return(lo, rho, cbar, c, rho0) <= search.expected_return(
        hi, rho, cbar, c, rho0
    )


@given(fit=fits, r1=perceived, r2=perceived, cbar=cbars, saving=savings, rho0=rho0s)
def test_expected_return_is_non_decreasing_in_perceived_return(
    fit: float, r1: float, r2: float, cbar: float, saving: float, rho0: float
) -> None:
    lo, hi = sorted((r1, r2))
    c = cbar * (1 - saving)
    assert search.expected_return(fit, lo, cbar, c, rho0) <= search.expected_return(
        fit, hi, cbar, c, rho0
    )


@given(fit=fits, rho=perceived, cbar=cbars, s1=savings, s2=savings, rho0=rho0s)
def test_expected_return_is_non_increasing_in_cost(
    fit: float, rho: float, cbar: float, s1: float, s2: float, rho0: float
) -> None:
    cheap, dear = cbar * (1 - max(s1, s2)), cbar * (1 - min(s1, s2))
    assert search.expected_return(fit, rho, cbar, cheap, rho0) >= search.expected_return(
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
    assert search.expected_return(f, rho, cbar, cbar, rho0) < search.expected_return(
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
    assert search.expected_return(f, rho, cbar, cbar, rho0) < search.expected_return(
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
    assert search.expected_return(f, rho, cbar, cheap, rho0) > search.expected_return(
        f, rho, cbar, dear, rho0
    )


# -- agreement and partner choice ----------------------------------------------------------------
def test_agrees_at_the_threshold() -> None:
    assert search.agrees(0.35, 0.35)  # reaching theta is enough
    assert search.agrees(0.9, 0.35)
    assert not search.agrees(np.nextafter(0.35, 0.0), 0.35)


def test_choice_key_worked_example() -> None:
    # beta * S + Gumbel(u): 10 * 0.5 - log(-log(0.5)) = 5 - log(0.693147) = 5.366513
    assert search.choice_key(0.5, True, 10.0, 0.5) == pytest.approx(5.366513, abs=1e-6)
    # u = 1 - e^-1: Gumbel = -log(1) = 0 -> the key is beta * S
    assert search.choice_key(0.4, True, 10.0, 1.0 - math.exp(-1.0)) == pytest.approx(4.0)
    # beta = 0: a uniformly random choice among those who agree
    assert search.choice_key(0.9, True, 0.0, 1.0 - math.exp(-1.0)) == pytest.approx(0.0, abs=1e-12)
    # a candidate who does not agree is never chosen ; u = 0 (Gumbel +inf) comes first
    assert search.choice_key(0.9, False, 10.0, 0.5) == -math.inf
    assert search.choice_key(0.1, True, 10.0, 0.0) == math.inf


def test_choice_key_of_a_candidate_who_does_not_agree_is_minus_inf_for_every_draw() -> None:
    assert search.choice_key(0.9, False, 10.0, 0.0) == -math.inf


def test_choice_keys_choose_proportionally_to_exp_beta_score() -> None:
    """Softmax on beta * S: the first choice among agreeing candidates has probability
    exp(beta * S_j) / sum_k exp(beta * S_k); one who does not agree is never first."""
    rng = np.random.default_rng(99)
    scores = np.array([0.2, 0.3, 0.5, 0.9])
    agree = np.array([True, True, True, False])
    beta, draws = 4.0, 40_000
    keys = np.vectorize(search.choice_key)(scores, agree, beta, rng.random((draws, 4)))
    first = keys.argmax(axis=1)
    counts = np.bincount(first, minlength=4)
    assert counts[3] == 0
    p = np.exp(beta * scores[:3])
    assert _chi2(counts[:3], p / p.sum()) < 13.82, counts  # 2 d.o.f.: P(> 13.82) = 0.001


def test_geometric_worked_example() -> None:
    # p = 0.5: 1 for u <= 0.5, 2 for u <= 0.75, 3 for u <= 0.875
    assert [search.geometric(u, 0.5) for u in (0.0, 0.5, 0.51, 0.75, 0.8, 0.875, 0.9)] == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
    ]
    assert search.geometric(0.999, 1.0) == 1


def _within(lines: int, f: Callable[..., int], *args: object) -> int:
    """``f(*args)``, or TimeoutError after ``lines`` lines of Python (a loop that never
    ends fails the test instead of hanging it)."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: object) -> Callable[..., object]:
        nonlocal count
        if event == "line":
            count += 1
            if count > lines:
                raise TimeoutError(f"{f.__name__}{args} did not end")
        return tracer

    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        return f(*args)
    finally:
        sys.settrace(old)


def test_geometric_ends_quickly_for_ordinary_draws() -> None:
    assert _within(10_000, search.geometric, 0.999, 0.05) == 135  # 0.95^134 > 0.001 > 0.95^135


@pytest.mark.parametrize("p", [0.65, 0.3, 0.05])
def test_geometric_ends_for_every_draw_numpy_makes(p: float) -> None:
    # the smallest x with 1 - (1 - p)^x >= 1 - 2^-53
    expected = math.ceil(-53 * math.log(2) / math.log(1 - p))
    assert abs(_within(100_000, search.geometric, 1 - 2**-53, p) - expected) <= 1


def test_geometric_frequencies_are_the_distribution() -> None:
    rng = np.random.default_rng(5)
    p, n = 0.3, 100_000
    x = np.vectorize(search.geometric)(rng.random(n), p)
    assert x.min() == 1
    assert x.mean() == pytest.approx(1 / p, abs=4 * math.sqrt((1 - p) / p**2 / n))
    counts = np.bincount(np.minimum(x, 8), minlength=9)[1:]
    probs = np.array([p * (1 - p) ** (k - 1) for k in range(1, 8)] + [(1 - p) ** 7])
    assert _chi2(counts, probs) < 24.32, counts  # 7 d.o.f.: P(> 24.32) = 0.001


def test_partners_wanted_worked_example() -> None:
    # extra_partner_prob 0.35, capped at 4: P(1) = 0.65, P(2) = 0.2275, P(3) = 0.079625
    # running sums 0.65, 0.8775, 0.957125
    assert [search.partners_wanted(u, P) for u in (0.6, 0.66, 0.87, 0.88, 0.95, 0.96)] == [
        1,
        2,
        2,
        3,
        3,
        4,
    ]
    assert search.partners_wanted(0.9999999, P) == 4  # the cap
    assert search.partners_wanted(0.9999999, CooperationParams(max_partners=1)) == 1
    assert search.partners_wanted(0.9, CooperationParams(extra_partner_prob=0.0)) == 1


def test_partners_wanted_frequencies() -> None:
    rng = np.random.default_rng(6)
    n = 60_000
    k = np.vectorize(lambda u: search.partners_wanted(u, P))(rng.random(n))
    counts = np.bincount(k, minlength=5)[1:]
    q = P.extra_partner_prob
    probs = np.array([(1 - q), (1 - q) * q, (1 - q) * q**2, q**3])  # the cap takes the tail
    assert probs[3] == pytest.approx(0.042875)
    assert _chi2(counts, probs) < 16.27, counts


def test_project_duration_worked_example() -> None:
    # [3, 12]: 10 months equally likely, 3 + floor(u * 10)
    assert [search.project_duration(u, 3, 12) for u in (0.0, 0.05, 0.1, 0.55, 0.999)] == [
        3,
        3,
        4,
        8,
        12,
    ]
    assert search.project_duration(0.7, 6, 6) == 6


def test_project_duration_is_exactly_uniform_on_a_uniform_grid() -> None:
    lo, hi, per = 3, 21, 500
    n_values = hi - lo + 1
    u = (np.arange(n_values * per) + 0.5) / (n_values * per)
    d = np.vectorize(search.project_duration)(u, lo, hi)
    np.testing.assert_array_equal(np.bincount(d - lo, minlength=n_values), per)


# -- the parameter group -----------------------------------------------------------------------
def test_params_cost_and_value_vectors_follow_project_kind_order() -> None:
    costs, values = P.costs(), P.values()
    assert costs[ProjectKind.COMMERCIAL] == P.cost_commercial
    assert costs[ProjectKind.POOLING] == P.cost_pooling
    assert costs[ProjectKind.STRATEGIC] == P.cost_strategic
    assert costs[ProjectKind.RND] == P.cost_rnd
    assert values[ProjectKind.COMMERCIAL] == P.value_commercial
    assert values[ProjectKind.POOLING] == P.value_pooling
    assert values[ProjectKind.STRATEGIC] == P.value_strategic
    assert values[ProjectKind.RND] == P.value_rnd


def test_kind_propensities_are_distributions_over_project_kinds() -> None:
    assert KIND_PROPENSITY.shape == (len(OrgKind), len(ProjectKind))
    assert np.all(KIND_PROPENSITY >= 0)
    np.testing.assert_allclose(KIND_PROPENSITY.sum(axis=1), 1.0)


def test_params_refuse_min_duration_above_max() -> None:
    with pytest.raises(ConfigError, match="duration_min must not exceed duration_max"):
        CooperationParams(duration_min=12, duration_max=11)
