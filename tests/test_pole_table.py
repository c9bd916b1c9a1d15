"""The poles' table (``world/pole_state.py``): blank rows, growth, and the ``Pole`` view."""

from __future__ import annotations

import numpy as np

from ptce_sim.rules import funding as fund
from ptce_sim.rules.poles import Governance, Status
from ptce_sim.world.pole_state import FLOAT_FIELDS, INT_FIELDS, Pole, PoleTable


def test_a_new_pole_has_every_default_and_its_members() -> None:
    table = PoleTable(n_orgs=10, capacity=2)
    q = table.add(founder=3, formed=5, members=np.array([3, 7, 1]))
    pole = Pole(table, q)
    assert (pole.id, pole.founder, pole.formed, pole.members) == (0, 3, 5, [3, 7, 1])
    assert pole.status is Status.INFORMAL
    assert pole.governance is Governance.NONE
    assert pole.alive
    assert not pole.has_leader
    assert pole.leader is None
    for name in ("formalised", "vegetating_since", "died", "volunteer", "grant_end", "cause"):
        assert getattr(pole, name) is None, name
    assert pole.applied_window == -1  # a real value (no window applied to), not None
    assert pole.ledger == dict.fromkeys(fund.SOURCES, 0.0)
    assert all(getattr(pole, f) == 0.0 for f in FLOAT_FIELDS)


def test_the_view_reads_and_writes_the_row() -> None:
    table = PoleTable(n_orgs=10)
    pole = Pole(table, table.add(founder=0, formed=0, members=np.array([0, 1])))
    pole.status = Status.VEGETATING
    pole.leader = (1, 2, 4)
    pole.cause = "leader_loss"
    pole.cash = -3.5
    pole.died = 17
    row = table.ints[pole.id]
    assert row[INT_FIELDS.index("status")] == Status.VEGETATING
    assert row[INT_FIELDS.index("leader_org")] == 1
    assert pole.leader == (1, 2, 4)
    assert (pole.cause, pole.cash, pole.died) == ("leader_loss", -3.5, 17)
    pole.leader = None
    pole.died = None
    assert row[INT_FIELDS.index("leader_org")] == -1
    assert pole.died is None
    table.ledger[pole.id, fund.SOURCES.index("dues")] = 2.0
    assert pole.ledger["dues"] == 2.0  # a copy of the row...
    pole.ledger["dues"] = 9.0
    assert table.ledger[pole.id, 0] == 2.0  # ...which writes nothing back


def test_growth_keeps_the_poles_and_blanks_the_new_rows() -> None:
    table = PoleTable(n_orgs=6, capacity=1)
    first = Pole(table, table.add(founder=2, formed=1, members=np.array([2, 4])))
    first.cash = 7.0
    table.reserve(5)  # beyond the capacity: the arrays grow
    assert len(table.ints) >= 6
    assert (first.members, first.cash, first.founder) == ([2, 4], 7.0, 2)
    blank = Pole(table, 1)  # a reserved row reads as a pole that has just formed
    assert blank.status is Status.INFORMAL
    assert blank.leader is None
    assert blank.members == []
    np.testing.assert_array_equal(table.members[1:], -1)
    assert table.column("cash").tolist() == [7.0]  # only the poles that exist
