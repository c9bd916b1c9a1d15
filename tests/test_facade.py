"""The Mesa facade (issue 13): parameters by keyword (``world/keywords.py``), Mesa's
``DataCollector`` and ``batch_run`` (``world/collector.py``), live agent and person views
(``world/agents.py``), snapshots of ties and poles (``world/views.py``), the event record
(``world/events.py``) and interventions (``world/interventions.py``).

Small territories (30-50 organisations) keep this quick.
"""

from __future__ import annotations

import collections
import dataclasses
from typing import Any

import mesa
import numpy as np
import pandas as pd
import pytest

from ptce_sim.base.domain import MAX_PERSONS, EventKind, ProjectKind
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import spec_index
from ptce_sim.rules.cell import cell_cost
from ptce_sim.rules.funding import SOURCES
from ptce_sim.rules.poles import CAUSES, Governance, Status
from ptce_sim.world.interventions import KINDS
from ptce_sim.world.metrics import METRICS
from ptce_sim.world.model import TerritoryModel
from ptce_sim.world.parameters import Parameters
from ptce_sim.world.scenario import Scenario

S = MAX_PERSONS
KIND_NAMES = [k.name.lower() for k in ProjectKind]
SMALL = {"territory_n_orgs": 30, "run_steps": 24}


def _run(model: TerritoryModel) -> TerritoryModel:
    while model.running:
        model.step()
    return model


# -- parameters by keyword -------------------------------------------------------------------
def test_every_keyword_is_a_declared_parameter_and_back() -> None:
    names = TerritoryModel.parameter_names()
    keys = set(spec_index(Parameters))
    assert set(names.values()) == keys  # every declared parameter, once
    assert len(names) == len(keys)
    for ident, key in names.items():
        assert ident.isidentifier()
        assert ident == key.replace(".", "_", 1)
    assert names["turnover_rate"] == "turnover.rate"
    assert names["funding_dues_flat"] == "funding.dues_flat"


def test_a_keyword_is_the_same_run_as_its_dotted_override() -> None:
    by_keyword = _run(TerritoryModel(seed=3, turnover_rate=0.03, **SMALL))
    scenario = Scenario().with_overrides(
        {"turnover.rate": 0.03, "territory.n_orgs": 30, "run.steps": 24}
    )
    by_scenario = _run(TerritoryModel(scenario, seed=3))
    assert by_keyword.params.turnover.rate == 0.03
    pd.testing.assert_frame_equal(by_keyword.recorder.frame(), by_scenario.recorder.frame())
    default = _run(TerritoryModel(seed=3, **SMALL))
    assert not default.recorder.frame().equals(by_keyword.recorder.frame())  # it mattered


def test_keywords_apply_on_top_of_a_named_scenario() -> None:
    model = TerritoryModel("calls_only", seed=0, calls_grant=30.0, **SMALL)
    assert model.params.calls.grant == 30.0
    assert model.params.funding.la_subsidy == 0.0  # from calls_only


def test_an_unknown_keyword_is_a_config_error_with_a_suggestion() -> None:
    with pytest.raises(ConfigError, match="did you mean 'turnover_rate'") as info:
        TerritoryModel(turnover_rat=0.03)
    assert info.value.key == "turnover_rat"
    with pytest.raises(ConfigError, match="unknown parameter keyword"):
        TerritoryModel(nothing_like_it=1)


def test_a_keyword_out_of_bounds_or_a_bad_scenario_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        TerritoryModel(turnover_rate=5.0)  # hi = 0.2
    with pytest.raises(ConfigError, match="expected a Scenario"):
        TerritoryModel(3)  # type: ignore[arg-type]


def test_the_model_runs_to_its_horizon_and_counts_months() -> None:
    model = TerritoryModel(seed=1, territory_n_orgs=30, run_steps=5)
    assert (model.month, model.steps, model.running) == (-1, 0, True)
    months = []
    while model.running:
        model.step()
        months.append(model.month)
    assert months == [0, 1, 2, 3, 4]
    assert model.steps == 5
    model.step()  # beyond the horizon still works
    assert model.month == 5


