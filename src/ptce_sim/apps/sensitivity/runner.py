"""Run design points × replicates and return the runs table — **the runner boundary**.

Everything else in this package (sampling, analysis, reports, discovery) only sees the
*runs table* a runner returns: a pandas DataFrame with one row per run and columns

- ``point`` (int, the design-point index), ``replicate`` (int), ``seed`` (int);
- one column per dotted parameter key of the design point (the value the model got);
- one column per summary (``ptce_sim.world.summary.SUMMARY_DOCS``), or per output of an
  injected function;
- with ``poles=True``, ``pole_months`` and ``pole_died``: per run, the list of its formal
  poles' months from formalisation to death or to the end, and whether each died (what
  the pooled Kaplan–Meier outputs of ``survival.py`` need).

:func:`run_points` runs the model through the sweep engine (``apps/sweep.py``), so a
study gets its streaming to disk, bounded memory, Dask backend and crash-safe resume.
It writes the design as ``points.csv`` and an experiment file ``sweep.toml``
(``design = "file"``, ``paired = true``) into the study's work folder and sweeps it into
``sweep/``; called again on the same folder it resumes that sweep. Identical design
points (Sobol' AB rows where a boolean or integer factor rounds to its A value, repeated
Morris points) are run once: with common random numbers their runs would be identical
anyway, and the engine names a run by its point, so a duplicate would collide.

:func:`function_runner` wraps a plain function ``f(point, seed) -> {output: value}`` in
the same signature, so the glue can be tested on analytic functions with known indices
(Ishigami, Sobol' G) instead of the model.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from ptce_sim.apps import runid
from ptce_sim.apps.calibrate import dump_experiment  # the engine's file format, written
from ptce_sim.apps.sensitivity.design import replicate_seed
from ptce_sim.apps.sensitivity.pooled import POLE_LISTS
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import flat_dict
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.scenario import Scenario

Progress = Callable[[int, int], None]
Evaluate = Callable[[Mapping[str, Any], int], Mapping[str, float]]
SWEEP = "sweep"  # the sweep engine's folder inside the study's work folder


class RunPoints(Protocol):
    """The signature every runner offers (the sweep engine, an analytic function)."""

    def __call__(
        self,
        base: Scenario,
        points: Sequence[Mapping[str, Any]],
        replicates: int,
        seed: int,
        *,
        jobs: int = 1,
        workdir: Path | None = None,
        progress: Progress | None = None,
        outputs: Sequence[str] | None = None,
        poles: bool = False,
        backend: str = "loky",
        scheduler: str | None = None,
    ) -> pd.DataFrame: ...


def check_points(base: Scenario, points: Sequence[Mapping[str, Any]]) -> None:
    """Apply every design point to the base scenario once, before any run: a point the
    model would reject (e.g. a minimum sampled above its maximum) fails now, in one line,
    not after an hour of runs."""
    for i, point in enumerate(points):
        base.with_overrides(dict(point), f"design point {i}")


def unique_points(points: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """The distinct points in first-seen order, and for each design point its row there."""
    rows: dict[str, int] = {}
    distinct: list[dict[str, Any]] = []
    row_of = []
    for point in points:
        key = runid.canonical(dict(point))
        if key not in rows:
            rows[key] = len(distinct)
            distinct.append(dict(point))
        row_of.append(rows[key])
    return distinct, row_of


def _cell(value: Any) -> str:
    """A value as the engine's CSV reader parses it back exactly (TOML literal rules)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return repr(float(value))  # repr round-trips a float exactly


def sweep_files(
    base: Scenario,
    points: Sequence[Mapping[str, Any]],
    replicates: int,
    seed: int,
    keep: Sequence[str],
    poles: bool,
) -> tuple[str, dict[str, Any]]:
    """The CSV text of ``points`` and the experiment (as a dict) that sweeps them.

    The base scenario is referred to by its file (or as the built-in baseline) and
    whatever differs from that file (the study's ``[set]``) goes to ``[set]``, minus the
    factors, which the CSV sets.
    """
    keys = list(points[0])
    lines = [",".join(keys)] + [",".join(_cell(p[k]) for k in keys) for p in points]
    ref = str(Path(base.path).resolve()) if base.path else "baseline"
    origin = flat_dict(scenarios.load(ref).params)
    fixed = {
        k: v for k, v in flat_dict(base.params).items() if k not in keys and origin.get(k) != v
    }
    data: dict[str, Any] = {
        "description": "Design points of a sensitivity study (written by ptce-sim sensitivity)",
        "base": ref,
        "design": "file",
        "file": "points.csv",
        "replicates": replicates,
        "seed": seed,
        "paired": True,  # common random numbers: replicate r has one seed at every point
        "keep": list(keep),
        "poles": poles,
        "set": fixed,
    }
    return "\n".join(lines) + "\n", data


def _check_same_runs(exp: Any, base: Scenario, points: Sequence[Mapping[str, Any]]) -> None:
    """The engine must run what the study asked for: compare point 0 in full."""
    want = base.with_overrides(dict(points[0]), "design point 0")
    got = exp.resolve(0)
    same = flat_dict(got.params) == flat_dict(want.params)
    same = same and [(p.at, dict(p.updates)) for p in got.policies] == [
        (p.at, dict(p.updates)) for p in want.policies
    ]
    if not same or got.start != want.start:
        raise ConfigError(
            "the base scenario cannot be written as an experiment file (a scenario built "
            "in code, with policies but no file?)",
            base.name,
        )


