"""From an :class:`Experiment` to design points, with SALib's own samplers.

A *design point* is a dict ``{dotted key: value}`` handed to the model; the sweep engine's
unit of work is (design point, replicate). The raw SALib matrix ``X`` (before integer
rounding and boolean thresholds) is kept beside the points, because the analysers need
the exact sampled values and their structure (trajectories for Morris, A/B/AB blocks for
Sobol'), not what the model received.

**Common random numbers.** Replicate ``r`` of *every* design point runs with the same
seed, :func:`replicate_seed` ``(root, r)``, which depends on the root seed and ``r`` only
(the sweep engine's ``paired = true`` seeds).
Two design points then differ by their parameters, not by their dice: the elementary
effects of Morris and the A/AB differences of Sobol' are differences of paired runs,
which removes most of the replicate noise from them. Adding replicates later keeps the
seeds of the earlier ones (the seed is ``SeedSequence(root, spawn_key=(1, r))``'s state,
whatever ``R``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ptce_sim.apps import runid
from ptce_sim.apps.sensitivity.factors import Factor
from ptce_sim.apps.sensitivity.spec import Experiment


@dataclass(frozen=True)
class Design:
    """The sampled design of an experiment."""

    problem: dict[str, Any]  # SALib's problem dict
    X: np.ndarray  # (points, factors): SALib's raw sample, in factor units
    points: list[dict[str, Any]]  # what the model receives, one dict per row of X
    block: int  # rows per trajectory (Morris) or per base sample (Sobol')

    @property
    def n_blocks(self) -> int:
        return len(self.points) // self.block


def problem_of(factors: tuple[Factor, ...]) -> dict[str, Any]:
    """SALib's problem dict; ``groups`` only when the experiment groups factors."""
    problem: dict[str, Any] = {
        "num_vars": len(factors),
        "names": [f.key for f in factors],
        "bounds": [[f.lo, f.hi] for f in factors],
    }
    if any(f.group for f in factors):
        # SALib wants a group for every factor; an ungrouped factor is its own group.
        problem["groups"] = [f.group or f.key for f in factors]
    return problem


def n_effects(factors: tuple[Factor, ...]) -> int:
    """Number of effects estimated: factors, or groups when groups are given."""
    return len({f.group or f.key for f in factors})


def make_design(exp: Experiment) -> Design:
    """Sample the experiment's design with SALib (``morris`` or ``sobol`` sampler)."""
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    problem = problem_of(exp.factors)
    k = n_effects(exp.factors)
    if exp.method == "morris":
        X = morris_sample.sample(
            problem, exp.trajectories, num_levels=exp.num_levels, seed=exp.seed
        )
        block = k + 1
    else:
        X = sobol_sample.sample(
            problem, exp.n, calc_second_order=exp.second_order, scramble=True, seed=exp.seed
        )
        block = 2 * k + 2 if exp.second_order else k + 2
    return Design(problem, X, to_points(exp.factors, X), block)


def to_points(factors: tuple[Factor, ...], X: np.ndarray) -> list[dict[str, Any]]:
    """One ``{key: value}`` per row, each value cast as the model expects (int, bool)."""
    return [{f.key: f.cast(x) for f, x in zip(factors, row, strict=True)} for row in X]


def replicate_seed(root: int, replicate: int) -> int:
    """Seed of replicate ``replicate`` at every design point (common random numbers).

    The sweep engine's paired seed (``runid.replicate_seed``), so an analytic runner and
    the model runner give a replicate the same seed.
    """
    return runid.replicate_seed(root, replicate)
