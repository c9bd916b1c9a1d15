"""The compiled lifecycle (``world/kernels/pole_life.py``): its column numbers, its
scalar rules against ``rules/poles.py``, and the random streams it draws from."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numba import njit
from ptce_sim.world.pole_params import lifecycle_params

from ptce_sim.base.rng import make_streams
from ptce_sim.rules import poles as rule
from ptce_sim.rules.poles import CAUSES, Governance, PoleParams, Status
from ptce_sim.world import pole_state
from ptce_sim.world.kernels import box_streams, pole_life, pole_report, pole_step
from ptce_sim.world.scenario import Scenario

P = PoleParams()


def _lp(**changes: object) -> np.ndarray:
    """The kernel's parameter vector for the default scenario with ``poles`` changes."""
    scenario = Scenario().with_overrides({f"poles.{k}": v for k, v in changes.items()})
    return lifecycle_params(scenario.params)


def test_column_numbers_are_the_tables() -> None:
    """The kernel's column constants name the PoleTable's columns, and its codes the
    rules' statuses, governances and causes of death."""
    for k, name in enumerate(pole_state.INT_FIELDS):
        assert getattr(pole_life, name.upper()) == k, name
    for k, name in enumerate(pole_state.FLOAT_FIELDS):
        assert getattr(pole_life, f"F_{name.upper()}") == k, name
    for status in Status:
        assert getattr(pole_life, status.name) == status
    assert (pole_life.DEDICATED, pole_life.DELEGATED) == (
        Governance.DEDICATED,
        Governance.DELEGATED,
    )
    for k, cause in enumerate(CAUSES):
        assert getattr(pole_life, cause.upper()) == k
    for k, name in enumerate(pole_life.LIFECYCLE_PARAMS):
        assert getattr(pole_life, f"P_{name.upper()}") == k
    for k, name in enumerate(pole_step.MONTH_PARAMS):
        assert getattr(pole_step, f"M_{name.upper()}") == k


def test_report_positions_are_the_registrys() -> None:
    """The month's metrics and the accumulators are written where the registry reads
    them (``pole_state.STATS``, ``STAT_KEYS``, ``ACCUMULATORS``)."""
    for k, name in enumerate(pole_state.STATS):
        assert getattr(pole_report, f"S_{name.upper()}") == k, name
    assert len(pole_state.STATS) == pole_report.S_SHARE_MEMBERS
    assert len(pole_state.STAT_KEYS) == len(pole_state.STATS) + len(pole_state.KINDS)
    for k, name in enumerate(pole_state.ACCUMULATORS):
        assert getattr(pole_report, f"A_{name.upper()}") == k, name


def test_parameter_vector_reads_the_scenario() -> None:
    lp = _lp(succession_rate=0.37, min_size=4)
    assert lp[pole_life.P_SUCCESSION_RATE] == 0.37
    assert lp[pole_life.P_MIN_SIZE] == 4
    assert lp[pole_life.P_TRUST_THRESHOLD] == P.trust_threshold


LP = _lp()
unit = st.floats(0.0, 1.0)


@given(unit, unit)
def test_succession_probability_is_the_rule(trust: float, institution: float) -> None:
    assert pole_life.succession_probability(trust, institution, LP) == (
        rule.succession_probability(trust, institution, P)
    )


@given(st.integers(0, 30), unit, st.booleans(), st.floats(0.0, 500.0), st.booleans())
def test_formalisation_is_the_rule(
    size: int, trust: float, leader: bool, pledged: float, catalyst: bool
) -> None:
    first_year = float(LP[pole_life.P_FIRST_YEAR_COST])
    eligible = rule.formalisation_eligible(size, trust, leader, pledged, first_year, P)
    assert pole_life.formalisation_eligible(size, trust, leader, pledged, LP) == eligible
    assert pole_life.formalisation_hazard(eligible, float(catalyst), LP) == (
        rule.formalisation_hazard(eligible, float(catalyst), P)
    )