# -- Mesa's data collector and batch_run ---------------------------------------------------------
def test_the_datacollector_is_mesas_and_reads_the_recorder() -> None:
    model = _run(TerritoryModel(seed=2, **SMALL))
    dc = model.datacollector
    assert isinstance(dc, mesa.DataCollector)
    frame = dc.get_model_vars_dataframe()
    expected = model.recorder.frame().set_index("month")
    pd.testing.assert_frame_equal(frame, expected)
    assert list(frame.index) == list(range(24))
    assert set(frame.columns) == set(METRICS)
    assert set(dc.model_reporters) == set(METRICS)
    assert dc.model_vars["started"] == expected["started"].tolist()
    # a reporter reads the month last simulated
    assert dc.model_reporters["started"](model) == expected["started"].iloc[-1]


def test_the_datacollector_collects_agent_reporters() -> None:
    from ptce_sim.world.collector import RecorderCollector

    model = TerritoryModel(seed=2, territory_n_orgs=30, run_steps=3)
    model.datacollector = RecorderCollector(model, agent_reporters={"time": "time_used"})
    _run(model)
    agents = model.datacollector.get_agent_vars_dataframe()
    assert len(agents) == 3 * 30
    last = agents.xs(3, level="Step")["time"].to_numpy()
    np.testing.assert_array_equal(last, model.time_used)


def test_mesa_batch_run_runs_the_model_and_returns_its_metrics() -> None:
    """Seeds as Mesa's version takes them: from Mesa 3.5 ``batch_run`` passes its own
    ``rng`` values as the model's ``seed`` keyword (``iterations`` would pass ``None``,
    which the model refuses: a run must be reproducible); before, a ``seed`` parameter."""
    import inspect

    size = {"territory_n_orgs": 30, "run_steps": 12}
    if "rng" in inspect.signature(mesa.batch_run).parameters:
        seeding: dict[str, Any] = {"parameters": size, "rng": [0, 1]}
    else:
        seeding = {"parameters": {**size, "seed": [0, 1]}, "iterations": 1}
    results = mesa.batch_run(
        TerritoryModel, number_processes=1, max_steps=100, display_progress=False, **seeding
    )
    assert len(results) == 2
    by_seed = {r["seed"]: r for r in results}
    for seed in (0, 1):
        row = by_seed[seed]
        assert set(METRICS) <= set(row)
        assert row["Step"] == 11  # the last month (0-based)
        ref = _run(TerritoryModel(seed=seed, territory_n_orgs=30, run_steps=12))
        last = ref.recorder.frame().iloc[-1]
        for name in ("started", "completed", "mean_person_trust", "pole_members"):
            assert row[name] == pytest.approx(last[name], nan_ok=True), name


# -- live views ----------------------------------------------------------------------------------
@pytest.fixture
def model() -> TerritoryModel:
    """A small territory a few years on (poles have formed)."""
    m = TerritoryModel(seed=4, territory_n_orgs=40, run_steps=60)
    return _run(m)


def test_organisations_are_the_models_agents(model: TerritoryModel) -> None:
    assert len(model.organisations) == model.orgs.n
    assert list(model.agents) == model.organisations
    for i, org in enumerate(model.organisations):
        assert org.index == i
        assert isinstance(org, mesa.Agent)


def test_organisation_views_read_the_live_arrays(model: TerritoryModel) -> None:
    org = model.organisations[3]
    assert org.kind == model.orgs.kind[3]
    assert org.time_used == model.time_used[3]
    model.time_used[3] = 0.123
    assert org.time_used == 0.123
    model.perceived_return[3] = 7.5
    assert org.perceived_return == 7.5
    # persons in post
    present = int(model.present[3].sum())
    assert org.n_persons == present
    assert len(org.persons) == int(model.slot_exists[3].sum())
    slot = int(np.flatnonzero(model.present[3])[0])
    person = org.persons[slot]
    assert person.present
    model.present[3, slot] = False
    model.vacancy[3, slot] = 4
    assert not person.present
    assert person.vacancy_months == 4
    assert org.n_persons == present - 1
    assert org.has_vacancy
    # its pole and role
    model.pole_of[3] = -1
    assert org.pole_id is None
    assert org.pole_role is None


def test_pole_and_role_of_an_organisation(model: TerritoryModel) -> None:
    cards = model.pole_views()
    assert cards, "no living pole in this run"
    for card in cards:
        for o in card.members:
            org = model.organisations[o]
            assert org.pole_id == card.pole_id
            leads = card.leader is not None and card.leader[0] == o
            assert org.pole_role == ("leader" if leads else "member")
    outside = np.flatnonzero(model.pole_of < 0)
    assert all(model.organisations[o].pole_id is None for o in outside)


