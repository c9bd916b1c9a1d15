"""What replicate noise does to the indices, measured from the replicates themselves.

The indices are computed on replicate means, which still carry noise. With common random
numbers (``design.py``) that noise is *not* independent across design points: a factor
that leaves a run untouched gives bit-identical runs and an elementary effect of exactly
0, while a factor that changes anything reshuffles the whole history. So the harm is
measured per factor, from the replicates:

- **Morris** — ``mu_star_noise``: each elementary effect is computed once per replicate;
  the spread across replicates gives the standard error ``se`` of the averaged effect,
  and a factor with no real effect would show μ* ≈ √(2/π)·se. A μ* within about twice
  that is not distinguishable from chance at this R.
- **Sobol'** — the total-effect estimator averages (f(A) − f(AB_i))², so noise in those
  two means adds E[(e_A − e_ABi)²] to it: ``bias_i`` = mean over base samples of
  var_r(y_A − y_ABi) / R, over 2·Var(means). Noise also inflates the variance of the
  means, by the share ``inflation`` measured the same way on the (A, B) pairs, whose
  factors all differ (only the noise that differs between points inflates it; a part
  shared by all points through common random numbers does not). Hence ``ST_denoised`` =
  (ST − bias_i) / (1 − inflation) and ``S1_denoised`` = S1 / (1 − inflation), with CIs
  scaled by 1 / (1 − inflation). With noise independent across points, bias_i =
  inflation = ``noise_share_mean``; common random numbers make them smaller. Rankings by
  ST can change only through bias_i. When noise is more than half of the variance of the
  means (``MAX_INFLATION``) the corrected columns stay blank: add replicates.

Pooled outputs (``pooled.py``, one value per point from all replicates' poles) have no
per-replicate values; the same measures are taken on bootstrap draws over replicates,
the squared standard error then being the draws' variance (``pooled.squared_se``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from ptce_sim.apps.sensitivity import pooled
from ptce_sim.apps.sensitivity.design import Design
from ptce_sim.apps.sensitivity.spec import Experiment

#: Rows of draws -> squared standard error of the analysed value, per row.
SquaredSE = Callable[[np.ndarray], np.ndarray]

#: Above this share of noise in the variance of the means, corrected indices are left blank.
MAX_INFLATION = 0.5


def replicate_matrix(runs: pd.DataFrame, n_points: int, output: str) -> np.ndarray:
    """``(points, replicates)`` array of one output (NaN where undefined or missing)."""
    table = runs.pivot_table(index="point", columns="replicate", values=output, dropna=False)
    return table.reindex(range(n_points)).to_numpy(dtype=float)


def _mean(values: np.ndarray) -> float:
    """Mean of the defined values; NaN (without numpy's warning) when there are none."""
    defined = values[np.isfinite(values)]
    return float(defined.mean()) if len(defined) else float("nan")


def _nanvar_over_r(d: np.ndarray) -> np.ndarray:
    """Variance across replicates (axis 1) / number of defined replicates: the squared
    standard error of a replicate mean; NaN with fewer than 2 defined replicates."""
    n = np.isfinite(d).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(d, axis=1) / n
        var = np.nansum((d - mean[:, None]) ** 2, axis=1) / (n - 1)
        return np.where(n >= 2, var / n, np.nan)


def morris_floor(
    design: Design, yr: np.ndarray, num_levels: int, se2: SquaredSE | None = None
) -> np.ndarray:
    """Per effect: the μ* that replicate noise alone would produce (see module docstring).

    ``yr`` holds replicates (``se2`` default: variance / R) or, for a pooled output,
    bootstrap draws with ``se2`` = :func:`pooled.squared_se`.
    """
    se2 = se2 or _nanvar_over_r
    names = list(dict.fromkeys(design.problem.get("groups") or design.problem["names"]))
    groups = design.problem.get("groups") or design.problem["names"]
    effect_of = np.array([names.index(g) for g in groups])
    delta = num_levels / (2.0 * (num_levels - 1))
    by_effect: list[list[float]] = [[] for _ in names]
    for t in range(design.n_blocks):
        rows = slice(t * design.block, (t + 1) * design.block)
        X, Y = design.X[rows], yr[rows]
        steps = np.diff(X, axis=0)
        for j, step in enumerate(steps):
            moved = int(np.flatnonzero(step)[0])
            ee = np.sign(step[moved]) * (Y[j + 1] - Y[j]) / delta
            by_effect[effect_of[moved]].append(float(se2(ee[None, :])[0]))
    return np.array([np.sqrt(2 / np.pi * _mean(np.array(v))) for v in by_effect])


def sobol_bias(
    exp: Experiment,
    design: Design,
    yr: np.ndarray,
    se2: SquaredSE | None = None,
    values: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Per effect, what noise adds to the total index; and the share of the variance of
    the means that is noise differing between points (see module docstring). ``yr`` and
    ``se2`` as in :func:`morris_floor`."""
    se2 = se2 or _nanvar_over_r
    k = design.block - 2 if not exp.second_order else (design.block - 2) // 2
    blocks = yr.reshape(design.n_blocks, design.block, yr.shape[1])
    a, b = blocks[:, 0, :], blocks[:, -1, :]
    means = np.array([_mean(row) for row in yr]) if values is None else values
    finite = means[np.isfinite(means)]
    var = float(np.var(finite, ddof=1)) if len(finite) > 1 else float("nan")

    def share(other: np.ndarray) -> float:
        return _mean(se2(a - other)) / (2.0 * var) if var > 0 else float("nan")

    bias = np.array([share(blocks[:, 1 + i, :]) for i in range(k)])
    return bias, share(b)


def denoise(
    exp: Experiment,
    design: Design,
    runs: pd.DataFrame,
    indices: pd.DataFrame,
    draws: Mapping[str, np.ndarray] | None = None,
    values: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Add ``mu_star_noise`` (Morris) or ``ST_denoised``, ``S1_denoised`` and their CIs
    (Sobol') to the tidy indices; NaN where fewer than 2 replicates exist.

    ``draws``: bootstrap draws of the pooled outputs (``pooled.py``), used in place of
    the replicates; ``values``: those outputs' analysed values per point.
    """
    draws = draws or {}
    values = values or {}
    out = indices.copy()
    extra = ["mu_star_noise"] if exp.method == "morris" else [
        "ST_denoised", "ST_denoised_conf", "S1_denoised", "S1_denoised_conf"
    ]  # fmt: skip
    for col in extra:
        out[col] = np.nan
    for name in exp.outputs:
        rows = out["output"] == name
        se2: SquaredSE | None = None
        if name in draws:
            yr = draws[name]
            se2 = lambda d: pooled.squared_se(d, exp.replicates)  # noqa: E731
        else:
            yr = replicate_matrix(runs, len(design.points), name)
        if exp.method == "morris":
            out.loc[rows, "mu_star_noise"] = morris_floor(design, yr, exp.num_levels, se2)
            continue
        bias, inflation = sobol_bias(exp, design, yr, se2, values.get(name))
        if np.isfinite(inflation) and inflation > MAX_INFLATION:
            continue  # noise dominates the means: no correction is credible, add replicates
        keep = 1.0 - inflation if np.isfinite(inflation) else 1.0
        bias = np.where(np.isfinite(bias), bias, 0.0)
        st = out.loc[rows, "ST"].to_numpy()
        out.loc[rows, "ST_denoised"] = np.clip((st - bias) / keep, 0.0, None)
        out.loc[rows, "ST_denoised_conf"] = out.loc[rows, "ST_conf"].to_numpy() / keep
        out.loc[rows, "S1_denoised"] = out.loc[rows, "S1"].to_numpy() / keep
        out.loc[rows, "S1_denoised_conf"] = out.loc[rows, "S1_conf"].to_numpy() / keep
    return out
