"""The random streams handed to compiled kernels (``world/kernels/streams_box.py``): a draw
inside a kernel is the draw numpy makes, and it advances the model's own generators."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from ptce_sim.base.rng import make_streams
from ptce_sim.world.kernels.streams_box import BOXED, box_streams


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


@pytest.mark.slow  # ~11 s: compiling a kernel that draws five kinds of arrays
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


@pytest.mark.parametrize("seed", range(10))
def test_bounded_integer_draws_concatenate(seed: int) -> None:
    """Membership draws the patience of every member of every pole in one call: the
    same numbers, and the same stream state after, as one call per pole."""
    sizes = np.random.default_rng(seed + 100).integers(0, 9, size=6).tolist()
    one, split = np.random.default_rng(seed), np.random.default_rng(seed)
    joined = one.integers(3, 13, size=sum(sizes))
    parts = [split.integers(3, 13, size=s) for s in sizes]
    np.testing.assert_array_equal(joined, np.concatenate(parts))
    assert one.bit_generator.state == split.bit_generator.state
    assert one.random() == split.random()


def test_streams_box_holds_the_models_generators() -> None:
    streams = make_streams(3)
    box = box_streams(streams)
    for name in BOXED:
        assert getattr(box, name) is streams[name], name
    with pytest.raises(AttributeError):
        box.territory  # noqa: B018 - drawn in Python only, not boxed
