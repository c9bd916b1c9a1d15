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
7. poles: membership (join, stay, leave) and dues;
8. animation cells: income by source, cost, staffing, call applications;
9. pole lifecycle: leadership, formalisation, vegetation, death, emergence;
10. data collection (named metrics, ``ptce_sim.world.metrics``).

Phases 7-9 live in ``ptce_sim.world.poles`` (rules: ``rules/poles.py``, ``rules/funding.py``);
collective offers (tenders answered by formal poles) start right after phase 3.
"""

from __future__ import annotations

import mesa
import numpy as np

from ptce_sim.base.domain import ESS_KINDS, MAX_PERSONS, ProjectKind
from ptce_sim.base.params import apply_updates, get_value
from ptce_sim.base.rng import make_streams
from ptce_sim.rules import cooperation as coop
from ptce_sim.rules import trust as trust_rule
from ptce_sim.world import kernels
from ptce_sim.world.agents import Organisation
from ptce_sim.world.metrics import MetricRecorder
from ptce_sim.world.partnering import propose
from ptce_sim.world.poles import PoleRegistry
from ptce_sim.world.projects import DEFAULT_WIDTH, ProjectTable
from ptce_sim.world.relations import Relations
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
        "pair_stats",
        "started",
        "succeeded",
        "ties_lost",
    )

    def __init__(self) -> None:
        kinds = np.zeros((3, N_KINDS), dtype=np.int64)
        self.started, self.completed, self.succeeded = kinds
        self.departed = 0
        self.arrived = 0
        self.ties_lost = 0
        self.pair_stats = np.zeros(2)  # sum of H over initiator-partner pairs started, pairs

    @property
    def pair_homophily(self) -> float:
        """Sum of value homophily H over the initiator-partner pairs started this month."""
        return float(self.pair_stats[0])

    @property
    def pairs(self) -> int:
        """Initiator-partner pairs of the projects started this month."""
        return int(self.pair_stats[1])


class Derived:
    """Parameters flattened for the compiled kernels; rebuilt when a policy changes them."""

    def __init__(self, model: TerritoryModel) -> None:
        p = model.params
        cp = p.cooperation
        self.costs = cp.costs()
        self.values = cp.values()
        self.time_saving = float(cp.animation_time_saving)
        self.m = int(min(cp.candidates, model.orgs.n - 1))
        least = float(self.costs.min() * (1.0 - cp.animation_time_saving))
        self.search = np.array(
            [cp.search_rate, cp.search_rate_animation, cp.search_rate_catalyst, least], dtype=float
        )
        self.fpar = np.array(
            [
                cp.previous_partner_weight,
                cp.pole_weight,
                model.personal_weight,
                cp.opportunity_cost,
                cp.trust_weight,
                cp.threshold,
                cp.choice_sharpness,
            ],
            dtype=float,
        )
        self.ipar = np.array([self.m, cp.max_partners], dtype=np.int64)
        self.p_geo = float(1.0 - cp.extra_partner_prob)
        self.duration = np.array([cp.duration_min, cp.duration_max + 1], dtype=np.int64)
        self.slot_draws = int(cp.max_partners) + 1
        n = model.orgs.n
        #: uniforms per searcher: kind, n candidate keys, partners, m choice keys,
        #: duration, one per participant, acceptance order (partnering.py)
        self.search_draws = 1 + n + 1 + self.m + 1 + self.slot_draws + 1
        self.coef = np.array(
            [
                cp.success_intercept,
                cp.success_trust,
                cp.success_complementarity,
                cp.success_animation,
                cp.opportunity_cost,
                cp.failure_share,
                cp.payoff_noise,
            ],
            dtype=float,
        )
        tp = p.turnover
        self.turnover = (
            float(tp.rate),
            int(tp.vacancy_min),
            int(tp.vacancy_max),
            float(p.territory.leader_share),
            float(tp.handover),
            float(tp.handover_animation),
        )
        self.learning = (float(cp.learning_rate), float(cp.aspiration_rate))


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
        self.personal_weight = float(trust_rule.personal_weight(0.0, self.params.trust))

        self.homophily = coop.value_homophily(orgs.values)
        self.comp = coop.complementarity(orgs.competences)
        self.sim = coop.similarity(orgs.competences)
        diff = orgs.position[:, None, :] - orgs.position[None, :, :]
        self.distance = np.sqrt((diff**2).sum(axis=2))
        self.pole_of = np.full(n, -1, dtype=np.int64)  # pole of each organisation, -1 none
        self.institution = np.zeros(n)  # I of the organisation's pole (0 outside formal poles)
        self._derive_search_weights()
        self.relations = Relations(self.homophily, self.present, self.params.trust)
        self._no_due = np.zeros(0, dtype=np.int64)
        self._due_success = np.zeros(0, dtype=bool)
        self.realised = np.zeros((0, DEFAULT_WIDTH))

        width = max(DEFAULT_WIDTH, cp.max_partners + 1, self.params.poles.tender_size)
        self.projects = ProjectTable(width=width)
        self.realised = np.zeros((0, width))
        self.counts = MonthCounts()
        self.revenue_gains = np.zeros((12, n))  # ring buffer of monthly revenue from projects
        self.fte_total = float(orgs.fte.sum())
        self.market_revenue = float(orgs.revenue[orgs.is_market].sum())
        self.recorder = MetricRecorder(self.params.run.steps)
        self.organisations = [Organisation(self, i) for i in range(n)]
        self.poles = PoleRegistry(self)

    # -- the schedule ------------------------------------------------------------------
    def step(self) -> None:
        """Simulate one month; the phases run in this order."""
        self.month = t = self.steps - 1
        self.counts = MonthCounts()
        self.apply_policies(t)
        self.poles.events()
        self.turnover()
        self.start_projects(t)
        due = self.complete_projects(t)
        self.update_trust(due)
        self.learn(due)
        self.poles.month(due, self._due_success)
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
            self.derived = Derived(self)

    def turnover(self) -> None:
        """Phase 2: vacancies run out (newcomers arrive), then persons leave.

        Uniforms are drawn for every person slot every month (exit, vacancy length,
        newcomer's leadership), whatever its state: ``rules/turnover.py``.
        """
        u = self.streams["turnover"].random((3, self.orgs.n, S))
        rate, vmin, vmax, leader_share, psi0, psi_a = self.derived.turnover
        rel = self.relations
        arrived, departed, lost = kernels.turnover(
            u,
            self.present,
            self.vacancy,
            self.tenure,
            self.gen,
            self.is_leader,
            self.ess_slots,
            self.animation,
            rate,
            vmin,
            vmax,
            leader_share,
            psi0,
            psi_a,
            rel.theta,
            rel.tau0,
            rel.scaled,
            rel.scale,
            rel.tie,
            rel.best_dev,
            rel.sum_dev,
        )
        c = self.counts
        c.arrived, c.departed, c.ties_lost = arrived, departed, lost

    def start_projects(self, t: int) -> None:
        """Phase 3: partner search; projects agreed on both sides start; formal poles
        answer collective tenders."""
        first = self.projects.size
        propose(self, t)
        self.poles.collective_offers(t)
        self.poles.count_started(first)

    def complete_projects(self, t: int) -> np.ndarray:
        """Phase 4: projects that end this month succeed or fail; participants gain."""
        pt = self.projects
        k = kernels.count_due(pt.live, pt.n_live, pt.end, t)
        if k == 0:
            self.revenue_gains[t % 12] = 0.0  # no project ended: no revenue this month
            return self._no_due
        rng = self.streams["outcome"]
        u_success = rng.random(k)
        noise = rng.standard_normal((k, pt.width))
        c = self.counts
        due, self._due_success, self.realised, pt.n_live = kernels.complete(
            t,
            k,
            pt.live,
            pt.n_live,
            pt.active,
            pt.end,
            pt.start,
            pt.kind,
            pt.members,
            pt.cost,
            pt.nominal_cost,
            pt.fit,
            pt.comp,
            pt.success,
            self.relations.tau0,
            self.relations.best_dev,
            self.relations.theta,
            self.personal_weight,
            self.animation,
            self.orgs.is_market,
            self.derived.values,
            self.derived.coef,
            u_success,
            noise,
            self.time_used,
            self.revenue_gains[t % 12],
            c.completed,
            c.succeeded,
        )
        return due

    def update_trust(self, due: np.ndarray) -> None:
        """Phase 5: outcomes change person trust; organisation trust follows; relaxation.

        Only persons still in post, and the same persons, carry the experience.
        """
        if len(due):
            pt = self.projects
            self.relations.record_completed(
                due, self._due_success, pt.members, pt.slots, pt.gens, self.gen
            )
        if self.poles.any_formal:
            # Institutionalisation I of the pole for two members of the same pole, else 0.
            self.relations.month_passes_poles(self.pole_of, self.institution)
        else:
            self.relations.month_passes(0.0)

    def learn(self, due: np.ndarray) -> None:
        """Phase 6: realised returns update perceived return; aspiration follows."""
        rate, mu = self.derived.learning
        realised = self.realised if len(due) else self.realised[:0]
        kernels.learn(
            due, self.projects.members, realised, self.perceived_return, self.aspiration, rate, mu
        )

    # -- helpers --------------------------------------------------------------------------
    def _derive_search_weights(self) -> None:
        """Acquaintance weights depend on cooperation parameters: recompute on change."""
        cp = self.params.cooperation
        self.acquaintance = np.exp(-self.distance / cp.acquaintance_range) + cp.random_weight
        self.derived = Derived(self)
