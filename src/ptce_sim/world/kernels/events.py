"""The event record, written by the kernels as things happen (``world/events.py`` reads it).

One row per event: the integer fields of ``base.domain.EVENT_FIELDS`` (month, kind,
organisation, person slot, pole, other, code) and a value; ``base.domain.EventKind``
says what each field means for each kind. The model gives the buffer room for the most
events a month can have before each month (``world/events.py``).
"""

from __future__ import annotations

from numba import njit

from ptce_sim.world.kernels.state import N_EVENTS


@njit(cache=True, inline="always")
def emit(tally, t, kind, org, person, pole, other, code, value):  # pragma: no cover - compiled
    """Append one event to the month's record."""
    k = tally.counts[N_EVENTS]
    row = tally.events[k]
    row[0] = t
    row[1] = kind
    row[2] = org
    row[3] = person
    row[4] = pole
    row[5] = other
    row[6] = code
    tally.event_values[k] = value
    tally.counts[N_EVENTS] = k + 1
