"""The batched pole kernels (``world/kernels/pole_month.py``) against the pure rules and
the per-pole numpy code they replaced, on random inputs; and the draw-order property the
batched membership phase relies on."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules import poles as rule
from ptce_sim.rules.poles import PoleParams
from ptce_sim.rules.trust import effective_trust
from ptce_sim.world import kernels

S = MAX_PERSONS


def _poles(rng: np.random.Generator, n: int, n_poles: int) -> list[np.ndarray]:
    """Disjoint member lists (random order, some of one member) of ``n`` organisations."""
    orgs = rng.permutation(n)
    cuts = np.sort(rng.choice(np.arange(1, n), size=n_poles, replace=False))
    return [orgs[a:b] for a, b in zip(np.r_[0, cuts[:-1]], cuts, strict=True)]


def _flat(poles: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    sizes = [len(p) for p in poles]
    return np.concatenate(poles).astype(np.int64), np.r_[0, np.cumsum(sizes)].astype(np.int64)


def _symmetric(rng: np.random.Generator, n: int, lo: float, hi: float) -> np.ndarray:
    x = rng.uniform(lo, hi, (n, n))
    return (x + x.T) / 2


@pytest.mark.parametrize("seed", range(5))
def test_dissatisfied_all_is_the_rule(seed: int) -> None:
    """rules.poles.dissatisfied with each member's mean homophily with its pole."""
    rng = np.random.default_rng(seed)
    n = 40
    p = PoleParams()
    homophily = _symmetric(rng, n, 0.0, 1.0)
    perceived, aspiration, alpha = rng.uniform(0, 2, n), rng.uniform(0, 2, n), rng.random(n)
    poles = _poles(rng, n, 5)
    flat, offsets = _flat(poles)
    tol = float(p.value_premium / max(p.pole_time, 1e-9))
    got = kernels.dissatisfied_all(flat, offsets, homophily, perceived, aspiration, alpha, tol)
    expected = np.concatenate(
        [
            rule.dissatisfied(
                perceived[idx], aspiration[idx], alpha[idx], homophily[idx][:, idx].mean(axis=1), p
            )
            for idx in poles
        ]
    )
    np.testing.assert_array_equal(got, expected)


def _membership_books(poles, paying_pole, unhappy, u_patience, exclusion, months, books):
    """The per-pole dictionaries the membership phase kept before
    ``kernels.membership_month``: the reference it is checked against."""
    leave, paying = [], []
    lo = 0
    for q, members in enumerate(poles):
        dissatisfied, patience, unpaid = books[q]
        sad = {int(o) for k, o in enumerate(members) if unhappy[lo + k]}
        for book in (
            (dissatisfied, patience, unpaid) if paying_pole[q] else (dissatisfied, patience)
        ):
            for org in [o for o in book if o not in sad]:
                del book[org]
        paying.append(len(members) - len(sad) if paying_pole[q] else 0)
        for k, org in enumerate(members.tolist()):
            if not unhappy[lo + k]:
                leave.append(False)
                continue
            dissatisfied[org] = dissatisfied.get(org, 0) + 1
            patience.setdefault(org, int(u_patience[lo + k]))
            gone = dissatisfied[org] >= patience[org]
            if not gone and paying_pole[q]:
                unpaid[org] = unpaid.get(org, 0) + 1
                gone = exclusion and unpaid[org] >= months
            leave.append(gone)
        lo += len(members)
    return np.array(leave), np.array(paying)


@pytest.mark.parametrize("seed", range(5))
def test_membership_month_keeps_the_books_of_the_per_pole_code(seed: int) -> None:
    """Twelve months of membership books (members who stay, dissatisfied spells with
    their patience, unpaid months and exclusion) match the per-pole dictionaries."""
    rng = np.random.default_rng(seed)
    n = 40
    poles = _poles(rng, n, 5)
    flat, offsets = _flat(poles)
    paying_pole = rng.random(len(poles)) < 0.6
    exclusion = bool(seed % 2)
    books = [({}, {}, {}) for _ in poles]
    dissatisfied, patience, unpaid = (np.zeros(n, dtype=np.int64) for _ in range(3))
    left = 0
    for _month in range(12):
        unhappy = rng.random(len(flat)) < 0.5
        u_patience = rng.integers(2, 5, size=len(flat))
        expected = _membership_books(poles, paying_pole, unhappy, u_patience, exclusion, 3, books)
        leave, paying = kernels.membership_month(
            flat,
            offsets,
            paying_pole,
            unhappy,
            u_patience,
            exclusion,
            3,
            dissatisfied,
            patience,
            unpaid,
        )
        np.testing.assert_array_equal(leave, expected[0])
        np.testing.assert_array_equal(paying, expected[1])
        for q, (d, p, u) in enumerate(books):
            for org in poles[q].tolist():
                assert (dissatisfied[org], patience[org], unpaid[org]) == (
                    d.get(org, 0),
                    p.get(org, 0),
                    u.get(org, 0),
                )
        for org in flat[leave].tolist():  # a leaver's books are closed (_remove_member)
            dissatisfied[org] = patience[org] = unpaid[org] = 0
            for book in books[next(q for q, m in enumerate(poles) if org in m)]:
                book.pop(org, None)
        left += int(leave.sum())
    assert left > 0  # the test saw members leave


