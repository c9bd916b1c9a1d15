"""The trust rule (rules/trust.py): worked examples from the module docstring, properties.

How the kernels store person trust (deviations from the baseline times a common scale)
is checked against these rules in tests/test_relations_blocks.py.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ptce_sim.base.errors import ConfigError
from ptce_sim.rules import trust
from ptce_sim.rules.trust import TrustParams

# Pinned values for the worked examples (the calibration moves the defaults).
P = TrustParams(history_weight=0.15, gain=0.1, decay=0.02)
unit = st.floats(0.0, 1.0)


# -- worked examples (P: tau_b 0.2, chi_H 0.2, chi_h 0.15, n_h 3, eta+ 0.1,
#    eta- 0.15, delta 0.02, kappa_0 0.03, kappa_I 0.1, omega 0.8 -> 0.4) ------------------
def test_after_success_worked_example() -> None:
    # 0.4 + 0.1 * (1 - 0.4) = 0.46
    assert trust.after_success(0.4, 0.1) == pytest.approx(0.46)
    # 0 + 0.5 * (1 - 0) = 0.5 ; 1 stays 1
    assert trust.after_success(0.0, 0.5) == 0.5
    assert trust.after_success(1.0, 0.5) == 1.0


def test_after_failure_worked_example() -> None:
    # 0.4 - 0.15 * 0.4 = 0.34
    assert trust.after_failure(0.4, 0.15) == pytest.approx(0.34)
    # 0.8 - 1.0 * 0.8 = 0 (total loss)
    assert trust.after_failure(0.8, 1.0) == 0.0


def test_after_project_applies_the_parameters_of_the_outcome() -> None:
    # success: 0.4 + 0.1 * 0.6 = 0.46 ; failure: 0.4 - 0.15 * 0.4 = 0.34
    assert trust.after_project(0.4, True, P) == pytest.approx(0.46)
    assert trust.after_project(0.4, False, P) == pytest.approx(0.34)
    p = TrustParams(gain=0.5, loss=0.5)
    assert trust.after_project(0.4, True, p) == pytest.approx(0.7)
    assert trust.after_project(0.4, False, p) == pytest.approx(0.2)


def test_relax_worked_example() -> None:
    # towards the rest tau0 + floor = 0.2: 0.2 + (0.5 - 0.2) * (1 - 0.02) = 0.2 + 0.294 = 0.494
    assert trust.relax(0.5, 0.2, 0.02) == pytest.approx(0.494)
    # from below: 0.3 + (0.1 - 0.3) * (1 - 0.5) = 0.3 - 0.1 = 0.2
    assert trust.relax(0.1, 0.3, 0.5) == pytest.approx(0.2)
    # decay 0 keeps tau; decay 1 jumps to the baseline
    assert trust.relax(0.7, 0.3, 0.0) == pytest.approx(0.7)
    assert trust.relax(0.7, 0.3, 1.0) == pytest.approx(0.3)


def test_relaxation_factor_is_what_is_left_of_a_deviation() -> None:
    # 1 - 0.02 = 0.98 ; relax is tau0 + (tau - tau0) * that factor
    assert trust.relaxation_factor(0.02) == pytest.approx(0.98)
    assert trust.relaxation_factor(0.0) == 1.0
    assert trust.relax(0.5, 0.2, 0.02) == 0.2 + 0.3 * trust.relaxation_factor(0.02)


def test_relax_n_months_is_geometric() -> None:
    # tau0 + (tau - tau0) * (1 - delta)^12 = 0.2 + 0.6 * 0.98^12 = 0.2 + 0.6 * 0.784717 = 0.670830
    tau = 0.8
    for _ in range(12):
        tau = trust.relax(tau, 0.2, 0.02)
    assert tau == pytest.approx(0.2 + 0.6 * 0.98**12)
    assert tau == pytest.approx(0.670830, abs=1e-6)


def test_stranger_trust_worked_example() -> None:
    # 0.2 + 0.2 * 0.5 = 0.3 ; nothing in common: tau_b = 0.2 ; identical values: 0.4
    assert trust.stranger_trust(0.5, P) == pytest.approx(0.3)
    assert trust.stranger_trust(0.0, P) == pytest.approx(0.2)
    assert trust.stranger_trust(1.0, P) == pytest.approx(0.4)


def test_history_floor_worked_example() -> None:
    # 0.15 * (1 - exp(-3 / 3)) = 0.15 * 0.632121 = 0.094818
    assert trust.history_floor(3, P) == pytest.approx(0.094818, abs=1e-6)
    # 0.15 * (1 - e^-2) = 0.15 * 0.864665 = 0.129700
    assert trust.history_floor(6, P) == pytest.approx(0.129700, abs=1e-6)
    # no joint project, no floor ; an endless history: chi_h = 0.15
    assert trust.history_floor(0, P) == 0.0
    assert trust.history_floor(10**9, P) == pytest.approx(0.15)


def test_history_scale_is_the_63_percent_point() -> None:
    # chi_h * (1 - e^-1): 63 % of the history effect at m = n_h
    p = TrustParams(history_scale=4.0)
    assert trust.history_floor(4, p) / p.history_weight == pytest.approx(1 - math.exp(-1))


def test_institution_rate_worked_example() -> None:
    # 0.03 + 0.1 * 0.5 = 0.08
    assert trust.institution_rate(0.5, P) == pytest.approx(0.08)
    assert trust.institution_rate(0.0, P) == pytest.approx(0.03)
    # clipped: 0.8 + 0.7 * 1 = 1.5 -> 1
    fast = TrustParams(institution_rate=0.8, institution_rate_formal=0.7)
    assert trust.institution_rate(1.0, fast) == 1.0


def test_follow_worked_example() -> None:
    # 0.3 + 0.08 * (0.5 - 0.3) = 0.316
    assert trust.follow(0.3, 0.5, 0.08) == pytest.approx(0.316)
    # from above: 0.6 + 0.5 * (0.2 - 0.6) = 0.4
    assert trust.follow(0.6, 0.2, 0.5) == pytest.approx(0.4)
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
    # the informal setting of a decision: omega = 0.8 -> 0.8 * 0.5 + 0.2 * 0.3 = 0.46
    assert trust.effective_trust(0.5, 0.3, trust.personal_weight(0.0, P)) == pytest.approx(0.46)


def test_newcomer_trust_worked_example() -> None:
    # 0.3 * 0.5 + (1 - 0.3) * 0.2 = 0.15 + 0.14 = 0.29
    assert trust.newcomer_trust(0.5, 0.2, 0.3) == pytest.approx(0.29)
    # no handover: the newcomer starts at the baseline ; full handover: at Theta
    assert trust.newcomer_trust(0.9, 0.2, 0.0) == pytest.approx(0.2)
    assert trust.newcomer_trust(0.9, 0.2, 1.0) == pytest.approx(0.9)


def test_vacated_trust_is_the_stranger_baseline() -> None:
    """A departure takes the person's history with it: the post is back at tau0."""
    assert trust.vacated_trust(0.37) == 0.37
    assert trust.vacated_trust(0.0) == 0.0


