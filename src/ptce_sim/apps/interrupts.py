"""How the ``ptce-sim`` process ends on Ctrl-C: one line, exit code 130, whatever the timing.

Why a module of its own: CPython raises the KeyboardInterrupt of a Ctrl-C wherever the
main thread happens to be, and three places it can be were seen to break the promise
(one line, exit 130) in a few presses in a hundred. Each has its guard here, installed
only when the command is the process (:func:`own_process`), never when a test or a
script calls ``cli.main(argv)`` with its own signal handlers:

- inside a callback that Python cannot let raise (a weak reference's, an object's
  ``__del__``): the interrupt was printed as "Exception ignored in ..." with a traceback,
  then lost, and the command ran on to the end. It is now passed on to the main code.
- inside an ``exec`` of a string (SciPy's import runs one): caught by the command all
  the same, but under ``python -m`` CPython then killed the process by SIGINT once it had
  exited (exit -2). :func:`forget_caught_interrupt` clears CPython's note of it.
- a second Ctrl-C while the command stops its workers or Python exits: a traceback, a
  second line, or, once Python's exit had put the default action back on SIGINT, a
  death by SIGINT (exit -2). :func:`ignore_further_interrupts` ignores it.

Standard library only: ``cli.py`` imports it before anything heavy.
"""

from __future__ import annotations

import _thread
import signal
import sys
import threading
import time
from typing import Any

#: Whether ``cli.main`` runs as the process itself (see :func:`own_process`).
OWNS_PROCESS = [False]


def own_process() -> None:
    """Mark the command as the process (``cli.main`` called without ``argv``) and pass
    on an interrupt that lands where it cannot be raised (:func:`_pass_on`)."""
    OWNS_PROCESS[0] = True
    if not getattr(sys.unraisablehook, "ptce_sim_pass_on", False):
        sys.unraisablehook = _pass_on(sys.unraisablehook)


def _pass_on(previous: Any) -> Any:
    """An unraisable-exception hook that, for a KeyboardInterrupt of the main thread,
    prints nothing and has a helper thread interrupt the main thread again a moment
    later, once the callback has returned, in code that reports it.

    Why a bare ``_thread`` thread: raised within the hook, the interrupt would again be
    unraisable, and ``threading.Thread.start`` waits for the thread to run (the wait is
    where it was raised). Should it land in a callback again, it is passed on again.
    Nothing happens if Ctrl-C is ignored by then (``interrupt_main`` does nothing);
    every other exception prints as before."""

    def hook(args: Any) -> None:
        interrupted = args.exc_type is not None and issubclass(args.exc_type, KeyboardInterrupt)
        if interrupted and threading.current_thread() is threading.main_thread():
            _thread.start_new_thread(_interrupt_main_later, ())
            return
        previous(args)

    hook.ptce_sim_pass_on = True  # type: ignore[attr-defined]
    return hook


def _interrupt_main_later() -> None:
    time.sleep(0.01)  # the main thread leaves the callback meanwhile (microseconds)
    _thread.interrupt_main()


def ignore_further_interrupts() -> None:
    """From now on this process ignores Ctrl-C: the command has ended or is reporting its
    interrupt, and only stopping the workers and Python's exit remain (workers are
    killed, not waited for: ``pool._kill``, 2 s at most). An ignored signal stays ignored
    through Python's exit, where a handler of ours would be replaced by the default
    action (death by SIGINT). Only when the command owns the process, from the main
    thread."""
    if OWNS_PROCESS[0] and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def forget_caught_interrupt() -> None:
    """Clear CPython's note that a KeyboardInterrupt ended an ``exec`` of a string, so
    that the process ends with the exit code the command chose (130).

    Why: CPython notes it even when the interrupt is caught afterwards, and under
    ``python -m`` it then kills itself by SIGINT after exiting (seen in CI: a Ctrl-C in
    SciPy's import, which runs ``exec("from numpy import *")``). The note is cleared at
    the start of every string evaluation: an empty one clears it. Call it when no
    KeyboardInterrupt can follow (:func:`ignore_further_interrupts`)."""
    exec("")
