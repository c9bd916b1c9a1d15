"""Snapshots of a territory for people who look at it: the cooperation ties between
organisations and a card per pole (the web view, the notebooks).

Why snapshots: a view or a teacher wants plain values (a table of ties, a pole's cash in
months of cell cost), not the model's arrays; these are computed on demand from them
and never written back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ptce_sim.rules import funding as fund
from ptce_sim.rules.cell import cell_cost
from ptce_sim.rules.poles import Governance, Status
from ptce_sim.rules.trust import effective_trust, personal_weight

if TYPE_CHECKING:
    import pandas as pd

    from ptce_sim.world.model import TerritoryModel


def ties(model: TerritoryModel) -> pd.DataFrame:
    """One row per pair of organisations (i < j) that completed at least one cooperation:
    ``cooperations`` completed together, ``ties`` (pairs of their persons in post who
    worked together), ``person_trust`` (their best tie between persons in post),
    ``org_trust`` (organisation-level trust) and ``trust`` (the effective trust their
    decisions use)."""
    import pandas as pd

    rel = model.relations
    i, j = np.nonzero(np.triu(rel.history > 0, k=1))
    tau_bar = rel.tau0[i, j] + rel.best_dev[i, j]
    theta = rel.theta[i, j]
    same = (model.pole_of[i] >= 0) & (model.pole_of[i] == model.pole_of[j])
    institution = np.where(same, model.institution[i], 0.0)
    omega = np.vectorize(personal_weight)(institution, model.params.trust)
    return pd.DataFrame(
        {
            "i": i,
            "j": j,
            "cooperations": rel.history[i, j],
            "ties": rel.tied[i, j],
            "person_trust": tau_bar,
            "org_trust": theta,
            "trust": np.vectorize(effective_trust)(tau_bar, theta, omega),
        }
    )


@dataclass(frozen=True)
class PoleCard:
    """What a pole looks like this month (a snapshot)."""

    pole_id: int
    status: Status
    governance: Governance
    members: list[int]
    leader: tuple[int, int] | None  # (organisation, person slot)
    formed: int
    formalised: int | None
    age: int  # months since it formed
    cell_fte: float
    cash: float  # k€
    cell_cost: float  # k€ a month at its current staff
    ledger: dict[str, float]  # cumulative income by source (k€)
    month_income: dict[str, float]  # income by source in the month last simulated (k€)
    la_active: bool  # the local authority subsidises the cell this year
    grant_months_left: int
    volunteer: int | None  # a member animating without staff

    @property
    def cash_months(self) -> float:
        """Cash in months of the cell's current cost (inf without staff)."""
        return self.cash / self.cell_cost if self.cell_cost > 0 else float("inf")


def pole_cards(model: TerritoryModel, alive_only: bool = True) -> list[PoleCard]:
    """A card per pole (the living ones by default), in id order."""
    reg = model.poles
    month = model.month
    wage = model.params.economy.wage  # the model counts money in wages; the cards in k€
    income: dict[int, dict[str, float]] = {}
    if reg._ledger_chunks:
        for row in reg._ledger_chunks[-1].tolist():
            if int(row[1]) == month:
                amounts = [v * wage for v in row[3 : 3 + len(fund.SOURCES)]]
                income[int(row[0])] = dict(zip(fund.SOURCES, amounts, strict=True))
    cards = []
    for p in reg.poles:
        if alive_only and not p.alive:
            continue
        leader = p.leader
        cards.append(
            PoleCard(
                pole_id=p.id,
                status=p.status,
                governance=p.governance,
                members=p.members,
                leader=None if leader is None else (leader[0], leader[1]),
                formed=p.formed,
                formalised=p.formalised,
                age=month - p.formed,
                cell_fte=p.fte,
                cash=p.cash * wage,
                cell_cost=float(cell_cost(p.fte, model.params.cell)) * wage,
                ledger={k: v * wage for k, v in p.ledger.items()},
                month_income=income.get(p.id, dict.fromkeys(fund.SOURCES, 0.0)),
                la_active=p.la_active,
                grant_months_left=p.grant_months_left,
                volunteer=p.volunteer,
            )
        )
    return cards
