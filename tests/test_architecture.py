"""House rules checked as tests: layer contracts (import-linter) and lint (ruff)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    exe = Path(sys.executable).parent / name
    found = str(exe) if exe.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def test_import_layers_hold() -> None:
    """apps -> world -> rules -> base; rules independent; no Mesa/pandas below world."""
    proc = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_is_clean() -> None:
    proc = subprocess.run(
        [_tool("ruff"), "check", "src", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_driver_of_a_sweep_starts_light() -> None:
    """The command line and the sweep engine's driver import neither Mesa, numba nor
    pandas: the driver never runs the model, and every second it spends importing is
    taken from the workers starting beside it (``apps/pool.py``) on the same cores."""
    code = (
        "import sys, ptce_sim.apps.cli, ptce_sim.apps.sweep, ptce_sim.apps.experiment;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'mesa', 'numba', 'pandas'}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
