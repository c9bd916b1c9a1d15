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


def paired_effect(
    updates: Mapping[str, object], key: str, base: Mapping[str, object] | None = None
) -> tuple[float, float]:
    """Mean and standard error of (variant - reference) for summary ``key``; ``base``:
    changes to the baseline made in both arms."""
    ref = scenarios.load("baseline").with_overrides(dict(base or {}))
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


NO_VALUES = {
    "territory.alpha_ess": 0.0,
    "territory.alpha_firm": 0.0,
    "territory.alpha_la": 0.0,
    "territory.alpha_rt": 0.0,
    "territory.alpha_spread": 0.0,
}


def test_no_value_homophily_makes_partners_less_alike() -> None:
    """With alpha = 0 for every kind, values no longer enter the partner score, so
    organisations pick partners whose values are less similar to theirs. Both arms at a
    partner threshold of 0.3: at the calibrated 0.45 nobody cooperates without values
    (next test), and there is no partner to compare."""
    mean, se = paired_effect(NO_VALUES, "partner_homophily", {"cooperation.threshold": 0.3})
    assert mean < -3 * se, (mean, se)


def test_without_shared_values_the_calibrated_territory_does_not_cooperate() -> None:
    """At the calibrated threshold the perceived return alone never reaches it: shared
    values are what starts cooperation (the field's 'shared vision')."""
    mean, se = paired_effect(NO_VALUES, "cooperations_completed")
    assert mean < -3 * se, (mean, se)
    assert mean < -1000, "expected most of the ~4,000 projects of 20 years to vanish"


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
