"""The state a month's kernels read and write, as named records of arrays.

Why records: a kernel that took every array as a positional argument (the month took
101) fails silently when two arguments swap. A record is a ``typing.NamedTuple`` of
arrays: the kernels read ``orgs.alpha``, ``trust.theta``; numba types each field, so a
record passes as one argument. The arrays belong to the world objects (the model, its
``Relations``, ``ProjectTable``, ``PoleRegistry``); a record is rebuilt when one of its
arrays is replaced (a table grows). Scalars that a kernel updates live in small arrays
(``cursor``, ``counts``), since a record's fields cannot be reassigned.

Persons are slots ``(organisation, s)``, ``s < MAX_PERSONS``, flattened to
``p = organisation * MAX_PERSONS + s`` in the person-by-person matrices.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from ptce_sim.rules.funding import SOURCES
from ptce_sim.world.pole_state import ACCUMULATORS, FLOAT_FIELDS, INT_FIELDS, STAT_KEYS, STATS

B = NDArray[np.bool_]
I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


class Persons(NamedTuple):
    """The boundary spanners, ``(n, MAX_PERSONS)`` arrays (a slot may not exist)."""

    present: B  # in post
    vacancy: I64  # months left before a newcomer arrives (0: no vacancy)
    tenure: I64  # months in post
    gen: I64  # generation of the slot's holder: +1 at each newcomer
    is_leader: B  # a territorial entrepreneur
    ess_slots: B  # the slot exists in an ESS organisation (leaders come from these)


class Orgs(NamedTuple):
    """The organisations: fixed traits, pairwise affinities and monthly state."""

    kind: I64  # OrgKind
    sector: I64  # index in base.domain.SECTORS
    is_market: B
    revenue: F64  # wages a year
    fte: F64
    time_budget: F64  # FTE it may give to cooperation
    alpha: F64  # weight of values vs interest
    ess: B  # an ESS kind
    homophily: F64  # (n, n) value homophily H
    comp: F64  # (n, n) complementarity: what j brings to i
    sim: F64  # (n, n) similarity of competences
    acquaintance: F64  # (n, n) candidate weight by distance
    time_used: F64  # FTE given to projects under way
    perceived: F64  # perceived return rho (wages per FTE-month)
    aspiration: F64
    animation: F64  # A of its pole (0 outside)
    catalyst: F64  # E (1 while a catalyst is active)
    institution: F64  # I of its pole (0 outside formal poles)
    pole_of: I64  # its pole, -1 none


class Trust(NamedTuple):
    """Person- and organisation-level trust (``world/relations.py`` explains the layout).

    Person trust is ``tau0[o(p), o(q)] + floor[p, q] + scaled[p, q] * scale[0]``."""

    tau0: F64  # (n, n) stranger baseline between the organisations' persons
    theta: F64  # (n, n) organisation trust
    scaled: F64  # (P, P) person trust above tau0 + floor, divided by scale[0]
    scale: F64  # (1,) the common scale of ``scaled``
    floor: F64  # (P, P) the part of person trust their shared history explains
    pair_history: I64  # (P, P) joint projects two persons completed together in post
    tie: B  # (P, P) persons in post who worked together
    tied: I64  # (n, n) tied pairs of persons in post between two organisations
    best_dev: F64  # (n, n) best present person pair: max of floor + deviation
    sum_dev: F64  # (n, n) sum over present person pairs of floor + deviation
    history: I64  # (n, n) cooperations the organisations completed together
    mark: B  # (n, n) scratch


#: Entries of ``Projects.cursor``.
SIZE, N_LIVE = 0, 1


class Projects(NamedTuple):
    """Every project of a run, one row each (``world/projects.py``)."""

    kind: I64
    members: I64  # (rows, width) organisations, -1 after the last
    slots: I64  # the person slot each assigned
    gens: I64  # that person's generation
    start: I64
    end: I64
    cost: F64  # monthly time cost per participant
    nominal: F64  # nominal cost of the kind
    fit: F64  # (rows, width)
    comp: F64  # mean complementarity of the team
    active: B
    success: B
    live: I64  # the active rows, ascending: live[:cursor[N_LIVE]]
    cursor: I64  # (size, n_live)


#: Entries of ``Poles.cursor``.
N_POLES, LEDGER_ROWS, ANY_FORMAL = 0, 1, 2


class Poles(NamedTuple):
    """Every pole of a territory (``world/pole_state.py``) and the membership books."""

    ints: I64  # (rows, INT_FIELDS)
    floats: F64  # (rows, FLOAT_FIELDS)
    members: I64  # (rows, n) in joining order
    ledger: F64  # (rows, sources) cumulative income by source
    cursor: I64  # (n_poles, ledger rows written this month, any formal or vegetating pole)
    dissatisfied: I64  # per organisation: consecutive dissatisfied months
    patience: I64  # the patience drawn when the spell began (0: none)
    unpaid: I64  # consecutive unpaid months in a paying pole
    dues: F64  # monthly dues of each organisation under the current policy
    month_income: F64  # the cells' income this month by source
    acc: F64  # run accumulators and month values (pole_state.ACCUMULATORS)
    ledger_rows: F64  # (rows, LEDGER_WIDTH) this month's ledger rows
    stats: F64  # this month's pole metrics (pole_state.STAT_KEYS)
    member_months_by_kind: I64
    formal_size_months: I64
    formal_pole_kinds: I64


#: Entries of ``Tally.counts``.
ARRIVED, DEPARTED, TIES_LOST, N_EVENTS = 0, 1, 2, 3


class Tally(NamedTuple):
    """What a month counts, and the month's metrics and events."""

    started: I64  # by project kind
    completed: I64
    succeeded: I64
    pair_stats: F64  # (sum of homophily over initiator-partner pairs, pairs)
    counts: I64  # arrived, departed, ties lost, events written
    revenue_gains: F64  # (12, n) ring buffer of monthly revenue from projects
    started_ring: F64  # (12,) projects started in each of the last 12 months
    totals: F64  # (total FTE, market revenue) of the territory
    snapshot: F64  # the month's built-in metrics (world/metrics.py SNAPSHOT)
    events: I64  # (capacity, EVENT_FIELDS) the month's event records
    event_values: F64  # (capacity,) their values


