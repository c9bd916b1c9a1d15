"""Named metrics, collected every month into one tidy frame (one column per metric).

A metric is a plain function ``f(model) -> float`` registered with :func:`metric`; its
name is the column name and its docstring the column's meaning (``docs/outputs.md`` is
generated from them). Why not Mesa's ``DataCollector``: it stores Python lists of
dictionaries; a preallocated numpy array costs a fraction of that in a run of tens of
milliseconds, and gives the same tidy frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ptce_sim.base.domain import OrgKind, ProjectKind
from ptce_sim.world.pole_state import STAT_KEYS

if TYPE_CHECKING:
    import pandas as pd

    from ptce_sim.world.model import TerritoryModel

Metric = Callable[["TerritoryModel"], float]
METRICS: dict[str, Metric] = {}

KIND_NAMES = [k.name.lower() for k in ProjectKind]


def metric(name: str) -> Callable[[Metric], Metric]:
    """Register ``f`` as the monthly metric ``name``."""

    def register(f: Metric) -> Metric:
        if name in METRICS:
            raise ValueError(f"metric {name!r} registered twice")
        METRICS[name] = f
        return f

    return register


def describe() -> dict[str, str]:
    """Metric name -> first line of its docstring."""
    return {name: (f.__doc__ or "").strip().splitlines()[0] for name, f in METRICS.items()}


_N = len(KIND_NAMES)
#: Position of each built-in metric in the array :func:`month_snapshot` returns.
SNAPSHOT = {
    "mean_person_trust": 0,
    "mean_org_trust": 1,
    "vacant_posts": 2,
    "fte_share_cooperating": 3,
    "coop_revenue_share": 4,
    "coops_per_org_year": 5,
    "mean_perceived_return": 6,
    "active_projects": 7,
    "ties_lost": 8,
    "persons_departed": 9,
    "partner_homophily": 10,
    "started": 11,
    "completed": 12,
    "succeeded": 13,
    **{f"started_{k}": 14 + i for i, k in enumerate(KIND_NAMES)},
    **{f"completed_{k}": 14 + _N + i for i, k in enumerate(KIND_NAMES)},
    **{f"succeeded_{k}": 14 + 2 * _N + i for i, k in enumerate(KIND_NAMES)},
}


def month_snapshot(model: TerritoryModel) -> NDArray[np.float64]:
    """Every built-in metric of the month last simulated, in the order of :data:`SNAPSHOT`.

    Why one array: the recorder reads every metric every month, and one numpy reduction
    per metric cost more than the month's simulation; the month's kernel computes them
    all in one pass (``kernels/metrics.py``) into this array.
    """
    return model.tally.snapshot


def _from_snapshot(name: str, doc: str) -> Metric:
    i = SNAPSHOT[name]

    def read(model: TerritoryModel) -> float:
        return float(month_snapshot(model)[i])

    read.__doc__ = doc
    read.__name__ = read.__qualname__ = name
    read.snapshot_index = i  # type: ignore[attr-defined]  # lets the recorder batch reads
    return metric(name)(read)


for _name in KIND_NAMES:
    _from_snapshot(f"started_{_name}", f"Cooperation projects of kind {_name} started this month.")
    _from_snapshot(
        f"completed_{_name}", f"Cooperation projects of kind {_name} completed this month."
    )

_from_snapshot("started", "Cooperation projects started this month, all kinds.")
_from_snapshot("completed", "Cooperation projects completed this month, all kinds.")
_from_snapshot("succeeded", "Completed projects that succeeded this month.")
_from_snapshot("active_projects", "Projects under way at the end of the month.")
_from_snapshot(
    "mean_person_trust",
    "Mean person-level trust over persons in post whose organisations have cooperated.",
)
_from_snapshot(
    "mean_org_trust",
    "Mean organisation-level trust over pairs of organisations that have cooperated.",
)
_from_snapshot(
    "ties_lost", "Person-to-person ties (persons who worked together) lost to exits this month."
)
_from_snapshot("persons_departed", "Boundary spanners who left their organisation this month.")
_from_snapshot("vacant_posts", "Posts of boundary spanners vacant at the end of the month.")
_from_snapshot(
    "fte_share_cooperating", "Share of the organisations' FTE spent on cooperation projects."
)
_from_snapshot(
    "coop_revenue_share",
    "Share of market organisations' revenue from cooperation projects (last 12 months).",
)
_from_snapshot(
    "coops_per_org_year",
    "Projects started over the last 12 months per organisation (annualised early on).",
)
_from_snapshot(
    "partner_homophily",
    "Mean value homophily H between initiators and partners of projects started this month.",
)
_from_snapshot(
    "mean_perceived_return", "Mean perceived return on cooperation time (k€ per FTE-month)."
)


POLE_METRICS: dict[str, str] = {
    "poles_informal": "Informal poles (a trusted, cooperating group with a leader).",
    "poles_formal": "Formal poles (legal body and animation cell) still animated.",
    "poles_vegetating": "Formal poles vegetating (no animation for months).",
    "poles_dead": "Poles that have died so far.",
    "pole_members": "Organisations that are members of a living pole.",
    "cell_fte": "FTE of the animation cells of formal and vegetating poles.",
    "cell_cash": "Cash of those cells (k€; negative = debt).",
    "public_income_share": "Share of the cells' income this month from public sources.",
    "dues_compliance": "Share of members of formal poles who paid their dues this month.",
    "pole_projects_started": "Projects started this month by at least two members of one pole.",
    "collective_offers": "Tenders answered this month by formal poles (collective offers).",
    "fte_share_in_pole": "Share of formal-pole members' FTE spent on pole activities.",
    "member_trust": "Members' mean trust in formal poles (over member pairs that worked together).",
    **{
        f"share_members_{k.name.lower()}": f"Share of pole members that are {k.name}."
        for k in OrgKind
    },
}


def _pole_metric(name: str, doc: str) -> None:
    def read(model: TerritoryModel) -> float:
        return float(model.poles.stats[name])

    read.__doc__ = doc
    read.__name__ = name
    read.stats_key = name  # type: ignore[attr-defined]  # lets the recorder batch reads
    metric(name)(read)


for _name, _doc in POLE_METRICS.items():
    _pole_metric(_name, _doc)


class MetricRecorder:
    """Preallocated month x metric array, filled by calling every registered metric."""

    #: Length of the month's snapshot of built-in metrics (``kernels/metrics.py``).
    snapshot_size = len(SNAPSHOT)

    def __init__(self, steps: int) -> None:
        self.names = list(METRICS)
        self.functions = [METRICS[name] for name in self.names]
        self.column_index = {name: i for i, name in enumerate(self.names)}
        self.data = np.full((steps, len(self.names)), np.nan)
        self.months = 0
        # Built-in metrics are read from the month's snapshot in one fancy-index copy.
        fast = [i for i, f in enumerate(self.functions) if hasattr(f, "snapshot_index")]
        self._fast_cols = np.array(fast, dtype=np.int64)
        self._fast_src = np.array(
            [self.functions[i].snapshot_index for i in fast],  # type: ignore[attr-defined]
            dtype=np.int64,
        )
        # Pole metrics are read from the poles' month statistics in one pass.
        stats = [i for i, f in enumerate(self.functions) if hasattr(f, "stats_key")]
        self._stats_cols = np.array(stats, dtype=np.int64)
        self._stats_keys = [self.functions[i].stats_key for i in stats]  # type: ignore[attr-defined]
        self._stats_src = np.array([STAT_KEYS.index(k) for k in self._stats_keys], dtype=np.int64)
        batched = set(fast) | set(stats)
        self._slow = [(i, f) for i, f in enumerate(self.functions) if i not in batched]
        self._all_fast = not self._slow and not stats

    def record(self, model: TerritoryModel, t: int) -> None:
        if t >= len(self.data):  # stepping beyond the planned horizon (notebooks)
            self.data = np.vstack([self.data, np.full_like(self.data, np.nan)])
        row = self.data[t]
        if self._all_fast:
            np.take(month_snapshot(model), self._fast_src, out=row)
        elif len(self._fast_cols):
            row[self._fast_cols] = month_snapshot(model)[self._fast_src]
        if self._stats_keys:
            row[self._stats_cols] = model.poles.stats_array[self._stats_src]
        for i, f in self._slow:
            row[i] = f(model)
        self.months = t + 1

    def columns(self) -> dict[str, NDArray[np.float64]]:
        """The time series so far as one array (a view, months long) per metric: what
        the summaries read, without building a DataFrame (a third of a short run)."""
        data = self.data[: self.months]
        return {name: data[:, i] for i, name in enumerate(self.names)}

    def frame(self) -> pd.DataFrame:
        """The time series so far: one row per month, one column per metric."""
        import pandas as pd

        df = pd.DataFrame(self.data[: self.months], columns=self.names)
        df.insert(0, "month", np.arange(self.months))
        return df
