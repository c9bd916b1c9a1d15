"""Run design points × replicates and return the runs table — **the runner boundary**.

Everything else in this package (sampling, analysis, reports, discovery) only sees the
*runs table* this returns: a pandas DataFrame with one row per run and columns

- ``point`` (int, the design-point index), ``replicate`` (int), ``seed`` (int);
- one column per dotted parameter key of the design point (the value the model got);
- one column per summary (``ptce_sim.world.summary.SUMMARY_DOCS``), or per output of an
  injected function.

:func:`run_points` is a *temporary* runner built on ``run_one`` and
``apps.parallel.run_tasks``: it will be replaced by the sweep engine (streaming, Dask,
its own resume) behind the same signature, :class:`RunPoints`. It checkpoints finished
runs as Parquet chunks in ``workdir`` and, when called again on the same ``workdir``,
runs only the (point, replicate) pairs that are missing: that is what ``--resume`` uses.

:func:`function_runner` wraps a plain function ``f(point, seed) -> {output: value}`` in
the same signature, so the glue can be tested on analytic functions with known indices
(Ishigami, Sobol' G) instead of the model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from ptce_sim.apps.sensitivity.design import replicate_seed
from ptce_sim.world.scenario import Scenario

Progress = Callable[[int, int], None]
Evaluate = Callable[[Mapping[str, Any], int], Mapping[str, float]]
#: Runs per checkpoint file: small enough to lose little on an interruption, large
#: enough that the per-chunk synchronisation of the workers costs little.
CHUNK = 64


class RunPoints(Protocol):
    """The signature every runner offers (the temporary one here, the sweep engine later)."""

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
    ) -> pd.DataFrame: ...


def tasks_of(n_points: int, replicates: int) -> list[tuple[int, int]]:
    """All (point, replicate) pairs, replicate-major so an early stop covers every point."""
    return [(p, r) for r in range(replicates) for p in range(n_points)]


def check_points(base: Scenario, points: Sequence[Mapping[str, Any]]) -> None:
    """Apply every design point to the base scenario once, before any run: a point the
    model would reject (e.g. a minimum sampled above its maximum) fails now, in one line,
    not after an hour of runs."""
    for i, point in enumerate(points):
        base.with_overrides(dict(point), f"design point {i}")


def run_points(
    base: Scenario,
    points: Sequence[Mapping[str, Any]],
    replicates: int,
    seed: int,
    *,
    jobs: int = 1,
    workdir: Path | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Run every design point ``replicates`` times with the model; see the module docstring.

    Replicate ``r`` uses ``replicate_seed(seed, r)`` at every point (common random numbers).
    """
    from ptce_sim.apps.parallel import run_tasks

    check_points(base, points)
    done = _read_chunks(workdir)
    have = set(zip(done["point"], done["replicate"], strict=True)) if len(done) else set()
    todo = [t for t in tasks_of(len(points), replicates) if t not in have]
    total, finished = len(points) * replicates, len(have)
    frames = [done] if len(done) else []
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start : start + CHUNK]
        specs = [
            (base.with_overrides(dict(points[p]), f"design point {p}"), replicate_seed(seed, r))
            for p, r in chunk
        ]

        def tick(n: int, _total: int, offset: int = finished) -> None:
            if progress is not None:
                progress(offset + n, total)

        results = run_tasks(specs, jobs=jobs, progress=tick)
        rows = [
            _row(p, r, s, points[p], res.summary)
            for (p, r), (_, s), res in zip(chunk, specs, results, strict=True)
        ]
        frame = pd.DataFrame(rows)
        _write_chunk(workdir, frame)
        frames.append(frame)
        finished += len(chunk)
    return _tidy(frames)


def function_runner(evaluate: Evaluate) -> RunPoints:
    """A runner that calls ``evaluate(point, seed)`` instead of the model (tests, demos).

    It honours ``workdir`` like :func:`run_points`, so resuming can be tested cheaply.
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
    ) -> pd.DataFrame:
        done = _read_chunks(workdir)
        have = set(zip(done["point"], done["replicate"], strict=True)) if len(done) else set()
        todo = [t for t in tasks_of(len(points), replicates) if t not in have]
        frames = [done] if len(done) else []
        for start in range(0, len(todo), CHUNK):
            rows = []
            for p, r in todo[start : start + CHUNK]:
                s = replicate_seed(seed, r)
                rows.append(_row(p, r, s, points[p], evaluate(points[p], s)))
            frame = pd.DataFrame(rows)
            _write_chunk(workdir, frame)
            frames.append(frame)
            if progress is not None:
                progress(len(have) + start + len(rows), len(have) + len(todo))
        return _tidy(frames)

    return run


def _row(
    point: int, replicate: int, seed: int, values: Mapping[str, Any], out: Mapping[str, Any]
) -> dict[str, Any]:
    return {"point": point, "replicate": replicate, "seed": seed, **values, **out}


def _tidy(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=["point", "replicate", "seed"])
    runs = pd.concat(frames, ignore_index=True)
    return runs.sort_values(["point", "replicate"], kind="stable").reset_index(drop=True)


def _read_chunks(workdir: Path | None) -> pd.DataFrame:
    if workdir is None:
        return pd.DataFrame()
    files = sorted((workdir / "chunks").glob("chunk-*.parquet"))
    if not files:
        return pd.DataFrame()
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def _write_chunk(workdir: Path | None, frame: pd.DataFrame) -> None:
    """Write a chunk under a temporary name, then rename: a chunk is whole or absent."""
    if workdir is None:
        return
    folder = workdir / "chunks"
    folder.mkdir(parents=True, exist_ok=True)
    index = len(list(folder.glob("chunk-*.parquet")))
    tmp = folder / f".chunk-{index:05d}.tmp"
    frame.to_parquet(tmp, index=False)
    tmp.replace(folder / f"chunk-{index:05d}.parquet")
