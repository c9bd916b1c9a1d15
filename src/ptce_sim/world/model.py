"""The Mesa model of one territory (ODD §3 for the schedule).

``TerritoryModel.step()`` lists the phases of a month in order; each phase is a short
method that gathers state, calls a rule from ``ptce_sim.rules`` and writes back. Updates
within a phase are synchronous: everyone decides on last month's state.

Phases of a month (mirrored in ``docs/odd.md``):

1. policies and events: scheduled ``[[policy]]`` changes take effect (and are logged);
2. turnover: persons leave, vacancies run, newcomers arrive;
3. partner search and project proposals;
4. project progress: completion, success or failure, gains;
5. trust: person trust from outcomes, organisation trust follows, relaxation;
6. learning: perceived return from realised returns, aspiration;
7. data collection (named metrics, ``ptce_sim.world.metrics``).

Poles, their animation cell and funding (MODEL.md §6-7) are built on this foundation;
until then the animation intensity ``A`` and the catalyst ``E`` are 0 everywhere.
"""

from __future__ import annotations

import mesa
import numpy as np

from ptce_sim.base.domain import ESS_KINDS, MAX_PERSONS, ProjectKind
from ptce_sim.base.params import apply_updates, get_value
from ptce_sim.base.rng import make_streams
from ptce_sim.rules import cooperation as coop
from ptce_sim.rules import trust as trust_rule
from ptce_sim.rules import turnover as turnover_rule
from ptce_sim.world.agents import Organisation
from ptce_sim.world.metrics import MetricRecorder
from ptce_sim.world.partnering import propose
from ptce_sim.world.projects import ProjectTable
from ptce_sim.world.relations import Relations, occurrence_rank
from ptce_sim.world.scenario import Scenario
from ptce_sim.world.territory import generate

S = MAX_PERSONS
N_KINDS = len(ProjectKind)


class MonthCounts:
    """Event counters of the current month, reset at the start of each step."""

    __slots__ = (
        "arrived",
        "completed",
        "departed",
        "pair_homophily",
        "pairs",
        "started",
        "succeeded",
        "ties_lost",
    )

    def __init__(self) -> None:
        self.started = np.zeros(N_KINDS, dtype=np.int64)
        self.completed = np.zeros(N_KINDS, dtype=np.int64)
        self.succeeded = np.zeros(N_KINDS, dtype=np.int64)
        self.departed = 0
        self.arrived = 0
        self.ties_lost = 0
        self.pair_homophily = 0.0  # sum of H over initiator-partner pairs started
        self.pairs = 0


