"""The compiled pieces of the partner search (``world/kernels/search.py``) against the numpy
rules they replace, exactly: a kind picked differently would change a run."""

from __future__ import annotations

import numpy as np
import pytest

from ptce_sim.base.domain import OrgKind
from ptce_sim.rules.cooperation import KIND_PROPENSITY, cumulative_propensity
from ptce_sim.world.kernels.search import _BOUND, _kind_of, _top


@pytest.mark.parametrize("seed", range(5))
def test_kind_of_picks_the_kind_of_the_cumulative_propensities(seed: int) -> None:
    """Per searcher, the compiled kind draw is the numpy one (count of cumulative
    propensities below u), including draws that fall exactly on a boundary."""
    rng = np.random.default_rng(seed)
    n = 400
    kind = rng.integers(0, len(OrgKind), n)
    animation = np.where(rng.random(n) < 0.3, 0.0, rng.random(n))
    tilt = float(rng.uniform(0, 20))
    cum = cumulative_propensity(kind, animation, tilt)
    u = rng.random(n)
    u[::7] = cum[::7, 1]  # exactly on a boundary: u > cum is False there
    u[3::7] = 0.0
    expected = (u[:, None] > cum).sum(axis=1)
    got = np.array(
        [_kind_of(u[i], KIND_PROPENSITY[kind[i]], tilt * animation[i]) for i in range(n)]
    )
    np.testing.assert_array_equal(got, expected)
    assert set(got.tolist()) >= {0, 1, 2, 3}


@pytest.mark.parametrize("seed", range(5))
def test_top_keeps_the_m_largest_keys_best_first_earlier_index_on_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = np.round(rng.gumbel(size=60), 1)  # rounded: many ties
    keys[rng.random(60) < 0.2] = -np.inf  # ineligible candidates
    for m in (1, 4, 7):
        out, best = np.empty(m, dtype=np.int64), np.empty(m)
        _top(keys, m, out, best)
        expected = sorted(range(len(keys)), key=lambda j: (-keys[j], j))[:m]
        assert out.tolist() == expected
        np.testing.assert_array_equal(best, keys[expected])


def test_the_pruning_bound_is_above_every_key_it_skips() -> None:
    """The search skips the log of a candidate when w / (u * _BOUND) is at most the m-th
    best key: that is exact only if w / E < w / (u * _BOUND) for the computed
    E = -log(1 - u), for every u >= 1e-6 (the bound's margin covers the rounding)."""
    rng = np.random.default_rng(0)
    u = np.concatenate(
        [10 ** rng.uniform(-6, 0, 200_000), rng.random(200_000), [1e-6, 0.5, 1 - 2**-53]]
    )
    u = u[(u >= 1e-6) & (u < 1)]
    w = rng.uniform(0.01, 20, len(u))
    assert np.all(w / -np.log(1.0 - u) < w / (u * _BOUND))
