"""Discard numba's cached machine code when any kernel source changes.

Why: numba keys a cached function by its own source file only. A kernel that calls a
kernel of another file (``month.py`` chains most of them) is compiled together with
its callees, and after an edit of a callee the cache would keep serving the old code,
silently. The sources of the kernels, of the rule functions they inline and of the constants
and records they read are hashed together; when the hash differs from the one stored
next to the cache, the cache is emptied and numba compiles afresh (once, ~1 minute).
An installed package never changes, so this only matters to people editing it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

_HERE = Path(__file__).parent
_STAMP = "ptce_sim_kernels.sha256"


def _sources() -> list[Path]:
    """Every source compiled into the kernels: the kernels, the rules they inline, and
    the constants and record types they read."""
    package = _HERE.parent.parent
    return [
        *sorted(_HERE.glob("*.py")),
        *sorted((package / "rules").glob("*.py")),
        package / "base" / "domain.py",
        package / "base" / "records.py",
        package / "world" / "pole_state.py",
        package / "world" / "parameters.py",
    ]


def sources_digest() -> str:
    """Hash of every source compiled into the kernels (:func:`_sources`)."""
    h = hashlib.sha256()
    for path in _sources():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def guard(cache_dir: Path) -> bool:
    """Empty ``cache_dir`` of numba's files if the kernels changed since they were
    written; returns whether it did. Best effort: a read-only or missing folder is left
    alone (numba then compiles in memory)."""
    digest = sources_digest()
    stamp = cache_dir / _STAMP
    with contextlib.suppress(OSError):
        if stamp.read_text() == digest:
            return False
    if not cache_dir.is_dir():
        return False
    for path in [*cache_dir.glob("*.nbi"), *cache_dir.glob("*.nbc")]:
        with contextlib.suppress(OSError):
            path.unlink()
    with contextlib.suppress(OSError):
        tmp = cache_dir / f"{_STAMP}.{os.getpid()}"
        tmp.write_text(digest)
        tmp.replace(stamp)  # atomic: workers starting together never read half a stamp
    return True
