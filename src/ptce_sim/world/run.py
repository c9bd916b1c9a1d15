"""``run_one(scenario, seed) -> RunResult``: the one entry point for every user of the model.

The CLI, sweeps, sensitivity analyses, the web view and notebooks all call this function,
so a run means the same everywhere. :func:`write_run` stores a result atomically: files are
written into a hidden sibling folder that is renamed into place only when complete, so an
interrupted run never leaves a half-written output directory.
"""

from __future__ import annotations

import functools
import json
import math
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version as pkg_version
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

import ptce_sim
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import nested_dict
from ptce_sim.world.events import EventLog
from ptce_sim.world.metrics import MetricRecorder, describe
from ptce_sim.world.model import TerritoryModel
from ptce_sim.world.poles import POLE_COLUMNS
from ptce_sim.world.scenario import Scenario
from ptce_sim.world.summary import summarise

Progress = Callable[[int, int], None]
#: Pole months also given as calendar months (``<col>_date``) when a scenario has a start.
DATE_COLUMNS = ("formed", "formalised", "died")


@dataclass
class RunResult:
    """What one run produces."""

    timeseries: pd.DataFrame  # one row per month, one column per metric
    poles: pd.DataFrame  # one row per pole (see docs/outputs.md)
    summary: dict[str, Any]  # per-run summaries (see world/summary.py)
    meta: dict[str, Any]  # provenance: versions, seed, resolved parameters, policy log
    events: pd.DataFrame | None = None  # the event record (world/events.py), one row each


def calendar(start: str, months: int) -> list[str]:
    """Calendar labels ``YYYY-MM`` for ``months`` months from ``start`` (``YYYY-MM``)."""
    return [month_label(start, i) for i in range(months)]


def month_label(start: str, month: int) -> str:
    """The calendar label ``YYYY-MM`` of model month ``month`` for a run starting at ``start``.

    Negative months are the warm start (``run.burn_in``): a pole that emerged during it
    is dated before the scenario's start, which is what a reader of the dates expects.
    """
    year, index = int(start[:4]), int(start[5:7]) - 1 + month
    return f"{year + index // 12:04d}-{index % 12 + 1:02d}"


class RunRecords:
    """The light form of a run's outputs: the same time series and summaries as
    :func:`run_one`, the poles as records (dicts) rather than a DataFrame, no provenance.

    Why: a sweep takes each result apart into table rows, and most sweeps keep no time
    series. For a short run, building and taking apart the small per-pole DataFrame cost
    a third of the model's own time, and the monthly DataFrame with the summaries read
    from it as much again: the summaries read the recorder's arrays, and the time series
    becomes a DataFrame only when asked for (:attr:`timeseries`).
    """

    def __init__(
        self,
        recorder: MetricRecorder,
        start: str | None,
        poles: list[dict[str, Any]],
        summary: dict[str, Any],
        policy_log: list[dict[str, Any]],
        events: EventLog | None = None,
    ) -> None:
        self._recorder, self._start = recorder, start
        self.poles = poles  # one dict per pole, keys POLE_COLUMNS (+ *_date)
        self.summary = summary
        self.policy_log = policy_log
        self.events = events  # the event record (a frame only when asked for)

    @functools.cached_property
    def timeseries(self) -> pd.DataFrame:
        """One row per month (and its calendar ``date`` when the scenario has a start),
        one column per metric."""
        frame = self._recorder.frame()
        if self._start:
            frame.insert(1, "date", calendar(self._start, len(frame)))
        return frame


def run_records(
    scenario: Scenario | None = None, seed: int = 1, progress: Progress | None = None
) -> RunRecords:
    """Run a scenario once (what :func:`run_one` runs), returning :class:`RunRecords`."""
    spec = scenario if scenario is not None else Scenario()
    model = TerritoryModel(spec, seed=seed)
    steps = spec.params.run.steps
    for t in range(steps):
        model.step()
        if progress is not None:
            progress(t + 1, steps)
    recorder = model.recorder
    summary = summarise(model, recorder.columns())
    months = recorder.months
    poles = model.poles.table(months)
    if spec.start:
        for record in poles:
            for col in DATE_COLUMNS:
                v = record[col]
                known = v is not None and v == v
                record[f"{col}_date"] = month_label(spec.start, int(v)) if known else None
    _release(model)
    return RunRecords(recorder, spec.start, poles, summary, model.policy_log, model.events)


def run_one(
    scenario: Scenario | None = None, seed: int = 1, progress: Progress | None = None
) -> RunResult:
    """Run a scenario once with a root seed; same scenario and seed -> identical result."""
    spec = scenario if scenario is not None else Scenario()
    records = run_records(spec, seed, progress)
    frame, summary = records.timeseries, records.summary
    dates = [f"{c}_date" for c in DATE_COLUMNS] if spec.start else []
    poles = pd.DataFrame(records.poles, columns=[*POLE_COLUMNS, *dates])
    meta = {
        **_versions(),
        "scenario": spec.name,
        "scenario_file": spec.path,
        "description": spec.description,
        "sources": list(spec.sources),
        "start": spec.start,
        "seed": seed,
        "parameters": nested_dict(spec.params),
        "policies": [
            {"at": p.at, "set": dict(p.updates), "source": p.source} for p in spec.policies
        ],
        "policy_log": records.policy_log,
        "metrics": describe(),
    }
    events = records.events.frame() if records.events is not None else None
    return RunResult(frame, poles, summary, meta, events)


@functools.cache
def _versions() -> dict[str, str]:
    """Versions recorded in every run's provenance; read once per process, because reading
    package metadata costs milliseconds, a large share of a short run in a sweep."""
    return {
        "ptce_sim": ptce_sim.__version__,
        "mesa": pkg_version("mesa"),
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def _release(model: TerritoryModel) -> None:
    """Mesa 3.3 keeps every model alive through class-level caches; in a long sweep the
    workers' memory would grow without bound (measured: 30 of 30 models leaked). Drop
    this model's entries."""
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(model, None)


def _clean(value: Any) -> Any:
    """JSON has no NaN: write null, so any JSON reader can load our files."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        return _clean(value.item())
    return value


def _dump(obj: Any, path: Path) -> None:
    path.write_text(json.dumps(_clean(obj), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def check_out_dir(out: Path) -> None:
    """Refuse to write into an existing, non-empty folder (never overwrite results)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError("output folder exists and is not empty; choose another --out", str(out))


def write_run(result: RunResult, out: Path, command: list[str] | None = None) -> Path:
    """Write ``timeseries.parquet``, ``timeseries.csv``, ``poles.parquet``,
    ``events.parquet``, ``summary.json``, ``run.json``.

    Atomic: everything is written to a temporary sibling folder, then renamed to ``out``.
    """
    out = Path(out)
    check_out_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        table = result.timeseries
        table.to_parquet(tmp / "timeseries.parquet", index=False)
        table.to_csv(tmp / "timeseries.csv", index=False)
        result.poles.to_parquet(tmp / "poles.parquet", index=False)
        if result.events is not None:
            result.events.to_parquet(tmp / "events.parquet", index=False)
        _dump(result.summary, tmp / "summary.json")
        meta = dict(result.meta)
        meta["command"] = command if command is not None else sys.argv
        _dump(meta, tmp / "run.json")
        if out.exists():
            out.rmdir()  # empty, checked above
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
