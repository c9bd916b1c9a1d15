"""Experiment files for ``ptce-sim sensitivity``: TOML in, a validated :class:`Experiment` out.

Why a file and not options: a sensitivity study is a research artefact. The factors, their
ranges, the method, N, the replicates and the seed must be written down once, versioned
and re-run identically; the file is copied into the results folder.

Format (every key but ``method`` and ``[factors]`` has a default)::

    description = "Morris screening of the levers"
    scenario = "baseline"          # base scenario: a name or a path relative to this file
    method = "morris"              # "morris" or "sobol"
    seed = 1                       # root seed, >= 1 (SALib treats 0 as "no seed")
    replicates = 4                 # runs per design point (common random numbers)
    outputs = ["survival_10y"]     # summaries analysed (default: DEFAULT_OUTPUTS), or
                                   # km_survival_5y / km_survival_10y (pooled, pooled.py)

    [set]                          # fixed overrides of the base scenario
    "run.steps" = 240

    [morris]
    trajectories = 20              # r
    num_levels = 4                 # even

    [sobol]
    n = 512                        # base sample, a power of 2
    second_order = false

    [factors]                      # dotted parameter key = range
    "turnover.rate" = {}                                  # the declared bounds
    "funding.la_subsidy" = [0, 100]                       # narrower bounds
    "turnover.handover" = { bounds = [0, 1], group = "turnover" }

Factor ranges default to the parameter's declared ``lo``/``hi`` and may be narrowed,
not widened (``factors.py``, which reads the ``[factors]`` table); the typed fields are
read by ``fields.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptce_sim.apps.sensitivity.factors import Factor, read_factors
from ptce_sim.apps.sensitivity.fields import integer, known_keys, table
from ptce_sim.apps.sensitivity.pooled import POOLED_DOCS
from ptce_sim.base.errors import ConfigError, suggest
from ptce_sim.base.tomlfile import read_toml
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.scenario import Scenario
from ptce_sim.world.summary import SUMMARY_DOCS

METHODS = ("morris", "sobol")
#: The outputs of issue 6: survival, poles alive, cooperation intensity, public money.
DEFAULT_OUTPUTS = (
    "survival_5y",
    "survival_10y",
    "poles_alive_end",
    "coops_per_member_year",
    "eur_per_surviving_pole_year",
)
TOP_KEYS = (
    "description",
    "scenario",
    "method",
    "seed",
    "replicates",
    "outputs",
    "set",
    "morris",
    "sobol",
    "factors",
)
MAX_SOBOL_N = 2**16


@dataclass(frozen=True)
class Experiment:
    """A validated sensitivity experiment (see the module docstring for the file format)."""

    method: str
    factors: tuple[Factor, ...]
    outputs: tuple[str, ...] = DEFAULT_OUTPUTS
    replicates: int = 1
    seed: int = 1
    trajectories: int = 20
    num_levels: int = 4
    n: int = 512
    second_order: bool = False
    base: Scenario = field(default_factory=Scenario)
    fixed: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    name: str = "experiment"
    path: str | None = None

    @property
    def has_groups(self) -> bool:
        return any(f.group for f in self.factors)

    @property
    def n_runs(self) -> int:
        """Model runs the design needs (design points x replicates)."""
        k = len({f.group or f.key for f in self.factors})
        if self.method == "morris":
            points = self.trajectories * (k + 1)
        else:
            points = self.n * (2 * k + 2 if self.second_order else k + 2)
        return points * self.replicates


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file; every problem is a one-line ConfigError."""
    path = find(str(path))
    src = str(path)
    _, data = read_toml(path)
    for key in data:
        if key not in TOP_KEYS:
            raise ConfigError(
                "unknown key",
                src,
                key,
                hint=suggest(key, TOP_KEYS),
                allowed="one of " + ", ".join(TOP_KEYS),
            )
    method = data.get("method")
    if method not in METHODS:
        raise ConfigError(
            "unknown method" if method is not None else "missing",
            src,
            "method",
            method,
            allowed="one of " + ", ".join(repr(m) for m in METHODS),
            hint=suggest(str(method), METHODS) if isinstance(method, str) else None,
        )
    seed = integer(data, "seed", 1, 1, src, "seeds >= 1: SALib treats 0 as 'no seed'")
    replicates = integer(data, "replicates", 1, 1, src)
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ConfigError("wrong type, expected a string", src, "description", description)

    base = _base_scenario(data, path)
    fixed = table(data, "set", src)
    try:
        base = base.with_overrides(dict(fixed), f"{src} [set]")
    except ConfigError as err:
        raise err.at(src) if not err.source else err from None

    outputs = _outputs(data, src)
    factors = read_factors(data, src)
    morris = table(data, "morris", src)
    sobol = table(data, "sobol", src)
    known_keys(morris, ("trajectories", "num_levels"), src, "morris")
    known_keys(sobol, ("n", "second_order"), src, "sobol")
    trajectories = integer(morris, "trajectories", 20, 2, src, prefix="morris.")
    num_levels = integer(morris, "num_levels", 4, 2, src, prefix="morris.")
    if num_levels % 2:
        raise ConfigError(
            "must be even (Morris' trajectories need a level step of num_levels / 2)",
            src,
            "morris.num_levels",
            num_levels,
            allowed="an even integer >= 2, e.g. 4",
        )
    n = integer(sobol, "n", 512, 4, src, prefix="sobol.")
    if n & (n - 1) or n > MAX_SOBOL_N:
        lower = 2 ** int(math.log2(n))
        raise ConfigError(
            "must be a power of 2 (Sobol' sequences balance only there)",
            src,
            "sobol.n",
            n,
            allowed=f"a power of 2 in [4, {MAX_SOBOL_N}]",
            hint=f"try {lower} or {lower * 2}" if n <= MAX_SOBOL_N else None,
        )
    second = sobol.get("second_order", False)
    if not isinstance(second, bool):
        raise ConfigError("wrong type", src, "sobol.second_order", second, allowed="true or false")
    _check_size(method, factors, trajectories, n, second, replicates, base, src)
    return Experiment(
        method=method,
        factors=factors,
        outputs=outputs,
        replicates=replicates,
        seed=seed,
        trajectories=trajectories,
        num_levels=num_levels,
        n=n,
        second_order=second,
        base=base,
        fixed=dict(fixed),
        description=description,
        name=path.stem,
        path=src,
    )


