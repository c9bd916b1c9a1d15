"""The ``ptce-sim`` executable: Ctrl-C handled from the first instant.

Why a module of its own: importing the command line (click, rich, the parameter
declarations, numpy) takes a good part of a second, and a Ctrl-C during those imports
printed a traceback of whichever import it interrupted. This module imports nothing but
the standard library before it installs the handler, then loads the command line, which
from then on reports an interrupt in one line itself (``cli.main``). What runs before it
is Python's own start and the package's ``__init__`` (which reads nothing: the version
is read when asked), a few hundredths of a second.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


def _early_interrupt(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("interrupted (Ctrl-C) while starting; nothing was written\n")
    sys.stderr.flush()
    os._exit(130)


def main() -> None:
    """Console-script entry point: guard the imports, then run the command line."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _early_interrupt)
    from ptce_sim.apps.cli import main as cli_main

    if signal.getsignal(signal.SIGINT) is _early_interrupt:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    cli_main()


if __name__ == "__main__":  # pragma: no cover
    main()
