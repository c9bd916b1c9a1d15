"""Collective offers: formal poles answer tenders that need a critical size, right
after the partner search (a function of the :class:`~ptce_sim.world.poles.PoleRegistry`,
split from it to keep modules small).

The offers are compiled (``kernels.pole_members.collective_offers``) and draw from
the ``poles`` stream: per formal pole big enough, in id order, whether it is offered a
tender, then the team (a permutation of its ready members), one person per member,
and the duration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ptce_sim.world.kernels import pole_members
from ptce_sim.world.pole_state import (
    _FORMAL,
)

if TYPE_CHECKING:
    from ptce_sim.world.poles import PoleRegistry


def collective_offers(reg: PoleRegistry, t: int) -> None:
    """Formal poles answer tenders that need a critical size (a commercial project of
    ``tender_size`` members, proposed by the local authority with ``tender_rate``):
    compiled (``kernels.pole_members.collective_offers``)."""
    m = reg.model
    pp = m.params.poles
    cp = m.params.cooperation
    state = reg.state
    pt = m.projects
    if (
        pp.tender_size > pt.width
        and ((state.column("status") == _FORMAL) & (state.column("size") >= pp.tender_size)).any()
    ):
        # A policy raised the tender size above the table's width (set at the start).
        raise ValueError(
            f"poles.tender_size = {pp.tender_size} exceeds the project table's width "
            f"({pt.width}, fixed when the run starts): set it in the scenario, not a policy"
        )
    pt._grow(pt.size + state.size)  # room for one tender per pole
    k = pole_members.collective_offers(
        reg.streams,
        t,
        state.size,
        state.ints,
        state.members,
        int(pp.tender_size),
        float(pp.tender_rate),
        float(cp.cost_commercial),
        float(cp.animation_time_saving),
        int(cp.duration_min),
        int(cp.duration_max),
        m.animation,
        m.orgs.time_budget,
        m.time_used,
        m.vacancy,
        m.present,
        m.gen,
        m.comp,
        pt.size,
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
        m.counts.started,
        reg.acc,
    )
    if k:
        pt.commit(k)
