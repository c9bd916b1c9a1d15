r"""Trust lives in persons; organisations follow slowly (ODD §7.3, MODEL.md §5).

Person-level trust :math:`\tau` between two boundary spanners who work together::

    success:         tau <- tau + eta_plus * (1 - tau)
    failure:         tau <- tau - eta_minus * tau
    no interaction:  tau <- tau0 + (tau - tau0) * (1 - delta)          (every month)
    baseline:        tau0 = tau_b + chi_H * H_ij + chi_h * (1 - exp(-n_ij / n_h))

where ``H_ij`` is the value homophily of the two organisations and ``n_ij`` the number of
cooperations they completed together (a saturating memory of shared history, so that the
baseline stays in [0, 1]).

Organisation-level (institutional) trust follows the best person tie, faster in a formal
pole (institutionalisation ``I``)::

    Theta <- Theta + (kappa_0 + kappa_I * I) * (tau_bar - Theta)
    tau_bar = max over the person pairs of the two organisations (several ties buffer an exit)

Decisions use the effective trust ``T = omega * tau_bar + (1 - omega) * Theta`` with
``omega = omega_informal - (omega_informal - omega_formal) * I``.

A newcomer replacing a departed person starts at ``psi * Theta + (1 - psi) * tau0``
(handover ``psi``, see ``rules/turnover.py``).

References: Zaheer, McEvily & Perrone (1998) on interpersonal vs inter-organisational
trust; Vanneste (2016); Broschak & Block (2014) and Rogan (2014) on boundary-spanner exits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import param

F = NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class TrustParams:
    """Parameters of the trust rule."""

    baseline: float = param(
        0.2,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="tau_b: person trust between strangers",
    )
    homophily_weight: float = param(
        0.2,
        lo=0.0,
        hi=0.5,
        unit="-",
        role="uncertainty",
        doc="chi_H: extra baseline trust per unit of value homophily",
    )
    history_weight: float = param(
        0.15,
        lo=0.0,
        hi=0.5,
        unit="-",
        role="uncertainty",
        doc="chi_h: extra baseline trust from a long shared history (saturating)",
    )
    history_scale: float = param(
        3.0,
        lo=0.5,
        hi=50.0,
        unit="cooperations",
        role="uncertainty",
        doc="n_h: number of joint cooperations for 63% of the history effect",
    )
    gain: float = param(
        0.1,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        source="literature",
        doc="eta_plus: share of the gap to 1 closed by a successful joint project",
    )
    loss: float = param(
        0.15,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        source="literature",
        doc="eta_minus: share of trust lost after a failed joint project",
    )
    decay: float = param(
        0.02,
        lo=0.0,
        hi=0.5,
        unit="1/month",
        role="uncertainty",
        doc="delta: monthly relaxation of person trust towards its baseline",
    )
    institution_rate: float = param(
        0.03,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="kappa_0: speed at which organisation trust follows person trust",
    )
    institution_rate_formal: float = param(
        0.1,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="kappa_I: extra speed in a fully institutionalised pole (I = 1)",
    )
    personal_weight_informal: float = param(
        0.8,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="omega at I = 0: weight of person trust in decisions, informal setting",
    )
    personal_weight_formal: float = param(
        0.4,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="omega at I = 1: weight of person trust in decisions, institutionalised pole",
    )

    def __post_init__(self) -> None:
        top = self.baseline + self.homophily_weight + self.history_weight
        if top > 1.0 + 1e-12:
            raise ConfigError(
                "baseline + homophily_weight + history_weight must not exceed 1 "
                "(baseline trust would leave [0, 1])",
                key="trust.baseline",
                value=round(top, 6),
                allowed="a sum <= 1",
            )


def baseline_trust(homophily: ArrayLike, history: ArrayLike, p: TrustParams) -> F:
    """Baseline ``tau0`` towards which person trust relaxes; in [0, 1] by construction."""
    h = np.asarray(homophily, dtype=float)
    n = np.asarray(history, dtype=float)
    tau0 = (
        p.baseline + p.homophily_weight * h + p.history_weight * (-np.expm1(-n / p.history_scale))
    )
    return np.minimum(tau0, 1.0)  # the parameter check tolerates a 1e-12 round-off


def after_success(tau: ArrayLike, gain: float) -> F:
    """Trust after a successful joint project: ``tau + gain * (1 - tau)``."""
    t = np.asarray(tau, dtype=float)
    return t + gain * (1.0 - t)


def after_failure(tau: ArrayLike, loss: float) -> F:
    """Trust after a failed joint project: ``tau - loss * tau``."""
    t = np.asarray(tau, dtype=float)
    return t - loss * t


def relax(tau: ArrayLike, tau0: ArrayLike, decay: float) -> F:
    """One month without interaction: ``tau0 + (tau - tau0) * (1 - decay)``.

    The model stores ``tau - tau0`` and multiplies it by ``1 - decay`` in place, which is
    the same equation; this function is the reference the tests check it against.
    """
    t0 = np.asarray(tau0, dtype=float)
    return t0 + (np.asarray(tau, dtype=float) - t0) * (1.0 - decay)


def institution_rate(institutionalisation: ArrayLike, p: TrustParams) -> F:
    """``kappa = kappa_0 + kappa_I * I``, clipped to [0, 1] so that Theta never overshoots."""
    i = np.asarray(institutionalisation, dtype=float)
    return np.clip(p.institution_rate + p.institution_rate_formal * i, 0.0, 1.0)


def follow(theta: ArrayLike, tau_bar: ArrayLike, kappa: ArrayLike) -> F:
    """Organisation trust after one month: ``Theta + kappa * (tau_bar - Theta)``."""
    th = np.asarray(theta, dtype=float)
    return th + np.asarray(kappa, dtype=float) * (np.asarray(tau_bar, dtype=float) - th)


def personal_weight(institutionalisation: ArrayLike, p: TrustParams) -> F:
    """``omega``: falls linearly from its informal to its formal value as I goes 0 -> 1."""
    i = np.asarray(institutionalisation, dtype=float)
    return p.personal_weight_informal + (p.personal_weight_formal - p.personal_weight_informal) * i


def effective_trust(tau_bar: ArrayLike, theta: ArrayLike, omega: ArrayLike) -> F:
    """Trust used in decisions: ``omega * tau_bar + (1 - omega) * Theta``."""
    w = np.asarray(omega, dtype=float)
    return w * np.asarray(tau_bar, dtype=float) + (1.0 - w) * np.asarray(theta, dtype=float)


def newcomer_trust(theta: ArrayLike, tau0: ArrayLike, handover: ArrayLike) -> F:
    """Starting trust of a newcomer: ``psi * Theta + (1 - psi) * tau0``."""
    psi = np.asarray(handover, dtype=float)
    return psi * np.asarray(theta, dtype=float) + (1.0 - psi) * np.asarray(tau0, dtype=float)
