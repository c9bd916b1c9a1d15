"""Staff turnover: boundary spanners leave, posts stay vacant, newcomers start over (ODD §7.2).

Each person present leaves with probability ``h`` per month (the default 1.5 % a month is
about 17 % a year). The post stays vacant for ``v`` months, ``v`` uniform on
``[vacancy_min, vacancy_max]``; while a post is vacant its organisation starts no new
project. The newcomer inherits part of the organisation's trust through the handover
``psi = psi_0 + psi_A * A`` (``A``: the animation intensity of the pole, 0 outside poles),
see ``rules/trust.newcomer_trust``.

The field brief: cooperation "rests as much on relations between persons as on
organisational proximity: any change in the teams can destabilise the dynamic".

Uniform draws are made for every person slot every month, whatever its state, so that
the turnover stream stays aligned across policy variants (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import param
from ptce_sim.rules.jit import clip, rule


@dataclass(frozen=True, kw_only=True)
class TurnoverParams:
    """Parameters of the turnover rule."""

    rate: float = param(
        0.015,
        lo=0.0,
        hi=0.2,
        unit="1/month",
        role="lever",
        doc="h: monthly probability that a boundary spanner leaves (0.015 = 17 %/year)",
    )
    vacancy_min: int = param(
        1,
        lo=0,
        hi=24,
        unit="months",
        role="uncertainty",
        doc="shortest vacancy after a departure",
    )
    vacancy_max: int = param(
        6,
        lo=0,
        hi=24,
        unit="months",
        role="uncertainty",
        doc="longest vacancy after a departure",
    )
    handover: float = param(
        0.3,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="lever",
        doc="psi_0: share of the organisation's trust a newcomer inherits",
    )
    handover_animation: float = param(
        0.4,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="lever",
        doc="psi_A: extra handover at full animation intensity (the cell introduces newcomers)",
    )

    def __post_init__(self) -> None:
        if self.vacancy_min > self.vacancy_max:
            raise ConfigError(
                "vacancy_min must not exceed vacancy_max",
                key="turnover.vacancy_min",
                value=self.vacancy_min,
                allowed=f"<= vacancy_max ({self.vacancy_max})",
            )


@rule
def leaves(u: float, rate: float) -> bool:
    """A person in post leaves this month when its uniform draw falls below ``h``."""
    return u < rate


@rule
def vacancy_months(u: float, lo: int, hi: int) -> int:
    """Months a post stays vacant, uniform on ``[lo, hi]`` from a uniform draw in [0, 1).

    A vacancy of 0 months is served as 1: the newcomer arrives next month."""
    span = hi - lo
    return max(lo + min(int(u * (span + 1)), span), 1)


@rule
def handover(animation: float, p: TurnoverParams) -> float:
    """``psi = psi_0 + psi_A * A``, clipped to [0, 1]."""
    return clip(p.handover + p.handover_animation * animation, 0.0, 1.0)


@rule
def becomes_leader(u: float, leader_share: float, is_ess: bool) -> bool:
    """A newcomer in an ESS organisation is a territorial entrepreneur with probability
    ``leader_share`` (the share drawn for the territory's first persons)."""
    return u < leader_share and is_ess
