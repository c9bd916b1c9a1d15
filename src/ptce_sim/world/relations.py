"""Trust state of a territory: person-level and organisation-level matrices.

Why this layout (ARCHITECTURE rule 6, "relations are matrices"): a run touches tens of
thousands of trust values a month, so they live in numpy arrays owned by the model, not
in agent attributes. Persons are slots ``(organisation, s)`` with ``s < MAX_PERSONS``,
flattened to ``p = organisation * MAX_PERSONS + s``.

Stored quantities (the equations are in ``rules/trust.py``):

- ``tau0`` (n x n): baseline trust between organisations, from value homophily and history;
- ``dev`` (P x P): person trust minus its baseline, ``tau[p, q] = tau0[o(p), o(q)] + dev[p, q]``.
  Storing the deviation makes the monthly relaxation one in-place multiplication by
  ``1 - delta`` over the whole matrix;
- ``best_dev`` (n x n): the largest ``dev`` over the *present* person pairs of two
  organisations (0 when there is none), so ``tau_bar = tau0 + best_dev``. Relaxation is
  increasing in ``tau`` and all pairs of a block share ``tau0``, so max and relaxation
  commute and ``best_dev`` relaxes by the same multiplication — it is only recomputed
  for the blocks whose persons change;
- ``sum_dev`` (n x n): the sum of ``dev`` over present person pairs (for the mean
  person-trust metric), linear, so it relaxes the same way;
- ``theta`` (n x n): organisation-level trust;
- ``history`` (n x n): completed joint cooperations; ``tie`` (P x P): persons who worked together.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules import trust as trust_rule
from ptce_sim.rules.trust import TrustParams

S = MAX_PERSONS
_SLOTS = np.arange(S)


def occurrence_rank(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """0 for the first occurrence of each key, 1 for the second, ... (stable order).

    Used to apply several updates to the same cell in the order they came, in vectorised
    rounds, instead of letting numpy keep only the last write.
    """
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    starts = np.r_[True, sk[1:] != sk[:-1]]
    idx = np.arange(len(sk))
    run_start = np.maximum.accumulate(np.where(starts, idx, 0))
    rank = np.empty_like(idx)
    rank[order] = idx - run_start
    return rank


class Relations:
    """Person- and organisation-level trust of one territory (see module docstring)."""

    def __init__(
        self, homophily: NDArray[np.float64], present: NDArray[np.bool_], p: TrustParams
    ) -> None:
        n = homophily.shape[0]
        self.n = n
        self.homophily = homophily
        self.present = present  # (n, S), shared with the model (a view, not a copy)
        self.history = np.zeros((n, n), dtype=np.int64)
        self.params = p
        self.tau0 = trust_rule.baseline_trust(homophily, self.history, p)
        self.dev = np.zeros((n * S, n * S))
        self.dev4 = self.dev.reshape(n, S, n, S)  # a view: block access by organisation
        self.tie = np.zeros((n * S, n * S), dtype=bool)
        self.best_dev = np.zeros((n, n))
        self.sum_dev = np.zeros((n, n))
        self.theta = self.tau0.copy()

    # -- reading -------------------------------------------------------------------
    def tau_bar(self) -> NDArray[np.float64]:
        """Best person-pair trust between organisations (n x n)."""
        return self.tau0 + self.best_dev

    def effective(
        self, i: NDArray[np.int64], j: NDArray[np.int64], omega: float
    ) -> NDArray[np.float64]:
        """Effective trust ``T`` used in decisions, for organisation pairs (i, j)."""
        tbar = self.tau0[i, j] + self.best_dev[i, j]
        return trust_rule.effective_trust(tbar, self.theta[i, j], omega)

    def person_trust(self, p: NDArray[np.int64], q: NDArray[np.int64]) -> NDArray[np.float64]:
        """Person trust ``tau[p, q]``."""
        return self.tau0[p // S, q // S] + self.dev[p, q]

    def mean_person_trust(self) -> float:
        """Mean person trust over present person pairs of organisations that cooperated."""
        npres = self.present.sum(axis=1)
        known = self.history > 0
        cnt = np.outer(npres, npres)[known]
        total = cnt.sum()
        if total == 0:
            return float("nan")
        return float((cnt * self.tau0[known] + self.sum_dev[known]).sum() / total)

    def mean_org_trust(self) -> float:
        """Mean organisation trust ``Theta`` over pairs of organisations that cooperated."""
        known = self.history > 0
        return float(self.theta[known].mean()) if known.any() else float("nan")

    # -- writing -------------------------------------------------------------------
    def set_params(self, p: TrustParams) -> None:
        """New trust parameters (a policy change): the baseline moves, person trust stays."""
        old = self.tau0
        self.params = p
        self.tau0 = trust_rule.baseline_trust(self.homophily, self.history, p)
        shift = (old - self.tau0)[:, None, :, None]
        self.dev4 += shift
        self.refresh_rows(np.arange(self.n))

    def refresh_rows(self, orgs: NDArray[np.int64]) -> None:
        """Recompute ``best_dev`` and ``sum_dev`` for every block touching ``orgs``."""
        if len(orgs) == 0:
            return
        block = self.dev4[orgs]  # (k, S, n, S)
        mask = self.present[orgs][:, :, None, None] & self.present[None, None, :, :]
        best = np.max(block, axis=(1, 3), where=mask, initial=-np.inf)
        best[np.isneginf(best)] = 0.0
        total = np.sum(block, axis=(1, 3), where=mask)
        self.best_dev[orgs, :] = best
        self.best_dev[:, orgs] = best.T
        self.sum_dev[orgs, :] = total
        self.sum_dev[:, orgs] = total.T

    def refresh_blocks(self, a: NDArray[np.int64], b: NDArray[np.int64]) -> None:
        """Recompute ``best_dev`` and ``sum_dev`` for the organisation pairs (a, b)."""
        if len(a) == 0:
            return
        block = self.dev4[
            a[:, None, None], _SLOTS[None, :, None], b[:, None, None], _SLOTS[None, None, :]
        ]
        mask = self.present[a][:, :, None] & self.present[b][:, None, :]
        best = np.max(block, axis=(1, 2), where=mask, initial=-np.inf)
        best[np.isneginf(best)] = 0.0
        total = np.sum(block, axis=(1, 2), where=mask)
        self.best_dev[a, b] = best
        self.best_dev[b, a] = best
        self.sum_dev[a, b] = total
        self.sum_dev[b, a] = total

    def remove_persons(self, persons: NDArray[np.int64]) -> int:
        """Persons leave: their ties vanish. Returns the number of ties lost.

        The caller marks the slots absent before calling :meth:`refresh_rows`.
        """
        if len(persons) == 0:
            return 0
        rows = self.tie[persons]
        lost = int(rows.sum()) - int(rows[:, persons].sum()) // 2
        self.tie[persons, :] = False
        self.tie[:, persons] = False
        self.dev[persons, :] = 0.0
        self.dev[:, persons] = 0.0
        return lost

    def add_persons(self, persons: NDArray[np.int64], handover: NDArray[np.float64]) -> None:
        """Newcomers start at ``psi * Theta + (1 - psi) * tau0`` with everyone."""
        if len(persons) == 0:
            return
        orgs = persons // S
        start = (
            trust_rule.newcomer_trust(self.theta[orgs], self.tau0[orgs], handover[:, None])
            - self.tau0[orgs]
        )  # (k, n) as deviations
        rows = np.repeat(start, S, axis=1)  # (k, P)
        self.dev[persons, :] = rows
        self.dev[:, persons] = rows.T

    def record_outcomes(
        self,
        p: NDArray[np.int64],
        q: NDArray[np.int64],
        success: NDArray[np.bool_],
        org_a: NDArray[np.int64],
        org_b: NDArray[np.int64],
    ) -> None:
        """Apply completed projects: person pairs (p, q) gain or lose trust; every
        organisation pair (org_a, org_b) of a completed project gains one unit of history.

        Person pairs whose person left during the project are excluded by the caller.
        """
        pr = self.params
        if len(p):
            rank = occurrence_rank(np.minimum(p, q) * self.dev.shape[0] + np.maximum(p, q))
            for r in range(int(rank.max()) + 1):
                sel = rank == r
                pp, qq, ok = p[sel], q[sel], success[sel]
                tau = self.person_trust(pp, qq)
                new = np.where(
                    ok,
                    trust_rule.after_success(tau, pr.gain),
                    trust_rule.after_failure(tau, pr.loss),
                )
                d = new - self.tau0[pp // S, qq // S]
                self.dev[pp, qq] = d
                self.dev[qq, pp] = d
            self.tie[p, q] = True
            self.tie[q, p] = True
        if len(org_a):
            lo, hi = np.minimum(org_a, org_b), np.maximum(org_a, org_b)
            keys = np.unique(lo * self.n + hi)
            a, b = keys // self.n, keys % self.n
            np.add.at(self.history, (lo, hi), 1)
            self.history[hi, lo] = self.history[lo, hi]
            old = self.tau0[a, b]
            new = trust_rule.baseline_trust(self.homophily[a, b], self.history[a, b], pr)
            self.tau0[a, b] = new
            self.tau0[b, a] = new
            # Person trust is unchanged by a moved baseline: shift the deviations.
            shift = (old - new)[:, None, None]
            blk = (a[:, None, None], _SLOTS[None, :, None], b[:, None, None], _SLOTS[None, None, :])
            self.dev4[blk] += shift
            blk_t = (
                b[:, None, None],
                _SLOTS[None, :, None],
                a[:, None, None],
                _SLOTS[None, None, :],
            )
            self.dev4[blk_t] += shift
            self.refresh_blocks(a, b)
        elif len(p):
            a, b = p // S, q // S
            self.refresh_blocks(a, b)

    def month_passes(self, institutionalisation: float | NDArray[np.float64] = 0.0) -> None:
        """Organisation trust follows person trust, then person trust relaxes one month."""
        pr = self.params
        kappa = trust_rule.institution_rate(institutionalisation, pr)
        self.theta = trust_rule.follow(self.theta, self.tau0 + self.best_dev, kappa)
        keep = 1.0 - pr.decay
        self.dev *= keep
        self.best_dev *= keep
        self.sum_dev *= keep
