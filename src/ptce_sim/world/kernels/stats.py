"""The built-in monthly metrics (``world/metrics.py``) in one compiled pass."""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.world.kernels.relations import trust_stats


@njit(cache=True)
def month_stats(
    out,
    present,
    vacancy,
    history,
    tau0,
    sum_dev,
    theta,
    time_used,
    fte_total,
    revenue_gains,
    is_market,
    market_revenue,
    t,
    perceived,
    data,
    started_col,
    n_active,
    started,
    completed,
    succeeded,
    ties_lost,
    departed,
    pair_stats,
    n_orgs,
):  # pragma: no cover - compiled
    """The metrics of ``world/metrics.py`` in one pass (see their docstrings for meanings).

    ``out`` receives, in order: mean person trust, mean organisation trust, vacant posts,
    FTE share cooperating, cooperation revenue share, cooperations per organisation-year,
    mean perceived return, active projects, ties lost, persons departed, partner
    homophily, projects started, completed, succeeded, then started / completed /
    succeeded by project kind. ``data[:, started_col]`` holds the projects started in
    earlier months; ``pair_stats`` = (sum of pair homophily, pairs).
    """
    out[0], out[1] = trust_stats(present, history, tau0, sum_dev, theta)
    vacant = 0
    for o in range(vacancy.shape[0]):
        for s in range(vacancy.shape[1]):
            if vacancy[o, s] > 0:
                vacant += 1
    out[2] = vacant
    used = 0.0
    for i in range(len(time_used)):
        used += time_used[i]
    out[3] = used / fte_total
    gained = 0.0
    for r in range(revenue_gains.shape[0]):
        for i in range(revenue_gains.shape[1]):
            if is_market[i]:
                gained += revenue_gains[r, i]
    gained = gained * 12.0 / min(t + 1, 12)
    den = market_revenue + gained
    out[4] = gained / den if den > 0 else np.nan
    nk = len(started)
    n_started = 0
    n_completed = 0
    n_succeeded = 0
    for k in range(nk):
        n_started += started[k]
        n_completed += completed[k]
        n_succeeded += succeeded[k]
        out[14 + k] = started[k]
        out[14 + nk + k] = completed[k]
        out[14 + 2 * nk + k] = succeeded[k]
    lo = max(0, t - 11)
    total = 0.0
    for r in range(lo, t):
        total += data[r, started_col]
    out[5] = (total + n_started) * 12.0 / (t - lo + 1) / n_orgs
    acc = 0.0
    for i in range(len(perceived)):
        acc += perceived[i]
    out[6] = acc / len(perceived)
    out[7] = n_active
    out[8] = ties_lost
    out[9] = departed
    out[10] = pair_stats[0] / pair_stats[1] if pair_stats[1] > 0 else np.nan
    out[11] = n_started
    out[12] = n_completed
    out[13] = n_succeeded