def test_params_refuse_a_baseline_that_could_leave_the_unit_interval() -> None:
    with pytest.raises(ConfigError, match="must not exceed 1"):
        TrustParams(baseline=0.7, history_weight=0.15)  # 0.7 + 0.2 + 0.15 = 1.05
    assert TrustParams(baseline=0.65, history_weight=0.15).baseline == 0.65  # = 1


def test_the_rest_of_person_trust_stays_within_the_parameter_checks_tolerance() -> None:
    """tau0 + floor is at most baseline + homophily_weight + history_weight, which the
    parameter check keeps below 1 + 1e-12."""
    p = TrustParams(baseline=0.65, homophily_weight=0.2, history_weight=0.15 + 5e-13)
    assert trust.stranger_trust(1.0, p) + trust.history_floor(10**9, p) <= 1.0 + 1e-12


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


@given(p=trust_params(), h=unit, m=st.integers(0, 10**6))
def test_the_rest_of_person_trust_is_in_the_unit_interval(p: TrustParams, h: float, m: int) -> None:
    tau0 = trust.stranger_trust(h, p)
    floor = trust.history_floor(m, p)
    assert p.baseline <= tau0 <= 1.0
    assert 0.0 <= floor <= p.history_weight
    assert tau0 + floor <= 1.0 + 1e-12


@given(p=trust_params(), h1=unit, h2=unit, m1=st.integers(0, 100), m2=st.integers(0, 100))
def test_the_rest_grows_with_homophily_and_shared_history(
    p: TrustParams, h1: float, h2: float, m1: int, m2: int
) -> None:
    lo_h, hi_h = sorted((h1, h2))
    lo_m, hi_m = sorted((m1, m2))
    assert trust.stranger_trust(lo_h, p) <= trust.stranger_trust(hi_h, p)
    assert trust.history_floor(lo_m, p) <= trust.history_floor(hi_m, p)


OPS = st.sampled_from(["success", "failure", "relax", "follow", "newcomer", "effective"])


