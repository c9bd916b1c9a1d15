"""From a runs table to sensitivity indices, their convergence and the replicate-noise share.

Why the replicate mean: SALib's estimators assume a deterministic model ``y = f(x)``. Our
model is stochastic, so each design point is run ``R`` times (common random numbers, see
``design.py``) and the analysers see the mean of the ``R`` replicates. What is left of the
noise in those means is reported beside the indices (:func:`noise_table`) instead of being
silently folded into them.

**Noise share** (per output). With ``y[p, r]`` the output of replicate ``r`` at point ``p``:

- ``within`` W = mean over points of the variance across replicates (the model's own
  randomness at fixed parameters);
- ``between`` B = variance across points of the *true* point means, estimated as
  ``var_p(mean_r y) - W / R`` (floored at 0): what the factors explain;
- ``noise_share_run`` = W / (W + B): share of the variance of *one run* that is replicate
  noise — how much of a pole's fate no parameter decides;
- ``noise_share_mean`` = W / (W + R·B): share of the variance of the *analysed means*
  that is still noise. Indices are computed on those means, so a large value here means
  indices are attenuated and CIs widened; more replicates shrink it as 1/R. Common random
  numbers make part of that noise shared by all points, which cancels in the elementary
  effects and the A/AB differences: read it as an upper bound of the harm.

**Undefined outputs.** Some summaries are undefined for a run (no formal pole → no
survival share). Point means ignore undefined replicates; a design block (Morris
trajectory, Sobol' base sample with its A/B/AB rows) in which some point mean is still
undefined is dropped whole, which keeps SALib's structure intact. ``blocks_used`` says how
many blocks each index rests on: the indices then describe the region where the output
exists.

**Convergence.** The indices are recomputed on the first quarter, the first half and all
of the blocks. For Sobol' the first N/4 base samples of a Sobol' sequence are themselves a
balanced Sobol' design; for Morris the trajectories are independent.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ptce_sim.apps.sensitivity.design import Design
from ptce_sim.apps.sensitivity.spec import Experiment

CONF_LEVEL = 0.95
RESAMPLES = 500
FRACTIONS = (0.25, 0.5, 1.0)
MORRIS_COLUMNS = ["mu_star", "mu_star_conf", "mu", "sigma"]
SOBOL_COLUMNS = ["S1", "S1_conf", "ST", "ST_conf"]


def point_means(runs: pd.DataFrame, n_points: int, outputs: tuple[str, ...]) -> pd.DataFrame:
    """Mean of each output over the replicates of each point (undefined replicates ignored).

    Indexed ``0 .. n_points - 1``; a point with no defined replicate is NaN.
    """
    means = runs.groupby("point")[list(outputs)].mean()
    return means.reindex(range(n_points))


def noise_table(runs: pd.DataFrame, outputs: tuple[str, ...]) -> pd.DataFrame:
    """Replicate noise per output (see the module docstring for the definitions)."""
    rows = []
    for name in outputs:
        y = pd.to_numeric(runs[name], errors="coerce")
        by_point = y.groupby(runs["point"])
        counts = by_point.count()
        reps = float(counts[counts > 0].mean()) if (counts > 0).any() else float("nan")
        within = float(by_point.var(ddof=1)[counts >= 2].mean()) if (counts >= 2).any() else np.nan
        means = by_point.mean().dropna()
        observed = float(means.var(ddof=1)) if len(means) > 1 else float("nan")
        between = max(observed - within / reps, 0.0) if np.isfinite(within) else np.nan
        share_run = _ratio(within, within + between)
        share_mean = _ratio(within, within + reps * between)
        rows.append(
            {
                "output": name,
                "replicates": reps,
                "within_var": within,
                "between_var": between,
                "noise_share_run": share_run,
                "noise_share_mean": share_mean,
                "undefined_runs": int(y.isna().sum()),
                "runs": len(y),
            }
        )
    return pd.DataFrame(rows)


def _ratio(a: float, b: float) -> float:
    if not (np.isfinite(a) and np.isfinite(b)) or b <= 0:
        return float("nan")
    return a / b


def analyse(
    exp: Experiment, design: Design, means: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indices for every output (tidy) and their convergence over N/4, N/2, N.

    Returns ``(indices, convergence)``. ``indices`` has one row per (output, parameter):
    ``mu_star, mu_star_conf, mu, sigma`` for Morris; ``S1, S1_conf, ST, ST_conf`` for
    Sobol' (``*_conf`` are half-widths of the 95% bootstrap interval), plus
    ``blocks_used`` and ``blocks_total``. ``convergence`` is long: one row per (output,
    parameter, n, index) with ``value`` and ``conf``.
    """
    indices, conv = [], []
    for name in exp.outputs:
        y = means[name].to_numpy(dtype=float)
        for frac in FRACTIONS:
            n_sub = max(2, round(design.n_blocks * frac))
            if frac < 1 and n_sub >= design.n_blocks:
                continue
            table = _one(exp, design, y, n_sub)
            table.insert(0, "output", name)
            if frac == 1.0:
                indices.append(table)
            conv.append(_long(table, exp.method))
    return pd.concat(indices, ignore_index=True), pd.concat(conv, ignore_index=True)