def test_person_views(model: TerritoryModel) -> None:
    rel = model.relations
    for org in model.organisations[:10]:
        for person in org.persons:
            o, s = person.org, person.slot
            assert person.present == model.present[o, s]
            assert person.tenure == model.tenure[o, s]
            assert person.generation == model.gen[o, s]
            assert person.is_leader == bool(model.is_leader[o, s] and model.present[o, s])
            assert person.ties == rel.tie[o * S + s].sum()


def test_ties_are_the_pairs_that_cooperated(model: TerritoryModel) -> None:
    rel = model.relations
    ties = model.ties()
    assert list(ties.columns) == [
        "i",
        "j",
        "cooperations",
        "ties",
        "person_trust",
        "org_trust",
        "trust",
    ]
    pairs = {(int(i), int(j)) for i, j in zip(*np.nonzero(rel.history > 0), strict=True) if i < j}
    assert set(zip(ties["i"], ties["j"], strict=True)) == pairs
    assert len(ties) > 20
    for row in ties.itertuples():
        i, j = row.i, row.j
        assert row.cooperations == rel.history[i, j]
        assert row.ties == rel.tied[i, j]
        assert row.person_trust == rel.tau0[i, j] + rel.best_dev[i, j]
        assert row.org_trust == rel.theta[i, j]
        # the effective trust decisions use, as the organisation sees it
        assert row.trust == pytest.approx(model.organisations[i].trust_to(j), abs=1e-15)
        assert 0.0 <= row.trust <= 1.0 + 1e-12


def test_pole_views_agree_with_the_pole_table(model: TerritoryModel) -> None:
    wage = model.params.economy.wage
    cards = model.pole_views()
    alive = model.poles.alive()
    assert [c.pole_id for c in cards] == [p.id for p in alive]
    assert len(model.pole_views(alive_only=False)) == len(model.poles.poles)
    month_income = dict.fromkeys(SOURCES, 0.0)
    for card, pole in zip(cards, alive, strict=True):
        assert card.status == pole.status
        assert card.governance == pole.governance
        assert card.members == pole.members
        assert card.leader == (None if pole.leader is None else pole.leader[:2])
        assert card.formed == pole.formed
        assert card.age == model.month - pole.formed
        assert card.cell_fte == pole.fte
        assert card.cash == pytest.approx(pole.cash * wage)
        assert card.cell_cost == pytest.approx(cell_cost(pole.fte, model.params.cell) * wage)
        assert card.ledger == pytest.approx({k: v * wage for k, v in pole.ledger.items()})
        assert card.grant_months_left == pole.grant_months_left
        assert card.la_active == pole.la_active
        if card.cell_cost > 0:
            assert card.cash_months == pytest.approx(card.cash / card.cell_cost)
        else:
            assert card.cash_months == float("inf")
        for k, v in card.month_income.items():
            month_income[k] += v
    # the cards' income this month adds up to the cells' income (registry, in wages)
    registry = model.poles.month_income
    assert month_income == pytest.approx({k: v * wage for k, v in registry.items()})


# -- the event record --------------------------------------------------------------------------
@dataclasses.dataclass
class Recorded:
    """A run and what was observed after each month."""

    model: TerritoryModel
    events: list[list[Any]]  # the events of each month (model.events.since)
    arrivals: list[int]  # newcomers per month (sum of generations)
    fte: list[dict[int, float]]  # each pole's cell FTE at the end of each month


#: Kinds of events the consistency tests need to see at least once.
NEEDED = (
    "departure",
    "arrival",
    "project_started",
    "project_completed",
    "pole_formed",
    "pole_formalised",
    "pole_died",
    "pole_joined",
    "pole_left",
    "grant_won",
    "grant_ended",
    "cell_hired",
    "cell_cut",
    "subsidy_started",
)


RECORDED_MONTHS = 150


def _record(seed: int) -> Recorded:
    model = TerritoryModel("historical", seed=seed, territory_n_orgs=50, run_steps=RECORDED_MONTHS)
    assert len(model.events) == 0  # the warm start's events are not observed
    events, arrivals, fte = [], [], []
    while model.running:
        before, gen = len(model.events), int(model.gen.sum())
        model.step()
        events.append(model.events.since(before))
        arrivals.append(int(model.gen.sum()) - gen)
        fte.append({p.id: p.fte for p in model.poles.poles})
    return Recorded(model, events, arrivals, fte)


