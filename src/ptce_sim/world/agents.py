"""Organisations as Mesa agents: thin views on the model's arrays.

Why views: rules are vectorised over arrays (a run must take tens of milliseconds), but
users — notebooks, the web view, teachers — want to hold an organisation and ask it
questions. Each :class:`Organisation` is a real ``mesa.Agent`` (in ``model.agents``,
selectable with ``AgentSet.select``) whose attributes read the model's arrays at its
index. Persons are rows of arrays (``model.present``, ``model.is_leader``), not agents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ptce_sim.base.domain import MAX_PERSONS, SECTORS, OrgKind

if TYPE_CHECKING:
    from ptce_sim.world.model import TerritoryModel


class Organisation(mesa.Agent):
    """One organisation of the territory (a view on ``model`` arrays at ``index``)."""

    model: TerritoryModel

    def __init__(self, model: TerritoryModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def kind(self) -> OrgKind:
        return OrgKind(int(self.model.orgs.kind[self.index]))

    @property
    def sector(self) -> str:
        return SECTORS[int(self.model.orgs.sector[self.index])]

    @property
    def position(self) -> tuple[float, float]:
        x, y = self.model.orgs.position[self.index]
        return float(x), float(y)

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(float(v) for v in self.model.orgs.values[self.index])

    @property
    def alpha(self) -> float:
        return float(self.model.orgs.alpha[self.index])

    @property
    def fte(self) -> float:
        return float(self.model.orgs.fte[self.index])

    @property
    def is_market(self) -> bool:
        return bool(self.model.orgs.is_market[self.index])

    @property
    def time_budget(self) -> float:
        return float(self.model.orgs.time_budget[self.index])

    @property
    def time_used(self) -> float:
        return float(self.model.time_used[self.index])

    @property
    def perceived_return(self) -> float:
        return float(self.model.perceived_return[self.index])

    @property
    def aspiration(self) -> float:
        return float(self.model.aspiration[self.index])

    @property
    def n_persons(self) -> int:
        """Persons currently in post (vacant posts excluded)."""
        return int(self.model.present[self.index].sum())

    @property
    def has_leader(self) -> bool:
        i = self.index
        return bool((self.model.is_leader[i] & self.model.present[i]).any())

    @property
    def has_vacancy(self) -> bool:
        return bool((self.model.vacancy[self.index] > 0).any())

    def partners(self) -> list[int]:
        """Indices of organisations it completed at least one cooperation with."""
        return np.flatnonzero(self.model.relations.history[self.index] > 0).tolist()

    def person_ids(self) -> list[int]:
        """Flat ids of its persons in post (rows of the person-trust matrix)."""
        i = self.index
        return [i * MAX_PERSONS + s for s in range(MAX_PERSONS) if self.model.present[i, s]]

    def __repr__(self) -> str:
        return f"Organisation({self.index}, {self.kind.name}, {self.sector})"
