"""Run many (scenario, seed) pairs in parallel with joblib, results in completion order.

Why loky's executor through ``pool.py`` (the one sweeps use): its workers ignore Ctrl-C
(the command alone reports an interrupt, in one line), they are stopped when the command
ends early, and results come back in completion order for a live progress bar. Each
task carries its index, so results are reassembled in a fixed order and a parallel run
equals a serial one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ptce_sim.world.run import run_one
from ptce_sim.world.scenario import Scenario


@dataclass
class TaskResult:
    """The light part of a run that travels back from a worker."""

    index: int
    scenario: str
    seed: int
    summary: dict[str, Any]
    poles: list[dict[str, Any]]


def _task(index: int, spec: Scenario, seed: int) -> TaskResult:
    result = run_one(spec, seed=seed)
    return TaskResult(index, spec.name, seed, result.summary, result.poles.to_dict("records"))


def run_tasks(
    tasks: Sequence[tuple[Scenario, int]],
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[TaskResult]:
    """Run every (scenario, seed) task; returns results in task order."""
    out: list[TaskResult | None] = [None] * len(tasks)
    for done, res in enumerate(_iterate(tasks, jobs), start=1):
        out[res.index] = res
        if progress is not None:
            progress(done, len(tasks))
    return [r for r in out if r is not None]


def _iterate(tasks: Sequence[tuple[Scenario, int]], jobs: int) -> Iterator[TaskResult]:
    if jobs == 1 or len(tasks) <= 1:
        for i, (spec, seed) in enumerate(tasks):
            yield _task(i, spec, seed)
        return
    from ptce_sim.apps import pool

    chunks = ((i, spec, seed) for i, (spec, seed) in enumerate(tasks))
    yield from pool.results(chunks, _one, jobs)


def _one(chunk: tuple[int, Scenario, int]) -> TaskResult:
    return _task(*chunk)
