"""One sensitivity study, start to finish: design → runs → analysis → files, atomically.

The results are written into a hidden sibling folder ``.<out>.partial/`` and renamed to
``out`` only once every file is there, so an interrupted study never leaves a
half-written results folder. The same partial folder holds the runner's checkpoints:
``resume=True`` picks it up and runs only what is missing, after checking that the
experiment is the one that was interrupted (same design, seeds and base scenario).

Files written (``docs/sensitivity.md`` explains how to read them):

=====================  ==========================================================
``experiment.toml``    the experiment file as given (when there is one)
``experiment.json``    the resolved experiment, versions, and the command line
``design.csv``         SALib's sample: one row per design point, raw factor values
``runs.parquet``       the runs table (one row per run: point, replicate, seed, …)
``sweep/``             the sweep engine's folder: its runs.parquet holds every parameter
                       and the run ids (``ptce-sim run --from``), poles.parquet (when
                       pooled outputs need it), provenance; ``points.csv`` and
                       ``sweep.toml`` beside it are the design it swept
``indices.csv``        tidy indices, one row per (output, parameter)
``convergence.csv``    the indices at N/4, N/2 and N with their CIs
``noise.csv``          replicate-noise share per output
``*.png``              μ*–σ (Morris) or S1/ST bars (Sobol'), and convergence
``summary.md``         the dominant factors of each output, in plain words
=====================  ==========================================================
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from importlib.metadata import version as pkg_version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import ptce_sim
from ptce_sim.apps.sensitivity import analysis, pooled, report
from ptce_sim.apps.sensitivity import noise as noise_effects
from ptce_sim.apps.sensitivity.design import Design, make_design
from ptce_sim.apps.sensitivity.runner import SWEEP, Progress, RunPoints, run_points
from ptce_sim.apps.sensitivity.spec import (
    Experiment,
    partial_dir,
)
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import flat_dict
from ptce_sim.world.run import check_out_dir


@dataclass
class StudyResult:
    """What a finished study produced (also written to ``out``)."""

    out: Path
    design: Design
    runs: pd.DataFrame
    indices: pd.DataFrame
    convergence: pd.DataFrame
    noise: pd.DataFrame


def fingerprint(exp: Experiment) -> dict[str, Any]:
    """Everything that decides the runs: a resumed study must match it exactly."""
    return {
        "method": exp.method,
        "factors": [
            {"key": f.key, "lo": f.lo, "hi": f.hi, "kind": f.kind, "group": f.group}
            for f in exp.factors
        ],
        "outputs": list(exp.outputs),
        "replicates": exp.replicates,
        "seed": exp.seed,
        "trajectories": exp.trajectories,
        "num_levels": exp.num_levels,
        "n": exp.n,
        "second_order": exp.second_order,
        "base_scenario": exp.base.name,
        "base_parameters": {k: _plain(v) for k, v in flat_dict(exp.base.params).items()},
        "base_policies": [{"at": p.at, "set": dict(p.updates)} for p in exp.base.policies],
    }


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def run_study(
    exp: Experiment,
    out: Path,
    *,
    runner: RunPoints = run_points,
    jobs: int = 1,
    backend: str = "loky",
    scheduler: str | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    command: list[str] | None = None,
) -> StudyResult:
    """Sample, run, analyse and write one study; returns what it wrote.

    ``runner`` is the single boundary to the execution engine (see ``runner.py``);
    ``jobs``, ``backend`` and ``scheduler`` say how it runs, never what it computes.
    """
    out = Path(out)
    check_out_dir(out)
    work = partial_dir(out)
    print_ = fingerprint(exp)
    if work.exists():
        if not resume:
            raise ConfigError(
                f"an interrupted study exists in {work}; add --resume to continue it, "
                "or delete that folder",
                str(out),
            )
        _check_same(work, print_)
    work.mkdir(parents=True, exist_ok=True)
    _write_json(work / "experiment.json", _provenance(exp, print_, command))
    if exp.path and Path(exp.path).is_file():
        shutil.copyfile(exp.path, work / "experiment.toml")

    design = make_design(exp)
    names = [f.key for f in exp.factors]
    frame = pd.DataFrame(design.X, columns=names)
    frame.insert(0, "point", range(len(frame)))
    frame.to_csv(work / "design.csv", index=False)

    try:
        runs = runner(
            exp.base,
            design.points,
            exp.replicates,
            exp.seed,
            jobs=jobs,
            workdir=work,
            progress=progress,
            outputs=exp.outputs,
            poles=pooled.needs_poles(exp.outputs),
            backend=backend,
            scheduler=scheduler,
        )
    except ConfigError:
        if not (work / SWEEP / "sweep.json").is_file():
            shutil.rmtree(work, ignore_errors=True)  # nothing run yet: nothing to resume
        raise
    result = analyse_runs(exp, design, runs, out)
    runs.to_parquet(work / "runs.parquet", index=False)
    report.write_all(exp, result, work)
    if out.exists():
        out.rmdir()  # empty: checked above
    os.replace(work, out)
    return result


def analyse_runs(exp: Experiment, design: Design, runs: pd.DataFrame, out: Path) -> StudyResult:
    """The analysis part alone (no running, no writing): means, indices, noise."""
    needed = [o for o in exp.outputs if o not in pooled.POOLED_DOCS]
    if pooled.needs_poles(exp.outputs):
        needed += list(pooled.POLE_LISTS)
    missing = [name for name in needed if name not in runs.columns]
    if missing:
        raise ConfigError("the runs table lacks these outputs", str(out), value=missing)
    n_points = len(design.points)
    per_run = tuple(o for o in exp.outputs if o not in pooled.POOLED_DOCS)
    means = analysis.point_means(runs, n_points, per_run)
    draws = {}  # pooled outputs: bootstrap over replicates, (points, resamples)
    for name in exp.outputs:
        if name in pooled.POOLED_DOCS:
            means[name] = pooled.point_values(runs, n_points, name)
            draws[name] = pooled.bootstrap(runs, n_points, name, exp.seed)
    means = means[list(exp.outputs)]
    indices, convergence = analysis.analyse(exp, design, means)
    noise = pd.concat(
        [analysis.noise_table(runs, per_run), pooled.noise_table(means, draws, exp.replicates)],
        ignore_index=True,
    )
    noise = noise.set_index("output").loc[list(exp.outputs)].reset_index()
    values = {name: means[name].to_numpy(dtype=float) for name in draws}
    indices = noise_effects.denoise(exp, design, runs, indices, draws, values)
    return StudyResult(out, design, runs, indices, convergence, noise)


def _provenance(exp: Experiment, print_: dict[str, Any], command: list[str] | None) -> dict:
    return {
        "ptce_sim": ptce_sim.__version__,
        "salib": pkg_version("SALib"),
        "numpy": np.__version__,
        "experiment_file": exp.path,
        "description": exp.description,
        "runs": exp.n_runs,
        "command": command if command is not None else sys.argv,
        "experiment": print_,
        "factors": [
            {"key": f.key, "role": f.role, "unit": f.unit, "doc": f.doc} for f in exp.factors
        ],
    }


def _check_same(work: Path, print_: dict[str, Any]) -> None:
    try:
        old = json.loads((work / "experiment.json").read_text(encoding="utf-8"))["experiment"]
    except (OSError, ValueError, KeyError):
        raise ConfigError(
            f"cannot resume: {work} has no readable experiment.json; delete that folder",
            "--resume",
        ) from None
    if json.loads(json.dumps(print_)) != old:
        changed = sorted(k for k in print_ if json.loads(json.dumps(print_[k])) != old.get(k))
        raise ConfigError(
            f"cannot resume: the experiment changed since the interrupted study ({work})",
            "--resume",
            value=changed,
            hint="restore the file, or delete the partial folder to start again",
        )


def _write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
