"""Behaviour: statistical claims about the model, checked deterministically.

Each test runs the same seeds under two settings (paired: same territory, same turnover
draws where the setting allows) and requires the mean paired difference to exceed three
standard errors in the expected direction — the effect must be real, not only present.
Marked ``slow``: they run in CI; ``pytest -m "not slow"`` skips them in the quick loop.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest

from ptce_sim.world import scenario as scenarios
from ptce_sim.world.run import run_one

pytestmark = pytest.mark.slow

SEEDS = range(101, 113)  # 12 paired replicates


def paired_effect(updates: Mapping[str, object], key: str) -> tuple[float, float]:
    """Mean and standard error of (variant - reference) for summary ``key``."""
    ref = scenarios.load("baseline")
    alt = ref.with_overrides(updates)
    diffs = np.array(
        [run_one(alt, seed=s).summary[key] - run_one(ref, seed=s).summary[key] for s in SEEDS]
    )
    return float(diffs.mean()), float(diffs.std(ddof=1) / np.sqrt(len(diffs)))


def test_higher_turnover_lowers_person_trust() -> None:
    mean, se = paired_effect({"turnover.rate": 0.05}, "mean_person_trust_end")
    assert mean < -3 * se, (mean, se)


def test_higher_turnover_lowers_completed_cooperations() -> None:
    mean, se = paired_effect({"turnover.rate": 0.05}, "cooperations_completed")
    assert mean < -3 * se, (mean, se)
    assert mean < -0.05 * 1000, "expected a sizeable loss (> 50 of ~1,700 projects)"


def test_no_value_homophily_makes_partners_less_alike() -> None:
    """With alpha = 0 for every kind, values no longer enter the partner score, so
    organisations pick partners whose values are less similar to theirs."""
    no_values = {
        "territory.alpha_ess": 0.0,
        "territory.alpha_firm": 0.0,
        "territory.alpha_la": 0.0,
        "territory.alpha_rt": 0.0,
        "territory.alpha_spread": 0.0,
    }
    mean, se = paired_effect(no_values, "partner_homophily")
    assert mean < -3 * se, (mean, se)


def test_successful_projects_raise_trust_between_members() -> None:
    """Projects that almost always succeed leave more person trust among partners than
    projects that almost always fail (same territories, same turnover)."""
    ref = scenarios.load("baseline")
    good = ref.with_overrides({"cooperation.success_intercept": 5.0})
    bad = ref.with_overrides({"cooperation.success_intercept": -6.0})
    key = "mean_person_trust_end"
    diffs = np.array(
        [run_one(good, seed=s).summary[key] - run_one(bad, seed=s).summary[key] for s in SEEDS]
    )
    mean, se = diffs.mean(), diffs.std(ddof=1) / np.sqrt(len(diffs))
    assert mean > 3 * se, (mean, se)
    assert mean > 0.01, "a sizeable effect, not only a detectable one"
