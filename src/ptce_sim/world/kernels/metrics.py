"""The built-in monthly metrics (``world/metrics.py`` documents each) in one compiled pass,
written into ``Tally.snapshot`` in the order of ``world.metrics.SNAPSHOT``."""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.world.kernels.state import DEPARTED, N_LIVE, TIES_LOST
from ptce_sim.world.kernels.trust import trust_means


@njit(cache=True)
def month_metrics(t, wage, persons, orgs, trust, projects, tally):
    """Mean person trust, mean organisation trust, vacant posts, FTE share cooperating,
    cooperation revenue share, cooperations per organisation-year, mean perceived
    return, active projects, ties lost, persons departed, partner homophily, projects
    started, completed, succeeded, then started / completed / succeeded by kind. The
    projects started in the last twelve months are kept in ``tally.started_ring``. Money
    (the perceived return) is converted from wages to k€ with ``wage``."""
    out = tally.snapshot
    out[0], out[1] = trust_means(persons, trust)
    vacant = 0
    for o in range(persons.vacancy.shape[0]):
        for s in range(persons.vacancy.shape[1]):
            if persons.vacancy[o, s] > 0:
                vacant += 1
    out[2] = vacant
    used = 0.0
    for i in range(len(orgs.time_used)):
        used += orgs.time_used[i]
    out[3] = used / tally.totals[0]
    gained = 0.0
    for r in range(tally.revenue_gains.shape[0]):
        for i in range(tally.revenue_gains.shape[1]):
            if orgs.is_market[i]:
                gained += tally.revenue_gains[r, i]
    gained = gained * 12.0 / min(t + 1, 12)
    den = tally.totals[1] + gained
    out[4] = gained / den if den > 0 else np.nan
    nk = len(tally.started)
    n_started = 0
    n_completed = 0
    n_succeeded = 0
    for k in range(nk):
        n_started += tally.started[k]
        n_completed += tally.completed[k]
        n_succeeded += tally.succeeded[k]
        out[14 + k] = tally.started[k]
        out[14 + nk + k] = tally.completed[k]
        out[14 + 2 * nk + k] = tally.succeeded[k]
    lo = max(0, t - 11)
    total = 0.0
    for r in range(lo, t):
        total += tally.started_ring[r % 12]
    tally.started_ring[t % 12] = n_started
    n_orgs = len(orgs.kind)
    out[5] = (total + n_started) * 12.0 / (t - lo + 1) / n_orgs
    acc = 0.0
    for i in range(len(orgs.perceived)):
        acc += orgs.perceived[i]
    out[6] = acc / len(orgs.perceived) * wage
    out[7] = projects.cursor[N_LIVE]
    out[8] = tally.counts[TIES_LOST]
    out[9] = tally.counts[DEPARTED]
    ps = tally.pair_stats
    out[10] = ps[0] / ps[1] if ps[1] > 0 else np.nan
    out[11] = n_started
    out[12] = n_completed
    out[13] = n_succeeded
