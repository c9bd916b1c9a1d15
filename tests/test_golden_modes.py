"""The single copy of each rule is what runs: the compiled month, the same code run as
plain Python (``NUMBA_DISABLE_JIT=1``: every kernel and rule function interpreted, so
coverage of ``rules/`` is real), and the compiled month with every array access checked
(``NUMBA_BOUNDSCHECK=1``) all give the stored outputs of a short golden run
(``golden/modes.py``: poles form, formalise, hire, win a grant and die in it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
sys.path.insert(0, str(GOLDEN))

import modes  # noqa: E402


def test_the_compiled_run_gives_the_stored_outputs() -> None:
    assert modes.differences() == []


def test_the_golden_run_exercises_every_pole_phase() -> None:
    """Otherwise the three-way comparison would not cover the pole kernels."""
    events = set(modes.pd.read_csv(modes.HERE / "events.csv")["kind"])
    for kind in ("pole_formed", "pole_formalised", "pole_died", "grant_won", "subsidy_started",
                 "cell_cut", "pole_joined", "pole_left", "departure", "arrival"):  # fmt: skip
        assert kind in events, kind


def _check_in_subprocess(env: dict[str, str], timeout: int) -> None:
    proc = subprocess.run(
        [sys.executable, str(GOLDEN / "modes.py"), "check"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert proc.stdout.strip() == "identical"


@pytest.mark.slow
def test_the_month_run_as_python_gives_the_stored_outputs() -> None:
    _check_in_subprocess({"NUMBA_DISABLE_JIT": "1"}, timeout=600)


@pytest.mark.slow
def test_the_month_with_bounds_checks_gives_the_stored_outputs(tmp_path: Path) -> None:
    # A cache of its own: kernels compiled with bounds checks must not be reused later.
    _check_in_subprocess({"NUMBA_BOUNDSCHECK": "1", "NUMBA_CACHE_DIR": str(tmp_path)}, 1800)
