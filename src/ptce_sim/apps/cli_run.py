"""``ptce-sim run``, ``compare`` and ``patterns``: the commands that hold results in memory.

Each follows the same order, so that a mistake costs a second, not the simulation:
read and check every input; check, create and prove writable the output location
(``outdir.py``); print a first line (within a second of starting); compile the model
if numba's cache lacks it, saying so (``warmup.py``); only then import the model and
run. A fault while writing the results is one line naming the path and the cause.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ptce_sim.apps import outdir, warmup
from ptce_sim.apps.cli_common import (
    INVOCATION,
    check_runs,
    fail,
    fmt,
    overrides,
    say,
)
from ptce_sim.apps.progress import LazyProgress
from ptce_sim.base.errors import ConfigError
from ptce_sim.world import scenario as scenarios

OUT_HELP = "Output folder (default: a new runs/{}-<timestamp>/)."


def _set_option(help_: str) -> Any:
    return click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help=help_)


@click.command(short_help="Run one scenario once and write its outputs.")
@click.argument("scenario", required=False, default=None)
@click.option("--seed", type=int, default=None, help="Root seed (>= 0; default 1).")
@click.option(
    "--steps", type=int, default=None, help="Months to simulate (default: the scenario's)."
)
@_set_option("Override a parameter, e.g. --set turnover.rate=0.03 (repeatable).")
@click.option("--out", default=None, help=OUT_HELP.format("<scenario>"))
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
    out: str | None,
    from_: Path | None,
    run_id: str | None,
) -> None:
    """Run SCENARIO (a name or a .toml path; default: the built-in baseline) once."""
    if from_ is not None or run_id is not None:
        _rerun(from_, run_id, (scenario, seed, steps, sets), out)
        return
    console = Console(stderr=True)
    seed = 1 if seed is None else seed
    try:
        if not 0 <= seed < 2**63:
            raise ConfigError(
                "seed out of range", "--seed", value=seed, allowed="0 <= seed < 2**63"
            )
        spec = scenarios.load(scenario or "baseline")
        if steps is not None:
            spec = spec.with_overrides({"run.steps": steps}, "--steps")
        spec = spec.with_overrides(overrides(sets), "--set")
        folder = outdir.prepare(out, spec.name)
    except ConfigError as err:
        fail(err)
    say(console, f"run {spec.name}, seed {seed}, {spec.params.run.steps} months -> {folder}/")
    warmup.ensure_compiled(console)
    from ptce_sim.world.run import run_one

    bar = LazyProgress(console, f"{spec.name} (seed {seed}): months")
    try:
        result = run_one(spec, seed=seed, progress=bar)
    except ConfigError as err:
        fail(err)
    finally:
        bar.close()
    _write(result, folder)
    _print_summary(spec.name, seed, result.summary, folder)


def _write(result: Any, folder: Path) -> None:
    from ptce_sim.world.run import write_run

    try:
        write_run(result, folder, command=["ptce-sim", *INVOCATION])
    except OSError as exc:
        fail(outdir.fs_error(getattr(exc, "filename", None) or folder, exc))


def _rerun(path: Path | None, run_id: str | None, others: tuple[Any, ...], out: str | None) -> None:
    from ptce_sim.apps import rerun

    console = Console(stderr=True)
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
        folder = outdir.prepare(out, f"rerun-{stored.run_id}")
    except ConfigError as err:
        fail(err)
    say(console, f"re-run {stored.run_id} of {path} -> {folder}/")
    warmup.ensure_compiled(console)
    from ptce_sim.world.run import run_one

    result = run_one(stored.scenario, seed=stored.seed)
    _write(result, folder)
    name = f"{stored.scenario.name} (run {stored.run_id})"
    _print_summary(name, stored.seed, result.summary, folder)
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
    from ptce_sim.world.summary import SUMMARY_DOCS

    table = Table(title=f"ptce-sim run — {name}, seed {seed}", title_justify="left")
    table.add_column("summary", style="bold")
    table.add_column("value", justify="right")
    table.add_column("meaning")
    for key, doc in SUMMARY_DOCS.items():
        table.add_row(key, fmt(summary[key]), doc)
    console = Console()
    console.print(table)
    console.print(
        f"Outputs written to [bold]{out}[/bold]/ "
        "(timeseries.parquet, timeseries.csv, poles.parquet, events.parquet, summary.json, "
        "run.json)"
    )


def _replicates(help_: str) -> Any:
    return click.option("--replicates", "-n", type=int, default=20, show_default=True, help=help_)


def _jobs() -> Any:
    return click.option(
        "--jobs", "-j", type=int, default=-1, show_default=True, help="Workers (-1 = all cores)."
    )


@click.command(short_help="Compare funding policies (or any scenarios) over paired runs.")
@click.argument("scenario_refs", metavar="[SCENARIO]...", nargs=-1)
@_replicates("Runs per scenario (paired seeds).")
@_jobs()
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Seed of replicate 0; replicate r uses seed + r in every scenario.",
)
@_set_option("Override a parameter in every scenario (repeatable).")
@click.option("--out", default=None, help=OUT_HELP.format("compare"))
def compare(
    scenario_refs: tuple[str, ...],
    replicates: int,
    jobs: int,
    seed: int,
    sets: tuple[str, ...],
    out: str | None,
) -> None:
    """Compare scenarios (default: the shipped funding policies) over paired replicates."""
    from ptce_sim.apps.policies import DEFAULT_POLICIES

    console = Console(stderr=True)
    try:
        names = scenario_refs or DEFAULT_POLICIES
        check_runs(replicates, seed, jobs, len(names))
        updates = overrides(sets)
        specs = [scenarios.load(ref).with_overrides(updates, "--set") for ref in names]
        labels = [s.name for s in specs]
        if len(set(labels)) != len(labels):
            raise ConfigError("the same scenario is named twice", "compare", value=labels)
        folder = outdir.prepare(out, "compare")
    except ConfigError as err:
        fail(err)
    label = f"{len(specs)} scenarios x {replicates} runs"
    say(console, f"compare {', '.join(labels)}: {label} -> {folder}/")
    results = _run_all([(spec, seed + r) for spec in specs for r in range(replicates)], jobs, label)
    import pandas as pd  # here: importing it costs every command a third of a second

    from ptce_sim.apps import compare as cmp

    runs = pd.DataFrame([{"scenario": r.scenario, "seed": r.seed, **r.summary} for r in results])
    poles = pd.DataFrame(
        [{"scenario": r.scenario, "seed": r.seed, **p} for r in results for p in r.poles]
    )
    comparison = cmp.compare(runs, poles, labels)
    try:
        cmp.write_comparison(comparison, folder)
    except OSError as exc:
        fail(outdir.fs_error(getattr(exc, "filename", None) or folder, exc))
    cmp.print_comparison(comparison, replicates, folder)


def _run_all(tasks: list[Any], jobs: int, label: str) -> list[Any]:
    """Compile if needed (once, here), then run the tasks with a progress display."""
    console = Console(stderr=True)
    warmup.ensure_compiled(console)
    from ptce_sim.apps.parallel import run_tasks

    bar = LazyProgress(console, label)
    try:
        return run_tasks(tasks, jobs=jobs, progress=bar)
    finally:
        bar.close()


@click.command(short_help="Check a scenario against the field's patterns.")
@click.argument("scenario", required=False, default="baseline")
@_replicates("Runs.")
@_jobs()
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of replicate 0.")
@_set_option("Override a parameter (repeatable).")
@click.option("--json", "json_path", default=None, help="Also write the verdict as JSON.")
@click.option("--plot", default=None, help="Also draw simulated vs target (PNG).")
def patterns(
    scenario: str,
    replicates: int,
    jobs: int,
    seed: int,
    sets: tuple[str, ...],
    json_path: str | None,
    plot: str | None,
) -> None:
    """Check a scenario against the field's patterns; exit 0 if all pass, 1 otherwise."""
    console = Console(stderr=True)
    try:
        check_runs(replicates, seed, jobs)
        spec = scenarios.load(scenario).with_overrides(overrides(sets), "--set")
        targets = [outdir.prepare_file(p, o) for p, o in ((json_path, "--json"), (plot, "--plot"))]
    except ConfigError as err:
        fail(err)
    label = f"{spec.name}: {replicates} runs"
    say(console, f"patterns {label}")
    results = _run_all([(spec, seed + r) for r in range(replicates)], jobs, label)
    import pandas as pd

    from ptce_sim.apps import patterns as pat
    from ptce_sim.apps.patterns_view import plot_patterns, print_patterns

    runs = pd.DataFrame([r.summary for r in results])
    verdict = pat.evaluate(runs)
    title = (
        f"ptce-sim patterns — {spec.name}, {replicates} replicates (seeds {seed}–"
        f"{seed + replicates - 1}); calibration distance {pat.distance(runs):.2f}"
    )
    print_patterns(verdict, title)
    json_target, plot_target = targets
    try:
        if json_target is not None:
            outdir.write_text(json_target, verdict.to_json(orient="records", indent=2))
        if plot_target is not None:
            plot_patterns(verdict, plot_target, title)
    except OSError as exc:
        fail(outdir.fs_error(getattr(exc, "filename", None) or json_target or plot_target, exc))
    sys.exit(0 if verdict["passed"].all() else 1)
