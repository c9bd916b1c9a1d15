"""The Mesa model of one territory (ODD §3 for the schedule).

``TerritoryModel.step()`` lists the parts of a month in order: policies and events in
Python, then phases 2-9 and the metrics' values in one compiled call
(:meth:`TerritoryModel.simulate_month`, ``kernels/month.py``, which chains one kernel
per phase, each applying the equations of ``ptce_sim.rules``), then the recorder.
Updates within a phase are synchronous: everyone decides on last month's state.

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

Phases 7-9 keep their state in ``ptce_sim.world.poles`` (rules: ``rules/poles.py``,
``rules/funding.py``); collective offers (tenders answered by formal poles) start right
after phase 3.
"""

from __future__ import annotations

import mesa
import numpy as np

from ptce_sim.base.domain import ESS_KINDS, MAX_PERSONS, ProjectKind
from ptce_sim.base.params import apply_updates, get_value
from ptce_sim.base.rng import make_streams
from ptce_sim.rules import cooperation as coop
from ptce_sim.rules import trust as trust_rule
from ptce_sim.world.agents import Organisation
from ptce_sim.world.kernels import month as month_kernels
from ptce_sim.world.metrics import SNAPSHOT, MetricRecorder
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
        "_kinds",
        "arrived",
        "completed",
        "departed",
        "pair_stats",
        "started",
        "succeeded",
        "ties_lost",
    )

    def __init__(self) -> None:
        self._kinds = np.zeros((3, N_KINDS), dtype=np.int64)
        self.started, self.completed, self.succeeded = self._kinds
        self.pair_stats = np.zeros(2)  # sum of H over initiator-partner pairs started, pairs
        self.reset()

    def reset(self) -> None:
        """Zero every counter (in place: the arrays are the kernels' arguments)."""
        self._kinds[:] = 0
        self.pair_stats[:] = 0.0
        self.departed = 0
        self.arrived = 0
        self.ties_lost = 0

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
        #: duration, one per participant, acceptance order (kernels/search.py)
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
        self.tilt = float(cp.pooling_tilt)
        tp = p.turnover
        #: rate, shortest and longest vacancy, leader share, handover (and with animation)
        self.turnover = np.array(
            [
                tp.rate,
                tp.vacancy_min,
                tp.vacancy_max,
                p.territory.leader_share,
                tp.handover,
                tp.handover_animation,
            ],
            dtype=float,
        )
        self.learning = np.array([cp.learning_rate, cp.aspiration_rate], dtype=float)
        pp = p.poles
        #: collective offers: tender size and rate, cost of a commercial project,
        #: animation's time saving, shortest and longest duration
        self.tender = np.array(
            [
                pp.tender_size,
                pp.tender_rate,
                cp.cost_commercial,
                cp.animation_time_saving,
                cp.duration_min,
                cp.duration_max,
            ],
            dtype=float,
        )


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

        width = max(DEFAULT_WIDTH, cp.max_partners + 1, self.params.poles.tender_size)
        # About one project starts per four organisation-months in the reference
        # territory: room for that from the start saves the table's doublings.
        capacity = max(256, n * self.params.run.steps // 4)
        self.projects = ProjectTable(capacity=capacity, width=width)
        self.counts = MonthCounts()
        self.revenue_gains = np.zeros((12, n))  # ring buffer of monthly revenue from projects
        self.fte_total = float(orgs.fte.sum())
        self.market_revenue = float(orgs.revenue[orgs.is_market].sum())
        self.recorder = MetricRecorder(self.params.run.steps)
        self.organisations = [Organisation(self, i) for i in range(n)]
        self.poles = PoleRegistry(self)

    # -- the schedule ------------------------------------------------------------------
    def step(self) -> None:
        """Simulate one month; the phases run in this order (numbered as in the module
        docstring and ``docs/odd.md``):

        1. policies and events (here, in Python);
        2-9. turnover, partner search, outcomes, trust, learning, the poles
           (:meth:`simulate_month`, one compiled call);
        10. data collection (the metrics' values are computed in that call).
        """
        self.month = t = self.steps - 1
        self.counts.reset()
        self.apply_policies(t)
        self.poles.events()
        self.simulate_month(t)
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

    def simulate_month(self, t: int) -> None:
        """Phases 2-9 and the month's metrics, compiled (``kernels.month.month``):

        2. turnover: vacancies run out (newcomers arrive), then persons leave (uniforms
           for every person slot, whatever its state: ``rules/turnover.py``);
        3. partner search, and the projects agreed on both sides start; formal poles
           answer collective tenders;
        4. projects that end this month succeed or fail; participants gain;
        5. outcomes change person trust (only persons still in post, and the same
           persons, carry the experience); organisation trust follows; relaxation;
        6. realised returns update perceived return; aspiration follows;
        7-9. the poles: membership and dues, the cells' budget, the lifecycle
           (``PoleRegistry``).
        """
        d = self.derived
        pt = self.projects
        rel = self.relations
        c = self.counts
        orgs = self.orgs
        poles = self.poles
        poles.check_tender_width()
        pt._grow(pt.size + orgs.n + poles.state.size)  # one per searcher and per pole
        snapshot = np.empty(len(SNAPSHOT))
        rec = self.recorder
        result = month_kernels.month(
            poles.streams,
            t,
            self.present,
            self.vacancy,
            self.tenure,
            self.gen,
            self.is_leader,
            self.ess_slots,
            self.animation,
            self.catalyst,
            self.institution,
            orgs.kind,
            orgs.is_market,
            orgs.revenue,
            orgs.fte,
            orgs.time_budget,
            orgs.alpha,
            poles.ess_orgs(),
            self.time_used,
            self.perceived_return,
            self.aspiration,
            self.pole_of,
            self.acquaintance,
            self.homophily,
            self.comp,
            self.sim,
            rel.theta,
            rel.tau0,
            rel.scaled,
            rel.scale,
            rel.tie,
            rel.best_dev,
            rel.sum_dev,
            rel.history,
            rel.mark,
            d.turnover,
            d.search,
            d.search_draws,
            d.slot_draws,
            coop.KIND_PROPENSITY,
            d.tilt,
            d.costs,
            d.time_saving,
            d.p_geo,
            d.duration,
            d.fpar,
            d.ipar,
            d.tender,
            float(self.personal_weight),
            d.values,
            d.coef,
            rel.kernel_params(),
            d.learning,
            poles.any_formal,
            pt.size,
            pt.live,
            pt.n_live,
            pt.kind,
            pt.members,
            pt.slots,
            pt.gens,
            pt.start,
            pt.end,
            pt.cost,
            pt.nominal_cost,
            pt.fit,
            pt.comp,
            pt.active,
            pt.success,
            c.started,
            c.completed,
            c.succeeded,
            c.pair_stats,
            self.revenue_gains,
            snapshot,
            self.fte_total,
            self.market_revenue,
            rec.data,
            rec.column_index["started"],
            *poles.month_args(),
        )
        c.arrived, c.departed, c.ties_lost, pt.size, pt.n_live, *pole_result = result
        rel.relax_scale()
        poles.after_month(pole_result)
        self.__dict__["_snapshot"] = (self.steps, snapshot)  # metrics.month_snapshot

    # -- helpers --------------------------------------------------------------------------
    def _derive_search_weights(self) -> None:
        """Acquaintance weights depend on cooperation parameters: recompute on change."""
        cp = self.params.cooperation
        self.acquaintance = np.exp(-self.distance / cp.acquaintance_range) + cp.random_weight
        self.derived = Derived(self)
