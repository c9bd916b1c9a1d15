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

Factor ranges default to the parameter's declared ``lo``/``hi``; a file may narrow them
but not widen them, because the model itself rejects values outside the declaration.
Integer parameters are sampled on the continuous range and rounded; booleans are
sampled on [0, 1] and read as ``value >= 0.5``. String parameters cannot be factors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptce_sim.apps.sensitivity.pooled import POOLED_DOCS
from ptce_sim.base.errors import ConfigError, suggest
from ptce_sim.base.params import check_key
from ptce_sim.base.tomlfile import read_toml
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.parameters import Parameters
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
class Factor:
    """One input varied by the design, with what the reports need to speak about it."""

    key: str
    lo: float
    hi: float
    kind: str = "float"  # "float", "int" or "bool": how a sampled value reaches the model
    group: str | None = None
    role: str = "uncertainty"
    unit: str = ""
    doc: str = ""

    def cast(self, x: float) -> float | int | bool:
        """Turn a sampled number into the value the model receives."""
        x = min(max(float(x), self.lo), self.hi)  # SALib's scaling can overshoot by an ulp
        if self.kind == "int":
            return round(x)
        if self.kind == "bool":
            return bool(x >= 0.5)
        return x


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
    seed = _int(data, "seed", 1, 1, src, "seeds >= 1: SALib treats 0 as 'no seed'")
    replicates = _int(data, "replicates", 1, 1, src)
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ConfigError("wrong type, expected a string", src, "description", description)

    base = _base_scenario(data, path)
    fixed = _table(data, "set", src)
    try:
        base = base.with_overrides(dict(fixed), f"{src} [set]")
    except ConfigError as err:
        raise err.at(src) if not err.source else err from None

    outputs = _outputs(data, src)
    factors = _factors(data, base, src)
    morris = _table(data, "morris", src)
    sobol = _table(data, "sobol", src)
    _known(morris, ("trajectories", "num_levels"), src, "morris")
    _known(sobol, ("n", "second_order"), src, "sobol")
    trajectories = _int(morris, "trajectories", 20, 2, src, prefix="morris.")
    num_levels = _int(morris, "num_levels", 4, 2, src, prefix="morris.")
    if num_levels % 2:
        raise ConfigError(
            "must be even (Morris' trajectories need a level step of num_levels / 2)",
            src,
            "morris.num_levels",
            num_levels,
            allowed="an even integer >= 2, e.g. 4",
        )
    n = _int(sobol, "n", 512, 4, src, prefix="sobol.")
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


def _int(
    data: Mapping[str, Any],
    key: str,
    default: int,
    lo: int,
    src: str,
    why: str = "",
    prefix: str = "",
) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError("wrong type, expected an integer", src, prefix + key, value)
    if value < lo:
        message = f"must be at least {lo}" + (f" ({why})" if why else "")
        raise ConfigError(message, src, prefix + key, value, allowed=f"an integer >= {lo}")
    return value


def _table(data: Mapping[str, Any], key: str, src: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"'{key}' must be a table [{key}]", src, key, value)
    return value


def _known(table: Mapping[str, Any], allowed: tuple[str, ...], src: str, section: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                "unknown key",
                src,
                f"{section}.{key}",
                hint=suggest(key, allowed),
                allowed="one of " + ", ".join(allowed),
            )


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


def _factors(data: Mapping[str, Any], base: Scenario, src: str) -> tuple[Factor, ...]:
    table = _table(data, "factors", src)
    specs = {key: check_key(Parameters, key, src) for key in table}  # a typo named first
    if len(table) < 2:
        raise ConfigError(
            'name at least 2 factors, e.g. "turnover.rate" = {}', src, "factors", len(table)
        )
    out = []
    for key, raw in table.items():
        spec = specs[key]
        where = f"factors.{key}"
        if spec.type is str:
            raise ConfigError(
                "a text parameter cannot be a factor; compare its values with a sweep",
                src,
                where,
                allowed="a number, an integer or a boolean parameter",
            )
        if spec.role == "structure" and spec.key == "run.steps":
            raise ConfigError("the horizon cannot be a factor", src, where)
        bounds: Any = None
        group = None
        if isinstance(raw, list):
            bounds = raw
        elif isinstance(raw, dict):
            _known(raw, ("bounds", "group"), src, where)
            bounds = raw.get("bounds")
            group = raw.get("group")
            if group is not None and not isinstance(group, str):
                raise ConfigError("wrong type, expected a string", src, f"{where}.group", group)
        else:
            raise ConfigError(
                'expected {} (declared bounds), [lo, hi] or { bounds = [lo, hi], group = "g" }',
                src,
                where,
                raw,
            )
        out.append(_factor(spec, bounds, group, src, where))
    return tuple(out)


def _factor(spec: Any, bounds: Any, group: str | None, src: str, where: str) -> Factor:
    if spec.type is bool:
        lo_decl, hi_decl = 0.0, 1.0
    else:
        lo_decl, hi_decl = spec.lo, spec.hi
    if bounds is None:
        if lo_decl is None or hi_decl is None:
            raise ConfigError("the parameter has no declared bound; give [lo, hi]", src, where)
        lo, hi = float(lo_decl), float(hi_decl)
    else:
        ok = (
            isinstance(bounds, list)
            and len(bounds) == 2
            and all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
        )
        if not ok:
            raise ConfigError("expected [lo, hi], two numbers", src, where, bounds)
        lo, hi = float(bounds[0]), float(bounds[1])
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
            raise ConfigError("expected lo < hi, both finite", src, where, bounds)
        outside = (lo_decl is not None and lo < lo_decl) or (hi_decl is not None and hi > hi_decl)
        if outside:
            raise ConfigError(
                "bounds outside the parameter's declared range (the model would reject them)",
                src,
                where,
                bounds,
                allowed=f"within {spec.allowed}",
                meaning=spec.doc,
            )
    kind = "bool" if spec.type is bool else "int" if spec.type is int else "float"
    return Factor(spec.key, lo, hi, kind, group, spec.role, spec.unit, spec.doc)