@pytest.fixture(scope="module")
def recorded() -> Recorded:
    """The ``historical`` scenario on 50 organisations for 150 months, with the first
    seed (from 3) whose run has every kind of event the tests check: poles form,
    formalise, hire and cut, win a call grant that runs out, die (0.1 s a run; under the
    calibrated baseline of 2026-12-07 the first such seed is 53)."""
    for seed in range(3, 80):
        run = _record(seed)
        seen = _kinds([e for month in run.events for e in month])
        if all(seen[k] for k in NEEDED):
            return run
    raise AssertionError("no seed in 3..79 shows every kind of event")


def _kinds(events: list[Any]) -> collections.Counter[str]:
    return collections.Counter(e.kind for e in events)


def test_the_run_exercises_every_kind_of_event_the_test_checks(recorded: Recorded) -> None:
    seen = _kinds([e for month in recorded.events for e in month])
    for kind in NEEDED:
        assert seen[kind] > 0, kind
    assert len(recorded.events) == RECORDED_MONTHS


def test_events_are_in_their_month_and_their_kinds_are_known(recorded: Recorded) -> None:
    names = {k.name.lower() for k in EventKind}
    for t, month in enumerate(recorded.events):
        for e in month:
            assert e.month == t
            assert e.kind in names
    frame = recorded.model.events.frame()
    assert len(frame) == len(recorded.model.events)
    assert list(frame.columns[:7]) == ["month", "kind", "org", "person", "pole", "other", "code"]
    assert frame["month"].is_monotonic_increasing


def test_departures_and_arrivals_are_the_months_turnover(recorded: Recorded) -> None:
    metrics = recorded.model.recorder.frame()
    for t, month in enumerate(recorded.events):
        departures = [e for e in month if e.kind == "departure"]
        assert len(departures) == metrics["persons_departed"].iloc[t]
        assert len([e for e in month if e.kind == "arrival"]) == recorded.arrivals[t]
        # each departure counts the leaver's ties; a tie between two leavers of the month
        # is counted by both, and once in the metric
        assert sum(e.value for e in departures) >= metrics["ties_lost"].iloc[t]
        for e in departures:
            assert 0 <= e.person < S


def test_project_events_are_the_months_project_counts(recorded: Recorded) -> None:
    metrics = recorded.model.recorder.frame()
    pt = recorded.model.projects
    for t, month in enumerate(recorded.events):
        started = [e for e in month if e.kind == "project_started"]
        completed = [e for e in month if e.kind == "project_completed"]
        assert len(started) == metrics["started"].iloc[t]
        assert len(completed) == metrics["completed"].iloc[t]
        assert sum(e.value == 1.0 for e in completed) == metrics["succeeded"].iloc[t]
        for k, name in enumerate(KIND_NAMES):
            assert sum(e.code == k for e in started) == metrics[f"started_{name}"].iloc[t]
            assert sum(e.code == k for e in completed) == metrics[f"completed_{name}"].iloc[t]
        for e in started:  # other: the project's row
            assert pt.start[e.other] == t
            assert pt.kind[e.other] == e.code
            assert e.value == (pt.members[e.other] >= 0).sum()
            assert e.org in pt.members[e.other]
        for e in completed:
            assert pt.end[e.other] == t
            assert pt.success[e.other] == (e.value == 1.0)
            assert not pt.active[e.other]


def test_pole_events_are_the_pole_tables(recorded: Recorded) -> None:
    model = recorded.model
    events = [e for month in recorded.events for e in month]
    formed = [e for e in events if e.kind == "pole_formed"]
    observed = [p for p in model.poles.poles if p.formed >= 0]  # not in the warm start
    assert sorted(e.pole for e in formed) == [p.id for p in observed]
    for e in formed:
        pole = model.poles.poles[e.pole]
        assert pole.formed == e.month
        assert pole.founder == e.org
    died = [e for e in events if e.kind == "pole_died"]
    assert sorted(e.pole for e in died) == [p.id for p in model.poles.poles if not p.alive]
    for e in died:
        pole = model.poles.poles[e.pole]
        assert pole.died == e.month
        assert pole.cause == CAUSES[e.code]
    for e in (e for e in events if e.kind == "pole_formalised"):
        pole = model.poles.poles[e.pole]
        assert pole.formalised == e.month
        assert pole.governance == Governance(e.code)
        assert pole.governance != Governance.NONE
    for pole in model.poles.poles:
        vegetated = [e.month for e in events if e.kind == "pole_vegetating" and e.pole == pole.id]
        revived = [e for e in events if e.kind == "pole_reanimated" and e.pole == pole.id]
        if pole.status == Status.VEGETATING and pole.formed >= 0:
            assert vegetated
            assert pole.vegetating_since == vegetated[-1]
            assert not revived or revived[-1].month < vegetated[-1]
        for e in revived:
            assert e.value > 0  # the cell hired again


