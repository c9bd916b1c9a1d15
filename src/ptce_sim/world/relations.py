"""Trust state of a territory: person-level and organisation-level matrices.

Why this layout (relations are matrices): a run touches tens of thousands of trust
values a month, so they live in numpy arrays owned by the model, not in agent
attributes. Persons are slots ``(organisation, s)`` with ``s < MAX_PERSONS``, flattened
to ``p = organisation * MAX_PERSONS + s``.

Stored quantities (the equations are in ``rules/trust.py``):

- ``tau0`` (n x n): the stranger baseline between the persons of two organisations,
  from their value homophily (``stranger_trust``);
- ``floor`` (P x P) and ``pair_history`` (P x P): the joint projects two persons
  completed together in post, and the part of their trust it explains
  (``history_floor``): history lives between persons, and leaves with them;
- the deviation ``dev = tau - tau0 - floor`` (P x P), stored as ``scaled * scale``: the
  monthly relaxation (``relax``) multiplies the one number ``scale`` by ``1 - delta``
  instead of the whole matrix (``scaled`` is renormalised when ``scale`` gets small);
- ``tie`` (P x P): persons in post who worked together; ``tied`` (n x n): how many tied
  pairs of persons two organisations have;
- ``best_dev`` (n x n): the largest ``floor + dev`` over the *present* person pairs of
  two organisations (0 when there is none), so the best person tie is
  ``tau_bar = tau0 + best_dev``; ``sum_dev`` (n x n): its sum over present pairs (for
  the mean person trust). Where no present pair has a floor, max and relaxation
  commute and both relax by the same factor; the other blocks are recomputed;
- ``theta`` (n x n): organisation-level trust; ``history`` (n x n): cooperations the
  organisations completed together (whoever their persons were).

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
        self.tau0 = affinities.baselines(homophily, trust)
        self.scaled = np.zeros((n * S, n * S))  # dev / scale
        self._scale = np.ones(1)
        self.floor = np.zeros((n * S, n * S))
        self.pair_history = np.zeros((n * S, n * S), dtype=np.int64)
        self.tie = np.zeros((n * S, n * S), dtype=bool)
        self.tied = np.zeros((n, n), dtype=np.int64)
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
            self.floor,
            self.pair_history,
            self.tie,
            self.tied,
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
        """Person trust above its rest ``tau0 + floor`` (P x P); a copy."""
        return self.scaled * self._scale[0]

    def tau_bar(self) -> NDArray[np.float64]:
        """Best person-pair trust between organisations (n x n)."""
        return self.tau0 + self.best_dev

    def person_trust(self, p: NDArray[np.int64], q: NDArray[np.int64]) -> NDArray[np.float64]:
        """Person trust ``tau[p, q]`` of flat person ids."""
        return self.tau0[p // S, q // S] + self.floor[p, q] + self.scaled[p, q] * self._scale[0]

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
        and the floors move, person trust stays."""
        tau0 = affinities.baselines(self.homophily, trust)
        floor = affinities.floors(self.pair_history, trust)
        old = np.repeat(np.repeat(self.tau0, S, axis=0), S, axis=1) + self.floor
        new = np.repeat(np.repeat(tau0, S, axis=0), S, axis=1) + floor
        self.scaled += (old - new) / self._scale[0]
        self.tau0[...] = tau0  # in place: the kernels' record keeps these arrays
        self.floor[...] = floor
        trust_blocks.refresh_rows(np.arange(self.n), self.record(), self.present)
