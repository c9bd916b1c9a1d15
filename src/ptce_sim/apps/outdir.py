"""Output folders: chosen, checked and reserved before any work; faults in one line.

Why: a command that simulates for ten minutes and then finds it cannot write (``--out``
under a file, no permission, a read-only or full disk, ``--out ""``) has wasted ten
minutes and printed a traceback. Every command that writes calls :func:`prepare` right
after reading its inputs: it refuses an unusable location at once, creates the folder
and proves it can write there (a small file written, synced and removed). A default
folder (``runs/<name>-<timestamp>``) is reserved by creating it, so two commands started
in the same second get two folders; the name is reduced to safe characters, so no
scenario or experiment name can write outside ``runs/``. A folder this command created
and left empty (it failed or was interrupted before writing) is removed at exit.

Every ``OSError`` becomes a :class:`ConfigError` naming the path and the cause
(:func:`fs_error`), which the CLI prints as one line with exit code 2.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import re
from datetime import datetime
from pathlib import Path

from ptce_sim.base.errors import ConfigError

ROOT = Path("runs")
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
_created: list[Path] = []  # folders this process created, removed at exit if still empty

CAUSES = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.ENOTDIR: "a file is in the way (not a folder)",
    errno.EEXIST: "a file is in the way",
    errno.ENAMETOOLONG: "name too long",
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "is a folder",
    errno.EIO: "input/output error",
}


def fs_error(path: Path | str, exc: OSError, doing: str = "cannot write") -> ConfigError:
    """One line for a filesystem fault: the path, what failed, and why."""
    cause = CAUSES.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).lower()
    return ConfigError(f"{doing}: {cause}", str(path))


def safe_name(name: str, fallback: str = "run") -> str:
    """``name`` reduced to letters, digits and ``._+-`` (no separator, no leading dot),
    at most 80 characters: a folder name that stays where it is put."""
    text = _UNSAFE.sub("_", name).strip("._")[:80]
    return text or fallback


def default_folder(stem: str, root: Path = ROOT) -> Path:
    """A new folder ``root/<stem>-<YYYYmmdd-HHMMSS>`` (``-2``, ``-3``... when taken),
    created now so that no other command can take it."""
    base = f"{safe_name(stem)}-{datetime.now():%Y%m%d-%H%M%S}"
    _make_parents(root)
    for k in range(1, 1000):
        path = root / (base if k == 1 else f"{base}-{k}")
        try:
            path.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise fs_error(path, exc, "cannot create the output folder") from None
        _created.append(path)
        probe(path)
        return path
    raise ConfigError("no free folder name (1000 taken this second)", str(root / base))


def prepare(out: Path | str | None, stem: str, resume: bool = False) -> Path:
    """The output folder of a command, checked, created and proven writable.

    ``out`` is ``--out`` as typed (None: a default folder). An existing folder must be
    empty unless ``resume`` (the caller then checks what it holds)."""
    if out is None:
        if resume:
            raise ConfigError("needs --out DIR (the folder to finish)", "--resume")
        return default_folder(stem)
    text = os.fspath(out)
    if not text.strip():
        raise ConfigError("empty path; give a folder name", "--out", value=text)
    if "\0" in text:
        raise ConfigError("a path cannot hold a NUL character", "--out")
    path = Path(text)
    check_parents(path)
    if path.exists() or path.is_symlink():
        if not path.is_dir():
            raise ConfigError("a file is in the way (expected a folder)", str(path))
        if not resume and _nonempty(path):
            raise ConfigError(
                "output folder exists and is not empty; choose another --out", str(path)
            )
    else:
        _make_parents(path.parent)
        try:
            path.mkdir()
        except FileExistsError:  # created by someone else meanwhile: it is theirs
            raise ConfigError(
                "output folder was just created by another command", str(path)
            ) from None
        except OSError as exc:
            raise fs_error(path, exc, "cannot create the output folder") from None
        _created.append(path)
    probe(path)
    return path


def prepare_file(text: str | None, option: str) -> Path | None:
    """A file an option names (``--json``, ``--plot``), checked before the work: not
    empty, not a folder, its folder creatable and writable. None stays None."""
    if text is None:
        return None
    if not text.strip():
        raise ConfigError("empty path; give a file name", option, value=text)
    if "\0" in text:
        raise ConfigError("a path cannot hold a NUL character", option)
    path = Path(text)
    check_parents(path)
    if path.is_dir():
        raise ConfigError("is a folder, expected a file name", str(path))
    _make_parents(path.parent)
    probe(path.parent)
    return path


def write_text(path: Path, text: str) -> None:
    """Write ``text`` through a temporary sibling, renamed into place: never half a
    file, and no temporary file left behind when the write fails."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def check_parents(path: Path) -> None:
    """Refuse a path one of whose existing ancestors is a file (``--out file.txt/x``)."""
    for parent in reversed(path.parents):
        if str(parent) in ("", "."):
            continue
        try:
            if parent.exists() and not parent.is_dir():
                raise ConfigError(f"{parent} is a file, not a folder", str(path))
        except OSError as exc:
            raise fs_error(path, exc, "cannot reach") from None


def _make_parents(folder: Path) -> None:
    missing = []
    for p in [folder, *folder.parents]:
        if str(p) in ("", ".") or p.exists():
            break
        missing.append(p)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fs_error(folder, exc, "cannot create the output folder") from None
    _created.extend(reversed(missing))


def _nonempty(path: Path) -> bool:
    try:
        return any(path.iterdir())
    except OSError as exc:
        raise fs_error(path, exc, "cannot read the output folder") from None


def probe(folder: Path, size: int = 65536) -> None:
    """Write, sync and remove a small file in ``folder``: permission, a read-only or a
    full file system are found now, not after the work."""
    test = folder / f".ptce-sim-probe-{os.getpid()}"
    try:
        with test.open("wb") as fh:
            fh.write(b"\0" * size)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            test.unlink()
        raise fs_error(folder, exc) from None
    with contextlib.suppress(OSError):
        test.unlink()


#: What a sweep writes before its state file: a folder holding only these (and no
#: committed part) was never started and is cleared, whether resumed or restarted.
_STARTUP = frozenset({"experiment.toml", "provenance.json", ".lock", "parts"})


def stillborn(out: Path) -> bool:
    """True for a folder a sweep began to set up and never started (no ``sweep.json``,
    no committed run): a full disk or a kill in its first instants. Such a folder must
    be neither refused by a fresh run ("not empty") nor by ``--resume`` ("no
    sweep.json"): it holds nothing worth keeping."""
    if not out.is_dir() or (out / "sweep.json").exists():
        return False
    for entry in out.iterdir():
        if entry.name.endswith(".tmp") or entry.name.startswith(".ptce-sim-probe"):
            continue
        if entry.name not in _STARTUP:
            return False
        if entry.name == "parts" and any(p.suffix == ".parquet" for p in entry.rglob("part-*")):
            return False
    return True


def release(path: Path) -> None:
    """Remove ``path`` (and the parents this process created) if they are empty."""
    for p in [path, *path.parents]:
        if p not in _created:
            break
        with contextlib.suppress(OSError):
            p.rmdir()


@atexit.register
def cleanup() -> None:
    """At exit, remove the folders this process created and left empty (a failed or
    interrupted command), deepest first."""
    for path in sorted(set(_created), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            path.rmdir()
    _created.clear()
