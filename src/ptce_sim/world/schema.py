"""Column types of the tables a run produces, declared once.

Why declared rather than inferred: a sweep writes thousands of runs into one Parquet
table, batch after batch. Inferred types change with the data: a pole column that is
null in every pole of a batch (``died`` when no pole died yet) comes out as Parquet's
``null`` type in that batch and ``double`` in the next, and the batches no longer
concatenate. Declaring the types here (plain strings, no Parquet library) keeps the
world layer the single owner of what its tables mean; ``tests/test_sweep_store.py``
checks the declarations against real runs so that a new column cannot slip through.
"""

from __future__ import annotations

from ptce_sim.world.pole_state import POLE_COLUMNS
from ptce_sim.world.summary import SUMMARY_DOCS

#: Type names used below: ``int64``, ``float64`` (nullable: NaN or null), ``string``, ``bool``.
TYPES: tuple[str, ...] = ("int64", "float64", "string", "bool")

#: Pole columns that are months or counts which may be missing (null): stored as float64.
_POLE_OPTIONAL_MONTHS = ("formalised", "vegetating", "died", "grant_end")
_POLE_STRINGS = ("cause", "status", "governance", "formed_date", "formalised_date", "died_date")
_POLE_FLOATS = (
    "final_fte",
    "final_cash",
    "final_trust",
    "peak_trust",
    "eur_cell_cost",
    "eur_in_kind",
    "public_total",
)


def pole_type(column: str) -> str:
    """Type of a per-pole column (``POLE_COLUMNS`` and the ``*_date`` columns)."""
    if column in _POLE_STRINGS:
        return "string"
    if column in _POLE_OPTIONAL_MONTHS or column in _POLE_FLOATS or column.startswith("eur_"):
        return "float64"
    if column in POLE_COLUMNS:
        return "int64"
    raise KeyError(f"no declared type for pole column {column!r}: declare it in world/schema.py")


#: Per-run summaries that are counts (the others are float64, NaN when undefined).
SUMMARY_INTEGERS: frozenset[str] = frozenset(
    {
        "months",
        "organisations",
        "persons",
        "cooperations_started",
        "cooperations_completed",
        "persons_departed",
        "ties_lost",
        "policy_changes",
        "poles_formed",
        "poles_formalised",
        "poles_alive_end",
        "formal_poles_alive_end",
    }
    | {k for k in SUMMARY_DOCS if k.startswith(("started_", "deaths_"))}
)


def summary_type(name: str) -> str:
    """Type of a per-run summary."""
    if name not in SUMMARY_DOCS:
        raise KeyError(f"unknown summary {name!r}")
    return "int64" if name in SUMMARY_INTEGERS else "float64"


def timeseries_type(column: str) -> str:
    """Type of a time-series column: ``month`` int64, ``date`` string, metrics float64."""
    if column == "month":
        return "int64"
    if column == "date":
        return "string"
    return "float64"