@given(
    st.sampled_from([s.value for s in Status]),
    st.floats(0.0, 3.0),
    st.booleans(),
    st.booleans(),
    unit,
    st.booleans(),
)
def test_animation_and_institution_are_the_rules(
    status: int, fte: float, volunteer: bool, leader: bool, i: float, dedicated: bool
) -> None:
    assert pole_life.animation_intensity(status, fte, volunteer, leader, LP) == (
        rule.animation_intensity(status, fte, volunteer, leader, P)
    )
    assert pole_life.institutionalise(i, status, dedicated, LP) == (
        rule.institutionalise(i, status, dedicated, P)
    )


@given(
    st.floats(-200.0, 50.0),
    st.integers(0, 80),
    st.integers(0, 30),
    st.integers(0, 40),
    st.integers(0, 40),
    unit,
)
def test_death_cause_is_the_rule(
    cash: float, vegetating: int, size: int, idle: int, leaderless: int, trust: float
) -> None:
    code = pole_life.death_cause(cash, vegetating, size, idle, leaderless, trust, LP)
    expected = rule.death_cause(cash, vegetating, size, idle, leaderless, trust, P)
    assert (CAUSES[code] if code >= 0 else None) == expected


@njit
def _draw_in_kernel(streams, ks):  # pragma: no cover - compiled
    out = np.empty(3 * len(ks))
    for r in range(len(ks)):
        out[3 * r] = streams.poles.random()
        out[3 * r + 1] = streams.poles.integers(0, ks[r])
        out[3 * r + 2] = streams.funding.random()
    return out


@pytest.mark.parametrize("seed", [0, 7])
def test_kernel_draws_are_numpys_and_advance_the_model_streams(seed: int) -> None:
    """A draw in a kernel is the draw numpy makes (uniforms and bounded integers of
    many ranges, interleaved), and it advances the model's own generators: the next
    draw in Python follows on."""
    ks = np.array([1, 2, 3, 5, 7, 22, 63, 64, 65, 1000, 2**31 + 5], dtype=np.int64)
    streams = make_streams(seed)
    got = _draw_in_kernel(box_streams(streams), ks)
    ref = make_streams(seed)
    expected = []
    for k in ks.tolist():
        expected += [ref["poles"].random(), ref["poles"].integers(k), ref["funding"].random()]
    np.testing.assert_array_equal(got, np.array(expected, dtype=float))
    assert streams["poles"].random() == ref["poles"].random()
    assert streams["funding"].integers(10, size=5).tolist() == (
        ref["funding"].integers(10, size=5).tolist()
    )


@njit
def _arrays_in_kernel(streams, team, k, w):  # pragma: no cover - compiled
    a = streams.outcome.random(k)
    b = streams.outcome.standard_normal((k, w))
    c = streams.search.random((k, w))
    d = streams.poles.integers(3, 7, size=k)
    e = streams.poles.permutation(team)
    f = streams.turnover.random((2, k, 3))
    return a, b, c, d, e, f


@pytest.mark.parametrize("k", [0, 1, 9, 40])
def test_array_draws_in_a_kernel_are_numpys(k: int) -> None:
    """The array draws the month's kernels make (uniform blocks, normals for payoff
    noise, bounded integers for patience, permutations for tender teams), interleaved
    over several streams, are numpy's, and leave each stream where numpy would."""
    team = np.arange(100, 100 + max(k, 1), dtype=np.int64)
    streams = make_streams(11)
    got = _arrays_in_kernel(box_streams(streams), team, k, 8)
    ref = make_streams(11)
    expected = (
        ref["outcome"].random(k),
        ref["outcome"].standard_normal((k, 8)),
        ref["search"].random((k, 8)),
        ref["poles"].integers(3, 7, size=k),
        ref["poles"].permutation(team),
        ref["turnover"].random((2, k, 3)),
    )
    for x, y in zip(got, expected, strict=True):
        np.testing.assert_array_equal(x, y)
    for name in ("outcome", "search", "poles", "turnover"):
        assert streams[name].random() == ref[name].random(), name


def test_streams_box_holds_the_models_generators() -> None:
    streams = make_streams(3)
    box = box_streams(streams)
    assert box.poles is streams["poles"]
    assert box.funding is streams["funding"]
