"""Outputs computed per design point from the poles of all its replicates, and their noise.

Why: a territory has few formal poles, so a run's own ``survival_5y`` / ``survival_10y``
(the share alive among the poles *observed* that long) rests on a handful of poles and
throws away every pole formalised too late to be observed 5 or 10 years: about half of
its variance is replicate noise. ``km_survival_5y`` / ``km_survival_10y`` pool the formal
poles of the ``R`` replicates of a design point and read the Kaplan–Meier curve at 60 and
120 months (``world/survival.py``): R times more poles, and the censored ones count for
the time they were observed. The analysers then see one value per point, as they see the
replicate mean of a per-run output.

**Noise, honestly.** A pooled value has no per-replicate spread to measure noise from,
so it is measured by a bootstrap over replicates: ``RESAMPLES`` times, draw R replicates
with replacement and recompute every point's pooled value from those replicates' poles.
The *same* draw is used at every point, so the pairing of common random numbers is kept,
as it is in the per-run noise measures. The bootstrap variance at a point, times
R / (R − 1) (the bootstrap of a mean of R values is short by that factor), estimates the
squared standard error of the point's value; ``noise.py`` uses it where it would use
``var_r / R``. In ``noise.csv`` the pooled rows give ``within_var`` = R × that (the noise
of a value pooled from one replicate), so ``noise_share_mean`` and ``noise_share_run``
read as for per-run outputs. With R below about 5 the bootstrap sees too few replicates
to be trusted; the per-run outputs' noise shares are then the honest measure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas is imported where a table is built: the CLI starts faster
    import pandas as pd

#: Pooled outputs and the month at which each reads the survival curve.
HORIZONS = {"km_survival_5y": 60, "km_survival_10y": 120}
POOLED_DOCS = {
    "km_survival_5y": "Kaplan–Meier survival 5 years after formalisation, formal poles of "
    "all replicates of a design point pooled (censored poles count)",
    "km_survival_10y": "Kaplan–Meier survival 10 years after formalisation, formal poles of "
    "all replicates of a design point pooled (censored poles count)",
}
RESAMPLES = 200
#: Per-run list columns of the runs table the pooled outputs are computed from.
POLE_LISTS = ("pole_months", "pole_died")


def needs_poles(outputs: Sequence[str]) -> bool:
    """True when an output is pooled, hence needs every run's pole durations."""
    return any(o in POOLED_DOCS for o in outputs)


def km_at(months: np.ndarray, died: np.ndarray, weights: np.ndarray, t: float) -> np.ndarray:
    """Kaplan–Meier S(t) for each row of ``weights`` (poles weighted, e.g. by how often
    the bootstrap drew their replicate).

    NaN where no weighted pole was followed to ``t`` *and* the curve had not reached 0:
    beyond a last censored observation S is unknown, but once every pole at risk has
    died it is 0 for good. (``KaplanMeier.at`` leaves both blank; here the second case
    matters: dropping the points where every pole died early would drop the worst
    points from the analysis.)"""
    weights = np.atleast_2d(weights).astype(float)
    out = np.full(len(weights), np.nan)
    if len(months) == 0:
        return out
    times = np.unique(months[died & (months <= t)])
    present = weights > 0
    follow = np.where(present, months[None, :], -np.inf).max(axis=1)
    if len(times):
        at_risk = weights @ (months[:, None] >= times[None, :])
        deaths = weights @ ((months[:, None] == times[None, :]) & died[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(at_risk > 0, 1.0 - deaths / at_risk, 1.0)
        surv = factor.prod(axis=1)
    else:
        surv = np.ones(len(weights))
    defined = (follow >= t) | ((surv == 0.0) & np.isfinite(follow))
    out[defined] = surv[defined]
    return out


def _poles_by_point(runs: pd.DataFrame, n_points: int) -> list[tuple[np.ndarray, ...]]:
    """Per point: pole months, death flags and replicate index, over its replicates."""
    missing = [c for c in POLE_LISTS if c not in runs.columns]
    if missing:
        raise ValueError(f"pooled outputs need the runs table's {missing} (poles=True)")
    out: list[tuple[np.ndarray, ...]] = [
        (np.zeros(0), np.zeros(0, bool), np.zeros(0, int)) for _ in range(n_points)
    ]
    for point, rows in runs.groupby("point"):
        months = [np.asarray(m, float) for m in rows["pole_months"]]
        died = [np.asarray(d, bool) for d in rows["pole_died"]]
        reps = [np.full(len(m), r) for m, r in zip(months, rows["replicate"], strict=True)]
        if months:
            out[int(point)] = (np.concatenate(months), np.concatenate(died), np.concatenate(reps))
    return out


def point_values(runs: pd.DataFrame, n_points: int, name: str) -> np.ndarray:
    """The pooled output at every design point (all replicates' poles, unweighted)."""
    t = HORIZONS[name]
    values = np.full(n_points, np.nan)
    for p, (months, died, _) in enumerate(_poles_by_point(runs, n_points)):
        values[p] = km_at(months, died, np.ones(len(months)), t)[0]
    return values


def bootstrap(runs: pd.DataFrame, n_points: int, name: str, seed: int) -> np.ndarray:
    """``(points, RESAMPLES)`` pooled values over replicate resamples shared by all points."""
    t = HORIZONS[name]
    reps = int(runs["replicate"].max()) + 1 if len(runs) else 0
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x6B6D,)))
    counts = np.stack([np.bincount(rng.integers(0, reps, reps), minlength=reps)
                       for _ in range(RESAMPLES)])  # fmt: skip
    draws = np.full((n_points, RESAMPLES), np.nan)
    for p, (months, died, rep) in enumerate(_poles_by_point(runs, n_points)):
        draws[p] = km_at(months, died, counts[:, rep], t)
    return draws


def squared_se(draws: np.ndarray, replicates: int) -> np.ndarray:
    """Per row: bootstrap variance × R / (R − 1); NaN with fewer than 2 defined draws."""
    n = np.isfinite(draws).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(draws, axis=1) / n
        var = np.nansum((draws - mean[:, None]) ** 2, axis=1) / (n - 1)
    factor = replicates / (replicates - 1) if replicates > 1 else np.nan
    return np.where(n >= 2, var * factor, np.nan)


def noise_table(
    means: pd.DataFrame, draws: Mapping[str, np.ndarray], replicates: int
) -> pd.DataFrame:
    """``noise.csv`` rows of the pooled outputs (see the module docstring)."""
    rows = []
    for name, d in draws.items():
        values = means[name].to_numpy(dtype=float)
        se2 = squared_se(d, replicates)
        se2 = se2[np.isfinite(se2)]
        err = float(se2.mean()) if len(se2) else float("nan")
        defined = values[np.isfinite(values)]
        observed = float(defined.var(ddof=1)) if len(defined) > 1 else float("nan")
        between = max(observed - err, 0.0) if np.isfinite(err) else float("nan")
        within = err * replicates
        total_run, total_mean = within + between, within + replicates * between
        rows.append(
            {
                "output": name,
                "replicates": float(replicates),
                "within_var": within,
                "between_var": between,
                "noise_share_run": within / total_run if total_run > 0 else float("nan"),
                "noise_share_mean": within / total_mean if total_mean > 0 else float("nan"),
                "undefined_runs": int(np.isnan(values).sum()),  # here: undefined points
                "runs": len(values),  # here: design points
            }
        )
    import pandas as pd

    return pd.DataFrame(rows)
