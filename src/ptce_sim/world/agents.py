"""Organisations as Mesa agents, and persons, as live views on the model's arrays.

Why views: the month runs compiled on arrays (a run must take tens of milliseconds), but
users — notebooks, the web view, teachers — want to hold an organisation and ask it
questions. Each :class:`Organisation` is a real ``mesa.Agent`` (in ``model.agents``,
selectable with ``AgentSet.select``) whose attributes read the model's arrays at its
index, so they are always the current state; it holds no state of its own and is never
activated (the schedule is ``TerritoryModel.step``). A :class:`Person` is a view of one
boundary-spanner slot of an organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import mesa
import numpy as np

from ptce_sim.base.domain import MAX_PERSONS, SECTORS, OrgKind
from ptce_sim.rules.trust import effective_trust, personal_weight

if TYPE_CHECKING:
    from ptce_sim.world.model import TerritoryModel


@dataclass(frozen=True)
class Person:
    """A boundary spanner: slot ``slot`` of organisation ``org`` (a live view)."""

    model: TerritoryModel = field(repr=False, compare=False)
    org: int
    slot: int

    @property
    def present(self) -> bool:
        """In post (a vacant post, or a slot the organisation does not have, is not)."""
        return bool(self.model.present[self.org, self.slot])

    @property
    def is_leader(self) -> bool:
        """A territorial entrepreneur, in post."""
        return bool(self.model.is_leader[self.org, self.slot]) and self.present

    @property
    def tenure(self) -> int:
        """Months in post."""
        return int(self.model.tenure[self.org, self.slot])

    @property
    def vacancy_months(self) -> int:
        """Months before a newcomer takes this post (0: no vacancy)."""
        return int(self.model.vacancy[self.org, self.slot])

    @property
    def generation(self) -> int:
        """How many holders this post has had after the first (+1 at each newcomer)."""
        return int(self.model.gen[self.org, self.slot])

    @property
    def ties(self) -> int:
        """Persons this one has worked with, still in post."""
        p = self.org * MAX_PERSONS + self.slot
        return int(self.model.relations.tie[p].sum())


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
        """Weight of values against interest in its choices."""
        return float(self.model.orgs.alpha[self.index])

    @property
    def fte(self) -> float:
        """Staff, in full-time equivalents."""
        return float(self.model.orgs.fte[self.index])

    @property
    def is_market(self) -> bool:
        return bool(self.model.orgs.is_market[self.index])

    @property
    def time_budget(self) -> float:
        """FTE it may give to cooperation."""
        return float(self.model.orgs.time_budget[self.index])

    @property
    def time_used(self) -> float:
        """FTE given to projects under way."""
        return float(self.model.time_used[self.index])

    @property
    def perceived_return(self) -> float:
        return float(self.model.perceived_return[self.index])

    @property
    def aspiration(self) -> float:
        return float(self.model.aspiration[self.index])

    @property
    def persons(self) -> list[Person]:
        """Its boundary-spanner posts (present or vacant)."""
        slots = int(self.model.slot_exists[self.index].sum())
        return [Person(self.model, self.index, s) for s in range(slots)]

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

    @property
    def pole_id(self) -> int | None:
        """The pole it belongs to, or None."""
        q = int(self.model.pole_of[self.index])
        return None if q < 0 else q

    @property
    def pole_role(self) -> str | None:
        """``"leader"`` if one of its persons leads its pole, ``"member"``, or None."""
        q = self.pole_id
        if q is None:
            return None
        leader = self.model.poles.poles[q].leader if q < len(self.model.poles.poles) else None
        return "leader" if leader is not None and leader[0] == self.index else "member"

    def trust_to(self, other: int) -> float:
        """Effective trust towards organisation ``other`` (``rules.trust.effective_trust``:
        its best person tie and organisation trust, weighted by ``omega`` at their pole's
        institutionalisation when both are members of the same pole, as decisions use it)."""
        m = self.model
        rel = m.relations
        i, j = self.index, int(other)
        same = m.pole_of[i] >= 0 and m.pole_of[i] == m.pole_of[j]
        omega = personal_weight(float(m.institution[i]) if same else 0.0, m.params.trust)
        return float(effective_trust(rel.tau0[i, j] + rel.best_dev[i, j], rel.theta[i, j], omega))

    def partners(self) -> list[int]:
        """Indices of organisations it completed at least one cooperation with."""
        return np.flatnonzero(self.model.relations.history[self.index] > 0).tolist()

    def __repr__(self) -> str:
        return f"Organisation({self.index}, {self.kind.name}, {self.sector})"
