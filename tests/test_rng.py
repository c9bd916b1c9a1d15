"""Named random streams: reproducible, seed-sensitive, append-only, 0 is a seed."""

from __future__ import annotations

import numpy as np
import pytest

from ptce_sim.base.rng import STREAM_NAMES, make_streams

N = 16


def _draws(streams: dict[str, np.random.Generator]) -> dict[str, np.ndarray]:
    return {name: gen.random(N) for name, gen in streams.items()}


def test_one_generator_per_name_in_spawn_order() -> None:
    streams = make_streams(1)
    assert list(streams) == list(STREAM_NAMES)
    assert all(isinstance(g, np.random.Generator) for g in streams.values())
    assert len(set(STREAM_NAMES)) == len(STREAM_NAMES)
    # Each call builds fresh generators, never shared state.
    again = make_streams(1)
    assert all(streams[n] is not again[n] for n in STREAM_NAMES)


def test_same_seed_gives_same_draws() -> None:
    a, b = _draws(make_streams(42)), _draws(make_streams(42))
    for name in STREAM_NAMES:
        np.testing.assert_array_equal(a[name], b[name])


def test_different_seeds_give_different_draws() -> None:
    a, b = _draws(make_streams(42)), _draws(make_streams(43))
    for name in STREAM_NAMES:
        assert not np.array_equal(a[name], b[name]), name


def test_streams_of_one_seed_differ_from_each_other() -> None:
    draws = _draws(make_streams(7))
    firsts = {float(d[0]) for d in draws.values()}
    assert len(firsts) == len(STREAM_NAMES)


def test_seed_zero_is_a_seed() -> None:
    zero, one = _draws(make_streams(0)), _draws(make_streams(1))
    again = _draws(make_streams(0))
    for name in STREAM_NAMES:
        np.testing.assert_array_equal(zero[name], again[name])
        assert not np.array_equal(zero[name], one[name])


def test_numpy_integer_seed_equals_python_int_seed() -> None:
    a, b = _draws(make_streams(np.int64(5))), _draws(make_streams(5))
    for name in STREAM_NAMES:
        np.testing.assert_array_equal(a[name], b[name])


def test_large_seed_is_accepted() -> None:
    streams = make_streams(2**63 + 12345)
    assert streams["turnover"].random() != make_streams(12345)["turnover"].random()


@pytest.mark.parametrize("seed", [-1, -(2**40), True, False, 1.0, 1.5, "1", None])
def test_bad_seeds_are_refused(seed: object) -> None:
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        make_streams(seed)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [0, 1, 20240601])
def test_streams_are_spawned_children_of_the_root_seed(seed: int) -> None:
    """Stream i is child i of ``SeedSequence(seed)``: the documented derivation."""
    children = np.random.SeedSequence(seed).spawn(len(STREAM_NAMES))
    streams = make_streams(seed)
    for name, child in zip(STREAM_NAMES, children, strict=True):
        expected = np.random.Generator(np.random.PCG64(child)).random(N)
        np.testing.assert_array_equal(streams[name].random(N), expected)


@pytest.mark.parametrize("seed", [0, 3, 99])
def test_appending_stream_names_leaves_existing_streams_unchanged(seed: int) -> None:
    """Spawning more children (a longer, appended list) keeps the first ones identical."""
    longer = np.random.SeedSequence(seed).spawn(len(STREAM_NAMES) + 3)
    streams = make_streams(seed)
    for name, child in zip(STREAM_NAMES, longer[: len(STREAM_NAMES)], strict=True):
        expected = np.random.Generator(np.random.PCG64(child)).random(N)
        np.testing.assert_array_equal(streams[name].random(N), expected)
    # ... while the appended children are new streams, unlike any existing one.
    new = np.random.Generator(np.random.PCG64(longer[-1])).random(N)
    fresh = make_streams(seed)
    assert all(not np.array_equal(new, fresh[name].random(N)) for name in STREAM_NAMES)


def test_reordering_would_change_streams() -> None:
    """Guard for the append-only rule: a stream's draws depend on its position."""
    children = np.random.SeedSequence(1).spawn(2)
    first = np.random.Generator(np.random.PCG64(children[0])).random(N)
    second = np.random.Generator(np.random.PCG64(children[1])).random(N)
    assert not np.array_equal(first, second)
    streams = make_streams(1)
    np.testing.assert_array_equal(streams[STREAM_NAMES[0]].random(N), first)
    np.testing.assert_array_equal(streams[STREAM_NAMES[1]].random(N), second)


def test_no_global_random_state_is_touched() -> None:
    before = np.random.get_state()[1].copy()  # noqa: NPY002 (the legacy state is the point)
    make_streams(5)["territory"].random(100)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002
