"""The poles of a territory: their state, the catalysts and call windows of phase 1, and
what the pole phases report.

The equations are in ``rules/membership.py``, ``rules/cell.py`` and
``rules/lifecycle.py``. ``PoleRegistry`` keeps the state of every pole of a territory in
a :class:`~ptce_sim.world.pole_state.PoleTable` (one row per pole, dead ones included)
and the membership books per organisation; the pole phases (7: membership and dues,
8: the cells' budget, 9: the lifecycle, and collective offers after the partner search)
run compiled inside the month's kernel (``kernels/month.py``, ``kernels/pole_*.py``),
which reads and writes them through the :class:`~ptce_sim.world.kernels.state.Poles`
record and writes the per-organisation arrays the other phases read
(``model.pole_of``, ``model.animation``, ``model.institution``).

Why compiled, and on a table: a month has a few living poles, and their decisions are
scalar; in Python, one object per pole and a few numpy calls per decision cost more
than the rest of the model.

Every euro that enters or leaves a cell is written to the table's ledger (cumulative by
source, ``Pole.ledger``) and to :attr:`PoleRegistry.ledger_rows` (one row per pole and
month), so that money conservation can be checked to the cent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ptce_sim.base.domain import ProjectKind
from ptce_sim.rules import cell as cell_rules
from ptce_sim.rules import funding as fund
from ptce_sim.world import pole_records
from ptce_sim.world.kernels.state import LEDGER_ROWS, LEDGER_WIDTH, Poles
from ptce_sim.world.pole_state import (
    _DEAD,
    _FORMAL,
    _SHARE_KEYS,
    ACCUMULATORS,
    KINDS,
    POLE_COLUMNS,
    STAT_KEYS,
    Pole,
    PoleTable,
)

if TYPE_CHECKING:
    from ptce_sim.world.model import TerritoryModel

__all__ = ["POLE_COLUMNS", "Pole", "PoleRegistry"]


class PoleRegistry:
    """All poles of one territory and the pole phases of the monthly schedule."""

    def __init__(self, model: TerritoryModel) -> None:
        self.model = model
        # Room for as many poles as organisations from the start (a pole may form per
        # organisation in a month): the table rarely grows.
        self.state = PoleTable(model.orgs.n, capacity=2 * model.orgs.n)
        self.poles: list[Pole] = []  # a view of each row of the table
        self.catalyst = 0.0  # E, the value written on every organisation by events()
        # Ledger rows (pole id, month, cash before, income by source, cost, cash after),
        # written by the budget kernel into a buffer, kept month by month.
        self._ledger_buf = np.empty((model.orgs.n, LEDGER_WIDTH))
        self._ledger_chunks: list[np.ndarray] = []
        self.call_window = -1  # id of the current (or last) call window
        self._call_was_open = False
        self.month_income_by_source = np.zeros(len(fund.SOURCES))  # cells' income this month
        self._dues_key: object = None
        self._dues = np.zeros(model.orgs.n)
        # Membership books per organisation (it is in one pole at most): consecutive
        # dissatisfied months, the patience drawn when the spell began (0: none),
        # consecutive unpaid months in a paying pole.
        n = model.orgs.n
        self.dissatisfied = np.zeros(n, dtype=np.int64)
        self.patience = np.zeros(n, dtype=np.int64)
        self.unpaid = np.zeros(n, dtype=np.int64)
        # Run accumulators for the summaries (formal and vegetating poles only) and the
        # month values of the pole phases: pole_state.ACCUMULATORS (read as attributes).
        self.acc = np.zeros(len(ACCUMULATORS))
        self.acc[_ACC["month_fte_share"]] = np.nan
        self.member_months_by_kind = np.zeros(len(KINDS), dtype=np.int64)
        # Projects started in formal poles by kind, and formal pole-months by member count.
        self.formal_pole_kinds = np.zeros(len(ProjectKind), dtype=np.int64)
        self.formal_size_months = np.zeros(model.orgs.n + 1, dtype=np.int64)
        # This month's pole metrics (pole_state.STAT_KEYS), before the first month: no pole.
        self.stats_array = np.zeros(len(STAT_KEYS))
        nan_keys = ("public_income_share", "dues_compliance", "fte_share_in_pole", "member_trust")
        for key in (*nan_keys, *_SHARE_KEYS):
            self.stats_array[STAT_KEYS.index(key)] = np.nan
        self._record: Poles | None = None

    @property
    def ledger_rows(self) -> list[tuple[Any, ...]]:
        """One row per formal pole and month: (pole id, month, cash before, income by
        source in ``rules.funding.SOURCES`` order, cell cost, cash after)."""
        rows = []
        for chunk in self._ledger_chunks:
            for row in chunk.tolist():
                rows.append((int(row[0]), int(row[1]), *row[2:]))
        return rows

    @property
    def month_income(self) -> dict[str, float]:
        """The cells' income this month by source."""
        return dict(zip(fund.SOURCES, self.month_income_by_source.tolist(), strict=True))

    @property
    def stats(self) -> dict[str, float]:
        """This month's pole metrics by name (``world/metrics.py``)."""
        return dict(zip(STAT_KEYS, self.stats_array.tolist(), strict=True))

    @property
    def any_formal(self) -> bool:
        """A formal or vegetating pole lived at the end of the last month."""
        return bool(self.state.cursor[2])

    # -- queries -----------------------------------------------------------------------
    def alive(self) -> list[Pole]:
        """The living poles, in id order."""
        living = (self.state.column("status") != _DEAD).nonzero()[0]
        return [self.poles[q] for q in living.tolist()]

    def dues_table(self) -> np.ndarray:
        """Monthly dues of every organisation under the current policy (``monthly_dues``,
        written in place, recomputed when the funding policy changes)."""
        m = self.model
        fp = m.params.funding
        if self._dues_key is not fp:
            self._dues[:] = [
                cell_rules.monthly_dues(
                    fp.dues_mode, fp.dues_flat, fp.dues_rate, float(r), bool(mk)
                )
                for r, mk in zip(m.orgs.revenue, m.orgs.is_market, strict=True)
            ]
            self._dues_key = fp
        return self._dues

    # -- phase 1: calls and catalysts -----------------------------------------------------
    def events(self) -> None:
        """A call window opens (a new window id) and the catalyst E is set on everyone."""
        m = self.model
        cp = m.params.calls
        if cp.open and not self._call_was_open:
            self.call_window += 1
        self._call_was_open = cp.open
        ev = m.params.events
        level = 1.0 if (ev.crisis or ev.site or cp.open) else 0.0
        if level != self.catalyst:  # written on change only: nothing else writes it
            m.catalyst[:] = level
            self.catalyst = level

    # -- the compiled month (kernels.month): the poles' record and results --------------
    def check_tender_width(self) -> None:
        """A tender needs a project of ``tender_size`` members: the table's width, fixed
        when the run starts, must hold it (a policy could raise the size later)."""
        m = self.model
        size = m.params.poles.tender_size
        if (
            size > m.projects.width
            and (
                (self.state.column("status") == _FORMAL) & (self.state.column("size") >= size)
            ).any()
        ):
            raise ValueError(
                f"poles.tender_size = {size} exceeds the project table's width "
                f"({m.projects.width}, fixed when the run starts): set it in the "
                "scenario, not in a policy"
            )

    def record(self) -> Poles:
        """The poles as the kernels' record, with room made for what the month can add: a
        new pole per successful project (at most one per organisation), a ledger row per
        pole."""
        state = self.state
        grown = state.reserve(self.model.orgs.n)
        if len(self._ledger_buf) < state.size:
            self._ledger_buf = np.empty((2 * state.size, LEDGER_WIDTH))
            grown = True
        self.dues_table()
        if grown or self._record is None:
            self._record = Poles(
                state.ints,
                state.floats,
                state.members,
                state.ledger,
                state.cursor,
                self.dissatisfied,
                self.patience,
                self.unpaid,
                self._dues,
                self.month_income_by_source,
                self.acc,
                self._ledger_buf,
                self.stats_array,
                self.member_months_by_kind,
                self.formal_size_months,
                self.formal_pole_kinds,
            )
        return self._record

    def after_month(self) -> None:
        """Take in what the month wrote: views for the new poles, the ledger rows."""
        state = self.state
        if state.size > len(self.poles):
            self.poles += [Pole(state, q) for q in range(len(self.poles), state.size)]
        rows = int(state.cursor[LEDGER_ROWS])
        if rows:
            self._ledger_chunks.append(self._ledger_buf[:rows].copy())

    # -- outputs (world/pole_records.py) -----------------------------------------------------
    def table(self, months: int) -> list[dict[str, Any]]:
        """One record per pole (see docs/outputs.md)."""
        return pole_records.table(self, months)


def _accumulator(name: str, count: bool) -> property:
    k = _ACC[name]

    def get(self: PoleRegistry) -> float:
        return int(self.acc[k]) if count else float(self.acc[k])

    def put(self: PoleRegistry, value: float) -> None:
        self.acc[k] = value

    return property(get, put, doc=f"``acc`` entry {name!r}")


_ACC = {name: k for k, name in enumerate(ACCUMULATORS)}
_COUNTS = (
    "formal_pole_months",
    "formal_pole_months_observed",
    "formal_pole_projects",
    "month_started_in_poles",
    "month_collective",
)
for _name in ACCUMULATORS:
    setattr(PoleRegistry, _name, _accumulator(_name, _name in _COUNTS))
