"""The state of one pole (plain data) and the names shared by the pole modules.

A territory has a handful of poles at most, so each is a plain Python object; what the
batched kernels need of them (members, status) is gathered once per phase.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ptce_sim.base.domain import MAX_PERSONS, OrgKind
from ptce_sim.rules import funding as fund
from ptce_sim.rules.poles import Governance, Status

S = MAX_PERSONS
KINDS = [k.name for k in OrgKind]
# Enum members as module constants: attribute access on an enum class is slow.
_INFORMAL, _FORMAL, _VEGETATING, _DEAD = (
    Status.INFORMAL,
    Status.FORMAL,
    Status.VEGETATING,
    Status.DEAD,
)
_DEDICATED = Governance.DEDICATED
_SHARE_KEYS = [f"share_members_{k.lower()}" for k in KINDS]

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
    *[f"eur_{s}" for s in fund.SOURCES],
    "eur_cell_cost",
    "eur_in_kind",
    "public_total",
    "grant_end",
    "projects_started",
    "projects_completed",
    "months_observed",
]


@dataclass
class Pole:
    """One pole and its animation cell."""

    id: int
    founder: int
    members: list[int]
    formed: int
    status: Status = Status.INFORMAL
    governance: Governance = Governance.NONE
    leader: tuple[int, int, int] | None = None  # (organisation, slot, generation)
    formalised: int | None = None
    vegetating_since: int | None = None
    died: int | None = None
    cause: str | None = None
    fte: float = 0.0
    cash: float = 0.0
    volunteer: int | None = None
    institution: float = 0.0
    grant_monthly: float = 0.0
    grant_months_left: int = 0
    grant_end: int | None = None  # month the last call grant ended
    applied_window: int = -1
    la_active: bool = False
    la_next_decision: int = 0
    ledger: dict[str, float] = field(default_factory=lambda: dict.fromkeys(fund.SOURCES, 0.0))
    cost_total: float = 0.0
    in_kind: float = 0.0
    idle_months: int = 0
    leaderless_months: int = 0
    unanimated_months: int = 0
    completed: int = 0
    started: int = 0
    peak_size: int = 0
    member_months: int = 0
    paying: int = 0

    @property
    def alive(self) -> bool:
        return self.status != _DEAD

    @property
    def has_leader(self) -> bool:
        return self.leader is not None
