"""``ptce-sim validate``, ``params`` and ``report``: commands about files, not runs.

``validate`` tells a scenario, an experiment and a sensitivity study apart by their
content (not by their folder or by one key), then checks the file exactly as the
command that runs it would, cross-field rules and sizes included: an error found after
three days of computing is an error found too late.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ptce_sim.apps import paramdoc
from ptce_sim.apps.cli_common import EXIT_USER_ERROR, fail
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.tomlfile import read_toml

#: Keys that only an experiment file (``ptce-sim sweep``) has.
EXPERIMENT_ONLY = frozenset(
    {"design", "base", "paired", "samples", "sample", "file", "keep", "timeseries", "poles",
     "levels", "bounds"}
)  # fmt: skip
#: Keys that only a sensitivity study file has.
STUDY_ONLY = frozenset({"method", "scenario", "outputs", "morris", "sobol", "factors"})
#: Keys both experiments and studies have, never a scenario.
RUN_KEYS = frozenset({"seed", "replicates", "set"})


def kind_of(data: dict[str, Any]) -> str:
    """``scenario``, ``experiment`` or ``study``, from the keys a file holds: the kind
    most of its own keys belong to (an experiment that lacks ``design`` is still an
    experiment, and gets told that ``design`` is missing)."""
    from ptce_sim.base.params import group_names
    from ptce_sim.world.parameters import Parameters
    from ptce_sim.world.scenario import META_KEYS

    keys = set(data)
    scenario = len(keys & (set(group_names(Parameters)) | set(META_KEYS) - {"description"}))
    experiment = len(keys & EXPERIMENT_ONLY)
    study = len(keys & STUDY_ONLY)
    if max(scenario, experiment, study) == 0 and keys & RUN_KEYS:
        return "experiment"
    if study > max(scenario, experiment):
        return "study"
    if experiment > scenario:
        return "experiment"
    return "scenario"


def check_file(path: Path) -> str:
    """Check one file as the command that runs it would; return the line to print."""
    from ptce_sim.apps import experiment

    ref = _locate(path)
    if ref is None:
        return "ok: baseline (the parameter defaults)"
    _, data = read_toml(ref)
    if not data:
        raise ConfigError(
            "empty file: a scenario, an experiment or a study needs at least one key", str(ref)
        )
    kind = kind_of(data)
    if kind == "experiment":
        exp = experiment.load(ref)
        from ptce_sim.apps.limits import describe

        return (
            f"ok: {path} (experiment; {exp.design}, {len(exp.points)} design points x "
            f"{exp.replicates} replicates = {describe(exp.n_runs, _steps(exp))})"
        )
    if kind == "study":
        from ptce_sim.apps.limits import describe
        from ptce_sim.apps.sensitivity.spec import check_design, load_experiment

        study = load_experiment(ref)
        points = check_design(study)
        return (
            f"ok: {path} (sensitivity study; {study.method}, {len(study.factors)} factors, "
            f"{points} design points checked; "
            f"{describe(study.n_runs, study.base.params.run.steps)})"
        )
    from ptce_sim.world import scenario as scenarios

    spec = scenarios.load(str(ref))
    return f"ok: {path} ({spec.name}; {len(spec.policies)} policy change(s))"


def _locate(path: Path) -> Path | None:
    """The file to check: as given, with ``.toml`` added, or a name looked up as an
    experiment (``experiments/``) then as a scenario (None: the built-in baseline)."""
    from ptce_sim.apps import experiment
    from ptce_sim.world import scenario as scenarios

    if path.suffix or path.exists():
        return path
    with_suffix = path.with_name(f"{path.name}.toml")
    if with_suffix.is_file() or len(path.parts) > 1:
        return with_suffix
    try:
        return experiment.find(path.name)
    except ConfigError:
        return scenarios.resolve(path.name)


def _steps(exp: Any) -> int:
    return max(s.params.run.steps for s in exp.scenarios.values())


@click.command(short_help="Check scenario, experiment or study files before running.")
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    """Check scenario, experiment or sensitivity study FILES (told apart by their
    content) as a run would; print one line each; exit 2 if any is invalid."""
    bad = 0
    for name in files:
        try:
            if not name.strip():
                raise ConfigError("empty path; give a file name", "validate", value=name)
            click.echo(check_file(Path(name)))
        except ConfigError as err:
            bad += 1
            click.echo(f"error: {err}", err=True)
        except OSError as exc:
            from ptce_sim.apps.outdir import fs_error

            bad += 1
            click.echo(f"error: {fs_error(name, exc, 'cannot read')}", err=True)
    if bad:
        sys.exit(EXIT_USER_ERROR)


FORMATS = ("table", "markdown", "csv", "json", "toml")
COLUMNS = ("key", "default", "range", "unit", "role", "source", "meaning")


@click.command(short_help="List every parameter (default, range, unit, meaning).")
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default=None,
    help="table (default; plain text when piped), markdown (docs/parameters.md), csv, "
    "json, or toml (the defaults as a scenario file).",
)
@click.option("--markdown", is_flag=True, help="Same as --format markdown.")
@click.option("--toml", "as_toml", is_flag=True, help="Same as --format toml.")
def params(format_: str | None, markdown: bool, as_toml: bool) -> None:
    """List every parameter: default, range, unit, role, provenance, meaning."""
    fmt = format_ or ("toml" if as_toml else "markdown" if markdown else "table")
    if fmt == "toml":
        click.echo(paramdoc.baseline_toml(), nl=False)
    elif fmt == "markdown":
        click.echo(paramdoc.markdown(), nl=False)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(paramdoc.rows())
        click.echo(buffer.getvalue(), nl=False)
    elif fmt == "json":
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in paramdoc.rows()]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif Console().is_terminal:
        table = Table(title="ptce-sim parameters")
        for col in COLUMNS:
            table.add_column(col, overflow="fold")
        for row in paramdoc.rows():
            table.add_row(*row)
        Console().print(table)
    else:
        click.echo(plain_table(paramdoc.rows()), nl=False)


def plain_table(rows: list[tuple[str, ...]]) -> str:
    """One line per parameter, columns padded (the meaning last, never wrapped): what
    ``grep``, ``less -S`` and ``sort`` read well."""
    widths = [max(len(COLUMNS[i]), *(len(r[i]) for r in rows)) for i in range(len(COLUMNS) - 1)]
    lines = []
    for row in [COLUMNS, *rows]:
        cells = [str(c).ljust(w) for c, w in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, str(row[-1])]).rstrip())
    return "\n".join(lines) + "\n"


@click.command(short_help="Write a self-contained HTML report of a sweep or study folder.")
@click.argument("folder")
@click.option("--x", "x_key", default=None, help="Factor on the heatmap's x axis.")
@click.option("--y", "y_key", default=None, help="Factor on the heatmap's y axis.")
@click.option(
    "--horizon", type=float, default=5.0, show_default=True, help="Survival horizon (years)."
)
def report(folder: str, x_key: str | None, y_key: str | None, horizon: float) -> None:
    """Write FOLDER/report.html (self-contained) and FOLDER/report/*.png for a sweep
    (or FOLDER/report.html for a sensitivity study)."""
    from ptce_sim.apps import report as rep
    from ptce_sim.apps.outdir import fs_error

    try:
        if not folder.strip():
            raise ConfigError("empty path; give a sweep folder", "report", value=folder)
        path = Path(folder)
        if not path.is_dir():
            raise ConfigError(
                "not a folder" if path.exists() else "no such folder", str(path),
                allowed="a folder written by ptce-sim sweep or ptce-sim sensitivity",
            )  # fmt: skip
        if rep.is_study(path):
            html = rep.study_report(path)
            click.echo(f"report written: {html} (the study's summary.md and figures)")
            return
        html = rep.build(path, x_key, y_key, horizon)
    except ConfigError as err:
        fail(err)
    except OSError as exc:
        fail(fs_error(getattr(exc, "filename", None) or folder, exc, "cannot write the report"))
    click.echo(f"report written: {html} (figures in {html.parent / 'report'}/)")
