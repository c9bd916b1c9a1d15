"""The ``ptce-sim`` command line.

Every user error (bad scenario file, unknown ``--set`` key, out-of-range value) ends with
exit code 2 and one line on stderr naming the file, the dotted key, the value, the allowed
range and the meaning — never a traceback, never a half-written output folder.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

import ptce_sim
from ptce_sim.apps import paramdoc
from ptce_sim.apps.engine_cli import (
    check_engine,
    check_jobs,
    engine_options,
    output_folder,
    start_workers,
    stop_workers,
)
from ptce_sim.apps.progress import LazyProgress
from ptce_sim.apps.sensitivity.commands import discover_command, sensitivity_command
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import parse_cli_value
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.summary import SUMMARY_DOCS

EXIT_USER_ERROR = 2
_INVOCATION: list[str] = []  # the arguments of this invocation, recorded in run.json


def _fail(err: ConfigError) -> None:
    stop_workers()  # started early by a sweeping command: they have nothing to do
    click.echo(f"error: {err}", err=True)
    sys.exit(EXIT_USER_ERROR)


def _overrides(pairs: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in pairs:
        if "=" not in item:
            raise ConfigError(
                "expected KEY=VALUE, e.g. --set turnover.rate=0.03", "--set", value=item
            )
        key, _, text = item.partition("=")
        out[key.strip()] = parse_cli_value(text.strip())
    return out


def _check_runs(replicates: int, seed: int, jobs: int) -> None:
    """The options shared by the commands that run replicates of scenarios."""
    if replicates < 1:
        raise ConfigError(
            "must be at least 1", "--replicates", value=replicates, allowed="an integer >= 1"
        )
    if seed < 0:
        raise ConfigError("seed must be >= 0", "--seed", value=seed, allowed="an integer >= 0")
    check_jobs(jobs)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "–" if value != value else f"{value:.3g}"
    return str(value)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(ptce_sim.__version__, prog_name="ptce-sim")
def cli() -> None:
    """Simulate territorial economic cooperation poles (PTCE)."""


@cli.command()
@click.argument("scenario", required=False, default=None)
@click.option("--seed", type=int, default=None, help="Root seed (>= 0; default 1).")
@click.option(
    "--steps", type=int, default=None, help="Months to simulate (default: the scenario's)."
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a parameter, e.g. --set turnover.rate=0.03 (repeatable).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (default: runs/<scenario>-<timestamp>/).",
)
@click.option(
    "--from",
    "from_",
    type=click.Path(path_type=Path),
    default=None,
    help="A sweep's runs.parquet: re-run one of its rows (with --run-id).",
)
@click.option("--run-id", default=None, help="The run id (or a unique prefix) to re-run.")
def run(
    scenario: str | None,
    seed: int | None,
    steps: int | None,
    sets: tuple[str, ...],
    out: Path | None,
    from_: Path | None,
    run_id: str | None,
) -> None:
    """Run SCENARIO (a name or a .toml path; default: the built-in baseline) once."""
    from ptce_sim.world.run import check_out_dir, run_one, write_run

    if from_ is not None or run_id is not None:
        _rerun(from_, run_id, (scenario, seed, steps, sets), out)
        return
    console = Console(stderr=True)
    seed = 1 if seed is None else seed
    try:
        if seed < 0:
            raise ConfigError("seed must be >= 0", "--seed", value=seed, allowed="an integer >= 0")
        spec = scenarios.load(scenario or "baseline")
        updates = _overrides(sets)
        if steps is not None:
            spec = spec.with_overrides({"run.steps": steps}, "--steps")
        spec = spec.with_overrides(updates, "--set")
        if out is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            out = Path("runs") / f"{spec.name}-{stamp}"
        check_out_dir(out)
    except ConfigError as err:
        _fail(err)
    bar = LazyProgress(console, f"{spec.name} (seed {seed})")
    try:
        result = run_one(spec, seed=seed, progress=bar)
    except ConfigError as err:
        _fail(err)
    finally:
        bar.close()
    write_run(result, out, command=["ptce-sim", *_INVOCATION])
    _print_summary(spec.name, seed, result.summary, out)


def _rerun(
    path: Path | None, run_id: str | None, others: tuple[Any, ...], out: Path | None
) -> None:
    from ptce_sim.apps import rerun
    from ptce_sim.world.run import check_out_dir, run_one, write_run

    try:
        if path is None or run_id is None:
            raise ConfigError("give both --from RUNS.parquet and --run-id ID", "--from")
        if any(v not in (None, ()) for v in others):
            raise ConfigError(
                "a re-run takes its scenario, seed and parameters from the row; "
                "drop SCENARIO, --seed, --steps and --set",
                "--from",
            )
        stored = rerun.load(path, run_id)
        if out is None:
            out = Path("runs") / f"rerun-{stored.run_id}-{datetime.now():%Y%m%d-%H%M%S}"
        check_out_dir(out)
    except ConfigError as err:
        _fail(err)
    result = run_one(stored.scenario, seed=stored.seed)
    write_run(result, out, command=["ptce-sim", *_INVOCATION])
    name = f"{stored.scenario.name} (run {stored.run_id})"
    _print_summary(name, stored.seed, result.summary, out)
    diff = rerun.differences(stored.summary, result.summary)
    if not diff:
        click.echo(
            f"reproduced: all {len(stored.summary)} stored summaries of run {stored.run_id} "
            "are identical"
        )
        return
    why = "" if stored.same_code else " (the model code changed since the sweep)"
    click.echo(f"warning: not reproduced{why}: {', '.join(diff)} differ", err=True)
    sys.exit(1)


def _print_summary(name: str, seed: int, summary: dict[str, Any], out: Path) -> None:
    table = Table(title=f"ptce-sim run — {name}, seed {seed}", title_justify="left")
    table.add_column("summary", style="bold")
    table.add_column("value", justify="right")
    table.add_column("meaning")
    for key, doc in SUMMARY_DOCS.items():
        table.add_row(key, _fmt(summary[key]), doc)
    console = Console()
    console.print(table)
    console.print(
        f"Outputs written to [bold]{out}[/bold]/ "
        "(timeseries.parquet, timeseries.csv, poles.parquet, summary.json, run.json)"
    )


@cli.command()
@click.argument("scenario_refs", metavar="[SCENARIO]...", nargs=-1)
@click.option(
    "--replicates",
    "-n",
    type=int,
    default=20,
    show_default=True,
    help="Runs per scenario (paired seeds).",
)
@click.option(
    "--jobs",
    "-j",
    type=int,
    default=-1,
    show_default=True,
    help="Parallel workers (-1 = all cores).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Seed of replicate 0; replicate r uses seed + r in every scenario.",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a parameter in every scenario (repeatable).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (default: runs/compare-<timestamp>/).",
)
def compare(
    scenario_refs: tuple[str, ...],
    replicates: int,
    jobs: int,
    seed: int,
    sets: tuple[str, ...],
    out: Path | None,
) -> None:
    """Compare scenarios (default: the shipped funding policies) over paired replicates."""
    from ptce_sim.apps import compare as cmp
    from ptce_sim.apps.parallel import run_tasks
    from ptce_sim.world.run import check_out_dir

    console = Console(stderr=True)
    try:
        _check_runs(replicates, seed, jobs)
        names = scenario_refs or cmp.DEFAULT_POLICIES
        updates = _overrides(sets)
        specs = [scenarios.load(ref).with_overrides(updates, "--set") for ref in names]
        labels = [s.name for s in specs]
        if len(set(labels)) != len(labels):
            raise ConfigError("the same scenario is named twice", "compare", value=labels)
        if out is None:
            out = Path("runs") / f"compare-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
        check_out_dir(out)
    except ConfigError as err:
        _fail(err)
    tasks = [(spec, seed + r) for spec in specs for r in range(replicates)]
    bar = LazyProgress(console, f"{len(specs)} scenarios x {replicates} runs")
    try:
        results = run_tasks(tasks, jobs=jobs, progress=bar)
    finally:
        bar.close()
    import pandas as pd  # here: importing it costs every command a third of a second

    runs = pd.DataFrame([{"scenario": r.scenario, "seed": r.seed, **r.summary} for r in results])
    poles = pd.DataFrame(
        [{"scenario": r.scenario, "seed": r.seed, **p} for r in results for p in r.poles]
    )
    comparison = cmp.compare(runs, poles, labels)
    cmp.write_comparison(comparison, out)
    cmp.print_comparison(comparison, replicates, out)


@cli.command()
@click.argument("experiment_ref", metavar="EXPERIMENT")
@engine_options("<experiment>")
@click.option(
    "--flush-every",
    type=float,
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Commit finished runs at least this often (the most work a kill can lose).",
)
def sweep(
    experiment_ref: str,
    jobs: int,
    backend: str,
    scheduler: str | None,
    out: Path | None,
    resume: bool,
    flush_every: float,
) -> None:
    """Run every run of EXPERIMENT (a .toml path or a name in experiments/), resumably."""
    try:
        check_engine(jobs, backend, scheduler)
        if flush_every <= 0:
            raise ConfigError("must be > 0", "--flush-every", value=flush_every)
    except ConfigError as err:
        _fail(err)
    # The workers start now: their imports overlap the engine's and the experiment's.
    start_workers(jobs, backend)
    from ptce_sim.apps import experiment
    from ptce_sim.apps import sweep as engine
    from ptce_sim.apps.progress import SweepProgress

    console = Console(stderr=True)
    try:
        exp = experiment.load(experiment_ref)
        out = output_folder(out, resume, Path(exp.path).stem)
        options = engine.Options(
            jobs=jobs, backend=backend, scheduler=scheduler, flush_seconds=flush_every
        )
        resume_cmd = f"ptce-sim sweep {experiment_ref} --out {out} --resume"
        header = (
            f"sweep {exp.path}: {len(exp.points)} design points x {exp.replicates} replicates "
            f"= {exp.n_runs} runs -> {out}/ (if interrupted: {resume_cmd})"
        )
        bar = SweepProgress(console, Path(exp.path).stem, header=header)
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            result = engine.run_sweep(
                exp, out, options, resume, ["ptce-sim", *_INVOCATION], progress=bar
            )
        finally:
            bar.close()
            signal.signal(signal.SIGTERM, previous)
            # Idle workers are stopped, not left to exit on their own: a worker's
            # interpreter teardown (Mesa, numba) would keep the command ~0.5 s longer.
            stop_workers()
    except ConfigError as err:
        _fail(err)
    except engine.Interrupted as stop:
        click.echo(
            f"interrupted: {stop.done} of {stop.total} runs saved in {out}/; "
            f"resume with: {resume_cmd}",
            err=True,
        )
        sys.exit(130)
    if result.already_complete:
        click.echo(f"{out}: already complete ({result.total} runs); nothing to do")
        return
    rate = result.ran / result.seconds if result.seconds > 0 else float("nan")
    tables = ", ".join(f"{engine.TABLES[t]} ({n} rows)" for t, n in result.rows.items())
    click.echo(
        f"{result.total} runs in {out}/ ({result.ran} run by this session in "
        f"{result.seconds:.1f} s, {rate:.2f} runs/s): {tables}, experiment.toml, "
        "provenance.json. "
        f"Report: ptce-sim report {out}"
    )


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--x", "x_key", default=None, help="Factor on the heatmap's x axis.")
@click.option("--y", "y_key", default=None, help="Factor on the heatmap's y axis.")
@click.option(
    "--horizon", type=float, default=5.0, show_default=True, help="Survival horizon (years)."
)
def report(folder: Path, x_key: str | None, y_key: str | None, horizon: float) -> None:
    """Write FOLDER/report.html (self-contained) and FOLDER/report/*.png for a sweep."""
    from ptce_sim.apps import report as rep

    try:
        path = rep.build(folder, x_key, y_key, horizon)
    except ConfigError as err:
        _fail(err)
    click.echo(f"report written: {path} (figures in {path.parent / 'report'}/)")


def _is_study(path: Path) -> bool:
    """True for a sensitivity study file (a top-level ``method``)."""
    import tomllib

    try:
        return "method" in tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check scenario or experiment FILES; print one line each; exit 2 if any is invalid."""
    from ptce_sim.apps import experiment

    bad = 0
    for path in files:
        try:
            ref = path if path.suffix else path.with_name(f"{path.name}.toml")
            if experiment.is_experiment(ref):
                exp = experiment.load(ref)
                click.echo(
                    f"ok: {path} (experiment; {exp.design}, {len(exp.points)} design points "
                    f"x {exp.replicates} replicates = {exp.n_runs} runs)"
                )
                continue
            if _is_study(ref):
                from ptce_sim.apps.sensitivity.spec import load_experiment

                study = load_experiment(ref)
                click.echo(
                    f"ok: {path} (sensitivity study; {study.method}, {len(study.factors)} factors)"
                )
                continue
            spec = scenarios.load(str(ref))
        except ConfigError as err:
            bad += 1
            click.echo(f"error: {err}", err=True)
            continue
        click.echo(f"ok: {path} ({spec.name}; {len(spec.policies)} policy change(s))")
    if bad:
        sys.exit(EXIT_USER_ERROR)


@cli.command()
@click.option("--markdown", is_flag=True, help="Print the Markdown page docs/parameters.md.")
@click.option(
    "--toml",
    "as_toml",
    is_flag=True,
    help="Print the defaults as a scenario file (scenarios/baseline.toml).",
)
def params(markdown: bool, as_toml: bool) -> None:
    """List every parameter: default, range, unit, role, provenance, meaning."""
    if as_toml:
        click.echo(paramdoc.baseline_toml(), nl=False)
        return
    if markdown:
        click.echo(paramdoc.markdown(), nl=False)
        return
    table = Table(title="ptce-sim parameters")
    for col in ("key", "default", "range", "unit", "role", "source", "meaning"):
        table.add_column(col, overflow="fold")
    for row in paramdoc.rows():
        table.add_row(*row)
    Console().print(table)


@cli.command()
@click.argument("scenario", required=False, default="baseline")
@click.option("--replicates", "-n", type=int, default=20, show_default=True, help="Runs.")
@click.option(
    "--jobs", "-j", type=int, default=-1, show_default=True, help="Workers (-1 = all cores)."
)
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of replicate 0.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a parameter.")
@click.option(
    "--json", "json_path", type=click.Path(path_type=Path), help="Also write the verdict as JSON."
)
@click.option(
    "--plot", type=click.Path(path_type=Path), help="Also draw simulated vs target (PNG)."
)
def patterns(
    scenario: str,
    replicates: int,
    jobs: int,
    seed: int,
    sets: tuple[str, ...],
    json_path: Path | None,
    plot: Path | None,
) -> None:
    """Check a scenario against the field's patterns; exit 0 if all pass, 1 otherwise."""
    from ptce_sim.apps import patterns as pat
    from ptce_sim.apps.parallel import run_tasks
    from ptce_sim.apps.patterns_view import plot_patterns, print_patterns

    console = Console(stderr=True)
    try:
        _check_runs(replicates, seed, jobs)
        spec = scenarios.load(scenario).with_overrides(_overrides(sets), "--set")
    except ConfigError as err:
        _fail(err)
    bar = LazyProgress(console, f"{spec.name}: {replicates} runs")
    try:
        results = run_tasks([(spec, seed + r) for r in range(replicates)], jobs=jobs, progress=bar)
    finally:
        bar.close()
    import pandas as pd

    runs = pd.DataFrame([r.summary for r in results])
    verdict = pat.evaluate(runs)
    title = (
        f"ptce-sim patterns — {spec.name}, {replicates} replicates (seeds {seed}–"
        f"{seed + replicates - 1}); calibration distance {pat.distance(runs):.2f}"
    )
    print_patterns(verdict, title)
    if json_path is not None:
        _write_atomic(json_path, verdict.to_json(orient="records", indent=2))
    if plot is not None:
        plot_patterns(verdict, plot, title)
    sys.exit(0 if verdict["passed"].all() else 1)


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(text)
    tmp.replace(path)


@cli.command()
@engine_options("calibration")
@click.option(
    "--budget",
    type=click.Choice(["full", "tiny"]),
    default="full",
    show_default=True,
    help="tiny: a smoke test of the procedure in seconds (results meaningless).",
)
@click.option(
    "--experiment",
    "source",
    type=click.Path(path_type=Path),
    default=None,
    help="Search-stage experiment (default: experiments/calibration.toml).",
)
def calibrate(
    jobs: int,
    backend: str,
    scheduler: str | None,
    budget: str,
    source: Path | None,
    out: Path | None,
    resume: bool,
) -> None:
    """Calibrate the uncertain parameters on the field's patterns (search, refine, confirm)."""
    from ptce_sim.apps import calibrate as cal
    from ptce_sim.apps import sweep as engine
    from ptce_sim.apps.progress import SweepProgress

    console = Console(stderr=True)
    try:
        check_engine(jobs, backend, scheduler)
        start_workers(jobs, backend)
        out = output_folder(out, resume, "calibration")
        if out.exists() and any(out.iterdir()) and not resume:
            raise ConfigError(
                "folder exists and is not empty (use --resume to finish it)", "--out", value=out
            )
        options = engine.Options(jobs=jobs, backend=backend, scheduler=scheduler)
        result = cal.calibrate(
            out,
            cal.BUDGETS[budget],
            options,
            resume=resume,
            source=source,
            progress=lambda stage: SweepProgress(console, f"calibration {stage}"),
        )
    except ConfigError as err:
        _fail(err)
    except engine.Interrupted as stop:
        click.echo(
            f"interrupted: {stop.done} of {stop.total} runs of this stage saved in {out}/; "
            f"resume with: ptce-sim calibrate --out {out} --resume",
            err=True,
        )
        sys.exit(130)
    finally:
        stop_workers()
    click.echo(
        f"Calibration in {out}/: {result['evaluated_points']} parameter sets evaluated "
        f"({result['evaluated_accepted_points']} within distance 1); of the "
        f"{len(result['confirmed'])} confirmed on fresh seeds, "
        f"{result['confirmed_accepted_points']} within 1.\nChosen (weakest pass "
        f"{result['confirm_worst_margin']:.1f} SE over {result['confirm_replicates']} "
        f"replicates), as written, on fresh seeds: distance {result['distance']:.2f}, "
        f"{result['patterns_passed']} of {len(result['patterns'])} patterns pass (weakest "
        f"{result['worst_margin']:.1f} SE, {result['replicates']} replicates).\n"
        "Defaults to write (2 significant digits; experiments/apply_calibration.py):\n"
        + cal.defaults_toml(result["chosen"])
    )


cli.add_command(sensitivity_command)  # issue 6: apps/sensitivity/
cli.add_command(discover_command)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
def web(host: str, port: int) -> None:
    """Serve the web view (needs the `web` extra: pip install "ptce-sim[web]")."""
    from ptce_sim.apps.web.server import missing, serve  # issue 15: apps/web/

    if missing():
        _fail(ConfigError(f"the web view needs the 'web' extra (missing: {missing()})", "web"))
    serve(host, port)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point (``ptce-sim``); returns the exit code instead of exiting when called."""
    args = list(argv) if argv is not None else sys.argv[1:]
    _INVOCATION[:] = args
    try:
        cli.main(args=args, prog_name="ptce-sim", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        if argv is None:
            raise
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":  # pragma: no cover
    main()
