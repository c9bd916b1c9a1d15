"""Kaplan–Meier survival of formal poles, with Greenwood 95% confidence intervals.

Time origin: formalisation. Event: death. Poles alive at the end of a run are censored at
the run's last month. Why hand-written: the estimator is a dozen lines of numpy, and the
packages that offer it (lifelines, scikit-survival) would add a dependency tree larger than
ptce-sim's for one function; the tests check it against a textbook example.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Z95 = 1.959963984540054


@dataclass(frozen=True)
class KaplanMeier:
    """A survival curve: ``survival[k]`` holds just after ``times[k]``."""

    times: NDArray[np.float64]
    survival: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    at_risk: NDArray[np.int64]
    n: int
    events: int
    end: float = 0.0  # longest follow-up: the curve is undefined beyond it
    greenwood: NDArray[np.float64] | None = None  # cumulative sum d / (n (n - d))

    def se_at(self, t: float) -> float:
        """Greenwood standard error of S(t): ``S * sqrt(sum d / (n (n - d)))``."""
        if self.n == 0 or t > self.end:
            return float("nan")
        k = np.searchsorted(self.times, t, side="right") - 1
        if k < 0:
            return 0.0
        return float(self.survival[k] * np.sqrt(self.greenwood[k]))

    def at(self, t: float) -> tuple[float, float, float]:
        """(S(t), lower, upper); NaN when nobody was observed up to ``t``."""
        if self.n == 0 or t > self.end:
            return (float("nan"),) * 3
        k = np.searchsorted(self.times, t, side="right") - 1
        if k < 0:
            return 1.0, 1.0, 1.0
        return float(self.survival[k]), float(self.lower[k]), float(self.upper[k])


def kaplan_meier(durations: ArrayLike, observed: ArrayLike) -> KaplanMeier:
    """Estimate S(t) from durations and event flags (1 = died, 0 = censored).

    Confidence band: Greenwood's variance on the log-log scale (bounded in [0, 1]).
    """
    d = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    if len(d) == 0:
        empty = np.zeros(0)
        return KaplanMeier(empty, empty, empty, empty, np.zeros(0, dtype=np.int64), 0, 0, 0.0)
    times = np.unique(d[e])
    at_risk = np.array([(d >= t).sum() for t in times], dtype=np.int64)
    deaths = np.array([((d == t) & e).sum() for t in times], dtype=np.int64)
    factor = 1.0 - deaths / at_risk
    surv = np.cumprod(factor)
    with np.errstate(divide="ignore", invalid="ignore"):
        green = np.cumsum(deaths / (at_risk * (at_risk - deaths)))
        log_s = np.log(surv)
        se = np.sqrt(green) / np.abs(log_s)
        loglog = np.log(-log_s)
        lo = np.exp(-np.exp(loglog + Z95 * se))
        hi = np.exp(-np.exp(loglog - Z95 * se))
    lo = np.where(surv >= 1.0, 1.0, np.where(surv <= 0.0, 0.0, lo))
    hi = np.where(surv >= 1.0, 1.0, np.where(surv <= 0.0, 0.0, hi))
    return KaplanMeier(
        times,
        surv,
        np.nan_to_num(lo, nan=0.0),
        np.nan_to_num(hi, nan=1.0),
        at_risk,
        len(d),
        int(e.sum()),
        float(d.max()),
        np.nan_to_num(green, nan=np.inf, posinf=np.inf),
    )


def survival_at(durations: ArrayLike, observed: ArrayLike, months: float) -> float:
    """Share of poles surviving ``months`` after formalisation, among those observed that
    long (censored earlier ones are excluded); NaN when none was."""
    d = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    eligible = (d >= months) | e & (d < months)
    if not eligible.any():
        return float("nan")
    return float((d[eligible] >= months).mean())
