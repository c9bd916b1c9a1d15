"""The ``ptce-sim`` command line, driven through ``ptce_sim.apps.cli.main(argv)``."""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import ptce_sim
from ptce_sim.apps import paramdoc
from ptce_sim.apps.cli import main
from ptce_sim.base.params import iter_specs, nested_dict
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.metrics import METRICS
from ptce_sim.world.parameters import Parameters
from ptce_sim.world.run import run_one
from ptce_sim.world.summary import SUMMARY_DOCS

OUTPUT_FILES = {
    "timeseries.parquet",
    "timeseries.csv",
    "poles.parquet",
    "events.parquet",
    "summary.json",
    "run.json",
}
REPO_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@dataclass
class CliResult:
    """Exit code and captured output of one ``main(argv)`` call."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def call_main(argv: Sequence[object]) -> CliResult:
    """Call the CLI entry point with ``argv``, capturing stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., CliResult]:
    """``run_cli(*argv)``: the CLI run from inside ``tmp_path`` (never the repository)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")  # rich tables: one line per row

    def run(*argv: object) -> CliResult:
        return call_main(argv)

    return run


def _same(a: Any, b: Any) -> bool:
    """Equality where JSON's null stands for NaN."""
    if isinstance(a, float) and math.isnan(a):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if isinstance(b, float) and math.isnan(b):
        return a is None
    return a == b


# -- a successful run (shared by several tests: one simulation, many checks) ----------------
@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CliResult, Path]]:
    root = tmp_path_factory.mktemp("cli_run")
    out = root / "runs" / "base"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.setenv("COLUMNS", "200")
        mp.delenv("PTCE_SIM_SCENARIOS", raising=False)
        result = call_main(
            [
                "run",
                "--steps",
                "12",
                "--seed",
                "7",
                "--set",
                "turnover.rate=0.03",
                "--set",
                "trust.gain = 0.2",
                "--out",
                str(out),
            ]
        )
        yield result, out


def _expected_baseline_spec() -> scenarios.Scenario:
    return scenarios.load("baseline").with_overrides(
        {"run.steps": 12, "turnover.rate": 0.03, "trust.gain": 0.2}
    )


def test_run_succeeds_and_writes_exactly_the_six_files(baseline_run) -> None:
    result, out = baseline_run
    assert result.code == 0, result.err
    assert "error" not in result.err.lower()
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES
    # written atomically: no temporary folder left next to it
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_timeseries_has_one_row_per_month_and_one_column_per_metric(baseline_run) -> None:
    _, out = baseline_run
    csv = pd.read_csv(out / "timeseries.csv")
    assert list(csv.columns) == ["month", *METRICS]
    assert len(csv) == 12
    assert csv["month"].tolist() == list(range(12))
    parquet = pd.read_parquet(out / "timeseries.parquet")
    assert list(parquet.columns) == list(csv.columns)
    pd.testing.assert_frame_equal(parquet, csv, check_dtype=False)


def test_outputs_are_those_of_the_requested_scenario_and_seed(baseline_run) -> None:
    """The CLI ran baseline + overrides with seed 7, nothing else."""
    _, out = baseline_run
    expected = run_one(_expected_baseline_spec(), seed=7)
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "timeseries.parquet"), expected.timeseries, check_dtype=False
    )
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert all(_same(expected.summary[k], summary[k]) for k in SUMMARY_DOCS), summary
    other_seed = run_one(_expected_baseline_spec(), seed=8).timeseries
    assert not other_seed.equals(expected.timeseries)


def test_summary_json_has_the_documented_keys(baseline_run) -> None:
    _, out = baseline_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert list(summary) == list(SUMMARY_DOCS)
    assert summary["months"] == 12
    assert summary["organisations"] == Parameters().territory.n_orgs
    csv = pd.read_csv(out / "timeseries.csv")
    assert summary["cooperations_started"] == csv["started"].sum()


def test_run_json_records_provenance(baseline_run) -> None:
    _, out = baseline_run
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert meta["ptce_sim"] == ptce_sim.__version__
    assert meta["mesa"] == version("mesa")
    assert meta["seed"] == 7
    assert meta["scenario"] == "baseline"
    assert meta["policy_log"] == []
    params = meta["parameters"]
    assert params == json.loads(json.dumps(nested_dict(_expected_baseline_spec().params)))
    # --set and --steps reached the recorded parameters; the rest are the defaults
    assert params["turnover"]["rate"] == 0.03
    assert params["trust"]["gain"] == 0.2
    assert params["run"]["steps"] == 12
    assert params["trust"]["loss"] == Parameters().trust.loss
    assert set(params) == set(nested_dict(Parameters()))


