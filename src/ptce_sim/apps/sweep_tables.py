"""The tables a sweep writes: their declared schemas, the metadata stored in each, and
the batch of finished runs not yet committed.

Why a module of its own: the schemas are declared once, from the parameter declarations
and the experiment, so that every part of a table has the same columns and types
whichever worker or session wrote it (``store.py`` writes the parts); ``report.py`` and
``rerun.py`` read the metadata back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

import ptce_sim
from ptce_sim.apps import provenance
from ptce_sim.apps.experiment import SCENARIO, Experiment
from ptce_sim.apps.store import RUNS, schema
from ptce_sim.base.params import iter_specs
from ptce_sim.world import schema as types
from ptce_sim.world.parameters import Parameters
from ptce_sim.world.pole_state import POLE_COLUMNS

FORMAT = 1
META_KEY = "ptce_sim.sweep"
DATES = ("formed_date", "formalised_date", "died_date")
TABLES = {"runs": "runs.parquet", "poles": "poles.parquet", "timeseries": "timeseries.parquet"}


def schemas(exp: Experiment) -> tuple[dict[str, pa.Schema], dict[str, list[str]]]:
    """The declared schema and sort keys of each table the experiment writes."""
    meta = {META_KEY: json.dumps(table_metadata(exp), sort_keys=True)}
    dated = any(s.start for s in exp.scenarios.values())
    labels = [SCENARIO, *exp.bundles]
    ptype = {int: "int64", float: "float64", bool: "bool", str: "string"}
    runs = [("run_id", "string"), ("point", "int64"), ("replicate", "int64"), ("seed", "int64")]
    runs += [(name, "string") for name in labels]
    runs += [(s.key, ptype[s.type]) for s in iter_specs(Parameters)]
    runs += [(k, types.summary_type(k)) for k in exp.keep]
    ids = [("run_id", "string"), ("point", "int64"), ("replicate", "int64")]
    out = {RUNS: schema(runs, meta)}
    sort = {RUNS: ["run_id"]}
    if exp.poles:
        cols = [*POLE_COLUMNS, *(DATES if dated else ())]
        out["poles"] = schema(ids + [(c, types.pole_type(c)) for c in cols], meta)
        sort["poles"] = ["run_id", "pole_id"]
    if exp.timeseries:
        cols = ["month", *(["date"] if dated else []), *exp.timeseries]
        out["timeseries"] = schema(ids + [(c, types.timeseries_type(c)) for c in cols], meta)
        sort["timeseries"] = ["run_id", "month"]
    return out, sort


def table_metadata(exp: Experiment) -> dict[str, Any]:
    """Stored in every table: enough to re-run any row alone (policies are not columns)."""
    return {
        "format": FORMAT,
        "ptce_sim": ptce_sim.__version__,
        "model_code": provenance.model_code(),
        "experiment": exp.path,
        "design": exp.design,
        "replicates": exp.replicates,
        "seed": exp.seed,
        "factors": list(exp.factors),
        "labels": [SCENARIO, *exp.bundles],
        "scenarios": {
            ref: {
                "name": s.name,
                "description": s.description,
                "start": s.start,
                "path": s.path,
                "policies": [
                    {"at": p.at, "set": dict(p.updates), "source": p.source} for p in s.policies
                ],
            }
            for ref, s in exp.scenarios.items()
        },
    }


class Batch:
    """Finished runs not yet committed, as columns per table."""

    def __init__(self, tables: Iterable[str]) -> None:
        self.tables = list(tables)
        self.clear()

    def clear(self) -> None:
        self.columns: dict[str, dict[str, list[Any]]] = {t: {} for t in self.tables}
        self.runs = 0
        self.cells = 0

    def take(self) -> dict[str, dict[str, list[Any]]]:
        """The columns, and an empty batch: what is taken is never committed twice."""
        columns = self.columns
        self.clear()
        return columns

    def add(self, record: dict[str, dict[str, list[Any]]], runs: int = 1) -> None:
        """Add the rows of ``runs`` finished runs (one record, or a merged chunk)."""
        for table, cols in record.items():
            target = self.columns[table]
            for name, values in cols.items():
                target.setdefault(name, []).extend(values)
                self.cells += len(values)
        self.runs += runs
