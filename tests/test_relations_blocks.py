"""How the kernels store trust (``world/relations.py``, ``world/kernels/trust.py``,
``world/kernels/trust_blocks.py``) against the rules and definitions it stands for.

- person trust is ``tau0 + floor + scaled * scale``: the stranger baseline, the floor
  of the two persons' shared history and a deviation that relaxes;
- ``best_dev`` is the largest ``floor + deviation`` over the present person pairs of two
  organisations (0 when there is none) and ``sum_dev`` their sum, kept up to date by
  refreshes and relaxation;
- a completed joint project is ``rules.trust.after_project`` and ``history_floor`` for
  the persons still in post; a month's relaxation is ``rules.trust.relax`` for every
  pair, organisation trust follows by ``rules.trust.follow``; a newcomer starts at
  ``newcomer_trust`` and a leaver's post at ``vacated_trust``.
"""

from __future__ import annotations

import numpy as np
import pytest

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules import trust as rule
from ptce_sim.world.kernels import trust as trust_kernels
from ptce_sim.world.kernels import trust_blocks
from ptce_sim.world.kernels.state import Trust
from ptce_sim.world.model import TerritoryModel

S = MAX_PERSONS


def _blocks(above: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The definition, in numpy: per organisation pair, max and sum of person trust above
    the stranger baseline over present pairs (max 0 without any)."""
    n = present.shape[0]
    d4 = above.reshape(n, S, n, S)
    mask = present[:, :, None, None] & present[None, None, :, :]
    best = np.where(mask, d4, -np.inf).max(axis=(1, 3))
    best[np.isinf(best)] = 0.0
    total = np.where(mask, d4, 0.0).sum(axis=(1, 3))
    return best, total


def _above(rel: object) -> np.ndarray:
    return rel.floor + rel.scaled * rel.scale  # type: ignore[attr-defined]


def _random_trust(rng: np.random.Generator, n: int, g: float) -> Trust:
    scaled = rng.normal(0, 0.2, (n * S, n * S))
    floor = rng.uniform(0.0, 0.15, (n * S, n * S)) * (rng.random((n * S, n * S)) < 0.2)
    tau0 = rng.uniform(0.2, 0.5, (n, n))
    return Trust(
        tau0=(tau0 + tau0.T) / 2,
        theta=rng.uniform(0.0, 1.0, (n, n)),
        scaled=(scaled + scaled.T) / 2,
        scale=np.array([g]),
        floor=(floor + floor.T) / 2,
        pair_history=np.zeros((n * S, n * S), dtype=np.int64),
        tie=np.zeros((n * S, n * S), dtype=bool),
        tied=np.zeros((n, n), dtype=np.int64),
        best_dev=np.full((n, n), 9.0),
        sum_dev=np.full((n, n), 9.0),
        history=np.zeros((n, n), dtype=np.int64),
        mark=np.zeros((n, n), dtype=bool),
    )


@pytest.mark.parametrize("seed", range(4))
def test_refresh_rows_is_the_definition_for_the_refreshed_organisations(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, g = 12, 0.8
    trust = _random_trust(rng, n, g)
    present = rng.random((n, S)) < 0.7
    present[0] = False  # an organisation with nobody in post
    orgs = np.array([0, 3, 7], dtype=np.int64)
    trust_blocks.refresh_rows(orgs, trust, present)
    best, total = _blocks(trust.floor + trust.scaled * g, present)
    for a in orgs:
        np.testing.assert_array_equal(trust.best_dev[a], best[a])
        np.testing.assert_array_equal(trust.best_dev[:, a], best[:, a])
        np.testing.assert_allclose(trust.sum_dev[a], total[a], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(trust.sum_dev[:, a], total[:, a], rtol=1e-12, atol=1e-15)
    untouched = np.setdiff1d(np.arange(n), orgs)
    assert (trust.best_dev[np.ix_(untouched, untouched)] == 9.0).all()
    np.testing.assert_array_equal(trust.best_dev[0], 0.0)  # no present pair: 0
    # one block, both orders, is the same definition
    trust_blocks.refresh_pair(1, 2, trust, present)
    assert trust.best_dev[1, 2] == trust.best_dev[2, 1] == best[1, 2]
    assert trust.sum_dev[1, 2] == pytest.approx(total[1, 2], rel=1e-12)


@pytest.fixture(scope="module")
def run() -> TerritoryModel:
    """Five years of turnover, projects and relaxation after the warm start."""
    model = TerritoryModel(seed=3, territory_n_orgs=40)
    for _ in range(60):
        model.step()
    return model


def _person_trust(model: TerritoryModel) -> np.ndarray:
    rel = model.relations
    p = np.arange(model.orgs.n * S)
    return rel.person_trust(p[:, None], p[None, :])


def _rest(model: TerritoryModel) -> np.ndarray:
    """tau0 + floor for every person pair."""
    rel = model.relations
    return np.repeat(np.repeat(rel.tau0, S, 0), S, 1) + rel.floor


def test_a_run_keeps_the_block_statistics_of_its_person_trust(run: TerritoryModel) -> None:
    """Every block's statistics are those of the persons' trust (up to rounding: they
    relax separately)."""
    rel = run.relations
    assert rel.history.sum() > 0  # projects were completed
    assert run.gen.sum() > 0  # persons left and were replaced
    assert (rel.floor > 0).any()  # persons share a history
    best, total = _blocks(_above(rel), run.present)
    np.testing.assert_allclose(rel.best_dev, best, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rel.sum_dev, total, rtol=1e-9, atol=1e-12)


def test_a_run_keeps_person_trust_symmetric_and_its_storage_consistent(
    run: TerritoryModel,
) -> None:
    rel = run.relations
    tau = _person_trust(run)
    np.testing.assert_allclose(tau, tau.T, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(rel.tie, rel.tie.T)
    np.testing.assert_array_equal(rel.pair_history, rel.pair_history.T)
    # the floor is the history_floor of the persons' joint projects
    floors = np.vectorize(lambda m: rule.history_floor(m, run.params.trust))(rel.pair_history)
    np.testing.assert_array_equal(rel.floor, floors)
    # a tie between persons in post; tied counts them per organisation pair
    present = run.present.reshape(-1)
    assert not (rel.tie & ~(present[:, None] & present[None, :])).any()
    n = run.orgs.n
    counts = rel.tie.reshape(n, S, n, S).sum(axis=(1, 3))
    np.testing.assert_array_equal(rel.tied, counts)
    assert (rel.pair_history[rel.tie] > 0).all()


def _institutionalised() -> TerritoryModel:
    """A small territory stopped in the first month a formal pole has institutionalised
    (the first seed that has one within 20 years)."""
    for seed in range(20):
        model = TerritoryModel(seed=seed, territory_n_orgs=40, trust_decay=0.1)
        for _ in range(240):
            model.step()
            if (model.institution > 0).any():
                return model
    raise AssertionError("no formal pole in 20 runs")


def test_a_months_relaxation_is_the_relax_and_follow_rules() -> None:
    """``kernels.trust.month_passes`` on a run's state: every person pair is
    ``rules.trust.relax(tau, tau0 + floor, delta)``, organisation trust
    ``follow(Theta, tau0 + best_dev, institution_rate(I))`` (I of the pole when both are
    members of it, else 0); the blocks stay their definition."""
    model = _institutionalised()
    rel = model.relations
    tau_before = _person_trust(model)
    theta_before = rel.theta.copy()
    tau_bar = rel.tau0 + rel.best_dev
    trust_kernels.month_passes(model._P, model._persons, model._org_state, rel.record(), True)
    tp = model.params.trust
    expected = np.vectorize(rule.relax)(tau_before, _rest(model), tp.decay)
    np.testing.assert_allclose(_person_trust(model), expected, rtol=0, atol=1e-12)
    same = (model.pole_of[:, None] >= 0) & (model.pole_of[:, None] == model.pole_of[None, :])
    i_pair = np.where(same, model.institution[:, None], 0.0)
    kappa = np.vectorize(lambda i: rule.institution_rate(i, tp))(i_pair)
    followed = np.vectorize(rule.follow)(theta_before, tau_bar, kappa)
    np.testing.assert_array_equal(rel.theta, followed)
    best, total = _blocks(_above(rel), model.present)
    np.testing.assert_allclose(rel.best_dev, best, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rel.sum_dev, total, rtol=1e-9, atol=1e-12)


def test_a_completed_project_is_after_project_and_a_higher_floor(run: TerritoryModel) -> None:
    """Re-complete a project whose participants are all still in post: each pair's trust
    is ``after_project`` of what it was, its joint projects grow by one and its floor is
    ``history_floor`` of them."""
    pt, rel = run.projects, run.relations
    rows = [
        r
        for r in range(pt.size)
        if not pt.active[r]
        and all(
            run.present[o, s] and run.gen[o, s] == g
            for o, s, g in zip(pt.members[r], pt.slots[r], pt.gens[r], strict=True)
            if o >= 0
        )
    ]
    assert rows
    r = rows[-1]
    persons = [o * S + s for o, s in zip(pt.members[r], pt.slots[r], strict=True) if o >= 0]
    before = _person_trust(run)
    history = rel.pair_history.copy()
    due = np.array([r], dtype=np.int64)
    success = np.array([bool(pt.success[r])])
    trust_kernels.from_outcomes(
        due, success, run._P, run._persons, run._org_state, rel.record(), pt.record()
    )
    after = _person_trust(run)
    tp = run.params.trust
    for a, p in enumerate(persons):
        for q in persons[a + 1 :]:
            assert after[p, q] == pytest.approx(rule.after_project(before[p, q], success[0], tp))
            assert rel.pair_history[p, q] == history[p, q] + 1
            assert rel.floor[p, q] == rule.history_floor(history[p, q] + 1, tp)
            assert rel.tie[p, q]
            assert rel.tie[q, p]


def test_a_leaver_takes_its_ties_and_its_post_starts_at_the_baseline(
    run: TerritoryModel,
) -> None:
    rel = run.relations
    trust = rel.record()
    tied = np.flatnonzero(rel.tie.sum(axis=1) >= 2)
    p, q = int(tied[0]), int(tied[1])  # two persons who worked with others
    ties = int(rel.tie[p].sum() + rel.tie[q].sum() - rel.tie[p, q])
    tied_before = rel.tied.copy()
    assert trust_blocks.ties_of(p, trust) == int(rel.tie[p].sum())
    lost = trust_blocks.remove_persons(np.array([p, q], dtype=np.int64), trust)
    # every tie of the leavers is lost; the counts per organisation pair fall with them
    assert lost == ties  # a tie between the two leavers counts once
    assert tied_before.sum() - rel.tied.sum() == 2 * ties
    tau = _person_trust(run)
    tau0 = np.repeat(rel.tau0, S, 1)  # tau0 of organisation pairs, per person column
    for x in (p, q):
        assert not rel.tie[x].any()
        assert not rel.tie[:, x].any()
        assert not rel.floor[x].any()
        assert not rel.pair_history[x].any()
        expected = np.vectorize(rule.vacated_trust)(tau0[x // S])
        np.testing.assert_allclose(tau[x], expected, atol=1e-12)
        np.testing.assert_allclose(tau[:, x], expected, atol=1e-12)


def test_a_newcomer_starts_at_the_newcomer_trust_of_its_handover(run: TerritoryModel) -> None:
    rel = run.relations
    # two organisations with a history (their organisation trust differs from the
    # baseline somewhere), whichever the calibration makes them
    known = [o for o in range(run.orgs.n) if (rel.theta[o] != rel.tau0[o]).any()]
    assert len(known) >= 2
    for x, h in ((known[0] * S + 1, 0.3), (known[1] * S, 0.9)):
        trust_blocks.add_persons(np.array([x], dtype=np.int64), np.array([h]), rel.record())
        tau = _person_trust(run)
        o = x // S
        assert (rel.theta[o] != rel.tau0[o]).any()  # the handover matters
        expected = np.repeat(np.vectorize(rule.newcomer_trust)(rel.theta[o], rel.tau0[o], h), S)
        np.testing.assert_allclose(tau[x], expected, atol=1e-12)
        np.testing.assert_allclose(tau[:, x], expected, atol=1e-12)
        assert not rel.floor[x].any()


def test_person_trust_between_two_newcomers_of_a_month_is_symmetric() -> None:
    """Two persons of different organisations arrive in the same month with different
    handovers (0.3 and 0.9); organisation trust 0.6, stranger baseline 0.3."""
    n = 4
    trust = Trust(
        tau0=np.full((n, n), 0.3),
        theta=np.full((n, n), 0.6),
        scaled=np.zeros((n * S, n * S)),
        scale=np.ones(1),
        floor=np.zeros((n * S, n * S)),
        pair_history=np.zeros((n * S, n * S), dtype=np.int64),
        tie=np.zeros((n * S, n * S), dtype=bool),
        tied=np.zeros((n, n), dtype=np.int64),
        best_dev=np.zeros((n, n)),
        sum_dev=np.zeros((n, n)),
        history=np.zeros((n, n), dtype=np.int64),
        mark=np.zeros((n, n), dtype=bool),
    )
    p1, p2 = 0 * S + 1, 2 * S
    trust_blocks.add_persons(np.array([p1, p2], dtype=np.int64), np.array([0.3, 0.9]), trust)
    # with the persons already there: psi * 0.6 + (1 - psi) * 0.3 - 0.3 = psi * 0.3
    assert trust.scaled[p1, 3 * S] == pytest.approx(0.09)
    assert trust.scaled[3 * S, p1] == pytest.approx(0.09)
    assert trust.scaled[p2, 3 * S] == pytest.approx(0.27)
    assert trust.scaled[3 * S, p2] == pytest.approx(0.27)
    # between the two newcomers: one value, whichever handover it comes from
    assert trust.scaled[p1, p2] == trust.scaled[p2, p1]
    assert trust.scaled[p1, p2] in (pytest.approx(0.09), pytest.approx(0.27))
