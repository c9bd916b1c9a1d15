"""The trust rule (rules/trust.py): worked examples from the module docstring, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ptce_sim.base.errors import ConfigError
from ptce_sim.rules import trust
from ptce_sim.rules.trust import TrustParams

P = TrustParams()
unit = st.floats(0.0, 1.0)


# -- worked examples (defaults: tau_b 0.2, chi_H 0.2, chi_h 0.15, n_h 3, eta+ 0.1,
#    eta- 0.15, delta 0.02, kappa_0 0.03, kappa_I 0.1, omega 0.8 -> 0.4) ------------------
def test_after_success_worked_example() -> None:
    # 0.4 + 0.1 * (1 - 0.4) = 0.46
    assert trust.after_success(0.4, 0.1) == pytest.approx(0.46)
    # 0 + 0.5 * (1 - 0) = 0.5 ; 1 stays 1
    np.testing.assert_allclose(trust.after_success([0.0, 1.0], 0.5), [0.5, 1.0])


def test_after_failure_worked_example() -> None:
    # 0.4 - 0.15 * 0.4 = 0.34
    assert trust.after_failure(0.4, 0.15) == pytest.approx(0.34)
    # 0.8 - 1.0 * 0.8 = 0 (total loss)
    assert trust.after_failure(0.8, 1.0) == pytest.approx(0.0)


def test_relax_worked_example() -> None:
    # 0.2 + (0.5 - 0.2) * (1 - 0.02) = 0.2 + 0.294 = 0.494
    assert trust.relax(0.5, 0.2, 0.02) == pytest.approx(0.494)
    # from below: 0.3 + (0.1 - 0.3) * (1 - 0.5) = 0.3 - 0.1 = 0.2
    assert trust.relax(0.1, 0.3, 0.5) == pytest.approx(0.2)
    # decay 0 keeps tau; decay 1 jumps to the baseline
    assert trust.relax(0.7, 0.3, 0.0) == pytest.approx(0.7)
    assert trust.relax(0.7, 0.3, 1.0) == pytest.approx(0.3)


def test_relax_n_months_is_geometric() -> None:
    # tau0 + (tau - tau0) * (1 - delta)^12 = 0.2 + 0.6 * 0.98^12 = 0.2 + 0.6 * 0.784717 = 0.670830
    tau = 0.8
    for _ in range(12):
        tau = trust.relax(tau, 0.2, 0.02)
    assert tau == pytest.approx(0.2 + 0.6 * 0.98**12)
    assert tau == pytest.approx(0.670830, abs=1e-6)


def test_baseline_trust_worked_example() -> None:
    # 0.2 + 0.2 * 0.5 + 0.15 * (1 - exp(-3 / 3)) = 0.2 + 0.1 + 0.15 * 0.632121 = 0.394818
    assert trust.baseline_trust(0.5, 3, P) == pytest.approx(0.394818, abs=1e-6)
    # strangers with nothing in common: tau_b = 0.2
    assert trust.baseline_trust(0.0, 0, P) == pytest.approx(0.2)
    # identical values, endless history: 0.2 + 0.2 + 0.15 = 0.55
    assert trust.baseline_trust(1.0, 1e9, P) == pytest.approx(0.55)


def test_baseline_trust_is_elementwise() -> None:
    h = np.array([[0.0, 1.0], [0.5, 0.25]])
    n = np.array([[0, 3], [6, 0]])
    got = trust.baseline_trust(h, n, P)
    expected = 0.2 + 0.2 * h + 0.15 * (1 - np.exp(-n / 3.0))
    assert got.shape == (2, 2)
    np.testing.assert_allclose(got, expected)
    # 0.2 + 0.2 * 0.5 + 0.15 * (1 - e^-2) = 0.3 + 0.15 * 0.864665 = 0.429700
    assert got[1, 0] == pytest.approx(0.429700, abs=1e-6)


def test_institution_rate_worked_example() -> None:
    # 0.03 + 0.1 * 0.5 = 0.08
    assert trust.institution_rate(0.5, P) == pytest.approx(0.08)
    # clipped: 0.8 + 0.7 * 1 = 1.5 -> 1
    fast = TrustParams(institution_rate=0.8, institution_rate_formal=0.7)
    assert trust.institution_rate(1.0, fast) == pytest.approx(1.0)


def test_follow_worked_example() -> None:
    # 0.3 + 0.08 * (0.5 - 0.3) = 0.316
    assert trust.follow(0.3, 0.5, 0.08) == pytest.approx(0.316)
    # kappa 1: Theta jumps to tau_bar
    assert trust.follow(0.3, 0.9, 1.0) == pytest.approx(0.9)


def test_personal_weight_worked_example() -> None:
    # 0.8 + (0.4 - 0.8) * 0.5 = 0.6
    assert trust.personal_weight(0.5, P) == pytest.approx(0.6)
    assert trust.personal_weight(0.0, P) == pytest.approx(0.8)
    assert trust.personal_weight(1.0, P) == pytest.approx(0.4)


def test_effective_trust_worked_example() -> None:
    # 0.6 * 0.5 + (1 - 0.6) * 0.3 = 0.3 + 0.12 = 0.42
    assert trust.effective_trust(0.5, 0.3, 0.6) == pytest.approx(0.42)


def test_newcomer_trust_worked_example() -> None:
    # 0.3 * 0.5 + (1 - 0.3) * 0.2 = 0.15 + 0.14 = 0.29
    assert trust.newcomer_trust(0.5, 0.2, 0.3) == pytest.approx(0.29)
    # no handover: the newcomer starts at the baseline
    assert trust.newcomer_trust(0.9, 0.2, 0.0) == pytest.approx(0.2)


def test_rule_functions_broadcast_and_do_not_mutate_inputs() -> None:
    tau = np.array([0.1, 0.5, 0.9])
    before = tau.copy()
    np.testing.assert_allclose(trust.after_success(tau, 0.1), tau + 0.1 * (1 - tau))
    np.testing.assert_allclose(trust.after_failure(tau, 0.15), tau * 0.85)
    np.testing.assert_allclose(trust.relax(tau, 0.2, 0.02), 0.2 + (tau - 0.2) * 0.98)
    np.testing.assert_array_equal(tau, before)


def test_params_refuse_a_baseline_that_could_leave_the_unit_interval() -> None:
    with pytest.raises(ConfigError, match="must not exceed 1"):
        TrustParams(baseline=0.7)  # 0.7 + 0.2 + 0.15 = 1.05


# -- properties ----------------------------------------------------------------------------
@st.composite
def trust_params(draw: st.DrawFn) -> TrustParams:
    """Any TrustParams within the declared bounds whose baseline sum is at most 1."""
    hw = draw(st.floats(0.0, 0.5))
    hh = draw(st.floats(0.0, 0.5))
    b = draw(st.floats(0.0, max(0.0, 1.0 - hw - hh)))
    assume(b + hw + hh <= 1.0)
    return TrustParams(
        baseline=b,
        homophily_weight=hw,
        history_weight=hh,
        history_scale=draw(st.floats(0.5, 50.0)),
        gain=draw(unit),
        loss=draw(unit),
        decay=draw(st.floats(0.0, 0.5)),
        institution_rate=draw(unit),
        institution_rate_formal=draw(unit),
        personal_weight_informal=draw(unit),
        personal_weight_formal=draw(unit),
    )


@given(p=trust_params(), h=unit, n=st.floats(0.0, 1e6))
def test_baseline_trust_is_in_the_unit_interval(p: TrustParams, h: float, n: float) -> None:
    tau0 = float(trust.baseline_trust(h, n, p))
    assert 0.0 <= tau0 <= 1.0
    assert tau0 >= p.baseline


@given(p=trust_params(), h1=unit, h2=unit, n1=st.floats(0, 100), n2=st.floats(0, 100))
def test_baseline_trust_grows_with_homophily_and_history(
    p: TrustParams, h1: float, h2: float, n1: float, n2: float
) -> None:
    lo_h, hi_h = sorted((h1, h2))
    lo_n, hi_n = sorted((n1, n2))
    assert trust.baseline_trust(lo_h, lo_n, p) <= trust.baseline_trust(hi_h, hi_n, p)


def test_baseline_trust_never_exceeds_one_at_the_tolerance_edge() -> None:
    p = TrustParams(baseline=0.65, homophily_weight=0.2, history_weight=0.15 + 5e-13)
    assert trust.baseline_trust(1.0, 1e9, p) <= 1.0


OPS = st.sampled_from(["success", "failure", "relax", "follow", "newcomer", "effective"])


@given(
    p=trust_params(),
    tau=st.lists(unit, min_size=3, max_size=3),
    theta=st.lists(unit, min_size=3, max_size=3),
    steps=st.lists(st.tuples(OPS, unit, unit, st.floats(0, 50)), max_size=40),
)
def test_trust_stays_in_the_unit_interval_under_any_sequence(
    p: TrustParams,
    tau: list[float],
    theta: list[float],
    steps: list[tuple[str, float, float, float]],
) -> None:
    t = np.array(tau)
    th = np.array(theta)
    for op, x, y, n in steps:  # x: homophily or I, y: handover, n: shared history
        tau0 = trust.baseline_trust(x, n, p)
        if op == "success":
            t = trust.after_success(t, p.gain)
        elif op == "failure":
            t = trust.after_failure(t, p.loss)
        elif op == "relax":
            t = trust.relax(t, tau0, p.decay)
        elif op == "follow":
            th = trust.follow(th, t, trust.institution_rate(x, p))
        elif op == "newcomer":
            t = trust.newcomer_trust(th, tau0, y)
        else:
            eff = trust.effective_trust(t, th, trust.personal_weight(x, p))
            assert np.all((eff >= 0.0) & (eff <= 1.0))
        assert np.all((t >= 0.0) & (t <= 1.0)), (op, t)
        assert np.all((th >= 0.0) & (th <= 1.0)), (op, th)


@given(tau=unit, gain=unit, loss=unit)
def test_success_never_lowers_and_failure_never_raises_trust(
    tau: float, gain: float, loss: float
) -> None:
    up = float(trust.after_success(tau, gain))
    down = float(trust.after_failure(tau, loss))
    assert tau <= up <= 1.0
    assert 0.0 <= down <= tau
    # strictly, where the change is above rounding: gain * (1 - tau) >= 1e-12
    if gain >= 1e-9 and tau <= 0.999:
        assert up > tau
    if loss >= 1e-9 and tau >= 1e-3:
        assert down < tau


@given(tau=unit, tau0=unit, decay=st.floats(0.0, 0.5))
def test_relax_moves_towards_the_baseline_without_overshoot(
    tau: float, tau0: float, decay: float
) -> None:
    new = float(trust.relax(tau, tau0, decay))
    assert abs(new - tau0) <= abs(tau - tau0) + 1e-15
    assert min(tau, tau0) - 1e-15 <= new <= max(tau, tau0) + 1e-15


@given(theta=unit, tau_bar=unit, i=unit, p=trust_params())
def test_follow_moves_towards_person_trust_without_overshoot(
    theta: float, tau_bar: float, i: float, p: TrustParams
) -> None:
    kappa = float(trust.institution_rate(i, p))
    assert 0.0 <= kappa <= 1.0
    new = float(trust.follow(theta, tau_bar, kappa))
    assert min(theta, tau_bar) - 1e-15 <= new <= max(theta, tau_bar) + 1e-15


@given(i=unit, p=trust_params())
def test_personal_weight_lies_between_its_informal_and_formal_values(
    i: float, p: TrustParams
) -> None:
    w = float(trust.personal_weight(i, p))
    lo, hi = sorted((p.personal_weight_informal, p.personal_weight_formal))
    assert lo - 1e-12 <= w <= hi + 1e-12


@given(theta=unit, tau0=unit, psi=unit)
def test_newcomer_trust_is_between_baseline_and_organisation_trust(
    theta: float, tau0: float, psi: float
) -> None:
    new = float(trust.newcomer_trust(theta, tau0, psi))
    assert min(theta, tau0) - 1e-15 <= new <= max(theta, tau0) + 1e-15
    if theta > tau0:
        # more handover, more inherited trust
        assert trust.newcomer_trust(theta, tau0, min(1.0, psi + 0.1)) >= new


def test_history_scale_is_the_63_percent_point() -> None:
    # chi_h * (1 - e^-1) = 0.15 * 0.632 = 0.0948 of the 0.15 history effect at n = n_h
    effect = trust.baseline_trust(0.0, P.history_scale, P) - P.baseline
    assert effect / P.history_weight == pytest.approx(1 - math.exp(-1))
