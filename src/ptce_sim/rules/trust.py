r"""Phase 5: trust lives in persons; organisations follow slowly (ODD §7.3).

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

import math
from dataclasses import dataclass

from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import param
from ptce_sim.rules.jit import clip, rule


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


@rule
def baseline_trust(homophily: float, history: int, p: TrustParams) -> float:
    """Baseline ``tau0`` towards which person trust relaxes; in [0, 1] by construction.

    ``tau0 = tau_b + chi_H * H + chi_h * (1 - exp(-n / n_h))``, with ``n`` the
    cooperations the two organisations completed together (the parameter check allows a
    1e-12 round-off above 1, clipped here)."""
    tau0 = (
        p.baseline
        + p.homophily_weight * homophily
        + p.history_weight * (-math.expm1(-history / p.history_scale))
    )
    return min(tau0, 1.0)


@rule
def after_success(tau: float, gain: float) -> float:
    """Trust after a successful joint project: ``tau + eta_plus * (1 - tau)``."""
    return tau + gain * (1.0 - tau)


@rule
def after_failure(tau: float, loss: float) -> float:
    """Trust after a failed joint project: ``tau - eta_minus * tau``."""
    return tau - loss * tau


@rule
def after_project(tau: float, success: bool, p: TrustParams) -> float:
    """Person trust of two participants still in post when their project ends."""
    return after_success(tau, p.gain) if success else after_failure(tau, p.loss)


@rule
def relaxation_factor(decay: float) -> float:
    """``1 - delta``: what is left of a deviation from the baseline after a quiet month."""
    return 1.0 - decay


@rule
def relax(tau: float, tau0: float, decay: float) -> float:
    """One month without interaction: ``tau0 + (tau - tau0) * (1 - delta)``.

    The model stores deviations ``tau - tau0`` and multiplies them by
    :func:`relaxation_factor` (through a common scale), which is this equation."""
    return tau0 + (tau - tau0) * relaxation_factor(decay)


@rule
def institution_rate(institutionalisation: float, p: TrustParams) -> float:
    """``kappa = kappa_0 + kappa_I * I``, clipped to [0, 1] so that Theta never overshoots."""
    return clip(p.institution_rate + p.institution_rate_formal * institutionalisation, 0.0, 1.0)


@rule
def follow(theta: float, tau_bar: float, kappa: float) -> float:
    """Organisation trust after one month: ``Theta + kappa * (tau_bar - Theta)``."""
    return theta + kappa * (tau_bar - theta)


@rule
def personal_weight(institutionalisation: float, p: TrustParams) -> float:
    """``omega``: falls linearly from its informal to its formal value as I goes 0 -> 1."""
    wi = p.personal_weight_informal
    return wi + (p.personal_weight_formal - wi) * institutionalisation


@rule
def effective_trust(tau_bar: float, theta: float, omega: float) -> float:
    """Trust used in decisions: ``omega * tau_bar + (1 - omega) * Theta``."""
    return omega * tau_bar + (1.0 - omega) * theta


@rule
def newcomer_trust(theta: float, tau0: float, handover: float) -> float:
    """Starting trust of a newcomer: ``psi * Theta + (1 - psi) * tau0``."""
    return handover * theta + (1.0 - handover) * tau0


@rule
def vacated_trust(tau0: float) -> float:
    """Person trust of a post whose holder left: back to the baseline ``tau0``.

    A departure takes the person's history with it: every tie of the leaver vanishes
    (counted as ties lost) and the vacant post, then its newcomer, start from the
    baseline (plus the handover, :func:`newcomer_trust`)."""
    return tau0
