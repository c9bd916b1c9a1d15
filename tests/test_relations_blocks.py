"""The block statistics of person trust (``world/kernels/relations.py``): ``best_dev`` is
the largest deviation over the present person pairs of two organisations (0 when there
is none) and ``sum_dev`` their sum, kept up to date by refreshes and relaxation."""

from __future__ import annotations

import numpy as np
import pytest

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.world.kernels import relations as kr
from ptce_sim.world.model import TerritoryModel

S = MAX_PERSONS


def _blocks(dev: np.ndarray, present: np.ndarray, g: float) -> tuple[np.ndarray, np.ndarray]:
    """The definition, in numpy: per organisation pair, max and sum over present pairs."""
    n = present.shape[0]
    d4 = (dev * g).reshape(n, S, n, S)
    mask = present[:, :, None, None] & present[None, None, :, :]
    best = np.where(mask, d4, -np.inf).max(axis=(1, 3))
    best[np.isinf(best)] = 0.0
    total = np.where(mask, d4, 0.0).sum(axis=(1, 3))
    return best, total


@pytest.mark.parametrize("seed", range(4))
def test_refresh_rows_is_the_definition_for_the_refreshed_organisations(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 12
    dev = rng.normal(0, 0.2, (n * S, n * S))
    dev = (dev + dev.T) / 2
    present = rng.random((n, S)) < 0.7
    present[0] = False  # an organisation with nobody in post
    g = 0.8
    best_dev = np.full((n, n), 9.0)
    sum_dev = np.full((n, n), 9.0)
    orgs = np.array([0, 3, 7], dtype=np.int64)
    kr.refresh_rows(orgs, dev, g, present, best_dev, sum_dev)
    best, total = _blocks(dev, present, g)
    for a in orgs:
        np.testing.assert_array_equal(best_dev[a], best[a])
        np.testing.assert_array_equal(best_dev[:, a], best[:, a])
        np.testing.assert_allclose(sum_dev[a], total[a], rtol=1e-12, atol=1e-15)
    untouched = np.setdiff1d(np.arange(n), orgs)
    assert (best_dev[np.ix_(untouched, untouched)] == 9.0).all()
    np.testing.assert_array_equal(best_dev[0], 0.0)  # no present pair: 0


def test_a_run_keeps_the_block_statistics_of_its_person_trust() -> None:
    """After five years of turnover, projects and relaxation, every block's statistics
    are those of the person-level deviations (up to rounding: they relax separately)."""
    model = TerritoryModel(seed=3)
    for _ in range(60):
        model.step()
    rel = model.relations
    assert rel.history.sum() > 0  # projects were completed
    assert model.gen.sum() > 0  # persons left and were replaced
    best, total = _blocks(rel.scaled, model.present, rel.scale)
    np.testing.assert_allclose(rel.best_dev, best, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rel.sum_dev, total, rtol=1e-9, atol=1e-12)
