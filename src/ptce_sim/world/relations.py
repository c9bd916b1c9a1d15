"""Trust state of a territory: person-level and organisation-level matrices.

Why this layout (relations are matrices): a run touches tens of thousands of trust
values a month, so they live in numpy arrays owned by the model, not in agent
attributes. Persons are slots ``(organisation, s)`` with ``s < MAX_PERSONS``, flattened
to ``p = organisation * MAX_PERSONS + s``.

Stored quantities (the equations are in ``rules/trust.py``):

- ``tau0`` (n x n): baseline trust between organisations, from value homophily and
  their shared history (``baseline_trust``);
- the person-level deviation ``dev = tau - tau0`` (P x P), stored as ``scaled * scale``:
  the monthly relaxation (``relax``) multiplies the one number ``scale`` by
  ``1 - delta`` instead of the whole matrix (``scaled`` is renormalised when ``scale``
  gets small);
- ``best_dev`` (n x n): the largest deviation over the *present* person pairs of two
  organisations (0 when there is none), so the best person tie is
  ``tau_bar = tau0 + best_dev``. Relaxation is increasing in ``tau`` and the pairs of a
  block share ``tau0``, so max and relaxation commute and ``best_dev`` relaxes by the same
  factor: it is recomputed only for the blocks whose persons change;
- ``sum_dev`` (n x n): the sum of the deviations over present person pairs (for the mean
  person trust), linear, so it relaxes the same way;
- ``theta`` (n x n): organisation-level trust; ``history`` (n x n): completed joint
  cooperations; ``tie`` (P x P): persons who worked together.

The kernels write these arrays in place (``kernels/trust.py``, ``kernels/trust_blocks.py``,
``kernels/turnover.py``); :meth:`Relations.record` hands them over.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.rules import trust as trust_rule
from ptce_sim.world.kernels import affinities, trust_blocks
from ptce_sim.world.kernels import trust as trust_kernels
from ptce_sim.world.kernels.state import Persons, Trust

S = MAX_PERSONS


class Relations:
    """Person- and organisation-level trust of one territory (see module docstring)."""

    def __init__(
        self, homophily: NDArray[np.float64], present: NDArray[np.bool_], trust: Any
    ) -> None:
        """``trust``: the ``[trust]`` parameters as a kernel record."""
        n = homophily.shape[0]
        self.n = n
        self.homophily = homophily
        self.present = present  # (n, S), shared with the model (a view, not a copy)
        self.history = np.zeros((n, n), dtype=np.int64)
        self.tau0 = affinities.baselines(homophily, self.history, trust)
        self.scaled = np.zeros((n * S, n * S))  # dev / scale
        self._scale = np.ones(1)
        self.tie = np.zeros((n * S, n * S), dtype=bool)
        self.best_dev = np.zeros((n, n))
        self.sum_dev = np.zeros((n, n))
        self.theta = self.tau0.copy()
        self.mark = np.zeros((n, n), dtype=bool)  # scratch for the outcome kernel
        self._record: Trust | None = None

    def record(self) -> Trust:
        """The arrays as the kernels' :class:`~ptce_sim.world.kernels.state.Trust` record
        (the same object while the arrays are: every array is updated in place)."""
        if self._record is None:
            self._record = self._build_record()
        return self._record

    def _build_record(self) -> Trust:
        return Trust(
            self.tau0,
            self.theta,
            self.scaled,
            self._scale,
            self.tie,
            self.best_dev,
            self.sum_dev,
            self.history,
            self.mark,
        )

    # -- reading -------------------------------------------------------------------
    @property
    def scale(self) -> float:
        """The common scale of the stored deviations."""
        return float(self._scale[0])

    @property
    def dev(self) -> NDArray[np.float64]:
        """Person trust minus its baseline (P x P); a copy, computed on demand."""
        return self.scaled * self._scale[0]

    def tau_bar(self) -> NDArray[np.float64]:
        """Best person-pair trust between organisations (n x n)."""
        return self.tau0 + self.best_dev

    def person_trust(self, p: NDArray[np.int64], q: NDArray[np.int64]) -> NDArray[np.float64]:
        """Person trust ``tau[p, q]`` of flat person ids."""
        return self.tau0[p // S, q // S] + self.scaled[p, q] * self._scale[0]

    def effective_all(self, omega: float) -> NDArray[np.float64]:
        """Effective trust ``T`` between every pair of organisations (n x n)."""
        return np.vectorize(trust_rule.effective_trust)(self.tau_bar(), self.theta, omega)

    def trust_means(self, persons: Persons) -> tuple[float, float]:
        """(mean person trust, mean organisation trust) over pairs that cooperated."""
        person, org = trust_kernels.trust_means(persons, self.record())
        return float(person), float(org)

    # -- writing -------------------------------------------------------------------
    def set_params(self, trust: Any) -> None:
        """New trust parameters (a policy change, ``trust`` a kernel record): the baseline
        moves, person trust stays."""
        new = affinities.baselines(self.homophily, self.history, trust)
        shift = (self.tau0 - new)[:, None, :, None] / self._scale[0]
        self.tau0[...] = new  # in place: the kernels' record keeps this array
        self.scaled.reshape(self.n, S, self.n, S)[...] += shift
        trust_blocks.refresh_rows(np.arange(self.n), self.record(), self.present)
