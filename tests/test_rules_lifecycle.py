"""The life of a pole (rules/lifecycle.py, parameters ``[poles]``): leadership,
formalisation, animation, institutionalisation, vegetation, death — worked examples and
properties; and the vocabulary of poles (rules/poles.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptce_sim.base.errors import ConfigError
from ptce_sim.rules import lifecycle, poles
from ptce_sim.rules.poles import CAUSES, Governance, PoleParams, Status

# Pinned values for the worked examples (the other fields at their defaults).
P = PoleParams(
    value_premium=0.5,
    pole_time=0.05,
    trust_threshold=0.4,
    join_consider=0.1,
    min_size=5,
    core_size=4,
    formal_trust=0.42,
    formalisation_rate=0.04,
    leader_recruit=2.0,
)
unit = st.floats(0.0, 1.0)
INFORMAL, FORMAL, VEGETATING, DEAD = (int(s) for s in Status)


def test_codes_are_the_enums_and_the_causes() -> None:
    assert tuple(Status) == (poles.INFORMAL, poles.FORMAL, poles.VEGETATING, poles.DEAD)
    assert tuple(Governance) == (poles.NO_GOVERNANCE, poles.DEDICATED, poles.DELEGATED)
    assert [CAUSES[c] for c in (poles.FUNDING, poles.TRUST_COLLAPSE)] == [
        "funding",
        "trust_collapse",
    ]
    assert [CAUSES[c] for c in (poles.LEADER_LOSS, poles.MEMBERSHIP_EROSION)] == [
        "leader_loss",
        "membership_erosion",
    ]


def test_params_refuse_inconsistent_bounds() -> None:
    with pytest.raises(ConfigError, match="patience_min must not exceed patience_max"):
        PoleParams(patience_min=7, patience_max=6)
    with pytest.raises(ConfigError, match="min_size must not exceed formal_size"):
        PoleParams(min_size=9, formal_size=8)


# -- leadership ------------------------------------------------------------------------------
def test_succession_probability_worked_example() -> None:
    # 0.06 * (0.5 + 0.3) / 2 + 0 = 0.024
    assert lifecycle.succession_probability(0.5, 0.3, P) == pytest.approx(0.024)
    # a succession programme adds 0.05: 0.074
    supported = PoleParams(succession_support=0.05)
    assert lifecycle.succession_probability(0.5, 0.3, supported) == pytest.approx(0.074)
    # clipped: 1.0 * (1 + 1) / 2 + 0.5 = 1.5 -> 1
    sure = PoleParams(succession_rate=1.0, succession_support=0.5)
    assert lifecycle.succession_probability(1.0, 1.0, sure) == 1.0


@given(t1=unit, t2=unit, i=unit, s0=unit, s=unit)
def test_succession_probability_is_a_probability_growing_with_trust(
    t1: float, t2: float, i: float, s0: float, s: float
) -> None:
    p = PoleParams(succession_rate=s0, succession_support=s)
    lo, hi = sorted((t1, t2))
    p_lo = lifecycle.succession_probability(lo, i, p)
    p_hi = lifecycle.succession_probability(hi, i, p)
    assert 0.0 <= p_lo <= p_hi <= 1.0


def test_successor_weight_worked_example() -> None:
    # w_ties 1: a person with 4 ties to the other members' persons weighs 1 + 4 = 5
    assert lifecycle.successor_weight(0, P) == 1.0
    assert lifecycle.successor_weight(4, P) == 5.0
    assert lifecycle.successor_weight(4, PoleParams(successor_ties=0.5)) == 3.0
    assert lifecycle.successor_weight(4, PoleParams(successor_ties=0.0)) == 1.0


@given(t1=st.integers(0, 50), t2=st.integers(0, 50), w=st.floats(0.0, 10.0))
def test_the_best_connected_person_weighs_most(t1: int, t2: int, w: float) -> None:
    p = PoleParams(successor_ties=w)
    lo, hi = sorted((t1, t2))
    assert 1.0 <= lifecycle.successor_weight(lo, p) <= lifecycle.successor_weight(hi, p)


# -- formalisation ---------------------------------------------------------------------------
OK = {"size": 8, "mean_trust": 0.5, "has_leader": True, "pledged": 18.0, "first_year_cost": 60.0}


def test_formalisation_needs_every_condition() -> None:
    # n_F = 8, theta_F = 0.42, pledge 0.3 * 60 = 18
    assert lifecycle.formalisation_eligible(**OK, p=P)
    assert lifecycle.formalisation_eligible(**{**OK, "mean_trust": 0.42}, p=P)  # at theta_F
    assert not lifecycle.formalisation_eligible(**{**OK, "size": 7}, p=P)
    assert not lifecycle.formalisation_eligible(**{**OK, "mean_trust": 0.41}, p=P)
    assert not lifecycle.formalisation_eligible(**{**OK, "has_leader": False}, p=P)
    assert not lifecycle.formalisation_eligible(**{**OK, "pledged": 17.9}, p=P)


def test_formalisation_hazard_worked_example() -> None:
    # 1 - exp(-0.04 * 1 * (1 + 2 * 1)) = 1 - exp(-0.12) = 0.113080
    assert lifecycle.formalisation_hazard(True, 1.0, P) == pytest.approx(1 - math.exp(-0.12))
    assert lifecycle.formalisation_hazard(True, 1.0, P) == pytest.approx(0.113080, abs=1e-6)
    # no catalyst: 1 - exp(-0.04) = 0.039211
    assert lifecycle.formalisation_hazard(True, 0.0, P) == pytest.approx(0.039211, abs=1e-6)
    # not eligible: never
    assert lifecycle.formalisation_hazard(False, 1.0, P) == 0.0


@given(rate=unit, boost=st.floats(0.0, 20.0), e=unit)
def test_formalisation_hazard_is_a_probability_raised_by_a_catalyst(
    rate: float, boost: float, e: float
) -> None:
    p = PoleParams(formalisation_rate=rate, catalyst_boost=boost)
    h = lifecycle.formalisation_hazard(True, e, p)
    assert 0.0 <= h <= 1.0
    assert lifecycle.formalisation_hazard(True, 0.0, p) <= h


def test_governance_worked_example() -> None:
    # p_dedicated = 0.6
    assert lifecycle.governance(0.0, P) == Governance.DEDICATED
    assert lifecycle.governance(0.59, P) == Governance.DEDICATED
    assert lifecycle.governance(0.6, P) == Governance.DELEGATED
    assert lifecycle.governance(0.99, P) == Governance.DELEGATED


def test_governance_frequencies() -> None:
    u = np.random.default_rng(1).random(50_000)
    dedicated = np.vectorize(lambda x: lifecycle.governance(x, P))(u) == Governance.DEDICATED
    assert dedicated.mean() == pytest.approx(0.6, abs=4 * math.sqrt(0.24 / len(u)))


# -- animation, vegetation, institutionalisation -----------------------------------------------
def test_animation_intensity_cases() -> None:
    # FTE_full 1.5, l_L 0.5, A_vol 0.4, A_inf 0.2
    assert lifecycle.animation_intensity(FORMAL, 1.5, False, True, P) == 1.0
    assert lifecycle.animation_intensity(FORMAL, 2.0, False, True, P) == 1.0  # at most 1
    assert lifecycle.animation_intensity(FORMAL, 0.75, False, True, P) == 0.5  # 0.75 / 1.5
    assert lifecycle.animation_intensity(FORMAL, 0.75, False, False, P) == 0.25  # x (1 - 0.5)
    assert lifecycle.animation_intensity(FORMAL, 0.0, True, True, P) == 0.4  # volunteer
    assert lifecycle.animation_intensity(FORMAL, 0.0, True, False, P) == 0.2  # 0.4 x 0.5
    assert lifecycle.animation_intensity(FORMAL, 0.0, False, True, P) == 0.0
    assert lifecycle.animation_intensity(INFORMAL, 0.0, False, True, P) == 0.2
    assert lifecycle.animation_intensity(INFORMAL, 0.0, False, False, P) == 0.0
    assert lifecycle.animation_intensity(VEGETATING, 1.0, True, True, P) == 0.0
    assert lifecycle.animation_intensity(DEAD, 1.0, True, True, P) == 0.0


@given(
    status=st.sampled_from([INFORMAL, FORMAL, VEGETATING, DEAD]),
    f1=st.floats(0.0, 5.0),
    f2=st.floats(0.0, 5.0),
    volunteer=st.booleans(),
    leader=st.booleans(),
)
def test_animation_intensity_is_in_zero_one_and_grows_with_staff_and_leader(
    status: int, f1: float, f2: float, volunteer: bool, leader: bool
) -> None:
    lo, hi = sorted((f1, f2))
    a_lo = lifecycle.animation_intensity(status, lo, volunteer, leader, P)
    a_hi = lifecycle.animation_intensity(status, hi, volunteer, leader, P)
    assert 0.0 <= a_lo <= 1.0
    if lo > 0:
        assert a_lo <= a_hi
    assert lifecycle.animation_intensity(status, hi, volunteer, False, P) <= (
        lifecycle.animation_intensity(status, hi, volunteer, True, P)
    )


def test_vegetates_after_the_delay() -> None:
    assert not lifecycle.vegetates(8, P)
    assert lifecycle.vegetates(9, P)


def test_institutionalisation_worked_example() -> None:
    # formal, delegated: 0.5 + 0.03 * 0.5 = 0.515 ; dedicated: 0.5 + 0.06 * 0.5 = 0.53
    assert lifecycle.institutionalise(0.5, FORMAL, False, P) == pytest.approx(0.515)
    assert lifecycle.institutionalise(0.5, FORMAL, True, P) == pytest.approx(0.53)
    # vegetating: 0.5 * (1 - 0.05) = 0.475
    assert lifecycle.institutionalise(0.5, VEGETATING, True, P) == pytest.approx(0.475)
    # informal (and dead) poles are not institutions
    assert lifecycle.institutionalise(0.5, INFORMAL, False, P) == 0.0
    # a rate doubled above 1 is capped: I jumps to 1, never beyond
    fast = PoleParams(institution_rate=0.8)
    assert lifecycle.institutionalise(0.5, FORMAL, True, fast) == 1.0


@given(i=unit, status=st.sampled_from([INFORMAL, FORMAL, VEGETATING]), dedicated=st.booleans())
def test_institutionalisation_stays_in_zero_one(i: float, status: int, dedicated: bool) -> None:
    new = lifecycle.institutionalise(i, status, dedicated, P)
    assert 0.0 <= new <= 1.0
    if status == FORMAL:
        assert new >= i
    if status == VEGETATING:
        assert new <= i


# -- death -------------------------------------------------------------------------------------
def test_at_risk_worked_example() -> None:
    # n_min 5 (informal), n_core 4 (formal, vegetating), idle_limit 18
    assert not lifecycle.at_risk(5, 17, INFORMAL, P)
    assert lifecycle.at_risk(4, 0, INFORMAL, P)
    assert lifecycle.at_risk(10, 18, INFORMAL, P)
    # a formal pole keeps its hard core: 4 members live on, 3 do not
    assert not lifecycle.at_risk(4, 0, FORMAL, P)
    assert not lifecycle.at_risk(4, 0, VEGETATING, P)
    assert lifecycle.at_risk(3, 0, FORMAL, P)
    assert lifecycle.at_risk(10, 18, FORMAL, P)


def test_trust_fell_only_after_having_been_high() -> None:
    # theta_T 0.4: below it now, at or above it once
    assert lifecycle.trust_fell(0.3, 0.4, P)
    assert lifecycle.trust_fell(0.3, 0.8, P)
    assert not lifecycle.trust_fell(0.3, 0.39, P)  # never high: it did not fall
    assert not lifecycle.trust_fell(0.4, 0.8, P)  # still at the threshold


LIVES = {
    "cash": 0.0,
    "vegetating_months": 0,
    "status": INFORMAL,
    "size": 10,
    "idle_months": 0,
    "leaderless_months": 0,
    "mean_trust": 0.5,
    "trust_peak": 0.6,
}


def _cause(**changes: float) -> str | None:
    code = lifecycle.death_cause(**{**LIVES, **changes}, p=P)
    return None if code < 0 else CAUSES[code]


def test_death_causes_in_order() -> None:
    # debt limit 6 wages, vegetation death 24, n_min 5, idle 18, theta_T 0.4
    assert _cause() is None
    assert _cause(cash=-6.0) is None  # at the debt limit, not beyond
    assert _cause(cash=-6.1) == "funding"
    assert _cause(vegetating_months=24) == "funding"
    # no timer on leadership: a leaderless pole that lives on does not die
    assert _cause(leaderless_months=200) is None
    assert _cause(size=4, leaderless_months=12) == "leader_loss"
    assert _cause(size=4, leaderless_months=11, mean_trust=0.3) == "trust_collapse"
    # trust that was never high did not collapse
    assert _cause(size=4, mean_trust=0.3, trust_peak=0.35) == "membership_erosion"
    assert _cause(size=4, mean_trust=0.4) == "membership_erosion"  # trust at theta_T
    assert _cause(idle_months=18) == "membership_erosion"
    # the order of the table: funding before leader loss before the others
    assert _cause(cash=-6.1, leaderless_months=40, size=2, mean_trust=0.0) == "funding"
    assert _cause(leaderless_months=36, size=2, mean_trust=0.0) == "leader_loss"
    # a formal pole of 4 keeps its hard core; at 3 it erodes
    assert _cause(status=FORMAL, size=4) is None
    assert _cause(status=FORMAL, size=3) == "membership_erosion"


@given(
    cash=st.floats(-50.0, 10.0),
    veg=st.integers(0, 80),
    status=st.sampled_from([INFORMAL, FORMAL, VEGETATING]),
    size=st.integers(0, 30),
    idle=st.integers(0, 40),
    leaderless=st.integers(0, 60),
    trust=unit,
    peak=unit,
)
def test_a_pole_dies_exactly_when_a_condition_holds(
    cash: float,
    veg: int,
    status: int,
    size: int,
    idle: int,
    leaderless: int,
    trust: float,
    peak: float,
) -> None:
    code = lifecycle.death_cause(cash, veg, status, size, idle, leaderless, trust, peak, P)
    smallest = P.min_size if status == INFORMAL else P.core_size
    dies = (
        cash < -P.debt_limit or veg >= P.vegetation_death or size < smallest or idle >= P.idle_limit
    )
    assert (code >= 0) == dies
    assert -1 <= code < len(CAUSES)
