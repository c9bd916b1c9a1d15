"""Progress display of long commands: a live bar in a terminal, log lines elsewhere.

Why two forms: on a laptop a researcher watches a bar; on a cluster the output goes to a
log file (``slurm-1234.out``), where a live bar prints nothing until the end. There, a
time-stamped line every ``interval`` seconds says how far the sweep is and when it
should end.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class LazyProgress:
    """A progress bar that appears once the work has taken more than ``delay`` s; when
    the console is not a terminal (a job log), a time-stamped line instead at the first
    run done, every ``interval`` s and at the end (a bar there prints nothing until the
    end)."""

    def __init__(
        self, console: Console, label: str, delay: float = 1.0, interval: float = 60.0
    ) -> None:
        self.console, self.label, self.delay = console, label, delay
        self.interval = interval
        self.started = time.perf_counter()
        self.bar: Progress | None = None
        self.task: Any = None
        self.last_line: float | None = None

    def __call__(self, done: int, total: int) -> None:
        if not self.console.is_terminal:
            self._line(done, total)
            return
        if self.bar is None:
            if time.perf_counter() - self.started < self.delay:
                return
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, total=total, completed=done)

    def _line(self, done: int, total: int) -> None:
        now = time.perf_counter()
        due = self.last_line is None or now - self.last_line >= self.interval
        if not (due or done == total):
            return
        self.last_line = now
        seconds = now - self.started
        eta = seconds / done * (total - done) if done else float("nan")
        pct = 100.0 * done / total if total else 100.0
        self.console.print(
            f"[{datetime.now():%Y-%m-%d %H:%M:%S}] {self.label}: {done}/{total} "
            f"({pct:.1f}%), elapsed {_duration(seconds)}, ETA {_duration(eta)}",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _duration(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):
        return "?"
    s = int(seconds)
    if s >= 86400:
        return f"{s // 86400}d{s % 86400 // 3600:02d}h"
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 60}m{s % 60:02d}s"


class SweepProgress:
    """Runs done, rate (runs/s over this session) and ETA of a sweep."""

    def __init__(
        self, console: Console, label: str, interval: float = 60.0, header: str = ""
    ) -> None:
        self.console, self.label, self.interval = console, label, interval
        self.header = header  # printed once the sweep has started (not before an error)
        self.live = console.is_terminal
        self.bar: Progress | None = None
        self.task: Any = None
        self.last_line = time.perf_counter()

    def __call__(self, done: int, total: int, session_done: int, seconds: float) -> None:
        rate = session_done / seconds if seconds > 0 and session_done else float("nan")
        eta = (total - done) / rate if rate == rate and rate > 0 else float("nan")
        text = f"{rate:.2f} runs/s" if rate == rate else "– runs/s"
        if self.header:
            self.console.print(self.header, highlight=False, soft_wrap=True)
            self.header = ""
        if self.live:
            if self.bar is None:
                self.bar = Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"),
                    TimeElapsedColumn(),
                    TextColumn("ETA {task.fields[eta]}"),
                    console=self.console,
                    transient=False,
                )
                self.bar.start()
                self.task = self.bar.add_task(self.label, total=total, rate=text, eta="?")
            self.bar.update(self.task, completed=done, rate=text, eta=_duration(eta))
            return
        now = time.perf_counter()
        if now - self.last_line >= self.interval or done == total or session_done == 0:
            self.last_line = now
            stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
            pct = 100.0 * done / total if total else 100.0
            self.console.print(
                f"[{stamp}] {self.label}: {done}/{total} runs ({pct:.1f}%), {text}, "
                f"ETA {_duration(eta)}",
                highlight=False,
                soft_wrap=True,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
