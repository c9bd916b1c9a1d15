"""The compiled animation cell (``world/kernels/pole_cell.py``): its scalar rules
against ``rules/funding.py``, its parameter vector, and the volunteer choice."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from ptce_sim.world.pole_params import cell_params

from ptce_sim.rules import funding as fund
from ptce_sim.world.kernels import pole_cell
from ptce_sim.world.scenario import Scenario

FP = fund.FundingParams()


def _cp(**changes: object) -> np.ndarray:
    """The kernel's parameter vector for the default scenario with dotted changes."""
    return cell_params(Scenario().with_overrides(changes).params)


CP = _cp()
CELL = fund.CellParams()


def test_parameter_names_and_positions() -> None:
    for k, name in enumerate(pole_cell.CELL_PARAMS):
        assert getattr(pole_cell, f"C_{name.upper()}") == k
    for k, source in enumerate(fund.SOURCES):
        assert getattr(pole_cell, source.upper()) == k
    assert len(fund.SOURCES) == pole_cell.N_SOURCES
    cp = _cp(**{"cell.fte_step": 0.3, "funding.election_period": 48})
    assert cp[pole_cell.C_FTE_STEP] == 0.3
    assert cp[pole_cell.C_ELECTION_PERIOD] == 48


ELECTIONS = [
    (FP, CP),
    (
        fund.FundingParams(election_offset=3, election_period=24),
        _cp(**{"funding.election_offset": 3, "funding.election_period": 24}),
    ),
]


@given(st.integers(0, 400), st.sampled_from(ELECTIONS))
def test_election_years_and_renewal_are_the_rule(month: int, case: tuple) -> None:
    p, cp = case
    assert pole_cell.is_election_year(month, cp) == fund.is_election_year(month, p)
    assert pole_cell.renewal_probability(month, cp) == fund.renewal_probability(month, p)


@given(st.floats(0.0, 100.0), st.floats(0.0, 1.0), st.booleans())
def test_structural_income_is_the_rule(amount: float, share: float, meets: bool) -> None:
    assert pole_cell.structural_income(amount, share, meets) == (
        fund.structural_income(amount, share, meets)
    )


@given(
    st.integers(0, 60),  # FTE in steps of 0.05 (the grid of the parameters' values)
    st.floats(-50.0, 300.0),
    st.integers(0, 40),
    st.sampled_from([0.1, 0.25, 0.3, 0.5, 1.0]),
)
def test_staffing_is_the_rule(fte_twentieths: int, cash: float, members: int, step: float) -> None:
    """Including ``round(x, 9)``: numba rounds ``x * 1e9``, Python rounds correctly;
    on FTE values they agree."""
    fte = fte_twentieths * 0.05
    cell = fund.CellParams(fte_step=step)
    cp = CP.copy()
    cp[pole_cell.C_FTE_STEP] = step
    assert pole_cell.staffing(fte, cash, members, cp) == fund.staffing(fte, cash, members, cell)


def test_staffing_walks_down_and_up_the_grid() -> None:
    """A cell cut step by step from its initial FTE, then hired back: the same FTE
    values as the rule at every step (the sequences the runs produce)."""
    fte_k = fte_r = CELL.initial_fte
    for cash in [-10.0] * 5 + [1000.0] * 6:
        fte_k = pole_cell.staffing(fte_k, cash, 20, CP)
        fte_r = fund.staffing(fte_r, cash, 20, CELL)
        assert fte_k == fte_r
    assert fte_r == CELL.fte_cap


def test_volunteer_is_the_most_committed_member_with_time() -> None:
    n = 6
    homophily = np.full((n, n), 0.5)
    np.fill_diagonal(homophily, 1.0)
    alpha = np.array([0.9, 0.2, 0.9, 0.7, 0.9, 0.1])
    budget = np.ones(n)
    used = np.array([1.0, 0.0, 0.0, 0.0, 0.0, 0.0])  # member 0 has no time left
    idx = np.array([0, 1, 2, 3, 4], dtype=np.int64)
    cp = CP.copy()
    cp[pole_cell.C_VOLUNTEER_ANIMATION] = 0.5
    cp[pole_cell.C_VOLUNTEER_ALPHA] = 0.3
    cp[pole_cell.C_VOLUNTEER_FTE] = 0.2
    # Members 2 and 4 tie on commitment (0.9 * 0.6): the first one volunteers.
    assert pole_cell.volunteer(idx, -1, homophily, alpha, budget, used, cp) == 2
    # The current volunteer stays while a member, whoever is more committed.
    assert pole_cell.volunteer(idx, 1, homophily, alpha, budget, used, cp) == 1
    # Nobody committed enough: none.
    cp[pole_cell.C_VOLUNTEER_ALPHA] = 0.95
    assert pole_cell.volunteer(idx, -1, homophily, alpha, budget, used, cp) == -1
    # No volunteer animation in the scenario: none, even the current one.
    cp[pole_cell.C_VOLUNTEER_ANIMATION] = 0.0
    assert pole_cell.volunteer(idx, 1, homophily, alpha, budget, used, cp) == -1
