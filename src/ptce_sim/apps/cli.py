"""The ``ptce-sim`` command line.

Every user error (bad scenario file, unknown ``--set`` key, out-of-range value) ends with
exit code 2 and one line on stderr naming the file, the dotted key, the value, the allowed
range and the meaning — never a traceback, never a half-written output folder.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

import ptce_sim
from ptce_sim.apps import paramdoc
from ptce_sim.apps.sensitivity.commands import discover_command, sensitivity_command
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import parse_cli_value
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.run import check_out_dir, run_one, write_run
from ptce_sim.world.summary import SUMMARY_DOCS

EXIT_USER_ERROR = 2
_INVOCATION: list[str] = []  # the arguments of this invocation, recorded in run.json


class LazyProgress:
    """A progress bar that appears only once the work has taken more than ``delay`` s."""

    def __init__(self, console: Console, label: str, delay: float = 1.0) -> None:
        self.console, self.label, self.delay = console, label, delay
        self.started = time.perf_counter()
        self.bar: Progress | None = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.perf_counter() - self.started < self.delay:
                return
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _fail(err: ConfigError) -> None:
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


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "–" if value != value else f"{value:.3g}"
    return str(value)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(ptce_sim.__version__, prog_name="ptce-sim")
def cli() -> None:
    """Simulate territorial economic cooperation poles (PTCE)."""


@cli.command()
@click.argument("scenario", required=False, default="baseline")
@click.option("--seed", type=int, default=1, show_default=True, help="Root seed (>= 0).")
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
def run(
    scenario: str, seed: int, steps: int | None, sets: tuple[str, ...], out: Path | None
) -> None:
    """Run SCENARIO (a name or a .toml path; default: the built-in baseline) once."""
    console = Console(stderr=True)
    try:
        if seed < 0:
            raise ConfigError("seed must be >= 0", "--seed", value=seed, allowed="an integer >= 0")
        spec = scenarios.load(scenario)
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

    console = Console(stderr=True)
    try:
        if replicates < 1:
            raise ConfigError(
                "must be at least 1", "--replicates", value=replicates, allowed="an integer >= 1"
            )
        if seed < 0:
            raise ConfigError("seed must be >= 0", "--seed", value=seed, allowed="an integer >= 0")
        if jobs == 0 or jobs < -1:
            raise ConfigError("must be -1 (all cores) or >= 1", "--jobs", value=jobs)
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
    runs = pd.DataFrame([{"scenario": r.scenario, "seed": r.seed, **r.summary} for r in results])
    poles = pd.DataFrame(
        [{"scenario": r.scenario, "seed": r.seed, **p} for r in results for p in r.poles]
    )
    comparison = cmp.compare(runs, poles, labels)
    cmp.write_comparison(comparison, out)
    cmp.print_comparison(comparison, replicates, out)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check scenario FILES; print one line each; exit 2 if any is invalid."""
    bad = 0
    for path in files:
        try:
            spec = scenarios.load(str(path) if path.suffix else f"{path}.toml")
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


cli.add_command(sensitivity_command)  # issue 6: apps/sensitivity/
cli.add_command(discover_command)


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
