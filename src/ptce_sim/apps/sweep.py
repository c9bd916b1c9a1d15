"""The sweep engine: every run of an experiment, in parallel, streamed to disk, resumable.

A sweep goes through the runs of an :class:`~ptce_sim.apps.experiment.Experiment` in
run-id order, skipping those already committed in the output folder, hands them to a
backend (in-process, joblib's loky processes, or a Dask cluster) with a bounded number
in flight, and commits the results in batches (``store.py``). Why each choice:

- **results do not depend on the schedule**: a run's seed comes from the root seed and
  its replicate number (``runid.py``), its parameters from its design point, and each run
  is the same ``run_one`` call wherever it executes; ``--jobs 1``, ``--jobs N`` and Dask
  give bit-identical tables.
- **memory does not grow with the number of runs**: tasks are generated lazily, at most
  a few per worker are in flight, and a batch leaves memory once committed. What grows
  is the list of run ids (a few dozen bytes per run).
- **nothing is lost or duplicated**: a batch is committed atomically; on ``--resume`` the
  committed run ids are read back and only the others run. Ctrl-C or SIGTERM (a
  cluster's time limit) commits the finished runs before leaving; SIGKILL loses at most
  the current batch (``flush_seconds`` of work).
- **a folder holds one experiment**: ``sweep.json`` records the experiment's identity
  (design, seeds, scenarios, outputs) and the model code; a resume that differs in any
  of them is refused rather than mixed.

The output folder (creation, resume checks, lock) is ``sweep_folder.py``; the tables'
schemas and the batch of uncommitted runs are ``sweep_tables.py``; this module runs the
tasks (the worker side included) and commits them.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ptce_sim.apps import provenance
from ptce_sim.apps.experiment import SCENARIO, Experiment
from ptce_sim.apps.store import RUNS, PartStore
from ptce_sim.apps.sweep_folder import STATE, Lock, prepare
from ptce_sim.apps.sweep_tables import TABLES, Batch, schemas
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import flat_dict
from ptce_sim.world.parameters import Parameters
from ptce_sim.world.scenario import Scenario

BACKENDS = ("loky", "dask")
Progress = Callable[[int, int, int, float], None]


@dataclass(frozen=True)
class Options:
    """How to run (never what: results do not depend on these)."""

    jobs: int = 1  # parallel workers; -1 = all cores
    backend: str = "loky"
    scheduler: str | None = None  # Dask scheduler address; None = a local Dask cluster
    flush_runs: int = 1000  # commit a batch after this many runs ...
    flush_seconds: float = 30.0  # ... or this long after the previous commit ...
    flush_cells: int = 1_000_000  # ... or this many values (bounds a batch's memory)


@dataclass(frozen=True)
class Task:
    """One run, as sent to a worker: everything it needs, nothing of the experiment."""

    run_id: str
    point: int
    replicate: int
    seed: int
    scenario: Scenario
    labels: dict[str, str]  # non-parameter factors: scenario reference, bundle levels
    keep: tuple[str, ...]
    timeseries: tuple[str, ...]
    poles: bool


class RunFailed(RuntimeError):
    """A run raised: a model bug, reported with the run that triggers it."""


class Interrupted(Exception):
    """The sweep was stopped (Ctrl-C, SIGTERM) after committing the finished runs."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"interrupted with {done} of {total} runs saved")
        self.done, self.total = done, total


@dataclass
class Outcome:
    """What a sweep did."""

    out: Path
    total: int
    done_before: int
    ran: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    already_complete: bool = False


# -- the worker side -------------------------------------------------------------------------
@functools.lru_cache(maxsize=64)
def _flat(params: Parameters) -> dict[str, Any]:
    # Replicates of a design point share their parameters: flatten them once per worker.
    return flat_dict(params)


