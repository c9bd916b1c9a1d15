"""The sweep engine (apps/sweep.py) and its commands: identical results whatever the
schedule, resume without loss or duplicates, refusals that overwrite nothing."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import WriteToml
from ptce_sim.apps import experiment, sweep
from ptce_sim.apps.cli import main
from ptce_sim.base.errors import ConfigError
from ptce_sim.world.summary import SUMMARY_DOCS


def cli(*argv: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def tables(folder: Path) -> bytes:
    return b"".join((folder / n).read_bytes() for n in ("runs.parquet", "poles.parquet"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tiny experiment swept serially, uninterrupted: (experiment file, output)."""
    from conftest import TINY_EXPERIMENT

    root = tmp_path_factory.mktemp("ref")
    path = root / "tiny.toml"
    path.write_text(TINY_EXPERIMENT, encoding="utf-8")
    sweep.run_sweep(experiment.load(path), root / "out", sweep.Options(jobs=1))
    return path, root / "out"


def test_a_sweep_writes_one_row_per_run_with_parameters_and_summaries(
    reference: tuple[Path, Path],
) -> None:
    path, out = reference
    exp = experiment.load(path)
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == exp.n_runs == 12
    assert list(runs["run_id"]) == sorted(r[0] for r in exp.runs())
    assert {"run_id", "point", "replicate", "seed", "scenario", "handover"} <= set(runs)
    assert {"turnover.rate", "territory.n_orgs", "run.steps"} <= set(runs)
    assert set(SUMMARY_DOCS) <= set(runs)
    assert (runs["run.steps"] == 12).all()
    assert set(runs["handover"]) == {"on", "off"}
    on = runs[runs["handover"] == "on"]
    assert (on["turnover.handover"] == 0.6).all()
    poles = pd.read_parquet(out / "poles.parquet")
    assert set(poles["run_id"]) <= set(runs["run_id"])
    assert poles["died"].dtype == float
    assert (out / "experiment.toml").read_text() == path.read_text()
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["finished"]
    assert prov["sessions"][0]["status"] == "complete"
    assert prov["sessions"][0]["versions"]["mesa"]
    assert not (out / "parts").exists()
    meta = json.loads(pq.read_schema(out / "runs.parquet").metadata[b"ptce_sim.sweep"])
    assert meta["factors"] == ["scenario", "handover"]


def test_jobs_2_gives_bit_identical_tables(reference: tuple[Path, Path], tmp_path: Path) -> None:
    path, out = reference
    sweep.run_sweep(experiment.load(path), tmp_path / "o", sweep.Options(jobs=2, flush_runs=5))
    assert tables(tmp_path / "o") == tables(out)


def test_an_interrupted_sweep_resumes_to_the_same_tables(
    reference: tuple[Path, Path], tmp_path: Path
) -> None:
    path, out = reference
    exp = experiment.load(path)
    target = tmp_path / "o"

    def stop_after(n: int):  # simulates Ctrl-C after n runs
        def progress(done: int, total: int, session: int, seconds: float) -> None:
            if session >= n:
                raise KeyboardInterrupt

        return progress

    options = sweep.Options(jobs=1, flush_runs=2)
    with pytest.raises(sweep.Interrupted) as info:
        sweep.run_sweep(exp, target, options, progress=stop_after(5))
    assert info.value.done == 5  # the finished runs were committed before leaving
    with pytest.raises(sweep.Interrupted):
        sweep.run_sweep(exp, target, options, resume=True, progress=stop_after(4))
    result = sweep.run_sweep(exp, target, options, resume=True)
    assert (result.done_before, result.ran) == (9, 3)
    assert tables(target) == tables(out)
    sessions = json.loads((target / "provenance.json").read_text())["sessions"]
    assert [s["status"] for s in sessions] == ["interrupted", "interrupted", "complete"]
    again = sweep.run_sweep(exp, target, options, resume=True)
    assert again.already_complete
    assert tables(target) == tables(out)


def test_a_changed_experiment_is_refused_and_nothing_is_touched(
    reference: tuple[Path, Path], write_toml: WriteToml, tmp_path: Path
) -> None:
    path, out = reference
    before = snapshot(out)
    changed = write_toml(
        "changed.toml", path.read_text().replace("replicates = 3", "replicates = 4")
    )
    with pytest.raises(ConfigError, match="another experiment: its replicates differ"):
        sweep.run_sweep(experiment.load(changed), out, resume=True)
    changed = write_toml("c2.toml", path.read_text().replace('"structural"', '"calls_only"'))
    with pytest.raises(ConfigError, match="design points differ"):
        sweep.run_sweep(experiment.load(changed), out, resume=True)
    with pytest.raises(ConfigError, match=r"not empty.*--resume"):
        sweep.run_sweep(experiment.load(path), out)
    with pytest.raises(ConfigError, match="nothing to resume"):
        sweep.run_sweep(experiment.load(path), tmp_path, resume=True)
    assert snapshot(out) == before


