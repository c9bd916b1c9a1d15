"""The command-line options of every command that runs through the sweep engine.

``ptce-sim sweep``, ``sensitivity`` and ``calibrate`` all hand their runs to
:func:`ptce_sim.apps.sweep.run_sweep`, so they take the same ``--jobs``, ``--backend``,
``--scheduler``, ``--out`` and ``--resume``, checked the same way, with the same one-line
errors. Declared once here so that the three commands cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ptce_sim.base.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])


def engine_options(what: str) -> Callable[[F], F]:
    """Add the engine's options to a click command; ``what`` names its output folder."""
    options = [
        click.option(
            "--jobs", "-j", type=int, default=-1, show_default=True, help="Workers (-1 = all)."
        ),
        click.option(
            "--backend",
            type=click.Choice(["loky", "dask"]),
            default="loky",
            show_default=True,
            help="loky: local processes; dask: a Dask distributed cluster.",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            default=None,
            help="Dask scheduler, e.g. tcp://host:8786 (default: a local Dask cluster).",
        ),
        click.option(
            "--out",
            default=None,
            help=f"Output folder (default: a new runs/{what}-<timestamp>/).",
        ),
        click.option("--resume", is_flag=True, help="Finish an interrupted run in --out."),
    ]

    def add(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return add


def check_jobs(jobs: int) -> None:
    """``--jobs``: -1 (every core) or a positive count."""
    if jobs == 0 or jobs < -1:
        raise ConfigError("must be -1 (all cores) or >= 1", "--jobs", value=jobs)


def check_engine(jobs: int, backend: str, scheduler: str | None) -> None:
    """The engine options that make no sense together, as one-line errors."""
    check_jobs(jobs)
    if scheduler is not None and backend != "dask":
        raise ConfigError("--scheduler needs --backend dask", "--scheduler", value=scheduler)


def output_folder(out: Path | str | None, resume: bool, stem: str) -> Path:
    """``--out`` checked, created and proven writable, or a new timestamped folder under
    ``runs/`` (``--resume`` needs --out); see ``outdir.py``."""
    from ptce_sim.apps import outdir

    return outdir.prepare(out, stem, resume)


def start_workers(jobs: int, backend: str) -> None:
    """Launch the local workers now (``ptce_sim.apps.pool``), when the run will use them,
    so that their start-up overlaps the command's own (imports, experiment, folder).
    A command that then fails calls :func:`stop_workers`."""
    if backend == "loky" and jobs != 1:
        from ptce_sim.apps import pool

        pool.start(jobs)


def stop_workers() -> None:
    """Stop the workers :func:`start_workers` launched (nothing if none)."""
    from ptce_sim.apps import pool

    pool.stop()
