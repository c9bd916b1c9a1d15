"""The per-pole table of a run (``poles.parquet``): a function of the
:class:`~ptce_sim.world.poles.PoleRegistry`, split from it to keep modules small.

The month's pole metrics and the summaries' accumulators are written by the compiled
report (``kernels.pole_report``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules import funding as fund
from ptce_sim.world.pole_state import (
    KINDS,
)

if TYPE_CHECKING:
    from ptce_sim.world.poles import PoleRegistry

S = MAX_PERSONS


def table(reg: PoleRegistry, months: int) -> list[dict[str, Any]]:
    """One record per pole (see docs/outputs.md); money in k€ (the model counts it in
    wages: ``economy.wage`` converts)."""
    m = reg.model
    wage = m.params.economy.wage
    rows = []
    for p in reg.poles:
        kinds = (
            np.bincount(m.orgs.kind[p.members], minlength=len(KINDS))
            if p.members
            else np.zeros(len(KINDS), dtype=int)
        )
        ledger = {k: v * wage for k, v in p.ledger.items()}
        public = sum(ledger[k] for k in fund.PUBLIC_SOURCES)
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
                "final_cash": p.cash * wage,
                "final_trust": p.trust,
                "peak_trust": p.trust_peak,
                **{f"eur_{k}": v for k, v in ledger.items()},
                "eur_cell_cost": p.cost_total * wage,
                "eur_in_kind": p.in_kind * wage,
                "public_total": public,
                "grant_end": p.grant_end,
                "projects_started": p.started,
                "projects_completed": p.completed,
                "months_observed": months,
            }
        )
    return rows
