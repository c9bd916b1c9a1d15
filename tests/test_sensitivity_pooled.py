"""Pooled Kaplan–Meier outputs and the sweep runner's design file, without the model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ptce_sim.apps.sensitivity import pooled
from ptce_sim.apps.sensitivity.runner import sweep_files, unique_points
from ptce_sim.world.scenario import Scenario
from ptce_sim.world.survival import kaplan_meier


def test_km_at_is_the_kaplan_meier_curve_and_weights_are_copies() -> None:
    rng = np.random.default_rng(4)
    months = rng.integers(0, 150, 40).astype(float)
    died = rng.random(40) < 0.6
    for t in (0, 36, 60, 120, 149):
        want = kaplan_meier(months, died).at(t)[0]
        got = pooled.km_at(months, died, np.ones(40), t)[0]
        assert got == pytest.approx(want) if np.isfinite(want) else np.isnan(got) or got == 0
    # beyond the longest follow-up: unknown after a censored pole, 0 once all have died
    assert np.isnan(pooled.km_at(np.array([10.0, 30.0]), np.array([True, False]), [1, 1], 60))
    assert pooled.km_at(np.array([10.0, 30.0]), np.array([True, True]), [1, 1], 60)[0] == 0.0
    assert np.isnan(pooled.km_at(np.array([10.0, 30.0]), np.array([True, True]), [0, 0], 60))
    weights = rng.integers(0, 3, 40)
    copies = np.repeat(np.arange(40), weights)
    assert pooled.km_at(months, died, weights, 60)[0] == pytest.approx(
        kaplan_meier(months[copies], died[copies]).at(60)[0]
    )


def _runs(lists: dict[tuple[int, int], tuple[list[float], list[bool]]]) -> pd.DataFrame:
    rows = [
        {"point": p, "replicate": r, "pole_months": m, "pole_died": d}
        for (p, r), (m, d) in lists.items()
    ]
    return pd.DataFrame(rows)


def test_point_values_pool_the_replicates_and_the_bootstrap_measures_their_spread() -> None:
    runs = _runs(
        {
            (0, 0): ([70.0, 10.0], [False, True]),
            (0, 1): ([80.0], [False]),
            (0, 2): ([], []),
            (1, 0): ([70.0, 70.0], [False, False]),
            (1, 1): ([80.0], [False]),
            (1, 2): ([90.0], [False]),
        }
    )
    values = pooled.point_values(runs, 2, "km_survival_5y")
    assert values == pytest.approx([2 / 3, 1.0])
    draws = pooled.bootstrap(runs, 2, "km_survival_5y", seed=1)
    assert draws.shape == (2, pooled.RESAMPLES)
    se2 = pooled.squared_se(draws, 3)
    assert se2[1] == 0.0  # every pole survives in every replicate: no noise
    assert se2[0] > 0.0
    noise = pooled.noise_table(
        pd.DataFrame({"km_survival_5y": values}), {"km_survival_5y": draws}, 3
    )
    assert 0.0 <= noise.loc[0, "noise_share_mean"] <= noise.loc[0, "noise_share_run"] <= 1.0


def test_duplicate_design_points_run_once_and_floats_survive_the_csv() -> None:
    points = [
        {"turnover.rate": 0.1 + 0.2, "calls.open": True, "calls.duration": 12},
        {"turnover.rate": 1e-05, "calls.open": False, "calls.duration": 60},
        {"turnover.rate": 0.1 + 0.2, "calls.open": True, "calls.duration": 12},
    ]
    distinct, row_of = unique_points(points)
    assert row_of == [0, 1, 0]
    assert len(distinct) == 2
    text, data = sweep_files(Scenario(), distinct, 2, 5, ["survival_5y"], poles=False)
    assert text.splitlines()[1:] == ["0.30000000000000004,true,12", "1e-05,false,60"]
    assert data["paired"] is True
    assert data["design"] == "file"
