"""The state of the poles of a territory (arrays, one row per pole) and the names shared
by the pole modules.

Why arrays: the pole phases run as compiled kernels (``world/kernels``), which read and
write a pole's state in place; a Python object per pole had to be gathered into arrays
and written back in every phase, which cost more than the phases' arithmetic. A
:class:`PoleTable` keeps every pole ever formed (dead ones too: the per-pole table of
a run lists them) in three arrays: integer fields, float fields and the cumulative
ledger by income source. :class:`Pole` is a view of one row with named attributes,
for the Python code that reads a pole (tests, the per-pole table, the summaries).

Optional values (a month that has not come, no volunteer, no leader) are stored as -1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ptce_sim.base.domain import MAX_PERSONS, OrgKind
from ptce_sim.rules import funding as fund
from ptce_sim.rules.poles import CAUSES, Governance, Status

S = MAX_PERSONS
KINDS = [k.name for k in OrgKind]
# Status codes as plain ints: attribute access on an enum class is slow, and numpy
# compares an array with an enum member through slow attribute lookups.
_INFORMAL, _FORMAL, _VEGETATING, _DEAD = (int(s) for s in Status)
_DEDICATED = Governance.DEDICATED
_SHARE_KEYS = [f"share_members_{k.lower()}" for k in KINDS]

#: The month's pole metrics, in the order the compiled phases write them into
#: ``PoleRegistry.stats_array`` (then the share of members of each organisation kind,
#: ``_SHARE_KEYS``); ``world/metrics.py`` documents each.
STATS: tuple[str, ...] = (
    "poles_informal",
    "poles_formal",
    "poles_vegetating",
    "poles_dead",
    "pole_members",
    "cell_fte",
    "cell_cash",
    "public_income_share",
    "dues_compliance",
    "pole_projects_started",
    "collective_offers",
    "fte_share_in_pole",
    "member_trust",
)
STAT_KEYS: tuple[str, ...] = (*STATS, *_SHARE_KEYS)
#: Run accumulators of the summaries and values of the month's pole phases, entries of
#: ``PoleRegistry.acc`` (counts are exact in float64).
ACCUMULATORS: tuple[str, ...] = (
    "formal_pole_months",
    "formal_pole_months_observed",
    "formal_pole_projects",
    "market_pole_gain",
    "market_member_revenue",
    "pole_time_share_sum",
    "month_fte_share",
    "month_started_in_poles",
    "month_collective",
    "month_public",
    "month_income_total",
    "share_paid",  # revenue share members paid their cells out of their gains (wages)
)

#: Columns of the per-pole table (``poles.parquet``), described in docs/outputs.md.
POLE_COLUMNS: list[str] = [
    "pole_id",
    "founder",
    "formed",
    "formalised",
    "vegetating",
    "died",
    "cause",
    "status",
    "governance",
    "peak_size",
    "final_size",
    "member_months",
    *[f"final_{k.lower()}" for k in KINDS],
    "final_fte",
    "final_cash",
    "final_trust",
    "peak_trust",
    *[f"eur_{s}" for s in fund.SOURCES],
    "eur_cell_cost",
    "eur_in_kind",
    "public_total",
    "grant_end",
    "projects_started",
    "projects_completed",
    "months_observed",
]


#: Integer fields of a pole, in column order of ``PoleTable.ints``.
INT_FIELDS: tuple[str, ...] = (
    "founder",
    "formed",
    "status",
    "governance",
    "formalised",  # -1: not (yet) formalised
    "vegetating_since",  # -1: never vegetated
    "died",  # -1: alive
    "cause",  # index in rules.poles.CAUSES, -1: alive
    "volunteer",  # organisation animating as a volunteer, -1: none
    "leader_org",  # the leader (organisation, person slot, generation), -1: none
    "leader_slot",
    "leader_gen",
    "grant_months_left",
    "grant_end",  # month the last call grant ended, -1: none
    "applied_window",  # last call window applied to, -1: none
    "la_active",  # 1 while the local authority subsidises the cell
    "la_next_decision",
    "idle_months",
    "leaderless_months",
    "unanimated_months",
    "completed",
    "started",
    "peak_size",
    "member_months",
    "paying",
    "size",  # members, listed in PoleTable.members[pole, :size]
)
#: Float fields of a pole, in column order of ``PoleTable.floats``.
FLOAT_FIELDS: tuple[str, ...] = (
    "fte",
    "cash",
    "institution",
    "grant_monthly",
    "cost_total",
    "in_kind",
    "trust",  # the members' mean trust (rules/lifecycle.py), this month
    "trust_peak",  # the highest it has been
)
_INT = {name: k for k, name in enumerate(INT_FIELDS)}
_FLOAT = {name: k for k, name in enumerate(FLOAT_FIELDS)}
#: Optional integer fields: -1 reads as None.
_OPTIONAL = ("formalised", "vegetating_since", "died", "volunteer", "grant_end")
#: The integer fields of a pole that has just formed.
_BLANK = np.zeros(len(INT_FIELDS), dtype=np.int64)
for _name in (*_OPTIONAL, "cause", "leader_org", "leader_slot", "leader_gen", "applied_window"):
    _BLANK[_INT[_name]] = -1
_BLANK[_INT["status"]] = Status.INFORMAL
_BLANK[_INT["governance"]] = Governance.NONE


class PoleTable:
    """Every pole of a territory, one row each (the row is the pole id); rows are never
    reused. The arrays grow on demand; kernels receive ``ints``, ``floats`` and
    ``ledger`` and index them with the column numbers of :data:`INT_FIELDS` and
    :data:`FLOAT_FIELDS` (``world/kernels/state.py`` names them for numba)."""

    def __init__(self, n_orgs: int, capacity: int = 8) -> None:
        #: (poles, ledger rows written this month, whether a formal or vegetating pole
        #: lives): scalars the kernels update (``kernels.state.Poles.cursor``).
        self.cursor = np.zeros(3, dtype=np.int64)
        self.ints = np.zeros((capacity, len(INT_FIELDS)), dtype=np.int64)
        self.floats = np.zeros((capacity, len(FLOAT_FIELDS)))
        self.ledger = np.zeros((capacity, len(fund.SOURCES)))
        #: Members of each pole in the order they joined (the first ``size`` entries).
        self.members = np.full((capacity, n_orgs), -1, dtype=np.int64)
        self._blank(capacity)

    @property
    def size(self) -> int:
        """Poles formed so far (rows in use)."""
        return int(self.cursor[0])

    @size.setter
    def size(self, value: int) -> None:
        self.cursor[0] = value

    def reserve(self, k: int) -> bool:
        """Room for ``k`` more poles: blank rows (every field at its default) after the
        last one, which a kernel fills when a pole forms. Rows after the last pole are
        only ever written when a pole forms, so they stay blank once blanked. Returns
        whether the arrays were replaced (the kernels' record must then be rebuilt)."""
        need = self.size + k
        if need > len(self.ints):
            cap = max(need, 2 * len(self.ints))
            for name in ("ints", "floats", "ledger", "members"):
                old = getattr(self, name)
                new = np.empty((cap, old.shape[1]), dtype=old.dtype)
                new[: self.size] = old[: self.size]
                setattr(self, name, new)
            self._blank(cap)
            return True
        return False

    def _blank(self, stop: int) -> None:
        """Every field of rows ``size:stop`` at its default (a pole that has just formed)."""
        rows = slice(self.size, stop)
        self.ints[rows] = _BLANK
        self.floats[rows] = 0.0
        self.ledger[rows] = 0.0
        self.members[rows] = -1

    def add(self, founder: int, formed: int, members: NDArray[np.int64]) -> int:
        """A new informal pole of ``members``; returns its id. (In a run, poles form
        inside the lifecycle kernel, which fills a reserved blank row the same way.)"""
        self.reserve(1)
        q = self.size
        row = self.ints[q]
        row[_INT["founder"]] = founder
        row[_INT["formed"]] = formed
        row[_INT["size"]] = len(members)
        self.members[q, : len(members)] = members
        self.size += 1
        return q

    def column(self, name: str) -> NDArray[np.int64] | NDArray[np.float64]:
        """One field of every pole (a view of the first ``size`` rows)."""
        if name in _INT:
            return self.ints[: self.size, _INT[name]]
        return self.floats[: self.size, _FLOAT[name]]


def _int_field(name: str) -> property:
    k = _INT[name]

    def get(self: Pole) -> int | None:
        v = int(self._table.ints[self.id, k])
        return None if v == -1 and name in _OPTIONAL else v

    def put(self: Pole, value: int | None) -> None:
        self._table.ints[self.id, k] = -1 if value is None else int(value)

    return property(get, put)


def _float_field(name: str) -> property:
    k = _FLOAT[name]

    def get(self: Pole) -> float:
        return float(self._table.floats[self.id, k])

    def put(self: Pole, value: float) -> None:
        self._table.floats[self.id, k] = value

    return property(get, put)


class Pole:
    """A view of one pole's row of a :class:`PoleTable` (reads and writes go to the
    table)."""

    __slots__ = ("_table", "id")

    def __init__(self, table: PoleTable, pole_id: int) -> None:
        self._table = table
        self.id = pole_id

    founder = _int_field("founder")
    formed = _int_field("formed")
    formalised = _int_field("formalised")
    vegetating_since = _int_field("vegetating_since")
    died = _int_field("died")
    volunteer = _int_field("volunteer")
    grant_months_left = _int_field("grant_months_left")
    grant_end = _int_field("grant_end")
    applied_window = _int_field("applied_window")
    la_next_decision = _int_field("la_next_decision")
    idle_months = _int_field("idle_months")
    leaderless_months = _int_field("leaderless_months")
    unanimated_months = _int_field("unanimated_months")
    completed = _int_field("completed")
    started = _int_field("started")
    peak_size = _int_field("peak_size")
    member_months = _int_field("member_months")
    paying = _int_field("paying")
    fte = _float_field("fte")
    cash = _float_field("cash")
    institution = _float_field("institution")
    grant_monthly = _float_field("grant_monthly")
    cost_total = _float_field("cost_total")
    in_kind = _float_field("in_kind")
    trust = _float_field("trust")
    trust_peak = _float_field("trust_peak")

    @property
    def members(self) -> list[int]:
        """The members, in the order they joined (a copy)."""
        t = self._table
        return t.members[self.id, : t.ints[self.id, _INT["size"]]].tolist()

    @property
    def status(self) -> Status:
        return Status(int(self._table.ints[self.id, _INT["status"]]))

    @status.setter
    def status(self, value: Status) -> None:
        self._table.ints[self.id, _INT["status"]] = int(value)

    @property
    def governance(self) -> Governance:
        return Governance(int(self._table.ints[self.id, _INT["governance"]]))

    @governance.setter
    def governance(self, value: Governance) -> None:
        self._table.ints[self.id, _INT["governance"]] = int(value)

    @property
    def cause(self) -> str | None:
        k = int(self._table.ints[self.id, _INT["cause"]])
        return None if k < 0 else CAUSES[k]

    @cause.setter
    def cause(self, value: str | None) -> None:
        self._table.ints[self.id, _INT["cause"]] = -1 if value is None else CAUSES.index(value)

    @property
    def leader(self) -> tuple[int, int, int] | None:
        o, s, g = self._table.ints[self.id, _INT["leader_org"] : _INT["leader_gen"] + 1].tolist()
        return None if o < 0 else (o, s, g)

    @leader.setter
    def leader(self, value: tuple[int, int, int] | None) -> None:
        lo = _INT["leader_org"]
        self._table.ints[self.id, lo : lo + 3] = (-1, -1, -1) if value is None else value

    @property
    def la_active(self) -> bool:
        return bool(self._table.ints[self.id, _INT["la_active"]])

    @la_active.setter
    def la_active(self, value: bool) -> None:
        self._table.ints[self.id, _INT["la_active"]] = int(value)

    @property
    def ledger(self) -> dict[str, float]:
        """Cumulative income by source (a copy: the table is written by the budget)."""
        return dict(zip(fund.SOURCES, self._table.ledger[self.id].tolist(), strict=True))

    @property
    def alive(self) -> bool:
        return self.status != _DEAD

    @property
    def has_leader(self) -> bool:
        return bool(self._table.ints[self.id, _INT["leader_org"]] >= 0)
