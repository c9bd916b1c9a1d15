"""Kaplan–Meier estimator against a textbook example (Gehan's 6-MP leukaemia data)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ptce_sim.world.survival import kaplan_meier, survival_at

# 6-MP group (Freireich 1963, as in Kleinbaum & Klein, Survival Analysis): weeks of remission.
EVENTS = [6, 6, 6, 7, 10, 13, 16, 22, 23]
CENSORED = [6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]


def _data() -> tuple[np.ndarray, np.ndarray]:
    d = np.array(EVENTS + CENSORED, dtype=float)
    e = np.array([1] * len(EVENTS) + [0] * len(CENSORED), dtype=bool)
    return d, e


def test_product_limit_matches_the_textbook_table() -> None:
    km = kaplan_meier(*_data())
    expected = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
    for t, s in expected.items():
        assert km.at(t)[0] == pytest.approx(s, abs=5e-4), t
    # Between event times the curve is flat; before the first event it is 1.
    assert km.at(8)[0] == km.at(7)[0]
    assert km.at(5) == (1.0, 1.0, 1.0)


def test_greenwood_log_log_interval_matches_r_survival() -> None:
    # R: survfit(Surv(time, status) ~ 1, conf.type = "log-log") gives 0.620-0.952 at t = 6.
    # By hand: var = 3 / (21 * 18); se_loglog = sqrt(var) / |ln 0.857|; 0.857^exp(±1.96 se).
    s, lo, hi = kaplan_meier(*_data()).at(6)
    assert s == pytest.approx(18 / 21)
    assert lo == pytest.approx(0.6197, abs=5e-4)
    assert hi == pytest.approx(0.9516, abs=5e-4)


def test_no_event_means_survival_one_and_empty_is_nan() -> None:
    km = kaplan_meier([5.0, 8.0], [False, False])
    assert km.at(8)[0] == 1.0
    assert math.isnan(km.at(100)[0]), "undefined beyond the longest follow-up"
    assert all(math.isnan(x) for x in kaplan_meier([], []).at(10))


def test_everyone_dies_gives_zero() -> None:
    km = kaplan_meier([1.0, 2.0, 3.0], [True, True, True])
    assert km.at(3)[0] == 0.0
    assert km.at(2)[0] == pytest.approx(1 / 3)


def test_survival_at_excludes_poles_censored_too_early() -> None:
    # Durations (months): died at 10; survived 40 (censored); censored at 20 (excluded at 36).
    assert survival_at([10, 40, 20], [True, False, False], 36) == pytest.approx(0.5)
    assert math.isnan(survival_at([20], [False], 36))
