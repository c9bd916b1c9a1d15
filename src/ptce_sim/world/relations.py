"""Trust state of a territory: person-level and organisation-level matrices.

Why this layout (ARCHITECTURE rule 6, "relations are matrices"): a run touches tens of
thousands of trust values a month, so they live in numpy arrays owned by the model, not
in agent attributes. Persons are slots ``(organisation, s)`` with ``s < MAX_PERSONS``,
flattened to ``p = organisation * MAX_PERSONS + s``.

Stored quantities (the equations are in ``rules/trust.py``):

- ``tau0`` (n x n): baseline trust between organisations, from value homophily and history;
- ``dev`` (P x P): person trust minus its baseline, ``tau[p, q] = tau0[o(p), o(q)] + dev[p, q]``.
  Stored as ``scaled * scale``: the monthly relaxation multiplies the scalar ``scale`` by
  ``1 - delta`` instead of the whole matrix (``scaled`` is renormalised when ``scale``
  gets small). Storing the deviation makes the monthly relaxation one multiplication by
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

The writing methods run compiled kernels (``ptce_sim.world.kernels``) that apply the
equations of ``rules/trust.py`` cell by cell; ``rules/trust.py`` stays the reference.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules import trust as trust_rule
from ptce_sim.rules.trust import TrustParams
from ptce_sim.world import kernels

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
        self.scaled = np.zeros((n * S, n * S))  # dev / scale
        self.scale = 1.0
        self.tie = np.zeros((n * S, n * S), dtype=bool)
        self.best_dev = np.zeros((n, n))
        self.sum_dev = np.zeros((n, n))
        self.theta = self.tau0.copy()
        self.mark = np.zeros((n, n), dtype=bool)  # scratch for the outcome kernel
        self._kappa0 = float(trust_rule.institution_rate(0.0, p))
        self._kernel_params = self._flatten(p)

    # -- reading -------------------------------------------------------------------
    @property
    def dev(self) -> NDArray[np.float64]:
        """Person trust minus its baseline (P x P); a copy, computed on demand."""
        return self.scaled * self.scale

    @property
    def dev4(self) -> NDArray[np.float64]:
        """:attr:`dev` by blocks (n, S, n, S); a copy."""
        return self.dev.reshape(self.n, S, self.n, S)

    def tau_bar(self) -> NDArray[np.float64]:
        """Best person-pair trust between organisations (n x n)."""
        return self.tau0 + self.best_dev

    def effective(
        self, i: NDArray[np.int64], j: NDArray[np.int64], omega: float
    ) -> NDArray[np.float64]:
        """Effective trust ``T`` used in decisions, for organisation pairs (i, j)."""
        tbar = self.tau0[i, j] + self.best_dev[i, j]
        return trust_rule.effective_trust(tbar, self.theta[i, j], omega)

    def effective_all(self, omega: float) -> NDArray[np.float64]:
        """Effective trust between every pair of organisations (n x n)."""
        return trust_rule.effective_trust(self.tau0 + self.best_dev, self.theta, omega)

    def person_trust(self, p: NDArray[np.int64], q: NDArray[np.int64]) -> NDArray[np.float64]:
        """Person trust ``tau[p, q]``."""
        return self.tau0[p // S, q // S] + self.scaled[p, q] * self.scale

    def mean_person_trust(self) -> float:
        """Mean person trust over present person pairs of organisations that cooperated."""
        return kernels.trust_stats(self.present, self.history, self.tau0, self.sum_dev, self.theta)[
            0
        ]

    def mean_org_trust(self) -> float:
        """Mean organisation trust ``Theta`` over pairs of organisations that cooperated."""
        return kernels.trust_stats(self.present, self.history, self.tau0, self.sum_dev, self.theta)[
            1
        ]

    def trust_means(self) -> tuple[float, float]:
        """(mean person trust, mean organisation trust) in one pass."""
        return kernels.trust_stats(self.present, self.history, self.tau0, self.sum_dev, self.theta)

    # -- writing -------------------------------------------------------------------
    def set_params(self, p: TrustParams) -> None:
        """New trust parameters (a policy change): the baseline moves, person trust stays."""
        old = self.tau0
        self.params = p
        self._kappa0 = float(trust_rule.institution_rate(0.0, p))
        self._kernel_params = self._flatten(p)
        self.tau0 = trust_rule.baseline_trust(self.homophily, self.history, p)
        shift = (old - self.tau0)[:, None, :, None] / self.scale
        self.scaled.reshape(self.n, S, self.n, S)[...] += shift
        self.refresh_rows(np.arange(self.n))

    def refresh_rows(self, orgs: NDArray[np.int64]) -> None:
        """Recompute ``best_dev`` and ``sum_dev`` for every block touching ``orgs``."""
        if len(orgs):
            kernels.refresh_rows(
                np.asarray(orgs, dtype=np.int64),
                self.scaled,
                self.scale,
                self.present,
                self.best_dev,
                self.sum_dev,
            )

    def refresh_blocks(self, a: NDArray[np.int64], b: NDArray[np.int64]) -> None:
        """Recompute ``best_dev`` and ``sum_dev`` for the organisation pairs (a, b)."""
        for x, y in zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=True):
            kernels.refresh_pair(
                x, y, self.scaled, self.scale, self.present, self.best_dev, self.sum_dev
            )

    def remove_persons(self, persons: NDArray[np.int64]) -> int:
        """Persons leave: their ties vanish. Returns the number of ties lost.

        The caller marks the slots absent before calling :meth:`refresh_rows`.
        """
        if len(persons) == 0:
            return 0
        persons = np.asarray(persons, dtype=np.int64)
        return int(kernels.remove_persons(persons, self.tie, self.scaled))

    def add_persons(self, persons: NDArray[np.int64], handover: NDArray[np.float64]) -> None:
        """Newcomers start at ``psi * Theta + (1 - psi) * tau0`` with everyone."""
        if len(persons):
            kernels.add_persons(
                np.asarray(persons, dtype=np.int64),
                np.asarray(handover, dtype=float),
                self.theta,
                self.tau0,
                self.scaled,
                self.scale,
            )

    def record_completed(
        self,
        due: NDArray[np.int64],
        success: NDArray[np.bool_],
        members: NDArray[np.int64],
        slots: NDArray[np.int64],
        gens: NDArray[np.int64],
        gen: NDArray[np.int64],
    ) -> None:
        """Apply the projects ``due`` (rows of the project arrays) that completed.

        Person pairs still in post (same generation as when the project started) gain
        or lose trust; every organisation pair of a completed project gains one unit of
        history, which moves its baseline (person trust is unchanged by the move).
        """
        pr = self.params
        kernels.record_outcomes(
            due,
            success,
            members,
            slots,
            gens,
            self.present,
            gen,
            self.scaled,
            self.scale,
            self.tie,
            self.tau0,
            self.history,
            self.homophily,
            self.best_dev,
            self.sum_dev,
            self.mark,
            pr.gain,
            pr.loss,
            pr.baseline,
            pr.homophily_weight,
            pr.history_weight,
            pr.history_scale,
        )

    def month_passes(self, institutionalisation: float | NDArray[np.float64] = 0.0) -> None:
        """Organisation trust follows person trust, then person trust relaxes one month."""
        pr = self.params
        keep = 1.0 - pr.decay
        if isinstance(institutionalisation, float | int) and institutionalisation == 0:
            kernels.month_passes(
                self.theta, self.tau0, self.best_dev, self.sum_dev, self._kappa0, keep
            )
        else:
            kappa = trust_rule.institution_rate(institutionalisation, pr)
            self.theta = trust_rule.follow(self.theta, self.tau0 + self.best_dev, kappa)
            self.best_dev *= keep
            self.sum_dev *= keep
        self._relax_scale(keep)

    def month_passes_poles(
        self, pole_of: NDArray[np.int64], institution: NDArray[np.float64]
    ) -> None:
        """:meth:`month_passes` where the institutionalisation of a pair of organisations is
        ``institution[a]`` when both belong to the same pole (``pole_of``, -1 for none), else
        0 (same result as passing that n x n matrix, without building it)."""
        pr = self.params
        keep = 1.0 - pr.decay
        kernels.month_passes_poles(
            self.theta,
            self.tau0,
            self.best_dev,
            self.sum_dev,
            np.asarray(pole_of, dtype=np.int64),
            np.asarray(institution, dtype=float),
            float(pr.institution_rate),
            float(pr.institution_rate_formal),
            keep,
        )
        self._relax_scale(keep)

    def _flatten(self, p: TrustParams) -> NDArray[np.float64]:
        return np.array(
            [
                p.gain,
                p.loss,
                p.baseline,
                p.homophily_weight,
                p.history_weight,
                p.history_scale,
                1.0 - p.decay,
                self._kappa0,
                p.institution_rate,
                p.institution_rate_formal,
            ],
            dtype=float,
        )

    def kernel_params(self) -> NDArray[np.float64]:
        """The trust parameters of ``kernels.month.month_end`` (its ``T_*`` entries)."""
        return self._kernel_params

    def relax_scale(self) -> None:
        """The month's relaxation of the person-level deviations (after the kernels that
        relax everything else: ``kernels.month.month_end``)."""
        self._relax_scale(1.0 - self.params.decay)

    def _relax_scale(self, keep: float) -> None:
        self.scale *= keep
        if self.scale < 1e-100:  # renormalise long before underflow
            self.scaled *= self.scale
            self.scale = 1.0
