"""The pole lifecycle and funding rules, against hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptce_sim.rules import funding as fund
from ptce_sim.rules import poles as rule
from ptce_sim.rules.poles import PoleParams, Status

# Worked examples are computed by hand with these values, pinned so that recalibrating
# the defaults does not change what the examples check.
P = PoleParams(value_premium=0.5, pole_time=0.05, trust_threshold=0.4, join_consider=0.1)
CELL = fund.CellParams(initial_fte=1.0, hire_min_members=10, fte_cap=1.5)


def test_formalisation_hazard_worked_example() -> None:
    # 1 - exp(-0.04 * 1 * (1 + 2 * 1)) = 1 - exp(-0.12) = 0.11308
    assert rule.formalisation_hazard(1, 1, P) == pytest.approx(1 - math.exp(-0.12))
    assert rule.formalisation_hazard(1, 0, P) == pytest.approx(1 - math.exp(-0.04))
    assert rule.formalisation_hazard(0, 1, P) == 0.0


def test_formalisation_needs_every_condition() -> None:
    ok = {
        "size": 8,
        "mean_trust": 0.5,
        "has_leader": True,
        "pledged": 18.0,
        "first_year_cost": 60.0,
    }
    assert rule.formalisation_eligible(**ok, p=P)  # 18 >= 0.3 * 60
    assert not rule.formalisation_eligible(**{**ok, "size": 7}, p=P)
    assert not rule.formalisation_eligible(**{**ok, "mean_trust": 0.41}, p=P)
    assert not rule.formalisation_eligible(**{**ok, "has_leader": False}, p=P)
    assert not rule.formalisation_eligible(**{**ok, "pledged": 17.9}, p=P)


def test_animation_intensity_cases() -> None:
    assert rule.animation_intensity(Status.FORMAL, 1.5, False, True, P) == 1.0
    assert rule.animation_intensity(Status.FORMAL, 0.75, False, True, P) == 0.5  # 0.75 / 1.5
    assert rule.animation_intensity(Status.FORMAL, 0.75, False, False, P) == 0.25  # x (1 - 0.5)
    assert rule.animation_intensity(Status.FORMAL, 0.0, True, True, P) == 0.4  # volunteer
    assert rule.animation_intensity(Status.FORMAL, 0.0, False, True, P) == 0.0
    assert rule.animation_intensity(Status.INFORMAL, 0.0, False, True, P) == 0.2
    assert rule.animation_intensity(Status.VEGETATING, 1.0, True, True, P) == 0.0


def test_institutionalisation() -> None:
    # formal, delegated: 0.5 + 0.03 * 0.5 = 0.515; dedicated: 0.5 + 0.06 * 0.5 = 0.53
    assert rule.institutionalise(0.5, Status.FORMAL, False, P) == pytest.approx(0.515)
    assert rule.institutionalise(0.5, Status.FORMAL, True, P) == pytest.approx(0.53)
    # vegetating: 0.5 * (1 - 0.05) = 0.475
    assert rule.institutionalise(0.5, Status.VEGETATING, True, P) == pytest.approx(0.475)


def test_join_value_worked_example() -> None:
    # rho c_P + alpha H V0 - dues - c_P rho0 = 6*0.05 + 0.6*0.8*0.5 - 0.05 - 0.05*5
    v = rule.join_value(6.0, 0.6, 0.8, 0.05, 5.0, P)
    assert v == pytest.approx(0.3 + 0.24 - 0.05 - 0.25)


def test_value_driven_members_tolerate_lower_returns() -> None:
    # tolerance = alpha * H * V0 / c_P = 0.8 * 1 * 0.5 / 0.05 = 8 k€/FTE-month
    assert not rule.dissatisfied(2.0, 5.0, 0.8, 1.0, P)
    assert rule.dissatisfied(2.0, 5.0, 0.1, 1.0, P)  # 2 < 5 - 1


def test_succession_probability() -> None:
    # 0.06 * (0.5 + 0.3) / 2 + 0 = 0.024
    assert rule.succession_probability(0.5, 0.3, P) == pytest.approx(0.024)
    supported = PoleParams(succession_support=0.05)
    assert rule.succession_probability(0.5, 0.3, supported) == pytest.approx(0.074)


def test_death_causes_in_order() -> None:
    base = {
        "cash": 0.0,
        "vegetating_months": 0,
        "size": 10,
        "idle_months": 0,
        "leaderless_months": 0,
        "mean_trust": 0.5,
    }
    assert rule.death_cause(**base, p=P) is None
    assert rule.death_cause(**{**base, "cash": -31.0}, p=P) == "funding"
    assert rule.death_cause(**{**base, "vegetating_months": 24}, p=P) == "funding"
    assert rule.death_cause(**{**base, "size": 4, "leaderless_months": 12}, p=P) == "leader_loss"
    assert rule.death_cause(**{**base, "size": 4, "mean_trust": 0.3}, p=P) == "trust_collapse"
    assert rule.death_cause(**{**base, "idle_months": 18}, p=P) == "membership_erosion"


def test_reachable() -> None:
    adj = np.zeros((6, 6), dtype=bool)
    for a, b in [(0, 1), (1, 2), (4, 5)]:
        adj[a, b] = adj[b, a] = True
    np.testing.assert_array_equal(rule.reachable(adj, 0), [1, 1, 1, 0, 0, 0])
    np.testing.assert_array_equal(rule.reachable(adj, 5), [0, 0, 0, 0, 1, 1])


@pytest.mark.parametrize("seed", range(5))
def test_emergence_kernel_matches_the_reference(seed: int) -> None:
    """world.kernels.trusted_component is rules.poles.reachable on the trusted graph."""
    from ptce_sim.rules.trust import effective_trust
    from ptce_sim.world import kernels

    rng = np.random.default_rng(seed)
    n = 30
    history = np.triu(rng.integers(0, 3, (n, n)), 1)
    history = history + history.T
    tau0 = rng.uniform(0.2, 0.5, (n, n))
    tau0 = (tau0 + tau0.T) / 2
    best = rng.uniform(-0.1, 0.2, (n, n))
    best = (best + best.T) / 2
    theta = rng.uniform(0.2, 0.6, (n, n))
    theta = (theta + theta.T) / 2
    outside = rng.random(n) < 0.8
    omega, threshold = 0.8, 0.4
    adj = (history > 0) & (effective_trust(tau0 + best, theta, omega) >= threshold)
    adj &= outside[:, None] & outside[None, :]
    np.fill_diagonal(adj, False)
    pole_of = np.where(outside, -1, 0).astype(np.int64)
    for start in np.flatnonzero(outside)[:5]:
        expected = np.flatnonzero(rule.reachable(adj, int(start)) & outside)
        got = kernels.trusted_component(
            int(start), outside, pole_of, history, tau0, best, theta, omega, threshold
        )
        np.testing.assert_array_equal(np.sort(got), expected)


def test_staffing_rule() -> None:
    # 1 FTE costs 5 k€/month: below 3 months (15 k€) cut 0.5 FTE.
    assert fund.staffing(1.0, 14.0, 15, CELL) == 0.5
    assert fund.staffing(1.0, 20.0, 15, CELL) == 1.0
    # Hire to 1.5 FTE only above 12 months of the new cost (90 k€) with >= 10 members.
    assert fund.staffing(1.0, 91.0, 10, CELL) == 1.5
    assert fund.staffing(1.0, 91.0, 9, CELL) == 1.0
    assert fund.staffing(1.5, 1000.0, 30, CELL) == 1.5  # cap
    # The first post is re-hired without the member condition: 12 * 0.5 * 5 = 30 k€.
    assert fund.staffing(0.0, 31.0, 5, CELL) == 0.5


def test_dues_and_subsidy_decisions() -> None:
    fp = fund.FundingParams()
    assert fund.monthly_dues("flat", 0.6, 0.002, 1000.0, True) == pytest.approx(0.05)
    assert fund.monthly_dues("revenue", 0.6, 0.002, 1200.0, True) == pytest.approx(0.2)
    # Elections every 72 months from month 62: the 12 months up to and including it.
    assert fund.is_election_year(62, fp)
    assert fund.is_election_year(51, fp)
    assert not fund.is_election_year(50, fp)
    assert not fund.is_election_year(63, fp)
    assert fund.is_election_year(134, fp)
    assert fund.renewal_probability(62, fp) == pytest.approx(0.8 * 0.6)
    assert fund.renewal_probability(70, fp) == pytest.approx(0.8)


def test_calls_and_structural_funding() -> None:
    cp = fund.CallParams()
    # maturity = (0.4 + min(1, 5/10)) / 2 = 0.45; p = 0.3 * (0.5 + 0.5 * 0.45) = 0.2175
    m = fund.maturity(0.4, 5)
    assert m == pytest.approx(0.45)
    assert fund.call_win_probability(m, cp) == pytest.approx(0.2175)
    # 60 k€/year, 25% on performance: 5 * 0.75 = 3.75 without, 5 with.
    assert fund.structural_income(60.0, 0.25, False) == pytest.approx(3.75)
    assert fund.structural_income(60.0, 0.25, True) == pytest.approx(5.0)


@given(
    cash=st.floats(-1e4, 1e4),
    fte=st.sampled_from([0.0, 0.5, 1.0, 1.5]),
    members=st.integers(0, 50),
)
def test_staffing_stays_within_zero_and_cap(cash: float, fte: float, members: int) -> None:
    new = fund.staffing(fte, cash, members, CELL)
    assert 0.0 <= new <= CELL.fte_cap
    assert abs(new - fte) <= CELL.fte_step + 1e-9
