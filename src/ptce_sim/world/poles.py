"""Phases 6-8 for poles: membership, dues, the animation cell's budget, and the lifecycle.

The equations are in ``rules/poles.py`` and ``rules/funding.py``. ``PoleRegistry`` keeps
the state of every pole of a territory (a handful at most, so plain Python objects:
``world/pole_state.py``) and writes the pole-dependent arrays the other phases read:
``model.pole_of``, ``model.animation``, ``model.institution`` (per organisation) and the
catalyst flags. The phases are split by responsibility: membership and the hooks the
model calls here; the cell's budget and collective offers in ``world/pole_budget.py``;
the lifecycle in ``world/pole_lifecycle.py``; metrics, summaries' accumulators and the
per-pole table in ``world/pole_records.py``.

Why the per-pole work is batched: a month has a few living poles, and one small kernel
or numpy call per pole and per quantity cost more in call overhead than the arithmetic
(the pole phases took twice the rest of the model). Each phase gathers the members of
all living poles once (:meth:`PoleRegistry._concat_members`) and calls one compiled
kernel (``world/kernels/pole_month.py``) for all of them; the Python loop over poles
that remains only takes the scalar decisions and the random draws, in the same order.

Every euro that enters or leaves a cell is written to ``Pole.ledger`` (cumulative by
source) and to ``PoleRegistry.ledger_rows`` (one row per pole and month), so that money
conservation can be checked to the cent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ptce_sim.base.domain import ESS_KINDS, ProjectKind
from ptce_sim.rules import funding as fund
from ptce_sim.world import kernels, pole_budget, pole_lifecycle, pole_records
from ptce_sim.world.pole_state import (
    _DEAD,
    _FORMAL,
    _INFORMAL,
    _SHARE_KEYS,
    _VEGETATING,
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
        self.state = PoleTable(model.orgs.n)
        self.streams = kernels.box_streams(model.streams)  # for the compiled phases
        self._lifecycle_key: object = None
        self._lifecycle_params = np.zeros(0)
        self.poles: list[Pole] = []  # a view of each row of the table
        self._alive: list[Pole] = []  # living poles, in id order (kept up to date)
        self._catalyst = 0.0  # E, the value written on every organisation by events()
        self.ledger_rows: list[tuple[Any, ...]] = []
        self.call_window = -1  # id of the current (or last) call window
        self._call_was_open = False
        self.month_income: dict[str, float] = dict.fromkeys(fund.SOURCES, 0.0)
        self.any_formal = False
        self._dues_key: object = None
        self._dues = np.zeros(0)
        self._ess: np.ndarray | None = None
        # Membership books per organisation (it is in one pole at most): consecutive
        # dissatisfied months, the patience drawn when the spell began (0: none),
        # consecutive unpaid months in a paying pole (kernels.membership_month).
        n = model.orgs.n
        self.dissatisfied = np.zeros(n, dtype=np.int64)
        self.patience = np.zeros(n, dtype=np.int64)
        self.unpaid = np.zeros(n, dtype=np.int64)
        # Run accumulators for the summaries (formal and vegetating poles only) and the
        # month values of the pole phases: pole_state.ACCUMULATORS (read as attributes).
        self.acc = np.zeros(len(ACCUMULATORS))
        self.acc[_ACC["month_fte_share"]] = np.nan
        n_kinds = len(KINDS)
        self.member_months_by_kind = np.zeros(n_kinds, dtype=np.int64)
        # Projects started in formal poles by kind, and formal pole-months by member count.
        self.formal_pole_kinds = np.zeros(len(ProjectKind), dtype=np.int64)
        self.formal_size_months = np.zeros(model.orgs.n + 1, dtype=np.int64)
        # This month's pole metrics (pole_state.STAT_KEYS), before the first month: no pole.
        self.stats_array = np.zeros(len(STAT_KEYS))
        for key in ("public_income_share", "dues_compliance", "fte_share_in_pole", *_SHARE_KEYS):
            self.stats_array[STAT_KEYS.index(key)] = np.nan

    @property
    def stats(self) -> dict[str, float]:
        """This month's pole metrics by name (``world/metrics.py``)."""
        return dict(zip(STAT_KEYS, self.stats_array.tolist(), strict=True))

    # -- queries -----------------------------------------------------------------------
    def alive(self) -> list[Pole]:
        return list(self._alive)

    def _concat_members(self, poles: list[Pole]) -> tuple[np.ndarray, list[int]]:
        """Members of ``poles`` concatenated (pole order, member order) and the offsets
        of each pole's members: the layout of the batched kernels (``kernels.pole_month``)."""
        offsets = [0]
        flat: list[int] = []
        for pole in poles:
            flat += pole.members
            offsets.append(len(flat))
        return np.array(flat, dtype=np.int64), offsets

    def mean_trust(self, members: list[int]) -> float:
        """Mean effective trust over the pairs of members that have cooperated (all pairs
        when none has yet): the trust that holds the group together."""
        m = self.model
        if len(members) < 2:
            return 0.0
        rel = m.relations
        return float(
            kernels.mean_trust(
                np.asarray(members, dtype=np.int64),
                rel.tau0,
                rel.best_dev,
                rel.theta,
                rel.history,
                float(m.personal_weight),
            )
        )

    def _homophily_with(self, orgs: np.ndarray, members: list[int]) -> np.ndarray:
        # Only ever called with orgs == members (the mean homophily of each member
        # with the whole pole, itself included).
        return kernels.homophily_with(self.model.homophily, np.asarray(members, dtype=np.int64))

    def _monthly_dues(self, org: int) -> float:
        return float(self.dues_table()[org])

    def dues_table(self) -> np.ndarray:
        """Monthly dues of every organisation under the current policy (cached per policy)."""
        m = self.model
        fp = m.params.funding
        if self._dues_key is not fp:
            self._dues = np.array(
                [
                    fund.monthly_dues(fp.dues_mode, fp.dues_flat, fp.dues_rate, float(r), bool(mk))
                    for r, mk in zip(m.orgs.revenue, m.orgs.is_market, strict=True)
                ]
            )
            self._dues_key = fp
        return self._dues

    # -- phase 1: calls and catalysts -----------------------------------------------------
    def events(self) -> None:
        m = self.model
        cp = m.params.calls
        if cp.open and not self._call_was_open:
            self.call_window += 1
        self._call_was_open = cp.open
        ev = m.params.events
        level = 1.0 if (ev.crisis or ev.site or cp.open) else 0.0
        if level != self._catalyst:  # written on change only: nothing else writes it
            m.catalyst[:] = level
            self._catalyst = level

    # -- phase 6: membership and dues -------------------------------------------------------
    def membership(self) -> None:
        m = self.model
        pp = m.params.poles
        rng = m.streams["poles"]
        rho, asp, alpha = m.perceived_return, m.aspiration, m.orgs.alpha
        tolerance = float(pp.value_premium / max(pp.pole_time, 1e-9))
        alive = list(self._alive)
        flat, offsets = self._concat_members(alive)
        # rules.poles.dissatisfied with each member's mean homophily with its pole, for
        # every pole in one call. One patience draw per member, as one draw per pole
        # before: a bounded-integer draw of size a then b is the draw of size a + b.
        off = np.array(offsets, dtype=np.int64)
        unhappy = kernels.dissatisfied_all(flat, off, m.homophily, rho, asp, alpha, tolerance)
        u_all = (
            rng.integers(pp.patience_min, pp.patience_max + 1, size=len(flat)) if alive else flat
        )
        fp = m.params.funding
        leave, paying = kernels.membership_month(
            flat,
            off,
            np.array([p.status == _FORMAL or p.status == _VEGETATING for p in alive], dtype=bool),
            unhappy,
            u_all,
            bool(fp.dues_exclusion),
            int(fp.exclusion_months),
            self.dissatisfied,
            self.patience,
            self.unpaid,
        )
        for pole, n_paying in zip(alive, paying.tolist(), strict=True):
            pole.paying = n_paying
        if leave.any():
            for r in leave.nonzero()[0].tolist():
                org = int(flat[r])
                self._remove_member(self.poles[int(m.pole_of[org])], org)
        self._joining(rng)

    def _joining(self, rng: np.random.Generator) -> None:
        m = self.model
        pp = m.params.poles
        alive = self.alive()
        if not alive:
            return
        outside = (m.pole_of < 0).nonzero()[0]
        considering = outside[rng.random(len(outside)) < pp.join_consider]
        if len(considering) == 0:
            return
        # Trusted ties (cooperated, effective trust >= threshold) with each pole's
        # members, join value (rules.poles.join_value): in a compiled kernel.
        flat, offsets = self._concat_members(alive)
        members, sizes = kernels.pole_matrix(flat, np.array(offsets, dtype=np.int64), m.orgs.n)
        rel = m.relations
        joined = kernels.joining(
            considering,
            members,
            sizes,
            np.array([p.status == _INFORMAL for p in alive]),
            rel.history,
            rel.tau0,
            rel.best_dev,
            rel.theta,
            float(m.personal_weight),
            float(pp.trust_threshold),
            m.homophily,
            m.perceived_return,
            m.orgs.alpha,
            self.dues_table(),
            float(m.params.cooperation.opportunity_cost),
            float(pp.pole_time),
            float(pp.value_premium),
        )
        for org, q in zip(considering.tolist(), joined.tolist(), strict=True):
            if q >= 0:
                self.state.append_member(alive[q].id, org)
                m.pole_of[org] = alive[q].id

    def _remove_member(self, pole: Pole, org: int) -> None:
        self.state.remove_member(pole.id, org)
        self.model.pole_of[org] = -1
        self.dissatisfied[org] = self.patience[org] = self.unpaid[org] = 0
        if pole.leader is not None and pole.leader[0] == org:
            pole.leader = None
        if pole.volunteer == org:
            pole.volunteer = None

    # -- phase 7: the animation cell's budget (world/pole_budget.py) -------------------------
    def budget(self, joint_revenue: dict[int, float]) -> None:
        """Phase 7: each formal cell's income by source, cost, staffing (ledger rows)."""
        pole_budget.budget(self, joint_revenue)

    def collective_offers(self, t: int) -> None:
        """Formal poles answer collective tenders (right after the partner search)."""
        pole_budget.collective_offers(self, t)

    # -- phase 8: lifecycle (world/pole_lifecycle.py) ---------------------------------------
    def lifecycle(self, successes: np.ndarray) -> None:
        """Phase 8: leadership, formalisation, vegetation, death, emergence; then
        :meth:`observe`."""
        pole_lifecycle.lifecycle(self, successes)

    def _ess_orgs(self) -> np.ndarray:
        """Organisations of the social and solidarity economy (kinds never change)."""
        if self._ess is None:
            self._ess = np.isin(self.model.orgs.kind, ESS_KINDS)
        return self._ess

    def _die(self, pole: Pole, cause: str) -> None:
        m = self.model
        pole.status = _DEAD
        self._alive.remove(pole)
        pole.died = m.month
        pole.cause = cause
        for org in list(pole.members):
            self._remove_member(pole, org)
        pole.fte = 0.0
        pole.volunteer = None

    def joint_poles(self, members: np.ndarray) -> np.ndarray:
        """For project rows ``members`` (k x width, -1 padded): the pole in which at least
        two participants are members (the most represented one), else -1."""
        if len(members) == 0 or not self.poles:
            return np.full(len(members), -1, dtype=np.int64)
        return kernels.joint_poles(members, self.model.pole_of)

    # -- hooks called by the model --------------------------------------------------------
    def count_started(self, first: int) -> None:
        """Credit the projects added since row ``first`` to the pole they run in."""
        pt = self.model.projects
        self.month_started_in_poles = 0
        if not self._alive:
            return  # no member anywhere: no project runs in a pole
        if first == pt.size:
            return
        joint = self.joint_poles(pt.members[first : pt.size]).tolist()
        kinds = pt.kind[first : pt.size].tolist()
        for pole_id, kind in [(q, k) for q, k in zip(joint, kinds, strict=True) if q >= 0]:
            pole = self.poles[pole_id]
            pole.started += 1
            self.month_started_in_poles += 1
            if pole.status == _FORMAL or pole.status == _VEGETATING:
                self.formal_pole_projects += 1
                self.formal_pole_kinds[kind] += 1

    def outcomes(self, due: np.ndarray, success: np.ndarray) -> tuple[dict[int, float], np.ndarray]:
        """Completed projects: each pole's share of the joint revenue, the member rows
        (-1 padded) of the successful ones (for emergence), and the gains of market
        members from pole projects."""
        m = self.model
        pt = m.projects
        joint: dict[int, float] = {}
        phi = m.params.funding.revenue_share
        if len(due) == 0:
            return joint, pt.members[:0]
        successes = pt.members[due[success]]
        if not self._alive:
            return joint, successes  # no member anywhere: no project runs in a pole
        formal = np.array([p.status == _FORMAL or p.status == _VEGETATING for p in self.poles])
        completed, revenue, has_revenue, self.market_pole_gain = kernels.pole_outcomes(
            due,
            pt.members,
            pt.kind,
            pt.cost,
            pt.end,
            pt.start,
            m.realised,
            m.pole_of,
            formal,
            m.orgs.is_market,
            float(phi),
            float(self.market_pole_gain),
        )
        for pole_id in completed.nonzero()[0].tolist():
            self.poles[pole_id].completed += int(completed[pole_id])
        for pole_id in has_revenue.nonzero()[0].tolist():
            joint[pole_id] = float(revenue[pole_id])
        return joint, successes

    # -- outputs (world/pole_records.py) -----------------------------------------------------
    def observe(self) -> None:
        """End of the month's pole phases: arrays, metrics and summary accumulators."""
        pole_records.observe(self)

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
