"""Interventions: changes made to a running territory from outside the model, between two
months — "the leader of this pole leaves", "this grant ends", "the local authority stops
its subsidy", "a call for projects opens".

Why: a teacher asks the class "what happens if…?" and everyone watches the consequences
unfold; a researcher tests a shock at a chosen moment. Each intervention acts at once on
the model's state through the same rules the month applies (a departure is a departure,
``rules/turnover.py`` and ``rules/trust.py``), draws what it needs from the model's
``events`` stream, appends an ``intervention`` event (and the events it causes) to the
event record, and is logged in ``model.policy_log`` when it changes a parameter. The
month it is recorded at is the next one, the first to feel it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ptce_sim.base.domain import MAX_PERSONS, EventKind
from ptce_sim.base.errors import ConfigError
from ptce_sim.rules.turnover import vacancy_months
from ptce_sim.world.kernels import trust_blocks
from ptce_sim.world.scenario import Policy

if TYPE_CHECKING:
    from ptce_sim.world.model import TerritoryModel

#: Codes of the interventions (the ``code`` of an ``intervention`` event), in order.
KINDS: tuple[str, ...] = ("leader_leaves", "end_grant", "stop_subsidy", "open_call")


def intervene(model: TerritoryModel, kind: str, **options: Any) -> None:
    """Apply intervention ``kind`` now (see :data:`KINDS` and each function's options)."""
    actions: dict[str, Callable[..., None]] = {
        "leader_leaves": leader_leaves,
        "end_grant": end_grant,
        "stop_subsidy": stop_subsidy,
        "open_call": open_call,
    }
    if kind not in actions:
        raise ConfigError("unknown intervention", "intervene", kind, allowed=", ".join(KINDS))
    actions[kind](model, **options)


def _now(model: TerritoryModel) -> int:
    return model.month + 1


def _living_pole(model: TerritoryModel, pole: int) -> Any:
    poles = model.poles.poles
    if not 0 <= pole < len(poles) or not poles[pole].alive:
        raise ConfigError("no living pole with this id", "intervene", "pole", pole)
    return poles[pole]


def _record(model: TerritoryModel, kind: str, pole: int = -1, value: float = 0.0) -> None:
    model.events.append(
        _now(model), EventKind.INTERVENTION, pole=pole, code=KINDS.index(kind), value=value
    )


def leader_leaves(model: TerritoryModel, pole: int) -> None:
    """The person who leads pole ``pole`` leaves its organisation now: its ties vanish,
    its post stays vacant for a drawn number of months (``rules/turnover.py``); the pole
    looks for a successor from next month on."""
    p = _living_pole(model, pole)
    if p.leader is None:
        raise ConfigError("this pole has no leader in post", "intervene", "pole", pole)
    org, slot, _ = p.leader
    _record(model, "leader_leaves", pole)
    person = org * MAX_PERSONS + slot
    trust = model.relations.record()
    ties = trust_blocks.ties_of(person, trust)
    model.events.append(
        _now(model), EventKind.DEPARTURE, org=org, person=slot, pole=pole, value=float(ties)
    )
    model.present[org, slot] = False
    model.is_leader[org, slot] = False
    tp = model.params.turnover
    u = float(model.streams["events"].random())
    model.vacancy[org, slot] = vacancy_months(u, tp.vacancy_min, tp.vacancy_max)
    trust_blocks.remove_persons(np.array([person], dtype=np.int64), trust)
    trust_blocks.refresh_rows(np.array([org], dtype=np.int64), trust, model.present)


def end_grant(model: TerritoryModel, pole: int) -> None:
    """Pole ``pole``'s call grant stops now (the cell no longer receives it)."""
    p = _living_pole(model, pole)
    if p.grant_months_left == 0:
        raise ConfigError("this pole has no grant running", "intervene", "pole", pole)
    _record(model, "end_grant", pole)
    p.grant_months_left = 0
    p.grant_end = _now(model)
    model.events.append(_now(model), EventKind.GRANT_ENDED, pole=pole)


def stop_subsidy(model: TerritoryModel, pole: int | None = None) -> None:
    """The local authority stops subsidising: one pole's cell (no subsidy at its next
    yearly decision, which comes a year from now), or, without ``pole``, every cell from
    now on (``funding.la_subsidy`` set to 0, logged as a policy change)."""
    if pole is None:
        _record(model, "stop_subsidy")
        model.set_parameters({"funding.la_subsidy": 0.0}, "intervention", _now(model))
        for p in model.poles.alive():
            if p.la_active:
                p.la_active = False
                model.events.append(_now(model), EventKind.SUBSIDY_STOPPED, pole=p.id)
        return
    p = _living_pole(model, pole)
    _record(model, "stop_subsidy", pole)
    if p.la_active:
        model.events.append(_now(model), EventKind.SUBSIDY_STOPPED, pole=pole)
    p.la_active = False
    p.la_next_decision = _now(model) + 12


def open_call(model: TerritoryModel, months: int = 12) -> None:
    """A national call for projects opens now for ``months`` months (``calls.open``;
    closing it is scheduled as a policy change)."""
    if not isinstance(months, int) or not 1 <= months <= 120:
        raise ConfigError("out of range", "intervene", "months", months, "an integer in [1, 120]")
    _record(model, "open_call", value=float(months))
    start = _now(model)
    model.set_parameters({"calls.open": True}, "intervention", start)
    close = Policy(at=start + months, updates={"calls.open": False}, source="intervention")
    model.schedule_policy(close)
