"""Scenario discovery finds a planted box and states it in words, with its three numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn")

from ptce_sim.apps.sensitivity.discover import discover
from ptce_sim.base.errors import ConfigError


def planted(folder: Path, points: int = 400, replicates: int = 2) -> Path:
    """A sweep-like runs table where poles survive when turnover is low and the subsidy high."""
    rng = np.random.default_rng(1)
    rate = rng.uniform(0.005, 0.04, points)
    subsidy = rng.uniform(0.0, 100.0, points)
    persons = rng.integers(1, 4, points)
    inside = (rate < 0.015) & (subsidy > 40)
    rows = []
    for p in range(points):
        for r in range(replicates):
            base = 0.8 if inside[p] else 0.2
            rows.append(
                {
                    "point": p,
                    "replicate": r,
                    "seed": 100 + r,
                    "turnover.rate": rate[p],
                    "funding.la_subsidy": subsidy[p],
                    "territory.persons_max": int(persons[p]),
                    "survival_10y": base + rng.normal(0, 0.05),
                    "poles_alive_end": 3.0,
                }
            )
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(folder / "runs.parquet", index=False)
    return folder


def test_the_planted_box_is_found_and_said_in_words(tmp_path: Path) -> None:
    box = discover(planted(tmp_path / "sweep"), "survival_10y", 0.6)
    assert set(box.limits) == {"turnover.rate", "funding.la_subsidy"}
    lo, hi = box.limits["turnover.rate"]
    assert lo == -np.inf
    assert hi == pytest.approx(0.015, abs=0.002)
    lo, hi = box.limits["funding.la_subsidy"]
    assert lo == pytest.approx(40, abs=4)
    assert hi == np.inf
    assert box.density > 0.9
    assert box.coverage > 0.9
    assert 0.1 < box.mass < 0.3
    text = box.statement
    assert text.startswith("With turnover.rate (")
    assert "at most 0.015 1/month (≈ 17%/year)" in text or "at most 0.01" in text
    assert "funding.la_subsidy" in text
    assert "above" in text
    assert "wages/year" in text  # the declared unit (money in wages)
    assert "(density" in text
    assert "(coverage)" in text
    assert "(mass)" in text


def test_below_threshold_and_csv_tables_work(tmp_path: Path) -> None:
    folder = planted(tmp_path / "csv")
    runs = pd.read_parquet(folder / "runs.parquet").drop(columns="point")
    runs.to_csv(folder / "runs.csv", index=False)  # no point column: grouped by factor values
    (folder / "runs.parquet").unlink()
    box = discover(folder, "survival_10y", 0.4, above=False)
    assert box.density > 0.9
    assert "≤ 0.4" in box.statement


def test_errors_are_one_line(tmp_path: Path) -> None:
    folder = planted(tmp_path / "e")
    with pytest.raises(ConfigError, match="did you mean 'survival_10y'"):
        discover(folder, "survival_10", 0.5)
    with pytest.raises(ConfigError, match="every design point has survival_10y"):
        discover(folder, "survival_10y", -1.0)
    with pytest.raises(ConfigError, match=r"no runs\.parquet or runs\.csv"):
        discover(tmp_path, "survival_10y", 0.5)
