"""The compiled helpers the phases are built from, against their definitions: sampling the
``m`` largest keys, numpy's summation order, a pole's mean homophily and member trust,
the trusted component a pole emerges from, the membership books, the volunteer choice.

They hold no equation of the model (those are rules, tests/test_rules_*.py); what they
do is bookkeeping whose mistakes would change runs silently.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest

from ptce_sim.rules.trust import effective_trust, personal_weight
from ptce_sim.world.kernels import pole_cell, pole_emergence, pole_membership, pole_rows, sampling
from ptce_sim.world.kernels import search as search_kernels
from ptce_sim.world.kernels.params import params_record
from ptce_sim.world.kernels.state import Trust
from ptce_sim.world.kernels.sums import np_sum
from ptce_sim.world.model import TerritoryModel
from ptce_sim.world.scenario import Scenario

N = 40


def _symmetric(rng: np.random.Generator, n: int, lo: float, hi: float) -> np.ndarray:
    x = rng.uniform(lo, hi, (n, n))
    return (x + x.T) / 2


def _poles(rng: np.random.Generator, n: int, n_poles: int) -> list[np.ndarray]:
    """Disjoint member lists (random order, some of one member) of ``n`` organisations."""
    orgs = rng.permutation(n)
    cuts = np.sort(rng.choice(np.arange(1, n), size=n_poles, replace=False))
    return [orgs[a:b].astype(np.int64) for a, b in zip(np.r_[0, cuts[:-1]], cuts, strict=True)]


def _trust(rng: np.random.Generator, n: int, linked: float = 0.12) -> Trust:
    """A random Trust record with the model's array types (no new compilation): some
    organisation pairs have cooperated (history), some of those still have tied persons
    in post (tied)."""
    history = np.triu(rng.integers(1, 3, (n, n)) * (rng.random((n, n)) < linked), 1)
    tied = np.triu(history * (rng.random((n, n)) < 0.7), 1)
    return Trust(
        tau0=_symmetric(rng, n, 0.2, 0.5),
        theta=_symmetric(rng, n, 0.0, 1.0),
        scaled=np.zeros((3 * n, 3 * n)),
        scale=np.ones(1),
        floor=np.zeros((3 * n, 3 * n)),
        pair_history=np.zeros((3 * n, 3 * n), dtype=np.int64),
        tie=np.zeros((3 * n, 3 * n), dtype=bool),
        tied=(tied + tied.T).astype(np.int64),
        best_dev=_symmetric(rng, n, -0.1, 0.2),
        sum_dev=np.zeros((n, n)),
        history=(history + history.T).astype(np.int64),
        mark=np.zeros((n, n), dtype=bool),
    )


def _effective(trust: Trust, omega: float) -> np.ndarray:
    return np.vectorize(effective_trust)(trust.tau0 + trust.best_dev, trust.theta, omega)


@pytest.fixture(scope="module")
def model() -> TerritoryModel:
    """A territory at month 0: no pole yet, so every pair decides with omega(I = 0)."""
    return TerritoryModel(seed=0, territory_n_orgs=N, run_burn_in=0)


def _omega(model: TerritoryModel) -> float:
    assert (model.pole_of < 0).all()
    return personal_weight(0.0, model.params.trust)


# -- sampling and sums -----------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_top_keeps_the_m_largest_keys_best_first_earlier_index_on_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = np.round(rng.gumbel(size=60), 1)  # rounded: many ties
    keys[rng.random(60) < 0.2] = -np.inf  # ineligible candidates
    for m in (1, 4, 7):
        out, best = np.empty(m, dtype=np.int64), np.empty(m)
        sampling.top(keys, m, out, best)
        expected = sorted(range(len(keys)), key=lambda j: (-keys[j], j))[:m]
        assert out.tolist() == expected
        np.testing.assert_array_equal(best, keys[expected])


def test_top_fills_the_buffer_when_few_keys_are_finite() -> None:
    keys = np.array([-np.inf, 2.0, -np.inf, -np.inf])
    out, best = np.empty(3, dtype=np.int64), np.empty(3)
    sampling.top(keys, 3, out, best)
    assert out.tolist() == [1, 0, 2]  # the finite key first, then ineligible in order


def _chi2(counts: np.ndarray, probs: np.ndarray) -> float:
    expected = probs * counts.sum()
    return float(((counts - expected) ** 2 / expected).sum())


#: Candidate weights of organisations 1-4 for searcher 0 (the others weigh nothing).
WEIGHTS = np.array([1.0, 2.0, 3.0, 4.0])


def _draw_candidates(model: TerritoryModel, u: np.ndarray, m: int) -> np.ndarray:
    """``kernels.search.candidates`` of searcher 0 for each row of uniforms ``u``, with
    acquaintance weights WEIGHTS to organisations 1-4 and none to the others (no ties,
    no pole at month 0: the candidate weight is the acquaintance)."""
    n = model.orgs.n
    acquaintance = np.zeros((n, n))
    acquaintance[0, 1:5] = WEIGHTS
    orgs = model._org_state._replace(acquaintance=acquaintance)
    trust = model.relations.record()
    assert not trust.tied.any()
    free, available = np.ones(n), np.ones(n, dtype=bool)
    weights, cand = np.empty(n), np.empty(m, dtype=np.int64)
    out = np.empty((len(u), m), dtype=np.int64)
    for r in range(len(u)):
        row = np.concatenate([[0.0], u[r]])  # column 0: the project kind's draw
        search_kernels.candidates(
            0, row, 0.1, False, model._P, orgs, trust, free, available, weights, cand
        )
        out[r] = cand
    return out


def test_candidates_are_drawn_in_proportion_to_their_weights(model: TerritoryModel) -> None:
    draws = 20_000
    u = np.random.default_rng(12345).random((draws, 2))
    first = _draw_candidates(model, u, 1)[:, 0]
    assert set(first.tolist()) == {1, 2, 3, 4}  # never one of no weight
    counts = np.bincount(first - 1, minlength=4)
    # 3 degrees of freedom: P(chi2 > 16.27) = 0.001
    assert _chi2(counts, WEIGHTS / WEIGHTS.sum()) < 16.27, counts


def test_candidates_are_drawn_one_after_the_other_without_replacement(
    model: TerritoryModel,
) -> None:
    """P(first i, then j) = w_i / W * w_j / (W - w_i), e.g. (4, 3): 4/10 * 3/6 = 0.2; and
    with more places than candidates of any weight, the rest is -1."""
    draws = 30_000
    u = np.random.default_rng(54321).random((draws, 5))
    cand = _draw_candidates(model, u, 5)
    assert (cand[:, 4] == -1).all()  # only four have a weight
    assert (np.sort(cand[:, :4], axis=1) == [1, 2, 3, 4]).all()  # each once
    n = len(WEIGHTS)
    counts = np.zeros((n, n))
    np.add.at(counts, (cand[:, 0] - 1, cand[:, 1] - 1), 1)
    total = WEIGHTS.sum()
    probs = np.array(
        [
            [
                0.0 if i == j else WEIGHTS[i] / total * WEIGHTS[j] / (total - WEIGHTS[i])
                for j in range(n)
            ]
            for i in range(n)
        ]
    )
    assert probs[3, 2] == pytest.approx(0.2)
    off = ~np.eye(n, dtype=bool)
    assert counts[~off].sum() == 0
    # 12 ordered pairs, 11 degrees of freedom: P(chi2 > 31.26) = 0.001
    assert _chi2(counts[off], probs[off]) < 31.26, counts


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 127, 128, 129, 255, 256, 1000, 4099])
def test_np_sum_is_numpys_sum_bit_for_bit(n: int) -> None:
    rng = np.random.default_rng(n)
    a = rng.standard_normal(n + 10) * 10.0 ** rng.integers(-8, 9, n + 10)
    assert np_sum(a, 3, n) == a[3 : 3 + n].sum()


# -- a pole's members --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_homophily_with_is_the_mean_homophily_with_the_pole(seed: int) -> None:
    """Each member's mean homophily with the members (itself included), bit for bit the
    mean of its row (1-D numpy order; a 2-D ``mean(axis=1)`` may round differently)."""
    rng = np.random.default_rng(seed)
    homophily = _symmetric(rng, N, 0.0, 1.0)
    for idx in _poles(rng, N, 5):
        expected = np.array([homophily[a, idx].mean() for a in idx.tolist()])
        np.testing.assert_array_equal(pole_rows.homophily_with(homophily, idx), expected)


@pytest.mark.parametrize("seed", range(5))
def test_mean_member_trust_is_over_the_pairs_that_cooperated(
    seed: int, model: TerritoryModel
) -> None:
    """Mean effective trust over the member pairs that cooperated (all distinct pairs
    when none has)."""
    rng = np.random.default_rng(seed)
    omega = _omega(model)
    trust = _trust(rng, N)
    t_all = _effective(trust, omega)
    strangers = trust._replace(history=np.zeros_like(trust.history))
    cooperated = 0
    for idx in _poles(rng, N, 6):
        if len(idx) < 2:
            continue
        t = t_all[idx][:, idx]
        known = trust.history[idx][:, idx] > 0
        if known.any():
            cooperated += 1
            got = pole_rows.mean_member_trust(idx, model._P, model._org_state, trust)
            assert got == pytest.approx(t[known].mean(), rel=1e-12)
        # members who never cooperated: over every ordered pair of distinct members
        expected = t[~np.eye(len(idx), dtype=bool)].mean()
        got = pole_rows.mean_member_trust(idx, model._P, model._org_state, strangers)
        assert got == pytest.approx(expected, rel=1e-12)
    assert cooperated > 0


def _reachable(adj: np.ndarray, start: int) -> set[int]:
    seen, queue = {start}, deque([start])
    while queue:
        i = queue.popleft()
        for j in np.flatnonzero(adj[i]).tolist():
            if j not in seen:
                seen.add(j)
                queue.append(j)
    return seen


@pytest.mark.parametrize("seed", range(5))
def test_trusted_component_is_reachability_over_the_links(seed: int, model: TerritoryModel) -> None:
    """The organisations reachable from a seed over links (tied persons in post and
    effective trust >= theta_T) between organisations outside every pole."""
    rng = np.random.default_rng(seed)
    trust = _trust(rng, N, linked=0.2)
    omega, threshold = _omega(model), 0.4
    outside = rng.random(N) < 0.8
    adj = (trust.tied > 0) & (_effective(trust, omega) >= threshold)
    adj &= outside[:, None] & outside[None, :]
    np.fill_diagonal(adj, False)
    orgs = model._org_state  # every organisation outside every pole (month 0)
    sizes = []
    for start in np.flatnonzero(outside)[:8].tolist():
        got = pole_emergence.trusted_component(start, outside, model._P, orgs, trust, threshold)
        assert got.tolist() == sorted(_reachable(adj, start))
        sizes.append(len(got))
    assert max(sizes) > 2  # some components are not trivial


# -- membership books ----------------------------------------------------------------------------
def _books_reference(poles, paying_pole, unhappy, u_patience, exclusion, months, books):
    """Per-pole dictionaries of dissatisfied months, patience and unpaid months: the
    reference the compiled books are checked against. Returns why each member leaves
    (-1 stays, 0 dissatisfied, 1 excluded) and who paid per pole."""
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
                leave.append(-1)
                continue
            dissatisfied[org] = dissatisfied.get(org, 0) + 1
            patience.setdefault(org, int(u_patience[lo + k]))
            if dissatisfied[org] >= patience[org]:
                leave.append(0)
                continue
            if paying_pole[q]:
                unpaid[org] = unpaid.get(org, 0) + 1
                if exclusion and unpaid[org] >= months:
                    leave.append(1)
                    continue
            leave.append(-1)
        lo += len(members)
    return np.array(leave), np.array(paying)


@pytest.mark.parametrize("seed", range(4))
def test_membership_books_are_the_per_pole_dictionaries(seed: int, model: TerritoryModel) -> None:
    """Twelve months of membership books (dissatisfied spells with their patience, unpaid
    months, exclusion) match per-pole dictionaries."""
    rng = np.random.default_rng(seed)
    poles = _poles(rng, N, 5)
    flat = np.concatenate(poles)
    offsets = np.r_[0, np.cumsum([len(p) for p in poles])].astype(np.int64)
    paying_pole = rng.random(len(poles)) < 0.6
    exclusion = bool(seed % 2)
    scenario = Scenario().with_overrides(
        {"funding.dues_exclusion": exclusion, "funding.exclusion_months": 3}
    )
    P = params_record(scenario.params)
    record = model.poles.record()._replace(
        dissatisfied=np.zeros(N, dtype=np.int64),
        patience=np.zeros(N, dtype=np.int64),
        unpaid=np.zeros(N, dtype=np.int64),
    )
    books = [({}, {}, {}) for _ in poles]
    reasons = set()
    for _month in range(12):
        unhappy = rng.random(len(flat)) < 0.5
        u_patience = rng.integers(2, 6, size=len(flat))
        expected = _books_reference(poles, paying_pole, unhappy, u_patience, exclusion, 3, books)
        leave, paying = pole_membership.books(
            flat, offsets, paying_pole, unhappy, u_patience, P, record
        )
        np.testing.assert_array_equal(leave, expected[0])
        np.testing.assert_array_equal(paying, expected[1])
        for q, (d, p, u) in enumerate(books):
            for org in poles[q].tolist():
                got = (record.dissatisfied[org], record.patience[org], record.unpaid[org])
                assert got == (d.get(org, 0), p.get(org, 0), u.get(org, 0))
        for org in flat[leave >= 0].tolist():  # a leaver's books close (remove_member)
            record.dissatisfied[org] = record.patience[org] = record.unpaid[org] = 0
            for book in books[next(q for q, m in enumerate(poles) if org in m)]:
                book.pop(org, None)
        reasons |= set(leave[leave >= 0].tolist())
    assert reasons == ({0, 1} if exclusion else {0})  # the test saw members leave


# -- the volunteer -------------------------------------------------------------------------------
def test_the_volunteer_is_the_most_committed_member_with_time(model: TerritoryModel) -> None:
    n = N
    homophily = np.full((n, n), 0.5)
    np.fill_diagonal(homophily, 1.0)
    alpha = np.full(n, 0.1)
    alpha[:5] = [0.9, 0.2, 0.9, 0.7, 0.9]
    used = np.zeros(n)
    used[0] = 1.0  # member 0 has no time left
    orgs = model._org_state._replace(
        homophily=homophily, alpha=alpha, time_budget=np.ones(n), time_used=used
    )
    idx = np.arange(5, dtype=np.int64)

    def params(**changes: float) -> object:
        updates = {"poles.volunteer_animation": 0.5, "poles.volunteer_fte": 0.2}
        updates |= {f"poles.{k}": v for k, v in changes.items()}
        return params_record(Scenario().with_overrides(updates).params)

    # commitment alpha * H: H = (1 + 4 * 0.5) / 5 = 0.6 -> 0.54, 0.12, 0.54, 0.42, 0.54
    # Members 2 and 4 tie at 0.54 (0 has no time): the first one volunteers.
    assert pole_cell.volunteer(idx, -1, params(volunteer_alpha=0.3), orgs) == 2
    # The current volunteer stays while a member, whoever is more committed.
    assert pole_cell.volunteer(idx, 1, params(volunteer_alpha=0.3), orgs) == 1
    # Commitment 0.42 is enough at volunteer_alpha 0.4, but 3 is less committed than 2.
    assert pole_cell.volunteer(idx, -1, params(volunteer_alpha=0.4), orgs) == 2
    # Nobody committed enough: none.
    assert pole_cell.volunteer(idx, -1, params(volunteer_alpha=0.95), orgs) == -1
    # No volunteer animation in the scenario: none, even the current one.
    assert pole_cell.volunteer(idx, 1, params(volunteer_animation=0.0), orgs) == -1
    # Every member excluded: nobody to volunteer.
    empty = np.empty(0, dtype=np.int64)
    assert pole_cell.volunteer(empty, -1, params(volunteer_alpha=0.3), orgs) == -1
