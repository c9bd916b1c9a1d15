"""Return learning and aspiration (rules/learning.py): worked examples and properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptce_sim.rules import learning

unit = st.floats(0.0, 1.0)
returns = st.floats(-50.0, 250.0)


def test_learn_worked_example() -> None:
    # rho: (1 - 0.2) * 5 + 0.2 * 10 = 4 + 2 = 6
    assert learning.learn(5.0, 10.0, 0.2) == pytest.approx(6.0)
    # a failure that returned nothing: 0.8 * 5 + 0.2 * 0 = 4
    assert learning.learn(5.0, 0.0, 0.2) == pytest.approx(4.0)
    # rate 1: the latest return only ; rate 0: nothing learnt
    assert learning.learn(5.0, 3.0, 1.0) == 3.0
    assert learning.learn(5.0, 3.0, 0.0) == 5.0


def test_aspire_worked_example() -> None:
    # a: (1 - 0.05) * 4 + 0.05 * 6 = 3.8 + 0.3 = 4.1
    assert learning.aspire(4.0, 6.0, 0.05) == pytest.approx(4.1)
    # from above: 0.95 * 6 + 0.05 * 4 = 5.9
    assert learning.aspire(6.0, 4.0, 0.05) == pytest.approx(5.9)
    assert learning.aspire(4.0, 6.0, 0.0) == 4.0


def test_repeated_learning_converges_geometrically() -> None:
    # rho_n = r + (rho_0 - r) * (1 - lambda)^n: 10 + (5 - 10) * 0.8^5 = 10 - 5 * 0.32768 = 8.3616
    rho = 5.0
    for _ in range(5):
        rho = learning.learn(rho, 10.0, 0.2)
    assert rho == pytest.approx(8.3616)


def test_aspiration_lags_the_perceived_return() -> None:
    """A step in perceived return: aspiration approaches it month by month, from below."""
    a = 5.0
    path = []
    for _ in range(24):
        a = learning.aspire(a, 8.0, 0.05)
        path.append(a)
    assert all(x < y for x, y in itertools.pairwise(path))  # rises every month
    assert path[-1] < 8.0
    # 8 - 3 * 0.95^24 = 8 - 3 * 0.291989 = 7.124033
    assert path[-1] == pytest.approx(7.124033, abs=1e-6)


@given(rho=returns, r=returns, rate=unit)
def test_learn_lies_between_the_old_belief_and_the_new_return(
    rho: float, r: float, rate: float
) -> None:
    new = learning.learn(rho, r, rate)
    assert min(rho, r) - 1e-9 <= new <= max(rho, r) + 1e-9


@given(rho=returns, r1=returns, r2=returns, rate=unit)
def test_learn_is_non_decreasing_in_the_realised_return(
    rho: float, r1: float, r2: float, rate: float
) -> None:
    lo, hi = sorted((r1, r2))
    assert learning.learn(rho, lo, rate) <= learning.learn(rho, hi, rate)


@given(a=returns, rho=returns, mu=unit)
def test_aspire_lies_between_aspiration_and_perceived_return(
    a: float, rho: float, mu: float
) -> None:
    new = learning.aspire(a, rho, mu)
    assert min(a, rho) - 1e-9 <= new <= max(a, rho) + 1e-9
    assert abs(new - rho) <= abs(a - rho) + 1e-9
