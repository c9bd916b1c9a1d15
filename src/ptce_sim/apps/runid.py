"""Run ids and replicate seeds of a sweep: pure functions of the experiment, never of the
schedule.

Why: a week-long sweep is interrupted, resumed, spread over workers that finish in any
order. A run must mean the same thing whichever process ran it and whenever: its seed is
derived from the root seed and the replicate number (and, when replicates are not
paired, from the design point) with ``numpy.random.SeedSequence``; its id is a hash of
what defines it. The id is what resume uses to tell done from to-do, and what
``ptce-sim run --from runs.parquet --run-id ID`` uses to find a row again.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

#: Spawn-key prefixes below the root seed: one subtree for replicate seeds, one for the
#: design's random draws (lhs, random), so that neither moves when the other changes.
REPLICATE_BRANCH = 1
DESIGN_BRANCH = 2
ID_LENGTH = 16  # hex digits: 64 bits, collisions negligible below ~10^8 runs


def canonical(obj: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, floats written exactly (``repr``)."""

    def fix(v: Any) -> Any:
        if isinstance(v, Mapping):
            return {str(k): fix(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [fix(x) for x in v]
        if isinstance(v, np.generic):
            return fix(v.item())
        if isinstance(v, float) and not math.isfinite(v):
            return repr(v)
        return v

    return json.dumps(fix(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(obj: Any) -> str:
    """sha256 hex digest of the canonical JSON of ``obj``."""
    return hashlib.sha256(canonical(obj).encode("utf-8")).hexdigest()


def point_key(point: Mapping[str, Any]) -> int:
    """A 32-bit integer naming a design point (for unpaired seeds)."""
    return int(digest(point)[:8], 16)


def replicate_seed(root: int, replicate: int, point: Mapping[str, Any] | None = None) -> int:
    """Seed of replicate ``replicate``: the same for every design point (paired, common
    random numbers) unless ``point`` is given. A 63-bit integer, so it fits Parquet int64."""
    key = (
        (REPLICATE_BRANCH, replicate)
        if point is None
        else (
            REPLICATE_BRANCH,
            point_key(point),
            replicate,
        )
    )
    state = np.random.SeedSequence(root, spawn_key=key).generate_state(1, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))


def design_rng(root: int) -> np.random.Generator:
    """The generator of the design's random draws (lhs, random samples)."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(root, spawn_key=(DESIGN_BRANCH,)))
    )


def run_id(point: Mapping[str, Any], replicate: int, seed: int) -> str:
    """Stable id of a run: hash of (design point, replicate, seed)."""
    return digest({"point": dict(point), "replicate": replicate, "seed": seed})[:ID_LENGTH]
