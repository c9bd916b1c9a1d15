"""The local process pool of sweeps (apps/pool.py): every chunk's result exactly once,
a bounded number of chunks in flight, and no worker left behind by a sweep that stops
early or a command that fails after starting its workers."""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

import psutil
import pytest

from conftest import WriteToml
from ptce_sim.apps import pool
from ptce_sim.apps.cli import main

# An exception in loky's manager thread (its traceback printed after the command's own
# one-line error) is a failure here, not a warning.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


def _double(x: int) -> int:
    return 2 * x


def _slow(x: int) -> int:
    time.sleep(0.05)
    return x


def _workers_alive() -> list[psutil.Process]:
    """This process's loky workers (not loky's resource tracker, which stays)."""
    out = []
    for child in psutil.Process().children(recursive=True):
        try:
            cmd = " ".join(child.cmdline())
            if "LokyProcess" in cmd and child.status() != psutil.STATUS_ZOMBIE:
                out.append(child)
        except psutil.NoSuchProcess:
            pass
    return out


def _wait_gone(timeout: float = 10.0) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while (alive := _workers_alive()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def test_every_chunk_once_in_completion_order() -> None:
    got = list(pool.results(range(40), _double, jobs=2))
    assert sorted(got) == [2 * x for x in range(40)]


def test_chunks_are_pulled_lazily_with_a_bounded_number_in_flight() -> None:
    pulled: list[int] = []

    def chunks():
        for x in range(30):
            pulled.append(x)
            yield x

    received = 0
    worst = 0
    for _ in pool.results(chunks(), _slow, jobs=2, in_flight=2):
        received += 1
        worst = max(worst, len(pulled) - received)
    assert received == 30
    # At most in_flight x workers submitted and not yet returned (+1: the chunk pulled
    # just before the wait that returned).
    assert worst <= 2 * 2 + 1


def test_a_sweep_stopped_early_stops_its_workers() -> None:
    gen = pool.results(range(1000), _slow, jobs=2)
    next(gen)
    assert _workers_alive()
    gen.close()
    assert _wait_gone() == []


def test_a_failing_chunk_raises_in_the_driver_and_stops_the_workers() -> None:
    with pytest.raises(ZeroDivisionError):
        list(pool.results([1, 0, 2], _inverse, jobs=2))
    assert _wait_gone() == []


def _inverse(x: int) -> float:
    return 1 / x


def test_a_command_that_fails_after_starting_its_workers_leaves_none(
    write_toml: WriteToml, tmp_path: Path
) -> None:
    bad = write_toml("bad.toml", 'design = "grid"\nreplicates = 0\nseed = 1\n')
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["sweep", str(bad), "--jobs", "2", "--out", str(tmp_path / "o")])
    assert code == 2
    assert "replicates" in err.getvalue()
    assert _wait_gone() == []
    assert not (tmp_path / "o").exists()


def test_workers_stopped_right_after_starting_leave_no_error_behind() -> None:
    """A command that fails milliseconds after starting its workers (their warm-up
    tasks not yet picked up) stops them without loky's manager thread failing."""
    import threading

    errors: list[BaseException | None] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)
    try:
        for _ in range(5):
            pool.start(2)
            pool.stop()
            assert _wait_gone() == []
    finally:
        threading.excepthook = previous
    assert errors == []
