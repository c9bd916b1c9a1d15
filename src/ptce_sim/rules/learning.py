r"""Phase 6: organisations learn the return of cooperation (ODD §7.4; parameters
``[cooperation]``).

Each participant of a completed project updates its perceived return on cooperation
time from the return it realised, in project order; then every organisation's
aspiration follows its perceived return::

    rho <- (1 - lambda_r) * rho + lambda_r * r          (learn)
    a   <- (1 - mu) * a + mu * rho                      (aspire)

Reference: Levinthal (1991) for aspiration learning.
"""

from __future__ import annotations

from ptce_sim.rules.jit import rule


@rule
def learn(perceived: float, realised: float, rate: float) -> float:
    """``rho <- (1 - lambda_r) * rho + lambda_r * r``."""
    return (1.0 - rate) * perceived + rate * realised


@rule
def aspire(aspiration: float, perceived: float, rate: float) -> float:
    """``a <- (1 - mu) * a + mu * rho``."""
    return (1.0 - rate) * aspiration + rate * perceived
