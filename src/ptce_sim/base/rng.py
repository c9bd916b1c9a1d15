"""Named random streams from one root seed.

Why named streams: a policy variant must share random numbers with its reference
(common random numbers), so that differences between runs come from the policy and not
from a reshuffled dice. Each purpose draws from its own ``numpy.random.Generator``,
spawned from ``SeedSequence(root_seed)``. The list of names is **append-only**: adding a
stream at the end never changes the draws of the existing ones.

No global random state is used anywhere in ptce-sim; 0 is a valid seed.
"""

from __future__ import annotations

import numpy as np

#: Stream names in spawn order. Append only: never reorder, never remove.
STREAM_NAMES: tuple[str, ...] = (
    "mesa",  # handed to mesa.Model(rng=...); agent shuffles if any
    "territory",  # initial organisations, persons, positions, values, competences
    "turnover",  # person exits, vacancy lengths, newcomers' leadership
    "search",  # who searches, candidate sampling, project kinds, partner choice
    "outcome",  # project success and payoff noise
    "poles",  # pole lifecycle (formalisation, joining, succession)
    "funding",  # funders' decisions (subsidy renewal, call selection)
    "events",  # exogenous events (catalysts)
)


def make_streams(seed: int) -> dict[str, np.random.Generator]:
    """Return one independent generator per name in :data:`STREAM_NAMES`.

    Parameters
    ----------
    seed:
        Root seed, any integer >= 0.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    children = np.random.SeedSequence(int(seed)).spawn(len(STREAM_NAMES))
    return {
        name: np.random.Generator(np.random.PCG64(child))
        for name, child in zip(STREAM_NAMES, children, strict=True)
    }
