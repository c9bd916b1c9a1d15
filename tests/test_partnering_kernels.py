"""The compiled pieces of the partner search (``world/partnering.py``) against the numpy
rules they replace, exactly: a kind picked differently would change a run."""

from __future__ import annotations

import numpy as np
import pytest

from ptce_sim.base.domain import OrgKind
from ptce_sim.rules.cooperation import KIND_PROPENSITY
from ptce_sim.world.partnering import _kind_of, cumulative_propensity


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
