"""The local process pool of sweeps (``--backend loky``): started early, kept full.

Why loky's executor directly rather than ``joblib.Parallel``: the pool can be started
(:func:`start`) the moment a command knows it will sweep, before it imports the engine,
loads and resolves the experiment and opens the output folder, so that the workers'
own start-up overlaps the driver's. A loky worker is a fresh Python that imports Mesa
(which imports pandas, SciPy and networkx) and loads the compiled kernels: about 1.6 s of
CPU each, most of the wall time of a sweep of a thousand short runs. The executor is
loky's, the one joblib runs on (``joblib.externals.loky``: no new dependency), and it is
process-wide and reusable, so :func:`results` finds the workers :func:`start` launched.

Kept from joblib's loky backend: workers are robust to a crashed worker (the sweep fails
with loky's ``TerminatedWorkerError`` instead of hanging) and exit when the driver dies.
A fixed number of chunks is in flight (twice the workers), so memory stays flat.

This module imports nothing of the model: it is imported before the heavy modules.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Seconds an idle worker waits for work before it exits (loky's ``timeout``).
IDLE_TIMEOUT = 300


def workers(jobs: int) -> int:
    """Processes for ``--jobs``: a count, or -1 for every core."""
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def _executor(n: int) -> Any:
    from joblib.externals.loky import get_reusable_executor

    # Same arguments at every call, so the executor start() launched is the one reused.
    return get_reusable_executor(max_workers=n, timeout=IDLE_TIMEOUT, initializer=quiet)


@contextlib.contextmanager
def _born_deaf() -> Iterator[None]:
    """Ignore Ctrl-C in this process while loky spawns workers (in ``submit``): a process
    inherits an ignored signal across ``fork`` and ``exec``, so a worker is deaf to the
    terminal's SIGINT from its first instant (:func:`quiet` runs only once the worker
    has imported loky and numpy: a Ctrl-C in the first second printed each worker's
    traceback). Blocking the signal instead would keep a Ctrl-C pending rather than
    lose it, but the workers unblock it while starting (seen with loky 3.5), so they
    printed their tracebacks again. The window lasts the spawning only (milliseconds;
    a Ctrl-C in it is lost, and a second one stops the command)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def quiet() -> None:
    """Run in each worker at start: ignore Ctrl-C. The terminal sends SIGINT to every
    process of the command; the workers would each print a ``KeyboardInterrupt``
    traceback. The command alone handles it (saves what is finished, stops them)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def warm() -> None:
    """Run in each worker at start: import the model and load its compiled kernels (one
    month of a default territory, thrown away: nothing of it reaches any result)."""
    from ptce_sim.world.model import TerritoryModel

    TerritoryModel(seed=0).step()


_started: list[tuple[Any, list[Future[None]]]] = []  # what start() launched, for stop()


def start(jobs: int) -> None:
    """Launch ``jobs`` workers now, each warming up (:func:`warm`), without waiting."""
    n = workers(jobs)
    pool = _executor(n)
    with _born_deaf():
        _started[:] = [(pool, [pool.submit(warm) for _ in range(n)])]


def stop() -> None:
    """Stop the workers :func:`start` launched, at once (the command ended or failed)."""
    while _started:
        _kill(*_started.pop())


def _kill(pool: Any, futures: Iterable[Future[Any]]) -> None:
    """Shut ``pool`` down, killing its workers, once every submitted task has left
    loky's queue of work ids for its call queue (``running()``): a kill-shutdown while
    a work id is still queued makes loky's manager thread fail with a KeyError and
    print its traceback (seen with loky 3.5 in joblib 1.6, when a command failed a few
    milliseconds after starting its workers). Our tasks fit in the call queue (2 x
    workers + 1 slots, warm-ups counted: :func:`results`), so they get there within
    milliseconds. Should one still be queued when the wait ends (a loaded machine),
    that one known traceback of loky's manager thread is not printed: the pool is being
    killed on purpose (a Ctrl-C printed it once in a few trials)."""
    waiting = [f for f in futures if not f.done()]
    deadline = time.monotonic() + 2.0
    while any(not (f.running() or f.done()) for f in waiting) and time.monotonic() < deadline:
        time.sleep(0.002)
    _hush_manager_keyerror()
    pool.shutdown(wait=False, kill_workers=True)


def _hush_manager_keyerror() -> None:
    """From now on, do not print a KeyError raised in loky's executor manager thread
    (the race :func:`_kill` describes); every other thread exception prints as usual."""
    previous = threading.excepthook
    if getattr(previous, "ptce_sim_hush", False):
        return

    def hook(args: threading.ExceptHookArgs) -> None:
        name = getattr(args.thread, "name", "")
        if args.exc_type is KeyError and "ExecutorManagerThread" in name:
            return
        previous(args)

    hook.ptce_sim_hush = True  # type: ignore[attr-defined]
    threading.excepthook = hook


def results(
    chunks: Iterable[T], fn: Callable[[T], R], jobs: int, in_flight: int = 2
) -> Iterator[R]:
    """``fn(chunk)`` for every chunk, in completion order, with at most ``in_flight`` x
    workers chunks submitted and not yet returned (``chunks`` is consumed lazily).

    If the consumer stops early (an interrupt, an error, ``close()``), the workers are
    stopped (:func:`_kill`), so that nothing keeps running for a sweep that is over."""
    n = workers(jobs)
    pool = _executor(n)
    # What fits in loky's call queue (see _kill), less the warm-ups start() queued.
    warming = [f for _, futures in _started for f in futures]
    source = iter(chunks)
    pending: set[Future[R]] = set()
    finished = False
    try:
        for k, chunk in enumerate(source):
            if k == 0:
                with _born_deaf():  # the first submit spawns the workers not yet running
                    pending.add(pool.submit(fn, chunk))
            else:
                pending.add(pool.submit(fn, chunk))
            queued = sum(not f.done() for f in warming)
            limit = max(1, min(in_flight * n, 2 * n + 1 - queued))
            if len(pending) >= limit:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
        finished = True
    finally:
        if not finished:
            _kill(pool, pending)
