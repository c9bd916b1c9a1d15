"""Sampling without replacement by the Gumbel-top-k trick: keep the ``m`` largest keys.

The keys come from ``rules/search.py`` (``choice_key``); taking the
``m`` largest is equivalent to drawing ``m`` items without replacement with
probabilities proportional to their weights. One pass with a small sorted buffer.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def offer(x, j, m, out, best):  # pragma: no cover - compiled
    """Offer key ``x`` of index ``j`` to the buffer of the ``m`` largest keys so far
    (``out`` indices, ``best`` keys, best first, -1 for empty places). A key enters a
    full buffer only if strictly larger than its last."""
    if out[m - 1] >= 0 and not x > best[m - 1]:
        return
    pos = m - 1
    while pos > 0 and (out[pos - 1] < 0 or x > best[pos - 1]):
        out[pos] = out[pos - 1]
        best[pos] = best[pos - 1]
        pos -= 1
    out[pos] = j
    best[pos] = x


@njit(cache=True)
def clear(m, out, best):  # pragma: no cover - compiled
    """An empty buffer of ``m`` places."""
    for c in range(m):
        out[c] = -1
        best[c] = -np.inf


@njit(cache=True)
def top(keys, m, out, best):  # pragma: no cover - compiled
    """Indices of the ``m`` largest keys, best first; ``out`` is filled even when fewer
    than ``m`` keys are finite (the caller checks eligibility). ``best``: scratch."""
    clear(m, out, best)
    for j in range(len(keys)):
        offer(keys[j], j, m, out, best)
