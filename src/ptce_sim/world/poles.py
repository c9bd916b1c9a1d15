"""Phases 6-8 for poles: membership, dues, the animation cell's budget, and the lifecycle.

The equations are in ``rules/poles.py`` and ``rules/funding.py``; this module keeps the
state of every pole of a territory (a handful at most, so plain Python objects) and writes
the pole-dependent arrays the other phases read: ``model.pole_of``, ``model.animation``,
``model.institution`` (per organisation) and the catalyst flags.

Every euro that enters or leaves a cell is written to ``Pole.ledger`` (cumulative by
source) and to ``PoleRegistry.ledger_rows`` (one row per pole and month), so that money
conservation can be checked to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ptce_sim.base.domain import ESS_KINDS, MAX_PERSONS, OrgKind, ProjectKind
from ptce_sim.rules import funding as fund
from ptce_sim.rules import poles as rule
from ptce_sim.rules.poles import Governance, Status
from ptce_sim.world import kernels
from ptce_sim.world.projects import NewProjects

if TYPE_CHECKING:
    from ptce_sim.world.model import TerritoryModel

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
    dissatisfied: dict[int, int] = field(default_factory=dict)
    patience: dict[int, int] = field(default_factory=dict)
    unpaid: dict[int, int] = field(default_factory=dict)
    paying: int = 0

    @property
    def alive(self) -> bool:
        return self.status != _DEAD

    @property
    def has_leader(self) -> bool:
        return self.leader is not None


class PoleRegistry:
    """All poles of one territory and the pole phases of the monthly schedule."""

    def __init__(self, model: TerritoryModel) -> None:
        self.model = model
        self.poles: list[Pole] = []
        self._alive: list[Pole] = []  # living poles, in id order (kept up to date)
        self._catalyst = 0.0  # E, the value written on every organisation by events()
        self.ledger_rows: list[tuple[Any, ...]] = []
        self.call_window = -1  # id of the current (or last) call window
        self._call_was_open = False
        self.month_income: dict[str, float] = dict.fromkeys(fund.SOURCES, 0.0)
        self.month_public = 0.0
        self.any_formal = False
        self._dues_key: object = None
        self._dues = np.zeros(0)
        self._ess: np.ndarray | None = None
        # Run accumulators for the summaries (formal and vegetating poles only).
        n_kinds = len(KINDS)
        self.member_months_by_kind = np.zeros(n_kinds, dtype=np.int64)
        self.formal_pole_months = 0
        self.formal_pole_projects = 0
        self.market_pole_gain = 0.0
        self.market_member_revenue = 0.0
        self.pole_time_share_sum = 0.0
        self.formal_pole_months_observed = 0
        self.month_started_in_poles = 0
        self.month_collective = 0
        self.month_fte_share = float("nan")
        self.stats: dict[str, float] = {}
        self._month_stats([], np.zeros(len(KINDS), dtype=np.int64), 0)

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
        unhappy_all = kernels.dissatisfied_all(
            flat, np.array(offsets, dtype=np.int64), m.homophily, rho, asp, alpha, tolerance
        )
        u_all = (
            rng.integers(pp.patience_min, pp.patience_max + 1, size=len(flat)) if alive else flat
        )
        unhappy_flat = unhappy_all.tolist()
        for q, pole in enumerate(alive):
            members = pole.members
            lo = offsets[q]
            u_patience = u_all[lo : offsets[q + 1]]
            leaving = []
            paying_pole = pole.status == _FORMAL or pole.status == _VEGETATING
            exclusion = m.params.funding.dues_exclusion
            dissatisfied, patience, unpaid = pole.dissatisfied, pole.patience, pole.unpaid
            sad_rows = [k for k in range(len(members)) if unhappy_flat[lo + k]]
            # Satisfied members: their counters reset (they pay their dues in a formal pole).
            sad = {members[k] for k in sad_rows}
            books = (dissatisfied, patience, unpaid) if paying_pole else (dissatisfied, patience)
            for book in books:
                for org in [o for o in book if o not in sad]:
                    del book[org]
            pole.paying = len(members) - len(sad_rows) if paying_pole else 0
            # Dissatisfied members, in member order.
            for k in sad_rows:
                org = members[k]
                dissatisfied[org] = dissatisfied.get(org, 0) + 1
                if org not in patience:
                    patience[org] = int(u_patience[k])
                if dissatisfied[org] >= patience[org]:
                    leaving.append(org)
                    continue
                if paying_pole:
                    unpaid[org] = unpaid.get(org, 0) + 1
                    if exclusion and unpaid[org] >= m.params.funding.exclusion_months:
                        leaving.append(org)
            for org in leaving:
                self._remove_member(pole, org)
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
                alive[q].members.append(org)
                m.pole_of[org] = alive[q].id

    def _remove_member(self, pole: Pole, org: int) -> None:
        if org in pole.members:
            pole.members.remove(org)
        self.model.pole_of[org] = -1
        pole.dissatisfied.pop(org, None)
        pole.patience.pop(org, None)
        pole.unpaid.pop(org, None)
        if pole.leader is not None and pole.leader[0] == org:
            pole.leader = None
        if pole.volunteer == org:
            pole.volunteer = None

    # -- phase 7: the animation cell's budget ------------------------------------------------
    def budget(self, joint_revenue: dict[int, float]) -> None:
        m = self.model
        t = m.month
        fp, cp, sp, cell = m.params.funding, m.params.calls, m.params.structural, m.params.cell
        rng = m.streams["funding"]
        self.month_income = dict.fromkeys(fund.SOURCES, 0.0)
        formal = [p for p in self._alive if p.status == _FORMAL or p.status == _VEGETATING]
        # Dues of the members who paid, per pole, in one call (nothing below changes them).
        offsets = [0]
        paying: list[int] = []
        for pole in formal:
            paying += [o for o in pole.members if o not in pole.unpaid]
            offsets.append(len(paying))
        dues_by_pole = (
            kernels.segment_sums(
                self.dues_table(),
                np.array(paying, dtype=np.int64),
                np.array(offsets, dtype=np.int64),
            ).tolist()
            if formal
            else []
        )
        for pole, dues in zip(formal, dues_by_pole, strict=True):
            income = dict.fromkeys(fund.SOURCES, 0.0)
            income["dues"] = dues
            if t >= pole.la_next_decision:
                pole.la_active = fp.la_subsidy > 0 and rng.random() < (
                    1.0
                    if pole.la_next_decision == pole.formalised
                    else fund.renewal_probability(t, fp)
                )
                pole.la_next_decision = t + 12
                if pole.la_active:
                    income["la_subsidy"] = fp.la_subsidy
            if (
                cp.open
                and pole.status == _FORMAL
                and pole.grant_months_left == 0
                and pole.applied_window != self.call_window
            ):
                pole.applied_window = self.call_window
                mat = fund.maturity(pole.institution, pole.completed)
                if rng.random() < fund.call_win_probability(mat, cp):
                    pole.grant_monthly = cp.grant / cp.duration
                    pole.grant_months_left = cp.duration
            if pole.grant_months_left > 0:
                income["call_grant"] = pole.grant_monthly
                pole.grant_months_left -= 1
                if pole.grant_months_left == 0:
                    pole.grant_end = t + 1
            if pole.status == _FORMAL and sp.amount > 0:
                size = max(len(pole.members), 1)
                years = max((t - (pole.formalised or t) + 1) / 12.0, 1.0)
                rate = pole.started / size / years
                income["structural"] = fund.structural_income(
                    sp.amount, sp.performance_share, rate >= sp.performance_target
                )
            income["matching"] = fp.matching_rate * dues
            income["revenue_share"] = joint_revenue.get(pole.id, 0.0)
            cost = pole.fte * cell.cost_per_fte
            before = pole.cash
            pole.cash = before + sum(income.values()) - cost
            for k, v in income.items():
                pole.ledger[k] += v
                self.month_income[k] += v
            pole.cost_total += cost
            self.ledger_rows.append((pole.id, t, before, *income.values(), cost, pole.cash))
            if pole.status != _FORMAL:
                pole.fte = 0.0  # a vegetating pole's cell is dormant: no staff, no hiring
            elif t - (pole.formalised or 0) < cell.grace_months:
                # First months: members' pledges carry the new cell; it only hires.
                pole.fte = max(
                    pole.fte, fund.staffing(pole.fte, pole.cash, len(pole.members), cell)
                )
            else:
                pole.fte = fund.staffing(pole.fte, pole.cash, len(pole.members), cell)
            if pole.fte == 0 and pole.status == _FORMAL:
                self._volunteer(pole)
            else:
                pole.volunteer = None
            if pole.volunteer is not None:
                pole.in_kind += m.params.poles.volunteer_fte * m.params.cooperation.opportunity_cost
        self.month_public = sum(self.month_income[k] for k in fund.PUBLIC_SOURCES)

    def _volunteer(self, pole: Pole) -> None:
        m = self.model
        pp = m.params.poles
        if pp.volunteer_animation <= 0:
            pole.volunteer = None
            return
        if pole.volunteer in pole.members:
            return
        idx = np.asarray(pole.members)
        h = self._homophily_with(idx, pole.members)
        commitment = m.orgs.alpha[idx] * h
        free = m.orgs.time_budget[idx] - m.time_used[idx]
        ok = (commitment >= pp.volunteer_alpha) & (free >= pp.volunteer_fte)
        pole.volunteer = int(idx[np.argmax(np.where(ok, commitment, -1))]) if ok.any() else None

    # -- phase 8: lifecycle ------------------------------------------------------------------
    def lifecycle(self, successes: np.ndarray) -> None:
        """Phase 9. ``successes``: member rows (-1 padded) of the projects that succeeded
        this month (from :meth:`outcomes`), the seeds of emergence."""
        m = self.model
        t = m.month
        pp = m.params.poles
        rng = m.streams["poles"]
        u_form = rng.random(max(len(self.poles), 1))
        alive = list(self._alive)
        cooperating = self._cooperating_poles() if alive else []
        # What the decisions read of each pole, for all poles in one call each: none of
        # it changes during the loop (members only change when a pole dies, after its
        # decisions; trust, presence and dues not at all).
        flat, offsets = self._concat_members(alive)
        off = np.array(offsets, dtype=np.int64)
        rel = m.relations
        trusts = kernels.mean_trusts(
            flat, off, rel.tau0, rel.best_dev, rel.theta, rel.history, float(m.personal_weight)
        ).tolist()
        dues = kernels.segment_sums(self.dues_table(), flat, off).tolist()
        cands, cand_off = kernels.leader_candidates_all(flat, off, m.present, self._ess_orgs())
        cand_at = cand_off.tolist()
        for q, pole in enumerate(alive):
            k = pole.id  # the pole's row in self.poles, and in u_form
            trust = trusts[q]
            self._leadership(pole, rng, trust, cands[cand_at[q] : cand_at[q + 1]])
            if pole.status == _INFORMAL:
                eligible = rule.formalisation_eligible(
                    len(pole.members),
                    trust,
                    pole.has_leader,
                    self._pledge(dues[q]),
                    12 * m.params.cell.initial_fte * m.params.cell.cost_per_fte,
                    pp,
                )
                hazard = rule.formalisation_hazard(eligible, self._catalyst, pp)
                if k < len(u_form) and u_form[k] < hazard:
                    self._formalise(pole, rng)
                elif self._wins_call_as_informal(pole):
                    # Created opportunistically for a call: the laureate formalises at once.
                    self._formalise(pole, rng)
            anim = rule.animation_intensity(
                pole.status, pole.fte, pole.volunteer is not None, pole.has_leader, pp
            )
            if pole.status == _FORMAL:
                pole.unanimated_months = pole.unanimated_months + 1 if anim == 0 else 0
                if pole.unanimated_months >= pp.vegetation_delay:
                    pole.status = _VEGETATING
                    pole.vegetating_since = t
            pole.institution = rule.institutionalise(
                pole.institution, pole.status, pole.governance == _DEDICATED, pp
            )
            pole.idle_months = 0 if cooperating[k] else pole.idle_months + 1
            pole.leaderless_months = 0 if pole.has_leader else pole.leaderless_months + 1
            veg = 0 if pole.vegetating_since is None else t - pole.vegetating_since
            at_risk = len(pole.members) < pp.min_size or pole.idle_months >= pp.idle_limit
            cause = rule.death_cause(
                pole.cash,
                veg,
                len(pole.members),
                pole.idle_months,
                pole.leaderless_months,
                trust if at_risk else 1.0,  # trust only matters for the cause of death
                pp,
            )
            if cause is not None:
                self._die(pole, cause)
            else:
                pole.peak_size = max(pole.peak_size, len(pole.members))
                pole.member_months += len(pole.members)
        self._emerge(successes, rng)
        self.observe()

    def _pledge(self, monthly_dues: float) -> float:
        """First-year budget pledged to a pole whose members' dues are ``monthly_dues``."""
        m = self.model
        fp, cp, sp = m.params.funding, m.params.calls, m.params.structural
        dues = 12 * monthly_dues
        call = cp.win_probability * cp.grant / cp.duration * 12 if cp.open else 0.0
        return dues * (1 + fp.matching_rate) + fp.la_subsidy + sp.amount + call

    def _wins_call_as_informal(self, pole: Pole) -> bool:
        """An informal group big enough to formalise, with a leader, answers an open call
        (once per window); a laureate gets the grant and must formalise to receive it."""
        m = self.model
        cp = m.params.calls
        if not (cp.open and cp.informal_apply) or pole.applied_window == self.call_window:
            return False
        if len(pole.members) < m.params.poles.formal_size or not pole.has_leader:
            return False
        pole.applied_window = self.call_window
        p_win = fund.call_win_probability(fund.maturity(0.0, pole.completed), cp)
        if m.streams["funding"].random() >= p_win:
            return False
        pole.grant_monthly = cp.grant / cp.duration
        pole.grant_months_left = cp.duration
        return True

    def _formalise(self, pole: Pole, rng: np.random.Generator) -> None:
        m = self.model
        pole.status = _FORMAL
        pole.formalised = m.month
        dedicated = rng.random() < m.params.poles.dedicated_share
        pole.governance = _DEDICATED if dedicated else Governance.DELEGATED
        pole.fte = m.params.cell.initial_fte
        pole.la_next_decision = m.month

    def _leadership(
        self, pole: Pole, rng: np.random.Generator, trust: float, candidates: np.ndarray
    ) -> None:
        """The leader left (or never was): a successor among ``candidates`` (persons in
        post in the pole's ESS members, ``o * S + s``) with the succession probability."""
        m = self.model
        if pole.leader is not None:
            o, s, g = pole.leader
            if not (m.present[o, s] and m.gen[o, s] == g):
                pole.leader = None
        if pole.leader is None:
            prob = rule.succession_probability(trust, pole.institution, m.params.poles)
            u = rng.random()
            if len(candidates) and u < prob:
                p = int(candidates[rng.integers(len(candidates))])
                o, s = divmod(p, S)
                m.is_leader[o, s] = True
                pole.leader = (o, s, int(m.gen[o, s]))

    def _ess_orgs(self) -> np.ndarray:
        """Organisations of the social and solidarity economy (kinds never change)."""
        if self._ess is None:
            self._ess = np.isin(self.model.orgs.kind, ESS_KINDS)
        return self._ess

    def _cooperating_poles(self) -> list[bool]:
        """Per pole id: at least one project under way between two of its members."""
        m = self.model
        pt = m.projects
        return kernels.cooperating(
            pt.active, pt.size, pt.members, m.pole_of, len(self.poles)
        ).tolist()

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

    def _emerge(self, successes: np.ndarray, rng: np.random.Generator) -> None:
        m = self.model
        pp = m.params.poles
        if len(successes) == 0:
            return
        # Teams whose members are all outside every pole.
        firsts = kernels.emergence_seeds(successes, m.pole_of).tolist()
        if not firsts:
            return
        # The graph (trusted ties between organisations outside every pole) is the one
        # of the start of the emergence phase: ``outside`` is not updated in the loop.
        outside = m.pole_of < 0
        rel = m.relations
        omega, threshold = float(m.personal_weight), float(pp.trust_threshold)
        for first in firsts:
            if m.pole_of[first] >= 0:
                continue  # joined a pole formed a moment ago
            # rules.poles.reachable over that graph, kept outside poles: compiled.
            group = kernels.trusted_component(
                first,
                outside,
                m.pole_of,
                rel.history,
                rel.tau0,
                rel.best_dev,
                rel.theta,
                omega,
                threshold,
            )
            if len(group) < pp.min_size:
                continue
            leaders = (m.is_leader[group] & m.present[group]).any(axis=1)
            if not leaders.any():
                continue
            founder = int(group[leaders.nonzero()[0][rng.integers(leaders.sum())]])
            slot = int((m.is_leader[founder] & m.present[founder]).nonzero()[0][0])
            pole = Pole(
                id=len(self.poles),
                founder=founder,
                members=group.tolist(),
                formed=m.month,
                leader=(founder, slot, int(m.gen[founder, slot])),
            )
            pole.peak_size = len(group)
            self.poles.append(pole)
            self._alive.append(pole)
            m.pole_of[group] = pole.id

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
        for pole_id in [q for q in joint if q >= 0]:
            pole = self.poles[pole_id]
            pole.started += 1
            self.month_started_in_poles += 1
            if pole.status == _FORMAL or pole.status == _VEGETATING:
                self.formal_pole_projects += 1

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

    def collective_offers(self, t: int) -> None:
        """Formal poles answer tenders that need a critical size (a commercial project of
        ``tender_size`` members, proposed by the local authority with ``tender_rate``)."""
        m = self.model
        self.month_collective = 0
        pp = m.params.poles
        cp = m.params.cooperation
        rng = m.streams["poles"]
        for pole in self.poles:
            if pole.status != _FORMAL or len(pole.members) < pp.tender_size:
                continue
            if rng.random() >= pp.tender_rate:
                continue
            idx = np.asarray(pole.members)
            anim = m.animation[idx]
            cost = cp.cost_commercial * (1.0 - cp.animation_time_saving * anim.max())
            free = m.orgs.time_budget[idx] - m.time_used[idx]
            ready = idx[(free >= cost) & ~(m.vacancy[idx] > 0).any(axis=1)]
            if len(ready) < pp.tender_size:
                continue
            team = rng.permutation(ready)[: pp.tender_size]
            self._start_collective(team, cost, rng, t)
            self.month_collective += 1

    def _start_collective(
        self, team: np.ndarray, cost: float, rng: np.random.Generator, t: int
    ) -> None:
        m = self.model
        cp = m.params.cooperation
        pt = m.projects
        w = pt.width
        members = np.full((1, w), -1, dtype=np.int64)
        members[0, : len(team)] = team
        slots = np.full((1, w), -1, dtype=np.int64)
        gens = np.zeros((1, w), dtype=np.int64)
        for a, org in enumerate(team.tolist()):
            here = m.present[org].nonzero()[0]
            s = int(here[rng.integers(len(here))])
            slots[0, a], gens[0, a] = s, m.gen[org, s]
        comp = m.comp[team[:, None], team[None, :]]
        off = ~np.eye(len(team), dtype=bool)
        fit = np.zeros((1, w))
        fit[0, : len(team)] = (comp * off).sum(axis=1) / max(len(team) - 1, 1)
        duration = rng.integers(cp.duration_min, cp.duration_max + 1)
        pt.add(
            NewProjects(
                kind=np.array([ProjectKind.COMMERCIAL]),
                members=members,
                slots=slots,
                gens=gens,
                start=t,
                duration=np.array([duration]),
                cost=np.array([cost]),
                nominal_cost=np.array([cp.cost_commercial]),
                fit=fit,
                comp=np.array([float(comp[off].mean())]),
            )
        )
        m.time_used[team] += cost
        m.counts.started[ProjectKind.COMMERCIAL] += 1

    def observe(self) -> None:
        """End of the month's pole phases: write the per-organisation arrays the other
        phases read (animation ``A``, institutionalisation ``I``), this month's pole
        metrics and the run accumulators for the summaries (formal and vegetating poles).

        One compiled pass (``kernels.month_end``) over the living poles' members and the
        active projects does what took a dozen numpy calls per pole."""
        m = self.model
        pp = m.params.poles
        alive = self._alive
        formal = [p for p in alive if p.status == _FORMAL or p.status == _VEGETATING]
        self.any_formal = bool(formal)
        flat, offsets = self._concat_members(alive)
        anim = [
            rule.animation_intensity(p.status, p.fte, p.volunteer is not None, p.has_leader, pp)
            for p in alive
        ]
        pt = m.projects
        formal_by_id = np.zeros(len(self.poles), dtype=np.bool_)
        for p in formal:
            formal_by_id[p.id] = True
        kinds, n_formal, by_kind, market_revenue, fte, active, shared, any_shared = (
            kernels.month_end(
                flat,
                np.array(offsets, dtype=np.int64),
                np.array(anim, dtype=float),
                np.array([p.institution for p in alive], dtype=float),
                np.array([p.status == _FORMAL or p.status == _VEGETATING for p in alive]),
                m.animation,
                m.institution,
                m.orgs.kind,
                m.orgs.is_market,
                m.orgs.revenue,
                m.orgs.fte,
                len(KINDS),
                pt.active,
                pt.size if formal else 0,
                pt.members,
                m.pole_of,
                formal_by_id,
            )
        )
        self._month_stats(formal, kinds, len(flat))
        if not formal:
            self.month_fte_share = float("nan")
            return
        self.formal_pole_months += len(formal)
        if n_formal == 0:
            return
        self.member_months_by_kind += by_kind
        self.market_member_revenue += float(market_revenue) / 12.0
        # Time members give to the pole: joint projects, pole activities, volunteer animation.
        time = n_formal * pp.pole_time
        time += sum(pp.volunteer_fte for p in formal if p.volunteer is not None)
        if any_shared:  # else the product is 0.0 and adding it changes nothing
            time += float(shared @ pt.cost[active])
        self.month_fte_share = time / float(fte)
        self.pole_time_share_sum += self.month_fte_share
        self.formal_pole_months_observed += 1
        self.stats["fte_share_in_pole"] = self.month_fte_share

    def _month_stats(self, formal: list[Pole], kinds: np.ndarray, n_members: int) -> None:
        """This month's pole metrics (read by ``world/metrics.py``); ``kinds``: the living
        poles' ``n_members`` members by kind."""
        status = [p.status for p in self.poles]
        income = sum(self.month_income.values())
        formal_members = sum(len(p.members) for p in formal)
        st = {
            "poles_informal": status.count(_INFORMAL),
            "poles_formal": status.count(_FORMAL),
            "poles_vegetating": status.count(_VEGETATING),
            "poles_dead": status.count(_DEAD),
            "pole_members": n_members,
            "cell_fte": sum(p.fte for p in formal),
            "cell_cash": sum(p.cash for p in formal),
            "public_income_share": self.month_public / income if income > 0 else float("nan"),
            "dues_compliance": sum(p.paying for p in formal) / formal_members
            if formal_members
            else float("nan"),
            "pole_projects_started": self.month_started_in_poles,
            "collective_offers": self.month_collective,
            "fte_share_in_pole": float("nan"),
        }
        for k, key in enumerate(_SHARE_KEYS):
            st[key] = kinds[k] / n_members if n_members else float("nan")
        self.stats = st

    # -- outputs -----------------------------------------------------------------------------
    def table(self, months: int) -> list[dict[str, Any]]:
        """One record per pole (see docs/outputs.md)."""
        m = self.model
        rows = []
        for p in self.poles:
            kinds = (
                np.bincount(m.orgs.kind[p.members], minlength=len(KINDS))
                if p.members
                else np.zeros(len(KINDS), dtype=int)
            )
            public = sum(p.ledger[k] for k in fund.PUBLIC_SOURCES)
            rows.append(
                {
                    "pole_id": p.id,
                    "founder": p.founder,
                    "formed": p.formed,
                    "formalised": p.formalised,
                    "vegetating": p.vegetating_since,
                    "died": p.died,
                    "cause": p.cause,
                    "status": p.status.name.lower(),
                    "governance": p.governance.name.lower(),
                    "peak_size": p.peak_size,
                    "final_size": len(p.members),
                    "member_months": p.member_months,
                    **{f"final_{k.lower()}": int(c) for k, c in zip(KINDS, kinds, strict=True)},
                    "final_fte": p.fte,
                    "final_cash": p.cash,
                    **{f"eur_{k}": v for k, v in p.ledger.items()},
                    "eur_cell_cost": p.cost_total,
                    "eur_in_kind": p.in_kind,
                    "public_total": public,
                    "grant_end": p.grant_end,
                    "projects_started": p.started,
                    "projects_completed": p.completed,
                    "months_observed": months,
                }
            )
        return rows