@pytest.mark.parametrize("seed", range(5))
def test_mean_trust_and_sums_are_numpy(seed: int) -> None:
    """Mean effective trust over the member pairs that cooperated (all distinct pairs
    when none has), and sums in numpy's order (bit for bit)."""
    rng = np.random.default_rng(seed)
    n, omega = 60, 0.7
    history = np.triu(rng.integers(0, 2, (n, n)) * (rng.random((n, n)) < 0.12), 1)
    history = history + history.T
    tau0, best, theta = (_symmetric(rng, n, a, b) for a, b in ((0.2, 0.5), (-0.1, 0.2), (0, 1)))
    poles = _poles(rng, n, 6)
    dues = rng.uniform(0, 3, n) * 10.0 ** rng.integers(-2, 3, n)
    for idx in poles:
        members = idx.astype(np.int64)
        trust = (
            kernels.mean_trust(members, tau0, best, theta, history, omega) if len(idx) >= 2 else 0.0
        )
        t = effective_trust(tau0 + best, theta, omega)[idx][:, idx]
        known = history[idx][:, idx] > 0
        if len(idx) < 2:
            expected = 0.0
        elif known.any():
            expected = t[known].mean()
        else:
            expected = t[~np.eye(len(idx), dtype=bool)].mean()
        assert trust == pytest.approx(expected, rel=1e-12)
        assert kernels.np_sum(dues[idx], 0, len(idx)) == dues[idx].sum()  # exactly


