"""Where a sweep's results come from: versions, machine, times, command lines.

``provenance.json`` in a sweep's folder records, for each session (the first start and
every ``--resume``), when it started and ended, how it ended, the command line, the
backend and the versions in use. ``model_code()`` is a hash of the model's source
(``base``, ``rules``, ``world``): a sweep refuses to resume under different model code,
and a Dask worker running other code is refused, so a table never mixes two models.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import socket
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as pkg_version
from pathlib import Path
from typing import Any

import ptce_sim

PACKAGES = (
    "ptce-sim",
    "mesa",
    "numpy",
    "numba",
    "pandas",
    "pyarrow",
    "joblib",
    "dask",
    "distributed",
)
MODEL_LAYERS = ("base", "rules", "world")


def now() -> str:
    """The current time, ISO 8601 in UTC (seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@functools.cache
def model_code() -> str:
    """sha256 of the model's source files (``base``, ``rules``, ``world``)."""
    root = Path(ptce_sim.__file__).resolve().parent
    h = hashlib.sha256()
    for layer in MODEL_LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def identity() -> dict[str, str]:
    """What a worker must share with the driver: package version and model code."""
    return {"ptce_sim": ptce_sim.__version__, "model_code": model_code()}


def versions() -> dict[str, str | None]:
    """Versions of Python and the packages that shape the results."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = pkg_version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "hostname": socket.gethostname(),
        "cpus": os.cpu_count(),
        "python_executable": sys.executable,
    }


def write_json(obj: Any, path: Path) -> None:
    """Write JSON atomically (temporary file, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=2, ensure_ascii=False, default=str)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk must not leave an empty .tmp behind
        raise


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


class Provenance:
    """``provenance.json``: one entry per session, updated atomically as the sweep goes."""

    def __init__(self, path: Path, command: list[str], settings: dict[str, Any]) -> None:
        self.path = path
        self.data: dict[str, Any] = (
            read_json(path)
            if path.is_file()
            else {
                "ptce_sim": ptce_sim.__version__,
                "model_code": model_code(),
                "started": now(),
                "finished": None,
                "sessions": [],
            }
        )
        self.session: dict[str, Any] = {
            "started": now(),
            "ended": None,
            "status": "running",
            "command": command,
            **settings,
            "runs_done_at_start": None,
            "runs_done_at_end": None,
            "versions": versions(),
            "machine": machine(),
        }
        self.data["sessions"].append(self.session)

    def update(self, **fields: Any) -> None:
        self.session.update(fields)
        write_json(self.data, self.path)

    def end(self, status: str, done: int) -> None:
        self.session.update(ended=now(), status=status, runs_done_at_end=done)
        if status == "complete":
            self.data["finished"] = self.session["ended"]
        write_json(self.data, self.path)
