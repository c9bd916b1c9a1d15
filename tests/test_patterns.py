"""The pattern table and the calibration distance (apps/patterns.py), on synthetic runs.

What must hold: a run set sitting on every target passes with distance 0; moving one
pattern out of its band fails that pattern only and raises the distance by the squared
deviation in half-bands; undefined patterns count as far, not as perfect; guards do not
enter the distance.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ptce_sim.apps.patterns import PATTERNS, distance, evaluate, mean_ci
from ptce_sim.world.summary import SUMMARY_DOCS


def on_target(replicates: int = 5, noise: float = 0.0, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols = {
        p.summary: p.target + noise * p.half_band * rng.standard_normal(replicates)
        for p in PATTERNS
    }
    return pd.DataFrame(cols)


def test_every_pattern_reads_a_documented_summary() -> None:
    missing = [p.summary for p in PATTERNS if p.summary not in SUMMARY_DOCS]
    assert missing == []


def test_bands_contain_their_targets_and_say_why() -> None:
    for p in PATTERNS:
        assert p.lo <= p.target <= p.hi, p.name
        assert p.half_band > 0, p.name
        assert len(p.why) > 20, p.name
        assert len(p.source) > 10, p.name


def test_on_target_passes_with_zero_distance() -> None:
    runs = on_target()
    verdict = evaluate(runs)
    assert verdict["passed"].all()
    assert distance(runs) == pytest.approx(0.0, abs=1e-12)
    assert (verdict["replicates"] == 5).all()


def test_one_pattern_out_of_band_fails_alone_and_costs_its_squared_deviation() -> None:
    runs = on_target()
    p = next(p for p in PATTERNS if p.name == "coops_per_member")
    runs[p.summary] = p.target + 2.0 * p.half_band  # 2 half-bands above: outside
    verdict = evaluate(runs).set_index("pattern")
    assert not verdict.loc["coops_per_member", "passed"]
    assert verdict.drop("coops_per_member")["passed"].all()
    assert verdict.loc["coops_per_member", "deviation"] == pytest.approx(2.0)
    calibrated = sum(q.calibrate for q in PATTERNS)
    assert distance(runs) == pytest.approx(4.0 / calibrated)


def test_guards_do_not_enter_the_distance() -> None:
    runs = on_target()
    guard = next(p for p in PATTERNS if not p.calibrate)
    runs[guard.summary] = guard.hi + 10 * guard.half_band
    assert not evaluate(runs).set_index("pattern").loc[guard.name, "passed"]
    assert distance(runs) == pytest.approx(0.0, abs=1e-12)


def test_undefined_pattern_is_far_not_perfect() -> None:
    runs = on_target()
    runs["mean_formal_size"] = np.nan  # no formal pole in any replicate
    verdict = evaluate(runs).set_index("pattern")
    assert not verdict.loc["pole_size", "passed"]
    assert verdict.loc["pole_size", "replicates"] == 0
    calibrated = sum(q.calibrate for q in PATTERNS)
    assert distance(runs) == pytest.approx(9.0 / calibrated)


def test_ci_covers_the_mean_and_shrinks_with_replicates() -> None:
    few = mean_ci(np.random.default_rng(1).normal(10, 2, 8))
    many = mean_ci(np.random.default_rng(1).normal(10, 2, 200))
    assert few[1] < few[0] < few[2]
    assert many[1] < many[0] < many[2]
    assert (many[2] - many[1]) < (few[2] - few[1]) / 3
    assert abs(many[0] - 10) < 0.5


def test_ci_ignores_undefined_replicates() -> None:
    m, lo, hi, n = mean_ci([1.0, np.nan, 3.0])
    assert (m, n) == (2.0, 2)
    assert lo < 2 < hi
    assert math.isnan(mean_ci([np.nan])[0])


def test_missing_summary_column_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="mean_formal_size"):
        evaluate(on_target().drop(columns="mean_formal_size"))


def test_replicates_without_a_pole_are_charged_in_proportion() -> None:
    runs = on_target(replicates=4)
    calibrated = [p for p in PATTERNS if p.calibrate]
    for p in calibrated:
        runs.loc[0, p.summary] = np.nan  # one territory of four grew no formal pole
    # Every pattern: 3/4 x 0 (the others sit on target) + 1/4 x 3^2.
    assert distance(runs) == pytest.approx(9.0 / 4)


def test_margin_counts_standard_errors_to_the_nearest_edge() -> None:
    # pole_size band 12-18: values 16 and 17 (mean 16.5, sd 0.7071, se 0.5) sit 1.5
    # members below the upper edge = 3 standard errors inside.
    runs = on_target(replicates=2)
    runs["mean_formal_size"] = [16.0, 17.0]
    row = evaluate(runs).set_index("pattern").loc["pole_size"]
    assert row["margin_se"] == pytest.approx(3.0, rel=1e-9)
    # outside the band, the margin is negative: 19 and 20 are 1.5 above 18 = -3 SE
    runs["mean_formal_size"] = [19.0, 20.0]
    row = evaluate(runs).set_index("pattern").loc["pole_size"]
    assert row["margin_se"] == pytest.approx(-3.0, rel=1e-9)
    assert not row["passed"]


def test_margin_without_spread_is_infinite_inside_and_minus_infinite_outside() -> None:
    runs = on_target(replicates=3)
    verdict = evaluate(runs).set_index("pattern")
    assert verdict.loc["pole_size", "margin_se"] == math.inf
    runs["mean_formal_size"] = 30.0
    assert evaluate(runs).set_index("pattern").loc["pole_size", "margin_se"] == -math.inf
