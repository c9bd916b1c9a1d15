"""numpy's pairwise summation order in compiled code, so that sums computed in a kernel
are bit-identical to the ``ndarray.sum()`` they replace."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _block_sum(a, lo, n):  # pragma: no cover - compiled
    """numpy's pairwise-sum leaf (``n <= 128``): 8 accumulators, then the remainder."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    m = n - (n % 8)
    i = 8
    while i < m:
        j = lo + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(cache=True)
def np_sum(a, lo, n):  # pragma: no cover - compiled
    """``a[lo:lo + n].sum()`` with numpy's own summation order (pairwise: halves split at
    a multiple of 8 down to blocks of <= 128 items, see :func:`_block_sum`), so results
    are bit-identical to numpy's. Iterative (an explicit stack): numba's on-disk cache
    does not support recursive functions."""
    if n <= 128:
        return _block_sum(a, lo, n)
    los = np.empty(192, dtype=np.int64)
    ns = np.empty(192, dtype=np.int64)
    combine = np.empty(192, dtype=np.bool_)
    vals = np.empty(192)
    top = 1
    los[0], ns[0], combine[0] = lo, n, False
    nv = 0
    while top > 0:
        top -= 1
        start, size, comb = los[top], ns[top], combine[top]
        if comb:
            vals[nv - 2] = vals[nv - 2] + vals[nv - 1]
            nv -= 1
        elif size <= 128:
            vals[nv] = _block_sum(a, start, size)
            nv += 1
        else:
            n2 = size // 2
            n2 -= n2 % 8
            los[top], ns[top], combine[top] = start, size, True
            los[top + 1], ns[top + 1], combine[top + 1] = start + n2, size - n2, False
            los[top + 2], ns[top + 2], combine[top + 2] = start, n2, False
            top += 3
    return vals[0]