@given(
    p=trust_params(),
    tau=unit,
    theta=unit,
    steps=st.lists(st.tuples(OPS, unit, unit, st.integers(0, 50)), max_size=40),
)
def test_trust_stays_in_the_unit_interval_under_any_sequence(
    p: TrustParams, tau: float, theta: float, steps: list[tuple[str, float, float, int]]
) -> None:
    for op, x, y, n in steps:  # x: homophily or I, y: handover, n: joint projects
        tau0 = trust.stranger_trust(x, p)
        rest = tau0 + trust.history_floor(n, p)
        if op == "success":
            tau = trust.after_project(tau, True, p)
        elif op == "failure":
            tau = trust.after_project(tau, False, p)
        elif op == "relax":
            tau = trust.relax(tau, rest, p.decay)
        elif op == "follow":
            theta = trust.follow(theta, tau, trust.institution_rate(x, p))
        elif op == "newcomer":
            tau = trust.newcomer_trust(theta, tau0, y)
        else:
            eff = trust.effective_trust(tau, theta, trust.personal_weight(x, p))
            assert 0.0 <= eff <= 1.0
        assert 0.0 <= tau <= 1.0 + 1e-12, (op, tau)
        assert 0.0 <= theta <= 1.0 + 1e-12, (op, theta)


@given(tau=unit, gain=unit, loss=unit)
def test_success_never_lowers_and_failure_never_raises_trust(
    tau: float, gain: float, loss: float
) -> None:
    up = trust.after_success(tau, gain)
    down = trust.after_failure(tau, loss)
    assert tau <= up <= 1.0
    assert 0.0 <= down <= tau
    # strictly, where the change is above rounding
    if gain >= 1e-9 and tau <= 0.999:
        assert up > tau
    if loss >= 1e-9 and tau >= 1e-3:
        assert down < tau


@given(tau=unit, tau0=unit, decay=st.floats(0.0, 0.5))
def test_relax_moves_towards_the_baseline_without_overshoot(
    tau: float, tau0: float, decay: float
) -> None:
    new = trust.relax(tau, tau0, decay)
    assert abs(new - tau0) <= abs(tau - tau0) + 1e-15
    assert min(tau, tau0) - 1e-15 <= new <= max(tau, tau0) + 1e-15


@given(t1=unit, t2=unit, tau0=unit, decay=st.floats(0.0, 0.5))
def test_relax_keeps_the_order_of_two_ties(t1: float, t2: float, tau0: float, decay: float) -> None:
    """Relaxation is increasing in tau: the best tie of a block stays the best, which
    is why the kernels may relax the block maxima instead of recomputing them."""
    lo, hi = sorted((t1, t2))
    assert trust.relax(lo, tau0, decay) <= trust.relax(hi, tau0, decay)


@given(theta=unit, tau_bar=unit, i=unit, p=trust_params())
def test_follow_moves_towards_person_trust_without_overshoot(
    theta: float, tau_bar: float, i: float, p: TrustParams
) -> None:
    kappa = trust.institution_rate(i, p)
    assert 0.0 <= kappa <= 1.0
    new = trust.follow(theta, tau_bar, kappa)
    assert min(theta, tau_bar) - 1e-15 <= new <= max(theta, tau_bar) + 1e-15


@given(i1=unit, i2=unit, p=trust_params())
def test_organisation_trust_follows_faster_in_a_more_institutional_pole(
    i1: float, i2: float, p: TrustParams
) -> None:
    lo, hi = sorted((i1, i2))
    assert trust.institution_rate(lo, p) <= trust.institution_rate(hi, p)


@given(i=unit, p=trust_params())
def test_personal_weight_lies_between_its_informal_and_formal_values(
    i: float, p: TrustParams
) -> None:
    w = trust.personal_weight(i, p)
    lo, hi = sorted((p.personal_weight_informal, p.personal_weight_formal))
    assert lo - 1e-12 <= w <= hi + 1e-12


@given(tau_bar=unit, theta=unit, omega=unit)
def test_effective_trust_lies_between_person_and_organisation_trust(
    tau_bar: float, theta: float, omega: float
) -> None:
    t = trust.effective_trust(tau_bar, theta, omega)
    assert min(tau_bar, theta) - 1e-15 <= t <= max(tau_bar, theta) + 1e-15


@given(theta=unit, tau0=unit, psi=unit)
def test_newcomer_trust_is_between_baseline_and_organisation_trust(
    theta: float, tau0: float, psi: float
) -> None:
    new = trust.newcomer_trust(theta, tau0, psi)
    assert min(theta, tau0) - 1e-15 <= new <= max(theta, tau0) + 1e-15
    if theta > tau0:
        # more handover, more inherited trust
        assert trust.newcomer_trust(theta, tau0, min(1.0, psi + 0.1)) >= new
