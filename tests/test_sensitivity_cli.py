"""``ptce-sim sensitivity`` and ``ptce-sim discover`` through ``main(argv)``, on the real model."""

from __future__ import annotations

import contextlib
import io
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytest.importorskip("SALib")

from ptce_sim.apps import sweep
from ptce_sim.apps.cli import main

# 3 factors, 3 trajectories, 2 replicates, 4-year runs: 3 x 4 x 2 = 24 short runs.
SMALL = """
description = "tiny screening for the tests"
method = "{method}"
seed = 3
replicates = 2
outputs = ["poles_formed", "coops_per_org_year", "survival_10y"]
[set]
"run.steps" = 48
"territory.n_orgs" = 40
[morris]
trajectories = 3
num_levels = {levels}
[sobol]
n = {n}
[factors]
"turnover.rate" = [0.005, 0.04]
"cooperation.search_rate" = [0.06, 0.24]
"calls.open" = {{}}
"""


def write(tmp_path: Path, method: str = "morris", levels: int = 4, n: int = 4) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(textwrap.dedent(SMALL.format(method=method, levels=levels, n=n)), "utf-8")
    return path


def call(argv: Sequence[object]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.slow
def test_small_morris_run_of_the_model_end_to_end(in_tmp: Path) -> None:
    code, out, err = call(["sensitivity", write(in_tmp), "--jobs", 1, "--out", "res"])
    assert code == 0, err
    res = in_tmp / "res"
    indices = pd.read_csv(res / "indices.csv")
    assert len(indices) == 3 * 3
    assert set(indices.columns) >= {"output", "parameter", "mu_star", "mu_star_conf", "sigma"}
    assert indices.groupby("output")["parameter"].apply(list).iloc[0] == [
        "turnover.rate",
        "cooperation.search_rate",
        "calls.open",
    ]
    coops = indices[indices["output"] == "coops_per_org_year"]
    assert coops["mu_star"].notna().all()
    assert (coops["mu_star"] >= 0).all()
    runs = pd.read_parquet(res / "runs.parquet")
    assert len(runs) == 24
    assert runs["calls.open"].dtype == bool
    assert "# Sensitivity study: small (morris)" in out
    assert (res / "morris.png").stat().st_size > 0
    # discovery on the study's own folder
    mid = float(runs.groupby("point")["coops_per_org_year"].mean().median())
    code, out, err = call(
        ["discover", res, "--output", "coops_per_org_year", "--threshold", mid, "--out", "b.json"]
    )
    assert code == 0, err
    assert "coops_per_org_year ≥" in out
    assert "(coverage)" in out
    assert (in_tmp / "b.json").is_file()


def _runs_of(folder: Path) -> int:
    return len(pd.read_parquet(folder / "sweep" / "runs.parquet"))


@pytest.mark.slow
def test_resume_runs_only_what_is_missing_and_gives_the_same_indices(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp = write(in_tmp)
    assert call(["sensitivity", exp, "--jobs", 1, "--out", "ref"])[0] == 0
    total = _runs_of(in_tmp / "ref")  # distinct design points x 2 replicates

    real = sweep.execute
    calls: list[int] = []

    def interrupted(task: Any) -> Any:
        calls.append(1)
        if len(calls) == 7:
            raise KeyboardInterrupt  # the user presses Ctrl-C during the 7th run
        return real(task)

    monkeypatch.setattr(sweep, "execute", interrupted)
    code, _, err = call(["sensitivity", exp, "--jobs", 1, "--out", "res"])
    assert code == 130
    assert "6 of" in err
    assert "--resume" in err
    assert not (in_tmp / "res").exists()  # nothing half-written under the final name
    assert (in_tmp / ".res.partial" / "sweep" / "sweep.json").is_file()

    code, _, err = call(["sensitivity", exp, "--jobs", 1, "--out", "res"])
    assert code == 2
    assert "add --resume" in err
    assert len(err.strip().splitlines()) == 1

    counted: list[int] = []
    monkeypatch.setattr(sweep, "execute", lambda task: counted.append(1) or real(task))
    code, _, err = call(["sensitivity", exp, "--jobs", 1, "--out", "res", "--resume"])
    assert code == 0, err
    assert sum(counted) == total - 6  # the 6 finished runs were kept
    for name in ("indices.csv", "noise.csv"):
        pd.testing.assert_frame_equal(
            pd.read_csv(in_tmp / "res" / name), pd.read_csv(in_tmp / "ref" / name)
        )
    assert not (in_tmp / ".res.partial").exists()


@pytest.mark.slow
def test_jobs_2_gives_the_same_indices_as_jobs_1(in_tmp: Path) -> None:
    exp = write(in_tmp)
    assert call(["sensitivity", exp, "--jobs", 1, "--out", "one"])[0] == 0
    code, _, err = call(["sensitivity", exp, "--jobs", 2, "--out", "two"])
    assert code == 0, err
    for name in ("indices.csv", "noise.csv", "convergence.csv"):
        pd.testing.assert_frame_equal(
            pd.read_csv(in_tmp / "two" / name), pd.read_csv(in_tmp / "one" / name)
        )
    pd.testing.assert_frame_equal(
        pd.read_parquet(in_tmp / "two" / "runs.parquet"),
        pd.read_parquet(in_tmp / "one" / "runs.parquet"),
    )


@pytest.mark.slow
def test_a_dask_local_cluster_gives_the_same_indices_as_loky(in_tmp: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    exp = write(in_tmp)
    assert call(["sensitivity", exp, "--jobs", 2, "--out", "loky"])[0] == 0
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster,
    ):
        code, _, err = call(
            ["sensitivity", exp, "--backend", "dask", "--scheduler", cluster.scheduler_address,
             "--out", "dask"]
        )  # fmt: skip
    assert code == 0, err
    for name in ("indices.csv", "noise.csv"):
        pd.testing.assert_frame_equal(
            pd.read_csv(in_tmp / "dask" / name), pd.read_csv(in_tmp / "loky" / name)
        )


def test_scheduler_needs_the_dask_backend(in_tmp: Path) -> None:
    code, _, err = call(["sensitivity", write(in_tmp), "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2
    assert "--scheduler needs --backend dask" in err


def test_resume_refuses_a_changed_experiment(in_tmp: Path) -> None:
    exp = write(in_tmp)
    partial = in_tmp / ".res.partial"
    partial.mkdir()
    (partial / "experiment.json").write_text('{"experiment": {"seed": 99}}', "utf-8")
    code, _, err = call(["sensitivity", exp, "--jobs", 1, "--out", "res", "--resume"])
    assert code == 2
    assert "cannot resume: the experiment changed" in err
    # The command's status line, then the error: one line of it, no traceback.
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert err.strip().splitlines()[-1] == errors[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"method": "sobolx"}, "method = 'sobolx': unknown method"),
        ({"method": "sobol", "n": 12}, "sobol.n = 12: must be a power of 2"),
        ({"levels": 3}, "morris.num_levels = 3: must be even"),
    ],
)
def test_bad_experiments_exit_2_with_one_line(
    in_tmp: Path, kw: dict[str, Any], expected: str
) -> None:
    code, _out, err = call(["sensitivity", write(in_tmp, **kw), "--out", "res"])
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert expected in lines[0]
    assert not any(in_tmp.glob("res*"))
    assert not any(in_tmp.glob(".res*"))


def test_cli_option_errors(in_tmp: Path) -> None:
    exp = write(in_tmp)
    code, _, err = call(["sensitivity", exp, "--resume"])
    assert code == 2
    assert "--resume: needs --out DIR" in err
    code, _, err = call(["sensitivity", exp, "--jobs", 0])
    assert code == 2
    assert "--jobs: must be -1 (all cores) or >= 1" in err
    code, _, err = call(["discover", in_tmp, "--threshold", 0.5])
    assert code == 2
    assert "no runs.parquet or runs.csv" in err


@pytest.mark.slow
def test_pooled_kaplan_meier_outputs_through_the_sweep_engine(in_tmp: Path) -> None:
    text = write(in_tmp).read_text("utf-8")
    text = text.replace('"run.steps" = 48', '"run.steps" = 84').replace(
        'outputs = ["poles_formed", "coops_per_org_year", "survival_10y"]',
        'outputs = ["survival_5y", "km_survival_5y"]',
    )
    path = in_tmp / "km.toml"
    path.write_text(text, "utf-8")
    code, out, err = call(["sensitivity", path, "--jobs", 2, "--out", "km"])
    assert code == 0, err
    noise = pd.read_csv(in_tmp / "km" / "noise.csv").set_index("output")
    assert list(noise.index) == ["survival_5y", "km_survival_5y"]
    runs = pd.read_parquet(in_tmp / "km" / "runs.parquet")
    assert {"pole_months", "pole_died"} <= set(runs.columns)
    assert (in_tmp / "km" / "sweep" / "poles.parquet").is_file()
    assert "bootstrap over the replicates" in out
