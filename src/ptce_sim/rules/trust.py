r"""Phase 5: trust lives in persons; organisations follow slowly (ODD §7.3).

**Persons.** Trust between two boundary spanners ``p`` and ``q`` (of organisations ``i``
and ``j``) has three parts::

    tau_pq = tau0_ij + floor_pq + dev_pq

    stranger baseline:  tau0_ij  = tau_b + chi_H * H_ij                     (stranger_trust)
    shared history:     floor_pq = chi_h * (1 - exp(-m_pq / n_h))           (history_floor)

``H_ij`` is the value homophily of the two organisations; ``m_pq`` the joint projects the
two *persons* completed together while both in post: history lives between persons. When
a joint project of theirs ends, their trust moves::

    success:  tau <- tau + eta_plus * (1 - tau)                             (after_success)
    failure:  tau <- tau - eta_minus * tau                                  (after_failure)

and ``m_pq`` grows by one: the part of their trust that their history explains no longer
fades. Without interaction the rest relaxes towards ``tau0 + floor``::

    dev <- dev * (1 - delta)                                                (relax)

**Departures.** A person who leaves takes its history and its ties with it
(``vacated_trust``): its post's trust is back to the stranger baseline. Its successor
starts at ``psi * Theta + (1 - psi) * tau0`` with everyone (``newcomer_trust``): the
organisation passes on a share ``psi`` (the handover, ``rules/turnover.py``, more with an
animation cell) of what it knows of its partners.

**Organisations.** Organisation-level (institutional) trust follows the best person tie
between the two organisations, faster in a formal pole (institutionalisation ``I``)::

    Theta <- Theta + (kappa_0 + kappa_I * I) * (tau_bar - Theta)            (follow)
    tau_bar = max over the present person pairs of the two organisations

**Decisions** use the effective trust (``effective_trust``)::

    T = omega * tau_bar + (1 - omega) * Theta
    omega = omega_informal + (omega_formal - omega_informal) * I            (personal_weight)

with ``I`` the institutionalisation of the pole when both organisations are members of
the same pole, 0 otherwise: as a pole institutionalises, trust moves from the persons to
the organisations, and a departure costs less.

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
        0.24,
        lo=0.0,
        hi=0.5,
        unit="-",
        role="uncertainty",
        doc="chi_h: trust two persons keep from a long shared history (saturating)",
        source="calibrated",
    )
    history_scale: float = param(
        3.0,
        lo=0.5,
        hi=50.0,
        unit="cooperations",
        role="uncertainty",
        doc="n_h: joint projects of two persons for 63% of their history's effect",
    )
    gain: float = param(
        0.089,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        source="calibrated",
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
        0.031,
        lo=0.0,
        hi=0.5,
        unit="1/month",
        role="uncertainty",
        doc="delta: monthly relaxation of person trust towards its baseline",
        source="calibrated",
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
def stranger_trust(homophily: float, p: TrustParams) -> float:
    """Person trust between two persons who have never worked together:
    ``tau0 = tau_b + chi_H * H`` (in [0, 1] by the parameter check)."""
    return min(p.baseline + p.homophily_weight * homophily, 1.0)


@rule
def history_floor(joint_projects: int, p: TrustParams) -> float:
    """The part of two persons' trust their shared history explains, which does not fade:
    ``chi_h * (1 - exp(-m / n_h))`` after ``m`` joint projects (saturating)."""
    return p.history_weight * (-math.expm1(-joint_projects / p.history_scale))


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
def relax(tau: float, rest: float, decay: float) -> float:
    """One month without interaction: ``rest + (tau - rest) * (1 - delta)``, where ``rest``
    is ``tau0 + floor`` (the stranger baseline and the shared history's floor).

    The model stores the deviations ``tau - rest`` and multiplies them by
    :func:`relaxation_factor` (through a common scale), which is this equation."""
    return rest + (tau - rest) * relaxation_factor(decay)


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
    """Person trust of a post whose holder left: back to the stranger baseline ``tau0``.

    A departure takes the person's history with it: every tie of the leaver vanishes
    (counted as ties lost), its shared-history floors are gone, and the vacant post,
    then its newcomer, start from the baseline (plus the handover,
    :func:`newcomer_trust`)."""
    return tau0
