"""Read a TOML input file, turning every way it can be unreadable into a ConfigError.

Scenario, experiment and sensitivity files are all user input: a missing file, a folder,
a file that is not UTF-8 or broken TOML must each end as one line naming the file, never
as a traceback. One reader, so that the three kinds of file say it the same way.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ptce_sim.base.errors import ConfigError


def read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and its parsed content."""
    src = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError("file not found", src) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, expected a .toml file", src) from None
    except UnicodeDecodeError:
        raise ConfigError("not a UTF-8 text file", src) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"broken TOML: {exc}", src) from None
