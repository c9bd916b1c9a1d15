"""A rule compiled into a kernel gives the bits it gives in Python (``rules/jit.py``: the
rules use ``math``, whose compiled functions are the C library's, so that testing a rule
in Python tests the code that runs). Checked on the rules with transcendental functions,
powers, rounding or integer conversions, through small compiled callers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

import ptce_sim.world.kernels  # noqa: F401 - compiles the rules (register_jitable)
from ptce_sim.rules import cell, lifecycle, outcomes, search, trust, turnover
from ptce_sim.world.kernels.params import params_record
from ptce_sim.world.parameters import Parameters

R = params_record(Parameters())
unit = st.floats(0.0, 1.0)
#: The uniform draws numpy makes: multiples of 2^-53 in [0, 1) (so 1 - u is exact; a rule
#: given u in (0, 2^-53) would take log(0), which Python refuses and numba does not).
uniform01 = st.one_of(
    st.integers(0, 2**53 - 1).map(lambda k: k * 2.0**-53),
    st.floats(0.0, 1.0, exclude_max=True).map(lambda x: np.floor(x * 2.0**53) * 2.0**-53),
)


@njit
def _floats(x, y, z, w, u, r):  # pragma: no cover - compiled
    out = np.empty(11)
    out[0] = trust.stranger_trust(x, r.trust) + trust.history_floor(int(w * 40), r.trust)
    out[1] = outcomes.success_probability(x, y, z, r.cooperation)
    out[2] = outcomes.payoff_factor(w * 8.0 - 4.0, y * 3.0)
    out[3] = search.acquaintance(w * 2.0, r.cooperation)
    out[4] = search.partners_wanted(min(u, 0.999), r.cooperation)
    out[5] = search.choice_key(x, True, 10.0 * z, u)
    out[6] = search.score(x, y, z, w, u)
    out[7] = lifecycle.formalisation_hazard(True, x, r.poles)
    out[8] = search.expected_return(x, 250.0 * y, 0.01 + 2.0 * z, 0.01 + w, 5.0)
    out[9] = outcomes.gain(6.8, x, 0.13, 1 + int(59 * y), u < 0.5, w * 8.0 - 4.0, r.cooperation)
    out[10] = cell.sized_fte(40.0 * z, r.cell)
    return out


def _floats_python(x, y, z, w, u, r):
    return np.array(
        [
            trust.stranger_trust(x, r.trust) + trust.history_floor(int(w * 40), r.trust),
            outcomes.success_probability(x, y, z, r.cooperation),
            outcomes.payoff_factor(w * 8.0 - 4.0, y * 3.0),
            search.acquaintance(w * 2.0, r.cooperation),
            search.partners_wanted(min(u, 0.999), r.cooperation),
            search.choice_key(x, True, 10.0 * z, u),
            search.score(x, y, z, w, u),
            lifecycle.formalisation_hazard(True, x, r.poles),
            search.expected_return(x, 250.0 * y, 0.01 + 2.0 * z, 0.01 + w, 5.0),
            outcomes.gain(6.8, x, 0.13, 1 + int(59 * y), u < 0.5, w * 8.0 - 4.0, r.cooperation),
            cell.sized_fte(40.0 * z, r.cell),
        ]
    )


@pytest.mark.slow  # ~5 s, most of it compiling
@settings(max_examples=300)
@given(x=unit, y=unit, z=unit, w=unit, u=uniform01)
def test_compiled_rules_give_pythons_bits(x: float, y: float, z: float, w: float, u: float) -> None:
    np.testing.assert_array_equal(_floats(x, y, z, w, u, R), _floats_python(x, y, z, w, u, R))


@njit
def _ints(u, lo, span, fte, cash, members, r):  # pragma: no cover - compiled
    out = np.empty(6)
    out[0] = turnover.vacancy_months(u, lo, lo + span)
    out[1] = search.project_duration(u, lo + 1, lo + 1 + span)
    out[2] = search.partners_wanted(min(u, 0.999), r.cooperation)
    out[3] = search.geometric(min(u, 0.999), 0.05 + 0.9 * (span / 24.0))
    out[4] = cell.staffing(fte, cash, members, r.cell)
    out[5] = cell.cell_staff(span, fte, cash, members, r.cell)
    return out


@pytest.mark.slow  # ~5 s, most of it compiling
@settings(max_examples=300)
@given(
    u=uniform01,
    lo=st.integers(0, 12),
    span=st.integers(0, 24),
    twentieths=st.integers(0, 60),
    cash=st.floats(-10.0, 60.0),
    members=st.integers(0, 40),
)
def test_compiled_integer_and_rounding_rules_give_pythons_values(
    u: float, lo: int, span: int, twentieths: int, cash: float, members: int
) -> None:
    """Including ``round(x, 9)`` in the staffing rule: compiled, it rounds ``x * 1e9``;
    on FTE values (steps of 0.05) both agree."""
    fte = twentieths * 0.05
    python = [
        turnover.vacancy_months(u, lo, lo + span),
        search.project_duration(u, lo + 1, lo + 1 + span),
        search.partners_wanted(min(u, 0.999), R.cooperation),  # see test_rules_search
        search.geometric(min(u, 0.999), 0.05 + 0.9 * (span / 24.0)),
        cell.staffing(fte, cash, members, R.cell),
        cell.cell_staff(span, fte, cash, members, R.cell),
    ]
    np.testing.assert_array_equal(_ints(u, lo, span, fte, cash, members, R), python)


@njit
def _kind(u, row, tilt, a):  # pragma: no cover - compiled
    return search.project_kind(u, row, tilt, a)


@given(u=uniform01, kind=st.integers(0, 5), tilt=st.floats(0.0, 50.0), a=unit)
def test_compiled_project_kind_is_pythons(u: float, kind: int, tilt: float, a: float) -> None:
    from ptce_sim.rules.cooperation import KIND_PROPENSITY

    row = KIND_PROPENSITY[kind]
    assert _kind(u, row, tilt, a) == search.project_kind(u, row, tilt, a)
