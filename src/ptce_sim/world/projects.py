"""The table of cooperation projects: plain records stored as arrays (MODEL.md §2).

A project has a kind, 2 or more participants (padded with -1 to a fixed width), the person
slot each participant assigned to it (and that person's generation, to know whether the
same person is still there at the end), a start and an end month, a monthly time cost
per participant, each participant's fit, and an outcome once completed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: Widest project: an initiator plus up to this many partners (collective offers of
#: formal poles will need more; the table grows its width on demand).
DEFAULT_WIDTH = 5


@dataclass
class NewProjects:
    """A batch of projects to add (arrays of equal length, members padded with -1)."""

    kind: NDArray[np.int64]
    members: NDArray[np.int64]
    slots: NDArray[np.int64]
    gens: NDArray[np.int64]
    start: int
    duration: NDArray[np.int64]
    cost: NDArray[np.float64]
    nominal_cost: NDArray[np.float64]
    fit: NDArray[np.float64]
    comp: NDArray[np.float64]


class ProjectTable:
    """Growable structure-of-arrays of projects; rows are never reused (ids are row numbers).

    ``live[:n_live]`` lists the active rows in ascending order. Why: a 20-year run adds
    ~5,000 rows of which ~250 are under way; the monthly phases that visit active
    projects (completion, metrics, pole activity) walk this list, not the whole table.
    Invariant: ``active[r]`` if and only if ``r`` is in ``live[:n_live]``.
    """

    def __init__(self, capacity: int = 256, width: int = DEFAULT_WIDTH) -> None:
        self.size = 0
        self.n_live = 0
        self.width = width
        self._alloc(capacity)

    def _alloc(self, capacity: int) -> None:
        w = self.width
        self.kind = np.zeros(capacity, dtype=np.int64)
        self.members = np.full((capacity, w), -1, dtype=np.int64)
        self.slots = np.full((capacity, w), -1, dtype=np.int64)
        self.gens = np.zeros((capacity, w), dtype=np.int64)
        self.start = np.zeros(capacity, dtype=np.int64)
        self.end = np.zeros(capacity, dtype=np.int64)
        self.cost = np.zeros(capacity)
        self.nominal_cost = np.zeros(capacity)
        self.fit = np.zeros((capacity, w))
        self.comp = np.zeros(capacity)
        self.active = np.zeros(capacity, dtype=bool)
        self.success = np.zeros(capacity, dtype=bool)
        self.live = np.zeros(capacity, dtype=np.int64)

    def _grow(self, need: int) -> None:
        cap = len(self.kind)
        if need <= cap:
            return
        old = {k: getattr(self, k) for k in self._fields()}
        self._alloc(max(need, 2 * cap))
        for k, arr in old.items():
            getattr(self, k)[: self.size] = arr[: self.size]

    @staticmethod
    def _fields() -> tuple[str, ...]:
        return (
            "kind",
            "members",
            "slots",
            "gens",
            "start",
            "end",
            "cost",
            "nominal_cost",
            "fit",
            "comp",
            "active",
            "success",
            "live",
        )

    def add(self, new: NewProjects) -> NDArray[np.int64]:
        """Append a batch; returns the new project ids."""
        k = len(new.kind)
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        if new.members.shape[1] > self.width:
            raise ValueError("project wider than the table")  # widened in a later version
        self._grow(self.size + k)
        ids = np.arange(self.size, self.size + k)
        w = new.members.shape[1]
        self.kind[ids] = new.kind
        self.members[ids, :w] = new.members
        self.slots[ids, :w] = new.slots
        self.gens[ids, :w] = new.gens
        self.start[ids] = new.start
        self.end[ids] = new.start + new.duration
        self.cost[ids] = new.cost
        self.nominal_cost[ids] = new.nominal_cost
        self.fit[ids, :w] = new.fit
        self.comp[ids] = new.comp
        self.active[ids] = True
        self.size += k
        self._append_live(ids[0], k)
        return ids

    def commit(self, k: int) -> None:
        """Take the ``k`` rows written (active) after the last one into the table."""
        self._append_live(self.size, k)
        self.size += k

    def _append_live(self, first: int, k: int) -> None:
        self.live[self.n_live : self.n_live + k] = np.arange(first, first + k)
        self.n_live += k

    def live_rows(self) -> NDArray[np.int64]:
        """The active rows, ascending (a view: valid until the table changes)."""
        return self.live[: self.n_live]

    def due(self, month: int) -> NDArray[np.int64]:
        """Ids of active projects ending at ``month``."""
        rows = self.live_rows()
        return rows[self.end[rows] <= month]

    def n_active(self) -> int:
        return self.n_live
