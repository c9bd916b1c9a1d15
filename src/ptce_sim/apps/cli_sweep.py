"""``ptce-sim sweep`` and ``calibrate``: the commands that run through the sweep engine.

Order of a sweeping command: check the options; start the local workers at once when
numba's cache holds the model (their start-up then overlaps the driver's), else compile
it once first (``warmup.py``: every worker would compile it at the same time); load the
experiment; check and create the output folder; print the header; run. A filesystem
fault during the sweep is one line with the path, the cause and the resume command.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from rich.console import Console

from ptce_sim.apps import outdir, warmup
from ptce_sim.apps.cli_common import EXIT_INTERRUPTED, INVOCATION, fail, say
from ptce_sim.apps.engine_cli import (
    check_engine,
    engine_options,
    start_workers,
    stop_workers,
)
from ptce_sim.apps.interrupts import ignore_further_interrupts
from ptce_sim.base.errors import ConfigError


def start_compiled(console: Console, jobs: int, backend: str, early: bool) -> bool:
    """Start the local workers: early only if the kernels are cached; otherwise (not
    ``early``) compile them once in a child process, then start. Returns whether the
    workers were started."""
    if early and not warmup.is_cached():
        return False
    if not early:
        warmup.ensure_compiled(console)
    start_workers(jobs, backend)
    return True


@click.command(short_help="Run every run of an experiment, resumably (streamed to disk).")
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
    out: str | None,
    resume: bool,
    flush_every: float,
) -> None:
    """Run every run of EXPERIMENT (a .toml path or a name in experiments/), resumably."""
    console = Console(stderr=True)
    try:
        check_engine(jobs, backend, scheduler)
        if not 0 < flush_every < 1e9:
            raise ConfigError("must be > 0 (seconds)", "--flush-every", value=flush_every)
    except ConfigError as err:
        fail(err)
    started = start_compiled(console, jobs, backend, early=True)
    from ptce_sim.apps import experiment

    try:
        exp = experiment.load(experiment_ref)
        restart = out is not None and outdir.stillborn(Path(out))  # cleared by the engine
        folder = outdir.prepare(out, Path(exp.path).stem, resume or restart)
        if resume:
            from ptce_sim.apps.sweep_folder import check_resume

            if not outdir.stillborn(folder):
                check_resume(exp, folder)
    except ConfigError as err:
        fail(err)
    resume_cmd = f"ptce-sim sweep {experiment_ref} --out {folder} --resume"
    say(
        console,
        f"sweep {exp.path}: {len(exp.points)} design points x {exp.replicates} replicates "
        f"= {exp.n_runs} runs -> {folder}/ (if interrupted: {resume_cmd})",
    )
    if not started:
        start_compiled(console, jobs, backend, early=False)
    from ptce_sim.apps import sweep as engine  # pyarrow: after the first line
    from ptce_sim.apps.progress import SweepProgress

    options = engine.Options(
        jobs=jobs, backend=backend, scheduler=scheduler, flush_seconds=flush_every
    )
    bar = SweepProgress(console, Path(exp.path).stem)
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        result = engine.run_sweep(
            exp, folder, options, resume, ["ptce-sim", *INVOCATION], progress=bar
        )
    except ConfigError as err:
        fail(err)
    except OSError as exc:
        _fs_fault(exc, folder, resume_cmd)
    except (engine.Interrupted, KeyboardInterrupt) as stop:
        _interrupted(stop, f"saved in {folder}/", resume_cmd)
    finally:
        bar.close()
        signal.signal(signal.SIGTERM, previous)
        # Idle workers are stopped, not left to exit on their own: a worker's
        # interpreter teardown (Mesa, numba) would keep the command ~0.5 s longer.
        stop_workers()
    if result.already_complete:
        click.echo(f"{folder}: already complete ({result.total} runs); nothing to do")
        return
    rate = result.ran / result.seconds if result.seconds > 0 else float("nan")
    tables = ", ".join(f"{engine.TABLES[t]} ({n} rows)" for t, n in result.rows.items())
    click.echo(
        f"{result.total} runs in {folder}/ ({result.ran} run by this session in "
        f"{result.seconds:.1f} s, {rate:.2f} runs/s): {tables}, experiment.toml, "
        "provenance.json. "
        f"Report: ptce-sim report {folder}"
    )


def _interrupted(stop: BaseException, where: str, resume_cmd: str) -> None:
    """One line for an interrupted sweep (what is saved, how to resume), exit 130."""
    ignore_further_interrupts()  # what is finished is saved: only the shutdown remains
    from ptce_sim.apps import sweep as engine  # lazily, as the commands do

    saved = (
        f"{stop.done} of {stop.total} runs"
        if isinstance(stop, engine.Interrupted)
        else "the finished runs"
    )
    click.echo(f"interrupted: {saved} {where}; resume with: {resume_cmd}", err=True)
    sys.exit(EXIT_INTERRUPTED)


def _fs_fault(exc: OSError, folder: Path, resume_cmd: str) -> None:
    """One line for a write that failed during a sweep; what is committed stays."""
    err = outdir.fs_error(getattr(exc, "filename", None) or folder, exc)
    if (folder / "sweep.json").is_file():
        err.message += f"; the committed runs are kept: free space, then {resume_cmd}"
    fail(err)


@click.command(short_help="Calibrate the uncertain parameters on the field's patterns.")
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
    out: str | None,
    resume: bool,
) -> None:
    """Calibrate the uncertain parameters on the field's patterns (search, refine, confirm)."""
    from ptce_sim.apps import calibrate as cal
    from ptce_sim.apps import sweep as engine
    from ptce_sim.apps.progress import SweepProgress

    console = Console(stderr=True)
    try:
        check_engine(jobs, backend, scheduler)
        folder = outdir.prepare(out, "calibration", resume)
    except ConfigError as err:
        fail(err)
    resume_cmd = f"ptce-sim calibrate --out {folder} --resume"
    say(console, f"calibrate ({budget} budget) -> {folder}/ (if interrupted: {resume_cmd})")
    start_compiled(console, jobs, backend, early=False)
    try:
        options = engine.Options(jobs=jobs, backend=backend, scheduler=scheduler)
        result = cal.calibrate(
            folder,
            cal.BUDGETS[budget],
            options,
            resume=resume,
            source=source,
            progress=lambda stage: SweepProgress(console, f"calibration {stage}"),
        )
    except ConfigError as err:
        fail(err)
    except OSError as exc:
        _fs_fault(exc, folder, resume_cmd)
    except (engine.Interrupted, KeyboardInterrupt) as stop:
        _interrupted(stop, f"of this stage saved in {folder}/", resume_cmd)
    finally:
        stop_workers()
    click.echo(
        f"Calibration in {folder}/: {result['evaluated_points']} parameter sets evaluated "
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
