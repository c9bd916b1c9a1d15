"""The project table (``world/projects.py``): rows reserved before a month, written by the
kernels at the cursor, and its list of live rows — the phases that visit projects under
way walk it instead of the whole table, so it must hold exactly the active rows, in row
order."""

from __future__ import annotations

import numpy as np

from ptce_sim.world.kernels.state import N_LIVE, SIZE
from ptce_sim.world.model import TerritoryModel
from ptce_sim.world.projects import ProjectTable


def test_live_rows_are_the_active_rows_in_order_every_month() -> None:
    # frequent tenders of 5 members: collective offers (kernels/offers.py) happen
    model = TerritoryModel(
        seed=1, territory_n_orgs=40, poles_tender_rate=0.5, poles_tender_size=5, run_steps=240
    )
    pt = model.projects
    collective = 0
    for _ in range(240):
        model.step()
        collective += model.poles.month_collective
        live = pt.live_rows()
        np.testing.assert_array_equal(live, np.flatnonzero(pt.active[: pt.size]))
        assert pt.n_live == len(live)
    assert pt.size > 10 * pt.n_live  # most projects have ended: the list is short
    assert collective > 0  # collective offers (kernels/offers.py) were among them


def test_rows_are_numbered_in_start_order_and_never_reused() -> None:
    model = TerritoryModel(seed=2, territory_n_orgs=30, run_steps=60)
    pt = model.projects
    for _ in range(60):
        model.step()
    start = pt.start[: pt.size]
    assert (np.diff(start) >= 0).all()
    assert (pt.end[: pt.size] > start).all()
    members = pt.members[: pt.size]
    assert ((members >= 0).sum(axis=1) >= 2).all()  # two participants or more
    # participants fill a row from the left
    filled = members >= 0
    assert (filled[:, :-1] | ~filled[:, 1:]).all()


def test_reserve_grows_the_arrays_and_keeps_the_rows() -> None:
    pt = ProjectTable(capacity=2, width=3)
    assert (pt.size, pt.n_live) == (0, 0)
    pt.reserve(2)  # fits: nothing moves
    kind = pt.kind
    assert pt.kind is kind
    # a kernel writes three rows at the cursor and makes them live
    pt.reserve(3)
    assert len(pt.kind) >= 3
    for r in range(3):
        pt.kind[r], pt.start[r], pt.end[r], pt.active[r] = r + 1, 0, 5 + r, True
        pt.members[r, :2] = [r, r + 1]
        pt.live[r] = r
    pt.cursor[SIZE], pt.cursor[N_LIVE] = 3, 3
    capacity = len(pt.kind)
    pt.reserve(capacity)  # grows (at least doubles); the rows written are kept
    assert len(pt.kind) >= 2 * capacity
    np.testing.assert_array_equal(pt.kind[:3], [1, 2, 3])
    np.testing.assert_array_equal(pt.end[:3], [5, 6, 7])
    np.testing.assert_array_equal(pt.members[:3, :2], [[0, 1], [1, 2], [2, 3]])
    np.testing.assert_array_equal(pt.live_rows(), [0, 1, 2])
    # the new rows are blank: no members, inactive
    assert (pt.members[3:] == -1).all()
    assert not pt.active[3:].any()
    assert (pt.size, pt.n_live) == (3, 3)


def test_the_record_is_the_tables_arrays_until_they_are_replaced() -> None:
    pt = ProjectTable(capacity=4, width=5)
    record = pt.record()
    assert pt.record() is record
    assert record.members is pt.members
    assert record.cursor is pt.cursor
    pt.reserve(100)  # replaced arrays: a new record
    assert pt.record() is not record
    assert pt.record().members is pt.members
    assert pt.record().cursor is pt.cursor  # the cursor survives growth