class TerritoryModel(mesa.Model):
    """One territory: organisations, their persons, trust, and cooperation projects.

    Parameters
    ----------
    scenario:
        A resolved :class:`~ptce_sim.world.scenario.Scenario` (default: the baseline).
    seed:
        Root seed (any integer >= 0); all randomness flows from it through named streams.
    """

    def __init__(self, scenario: Scenario | None = None, *, seed: int = 0) -> None:
        streams = make_streams(seed)
        super().__init__(rng=streams["mesa"])
        self.streams = streams
        self.seed = seed
        # Never assign ``self.scenario``: a Mesa 3.5 property.
        self.spec = scenario if scenario is not None else Scenario()
        self.params = self.spec.params
        self.month = 0  # index of the month being simulated (0-based)
        self._pending = list(self.spec.policies)
        self.policy_log: list[dict[str, object]] = []

        self.orgs = orgs = generate(self.params.territory, streams["territory"])
        n = orgs.n
        self.slot_exists = np.arange(S)[None, :] < orgs.n_persons[:, None]
        self.present = self.slot_exists.copy()
        self.vacancy = np.zeros((n, S), dtype=np.int64)
        self.is_leader = orgs.is_leader.copy()
        self.gen = np.zeros((n, S), dtype=np.int64)
        self.tenure = np.zeros((n, S), dtype=np.int64)
        self.ess_slots = np.isin(orgs.kind, ESS_KINDS)[:, None] & self.slot_exists

        cp = self.params.cooperation
        self.perceived_return = np.full(n, cp.initial_return * cp.opportunity_cost)
        self.aspiration = self.perceived_return.copy()
        self.time_used = np.zeros(n)
        self.animation = np.zeros(n)  # A: pole animation intensity (poles come later)
        self.catalyst = np.zeros(n)  # E: 1 while a catalyst is active
        self.pole_of: np.ndarray | None = None
        self.personal_weight = float(trust_rule.personal_weight(0.0, self.params.trust))

        self.homophily = coop.value_homophily(orgs.values)
        self.comp = coop.complementarity(orgs.competences)
        self.sim = coop.similarity(orgs.competences)
        diff = orgs.position[:, None, :] - orgs.position[None, :, :]
        self.distance = np.sqrt((diff**2).sum(axis=2))
        self._derive_search_weights()
        self.relations = Relations(self.homophily, self.present, self.params.trust)

        self.projects = ProjectTable()
        self.counts = MonthCounts()
        self.revenue_gains = np.zeros((12, n))  # ring buffer of monthly revenue from projects
        self.recorder = MetricRecorder(self.params.run.steps)
        self.organisations = [Organisation(self, i) for i in range(n)]

    # -- the schedule ------------------------------------------------------------------
    def step(self) -> None:
        """Simulate one month; the phases run in this order."""
        self.month = t = self.steps - 1
        self.counts = MonthCounts()
        self.apply_policies(t)
        self.turnover()
        self.start_projects(t)
        due = self.complete_projects(t)
        self.update_trust(due)
        self.learn(due)
        self.recorder.record(self, t)

    # -- phases --------------------------------------------------------------------------
    def apply_policies(self, t: int) -> None:
        """Phase 1: scheduled parameter changes (each change is logged)."""
        while self._pending and self._pending[0].at == t:
            policy = self._pending.pop(0)
            for key, value in policy.updates.items():
                self.policy_log.append(
                    {
                        "month": t,
                        "key": key,
                        "old": get_value(self.params, key),
                        "new": value,
                        "source": policy.source,
                    }
                )
            old = self.params
            self.params = apply_updates(self.params, policy.updates, f"policy at month {t}")
            if self.params.trust != old.trust:
                self.relations.set_params(self.params.trust)
                self.personal_weight = float(trust_rule.personal_weight(0.0, self.params.trust))
            if self.params.cooperation != old.cooperation:
                self._derive_search_weights()

    def turnover(self) -> None:
        """Phase 2: vacancies run out (newcomers arrive), then persons leave."""
        tp = self.params.turnover
        rng = self.streams["turnover"]
        u_exit = rng.random((self.orgs.n, S))
        u_vacancy = rng.random((self.orgs.n, S))
        u_leader = rng.random((self.orgs.n, S))

        self.tenure += self.present
        waiting = self.vacancy > 0
        self.vacancy[waiting] -= 1
        arrive = waiting & (self.vacancy == 0)
        leave = turnover_rule.exits(self.present, u_exit, tp.rate)

        arrivals = np.flatnonzero(arrive.ravel())
        if len(arrivals):
            self.present[arrive] = True
            self.tenure[arrive] = 0
            self.gen[arrive] += 1
            lp = self.params.territory.leader_share
            self.is_leader[arrive] = (u_leader < lp)[arrive] & self.ess_slots[arrive]
            psi = turnover_rule.handover(self.animation[arrivals // S], tp)
            self.relations.add_persons(arrivals, psi)
            self.counts.arrived = len(arrivals)

        departures = np.flatnonzero(leave.ravel())
        if len(departures):
            self.present[leave] = False
            self.is_leader[leave] = False
            self.vacancy[leave] = turnover_rule.vacancy_months(
                u_vacancy, tp.vacancy_min, tp.vacancy_max
            )[leave]
            # A vacancy of 0 months: the newcomer arrives next month.
            self.vacancy[leave] = np.maximum(self.vacancy[leave], 1)
            self.counts.ties_lost = self.relations.remove_persons(departures)
            self.counts.departed = len(departures)

        changed = np.unique(np.r_[arrivals, departures] // S)
        self.relations.refresh_rows(changed)

    def start_projects(self, t: int) -> None:
        """Phase 3: partner search; projects agreed on both sides start."""
        new = propose(self, t)
        if new is None:
            return
        self.projects.add(new)
        members = new.members
        is_member = members >= 0
        np.add.at(
            self.time_used,
            members[is_member],
            np.broadcast_to(new.cost[:, None], members.shape)[is_member],
        )
        self.counts.started += np.bincount(new.kind, minlength=N_KINDS)
        initiators, partners = members[:, :1], members[:, 1:]
        ok = partners >= 0
        self.counts.pair_homophily += float(
            self.homophily[np.broadcast_to(initiators, partners.shape)[ok], partners[ok]].sum()
        )
        self.counts.pairs += int(ok.sum())

    def complete_projects(self, t: int) -> np.ndarray:
        """Phase 4: projects that end this month succeed or fail; participants gain."""
        due = self.projects.due(t)
        if len(due) == 0:
            return due
        cp = self.params.cooperation
        pt = self.projects
        rng = self.streams["outcome"]
        members = pt.members[due]
        is_member = members >= 0
        safe = np.where(is_member, members, 0)
        width = members.shape[1]
        pair = is_member[:, :, None] & is_member[:, None, :] & ~np.eye(width, dtype=bool)[None]
        trust = self.relations.effective(safe[:, :, None], safe[:, None, :], self.personal_weight)
        mean_trust = (trust * pair).sum(axis=(1, 2)) / np.maximum(pair.sum(axis=(1, 2)), 1)
        anim = (self.animation[safe] * is_member).sum(axis=1) / is_member.sum(axis=1)
        prob = coop.success_probability(mean_trust, pt.comp[due], anim, cp)
        success = rng.random(len(due)) < prob
        noise = rng.standard_normal(members.shape)

        kind = pt.kind[due]
        duration = (pt.end[due] - pt.start[due])[:, None]
        gain = coop.gains(
            cp.values()[kind][:, None],
            pt.fit[due],
            pt.nominal_cost[due][:, None],
            duration,
            success[:, None],
            noise,
            cp,
        )
        gain = np.where(is_member, gain, 0.0)
        self.realised = gain / (pt.cost[due][:, None] * duration)

        pt.active[due] = False
        pt.success[due] = success
        np.subtract.at(
            self.time_used,
            members[is_member],
            np.broadcast_to(pt.cost[due][:, None], members.shape)[is_member],
        )
        np.maximum(self.time_used, 0.0, out=self.time_used)  # float round-off
        self.counts.completed += np.bincount(kind, minlength=N_KINDS)
        self.counts.succeeded += np.bincount(kind[success], minlength=N_KINDS)

        # Revenue for market members from commercial and R&D projects.
        sells = np.isin(kind, (ProjectKind.COMMERCIAL, ProjectKind.RND))[:, None] & is_member
        sells &= self.orgs.is_market[safe]
        row = self.revenue_gains[t % 12]
        row[:] = 0.0
        np.add.at(row, members[sells], gain[sells])
        self._due_success = success
        return due

    def update_trust(self, due: np.ndarray) -> None:
        """Phase 5: outcomes change person trust; organisation trust follows; relaxation."""
        if len(due):
            pt = self.projects
            members, slots, gens = pt.members[due], pt.slots[due], pt.gens[due]
            width = members.shape[1]
            a_idx, b_idx = np.triu_indices(width, k=1)
            ma, mb = members[:, a_idx], members[:, b_idx]
            ok = (ma >= 0) & (mb >= 0)
            success = np.broadcast_to(self._due_success[:, None], ma.shape)[ok]
            oa, ob = ma[ok], mb[ok]
            sa, sb = slots[:, a_idx][ok], slots[:, b_idx][ok]
            ga, gb = gens[:, a_idx][ok], gens[:, b_idx][ok]
            # Only persons still in post, and the same persons, carry the experience.
            same = (
                self.present[oa, sa]
                & (self.gen[oa, sa] == ga)
                & self.present[ob, sb]
                & (self.gen[ob, sb] == gb)
            )
            pa, pb = oa * S + sa, ob * S + sb
            self.relations.record_outcomes(pa[same], pb[same], success[same], oa, ob)
        self.relations.month_passes(0.0)

    def learn(self, due: np.ndarray) -> None:
        """Phase 6: realised returns update perceived return; aspiration follows."""
        cp = self.params.cooperation
        if len(due):
            members = self.projects.members[due]
            is_member = members >= 0
            who, r = members[is_member], self.realised[is_member]
            rank = occurrence_rank(who)
            for k in range(int(rank.max()) + 1):
                sel = rank == k
                self.perceived_return[who[sel]] = coop.learn(
                    self.perceived_return[who[sel]], r[sel], cp.learning_rate
                )
        self.aspiration = coop.aspire(self.aspiration, self.perceived_return, cp.aspiration_rate)

    # -- helpers --------------------------------------------------------------------------
    def _derive_search_weights(self) -> None:
        """Acquaintance weights depend on cooperation parameters: recompute on change."""
        cp = self.params.cooperation
        self.acquaintance = np.exp(-self.distance / cp.acquaintance_range) + cp.random_weight
