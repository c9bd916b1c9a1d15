"""How big an experiment may be, and what it would cost: runs, time, memory.

Why: ``samples = 1000000000`` validated, then the sweep tried to allocate 22 GiB;
``replicates = 10**12`` validated, then the sweep hung while listing its runs. A size
is now checked before anything is built from it (design points, run ids), against
what a driver can hold, and ``validate`` states the cost of every experiment it
accepts. The estimates are rough by design (a run's time depends on the territory and
the machine); they are there to tell a day from a century.
"""

from __future__ import annotations

import os

from ptce_sim.base.errors import ConfigError

#: Most runs one experiment may hold: the driver keeps a run id per run (~250 bytes
#: with its design point), and listing 5 million takes about a minute.
MAX_RUNS = 5_000_000
#: Most design points (each is a dict of values held in the driver).
MAX_POINTS = 1_000_000
#: CPU seconds per simulated month (warm start included) of one run of the default
#: territory: experiments/morris_screening.toml's 4,560 runs of 300 months took 8.6
#: minutes on two free cores through the sweep engine (0.23 s of CPU a run).
SECONDS_PER_MONTH = 0.00075
BYTES_PER_RUN = 250
BYTES_PER_POINT = 1000


def estimate(runs: int, steps: int, points: int = 0) -> tuple[float, float]:
    """(CPU-hours, bytes of driver memory) for ``runs`` runs of ``steps`` months."""
    hours = runs * (steps + 60) * SECONDS_PER_MONTH / 3600.0
    return hours, runs * BYTES_PER_RUN + points * BYTES_PER_POINT


def describe(runs: int, steps: int, points: int = 0) -> str:
    """``"1,200 runs, ~0.5 CPU-hours (~15 min on 2 cores)"``: what ``validate`` says."""
    hours, _ = estimate(runs, steps, points)
    cores = os.cpu_count() or 1
    return f"{runs:,} runs, ~{_hours(hours)} CPU-time (~{_hours(hours / cores)} on {cores} cores)"


def check(runs: int, points: int, steps: int, src: str, key: str, detail: str) -> None:
    """Refuse a design beyond :data:`MAX_RUNS` runs or :data:`MAX_POINTS` points, naming
    ``key`` (what to lower) and the estimated runs, time and memory."""
    if runs <= MAX_RUNS and points <= MAX_POINTS:
        return
    hours, memory = estimate(runs, steps, points)
    cores = os.cpu_count() or 1
    raise ConfigError(
        f"too large: {_count(runs)} runs ({detail}); estimated {_hours(hours)} CPU-time "
        f"({_hours(hours / cores)} on this machine's {cores} cores) and {_bytes(memory)} "
        "of memory only to list the runs",
        src,
        key,
        allowed=f"at most {MAX_RUNS:,} runs and {MAX_POINTS:,} design points per "
        "experiment; split it into several experiments",
    )


def _count(n: int) -> str:
    return f"{n:,}" if n < 10**9 else f"{float(n):.2g}"


def _hours(hours: float) -> str:
    if hours < 1 / 60:
        return f"{hours * 3600:.0f} s"
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    days = hours / 24
    return f"{days:.0f} days" if days < 730 else f"{days / 365:.2g} years"


def _bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} PiB"  # pragma: no cover
