"""Calibration: the analysis of a sweep (apps/calibration.py), the staged procedure
(apps/calibrate.py, ``ptce-sim calibrate``) and the verdict on the shipped baseline
(``ptce-sim patterns``)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ptce_sim.apps import calibrate as procedure
from ptce_sim.apps import calibration as cal
from ptce_sim.apps.cli import main
from ptce_sim.apps.patterns import PATTERNS


def synthetic_runs(offsets: dict[int, float], replicates: int = 3) -> pd.DataFrame:
    """Runs of design points whose patterns sit ``offset`` half-bands from the targets."""
    rows = []
    for point, offset in offsets.items():
        for r in range(replicates):
            row = {"point": point, "replicate": r, "poles.join_consider": 0.01 * (point + 1)}
            row["cooperation.duration_max"] = 6 + point
            for p in PATTERNS:
                row[p.summary] = p.target + offset * p.half_band
            rows.append(row)
    return pd.DataFrame(rows)


FACTORS = ["poles.join_consider", "cooperation.duration_max"]


def test_point_table_ranks_points_by_distance() -> None:
    points = cal.point_table(synthetic_runs({0: 2.0, 1: 0.0, 2: 0.5}), FACTORS)
    assert points["point"].tolist() == [1, 2, 0]
    assert points["distance"].tolist() == pytest.approx([0.0, 0.25, 4.0])
    assert points.loc[0, "passed"] == len(PATTERNS)
    assert (points["replicates"] == 3).all()


def test_point_table_names_a_missing_factor() -> None:
    with pytest.raises(KeyError, match=r"poles\.nope"):
        cal.point_table(synthetic_runs({0: 0.0}), ["poles.nope"])


def test_acceptance_spans_only_the_points_that_fit() -> None:
    points = cal.point_table(synthetic_runs({0: 2.0, 1: 0.0, 2: 0.5, 3: 0.9}), FACTORS)
    acc = cal.acceptance(points).set_index("parameter")
    row = acc.loc["poles.join_consider"]
    assert row["accepted_points"] == 3  # distances 0, 0.25, 0.81
    assert (row["accepted_lo"], row["accepted_hi"]) == pytest.approx((0.02, 0.04))
    assert row["accepted_span"] == pytest.approx(2 / 3)


def test_refined_box_is_centred_on_the_best_point_and_half_as_wide() -> None:
    points = cal.point_table(
        synthetic_runs({k: abs(k - 5) * 0.3 for k in range(12)}, replicates=1), FACTORS
    )
    previous = {"poles.join_consider": [0.0, 0.2], "cooperation.duration_max": [6, 24]}
    box = procedure.refined_bounds(points, previous)
    assert points.loc[0, "point"] == 5  # join_consider 0.06, duration_max 11
    assert box["poles.join_consider"] == pytest.approx([0.01, 0.11])
    lo, hi = box["cooperation.duration_max"]
    assert isinstance(lo, int)
    assert isinstance(hi, int)
    assert (lo, hi) == (6, 16)  # 11 - 4.5 = 6.5 -> 6; 6.5 + 9 = 15.5 -> 16


def test_refined_box_slides_inside_the_previous_one_at_an_edge() -> None:
    points = cal.point_table(synthetic_runs({0: 0.0, 1: 1.0}, replicates=1), FACTORS)
    previous = {"poles.join_consider": [0.01, 0.05], "cooperation.duration_max": [6, 8]}
    box = procedure.refined_bounds(points, previous)
    assert box["poles.join_consider"] == pytest.approx([0.01, 0.03])  # best is at 0.01
    assert box["cooperation.duration_max"] == [6, 7]  # never narrower than one unit


def test_stage_files_are_valid_toml_that_round_trips() -> None:
    data = {
        "description": 'a "quoted" text',
        "design": "lhs",
        "samples": 4,
        "poles": False,
        "set": {"run.steps": 48},
        "bounds": {"poles.join_consider": [0.01, 0.2], "cooperation.duration_max": [6, 24]},
    }
    assert tomllib.loads(procedure.dump_experiment(data)) == data


def test_defaults_are_rounded_and_grouped_by_section() -> None:
    text = procedure.defaults_toml(
        {"poles.join_consider": 0.0123456, "cooperation.duration_max": 9, "poles.pole_time": 0.18}
    )
    assert tomllib.loads(text) == {
        "poles": {"join_consider": 0.012, "pole_time": 0.18},
        "cooperation": {"duration_max": 9},
    }


def _confirmed(rows: list[tuple[int, float, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["point", "distance", "passed", "worst_margin"])


def test_choose_prefers_the_widest_weakest_pass_among_full_passes() -> None:
    n = len(procedure.PATTERNS)
    confirmed = _confirmed([(1, 0.5, n, 0.4), (2, 0.7, n, 2.5), (3, 0.3, n - 1, -0.2)])
    # the lowest distance (3) fails a pattern; among full passes the margin decides
    assert procedure.choose(confirmed)["point"] == 2


def test_choose_falls_back_to_the_lowest_distance_when_nothing_passes() -> None:
    n = len(procedure.PATTERNS)
    confirmed = _confirmed([(1, 0.9, n - 1, -0.1), (2, 0.4, n - 2, -1.0)])
    assert procedure.choose(confirmed)["point"] == 2


@pytest.mark.slow
def test_calibration_procedure_runs_end_to_end_on_a_tiny_budget(tmp_path: Path) -> None:
    out = tmp_path / "cal"
    assert main(["calibrate", "--budget", "tiny", "--jobs", "1", "--out", str(out)]) == 0
    result = json.loads((out / "calibration.json").read_text())
    budget = procedure.BUDGETS["tiny"]
    assert result["search_points"] == budget.search_samples
    assert result["refine_points"] == budget.refine_samples * budget.refine_rounds
    assert len(result["confirmed"]) == budget.confirm_top
    assert result["confirm_replicates"] == budget.confirm_replicates
    assert result["replicates"] == budget.verify_replicates
    assert set(result["chosen"]) == set(
        tomllib.loads((Path("experiments") / "calibration.toml").read_text())["bounds"]
    )
    for name in ("search", "refine1", "confirm", "verify"):
        assert (out / name / "runs.parquet").is_file()
    assert (out / "acceptance.png").stat().st_size > 1000
    # The chosen point is the confirmed one that choose() picks ...
    confirmed = pd.read_csv(out / "confirm_points.csv")
    pick = procedure.choose(confirmed)
    assert result["confirm_distance"] == pytest.approx(pick["distance"])
    # ... and the verify stage ran exactly the values written into the defaults.
    assert result["written"] == procedure.rounded(result["chosen"])
    verify = pd.read_parquet(out / "verify" / "runs.parquet")
    for key, value in result["written"].items():
        assert (verify[key] == value).all(), key
    # A finished calibration resumed is unchanged.
    before = (out / "calibration.json").read_text()
    assert main(["calibrate", "--budget", "tiny", "--out", str(out), "--resume"]) == 0
    assert (out / "calibration.json").read_text() == before


def test_calibrate_refuses_a_non_empty_folder_without_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x").write_text("keep me")
    assert main(["calibrate", "--budget", "tiny", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "--out" in err[0]
    assert (tmp_path / "x").read_text() == "keep me"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--replicates", "0"], "--replicates"),
        (["--jobs", "0"], "--jobs"),
        (["nosuchscenario"], "nosuchscenario"),
        (["--set", "poles.join_considr=0.1"], "join_consider"),
    ],
)
def test_patterns_bad_input_is_one_line_exit_2(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["patterns", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert needle in err[0]


#: Patterns the committed baseline sits at the edge of, since persons carry membership
#: (issue 14; docs/calibration.md "Where the fit is thin"): the calibration run on the
#: final code found no point passing all 13, and these three pass or fail narrowly
#: depending on the seeds (the verify stage's seeds: associations and cooperations per
#: member miss; seeds 1-50: the cell's staff misses). Each must stay within 3 SE.
KNOWN_MISSES = {"share_associations", "coops_per_member", "cell_fte"}


@pytest.fixture(scope="module")
def baseline_verdict(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list, Path]:
    """``ptce-sim patterns`` on the shipped baseline, fixed seeds 1-50."""
    folder = tmp_path_factory.mktemp("patterns")
    verdict, plot = folder / "verdict.json", folder / "patterns.png"
    code = main(["patterns", "-n", "50", "--json", str(verdict), "--plot", str(plot)])
    return code, json.loads(verdict.read_text()), plot


@pytest.mark.slow
def test_the_baseline_misses_no_pattern_beyond_the_known_narrow_misses(baseline_verdict) -> None:
    """The shipped baseline reproduces the field's figures, but for the patterns known to
    sit at an edge, each within 3 standard errors of its band."""
    code, rows, plot = baseline_verdict
    failed = {r["pattern"]: r for r in rows if not r["passed"]}
    assert set(failed) <= KNOWN_MISSES, sorted(failed)
    for row in failed.values():
        assert row["margin_se"] > -3, (row["pattern"], row["value"], row["margin_se"])
    assert code == (1 if failed else 0)
    assert plot.stat().st_size > 1000
    assert np.isfinite([r["value"] for r in rows]).all()


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True, reason=f"the committed calibration sits at an edge of: {sorted(KNOWN_MISSES)}"
)
def test_baseline_passes_every_pattern(baseline_verdict) -> None:
    """The goal: every pattern passes (an XPASS fails the suite: drop the mark then)."""
    _, rows, _ = baseline_verdict
    assert [r["pattern"] for r in rows if not r["passed"]] == []