def test_cli_errors_are_one_line_exit_2_and_write_nothing(
    tiny_experiment: Path, write_toml: WriteToml, tmp_path: Path, reference: tuple[Path, Path]
) -> None:
    bad = write_toml("bad.toml", "design = 'grid'\nseed = 1\n[levels]\n'turnover.rate' = [0.9]\n")
    code, _, err = cli("sweep", bad, "--out", tmp_path / "x")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "turnover.rate" in err
    assert "out of range" in err
    assert not (tmp_path / "x").exists()
    _, out = reference
    before = snapshot(out)
    changed = write_toml("c.toml", tiny_experiment.read_text().replace("seed = 7", "seed = 8"))
    code, _, err = cli("sweep", changed, "--out", out, "--resume")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "cannot resume" in err
    assert "seed" in err
    assert snapshot(out) == before
    code, _, err = cli("sweep", tiny_experiment, "--resume")
    assert code == 2
    assert "--resume: needs --out DIR" in err


def test_lock_refuses_a_second_sweep_in_the_same_folder(
    reference: tuple[Path, Path], tmp_path: Path
) -> None:
    path, _ = reference
    exp = experiment.load(path)
    target = tmp_path / "o"
    sweep.prepare(exp, target, resume=False)
    with sweep.Lock(target), pytest.raises(ConfigError, match="another sweep"):
        sweep.run_sweep(exp, target, resume=True)


def test_any_row_can_be_rerun_alone(reference: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = reference
    runs = pd.read_parquet(out / "runs.parquet")
    row = runs[runs["scenario"] == "structural"].iloc[0]
    code, stdout, err = cli(
        "run",
        "--from",
        out / "runs.parquet",
        "--run-id",
        row["run_id"][:8],
        "--out",
        tmp_path / "r",
    )
    assert code == 0, err
    assert f"reproduced: all {len(SUMMARY_DOCS)} stored summaries" in stdout
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["cooperations_started"] == row["cooperations_started"]
    code, _, err = cli("run", "--from", out / "runs.parquet", "--run-id", "zzz")
    assert code == 2
    assert "no run with this id" in err


def test_timeseries_and_kept_summaries(write_toml: WriteToml, tmp_path: Path) -> None:
    path = write_toml(
        "t.toml",
        """
        design = "grid"
        seed = 2
        replicates = 2
        keep = ["poles_formed", "survival_5y"]
        timeseries = ["started", "mean_person_trust"]
        [set]
        "run.steps" = 6
        "territory.n_orgs" = 30
        """,
    )
    sweep.run_sweep(experiment.load(path), tmp_path / "o")
    runs = pd.read_parquet(tmp_path / "o" / "runs.parquet")
    assert {"poles_formed", "survival_5y"} <= set(runs)
    assert "public_eur" not in runs
    ts = pd.read_parquet(tmp_path / "o" / "timeseries.parquet")
    assert list(ts.columns) == [
        "run_id",
        "point",
        "replicate",
        "month",
        "started",
        "mean_person_trust",
    ]
    assert len(ts) == 12
    assert list(ts["month"][:6]) == list(range(6))


def test_report_writes_a_self_contained_page(reference: tuple[Path, Path], tmp_path: Path) -> None:
    import shutil

    _, out = reference
    folder = tmp_path / "copy"
    shutil.copytree(out, folder)
    code, _stdout, err = cli("report", folder)
    assert code == 0, err
    page = (folder / "report.html").read_text()
    assert page.count("data:image/png;base64,") >= 4
    names = {p.name for p in (folder / "report").glob("*.png")}
    assert {
        "survival_by_point.png",
        "heatmap.png",
        "km_by_policy.png",
        "causes.png",
        "distributions.png",
    } <= names
    code, _, err = cli("report", folder, "--x", "nope")
    assert code == 2
    assert "not a factor" in err


@pytest.mark.parametrize(("runs", "workers"), [(300, 2), (10_000, 2), (7, 4), (1, 1), (5_000, 64)])
def test_chunks_cover_every_run_once_and_shrink_towards_the_end(runs: int, workers: int) -> None:
    """Guided chunks: every task once, in order; at most 32 runs; sizes never grow, and
    the last chunks are single runs, so that workers finish together."""
    chunks = list(sweep._chunks(iter(range(runs)), runs, workers))  # type: ignore[arg-type]
    assert [t for c in chunks for t in c] == list(range(runs))
    sizes = [len(c) for c in chunks]
    assert max(sizes) <= 32
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-1] == 1
    if runs >= 8 * 32 * workers:
        assert sizes[0] == 32