def test_membership_replays_to_the_pole_table(recorded: Recorded) -> None:
    """For every pole formed while observed: its size at formation plus joins minus
    departures is its size at death (or now); for a living pole, undoing its joins and
    departures from today's members gives a group of the formation's size that holds its
    founder."""
    model = recorded.model
    events = [e for month in recorded.events for e in month]
    checked = 0
    for pole in model.poles.poles:
        if pole.formed < 0:
            continue  # formed in the warm start
        mine = [e for e in events if e.pole == pole.id]
        assert mine[0].kind == "pole_formed"
        size = mine[0].value
        for e in mine:
            size += (e.kind == "pole_joined") - (e.kind == "pole_left")
            if e.kind == "pole_died":
                assert size == e.value
                size = 0
        assert size == len(pole.members)
        if pole.alive:
            members = set(pole.members)
            for e in reversed(mine):
                if e.kind == "pole_joined":
                    assert e.org in members
                    members.remove(e.org)
                elif e.kind == "pole_left":
                    assert e.org not in members
                    members.add(e.org)
            assert len(members) == mine[0].value
            assert mine[0].org in members
            checked += 1
    assert checked > 0


def test_leadership_replays_to_the_pole_table(recorded: Recorded) -> None:
    """Replaying pole_formed (the founder's leader), leader_lost, leader_found and the
    leader's organisation leaving gives each pole's leader in the table at the end."""
    model = recorded.model
    leader: dict[int, tuple[int, int] | None] = {}
    for e in (e for month in recorded.events for e in month):
        if e.kind == "pole_formed":
            leader[e.pole] = (e.org, e.person)
        if e.pole not in leader:
            continue  # a pole formed in the warm start
        if e.kind == "pole_left":
            if leader[e.pole] is not None and leader[e.pole][0] == e.org:
                leader[e.pole] = None
        elif e.kind == "leader_lost":
            assert leader[e.pole] == (e.org, e.person)
            leader[e.pole] = None
        elif e.kind == "leader_found":
            assert leader[e.pole] is None
            leader[e.pole] = (e.org, e.person)
        elif e.kind == "pole_died":
            leader[e.pole] = None
    assert leader
    for q, who in leader.items():
        pole = model.poles.poles[q]
        assert who == (None if pole.leader is None else pole.leader[:2]), q


def test_cell_events_are_the_fte_changes(recorded: Recorded) -> None:
    """An FTE that changes from one month's end to the next is a cell_hired or cell_cut
    event carrying the new FTE, a formalisation (a new cell) or a death (no cell)."""
    changes = 0
    for t in range(1, len(recorded.events)):
        month = recorded.events[t]
        by_pole = collections.defaultdict(set)
        for e in month:
            by_pole[e.pole].add(e.kind)
        hired = {e.pole: e.value for e in month if e.kind in ("cell_hired", "cell_cut")}
        for q, fte in recorded.fte[t].items():
            old = recorded.fte[t - 1].get(q, 0.0)
            kinds = by_pole[q]
            if q in hired:
                assert "pole_died" in kinds or hired[q] == fte
                cut = "cell_cut" in kinds
                assert (hired[q] < old) == cut
            if fte != old:
                changes += 1
                assert q in hired or kinds & {"pole_formalised", "pole_died"}, (t, q, old, fte)
    assert changes > 3


