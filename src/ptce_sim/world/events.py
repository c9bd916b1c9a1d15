"""The event record of a run: who left, who arrived, which projects started and ended,
which poles formed, formalised, vegetated, died, who joined and left them, grants won
and ended, cells hiring and cutting, subsidies started and stopped, interventions.

Why a record: a time series says *that* trust fell; the events say *why* (the person who
left, the grant that ended). The kernels append one row per event to a buffer as things
happen (``kernels/events.py``); after each month the model moves the month's rows here
(:meth:`EventLog.take`). Keeping them costs a copy of a few dozen rows a month.

Each event has the integer fields of ``base.domain.EVENT_FIELDS`` and a ``value``; what
the fields mean for each kind is written on ``base.domain.EventKind``. -1 means "none".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ptce_sim.base.domain import EVENT_FIELDS, MAX_PERSONS, EventKind
from ptce_sim.world.kernels.state import N_EVENTS, empty_events

if TYPE_CHECKING:
    import pandas as pd

    from ptce_sim.world.model import TerritoryModel


@dataclass(frozen=True)
class Event:
    """One event (fields: ``base.domain.EventKind`` says what each means per kind)."""

    month: int
    kind: str  # EventKind name, lower case ("departure", "pole_died", ...)
    org: int
    person: int
    pole: int
    other: int
    code: int
    value: float


class EventLog:
    """Every event of a run so far, in the order they happened."""

    def __init__(self, n_orgs: int) -> None:
        self.buffer, self.values = empty_events(_capacity(n_orgs, n_orgs, 4 * n_orgs))
        self._ints: list[NDArray[np.int64]] = []
        self._values: list[NDArray[np.float64]] = []
        self._count = 0

    def reserve(self, model: TerritoryModel, n_poles: int, n_live: int) -> None:
        """Room for the most events a month can have (the kernels do not check)."""
        need = _capacity(model.orgs.n, n_poles, n_live)
        if need > len(self.buffer):
            self.buffer, self.values = empty_events(2 * need)

    def take(self, counts: NDArray[np.int64]) -> None:
        """Keep the month's events (the first ``counts[N_EVENTS]`` rows of the buffer)."""
        k = int(counts[N_EVENTS])
        if k:
            self._ints.append(self.buffer[:k].copy())
            self._values.append(self.values[:k].copy())
            self._count += k

    def append(
        self,
        month: int,
        kind: EventKind,
        *,
        org: int = -1,
        person: int = -1,
        pole: int = -1,
        other: int = -1,
        code: int = 0,
        value: float = 0.0,
    ) -> None:
        """Record an event that happens outside the kernels (an intervention)."""
        row = np.array([[month, int(kind), org, person, pole, other, code]], dtype=np.int64)
        self._ints.append(row)
        self._values.append(np.array([value]))
        self._count += 1

    def clear(self) -> None:
        """Forget every event so far (the warm start's are not observed)."""
        self._ints, self._values, self._count = [], [], 0

    def __len__(self) -> int:
        return self._count

    def arrays(self) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """All events: integer fields (rows x ``EVENT_FIELDS``) and values."""
        if not self._ints:
            return np.zeros((0, len(EVENT_FIELDS)), dtype=np.int64), np.zeros(0)
        ints, values = np.concatenate(self._ints), np.concatenate(self._values)
        self._ints, self._values = [ints], [values]
        return ints, values

    def since(self, start: int) -> list[Event]:
        """The events from number ``start`` on (``len(log)`` before a step: that step's)."""
        ints, values = self.arrays()
        names = [k.name.lower() for k in EventKind]
        return [
            Event(r[0], names[r[1]], r[2], r[3], r[4], r[5], r[6], float(v))
            for r, v in zip(ints[start:].tolist(), values[start:].tolist(), strict=True)
        ]

    def frame(self) -> pd.DataFrame:
        """All events as a table: one row per event, the fields and the value, ``kind`` as
        its name (``events.parquet``)."""
        import pandas as pd

        ints, values = self.arrays()
        df = pd.DataFrame(ints, columns=list(EVENT_FIELDS))
        names = np.array([k.name.lower() for k in EventKind])
        df["kind"] = pd.Categorical(names[df["kind"].to_numpy()], categories=list(names))
        df["value"] = values
        return df


def _capacity(n_orgs: int, n_poles: int, n_live: int) -> int:
    """The most events one month can write: every person leaving or arriving, a project
    started per organisation and per pole, every live project completing, and per
    organisation and per pole a handful of pole events."""
    persons = n_orgs * MAX_PERSONS
    return 2 * persons + 2 * (n_orgs + n_poles) + n_live + 8 * (n_orgs + n_poles) + 64