def run_points(
    base: Scenario,
    points: Sequence[Mapping[str, Any]],
    replicates: int,
    seed: int,
    *,
    jobs: int = 1,
    workdir: Path | None = None,
    progress: Progress | None = None,
    outputs: Sequence[str] | None = None,
    poles: bool = False,
    backend: str = "loky",
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Run every design point ``replicates`` times through the sweep engine.

    Replicate ``r`` uses ``replicate_seed(seed, r)`` at every point (common random
    numbers). ``outputs``: the summaries kept (default: all). Without ``workdir`` the
    sweep goes to a temporary folder (nothing to resume).
    """
    import tempfile

    from ptce_sim.apps import experiment as experiments
    from ptce_sim.apps.sweep import Options, run_sweep
    from ptce_sim.world.summary import SUMMARY_DOCS

    check_points(base, points)
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="ptce-sens-") as tmp:
            return run_points(
                base, points, replicates, seed, jobs=jobs, workdir=Path(tmp),
                progress=progress, outputs=outputs, poles=poles, backend=backend,
                scheduler=scheduler,
            )  # fmt: skip
    keep = [o for o in (outputs or SUMMARY_DOCS) if o in SUMMARY_DOCS]
    distinct, row_of = unique_points(points)
    text, data = sweep_files(base, distinct, replicates, seed, keep, poles)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "points.csv").write_text(text, encoding="utf-8")
    toml = workdir / "sweep.toml"
    toml.write_text(dump_experiment(data), encoding="utf-8")
    exp = experiments.load(toml)
    _check_same_runs(exp, base, points)
    folder = workdir / SWEEP
    resume = (folder / "sweep.json").is_file()
    if folder.exists() and not resume:
        shutil.rmtree(folder)  # created but never started: nothing to keep

    def report(done: int, total: int, _ran: int, _seconds: float) -> None:
        if progress is not None:
            progress(done, total)

    options = Options(jobs=jobs, backend=backend, scheduler=scheduler)
    run_sweep(exp, folder, options, resume=resume, progress=report)
    return runs_table(folder, keys=list(points[0]), row_of=row_of, keep=keep, poles=poles)


def runs_table(
    folder: Path, keys: list[str], row_of: list[int], keep: list[str], poles: bool
) -> pd.DataFrame:
    """The engine's ``runs.parquet`` as the study's runs table: one row per design point
    and replicate (a duplicate point gets the rows of the point it duplicates)."""
    raw = pd.read_parquet(
        folder / "runs.parquet", columns=["point", "replicate", "seed", *keys, *keep]
    )
    raw = raw.rename(columns={"point": "row"})
    if poles:
        raw = raw.merge(pole_lists(folder), on=["row", "replicate"], how="left")
        for col in POLE_LISTS:  # a run without formal poles: empty lists
            raw[col] = raw[col].apply(lambda v: [] if not isinstance(v, list) else v)
    link = pd.DataFrame({"point": range(len(row_of)), "row": row_of})
    runs = link.merge(raw, on="row", how="left").drop(columns="row")
    return runs.sort_values(["point", "replicate"], kind="stable").reset_index(drop=True)


def pole_lists(folder: Path) -> pd.DataFrame:
    """Per run, its formal poles' durations (months) and death flags, as lists."""
    poles = pd.read_parquet(
        folder / "poles.parquet",
        columns=["point", "replicate", "formalised", "died", "months_observed"],
    )
    formal = poles[poles["formalised"].notna()]
    end = formal["died"].fillna(formal["months_observed"] - 1)
    frame = pd.DataFrame(
        {
            "row": formal["point"],
            "replicate": formal["replicate"],
            "pole_months": (end - formal["formalised"]).astype(float),
            "pole_died": formal["died"].notna(),
        }
    )
    return frame.groupby(["row", "replicate"], as_index=False).agg(list)


def function_runner(evaluate: Evaluate) -> RunPoints:
    """A runner that calls ``evaluate(point, seed)`` instead of the model (tests, demos).

    Same seeds as the model runner; no checkpoints (an analytic function is instant).
    """

    def run(
        base: Scenario,
        points: Sequence[Mapping[str, Any]],
        replicates: int,
        seed: int,
        *,
        jobs: int = 1,
        workdir: Path | None = None,
        progress: Progress | None = None,
        outputs: Sequence[str] | None = None,
        poles: bool = False,
        backend: str = "loky",
        scheduler: str | None = None,
    ) -> pd.DataFrame:
        rows = []
        for p, point in enumerate(points):
            for r in range(replicates):
                s = replicate_seed(seed, r)
                rows.append({"point": p, "replicate": r, "seed": s, **point, **evaluate(point, s)})
            if progress is not None:
                progress((p + 1) * replicates, len(points) * replicates)
        if not rows:
            return pd.DataFrame(columns=["point", "replicate", "seed"])
        return pd.DataFrame(rows)

    return run
