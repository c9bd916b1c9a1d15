"""``ptce-sim sensitivity`` and ``ptce-sim discover``: click commands added to the CLI group.

They live here, not in ``apps/cli.py``, so that the sensitivity layer is one package and
``cli.py`` only registers them. The CLI's shared helpers (one-line errors, the lazy
progress bar, the recorded invocation) are imported inside the commands, after
``cli.py`` has finished loading.
"""

from __future__ import annotations

import importlib.util
import json
import signal
import sys
from dataclasses import asdict
from pathlib import Path

import click

from ptce_sim.apps.engine_cli import (
    check_engine,
    engine_options,
    output_folder,
    stop_workers,
)
from ptce_sim.base.errors import ConfigError


def _need_extras() -> None:
    missing = [m for m in ("SALib", "sklearn") if importlib.util.find_spec(m) is None]
    if missing:
        raise ConfigError(f"needs {', '.join(missing)}: pip install SALib scikit-learn", "ptce-sim")


@click.command("sensitivity", short_help="Morris screening or Sobol' indices of a study file.")
@click.argument("experiment")
@engine_options("<experiment>")
def sensitivity_command(
    experiment: str,
    jobs: int,
    backend: str,
    scheduler: str | None,
    out: str | None,
    resume: bool,
) -> None:
    """Morris screening or Sobol' indices of the outputs named in EXPERIMENT (a .toml
    path or a name in experiments/).

    The runs go through the sweep engine (as ``ptce-sim sweep``): parallel or on Dask,
    streamed to disk, resumable with --resume after an interruption.
    """
    from rich.console import Console

    from ptce_sim.apps.cli_common import INVOCATION, fail, say
    from ptce_sim.apps.cli_sweep import start_compiled
    from ptce_sim.apps.interrupts import ignore_further_interrupts
    from ptce_sim.apps.outdir import fs_error
    from ptce_sim.apps.progress import LazyProgress
    from ptce_sim.apps.sensitivity.spec import load_experiment, partial_dir

    console = Console(stderr=True)
    try:
        _need_extras()
        check_engine(jobs, backend, scheduler)
        exp = load_experiment(experiment)
        out = output_folder(out, resume, exp.name)
        if partial_dir(out).exists() and not resume:  # said before the work is announced
            raise ConfigError(
                f"an interrupted study exists in {partial_dir(out)}; add --resume to "
                "continue it, or delete that folder",
                str(out),
            )
    except ConfigError as err:
        fail(err)
    say(console, f"sensitivity {exp.path}: {exp.method}, {len(exp.factors)} factors -> {out}/")
    start_compiled(console, jobs, backend, early=False)
    from ptce_sim.apps.sensitivity.study import run_study  # pandas: after the first line
    from ptce_sim.apps.sweep import Interrupted

    bar = LazyProgress(console, f"{exp.name}: runs")
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        result = run_study(
            exp,
            out,
            jobs=jobs,
            backend=backend,
            scheduler=scheduler,
            resume=resume,
            progress=bar,
            command=["ptce-sim", *INVOCATION],
        )
    except ConfigError as err:
        bar.close()
        fail(err)
    except OSError as exc:
        bar.close()
        fail(fs_error(getattr(exc, "filename", None) or out, exc))
    except (Interrupted, KeyboardInterrupt) as stop:
        ignore_further_interrupts()  # what is finished is saved: only the shutdown remains
        bar.close()
        saved = (
            f"{stop.done} of {stop.total} runs"
            if isinstance(stop, Interrupted)
            else ("the finished runs")
        )
        click.echo(
            f"interrupted: {saved} saved; resume with: "
            f"ptce-sim sensitivity {experiment} --out {out} --resume",
            err=True,
        )
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_workers()
    bar.close()
    click.echo((result.out / "summary.md").read_text(encoding="utf-8"))
    click.echo(f"Results written to {result.out}/ (indices.csv, summary.md, plots)")


@click.command("discover", short_help="Find where an output clears a threshold (PRIM box).")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--output", default="survival_10y", show_default=True, help="Summary to explain.")
@click.option("--threshold", type=float, required=True, help="Success: output >= threshold.")
@click.option("--below", is_flag=True, help="Success is output <= threshold instead.")
@click.option("--max-depth", type=click.IntRange(1, 6), default=3, show_default=True)
@click.option(
    "--min-coverage",
    type=click.FloatRange(0, 1),
    default=0.3,
    show_default=True,
    help="Smallest share of the successes the box must hold.",
)
@click.option("--out", default=None, help="Also write the box as JSON.")
def discover_command(
    folder: Path,
    output: str,
    threshold: float,
    below: bool,
    max_depth: int,
    min_coverage: float,
    out: str | None,
) -> None:
    """Find where OUTPUT clears THRESHOLD in a sensitivity or sweep results FOLDER."""
    from ptce_sim.apps.cli_common import fail as _fail
    from ptce_sim.apps.outdir import fs_error, prepare_file, write_text
    from ptce_sim.apps.sensitivity.discover import discover

    try:
        _need_extras()
        target = prepare_file(None if out is None else str(out), "--out")
        box = discover(
            folder,
            output,
            threshold,
            above=not below,
            max_depth=max_depth,
            min_coverage=min_coverage,
        )
    except ConfigError as err:
        _fail(err)
    click.echo(box.statement)
    if target is not None:
        data = asdict(box)
        data["limits"] = {k: [_json(a), _json(b)] for k, (a, b) in box.limits.items()}
        try:
            write_text(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        except OSError as exc:
            _fail(fs_error(target, exc))


def _json(x: float) -> float | None:
    """JSON has no infinity: an open side of the box is null."""
    return None if x in (float("inf"), float("-inf")) else x
