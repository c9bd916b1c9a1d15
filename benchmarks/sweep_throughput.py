"""Sweep throughput and peak memory: ``ptce-sim sweep`` vs ``mesa.batch_run`` (vs EMA).

The same design runs on the same model through each engine: 10 levels of
``turnover.rate`` x N/10 seeds of a small but real territory (30 organisations,
``--steps`` months, default 12), every per-run summary kept. Each engine runs in its own
child process; this script samples the memory of that process and of all its
descendants every 0.2 s (PSS where Linux provides it, so pages shared between forked
workers count once; RSS elsewhere) and reports the peak. Runs per second are over the
whole command, from its start to its exit: what a user waits for, interpreter start,
imports and worker start-up included (with runs of ~10 ms, start-up is a large part of a
sweep of 1,000 runs, and each engine pays its own).

- **ours**: the command ``ptce-sim sweep bench.toml --jobs N --out DIR`` (loky workers,
  started before the command loads the experiment), results streamed to Parquet (runs
  and poles tables);
- **batch_run**: a script calling ``mesa.batch_run`` with ``number_processes=--jobs``
  on a thin adapter (a ``TerritoryModel`` subclass taking keyword arguments, with a
  ``DataCollector`` of the summaries, collected every step as Mesa's idiom requires),
  results in memory;
- **ema**: a script running EMA Workbench's ``MultiprocessingEvaluator`` on a function wrapping
  ``run_one``, the public entry point an EMA user would call (skipped when
  ``ema_workbench`` is not installed).

An engine that fails or gives no result within ``--timeout`` seconds is reported as
such (``nan``) and the others still run.

Then our parallel efficiency: runs/s with ``--jobs`` workers / (``--jobs`` x runs/s with
one worker, in-process), both as whole commands, twice: on the design above at its
largest run count, where runs of ~3 ms make the fixed costs of parallelism (worker
start-up, ~1.5 s of CPU each: a Python importing Mesa, pandas and the cached numba
kernels; dispatch; the driver's share of a core) as visible as they can be, and on
``--reference-runs`` runs of the reference territory (80 organisations, 240 months,
~0.1 s each), the runs a researcher sweeps. Both without memory sampling, which costs CPU
only when every core is busy, that is in the parallel run.
Timings are noisy on a shared machine: repeat (``--repeat``) and read the best of each.

Usage::

    python benchmarks/sweep_throughput.py [--runs 1000 10000] [--jobs 2] [--steps 12]
                                           [--engines ours batch_run ema] [--repeat 1]
                                           [--reference-runs 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import mesa

from ptce_sim.world.model import TerritoryModel
from ptce_sim.world.summary import SUMMARY_DOCS, summarise

N_ORGS = 30
LEVELS = [0.005 + 0.0025 * i for i in range(10)]


# -- the engines (run in a child process) ----------------------------------------------------
def _scenario(steps: int, rate: float) -> Any:
    from ptce_sim.world.scenario import Scenario

    return Scenario().with_overrides(
        {"run.steps": steps, "territory.n_orgs": N_ORGS, "turnover.rate": rate}
    )


def ours_command(folder: Path, n: int, jobs: int, steps: int, orgs: int = N_ORGS) -> list[str]:
    """The command a user runs: ``ptce-sim sweep`` on an experiment file of the design."""
    exp_path = folder / "bench.toml"
    exp_path.write_text(
        f"design = 'grid'\nreplicates = {n // len(LEVELS)}\nseed = 1\n"
        f"[set]\n'run.steps' = {steps}\n'territory.n_orgs' = {orgs}\n"
        f"[levels]\n'turnover.rate' = {LEVELS}\n",
        encoding="utf-8",
    )
    exe = Path(sys.executable).with_name("ptce-sim")
    cli = [str(exe)] if exe.exists() else [shutil.which("ptce-sim") or "ptce-sim"]
    return [*cli, "sweep", str(exp_path), "--jobs", str(jobs), "--out", str(folder / "out")]


class BatchModel(TerritoryModel):
    """What a Mesa user writes for batch_run: keyword arguments and a DataCollector (of
    the per-run summaries, collected every step: batch_run indexes it by step)."""

    def __init__(self, turnover_rate: float = 0.015, seed: int = 1, steps: int = 12) -> None:
        super().__init__(_scenario(steps, turnover_rate), seed=seed)
        self.horizon = steps
        self.summary: dict[str, Any] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={k: (lambda m, k=k: m.summary.get(k)) for k in SUMMARY_DOCS}
        )

    def step(self) -> None:
        super().step()
        if self.steps >= self.horizon:
            self.summary = summarise(self, self.recorder.columns())
            self.running = False
        self.datacollector.collect(self)


def run_batch_run(n: int, jobs: int, steps: int) -> None:
    from mesa.batchrunner import batch_run  # forces the spawn start method: child only

    results = batch_run(
        BatchModel,
        parameters={"turnover_rate": LEVELS, "seed": range(n // len(LEVELS)), "steps": steps},
        number_processes=jobs,
        iterations=1,
        max_steps=steps,
        data_collection_period=-1,
        display_progress=False,
    )
    assert len(results) == n


def ema_function(turnover_rate: float = 0.015, seed: int = 1, steps: int = 12) -> dict:
    from ptce_sim.world.run import run_one

    return run_one(_scenario(int(steps), turnover_rate), seed=int(seed)).summary


def run_ema(n: int, jobs: int, steps: int) -> None:
    from ema_workbench import (
        Constant,
        IntegerParameter,
        Model,
        MultiprocessingEvaluator,
        RealParameter,
        ScalarOutcome,
    )

    model = Model("ptce", function=ema_function)
    model.uncertainties = [
        RealParameter("turnover_rate", LEVELS[0], LEVELS[-1]),
        IntegerParameter("seed", 0, 2**31 - 1),
    ]
    model.constants = [Constant("steps", steps)]
    model.outcomes = [ScalarOutcome(k) for k in SUMMARY_DOCS]
    with MultiprocessingEvaluator(model, n_processes=jobs) as evaluator:
        experiments, _ = evaluator.perform_experiments(scenarios=n)
    assert len(experiments) == n


ENGINES = {"ours": None, "batch_run": run_batch_run, "ema": run_ema}


def child(engine: str, n: int, jobs: int, steps: int) -> None:
    ENGINES[engine](n, jobs, steps)


# -- the measuring parent --------------------------------------------------------------------
def _memory(proc: Any) -> int:
    import psutil

    total = 0
    try:
        tree = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:  # the command ended between two samples
        return 0
    for p in tree:
        try:
            info = p.memory_full_info()
            total += getattr(info, "pss", info.rss)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def measure(
    engine: str,
    n: int,
    jobs: int,
    steps: int,
    timeout: float = 1800.0,
    orgs: int = N_ORGS,
    memory: bool = True,
) -> dict[str, float]:
    """Runs/s (over the whole command, interpreter start to exit) and peak memory of one
    engine; NaN runs/s when it fails or times out. ``memory=False``: no sampling (it
    takes ~6 ms of CPU per process and sample, which a serial run does not feel, on the
    idle core, and a parallel one does: the efficiency is measured without it)."""
    import psutil

    with tempfile.TemporaryDirectory() as tmp:
        if engine == "ours":
            cmd = ours_command(Path(tmp), n, jobs, steps, orgs)
        else:
            cmd = [sys.executable, __file__, "--child", engine, "--n", str(n)]
            cmd += ["--jobs", str(jobs), "--steps", str(steps)]
        ended: list[float] = []
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp)
        # The exit is timed by a thread blocked on it, not by the memory sampling loop.
        waiter = threading.Thread(target=lambda: (proc.wait(), ended.append(time.perf_counter())))
        waiter.start()
        ps = psutil.Process(proc.pid)
        peak = 0
        while waiter.is_alive():
            if memory:
                peak = max(peak, _memory(ps))
            waiter.join(0.2)
            if time.perf_counter() - started > timeout:
                for child_ in ps.children(recursive=True):
                    child_.kill()
                proc.kill()
                waiter.join()
                print(f"  {engine}: no result after {timeout:.0f} s, stopped", flush=True)
                return {"runs_per_s": float("nan"), "peak_mib": peak / 2**20}
        err = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0:
            print(f"  {engine} failed:\n{err[-2000:]}", flush=True)
            return {"runs_per_s": float("nan"), "peak_mib": peak / 2**20}
    seconds = ended[0] - started
    return {"runs_per_s": n / seconds, "peak_mib": peak / 2**20, "seconds": seconds}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=list(ENGINES))
    parser.add_argument("--repeat", type=int, default=1, help="measurements per cell (best)")
    parser.add_argument("--no-efficiency", action="store_true")
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds before an engine is stopped"
    )
    parser.add_argument("--child", choices=list(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--reference-runs",
        type=int,
        default=1000,
        help="runs of the reference territory for the second efficiency figure (0: skip)",
    )
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.n, args.jobs, args.steps)
        return
    engines = list(args.engines)
    if "ema" in engines:
        try:
            import ema_workbench  # noqa: F401
        except ImportError:
            print("ema_workbench not installed: skipping EMA Workbench")
            engines.remove("ema")
    from importlib.metadata import version

    print(
        f"Python {sys.version.split()[0]}, mesa {version('mesa')}, ptce-sim "
        f"{version('ptce-sim')}, {os.cpu_count()} CPUs; {N_ORGS} organisations, "
        f"{args.steps} months per run; {args.jobs} workers; best of {args.repeat}"
    )
    results: dict[tuple[str, int], dict[str, float]] = {}
    for n in args.runs:
        for engine in engines:
            runs = [
                measure(engine, n, args.jobs, args.steps, args.timeout) for _ in range(args.repeat)
            ]
            best = {
                "runs_per_s": max(r["runs_per_s"] for r in runs),
                "peak_mib": min(r["peak_mib"] for r in runs),
            }
            results[engine, n] = best
            print(
                f"  {engine:<10} {n:>6} runs: {best['runs_per_s']:7.1f} runs/s, "
                f"peak {best['peak_mib']:7.0f} MiB",
                flush=True,
            )
    print(
        f"\n{'runs':>6} {'engine':<10} {'runs/s':>8} {'peak MiB':>9} {'ours: speed':>12} "
        f"{'ours: memory':>13}"
    )
    for n in args.runs:
        ours = results.get(("ours", n))
        for engine in engines:
            r = results[engine, n]
            rel = ""
            if ours and engine != "ours":
                rel = (
                    f"{ours['runs_per_s'] / r['runs_per_s']:11.2f}x "
                    f"{ours['peak_mib'] / r['peak_mib']:12.2f}x"
                )
            print(f"{n:>6} {engine:<10} {r['runs_per_s']:8.1f} {r['peak_mib']:9.0f} {rel}")
    if not args.no_efficiency and "ours" in engines:
        print()
        n = max(args.runs)
        efficiency(
            f"{n} runs of {N_ORGS} organisations x {args.steps} months",
            lambda jobs: measure("ours", n, jobs, args.steps, args.timeout, memory=False),
            args,
        )
        if args.reference_runs:
            efficiency(
                f"{args.reference_runs} runs of the reference territory (80 x 240 months)",
                lambda jobs: measure(
                    "ours", args.reference_runs, jobs, 240, args.timeout, 80, memory=False
                ),
                args,
            )


def efficiency(label: str, measure_at: Any, args: Any) -> None:
    """Print runs/s with ``--jobs`` workers / (``--jobs`` x runs/s with one), both
    measured without memory sampling, alternating, best of ``--repeat`` each."""
    serial, parallel = 0.0, 0.0
    for _ in range(args.repeat):
        serial = max(serial, measure_at(1)["runs_per_s"])
        parallel = max(parallel, measure_at(args.jobs)["runs_per_s"])
    print(
        f"parallel efficiency of ours, {label}: {parallel:.2f} runs/s with {args.jobs} "
        f"workers / ({args.jobs} x {serial:.2f} runs/s with 1) = "
        f"{100 * parallel / (args.jobs * serial):.0f}%",
        flush=True,
    )


if __name__ == "__main__":
    main()
