"""The Mesa model of one territory (ODD §3 for the schedule).

``TerritoryModel.step()`` lists the parts of a month in order: policies and events in
Python, then phases 2-9 and the metrics' values in one compiled call
(``kernels/month.py``, which chains one kernel per phase, each calling the rule
functions of ``ptce_sim.rules``), then data collection. Updates within a phase are
synchronous: everyone decides on last month's state.

Phases of a month (mirrored in ``docs/odd.md``):

1. policies and events: scheduled ``[[policy]]`` changes take effect (and are logged),
   call windows open, catalysts switch;
2. turnover: persons leave, vacancies run, newcomers arrive;
3. partner search and project proposals; collective offers of formal poles;
4. project completion: success or failure, gains;
5. trust: person trust from outcomes, organisation trust follows, relaxation;
6. learning: perceived return from realised returns, aspiration;
7. poles: membership (join, stay, leave) and dues;
8. animation cells: income by source, cost, staffing, call applications;
9. pole lifecycle: leadership, formalisation, vegetation, death, emergence;
10. data collection (named metrics, ``world/metrics.py``; the event record,
    ``world/events.py``).

How Mesa's tools drive it: ``TerritoryModel(**params)`` takes every parameter by keyword
(``world/keywords.py``), ``model.datacollector`` is a Mesa ``DataCollector`` over the
monthly metrics (``world/collector.py``), ``model.agents`` are the organisations with
live attributes (``world/agents.py``), ``model.events`` the event record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from ptce_sim.base.domain import ESS_KINDS, MAX_PERSONS, ProjectKind
from ptce_sim.base.params import apply_updates, get_value
from ptce_sim.base.rng import make_streams
from ptce_sim.world import interventions, keywords, views
from ptce_sim.world.agents import Organisation
from ptce_sim.world.collector import RecorderCollector
from ptce_sim.world.events import EventLog
from ptce_sim.world.kernels import affinities, streams_box
from ptce_sim.world.kernels.dispatch import Compiled
from ptce_sim.world.kernels.month import month as month_kernel
from ptce_sim.world.kernels.params import derived, params_record
from ptce_sim.world.kernels.state import Orgs, Persons, Tally
from ptce_sim.world.metrics import MetricRecorder
from ptce_sim.world.poles import PoleRegistry
from ptce_sim.world.projects import DEFAULT_WIDTH, ProjectTable
from ptce_sim.world.relations import Relations
from ptce_sim.world.scenario import Policy, Scenario
from ptce_sim.world.territory import generate

if TYPE_CHECKING:
    import pandas as pd

S = MAX_PERSONS
N_KINDS = len(ProjectKind)


class TerritoryModel(mesa.Model):
    """One territory: organisations, their persons, trust, projects and poles.

    Parameters
    ----------
    scenario:
        A resolved :class:`~ptce_sim.world.scenario.Scenario`, or the name or path of a
        scenario file (default: the baseline).
    seed:
        Root seed (any integer >= 0); all randomness flows from it through named streams.
    **params:
        Any declared parameter by keyword, its dotted key with ``.`` written ``_``
        (``turnover_rate=0.03``, ``funding_dues_flat=0.24``): applied at month 0 on top
        of the scenario. :meth:`parameter_names` lists them.
    """

    def __init__(self, scenario: Scenario | str | None = None, *, seed: int = 0, **params: Any):
        spec = keywords.resolve(scenario, params)
        streams = make_streams(seed)
        super().__init__(rng=streams["mesa"])
        self.streams = streams
        self.seed = seed
        # Never assign ``self.scenario``: a Mesa 3.5 property.
        self.spec = spec
        self.params = spec.params
        self.month = -1  # the month last simulated (0-based; -1 before the first step)
        self._pending = list(spec.policies)
        self.policy_log: list[dict[str, object]] = []

        self.orgs = orgs = generate(self.params.territory, streams["territory"])
        n = orgs.n
        self.slot_exists = np.arange(S)[None, :] < orgs.n_persons[:, None]
        self.present = self.slot_exists.copy()
        self.vacancy = np.zeros((n, S), dtype=np.int64)
        self.is_leader = orgs.is_leader.copy()
        self.gen = np.zeros((n, S), dtype=np.int64)
        self.tenure = np.zeros((n, S), dtype=np.int64)
        self.ess = np.isin(orgs.kind, ESS_KINDS)
        self.ess_slots = self.ess[:, None] & self.slot_exists

        cp = self.params.cooperation
        self.perceived_return = np.full(n, cp.initial_return * cp.opportunity_cost)
        self.aspiration = self.perceived_return.copy()
        self.time_used = np.zeros(n)
        self.animation = np.zeros(n)  # A: pole animation intensity (poles come later)
        self.catalyst = np.zeros(n)  # E: 1 while a catalyst is active
        self.pole_of = np.full(n, -1, dtype=np.int64)  # pole of each organisation, -1 none
        self.institution = np.zeros(n)  # I of the organisation's pole (0 outside formal poles)
        self.homophily, self.comp, self.sim = affinities.affinities(orgs.values, orgs.competences)
        diff = orgs.position[:, None, :] - orgs.position[None, :, :]
        self.distance = np.sqrt((diff**2).sum(axis=2))

        self._P = params_record(self.params)
        self._D = derived(self.params, n)
        self.acquaintance = affinities.acquaintances(self.distance, self._P.cooperation)
        self.relations = Relations(self.homophily, self.present, self._P.trust)
        width = max(DEFAULT_WIDTH, cp.max_partners + 1, self.params.poles.tender_size)
        # About one project starts per four organisation-months in the reference
        # territory: room for that from the start saves the table's doublings.
        capacity = max(256, n * self.params.run.steps // 4)
        self.projects = ProjectTable(capacity=capacity, width=width)
        self.recorder = MetricRecorder(self.params.run.steps)
        self.events = EventLog(n)
        self.tally = Tally(
            started=np.zeros(N_KINDS, dtype=np.int64),
            completed=np.zeros(N_KINDS, dtype=np.int64),
            succeeded=np.zeros(N_KINDS, dtype=np.int64),
            pair_stats=np.zeros(2),
            counts=np.zeros(4, dtype=np.int64),
            revenue_gains=np.zeros((12, n)),
            started_ring=np.zeros(12),
            totals=np.array([orgs.fte.sum(), orgs.revenue[orgs.is_market].sum()]),
            snapshot=np.full(self.recorder.snapshot_size, np.nan),
            events=self.events.buffer,
            event_values=self.events.values,
        )
        self.organisations = [Organisation(self, i) for i in range(n)]
        self.poles = PoleRegistry(self)
        self._streams_box = streams_box.box_streams(streams)
        self._persons = Persons(
            self.present, self.vacancy, self.tenure, self.gen, self.is_leader, self.ess_slots
        )
        self._orgs_record()
        self._month = Compiled(month_kernel)
        self.datacollector = RecorderCollector(self)
        self._warm_start()

    @staticmethod
    def parameter_names() -> dict[str, str]:
        """Every keyword the constructor takes: identifier -> dotted key."""
        return keywords.identifiers()

    # -- what people look at (world/views.py) and what they change (interventions) ------
    def ties(self) -> pd.DataFrame:
        """The cooperation ties: one row per pair of organisations that completed at least
        one cooperation, with their person, organisation and effective trust."""
        return views.ties(self)

    def pole_views(self, alive_only: bool = True) -> list[views.PoleCard]:
        """A card per pole (status, members, leader, cell, cash, income by source...)."""
        return views.pole_cards(self, alive_only)

    def intervene(self, kind: str, **options: Any) -> None:
        """Change the territory now, between two months: ``"leader_leaves"`` (``pole=``),
        ``"end_grant"`` (``pole=``), ``"stop_subsidy"`` (``pole=`` or every pole),
        ``"open_call"`` (``months=``); see ``world/interventions.py``."""
        interventions.intervene(self, kind, **options)

    def schedule_policy(self, policy: Policy) -> None:
        """Add a parameter change at a later month to the timeline."""
        self._pending.append(policy)
        self._pending.sort(key=lambda p: p.at)

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
        self.apply_policies(t)
        self.poles.events()
        self.simulate_month(t)
        self.recorder.record(self, t)
        self.events.take(self.tally.counts)
        self.datacollector.collect(self)
        self.running = self.steps < self.params.run.steps

    # -- phases --------------------------------------------------------------------------
    def apply_policies(self, t: int) -> None:
        """Phase 1: scheduled parameter changes (each change is logged)."""
        while self._pending and self._pending[0].at == t:
            policy = self._pending.pop(0)
            self.set_parameters(policy.updates, f"policy at month {t}", t, log_as=policy.source)

    def set_parameters(
        self, updates: Mapping[str, Any], source: str, month: int, log_as: str | None = None
    ) -> None:
        """Change parameters now (a policy, or an intervention); each change is logged
        (as coming from ``log_as``, default ``source``)."""
        for key, value in updates.items():
            self.policy_log.append(
                {
                    "month": month,
                    "key": key,
                    "old": get_value(self.params, key),
                    "new": value,
                    "source": source if log_as is None else log_as,
                }
            )
        old = self.params
        self.params = apply_updates(self.params, updates, source)
        self._P = params_record(self.params)
        self._D = derived(self.params, self.orgs.n)
        if self.params.trust != old.trust:
            self.relations.set_params(self._P.trust)
        if self.params.cooperation != old.cooperation:
            self.acquaintance = affinities.acquaintances(self.distance, self._P.cooperation)
            self._orgs_record()

    def simulate_month(self, t: int) -> None:
        """Phases 2-9 and the month's metrics, compiled (``kernels.month.month``); the
        tables first make room for what the month can add."""
        poles, projects = self.poles, self.projects
        poles.check_tender_width()
        projects.reserve(self.orgs.n + poles.state.size)  # one per searcher and per pole
        self.events.reserve(self, poles.state.size, projects.n_live)
        if self.tally.events is not self.events.buffer:
            self.tally = self.tally._replace(
                events=self.events.buffer, event_values=self.events.values
            )
        self._month(
            self._streams_box,
            t,
            poles.catalyst,
            poles.call_window,
            self._P,
            self._D,
            self._persons,
            self._org_state,
            self.relations.record(),
            projects.record(),
            poles.record(),
            self.tally,
        )
        poles.after_month()

    # -- helpers --------------------------------------------------------------------------
    def _warm_start(self) -> None:
        """The territory's cooperation before month 0 (``run.burn_in`` months, numbered
        from ``-burn_in`` to -1): organisations cooperate, trust grows between persons,
        people leave and arrive, informal poles emerge — the older process that poles
        formalise. Nothing is observed (no metric, no event), no pole formalises (there is
        no legal frame yet), no call opens and no catalyst is active; month 0 starts with
        the network this history left."""
        for t in range(-self.params.run.burn_in, 0):
            self.simulate_month(t)
        self.events.clear()
        # The monthly metrics describe the observed months only.
        self.tally.revenue_gains[:] = 0.0
        self.tally.started_ring[:] = 0.0

    def _orgs_record(self) -> None:
        """The organisations' arrays as the kernels' record (rebuilt when one is replaced)."""
        o = self.orgs
        self._org_state = Orgs(
            o.kind,
            o.sector,
            o.is_market,
            o.revenue,
            o.fte,
            o.time_budget,
            o.alpha,
            self.ess,
            self.homophily,
            self.comp,
            self.sim,
            self.acquaintance,
            self.time_used,
            self.perceived_return,
            self.aspiration,
            self.animation,
            self.catalyst,
            self.institution,
            self.pole_of,
        )