def test_grant_events_are_the_ledgers_call_grants(recorded: Recorded) -> None:
    """A grant is paid every month from the month it is won (or the next, for an informal
    laureate that formalises) to the month of its grant_ended event, at the monthly
    amount the grant_won event carries; no grant is paid otherwise."""
    model = recorded.model
    wage = model.params.economy.wage
    col = 3 + SOURCES.index("call_grant")
    paid: dict[int, dict[int, float]] = collections.defaultdict(dict)
    for row in model.poles.ledger_rows:
        if row[col] > 0:
            paid[row[0]][row[1]] = row[col] * wage
    events = [e for month in recorded.events for e in month]
    won = [e for e in events if e.kind == "grant_won"]
    assert won
    expected: dict[int, dict[int, float]] = collections.defaultdict(dict)
    for e in won:
        months = sorted(m for m in paid[e.pole] if m >= e.month)
        assert months, e
        first = months[0]
        assert first - e.month in (0, 1)
        ended = [x.month for x in events if x.kind == "grant_ended" and x.pole == e.pole]
        ended = [m for m in ended if m >= first]
        last = ended[0] if ended else model.month
        if ended:
            assert last - first + 1 == e.code  # paid for its whole duration
        for m in range(first, last + 1):
            if model.poles.poles[e.pole].died is None or m <= model.poles.poles[e.pole].died:
                expected[e.pole][m] = e.value
    assert {q for q, d in paid.items() if d} == set(expected)
    for q, months in expected.items():
        assert paid[q] == pytest.approx(months), q


def test_subsidy_events_follow_the_local_authoritys_decisions(recorded: Recorded) -> None:
    model = recorded.model
    col = 3 + SOURCES.index("la_subsidy")
    wage = model.params.economy.wage
    events = [e for month in recorded.events for e in month]
    started = [e for e in events if e.kind == "subsidy_started"]
    assert started
    for e in started:
        rows = [r for r in model.poles.ledger_rows if r[0] == e.pole and r[1] == e.month]
        assert len(rows) == 1
        assert rows[0][col] * wage == pytest.approx(e.value)  # the yearly amount, paid


# -- interventions -----------------------------------------------------------------------------
def _intervention_events(model: TerritoryModel, start: int) -> list[Any]:
    return [e for e in model.events.since(start) if e.kind == "intervention"]


def _pole_with_leader(model: TerritoryModel) -> int:
    for _ in range(240):
        for card in model.pole_views():
            if card.leader is not None:
                return card.pole_id
        model.step()
    raise AssertionError("no pole with a leader")


def test_leader_leaves_now_and_the_pole_loses_its_leader_next_month() -> None:
    model = TerritoryModel(seed=4, territory_n_orgs=40, run_steps=240)
    q = _pole_with_leader(model)
    org, slot = model.pole_views()[[c.pole_id for c in model.pole_views()].index(q)].leader
    start = len(model.events)
    model.intervene("leader_leaves", pole=q)
    assert not model.present[org, slot]
    assert not model.organisations[org].persons[slot].present
    assert model.vacancy[org, slot] >= 1
    assert not model.relations.tie[org * S + slot].any()
    now = model.events.since(start)
    assert [e.kind for e in now] == ["intervention", "departure"]
    assert now[0].code == KINDS.index("leader_leaves")
    assert now[0].pole == q
    assert (now[1].org, now[1].person, now[1].pole) == (org, slot, q)
    assert all(e.month == model.month + 1 for e in now)  # recorded at the next month
    model.step()
    lost = [e for e in model.events.since(start + 2) if e.kind == "leader_lost"]
    assert [(e.pole, e.org, e.person) for e in lost] == [(q, org, slot)]
    leader = model.poles.poles[q].leader
    assert leader is None or leader[:2] != (org, slot)


@pytest.fixture
def granted() -> TerritoryModel:
    """A historical run stopped in a month where a pole has a call grant running."""
    for seed in range(3, 40):
        model = TerritoryModel("historical", seed=seed, territory_n_orgs=50, run_steps=150)
        while model.running:
            model.step()
            if any(p.grant_months_left > 1 for p in model.poles.alive()):
                return model
    raise AssertionError("no grant won")


def _with_grant(model: TerritoryModel) -> int:
    return next(p.id for p in model.poles.alive() if p.grant_months_left > 0)


def test_end_grant_stops_the_grant_income(granted: TerritoryModel) -> None:
    model = granted
    q = _with_grant(model)
    start = len(model.events)
    model.intervene("end_grant", pole=q)
    assert model.poles.poles[q].grant_months_left == 0
    assert [e.kind for e in model.events.since(start)] == ["intervention", "grant_ended"]
    assert model.events.since(start)[0].code == KINDS.index("end_grant")
    col = 3 + SOURCES.index("call_grant")
    before = len(model.poles.ledger_rows)
    for _ in range(3):
        model.step()
    rows = [r for r in model.poles.ledger_rows[before:] if r[0] == q]
    assert rows
    assert all(r[col] == 0.0 for r in rows)
    with pytest.raises(ConfigError, match="no grant running"):
        model.intervene("end_grant", pole=q)


