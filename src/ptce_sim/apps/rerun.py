"""Re-run one row of a sweep alone: ``ptce-sim run --from DIR/runs.parquet --run-id ID``.

Why it works from the table alone: every row holds the run's seed and every resolved
parameter at month 0, and the file's metadata holds each scenario's policy timeline
(which columns cannot hold). The rebuilt run is compared with the stored summaries, so
a researcher sees at once that the row is reproduced exactly (or that the model code
has changed since).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ptce_sim.apps import provenance
from ptce_sim.apps.sweep_tables import META_KEY
from ptce_sim.base.errors import ConfigError, suggest
from ptce_sim.base.params import apply_updates, iter_specs
from ptce_sim.world.parameters import Parameters
from ptce_sim.world.scenario import Policy, Scenario
from ptce_sim.world.summary import SUMMARY_DOCS


@dataclass(frozen=True)
class StoredRun:
    """A row of ``runs.parquet``, rebuilt into something ``run_one`` takes."""

    run_id: str
    scenario: Scenario
    seed: int
    summary: dict[str, Any]  # the summaries stored in the row
    same_code: bool  # the model code that wrote the row is the one installed


def load(path: Path, run_id: str) -> StoredRun:
    """Find ``run_id`` (or a unique prefix of it) in a sweep's runs table."""
    src = str(path)
    if not path.exists():
        raise ConfigError("file not found", src, "--from")
    try:
        ids = pq.read_table(path, columns=["run_id"])["run_id"].to_pylist()
        meta_raw = pq.read_schema(_first_file(path)).metadata or {}
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"not a sweep's runs table: {exc}", src, "--from") from None
    if META_KEY.encode() not in meta_raw:
        raise ConfigError("not a sweep's runs table (no sweep metadata)", src, "--from")
    meta = json.loads(meta_raw[META_KEY.encode()])
    matches = [i for i in ids if i.startswith(run_id)] if run_id else []
    if len(matches) != 1:
        why = "no run with this id" if not matches else f"{len(matches)} runs start with it"
        raise ConfigError(why, src, "--run-id", run_id, hint=suggest(run_id, ids))
    rid = matches[0]
    row = pq.read_table(path, filters=[("run_id", "==", rid)]).to_pylist()[0]
    keys = [s.key for s in iter_specs(Parameters)]
    params = apply_updates(Parameters(), {k: row[k] for k in keys}, f"{src}: run {rid}")
    ref = row["scenario"]
    info = meta["scenarios"][ref]
    spec = Scenario(
        name=info["name"],
        params=params,
        policies=tuple(Policy(p["at"], p["set"], p["source"]) for p in info["policies"]),
        description=info["description"],
        start=info["start"],
        path=info["path"],
    )
    summary = {k: row[k] for k in SUMMARY_DOCS if k in row}
    same = meta.get("model_code") == provenance.model_code()
    return StoredRun(rid, spec, int(row["seed"]), summary, same)


def _first_file(path: Path) -> Path:
    if path.is_dir():
        files = sorted(path.rglob("*.parquet"))
        if not files:
            raise ValueError("no Parquet file in this folder")
        return files[0]
    return path


def differences(stored: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    """Names of the stored summaries that the re-run does not reproduce exactly."""

    def same(a: Any, b: Any) -> bool:
        a_nan = a is None or (isinstance(a, float) and math.isnan(a))
        b_nan = b is None or (isinstance(b, float) and math.isnan(b))
        return (a_nan and b_nan) or a == b

    return [k for k, v in stored.items() if not same(v, summary[k])]
