"""The pairwise affinities of a territory's organisations, computed once at month 0 from
the rules of ``rules/search.py`` (homophily, complementarity, similarity, acquaintance)
and ``rules/trust.py`` (the baseline trust between strangers, the floors of shared history)."""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.rules.search import acquaintance, complementarity, homophily, similarity
from ptce_sim.rules.trust import history_floor, stranger_trust


@njit(cache=True)
def affinities(values, competences):
    """(homophily, complementarity, similarity) of every ordered pair (n x n each)."""
    n = values.shape[0]
    h = np.empty((n, n))
    comp = np.empty((n, n))
    sim = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            h[i, j] = homophily(values[i], values[j])
            comp[i, j] = complementarity(competences[i], competences[j])
            sim[i, j] = similarity(competences[i], competences[j])
    return h, comp, sim


@njit(cache=True)
def acquaintances(distance, p):
    """Candidate weight of every pair by its distance (``p``: the cooperation record)."""
    n = distance.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = acquaintance(distance[i, j], p)
    return out


@njit(cache=True)
def baselines(homophily, p):
    """Stranger baseline ``tau0`` of every pair (``p``: the trust record)."""
    n = homophily.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = stranger_trust(homophily[i, j], p)
    return out


@njit(cache=True)
def floors(pair_history, p):
    """The shared-history floor of every person pair (``p``: the trust record)."""
    n = pair_history.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = history_floor(pair_history[i, j], p)
    return out
