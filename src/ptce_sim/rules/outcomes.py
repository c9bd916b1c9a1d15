r"""Phase 4: projects that end succeed or fail, and their participants gain (ODD §7.4;
parameters ``[cooperation]``).

A project ending this month succeeds with probability::

    p = logistic(b0 + b1 * sqrt(T_bar) + b2 * comp_bar + b3 * A)     (success_probability)

``T_bar``: the mean effective trust over ordered pairs of participants; ``comp_bar``:
their mean complementarity; ``A``: their mean animation intensity. Each participant
gains::

    g = v_k * fit * cbar_k * D * rho_0 * eps      on success (gain)
    g = f * (the same)                            on failure
    eps = exp(sigma * z - sigma^2 / 2)            log-normal, mean 1 (payoff_factor)

(in wages; ``D`` the duration in months, ``z`` a standard-normal draw) and its realised return
on time is ``r = g / (c_k * D)`` (realised_return), which phase 6 learns from.
"""

from __future__ import annotations

import math
from typing import Any

from ptce_sim.rules.jit import rule


@rule
def success_probability(mean_trust: float, mean_comp: float, animation: float, p: Any) -> float:
    """``logistic(b0 + b1 * sqrt(T_bar) + b2 * comp_bar + b3 * A)``.

    ``p``: the ``[cooperation]`` parameters (``CooperationParams`` or its record)."""
    z = (
        p.success_intercept
        + p.success_trust * math.sqrt(mean_trust)
        + p.success_complementarity * mean_comp
        + p.success_animation * animation
    )
    return 1.0 / (1.0 + math.exp(-z))


@rule
def payoff_factor(z: float, sigma: float) -> float:
    """Log-normal noise with mean 1 from a standard-normal draw: ``exp(s z - s^2 / 2)``."""
    return math.exp(sigma * z - 0.5 * sigma * sigma)


@rule
def gain(
    value: float, fit: float, nominal_cost: float, duration: int, success: bool, z: float, p: Any
) -> float:
    """Gain (wages) of one participant: ``v * fit * cbar * D * rho_0 * eps``, times ``f`` on
    failure. ``value``: the value multiple ``v_k`` of the project's kind."""
    base = value * fit * nominal_cost * duration * p.opportunity_cost
    return base * payoff_factor(z, p.payoff_noise) * (1.0 if success else p.failure_share)


@rule
def realised_return(gain: float, cost: float, duration: int) -> float:
    """Realised return on the time given: ``r = g / (c * D)`` (wages per FTE-month)."""
    return gain / (cost * duration)
