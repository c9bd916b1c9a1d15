"""The table of cooperation projects: plain records stored as arrays (ODD §2).

A project has a kind, 2 or more participants (padded with -1 to a fixed width), the person
slot each participant assigned to it (and that person's generation, to know whether the
same person is still there at the end), a start and an end month, a monthly time cost
per participant, each participant's fit, and an outcome once completed. The kernels write
new rows and complete them (``kernels/search.py``, ``kernels/offers.py``,
``kernels/outcomes.py``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ptce_sim.world.kernels.state import N_LIVE, SIZE, Projects

#: Widest project: an initiator plus up to this many partners (collective offers of
#: formal poles need more: the model widens the table to the tender size).
DEFAULT_WIDTH = 5

_FIELDS = (
    "kind",
    "members",
    "slots",
    "gens",
    "start",
    "end",
    "cost",
    "nominal",
    "fit",
    "comp",
    "active",
    "success",
    "live",
)


class ProjectTable:
    """Growable structure-of-arrays of projects; rows are never reused (ids are row numbers).

    ``live[:n_live]`` lists the active rows in ascending order. Why: a 20-year run adds
    ~5,000 rows of which ~250 are under way; the monthly phases that visit active
    projects (completion, metrics, pole activity) walk this list, not the whole table.
    Invariant: ``active[r]`` if and only if ``r`` is in ``live[:n_live]``.
    """

    def __init__(self, capacity: int = 256, width: int = DEFAULT_WIDTH) -> None:
        self.width = width
        self.cursor = np.zeros(2, dtype=np.int64)  # (size, n_live), written by the kernels
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
        self.nominal = np.zeros(capacity)
        self.fit = np.zeros((capacity, w))
        self.comp = np.zeros(capacity)
        self.active = np.zeros(capacity, dtype=bool)
        self.success = np.zeros(capacity, dtype=bool)
        self.live = np.zeros(capacity, dtype=np.int64)
        self._record: Projects | None = None

    @property
    def size(self) -> int:
        """Rows used (projects ever started)."""
        return int(self.cursor[SIZE])

    @property
    def n_live(self) -> int:
        """Projects under way."""
        return int(self.cursor[N_LIVE])

    def reserve(self, k: int) -> None:
        """Room for ``k`` more rows (the arrays double when they must grow)."""
        cap = len(self.kind)
        need = self.size + k
        if need <= cap:
            return
        size = self.size
        old = {name: getattr(self, name) for name in _FIELDS}
        self._alloc(max(need, 2 * cap))
        for name, arr in old.items():
            getattr(self, name)[:size] = arr[:size]

    def record(self) -> Projects:
        """The arrays as the kernels' :class:`~ptce_sim.world.kernels.state.Projects`."""
        if self._record is None:
            self._record = Projects(*(getattr(self, name) for name in _FIELDS), self.cursor)
        return self._record

    def live_rows(self) -> NDArray[np.int64]:
        """The active rows, ascending (a view: valid until the table changes)."""
        return self.live[: self.n_live]