def execute(task: Task) -> dict[str, dict[str, list[Any]]]:
    """Run one task in a worker; return its rows, as columns, for each table."""
    # Imported here: the driver of a parallel sweep never runs the model, and Mesa and
    # the model's modules cost it ~40 MiB (memory per sweep, not per run).
    from ptce_sim.world.run import run_records

    try:
        result = run_records(task.scenario, seed=task.seed)
    except Exception as exc:
        raise RunFailed(
            f"run {task.run_id} (design point {task.point}, replicate {task.replicate}, "
            f"seed {task.seed}) failed: {exc!r}"
        ) from exc
    ids = {"run_id": task.run_id, "point": task.point, "replicate": task.replicate}
    row = {
        **ids,
        "seed": task.seed,
        **task.labels,
        **_flat(task.scenario.params),
        **{k: result.summary[k] for k in task.keep},
    }
    out = {RUNS: {k: [v] for k, v in row.items()}}
    if task.poles:
        n = len(result.poles)
        cols = {k: [v] * n for k, v in ids.items()}
        for key in result.poles[0] if n else ():
            cols[key] = [p[key] for p in result.poles]
        out["poles"] = cols
    if task.timeseries:
        frame = result.timeseries
        n = len(frame)
        cols = {k: [v] * n for k, v in ids.items()}
        for c in ("month", "date", *task.timeseries):
            if c in frame:
                cols[c] = frame[c].tolist()
        out["timeseries"] = cols
    return out


def execute_chunk(chunk: list[Task]) -> tuple[int, dict[str, dict[str, list[Any]]]]:
    """Run a chunk of tasks in a worker; return how many and their rows, merged by column.

    Why merge in the worker: a run's record is ~200 one-element lists; sent one by one,
    their pickling and the driver's appending cost ~0.5 ms per run, on a core the workers
    need. Merged, the column names travel once per chunk and the driver extends each
    column once.
    """
    merged = Batch(TABLES)
    for task in chunk:
        merged.add(execute(task))
    return merged.runs, {t: cols for t, cols in merged.columns.items() if cols}


def _chunks(tasks: Iterator[Task], remaining: int, workers: int) -> Iterator[list[Task]]:
    """Group ``tasks`` (``remaining`` of them) into chunks of :func:`chunk_size`, the size
    recomputed for each chunk from the tasks not yet grouped."""
    chunk: list[Task] = []
    size = chunk_size(remaining, workers)
    for task in tasks:
        chunk.append(task)
        if len(chunk) == size:
            yield chunk
            remaining -= size
            chunk = []
            size = chunk_size(remaining, workers)
    if chunk:
        yield chunk


