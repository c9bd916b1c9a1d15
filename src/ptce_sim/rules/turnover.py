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

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import param


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


def exits(present: ArrayLike, u: ArrayLike, rate: float) -> NDArray[np.bool_]:
    """Who leaves this month: present persons whose uniform draw falls below ``rate``."""
    return np.asarray(present, dtype=bool) & (np.asarray(u, dtype=float) < rate)


def vacancy_months(u: ArrayLike, lo: int, hi: int) -> NDArray[np.int64]:
    """Map uniforms in [0, 1) to integer vacancy lengths uniform on ``[lo, hi]``."""
    u = np.asarray(u, dtype=float)
    return lo + np.minimum((u * (hi - lo + 1)).astype(np.int64), hi - lo)


def handover(animation: ArrayLike, p: TurnoverParams) -> NDArray[np.float64]:
    """``psi = psi_0 + psi_A * A``, clipped to [0, 1]."""
    a = np.asarray(animation, dtype=float)
    return np.clip(p.handover + p.handover_animation * a, 0.0, 1.0)
