"""Compile the model's kernels once, visibly, before anything runs.

Why: numba compiles the kernels at their first call, about two minutes of CPU on one core
(minutes more on a loaded machine), and a newcomer's first command used to sit on a blank
screen meanwhile; worse, every worker of a parallel command compiled the same kernels at
the same time. Now a command first asks numba whether its on-disk cache holds the
kernels (:func:`is_cached`, a file read: milliseconds). If not, one child process
compiles them (a two-month run, thrown away) while the command shows a spinner saying
so (or, in a log, time-stamped lines); then the command and its workers load the
kernels from the cache. Why a child process rather than the command itself: the
command stays light (a sweep's driver never imports the model) and its spinner keeps
turning while numba holds the interpreter.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console

_KERNELS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "world", "kernels")
MESSAGE = "compiling the model for this machine — once (a few minutes; later runs start at once)"


def is_cached() -> bool:
    """Whether numba's on-disk cache holds the month kernel, current with the sources
    (under ``NUMBA_DISABLE_JIT`` nothing compiles: True).

    Read from the files alone, without importing numba (a second of a command's start):
    where numba keeps the cache (``NUMBA_CACHE_DIR``, else ``__pycache__`` beside the
    kernels, else the user's cache folder), an index file of ``month.month`` for this
    Python, and the digest of the kernel sources that ``cache_guard`` stamps there (a
    cache whose stamp differs is emptied before use)."""
    if os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"):
        return True
    digest = _guard().sources_digest()
    pattern = f"month.month-*.py{sys.version_info[0]}{sys.version_info[1]}.nbi"
    for folder in cache_dirs():
        try:
            stamp = (folder / _guard()._STAMP).read_text()
        except OSError:
            continue
        if stamp == digest and any(folder.glob(pattern)):
            return True
    return False


def cache_dirs() -> list[Path]:
    """The folders numba may cache the kernels in, in its order of preference."""
    month = os.path.abspath(os.path.join(_KERNELS, "month.py"))
    folder = os.path.dirname(month)
    sub = "_".join([os.path.basename(folder), hashlib.sha1(folder.encode()).hexdigest()])
    if os.environ.get("NUMBA_CACHE_DIR"):
        return [Path(os.environ["NUMBA_CACHE_DIR"]) / sub]
    user = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "numba"
    return [Path(folder) / "__pycache__", user / sub]


@functools.cache
def _guard() -> Any:
    """``world/kernels/cache_guard.py`` loaded on its own: importing it through its
    package would import numba and compile the rules."""
    path = os.path.join(_KERNELS, "cache_guard.py")
    spec = importlib.util.spec_from_file_location("_ptce_sim_cache_guard", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def compile_here() -> None:
    """Compile (or load) every kernel a run calls: a two-month run, thrown away."""
    from ptce_sim.world.run import run_one
    from ptce_sim.world.scenario import Scenario

    run_one(Scenario().with_overrides({"run.steps": 2, "run.burn_in": 0}, "warm-up"))


def compile_part() -> None:
    """The other half of the compilation, in a second child beside :func:`compile_here`.

    Why: compiling is single-threaded, about two minutes of CPU, nine tenths of it in the
    month's phase kernels, each compiled and cached on its own. :func:`compile_here`
    compiles them in the order ``kernels.month`` calls them; this child compiles the
    later ones first (their types read from a fresh territory's records, nothing run),
    so that by the time the first child reaches them it loads them from numba's cache.
    On two free cores the wait is about halved. Best effort: any failure here only
    leaves the first child more to do, never a different result (the same compiler and
    the same types: numba's cache serves whichever process saved a kernel first)."""
    import numba

    from ptce_sim.world.kernels.outcomes import complete
    from ptce_sim.world.kernels.pole_cell import budget
    from ptce_sim.world.kernels.pole_lifecycle import lifecycle
    from ptce_sim.world.kernels.pole_membership import membership
    from ptce_sim.world.kernels.pole_projects import credit_completed
    from ptce_sim.world.kernels.pole_report import report
    from ptce_sim.world.model import TerritoryModel
    from ptce_sim.world.scenario import Scenario

    spec = Scenario().with_overrides({"run.steps": 2, "run.burn_in": 0}, "warm-up")
    m = TerritoryModel(spec, seed=0)
    captured: list[tuple[Any, ...]] = []
    m._month = lambda *args: captured.append(args)  # the month's arguments, not run
    with contextlib.suppress(Exception):  # what follows the call may expect a real month
        m.simulate_month(0)
    streams, t, catalyst, window, P, D, persons, orgs, trust, projects, poles, tally = captured[0]

    def build(kernel: Any, *args: Any) -> Any:
        """Compile ``kernel`` for these arguments (values, or numba types as they are)
        without running it; return its return type."""
        types = tuple(a if isinstance(a, numba.types.Type) else numba.typeof(a) for a in args)
        kernel.compile(types)
        return kernel.overloads[types].signature.return_type

    row = tally.revenue_gains[0]
    outcome = build(complete, streams, t, P, D, orgs, trust, projects, tally, row)
    due, success, realised = outcome.types
    joint = build(credit_completed, due, realised, P, orgs, projects, poles)
    build(membership, streams, t, P, orgs, trust, poles, tally)
    build(lifecycle, streams, t, catalyst, window, due, success, P, persons, orgs, trust,
          projects, poles, tally)  # fmt: skip
    build(budget, streams, t, window, joint, P, orgs, poles, tally)
    build(report, P, orgs, projects, poles, len(D.kind_propensity))


def ensure_compiled(console: Console, interval: float = 30.0) -> float:
    """Compile the kernels in a child process if numba's cache lacks them, saying so.

    Returns the seconds spent (0.0 when the cache was warm). A failure of the child is
    not an error of the command: the run then compiles in its own process, as before,
    and reports whatever goes wrong there. Ctrl-C stops the child and propagates."""
    if is_cached():
        return 0.0
    started = time.monotonic()
    with tempfile.TemporaryFile() as log:
        child = _child("compile_here", log)
        # A second child compiles the later kernels first (two cores or more).
        helper = _child("compile_part", subprocess.DEVNULL) if (os.cpu_count() or 1) > 1 else None
        try:
            _wait(child, console, started, interval)
        except BaseException:
            child.kill()
            child.wait()
            raise
        finally:
            if helper is not None:  # done or not, the first child has compiled it all
                helper.kill()
                helper.wait()
        seconds = time.monotonic() - started
        if child.returncode != 0:
            log.seek(0)
            lines = log.read().decode(errors="replace").strip().splitlines()
            why = lines[-1] if lines else f"exit code {child.returncode}"
            console.print(
                f"warning: compiling in a separate process failed ({why}); "
                "compiling in this process instead",
                highlight=False,
                soft_wrap=True,
            )
            return seconds
    note = (
        ""
        if is_cached()
        else (
            "; numba could not save it, so every command compiles again "
            "(set NUMBA_CACHE_DIR to a writable folder)"
        )
    )
    console.print(f"compiled in {seconds:.0f} s{note}", highlight=False, soft_wrap=True)
    return seconds


def _child(function: str, stderr: Any) -> subprocess.Popen[bytes]:
    """A Python process running ``warmup.<function>()``, in its own session: Ctrl-C
    reaches the command, which stops the child (no traceback of it). The child exits
    if the command dies (a closed terminal, a kill): see :func:`exit_with_parent`."""
    code = (
        f"from ptce_sim.apps import warmup as w; w.exit_with_parent({os.getpid()}); w.{function}()"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )


def exit_with_parent(parent: int, every: float = 1.0) -> None:
    """In a compiling child: a daemon thread that ends the process once ``parent`` is
    gone (the child is reparented), so that a command killed without its cleanup (a
    closed terminal, SIGKILL) does not leave compilers running for minutes."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _wait(child: subprocess.Popen[bytes], console: Console, started: float, every: float) -> None:
    """A spinner with the elapsed time in a terminal; a line every ``every`` s elsewhere."""
    if console.is_terminal:
        with console.status(MESSAGE) as status:
            while child.poll() is None:
                time.sleep(0.1)
                status.update(f"{MESSAGE}: {time.monotonic() - started:.0f} s")
        return
    console.print(f"[{_stamp()}] {MESSAGE}", highlight=False, soft_wrap=True)
    last = started
    while child.poll() is None:
        time.sleep(0.1)
        now = time.monotonic()
        if now - last >= every:
            last = now
            console.print(
                f"[{_stamp()}] still compiling ({now - started:.0f} s)",
                highlight=False,
                soft_wrap=True,
            )


def _stamp() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")
