"""The output folder of a sweep: created and claimed, or checked before a resume; locked.

Why a module of its own: a folder holds one experiment. ``sweep.json`` records the
experiment's identity and the model code when the folder is created; a resume that
differs in any of them is refused with the first difference in words rather than
mixed, and an exclusive lock keeps a second sweep out while one writes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ptce_sim
from ptce_sim.apps import provenance
from ptce_sim.apps.experiment import Experiment
from ptce_sim.apps.outdir import stillborn
from ptce_sim.apps.sweep_tables import FORMAT
from ptce_sim.base.errors import ConfigError

STATE = "sweep.json"


def state(exp: Experiment) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "ptce_sim": ptce_sim.__version__,
        "model_code": provenance.model_code(),
        "experiment": exp.identity(),
        "runs": exp.n_runs,
        "status": "running",
    }


def _difference(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """The first thing that differs between two states, in words; None if none."""
    if old.get("format") != new["format"]:
        return f"it was written by another sweep format ({old.get('format')})"
    if old.get("model_code") != new["model_code"]:
        return (
            f"the model code differs (started with ptce-sim {old.get('ptce_sim')}, model "
            f"{str(old.get('model_code'))[:12]}; now {new['ptce_sim']}, {new['model_code'][:12]})"
        )
    a, b = old.get("experiment", {}), new["experiment"]
    for key in ("design", "seed", "replicates", "paired", "points", "fixed", "bundles"):
        if a.get(key) != b[key]:
            what = {"points": "design points", "fixed": "[set]", "bundles": "bundle levels"}
            return f"its {what.get(key, key)} differ" + (
                f" ({a.get(key)!r} then, {b[key]!r} now)"
                if key in ("design", "seed", "replicates", "paired")
                else ""
            )
    sa, sb = a.get("scenarios", {}), b["scenarios"]
    if set(sa) != set(sb):
        return f"its scenarios differ ({sorted(sa)} then, {sorted(sb)} now)"
    for ref in sb:
        if sa[ref] != sb[ref]:
            return f"scenario '{ref}' has changed since (parameters or policies)"
    if a.get("outputs") != b["outputs"]:
        return "the outputs kept differ (keep, timeseries or poles)"
    return None


def _clear(out: Path) -> None:
    """Empty a stillborn folder (see :func:`stillborn`)."""
    import shutil

    for entry in out.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def prepare(exp: Experiment, out: Path, resume: bool) -> dict[str, Any] | None:
    """Create or check the output folder; return its previous state when resuming."""
    state_path = out / STATE
    new = state(exp)
    if stillborn(out):
        _clear(out)
        resume = False  # nothing was started: start now
    if not resume:
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            hint = " (add --resume to finish it)" if state_path.is_file() else ""
            raise ConfigError(
                f"output folder exists and is not empty; choose another --out{hint}", str(out)
            )
        out.mkdir(parents=True, exist_ok=True)
        try:
            (out / "experiment.toml").write_text(exp.text, encoding="utf-8")
            provenance.write_json(new, state_path)  # last: the folder is now a sweep's
        except BaseException:
            if stillborn(out):
                _clear(out)
            raise
        return None
    return check_resume(exp, out, new)


def check_resume(exp: Experiment, out: Path, new: dict[str, Any] | None = None) -> dict[str, Any]:
    """The state of the sweep in ``out`` if ``exp`` may resume it (read only); raise a
    ConfigError saying why not. The CLI calls it before announcing the sweep."""
    state_path = out / STATE
    new = new or state(exp)
    if not state_path.is_file():
        raise ConfigError(
            f"nothing to resume: no {STATE} (not a sweep folder); run without --resume",
            str(out),
        )
    try:
        old = provenance.read_json(state_path)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"unreadable {STATE}: {exc}", str(out)) from None
    diff = _difference(old, new)
    if diff:
        raise ConfigError(
            f"cannot resume: this folder holds another experiment: {diff}; resume with the "
            f"experiment it was started with ({out / 'experiment.toml'}) or choose another --out",
            str(out),
        )
    return old


class Lock:
    """An exclusive lock on the folder: two sweeps writing one folder would duplicate
    runs. ``flock`` is released by the kernel when the process dies, even on SIGKILL."""

    def __init__(self, out: Path) -> None:
        self.path = out / ".lock"
        self.fh: Any = None

    def __enter__(self) -> Lock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return self
        self.fh = self.path.open("a+")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.close()
            raise ConfigError(
                "another sweep is writing into this folder; wait for it or stop it",
                str(self.path.parent),
            ) from None
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(f"{os.getpid()}\n")
        self.fh.flush()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.path.unlink(missing_ok=True)
            self.fh.close()
