"""Speed of one run of the reference territory (80 organisations, 240 months, defaults).

One run = ``TerritoryModel(seed=s)``, 240 x ``model.step()``, ``model.recorder.frame()``.
The target is >= 20 runs/s on one core (<= 50 ms per run, construction and frame
included). Runs are serial in this process (one core) after one warm-up run, which also
loads (or, on a cold cache, compiles) the numba kernels; the warm-up time is printed.

Usage::

    python benchmarks/run_speed.py [--runs 30] [--seed 0] [--profile]

``--profile`` also prints the mean time per run of each part of ``TerritoryModel.step()``
(see ``PHASES``), measured by wrapping those methods with a timer: the
wrappers add a little overhead, so compare phases with each other, not the total with
a run without ``--profile``.
"""

from __future__ import annotations

import argparse
import functools
import platform
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

#: Methods timed by ``--profile``: (module, class, method names). A month is one compiled
#: call (``simulate_month``: phases 2-9 and the metrics' values) and Python around it.
PHASES = (
    (
        "ptce_sim.world.model",
        "TerritoryModel",
        ("apply_policies", "simulate_month"),
    ),
    ("ptce_sim.world.poles", "PoleRegistry", ("events", "after_month")),
    ("ptce_sim.world.metrics", "MetricRecorder", ("record",)),
)


def instrument(times: dict[str, float]) -> None:
    """Wrap the methods of :data:`PHASES` so that each call adds its time to ``times``."""
    import importlib

    for module, cls_name, names in PHASES:
        cls = getattr(importlib.import_module(module), cls_name)
        for name in names:
            if not hasattr(cls, name):
                continue
            setattr(cls, name, _timed(getattr(cls, name), f"{cls_name}.{name}", times))


def _timed(f: Callable[..., Any], label: str, times: dict[str, float]) -> Callable[..., Any]:
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            times[label] += time.perf_counter() - t0

    return wrapper


def one_run(seed: int) -> tuple[float, float, float]:
    """Seconds spent in construction, the 240 steps, and the metrics frame."""
    from ptce_sim.world.model import TerritoryModel

    t0 = time.perf_counter()
    model = TerritoryModel(seed=seed)
    t1 = time.perf_counter()
    for _ in range(model.params.run.steps):
        model.step()
    t2 = time.perf_counter()
    model.recorder.frame()
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (then seed + 1, ...)")
    parser.add_argument(
        "--profile", action="store_true", help="also print the mean time per run of each phase"
    )
    args = parser.parse_args(argv)

    import numpy as np

    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"mesa {version('mesa')}, numba {_maybe_version('numba')}, "
        f"ptce-sim {version('ptce-sim')}"
    )
    t0 = time.perf_counter()
    import ptce_sim.world.model  # imports the compiled kernels

    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    one_run(args.seed + args.runs)  # warm-up: loads or compiles the kernels
    t_warm = time.perf_counter() - t0
    print(f"import {t_import * 1e3:.0f} ms, warm-up run {t_warm * 1e3:.0f} ms")

    times: defaultdict[str, float] = defaultdict(float)
    if args.profile:
        instrument(times)
        one_run(args.seed + args.runs)  # the wrappers' first calls
        times.clear()
    parts = [one_run(args.seed + i) for i in range(args.runs)]
    total = [sum(p) for p in parts]
    mean = statistics.fmean(total)
    print(f"{args.runs} runs: {1.0 / mean:.1f} runs/s, {mean * 1e3:.1f} ms per run")
    print(
        f"  per run: median {statistics.median(total) * 1e3:.1f} ms, "
        f"best {min(total) * 1e3:.1f} ms, worst {max(total) * 1e3:.1f} ms"
    )
    steps = ptce_sim.world.model.TerritoryModel().params.run.steps
    for i, name in enumerate(("construction", "steps", "frame")):
        ms = statistics.fmean(p[i] for p in parts) * 1e3
        extra = f" ({ms / steps * 1e3:.0f} µs per month)" if name == "steps" else ""
        print(f"  {name:<13}{ms:7.2f} ms{extra}")
    if args.profile:
        print("per phase (mean per run; nested phases also count in their parent):")
        for label, total_s in sorted(times.items(), key=lambda kv: -kv[1]):
            print(f"  {label:<34}{total_s / args.runs * 1e3:7.2f} ms")


def _maybe_version(name: str) -> str:
    try:
        return version(name)
    except Exception:
        return "not installed"


if __name__ == "__main__":
    main()