# Columns of PoleTable.ints and PoleTable.floats, named for the kernels (numba reads
# module globals as compile-time constants).
FOUNDER = INT_FIELDS.index("founder")
FORMED = INT_FIELDS.index("formed")
STATUS = INT_FIELDS.index("status")
GOVERNANCE = INT_FIELDS.index("governance")
FORMALISED = INT_FIELDS.index("formalised")
VEGETATING_SINCE = INT_FIELDS.index("vegetating_since")
DIED = INT_FIELDS.index("died")
CAUSE = INT_FIELDS.index("cause")
VOLUNTEER = INT_FIELDS.index("volunteer")
LEADER_ORG = INT_FIELDS.index("leader_org")
LEADER_SLOT = INT_FIELDS.index("leader_slot")
LEADER_GEN = INT_FIELDS.index("leader_gen")
GRANT_MONTHS_LEFT = INT_FIELDS.index("grant_months_left")
GRANT_END = INT_FIELDS.index("grant_end")
APPLIED_WINDOW = INT_FIELDS.index("applied_window")
LA_ACTIVE = INT_FIELDS.index("la_active")
LA_NEXT_DECISION = INT_FIELDS.index("la_next_decision")
IDLE_MONTHS = INT_FIELDS.index("idle_months")
LEADERLESS_MONTHS = INT_FIELDS.index("leaderless_months")
UNANIMATED_MONTHS = INT_FIELDS.index("unanimated_months")
COMPLETED = INT_FIELDS.index("completed")
STARTED = INT_FIELDS.index("started")
PEAK_SIZE = INT_FIELDS.index("peak_size")
MEMBER_MONTHS = INT_FIELDS.index("member_months")
PAYING = INT_FIELDS.index("paying")
POLE_SIZE = INT_FIELDS.index("size")
F_FTE = FLOAT_FIELDS.index("fte")
F_CASH = FLOAT_FIELDS.index("cash")
F_INSTITUTION = FLOAT_FIELDS.index("institution")
F_GRANT_MONTHLY = FLOAT_FIELDS.index("grant_monthly")
F_COST_TOTAL = FLOAT_FIELDS.index("cost_total")
F_IN_KIND = FLOAT_FIELDS.index("in_kind")
F_TRUST = FLOAT_FIELDS.index("trust")
F_TRUST_PEAK = FLOAT_FIELDS.index("trust_peak")


def empty_events(capacity: int) -> tuple[I64, F64]:
    """An event buffer of ``capacity`` rows (``world/events.py`` reads it)."""
    from ptce_sim.base.domain import EVENT_FIELDS

    return np.zeros((capacity, len(EVENT_FIELDS)), dtype=np.int64), np.zeros(capacity)


# Entries of Poles.stats (pole_state.STAT_KEYS) and Poles.acc (pole_state.ACCUMULATORS).
S_POLES_INFORMAL = STAT_KEYS.index("poles_informal")
S_POLES_FORMAL = STAT_KEYS.index("poles_formal")
S_POLES_VEGETATING = STAT_KEYS.index("poles_vegetating")
S_POLES_DEAD = STAT_KEYS.index("poles_dead")
S_POLE_MEMBERS = STAT_KEYS.index("pole_members")
S_CELL_FTE = STAT_KEYS.index("cell_fte")
S_CELL_CASH = STAT_KEYS.index("cell_cash")
S_PUBLIC_INCOME_SHARE = STAT_KEYS.index("public_income_share")
S_DUES_COMPLIANCE = STAT_KEYS.index("dues_compliance")
S_POLE_PROJECTS_STARTED = STAT_KEYS.index("pole_projects_started")
S_COLLECTIVE_OFFERS = STAT_KEYS.index("collective_offers")
S_FTE_SHARE_IN_POLE = STAT_KEYS.index("fte_share_in_pole")
S_MEMBER_TRUST = STAT_KEYS.index("member_trust")
S_SHARE_MEMBERS = len(STATS)  # then one share per organisation kind
A_FORMAL_POLE_MONTHS = ACCUMULATORS.index("formal_pole_months")
A_FORMAL_POLE_MONTHS_OBSERVED = ACCUMULATORS.index("formal_pole_months_observed")
A_FORMAL_POLE_PROJECTS = ACCUMULATORS.index("formal_pole_projects")
A_MARKET_POLE_GAIN = ACCUMULATORS.index("market_pole_gain")
A_MARKET_MEMBER_REVENUE = ACCUMULATORS.index("market_member_revenue")
A_POLE_TIME_SHARE_SUM = ACCUMULATORS.index("pole_time_share_sum")
A_MONTH_FTE_SHARE = ACCUMULATORS.index("month_fte_share")
A_MONTH_STARTED_IN_POLES = ACCUMULATORS.index("month_started_in_poles")
A_MONTH_COLLECTIVE = ACCUMULATORS.index("month_collective")
A_MONTH_PUBLIC = ACCUMULATORS.index("month_public")
A_MONTH_INCOME_TOTAL = ACCUMULATORS.index("month_income_total")
A_SHARE_PAID = ACCUMULATORS.index("share_paid")
#: A ledger row: pole id, month, cash before, income by source, cost, cash after.
LEDGER_WIDTH = 3 + len(SOURCES) + 2
