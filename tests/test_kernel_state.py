"""The names the kernels index with (``world/kernels/state.py``, the kernels' own
constants) are the positions of the fields, metrics, accumulators and sources they stand
for (``world/pole_state.py``, ``rules/funding.py``, ``base/domain.py``); and the
parameter records (``world/kernels/params.py``, ``base/records.py``) carry the
declarations' names and values."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ptce_sim.base.domain import EVENT_FIELDS, OrgKind
from ptce_sim.rules.funding import PUBLIC_SOURCES, SOURCES
from ptce_sim.world import pole_state
from ptce_sim.world.kernels import pole_cell, pole_membership, state
from ptce_sim.world.kernels.params import ParamsRecord, params_record
from ptce_sim.world.parameters import Parameters
from ptce_sim.world.scenario import Scenario


def test_int_and_float_columns_are_the_pole_tables() -> None:
    for k, name in enumerate(pole_state.INT_FIELDS):
        constant = "POLE_SIZE" if name == "size" else name.upper()
        assert getattr(state, constant) == k, name
    for k, name in enumerate(pole_state.FLOAT_FIELDS):
        assert getattr(state, f"F_{name.upper()}") == k, name


def test_stat_and_accumulator_positions_are_the_registrys() -> None:
    for k, name in enumerate(pole_state.STATS):
        assert getattr(state, f"S_{name.upper()}") == k, name
    assert len(pole_state.STATS) == state.S_SHARE_MEMBERS
    shares = pole_state.STAT_KEYS[state.S_SHARE_MEMBERS :]
    assert shares == tuple(f"share_members_{k.name.lower()}" for k in OrgKind)
    for k, name in enumerate(pole_state.ACCUMULATORS):
        assert getattr(state, f"A_{name.upper()}") == k, name


def test_ledger_columns_and_sources() -> None:
    """A ledger row: pole id, month, cash before, one column per source, cost, cash
    after; the cell kernel's source constants are the sources' positions."""
    assert 3 + len(SOURCES) + 2 == state.LEDGER_WIDTH
    assert len(SOURCES) == pole_cell.N_SOURCES
    for k, source in enumerate(SOURCES):
        assert getattr(pole_cell, source.upper()) == k, source


def test_event_codes_and_buffers() -> None:
    ints, values = state.empty_events(7)
    assert ints.shape == (7, len(EVENT_FIELDS))
    assert values.shape == (7,)
    # the code of a pole_left event (base/domain.py EventKind.POLE_LEFT)
    assert (pole_membership.DISSATISFIED, pole_membership.EXCLUDED) == (0, 1)


def test_cursor_entries_are_distinct() -> None:
    assert sorted([state.SIZE, state.N_LIVE]) == [0, 1]
    assert sorted([state.N_POLES, state.LEDGER_ROWS, state.ANY_FORMAL]) == [0, 1, 2]
    counts = [state.ARRIVED, state.DEPARTED, state.TIES_LOST, state.N_EVENTS]
    assert sorted(counts) == [0, 1, 2, 3]


def test_the_public_income_of_a_month_is_the_public_sources() -> None:
    """The cell kernel sums the public sources by their constants: the month's public
    income is the sum of ``PUBLIC_SOURCES`` in the month's income by source."""
    from ptce_sim.world.model import TerritoryModel

    model = TerritoryModel(
        seed=0,
        territory_n_orgs=40,
        structural_amount=12.0,
        funding_matching_rate=1.0,
        calls_open=True,
    )
    reg = model.poles
    months_with_income = 0
    for _ in range(120):
        model.step()
        income = reg.month_income
        public = sum(income[s] for s in PUBLIC_SOURCES)
        assert reg.acc[state.A_MONTH_PUBLIC] == pytest.approx(public, abs=1e-12)
        assert reg.acc[state.A_MONTH_INCOME_TOTAL] == pytest.approx(sum(income.values()), abs=1e-12)
        months_with_income += public > 0 and income["dues"] > 0
    assert months_with_income > 12  # formal poles were paid


# -- parameter records ---------------------------------------------------------------------------
def _groups(params: Parameters) -> dict[str, object]:
    return {f.name: getattr(params, f.name) for f in dataclasses.fields(params)}


def test_the_record_has_the_declarations_names_and_values() -> None:
    scenario = Scenario().with_overrides(
        {"trust.gain": 0.37, "poles.min_size": 4, "funding.dues_mode": "revenue"}
    )
    record = params_record(scenario.params)
    assert isinstance(record, ParamsRecord)
    for group, values in _groups(scenario.params).items():
        sub = getattr(record, group)
        names = [f.name for f in dataclasses.fields(values)]
        assert list(sub._fields) == names, group
        for f in dataclasses.fields(values):
            value = getattr(values, f.name)
            if isinstance(value, str):  # a choice: its index among the choices
                assert getattr(sub, f.name) == f.metadata["choices"].index(value)
            else:
                assert getattr(sub, f.name) == value, (group, f.name)
                assert type(getattr(sub, f.name)) is type(value), (group, f.name)
    assert record.trust.gain == 0.37
    assert record.poles.min_size == 4
    assert record.funding.dues_mode == 1  # ("flat", "revenue")


def test_a_model_hands_its_parameters_to_the_kernels_as_a_record() -> None:
    from ptce_sim.world.model import TerritoryModel

    model = TerritoryModel(seed=0, territory_n_orgs=30, cooperation_threshold=0.33)
    assert params_record(model.params) == model._P
    assert model._P.cooperation.threshold == 0.33
    # a policy change rebuilds it
    model.set_parameters({"turnover.rate": 0.07}, "test", 0)
    assert model._P.turnover.rate == 0.07
    assert np.isclose(model._D.kind_costs, model.params.cooperation.costs()).all()