def _check_size(
    method: str,
    factors: tuple[Factor, ...],
    trajectories: int,
    n: int,
    second: bool,
    replicates: int,
    base: Scenario,
    src: str,
) -> None:
    """Refuse a design too large to sample or list (``apps/limits.py``), before SALib
    allocates it: the key named is the one to lower."""
    from ptce_sim.apps import limits

    k = len({f.group or f.key for f in factors})
    points = trajectories * (k + 1) if method == "morris" else n * (2 * k + 2 if second else k + 2)
    key = "morris.trajectories" if method == "morris" else "sobol.n"
    if points <= limits.MAX_POINTS and points * replicates > limits.MAX_RUNS:
        key = "replicates"
    detail = f"{points:,} design points x {replicates:,} replicates"
    limits.check(points * replicates, points, base.params.run.steps, src, key, detail)


def check_design(exp: Experiment) -> int:
    """Sample the design and apply every point to the base scenario, as a run would
    (cross-field rules: a minimum sampled above its maximum); return the points."""
    from ptce_sim.apps.sensitivity.design import make_design

    design = make_design(exp)
    for i, point in enumerate(design.points):
        try:
            exp.base.with_overrides(dict(point), exp.path or "design")
        except ConfigError as err:
            raise ConfigError(
                f"design point {i} breaks a rule: {err.message}",
                exp.path,
                err.key,
                err.value,
                err.allowed,
                err.meaning,
                hint="narrow the factor ranges so that every combination is allowed",
            ) from None
    return len(design.points)


def partial_dir(out: Path) -> Path:
    """Where a study is built before the final rename (and where ``--resume`` looks).
    Here, not in ``study.py``: the command checks it before importing the analysis."""
    return out.parent / f".{out.name}.partial"


def find(ref: str) -> Path:
    """A study file: a path, or a name in ``./experiments`` or the shipped experiments
    (as ``ptce-sim sweep`` finds experiments)."""
    from ptce_sim.apps.experiment import find as find_experiment

    return find_experiment(ref)


def _base_scenario(data: Mapping[str, Any], path: Path) -> Scenario:
    ref = data.get("scenario", "baseline")
    if not isinstance(ref, str):
        raise ConfigError("wrong type, expected a scenario name or path", str(path), "scenario")
    try:
        found = scenarios.resolve(ref, relative_to=path)
    except ConfigError as err:
        raise ConfigError(
            err.message, str(path), "scenario", ref, err.allowed, hint=err.hint
        ) from None
    return Scenario() if found is None else scenarios.load(str(found))


def _outputs(data: Mapping[str, Any], src: str) -> tuple[str, ...]:
    outputs = data.get("outputs", list(DEFAULT_OUTPUTS))
    if not isinstance(outputs, list) or not outputs or not all(isinstance(o, str) for o in outputs):
        raise ConfigError("expected a non-empty list of summary names", src, "outputs", outputs)
    for name in outputs:
        if name not in SUMMARY_DOCS and name not in POOLED_DOCS:
            raise ConfigError(
                "unknown summary",
                src,
                "outputs",
                name,
                hint=suggest(name, [*SUMMARY_DOCS, *POOLED_DOCS]),
                allowed="a summary listed in docs/outputs.md, or km_survival_5y / "
                "km_survival_10y (pooled per design point, docs/sensitivity.md)",
            )
    if len(set(outputs)) != len(outputs):
        raise ConfigError("a summary is named twice", src, "outputs", outputs)
    return tuple(outputs)
