"""Read a TOML input file, turning every way it can be unreadable into a ConfigError.

Scenario, experiment and sensitivity files are all user input: a missing file, a folder,
a file that is not UTF-8 or broken TOML must each end as one line naming the file, never
as a traceback. One reader, so that the three kinds of file say it the same way. What
Python's TOML reader accepts but the model cannot use is refused here too: integers
beyond TOML's 64 bits (Python reads any size; a 401-digit number then overflowed a
float deep inside), arrays nested deeper than a parameter ever is, and files larger
than any input needs. A UTF-8 byte-order mark (Windows editors write one) is skipped.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ptce_sim.base.errors import ConfigError

#: Largest input file read (the biggest shipped file is a few kB).
MAX_BYTES = 10_000_000
#: Deepest nesting of tables and arrays (scenario files use 3 levels).
MAX_DEPTH = 20
INT64 = 2**63


def read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and its parsed content."""
    src = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(f"file larger than {MAX_BYTES // 1_000_000} MB; not an input", src)
        text = path.read_text(encoding="utf-8")
        if text.startswith("\ufeff"):
            text = text[1:]
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError("file not found", src) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, expected a .toml file", src) from None
    except UnicodeDecodeError:
        raise ConfigError("not a UTF-8 text file", src) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"broken TOML: {exc}", src) from None
    except RecursionError:
        raise ConfigError(f"nested more than {MAX_DEPTH} levels deep", src) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ConfigError(f"unreadable value: {exc}", src) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {(exc.strerror or str(exc)).lower()}", src) from None
    check_values(data, src)
    return text, data


def check_values(data: Any, src: str | None, key: str = "") -> None:
    """Refuse integers beyond 64 bits and nesting deeper than :data:`MAX_DEPTH`,
    anywhere in ``data`` (iteratively: a deep value must not overflow the stack)."""
    stack: list[tuple[str, Any, int]] = [(key, data, 0)]
    while stack:
        where, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ConfigError(f"nested more than {MAX_DEPTH} levels deep", src, where or None)
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and not -INT64 <= value < INT64:
            raise ConfigError(
                "integer beyond TOML's 64 bits",
                src,
                where or None,
                allowed="integers within ±9.2e18 (write a float, e.g. 1e30, if you mean one)",
            )
        if isinstance(value, dict):
            stack.extend(
                (f"{where}.{k}" if where else str(k), v, depth + 1) for k, v in value.items()
            )
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", v, depth + 1) for i, v in enumerate(value))