def chunk_size(remaining: int, workers: int) -> int:
    """Runs in the next chunk: up to 32, and shrinking towards 1 at the end of a sweep
    (guided self-scheduling: the runs not yet dispatched, shared in eight per worker).

    Why chunks: with one run per task, runs of ~10 ms spent a third of the workers' time
    in dispatch (measured: 36 vs 41 CPU-s and 1.2-1.5x the runs/s for 3,000 runs); a chunk
    of 32 still ends within seconds for runs of a second or less (what SIGKILL can lose).
    Why shrinking: with a fixed size, the last chunks ended one after the other on one
    worker while the others idled (300 runs of 0.1 s in chunks of 18: up to 2 s of one
    idle core, a tenth of the sweep); small final chunks end together.
    """
    return max(1, min(32, remaining // (8 * max(workers, 1))))


# -- backends --------------------------------------------------------------------------------
def results(
    tasks: Iterator[Task], options: Options, remaining: int = 0
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(runs, merged rows) of ``tasks`` (``remaining`` of them) in completion order."""
    if options.jobs == 1 and options.backend != "dask":
        for task in tasks:
            yield 1, execute(task)
        return
    from ptce_sim.apps import pool

    chunks = _chunks(tasks, remaining, pool.workers(options.jobs))
    if options.backend == "dask":
        from ptce_sim.apps.daskrun import dask_results

        yield from dask_results(chunks, execute_chunk, options.jobs, options.scheduler)
        return
    # loky processes, at most two chunks per worker in flight (the task generator is
    # consumed lazily), hence memory; started early by the command when it could.
    yield from pool.results(chunks, execute_chunk, options.jobs)


# -- the sweep -------------------------------------------------------------------------------
def run_sweep(
    exp: Experiment,
    out: Path,
    options: Options | None = None,
    resume: bool = False,
    command: list[str] | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Run (or finish) the sweep of ``exp`` into ``out``; see the module docstring."""
    options = options or Options()
    if options.backend not in BACKENDS:
        raise ConfigError("unknown backend", "--backend", value=options.backend)
    out = Path(out)
    old = prepare(exp, out, resume)
    with Lock(out):
        return _run(exp, out, options, old, command or [], progress)


def _run(
    exp: Experiment,
    out: Path,
    options: Options,
    old: dict[str, Any] | None,
    command: list[str],
    progress: Progress | None,
) -> Outcome:
    tables, sort = schemas(exp)
    store = PartStore(out, tables, sort)
    targets = {t: out / TABLES[t] for t in tables}
    total = exp.n_runs
    if (
        old is not None
        and old.get("status") == "complete"
        and all(p.is_file() for p in targets.values())
    ):
        store.remove_parts()
        return Outcome(out, total, total, 0, 0.0, already_complete=True)
    done_ids = store.recover()
    runs = exp.runs()
    ids = np.array([r[0] for r in runs])
    todo = np.flatnonzero(~np.isin(ids, done_ids))
    done = total - len(todo)
    record = provenance.Provenance(
        out / "provenance.json",
        command,
        {
            "backend": options.backend
            if options.jobs != 1 or options.backend == "dask"
            else "serial",
            "jobs": options.jobs,
            "scheduler": options.scheduler,
        },
    )
    record.update(runs_done_at_start=done)
    labels = [SCENARIO, *exp.bundles]

    def tasks() -> Iterator[Task]:
        cache: dict[int, Scenario] = {}
        for k in todo:
            rid, point, rep, seed = runs[k]
            spec = cache.get(point)
            if spec is None:
                if len(cache) > 256:
                    cache.clear()
                spec = cache[point] = exp.resolve(point)
            lab = {SCENARIO: exp.scenario_ref(point)}
            lab.update({n: str(exp.points[point][n]) for n in labels if n != SCENARIO})
            yield Task(rid, point, rep, seed, spec, lab, exp.keep, exp.timeseries, exp.poles)

    batch = Batch(tables)
    started = time.perf_counter()
    last = started
    ran = 0
    if progress is not None:
        progress(done, total, 0, 0.0)
    stream = results(tasks(), options, len(todo))
    try:
        for n, rec in stream:
            batch.add(rec, n)
            ran += n
            now = time.perf_counter()
            if (
                batch.runs >= options.flush_runs
                or batch.cells >= options.flush_cells
                or now - last >= options.flush_seconds
            ):
                store.commit(batch.take())
                last = now
            if progress is not None:
                progress(done + ran, total, ran, now - started)
        store.commit(batch.take())
        stream.close()
    except KeyboardInterrupt:
        # Ctrl-C or SIGTERM: first keep every finished run (a second interrupt while this
        # commit writes loses this batch at worst: it runs again on --resume), then stop
        # the workers.
        store.commit(batch.take())
        stream.close()
        saved = len(store.recover())
        record.end("interrupted", saved)
        raise Interrupted(saved, total) from None
    except BaseException:
        store.commit(batch.take())
        stream.close()
        record.end("failed", len(store.recover()))
        raise
    rows = store.finalise(targets)
    if rows[RUNS] != total:  # cannot happen unless files were tampered with
        raise RuntimeError(f"{rows[RUNS]} runs in the parts, {total} expected: {out}")
    state = provenance.read_json(out / STATE)
    state["status"] = "complete"
    provenance.write_json(state, out / STATE)
    store.remove_parts()
    record.end("complete", total)
    return Outcome(out, total, done, ran, time.perf_counter() - started, rows)
