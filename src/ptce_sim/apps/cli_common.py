"""What every ``ptce-sim`` command shares: one-line errors, ``--set`` parsing, limits.

Why a module of its own: the commands live in several modules (``cli.py``,
``cli_run.py``, ``cli_sweep.py``, ``sensitivity/commands.py``) and must fail the same
way: exit code 2 and one line on stderr naming the file or option, the key, the value,
what is allowed and why — never a traceback, never a half-written output folder.
This module imports nothing heavy: every command's first line must appear within a
second of the interpreter starting.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NoReturn

import click
from rich.console import Console

from ptce_sim.base.errors import ConfigError
from ptce_sim.base.tomlfile import check_values

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
INVOCATION: list[str] = []  # the arguments of this invocation, recorded in run.json

#: Longest ``--set`` value read (a parameter value is a number, a word or a short list).
MAX_SET_CHARS = 1000
#: Runs a command that keeps every result in memory (``compare``, ``patterns``) accepts;
#: beyond, a sweep streams them to disk.
MAX_MEMORY_RUNS = 100_000
INT64 = 2**63


def fail(err: ConfigError) -> NoReturn:
    """Print ``err`` as one line on stderr and exit 2 (stopping any started workers)."""
    from ptce_sim.apps.engine_cli import stop_workers

    stop_workers()  # started early by a sweeping command: they have nothing to do
    click.echo(f"error: {err}", err=True)
    sys.exit(EXIT_USER_ERROR)


def parse_set(item: str) -> tuple[str, Any]:
    """One ``--set KEY=VALUE``: the key and the value read with TOML's rules."""
    if "=" not in item:
        raise ConfigError("expected KEY=VALUE, e.g. --set turnover.rate=0.03", "--set", value=item)
    if any(c in item for c in "\n\r\0"):
        raise ConfigError(
            "one KEY=VALUE per --set (a line break or NUL was found; repeat --set instead)",
            "--set",
            value=item[:60],
        )
    key, _, text = item.partition("=")
    key, text = key.strip(), text.strip()
    if not key:
        raise ConfigError("empty key before '='", "--set", value=item[:60])
    if len(text) > MAX_SET_CHARS:
        raise ConfigError(
            f"value of {len(text)} characters; a parameter value is at most {MAX_SET_CHARS}",
            "--set",
            key,
        )
    return key, parse_value(text, key)


def parse_value(text: str, key: str | None = None) -> Any:
    """A value with TOML's rules (``0.03``, ``true``, ``"x"``); a bare word that is not
    TOML is taken as a string. Integers beyond 64 bits and deep nesting are refused."""
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ConfigError(f"unreadable value ({type(exc).__name__})", "--set", key) from None
    check_values(value, "--set", key or "")
    return value


def overrides(pairs: Sequence[str]) -> dict[str, Any]:
    """Every ``--set`` of a command, as dotted key -> value (the last of a key wins)."""
    return dict(parse_set(item) for item in pairs)


def check_runs(replicates: int, seed: int, jobs: int, scenarios: int = 1) -> None:
    """The options shared by the commands that run replicates of scenarios in memory."""
    from ptce_sim.apps.engine_cli import check_jobs

    if replicates < 1:
        raise ConfigError(
            "must be at least 1", "--replicates", value=replicates, allowed="an integer >= 1"
        )
    runs = replicates * scenarios
    if runs > MAX_MEMORY_RUNS:
        raise ConfigError(
            f"{runs:,} runs are more than this command holds in memory",
            "--replicates",
            value=replicates,
            allowed=f"at most {MAX_MEMORY_RUNS:,} runs in all; for more, write an "
            "experiment and use ptce-sim sweep (streamed to disk, resumable)",
        )
    if seed < 0 or seed >= INT64:
        raise ConfigError("seed out of range", "--seed", value=seed, allowed="0 <= seed < 2**63")
    check_jobs(jobs)


def say(console: Console, text: str) -> None:
    """A status line on stderr (time-stamped when stderr is not a terminal: a log)."""
    if not console.is_terminal:
        text = f"[{datetime.now():%Y-%m-%d %H:%M:%S}] {text}"
    console.print(text, highlight=False, soft_wrap=True, markup=False)


def fmt(value: Any) -> str:
    """A summary value for a table: 3 significant digits, a dash for NaN."""
    if isinstance(value, float):
        return "–" if value != value else f"{value:.3g}"
    return str(value)
