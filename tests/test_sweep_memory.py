"""Bounded memory: a sweep's peak RSS does not grow with the number of runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHILD = """
import resource, sys
from ptce_sim.apps import experiment, sweep
exp = experiment.load(sys.argv[1])
sweep.run_sweep(exp, sys.argv[2], sweep.Options(jobs=1, flush_runs=50))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
"""

EXPERIMENT = """
design = "grid"
replicates = {n}
seed = 3
timeseries = ["started"]
[set]
"run.steps" = 3
"territory.n_orgs" = 30
[levels]
"turnover.rate" = [0.01, 0.03]
"""


def peak_mib(tmp_path: Path, n: int) -> float:
    exp = tmp_path / f"exp{n}.toml"
    exp.write_text(EXPERIMENT.format(n=n), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(exp), str(tmp_path / f"out{n}")],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout.split()[-1]) / 1024


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units differ")
def test_peak_memory_is_flat_in_the_number_of_runs(tmp_path: Path) -> None:
    small = peak_mib(tmp_path, 50)  # 100 runs
    large = peak_mib(tmp_path, 750)  # 1,500 runs
    # Holding every run in memory would cost ~3 KiB a run here; the sweep holds a batch.
    assert large - small < 20, (small, large)