def _one(exp: Experiment, design: Design, y: np.ndarray, n_blocks: int) -> pd.DataFrame:
    """Indices of one output on the first ``n_blocks`` blocks of the design."""
    rows = n_blocks * design.block
    k = design.X.shape[1]
    yb = y[:rows].reshape(n_blocks, design.block)
    keep = np.isfinite(yb).all(axis=1)
    used = int(keep.sum())
    names = _effect_names(design.problem)
    columns = MORRIS_COLUMNS if exp.method == "morris" else SOBOL_COLUMNS
    out = pd.DataFrame({"parameter": names})
    for col in columns:
        out[col] = np.nan
    out["blocks_used"] = used
    out["blocks_total"] = n_blocks
    out["n"] = n_blocks
    y_kept = yb[keep].ravel()
    if used < 2 or np.nanstd(y_kept) == 0:
        return out  # too few defined blocks, or an output that never moved: no indices
    if exp.method == "morris":
        from SALib.analyze import morris

        X = design.X[:rows].reshape(n_blocks, design.block, k)[keep].reshape(-1, k)
        si = morris.analyze(
            design.problem,
            X,
            y_kept,
            num_resamples=RESAMPLES,
            conf_level=CONF_LEVEL,
            num_levels=exp.num_levels,
            seed=exp.seed,
        )
    else:
        from SALib.analyze import sobol

        si = sobol.analyze(
            design.problem,
            y_kept,
            calc_second_order=exp.second_order,
            num_resamples=RESAMPLES,
            conf_level=CONF_LEVEL,
            seed=exp.seed,  # >= 1: SALib ignores a seed of 0
        )
    for col in columns:
        out[col] = np.asarray(si[col], dtype=float)
    return out


def _effect_names(problem: dict[str, Any]) -> list[str]:
    """Names SALib reports under: the factors, or the groups in first-seen order."""
    groups = problem.get("groups")
    if not groups:
        return list(problem["names"])
    return list(dict.fromkeys(groups))


def _long(table: pd.DataFrame, method: str) -> pd.DataFrame:
    pairs = (
        [("mu_star", "mu_star_conf")]
        if method == "morris"
        else [
            ("S1", "S1_conf"),
            ("ST", "ST_conf"),
        ]
    )
    parts = []
    for value, conf in pairs:
        part = table[["output", "parameter", "n", "blocks_used"]].copy()
        part["index"] = value
        part["value"] = table[value]
        part["conf"] = table[conf]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def ranking(indices: pd.DataFrame, output: str, method: str) -> pd.DataFrame:
    """The rows of one output, most influential first (μ* for Morris, ST for Sobol')."""
    key = "mu_star" if method == "morris" else "ST"
    rows = indices[indices["output"] == output]
    return rows.sort_values(key, ascending=False, na_position="last")
