"""Phase 2 compiled: vacancies run out and newcomers arrive, persons leave
(``rules/turnover.py``; what a departure and an arrival do to trust: ``rules/trust.py``).

Draws one block of uniforms from the ``turnover`` stream, ``(3, n, S)``: exit,
vacancy length and leadership for every person slot, whatever its state, so that the
stream stays aligned across policy variants (common random numbers).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS, EventKind
from ptce_sim.rules.turnover import becomes_leader, handover, leaves, vacancy_months
from ptce_sim.world.kernels.events import emit
from ptce_sim.world.kernels.state import ARRIVED, DEPARTED, TIES_LOST
from ptce_sim.world.kernels.trust_blocks import add_persons, refresh_rows, remove_persons, ties_of

S = MAX_PERSONS
_ARRIVAL = int(EventKind.ARRIVAL)
_DEPARTURE = int(EventKind.DEPARTURE)


@njit(cache=True)
def turnover(streams, t, P, persons, orgs, trust, tally):  # pragma: no cover - compiled
    """Tenures grow, vacancies run down (a post whose vacancy ends gets its newcomer,
    with the handover of its organisation's pole), persons in post leave. Counts the
    arrivals, departures and ties lost into ``tally``."""
    present, vacancy = persons.present, persons.vacancy
    n = present.shape[0]
    # Drawn flat then reshaped (the same numbers in the same order): one compiled
    # specialisation of random() fewer for numba to build.
    u = streams.turnover.random(3 * n * S).reshape((3, n, S))
    arrivals = np.empty(n * S, dtype=np.int64)
    departures = np.empty(n * S, dtype=np.int64)
    na = 0
    nd = 0
    for o in range(n):
        for s in range(S):
            if present[o, s]:
                persons.tenure[o, s] += 1
            arrive = False
            if vacancy[o, s] > 0:
                vacancy[o, s] -= 1
                arrive = vacancy[o, s] == 0
            if present[o, s] and leaves(u[0, o, s], P.turnover.rate):
                departures[nd] = o * S + s
                nd += 1
            if arrive:
                arrivals[na] = o * S + s
                na += 1
    changed = np.zeros(n, dtype=np.bool_)
    if na:
        psi = np.empty(na)
        for r in range(na):
            o, s = arrivals[r] // S, arrivals[r] % S
            present[o, s] = True
            persons.tenure[o, s] = 0
            persons.gen[o, s] += 1
            persons.is_leader[o, s] = becomes_leader(
                u[2, o, s], P.territory.leader_share, persons.ess_slots[o, s]
            )
            psi[r] = handover(orgs.animation[o], P.turnover)
            changed[o] = True
            emit(tally, t, _ARRIVAL, o, s, orgs.pole_of[o], -1, 0, 0.0)
        add_persons(arrivals[:na], psi, trust)
    lost = 0
    if nd:
        for r in range(nd):
            o, s = departures[r] // S, departures[r] % S
            emit(tally, t, _DEPARTURE, o, s, orgs.pole_of[o], -1, 0, ties_of(departures[r], trust))
            present[o, s] = False
            persons.is_leader[o, s] = False
            vacancy[o, s] = vacancy_months(
                u[1, o, s], P.turnover.vacancy_min, P.turnover.vacancy_max
            )
            changed[o] = True
        lost = remove_persons(departures[:nd], trust)
    refresh_rows(np.flatnonzero(changed), trust, present)
    tally.counts[ARRIVED] = na
    tally.counts[DEPARTED] = nd
    tally.counts[TIES_LOST] = lost
