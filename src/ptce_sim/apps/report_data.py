"""Reading a finished sweep folder into the tables ``ptce-sim report`` shows.

The folder's ``runs.parquet`` carries the sweep's metadata (factors, labels, design), which
is how a sweep folder is told from any other; survival is Kaplan–Meier on the poles of
``poles.parquet`` pooled over a group's runs (``world/survival.py``), as in ``ptce-sim
compare``, never an average of per-run shares.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from ptce_sim.apps.compare import durations
from ptce_sim.apps.sweep_folder import STATE
from ptce_sim.apps.sweep_tables import META_KEY, TABLES
from ptce_sim.base.errors import ConfigError
from ptce_sim.world.survival import KaplanMeier, kaplan_meier


def load_sweep(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """``runs``, ``poles`` (the columns survival needs) and the sweep metadata; a
    :class:`ConfigError` naming the folder when it is not a finished sweep."""
    runs_path = folder / TABLES["runs"]
    if not runs_path.is_file():
        hint = " (unfinished sweep: resume it first)" if (folder / STATE).is_file() else ""
        raise ConfigError(f"no {TABLES['runs']} here: not a finished sweep{hint}", str(folder))
    stored = (pq.read_schema(runs_path).metadata or {}).get(META_KEY.encode())
    if stored is None:
        raise ConfigError(
            f"{TABLES['runs']} was not written by ptce-sim sweep (no sweep metadata)",
            str(folder),
            allowed="a folder written by ptce-sim sweep or ptce-sim sensitivity",
        )
    meta = json.loads(stored)
    runs = pd.read_parquet(runs_path)
    poles_path = folder / TABLES["poles"]
    cols = ["run_id", "formalised", "died", "months_observed", "cause"]
    poles = pd.read_parquet(poles_path, columns=cols) if poles_path.is_file() else None
    if poles is None:
        raise ConfigError("no poles.parquet (poles = false): survival needs it", str(folder))
    return runs, poles, meta


def factor_levels(runs: pd.DataFrame, factors: Sequence[str]) -> dict[str, int]:
    """Number of levels of each factor that varies in ``runs``."""
    return {f: runs[f].nunique() for f in factors if f in runs and runs[f].nunique() > 1}


def km_of(poles: pd.DataFrame) -> KaplanMeier:
    """Kaplan–Meier of the formal poles among ``poles`` (an empty curve when none)."""
    if len(poles) == 0:
        return kaplan_meier(np.zeros(0), np.zeros(0, dtype=bool))
    return kaplan_meier(*durations(poles))


def survival_rows(
    runs: pd.DataFrame, poles: pd.DataFrame, by: list[str], months: float
) -> pd.DataFrame:
    """One row per group of ``by``: runs, formal poles, S(months) and its interval."""
    rows = []
    keyed = poles.merge(runs[["run_id", *by]], on="run_id", how="left") if by else poles
    groups = runs.groupby(by, sort=True, dropna=False) if by else [((), runs)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        sel = keyed
        for f, v in zip(by, key, strict=True):
            sel = sel[sel[f] == v]
        km = km_of(sel)
        s, lo, hi = km.at(months)
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                "runs": len(group),
                "formal_poles": km.n,
                "survival": s,
                "lo": lo,
                "hi": hi,
            }
        )
    return pd.DataFrame(rows)


def policy_factor(runs: pd.DataFrame, levels: dict[str, int]) -> str | None:
    """The factor the report calls the policy: ``scenario``, else the factor with fewest
    levels (at most 12), else none."""
    if "scenario" in levels:
        return "scenario"
    small = [f for f, n in levels.items() if n <= 12]
    return min(small, key=lambda f: levels[f]) if small else None
