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
survival share). Point means ignore undefined replicates. When a point mean is still
undefined, Sobol' drops the whole base sample (its A, B and AB rows), which keeps SALib's
estimator valid; Morris drops only the elementary effects that touch that point
(:func:`morris_partial`). ``blocks_used`` says how many base samples, or defined
elementary effects, each index rests on: the indices then describe the region where the
output exists.

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
    yb = y[:rows].reshape(n_blocks, design.block)
    keep = np.isfinite(yb).all(axis=1)
    names = _effect_names(design.problem)
    columns = MORRIS_COLUMNS if exp.method == "morris" else SOBOL_COLUMNS
    out = pd.DataFrame({"parameter": names})
    for col in columns:
        out[col] = np.nan
    out["blocks_used"] = int(keep.sum())
    out["blocks_total"] = n_blocks
    out["n"] = n_blocks
    if np.isfinite(yb).sum() < 2 or np.nanstd(yb) == 0:
        out["blocks_used"] = 0
        return out  # nothing defined, or an output that never moved: no indices
    if exp.method == "morris":
        if keep.all():
            from SALib.analyze import morris

            si = morris.analyze(
                design.problem,
                design.X[:rows],
                y[:rows],
                num_resamples=RESAMPLES,
                conf_level=CONF_LEVEL,
                num_levels=exp.num_levels,
                seed=exp.seed,
            )
        else:
            si = morris_partial(design, y[:rows], n_blocks, exp.num_levels, exp.seed)
            out["blocks_used"] = si["used"]
    else:
        if keep.sum() < 2:
            out["blocks_used"] = int(keep.sum())
            return out
        from SALib.analyze import sobol

        si = sobol.analyze(
            design.problem,
            yb[keep].ravel(),
            calc_second_order=exp.second_order,
            num_resamples=RESAMPLES,
            conf_level=CONF_LEVEL,
            seed=exp.seed,  # >= 1: SALib ignores a seed of 0
        )
    for col in columns:
        out[col] = np.asarray(si[col], dtype=float)
    return out


def morris_partial(
    design: Design, y: np.ndarray, n_blocks: int, num_levels: int, seed: int
) -> dict[str, np.ndarray]:
    """Morris statistics when some points are undefined: drop single elementary effects.

    A Morris trajectory is k steps, each moving one factor (or group); a step whose start
    or end is undefined loses that one elementary effect, not the whole trajectory (with
    35 factors, a 7% rate of undefined points would otherwise discard most trajectories).
    Each effect's statistics then rest on its own count of defined steps (``used``). The
    arithmetic is SALib's (``SALib.analyze.morris``): EE = (y at the higher level − y at
    the lower level) / Δ with Δ = L / (2 (L − 1)); μ, μ* = mean |EE|, σ with ddof 1, and
    the μ* interval from a bootstrap of the EEs; on a complete design it gives SALib's
    values (tested). σ of a group of several factors is undefined, as in SALib.
    """
    from scipy.stats import norm

    names = _effect_names(design.problem)
    groups = design.problem.get("groups") or design.problem["names"]
    effect_of = np.array([names.index(g) for g in groups])
    delta = num_levels / (2.0 * (num_levels - 1))
    ee = np.full((len(names), n_blocks), np.nan)
    for t in range(n_blocks):
        X = design.X[t * design.block : (t + 1) * design.block]
        ys = y[t * design.block : (t + 1) * design.block]
        for j in range(design.block - 1):
            step = X[j + 1] - X[j]
            moved = int(np.flatnonzero(step)[0])
            ee[effect_of[moved], t] = np.sign(step[moved]) * (ys[j + 1] - ys[j]) / delta
    rng = np.random.default_rng(seed)
    z = norm.ppf(0.5 + CONF_LEVEL / 2)
    stats: dict[str, list[float]] = {c: [] for c in (*MORRIS_COLUMNS, "used")}
    sizes = np.bincount(effect_of, minlength=len(names))
    for g in range(len(names)):
        v = ee[g][np.isfinite(ee[g])]
        n = len(v)
        stats["used"].append(n)
        stats["mu"].append(float(v.mean()) if n else np.nan)
        stats["mu_star"].append(float(np.abs(v).mean()) if n else np.nan)
        stats["sigma"].append(float(v.std(ddof=1)) if n > 1 and sizes[g] == 1 else np.nan)
        if n > 1:
            boot = np.abs(v)[rng.integers(0, n, size=(RESAMPLES, n))].mean(axis=1)
            stats["mu_star_conf"].append(float(z * boot.std(ddof=1)))
        else:
            stats["mu_star_conf"].append(np.nan)
    return {k: np.asarray(v) for k, v in stats.items()}


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