@pytest.mark.parametrize("seed", range(5))
def test_batched_pole_helpers_match_the_per_pole_code(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, width = 50, 5
    poles = _poles(rng, n, 4)
    flat, offsets = _flat(poles)
    pole_of = np.full(n, -1, dtype=np.int64)
    for q, idx in enumerate(poles[:3]):  # the last "pole" stands for organisations outside
        pole_of[idx] = q
    present = rng.random((n, S)) < 0.6
    ess = rng.random(n) < 0.5
    # Leader candidates: persons in post of the ESS members, member by member.
    for idx in poles:
        expected = [o * S + s for o in idx.tolist() if ess[o] for s in range(S) if present[o, s]]
        got = kernels.leader_candidates(idx.astype(np.int64), present, ess)
        assert got.tolist() == expected
    # Project rows (-1 padded): cooperating poles and emergence seeds.
    k = 40
    teams = np.full((k, width), -1, dtype=np.int64)
    for r in range(k):
        size = rng.integers(2, width + 1)
        teams[r, :size] = rng.choice(n, size, replace=False)
    active = rng.random(k) < 0.7
    got = kernels.cooperating(active.nonzero()[0], teams, pole_of, 3)
    expected = set(kernels.joint_poles(teams[active.nonzero()[0]], pole_of).tolist()) - {-1}
    assert set(np.flatnonzero(got).tolist()) == expected
    seeds = kernels.emergence_seeds(teams, pole_of)
    assert seeds.tolist() == [
        t[0] for t in teams.tolist() if all(pole_of[o] < 0 for o in t if o >= 0)
    ]
    # The pole x member matrix of the joining kernel.
    matrix, sizes = kernels.pole_matrix(flat, offsets, n)
    for q, idx in enumerate(poles):
        assert sizes[q] == len(idx)
        np.testing.assert_array_equal(matrix[q, : len(idx)], idx)


@pytest.mark.parametrize("seed", range(3))
def test_month_end_matches_the_per_pole_numpy_code(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, width, n_kinds = 50, 4, 6
    poles = _poles(rng, n, 4)[:3]  # organisations of the 4th stay outside
    flat, offsets = _flat(poles)
    pole_of = np.full(n, -1, dtype=np.int64)
    for q, idx in enumerate(poles):
        pole_of[idx] = q
    anim, inst = rng.random(3), rng.random(3)
    formal = np.array([True, False, True])
    kind = rng.integers(0, n_kinds, n)
    is_market = rng.random(n) < 0.5
    revenue, fte = rng.uniform(0, 900, n), rng.uniform(0, 40, n)
    k = 30
    teams = np.full((k, width), -1, dtype=np.int64)
    for r in range(k):
        teams[r, :3] = rng.choice(n, 3, replace=False)
    active = rng.random(k) < 0.7
    animation, institution = np.full(n, 9.0), np.full(n, 9.0)
    kinds, nf, by_kind, market, fte_sum, rows, shared, any_shared = kernels.month_end(
        flat, offsets, anim, inst, formal, animation, institution, kind, is_market, revenue,
        fte, n_kinds, active.nonzero()[0], teams, pole_of, formal,
    )  # fmt: skip
    expected_a, expected_i = np.zeros(n), np.zeros(n)
    for q, idx in enumerate(poles):
        expected_a[idx], expected_i[idx] = anim[q], inst[q]
    np.testing.assert_array_equal(animation, expected_a)
    np.testing.assert_array_equal(institution, expected_i)
    np.testing.assert_array_equal(kinds, np.bincount(kind[flat], minlength=n_kinds))
    members = np.concatenate([poles[0], poles[2]])
    assert nf == len(members)
    np.testing.assert_array_equal(by_kind, np.bincount(kind[members], minlength=n_kinds))
    assert market == revenue[members][is_market[members]].sum()
    assert fte_sum == fte[members].sum()
    np.testing.assert_array_equal(rows, active.nonzero()[0])
    np.testing.assert_array_equal(shared, kernels.formal_shared(teams[rows], pole_of, formal))
    assert any_shared == bool(shared.any())


@pytest.mark.parametrize("seed", range(20))
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


def _emergence_per_seed(teams, pole_of, is_leader, present, rel, omega, threshold, min_size):
    """The per-seed emergence loop ``kernels.emergence_groups`` replaced (``pole_of`` is
    written as poles form): the reference it is checked against."""
    history, tau0, best_dev, theta = rel
    outside = pole_of < 0
    groups = []
    for first in kernels.emergence_seeds(teams, pole_of).tolist():
        if pole_of[first] >= 0:
            continue
        group = kernels.trusted_component(
            first, outside, pole_of, history, tau0, best_dev, theta, omega, threshold
        )
        leaders = (is_leader[group] & present[group]).any(axis=1)
        if len(group) < min_size or not leaders.any():
            continue
        pole_of[group] = 100 + len(groups)
        groups.append((group, leaders))
    return groups


@pytest.mark.parametrize("seed", range(8))
def test_emergence_groups_are_the_per_seed_loop(seed: int) -> None:
    """Groups, their order, their pole ids and their leader flags match the per-seed
    loop, on random trust graphs where some teams share members and some groups lack
    a leader or are too small."""
    rng = np.random.default_rng(seed)
    n = 40
    cluster = np.arange(n) // 8  # five clusters: groups cannot reach across them
    linked = (cluster[:, None] == cluster[None, :]) & (rng.random((n, n)) < 0.5)
    history = np.triu(rng.integers(1, 3, (n, n)) * linked, 1)
    history = history + history.T
    tau0, theta = _symmetric(rng, n, 0.0, 1.0), _symmetric(rng, n, 0.0, 1.0)
    best_dev = _symmetric(rng, n, -0.1, 0.1)
    present = rng.random((n, S)) < 0.8
    is_leader = (rng.random((n, S)) < 0.15) & (cluster != seed % 5)[:, None]
    pole_of = np.where(rng.random(n) < 0.2, 7, -1).astype(np.int64)
    teams = np.full((12, 4), -1, dtype=np.int64)
    for r in range(12):
        size = rng.integers(2, 5)
        teams[r, :size] = 8 * rng.integers(5) + rng.choice(8, size, replace=False)
    rel = (history, tau0, best_dev, theta)
    expected_pole_of = pole_of.copy()
    expected = _emergence_per_seed(teams, expected_pole_of, is_leader, present, rel, 0.5, 0.5, 3)
    flat, offsets, leads = kernels.emergence_groups(
        teams, pole_of, is_leader, present, *rel, 0.5, 0.5, 3, 100
    )
    got = [(flat[a:b], leads[a:b]) for a, b in itertools.pairwise(offsets.tolist())]
    assert expected  # poles do form on these graphs
    assert len(got) == len(expected)
    for (g, lead), (e, e_lead) in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, e)
        np.testing.assert_array_equal(lead, e_lead)
    np.testing.assert_array_equal(pole_of, expected_pole_of)
