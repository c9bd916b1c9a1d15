"""What the poles report: the month's pole metrics, the run accumulators of the
summaries, the per-organisation arrays other phases read, and the per-pole table.

Functions of the :class:`~ptce_sim.world.poles.PoleRegistry`, split from it to keep
modules small. :func:`observe` does in one compiled pass (``kernels.month_end``) what
took a dozen numpy calls per pole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules import funding as fund
from ptce_sim.rules import poles as rule
from ptce_sim.world import kernels
from ptce_sim.world.pole_state import (
    _FORMAL,
    _INFORMAL,
    _SHARE_KEYS,
    _VEGETATING,
    KINDS,
    Pole,
)

if TYPE_CHECKING:
    from ptce_sim.world.poles import PoleRegistry

S = MAX_PERSONS


def observe(reg: PoleRegistry) -> None:
    """End of the month's pole phases: write the per-organisation arrays the other
    phases read (animation ``A``, institutionalisation ``I``), this month's pole
    metrics and the run accumulators for the summaries (formal and vegetating poles).

    One compiled pass (``kernels.month_end``) over the living poles' members and the
    active projects does what took a dozen numpy calls per pole."""
    m = reg.model
    pp = m.params.poles
    alive = reg._alive
    formal = [p for p in alive if p.status == _FORMAL or p.status == _VEGETATING]
    reg.any_formal = bool(formal)
    flat, offsets = reg._concat_members(alive)
    anim = [
        rule.animation_intensity(p.status, p.fte, p.volunteer is not None, p.has_leader, pp)
        for p in alive
    ]
    pt = m.projects
    formal_by_id = np.zeros(len(reg.poles), dtype=np.bool_)
    for p in formal:
        formal_by_id[p.id] = True
    kinds, n_formal, by_kind, market_revenue, fte, active, shared, any_shared = kernels.month_end(
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
        pt.live_rows() if formal else pt.live[:0],
        pt.members,
        m.pole_of,
        formal_by_id,
    )
    month_stats(reg, formal, kinds, len(flat))
    if not formal:
        reg.month_fte_share = float("nan")
        return
    reg.formal_pole_months += len(formal)
    for p in formal:
        reg.formal_size_months[len(p.members)] += 1
    if n_formal == 0:
        return
    reg.member_months_by_kind += by_kind
    reg.market_member_revenue += float(market_revenue) / 12.0
    # Time members give to the pole: joint projects, pole activities, volunteer animation.
    time = n_formal * pp.pole_time
    time += sum(pp.volunteer_fte for p in formal if p.volunteer is not None)
    if any_shared:  # else the product is 0.0 and adding it changes nothing
        time += float(shared @ pt.cost[active])
    reg.month_fte_share = time / float(fte)
    reg.pole_time_share_sum += reg.month_fte_share
    reg.formal_pole_months_observed += 1
    reg.stats["fte_share_in_pole"] = reg.month_fte_share


def month_stats(reg: PoleRegistry, formal: list[Pole], kinds: np.ndarray, n_members: int) -> None:
    """This month's pole metrics (read by ``world/metrics.py``); ``kinds``: the living
    poles' ``n_members`` members by kind."""
    status = [p.status for p in reg._alive]  # every other pole is dead
    income = sum(reg.month_income.values())
    formal_members = sum(len(p.members) for p in formal)
    st = {
        "poles_informal": status.count(_INFORMAL),
        "poles_formal": status.count(_FORMAL),
        "poles_vegetating": status.count(_VEGETATING),
        "poles_dead": len(reg.poles) - len(status),
        "pole_members": n_members,
        "cell_fte": sum(p.fte for p in formal),
        "cell_cash": sum(p.cash for p in formal),
        "public_income_share": reg.month_public / income if income > 0 else float("nan"),
        "dues_compliance": sum(p.paying for p in formal) / formal_members
        if formal_members
        else float("nan"),
        "pole_projects_started": reg.month_started_in_poles,
        "collective_offers": reg.month_collective,
        "fte_share_in_pole": float("nan"),
    }
    for k, key in enumerate(_SHARE_KEYS):
        st[key] = kinds[k] / n_members if n_members else float("nan")
    reg.stats = st


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
