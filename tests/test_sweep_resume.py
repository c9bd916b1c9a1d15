"""Resume after real interruptions: a ``ptce-sim sweep`` process is stopped at random
moments (Ctrl-C, SIGTERM, SIGKILL of the whole process group) and resumed; no run is
lost or duplicated and the final tables equal an uninterrupted sweep's, byte for byte.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ptce_sim.apps import experiment, sweep

pytestmark = pytest.mark.slow

EXPERIMENT = """
design = "grid"
replicates = 200
seed = 5
[set]
"run.steps" = 120
"territory.n_orgs" = 40
[levels]
"turnover.rate" = [0.01, 0.03]
"funding.la_subsidy" = [0.0, 25.0]
"""


def committed_ids(out: Path) -> list[str]:
    folder = out / "parts" / "runs"
    if (out / "runs.parquet").is_file() and not folder.is_dir():
        return pq.read_table(out / "runs.parquet", columns=["run_id"])["run_id"].to_pylist()
    ids: list[str] = []
    for part in sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []:
        ids += pq.read_table(part, columns=["run_id"])["run_id"].to_pylist()
    return ids


def start(exp: Path, out: Path, jobs: int, resume: bool) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "ptce_sim.apps.cli", "sweep", str(exp), "--out", str(out)]
    cmd += ["--jobs", str(jobs), "--flush-every", "0.3", *(["--resume"] if resume else [])]
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )


def test_killed_and_resumed_sweeps_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    exp_path = tmp_path / "exp.toml"
    exp_path.write_text(EXPERIMENT, encoding="utf-8")
    exp = experiment.load(exp_path)
    expected = sorted(r[0] for r in exp.runs())
    sweep.run_sweep(exp, tmp_path / "reference", sweep.Options(jobs=1))

    out = tmp_path / "out"
    rng = random.Random(2024)
    stops = [signal.SIGKILL, signal.SIGINT, signal.SIGKILL, signal.SIGTERM, signal.SIGKILL]
    interrupted = 0
    for k, sig in enumerate(stops):
        before = len(committed_ids(out))
        proc = start(exp_path, out, jobs=1 + k % 2, resume=k > 0)
        # Stop at a random moment after this session has committed something (a fixed
        # delay would let a fast machine finish the sweep before any stop).
        deadline = time.monotonic() + 180  # a cold numba cache compiles first
        while proc.poll() is None and time.monotonic() < deadline:
            if len(committed_ids(out)) > before:
                break
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.2))
        if proc.poll() is None:
            if sig == signal.SIGKILL:
                os.killpg(proc.pid, signal.SIGKILL)  # the job and its workers, at once
            elif sig == signal.SIGINT:
                os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
            else:
                proc.send_signal(sig)  # a scheduler's time limit
            interrupted += 1
        _, err = proc.communicate(timeout=120)
        if sig != signal.SIGKILL and proc.returncode not in (0, None):
            assert proc.returncode == 130, err.decode()
            assert b"resume with" in err
        ids = committed_ids(out)
        assert len(ids) == len(set(ids)), f"duplicated runs after stop {k}"
        assert set(ids) <= set(expected)
    # At least two real stops (the first, a SIGKILL, always lands: the first session has
    # the whole sweep to do). On a quiet machine a later session may finish the few
    # remaining runs before its stop; that session then checks a clean completion.
    assert interrupted >= 2

    proc = start(exp_path, out, jobs=2, resume=True)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert committed_ids(out) == expected
    for name in ("runs.parquet", "poles.parquet"):
        assert (out / name).read_bytes() == (tmp_path / "reference" / name).read_bytes()
    assert not (out / "parts").exists()