def test_run_prints_the_summary_table(baseline_run) -> None:
    result, out = baseline_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    lines = result.out.splitlines()
    for key in SUMMARY_DOCS:
        assert any(re.search(rf"\b{key}\b", line) for line in lines), key
    months_row = next(line for line in lines if re.search(r"\bmonths\b", line))
    assert re.search(r"\b12\b", months_row)
    started_row = next(line for line in lines if re.search(r"\bcooperations_started\b", line))
    assert re.search(rf"\b{summary['cooperations_started']}\b", started_row)
    assert "seed 7" in result.out
    assert str(out) in result.out.replace("\n", "")


def test_run_json_records_the_command_that_was_run(baseline_run) -> None:
    _, out = baseline_run
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert meta["command"][-2:] == ["--out", str(out)]


def test_scenario_with_a_start_month_gets_dates_and_logs_its_policies(
    run_cli: Callable[..., CliResult], write_toml, tmp_path: Path
) -> None:
    path = write_toml(
        "dated.toml",
        """
        extends = "baseline"
        start = "2009-01"
        [run]
        steps = 14
        [[policy]]
        at = 3
        set = { "turnover.rate" = 0.05 }
        source = "a wave of departures"
        """,
    )
    out = tmp_path / "runs" / "dated"
    # seed 3: a pole from the warm start is alive at month 0 (calibrated baseline)
    result = run_cli("run", path, "--seed", "3", "--out", out)
    assert result.code == 0, result.err
    csv = pd.read_csv(out / "timeseries.csv")
    assert list(csv.columns) == ["month", "date", *METRICS]
    assert len(csv) == 14
    # 2009-01 + 12 months = 2010-01 ; + 13 = 2010-02
    assert csv["date"].tolist()[:3] == ["2009-01", "2009-02", "2009-03"]
    assert csv["date"].iloc[12] == "2010-01"
    assert csv["date"].iloc[13] == "2010-02"
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert meta["start"] == "2009-01"
    assert meta["scenario"] == "dated"
    assert meta["parameters"]["turnover"]["rate"] == 0.015  # month 0
    assert meta["policy_log"] == [
        {
            "month": 3,
            "key": "turnover.rate",
            "old": 0.015,
            "new": 0.05,
            "source": "a wave of departures",
        }
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["policy_changes"] == 1
    # a pole that emerged in the warm start (a negative month) is dated before the start
    poles = pd.read_parquet(out / "poles.parquet")
    labels = {m: f"{2009 + (m // 12)}-{m % 12 + 1:02d}" for m in range(-120, 14)}
    assert (poles["formed"] < 0).any(), "seed 3 has no pole from the warm start"
    assert poles["formed_date"].tolist() == [labels[int(m)] for m in poles["formed"]]


def test_scenario_by_name(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    out = tmp_path / "runs" / "high"
    result = run_cli("run", "high_turnover", "--steps", "3", "--out", out)
    assert result.code == 0, result.err
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert meta["scenario"] == "high_turnover"
    assert meta["parameters"]["turnover"]["rate"] == 0.03
    assert meta["seed"] == 1  # the documented default
    assert len(pd.read_csv(out / "timeseries.csv")) == 3


def test_empty_existing_out_folder_is_used(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    out = tmp_path / "runs" / "empty"
    out.mkdir(parents=True)
    result = run_cli("run", "--steps", "2", "--out", out)
    assert result.code == 0, result.err
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES
    assert [p.name for p in out.parent.iterdir()] == ["empty"]


# -- every bad input: exit 2, one line on stderr, no traceback, no output folder -------------
BAD_RUNS: dict[str, tuple[Callable[[Path], list[str]], str]] = {}


def bad_run(name: str, expected: str) -> Callable:
    def register(make: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
        BAD_RUNS[name] = (make, expected)
        return make

    return register


def _toml(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@bad_run("unknown key", "did you mean 'turnover.rate'?")
def _(d: Path) -> list[str]:
    return [_toml(d, "s.toml", "[turnover]\nrte = 0.03\n")]


@bad_run("wrong type", "turnover.rate = 'high': wrong type")
def _(d: Path) -> list[str]:
    return [_toml(d, "s.toml", '[turnover]\nrate = "high"\n')]


@bad_run("out of range", "turnover.rate = 0.5: out of range; allowed a number in [0, 0.2]")
def _(d: Path) -> list[str]:
    return [_toml(d, "s.toml", "[turnover]\nrate = 0.5\n")]


@bad_run("unknown section", "did you mean 'turnover'?")
def _(d: Path) -> list[str]:
    return [_toml(d, "s.toml", "[turnvoer]\nrate = 0.03\n")]


@bad_run("broken TOML", "broken TOML")
def _(d: Path) -> list[str]:
    return [_toml(d, "s.toml", "[turnover\nrate = 0.03\n")]


@bad_run("missing file", "file not found")
def _(d: Path) -> list[str]:
    return [str(d / "missing.toml")]


@bad_run("directory", "folder.toml")
def _(d: Path) -> list[str]:
    (d / "folder.toml").mkdir()
    return [str(d / "folder.toml")]


@bad_run("unknown scenario name", "did you mean 'high_turnover'?")
def _(d: Path) -> list[str]:
    return ["high_turnovr"]


@bad_run("extends cycle", "'extends' cycle")
def _(d: Path) -> list[str]:
    _toml(d, "b.toml", 'extends = "a.toml"\n')
    return [_toml(d, "a.toml", 'extends = "b.toml"\n')]


@bad_run("policy on a structural key", "structural parameter")
def _(d: Path) -> list[str]:
    return [_toml(d, "s.toml", '[[policy]]\nat = 1\nset = { "run.steps" = 5 }\n')]


@bad_run("--set without =", "expected KEY=VALUE")
def _(d: Path) -> list[str]:
    return ["--set", "turnover.rate"]


@bad_run("--set unknown key", "--set: turnover.rte: unknown parameter")
def _(d: Path) -> list[str]:
    return ["--set", "turnover.rte=0.03"]


@bad_run("--set wrong type", "--set: run.steps = 'twelve': wrong type")
def _(d: Path) -> list[str]:
    return ["--set", "run.steps=twelve"]


@bad_run("--set out of range", "--set: turnover.rate = 0.5: out of range")
def _(d: Path) -> list[str]:
    return ["--set", "turnover.rate=0.5"]


@bad_run("--set cross-field", "vacancy_min must not exceed vacancy_max")
def _(d: Path) -> list[str]:
    return ["--set", "turnover.vacancy_min=9"]


@bad_run("negative --seed", "--seed")
def _(d: Path) -> list[str]:
    return ["--seed", "-1"]


@bad_run("--steps 0", "--steps: run.steps = 0: out of range")
def _(d: Path) -> list[str]:
    return ["--steps", "0"]


@pytest.mark.parametrize("case", list(BAD_RUNS))
def test_bad_input_exits_2_with_one_error_line_and_no_output(
    run_cli: Callable[..., CliResult], tmp_path: Path, case: str
) -> None:
    make, expected = BAD_RUNS[case]
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    runs = tmp_path / "runs"
    runs.mkdir()
    out = runs / "out"
    argv = make(inputs)
    steps = [] if "--steps" in argv else ["--steps", "2"]
    result = run_cli("run", *argv, *steps, "--out", out)
    assert result.code == 2, (result.code, result.err)
    assert len(result.err_lines) == 1, result.err
    line = result.err_lines[0]
    assert line.startswith("error: ")
    assert expected in line, line
    assert "Traceback" not in result.err + result.out
    assert result.out == ""
    assert not out.exists()
    assert list(runs.iterdir()) == []  # no hidden .out.partial-* folder either
    assert not (tmp_path / "runs" / "baseline").exists()


def test_file_errors_name_the_file_and_key(
    run_cli: Callable[..., CliResult], write_toml, tmp_path: Path
) -> None:
    path = write_toml("s.toml", "[turnover]\nrate = 0.5\n")
    result = run_cli("run", path, "--out", tmp_path / "o")
    assert result.err_lines == [
        f"error: {path}: turnover.rate = 0.5: out of range; allowed a number in [0, 0.2]; "
        "meaning: h: monthly probability that a boundary spanner leaves (0.015 = 17 %/year)"
    ]


def test_non_empty_out_folder_is_refused_and_left_untouched(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    out = runs / "previous"
    out.mkdir(parents=True)
    (out / "keep.txt").write_text("results I care about", encoding="utf-8")
    result = run_cli("run", "--steps", "2", "--out", out)
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert result.err_lines[0].startswith(f"error: {out}: output folder exists and is not empty")
    assert "Traceback" not in result.err
    assert [p.name for p in runs.iterdir()] == ["previous"]
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert (out / "keep.txt").read_text(encoding="utf-8") == "results I care about"


def test_out_pointing_at_a_file_is_refused(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    target = tmp_path / "a_file"
    target.write_text("x", encoding="utf-8")
    result = run_cli("run", "--steps", "2", "--out", target)
    assert result.code == 2
    assert result.err_lines[0].startswith("error: ")
    assert target.read_text(encoding="utf-8") == "x"


def test_interrupted_writing_leaves_no_output_folder(
    run_cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the files are being written: neither the folder nor a temporary one.
    Called in-process, the command leaves the caller's Ctrl-C handler as it found it
    (only the ``ptce-sim`` process itself ignores Ctrl-C once interrupted)."""
    from ptce_sim.world import run as run_module

    def interrupted(obj: Any, path: Path) -> None:
        path.write_text("{", encoding="utf-8")  # half a file, then the interrupt
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "_dump", interrupted)
    runs = tmp_path / "runs"
    runs.mkdir()
    handler = signal.getsignal(signal.SIGINT)
    result = run_cli("run", "--steps", "2", "--out", runs / "out")
    assert result.code == 130  # interrupted: one line, exit 130
    assert signal.getsignal(signal.SIGINT) is handler
    assert result.err_lines[-1].startswith("interrupted")
    assert "Traceback" not in result.err
    assert list(runs.iterdir()) == []


def test_policies_conflicting_at_run_time_exit_2_without_traceback(
    run_cli: Callable[..., CliResult], write_toml, tmp_path: Path
) -> None:
    path = write_toml(
        "p.toml",
        """
        [[policy]]
        at = 1
        set = { "turnover.vacancy_max" = 2 }
        [[policy]]
        at = 2
        set = { "turnover.vacancy_min" = 3 }
        """,
    )
    out = tmp_path / "runs" / "o"
    result = run_cli("run", path, "--steps", "4", "--out", out)
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert not out.exists()


# -- validate ----------------------------------------------------------------------------
def test_validate_accepts_every_shipped_scenario(run_cli: Callable[..., CliResult]) -> None:
    files = sorted(REPO_SCENARIOS.glob("*.toml"))
    result = run_cli("validate", *files)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == len(files)
    for path, line in zip(files, lines, strict=True):
        spec = scenarios.load(path)
        assert line == f"ok: {path} ({spec.name}; {len(spec.policies)} policy change(s))"
    assert result.err == ""


def test_validate_reports_the_bad_file_and_exits_2(
    run_cli: Callable[..., CliResult], write_toml
) -> None:
    good = write_toml("good.toml", "[turnover]\nrate = 0.03\n")
    bad = write_toml("bad.toml", "[turnover]\nrate = 0.5\n")
    result = run_cli("validate", good, bad)
    assert result.code == 2
    assert result.out.splitlines() == [f"ok: {good} (good; 0 policy change(s))"]
    assert len(result.err_lines) == 1
    assert result.err_lines[0].startswith(f"error: {bad}: turnover.rate = 0.5: out of range")
    assert "Traceback" not in result.err


def test_validate_adds_the_toml_suffix(run_cli: Callable[..., CliResult], write_toml) -> None:
    path = write_toml("variant.toml", '[[policy]]\nat = 3\nset = { "trust.gain" = 0.2 }\n')
    result = run_cli("validate", path.with_suffix(""))
    assert result.code == 0, result.err
    assert result.out.strip() == f"ok: {path.with_suffix('')} (variant; 1 policy change(s))"


def test_validate_missing_file_exits_2(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = run_cli("validate", tmp_path / "nope.toml")
    assert result.code == 2
    assert result.err_lines == [f"error: {tmp_path / 'nope.toml'}: file not found"]


# -- params ------------------------------------------------------------------------------
def test_params_prints_every_parameter(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("params")
    assert result.code == 0
    for spec in iter_specs(Parameters):
        assert re.search(rf"(?<![\w.]){re.escape(spec.key)}(?![\w.])", result.out), spec.key
    rate_row = next(line for line in result.out.splitlines() if "turnover.rate " in line)
    assert "0.015" in rate_row
    assert "lever" in rate_row


def test_params_markdown_is_the_docs_page(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("params", "--markdown")
    assert result.code == 0
    assert result.out == paramdoc.markdown()


def test_version_and_help(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("--version")
    assert result.code == 0
    assert ptce_sim.__version__ in result.out
    result = run_cli("--help")
    assert result.code == 0
    for command in ("run", "validate", "params"):
        assert re.search(rf"^\s+{command}\b", result.out, re.MULTILINE), command
