"""The project table's list of live rows: the phases that visit projects under way walk
it instead of the whole table, so it must hold exactly the active rows, in row order."""

from __future__ import annotations

import numpy as np

from ptce_sim.world.model import TerritoryModel
from ptce_sim.world.projects import NewProjects, ProjectTable


def test_live_rows_are_the_active_rows_in_order_every_month() -> None:
    model = TerritoryModel(seed=2)
    pt = model.projects
    collective = 0
    for _ in range(240):
        model.step()
        collective += model.poles.month_collective
        live = pt.live_rows()
        np.testing.assert_array_equal(live, np.flatnonzero(pt.active[: pt.size]))
        assert pt.n_active() == len(live)
    assert pt.size > 10 * pt.n_live  # most projects have ended: the list is short
    assert collective > 0  # collective offers (ProjectTable.add) were among them


def test_add_and_commit_append_live_rows_across_growth() -> None:
    pt = ProjectTable(capacity=2, width=3)
    k = 3
    batch = NewProjects(
        kind=np.zeros(k, dtype=np.int64),
        members=np.array([[0, 1, -1]] * k),
        slots=np.zeros((k, 3), dtype=np.int64),
        gens=np.zeros((k, 3), dtype=np.int64),
        start=0,
        duration=np.array([1, 5, 2]),
        cost=np.ones(k),
        nominal_cost=np.ones(k),
        fit=np.ones((k, 3)),
        comp=np.ones(k),
    )
    np.testing.assert_array_equal(pt.add(batch), [0, 1, 2])  # grows past capacity 2
    pt._grow(pt.size + 2)
    pt.active[3:5], pt.end[3:5] = True, 9  # rows written in place, as the search kernel does
    pt.commit(2)
    np.testing.assert_array_equal(pt.live_rows(), [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(pt.due(2), [0, 2])
