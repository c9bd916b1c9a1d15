"""What the poles report: the month's pole metrics, the run accumulators of the
summaries, the per-organisation arrays other phases read, and the per-pole table.

Functions of the :class:`~ptce_sim.world.poles.PoleRegistry`, split from it to keep
modules small. :func:`observe` runs compiled (``kernels.pole_report``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules import funding as fund
from ptce_sim.world import pole_lifecycle
from ptce_sim.world.kernels import pole_report
from ptce_sim.world.pole_state import (
    KINDS,
)

if TYPE_CHECKING:
    from ptce_sim.world.poles import PoleRegistry

S = MAX_PERSONS


def observe(reg: PoleRegistry) -> None:
    """End of the month's pole phases, compiled (``kernels.pole_report.observe``): the
    per-organisation arrays the other phases read (animation ``A``,
    institutionalisation ``I``), this month's pole metrics and the run accumulators of
    the summaries (formal and vegetating poles)."""
    m = reg.model
    pp = m.params.poles
    state = reg.state
    acc = reg.acc
    pt = m.projects
    any_formal, finish, time, fte, shared, active, any_shared = pole_report.observe(
        state.size,
        state.ints,
        state.floats,
        state.members,
        pole_lifecycle.lifecycle_params(reg),
        m.animation,
        m.institution,
        m.orgs.kind,
        m.orgs.is_market,
        m.orgs.revenue,
        m.orgs.fte,
        len(KINDS),
        pt.live_rows(),
        pt.members,
        m.pole_of,
        reg.stats_array,
        acc,
        reg.member_months_by_kind,
        reg.formal_size_months,
        float(pp.pole_time),
        float(pp.volunteer_fte),
    )
    reg.any_formal = any_formal
    if finish:
        if any_shared:  # else the product is 0.0 and adding it changes nothing
            time += float(shared @ pt.cost[active])  # numpy's (BLAS) dot, as always
        pole_report.fte_share(acc, reg.stats_array, time, fte)


def table(reg: PoleRegistry, months: int) -> list[dict[str, Any]]:
    """One record per pole (see docs/outputs.md)."""
    m = reg.model
    rows = []
    for p in reg.poles:
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
