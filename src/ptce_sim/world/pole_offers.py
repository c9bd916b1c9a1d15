"""Collective offers: formal poles answer tenders that need a critical size, right
after the partner search (a function of the :class:`~ptce_sim.world.poles.PoleRegistry`,
split from it to keep modules small).

In Python: a tender is rare (a formal pole of ``tender_size`` members, with
``tender_rate`` a month), and most months only one vectorised test runs here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ptce_sim.base.domain import MAX_PERSONS, ProjectKind
from ptce_sim.world.pole_state import (
    _FORMAL,
)
from ptce_sim.world.projects import NewProjects

if TYPE_CHECKING:
    from ptce_sim.world.poles import PoleRegistry

S = MAX_PERSONS


def collective_offers(reg: PoleRegistry, t: int) -> None:
    """Formal poles answer tenders that need a critical size (a commercial project of
    ``tender_size`` members, proposed by the local authority with ``tender_rate``)."""
    m = reg.model
    reg.month_collective = 0
    pp = m.params.poles
    cp = m.params.cooperation
    rng = m.streams["poles"]
    state = reg.state
    size = state.column("size")
    # Formal poles big enough, in id order (the order of the draws).
    able = ((state.column("status") == _FORMAL) & (size >= pp.tender_size)).nonzero()[0]
    for q in able.tolist():
        if rng.random() >= pp.tender_rate:
            continue
        idx = state.members[q, : size[q]]
        anim = m.animation[idx]
        cost = cp.cost_commercial * (1.0 - cp.animation_time_saving * anim.max())
        free = m.orgs.time_budget[idx] - m.time_used[idx]
        ready = idx[(free >= cost) & ~(m.vacancy[idx] > 0).any(axis=1)]
        if len(ready) < pp.tender_size:
            continue
        team = rng.permutation(ready)[: pp.tender_size]
        _start_collective(reg, team, cost, rng, t)
        reg.month_collective += 1


def _start_collective(reg, team: np.ndarray, cost: float, rng: np.random.Generator, t: int) -> None:
    m = reg.model
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