def test_stop_subsidy_for_every_pole_sets_the_parameter_and_logs_it() -> None:
    model = TerritoryModel(seed=4, territory_n_orgs=40, run_steps=240)
    for _ in range(24):
        model.step()
    assert model.params.funding.la_subsidy > 0
    start = len(model.events)
    model.intervene("stop_subsidy")
    assert model.params.funding.la_subsidy == 0.0
    log = model.policy_log[-1]
    assert (log["key"], log["new"], log["source"]) == ("funding.la_subsidy", 0.0, "intervention")
    assert log["month"] == model.month + 1
    kinds = [e.kind for e in model.events.since(start)]
    assert kinds[0] == "intervention"
    assert set(kinds[1:]) <= {"subsidy_stopped"}
    assert not any(p.la_active for p in model.poles.alive())
    col = 3 + SOURCES.index("la_subsidy")
    before = len(model.poles.ledger_rows)
    for _ in range(24):
        model.step()
    assert all(r[col] == 0.0 for r in model.poles.ledger_rows[before:])


def test_stop_subsidy_for_one_pole_waits_a_year_for_its_next_decision() -> None:
    model = TerritoryModel(seed=4, territory_n_orgs=40, run_steps=240)
    q = _pole_with_leader(model)
    start = len(model.events)
    model.intervene("stop_subsidy", pole=q)
    pole = model.poles.poles[q]
    assert not pole.la_active
    assert pole.la_next_decision == model.month + 1 + 12
    assert model.params.funding.la_subsidy > 0  # the others keep theirs
    assert model.events.since(start)[0].code == KINDS.index("stop_subsidy")


def test_open_call_opens_now_and_closes_after_its_months() -> None:
    model = TerritoryModel(seed=1, territory_n_orgs=30, run_steps=40)
    for _ in range(3):
        model.step()
    assert not model.params.calls.open
    window = model.poles.call_window
    start = len(model.events)
    model.intervene("open_call", months=6)
    assert model.params.calls.open
    e = _intervention_events(model, start)[0]
    assert (e.code, e.value) == (KINDS.index("open_call"), 6.0)
    opened = []
    for _ in range(8):
        model.step()
        opened.append(model.params.calls.open)
    assert opened == [True] * 6 + [False] * 2  # months 3-8 open, closed from month 9
    assert model.poles.call_window == window + 1
    keys = [(r["month"], r["key"], r["new"]) for r in model.policy_log]
    assert (3, "calls.open", True) in keys
    assert (9, "calls.open", False) in keys


@pytest.mark.parametrize(
    ("kind", "options", "match"),
    [
        ("nope", {}, "unknown intervention"),
        ("leader_leaves", {"pole": 999}, "no living pole"),
        ("end_grant", {"pole": -1}, "no living pole"),
        ("open_call", {"months": 0}, "out of range"),
        ("open_call", {"months": 2.5}, "out of range"),
    ],
)
def test_bad_interventions_are_config_errors(
    kind: str, options: dict[str, Any], match: str
) -> None:
    model = TerritoryModel(seed=4, territory_n_orgs=30, run_steps=12)
    with pytest.raises(ConfigError, match=match):
        model.intervene(kind, **options)
    assert len(model.events) == 0  # nothing recorded


def test_interventions_on_a_dead_or_leaderless_pole_are_config_errors() -> None:
    model = TerritoryModel(seed=4, territory_n_orgs=40, run_steps=240)
    dead = alive_leaderless = None
    for _ in range(240):
        model.step()
        poles = model.poles.poles
        dead = next((p.id for p in poles if not p.alive), dead)
        alive_leaderless = next(
            (p.id for p in poles if p.alive and p.leader is None), alive_leaderless
        )
        leaderless = alive_leaderless is not None and poles[alive_leaderless]
        if dead is not None and leaderless and leaderless.alive and leaderless.leader is None:
            break
    assert dead is not None
    with pytest.raises(ConfigError, match="no living pole"):
        model.intervene("leader_leaves", pole=dead)
    with pytest.raises(ConfigError, match="no living pole"):
        model.intervene("stop_subsidy", pole=dead)
    assert alive_leaderless is not None
    with pytest.raises(ConfigError, match="no leader"):
        model.intervene("leader_leaves", pole=alive_leaderless)
