"""Errors a user can cause, each rendered as one readable line.

Why a dedicated type: the CLI turns every ``ConfigError`` into exit code 2 and a single
line naming the file, the dotted key, the value, the allowed range and the meaning, with
no traceback. Library code raises it instead of ``assert`` or bare ``ValueError`` so that
scenario files, ``--set`` overrides and (later) experiment files share one voice.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class ConfigError(Exception):
    """A problem in user input (scenario file, command-line override, experiment file).

    Attributes
    ----------
    message:
        What is wrong, in plain words.
    source:
        Where it came from: a file path, ``--set`` or ``--steps``.
    key:
        The dotted key at fault, when there is one.
    value:
        The offending value, when there is one.
    allowed:
        The allowed range or set of values.
    meaning:
        The one-line meaning of the key, from its parameter declaration.
    hint:
        A suggestion, e.g. ``did you mean 'trust.eta_plus'?``.
    """

    message: str
    source: str | None = None
    key: str | None = None
    value: object = None
    allowed: str | None = None
    meaning: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        head = f"{self.source}: " if self.source else ""
        subject = ""
        if self.key is not None:
            subject = f"{self.key}"
            if self.value is not None:
                subject += f" = {_short(repr(self.value))}"
            subject += ": "
        parts = [f"{head}{subject}{self.message}"]
        if self.allowed:
            parts.append(f"allowed {self.allowed}")
        if self.meaning:
            parts.append(f"meaning: {self.meaning}")
        line = "; ".join(parts)
        if self.hint:
            line += f" ({self.hint})"
        # One line, whatever the inputs carried.
        return " ".join(line.split())

    def at(self, source: str) -> ConfigError:
        """Return a copy that names ``source`` (used when a file path becomes known)."""
        return ConfigError(
            self.message, source, self.key, self.value, self.allowed, self.meaning, self.hint
        )


def _short(text: str, limit: int = 120) -> str:
    """A value as shown in a message: at most ``limit`` characters (a 5,000-character
    value in a file is named, not reprinted)."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 30]}… ({len(text):,} characters)"


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """Return ``"did you mean 'x'?"`` for the closest candidate, or None."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
