"""Experiment files: what a sweep runs, validated before anything runs.

An experiment file is TOML (``experiments/*.toml``)::

    description = "Funding policy x turnover"
    base = "baseline"          # a scenario name or a path (relative to this file)
    design = "grid"            # grid | lhs | random | file
    replicates = 20            # runs per design point
    seed = 11                  # root seed (>= 1)
    keep = ["survival_5y"]     # summaries to keep (default: all)
    timeseries = false         # true, or a list of metrics: per-run monthly series
    poles = true               # the per-pole table

    [set]                      # fixed overrides, every run
    "run.steps" = 120

    [levels]                   # factors crossed in full (grid), or with the samples
    "turnover.rate" = [0.005, 0.015, 0.03]      # any dotted parameter key
    scenario = ["no_support", "structural"]      # scenario names: a policy factor
    [levels.handover]                            # a factor whose levels set several keys
    off = {}
    on = { "turnover.handover" = 0.6, "poles.succession_support" = 0.05 }

``lhs`` and ``random`` draw ``samples`` points over the keys listed in ``sample`` (within
their declared range) and in ``[bounds]`` (``"key" = [lo, hi]``); ``file`` reads design
points from a CSV (``file = "points.csv"``, one column per dotted key). ``[levels]`` are
crossed with the samples or rows. Why all this is checked here: an error found after
three days of computing is an error found too late. Every problem is a ``ConfigError``:
one line naming the file, the key, the value and what is allowed.

This module assembles the experiment and checks the fields against each other; each
field is read by ``experiment_fields.py``, the design points drawn or read by
``experiment_design.py``.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ptce_sim.apps import experiment_design as sampling
from ptce_sim.apps import experiment_fields as fields
from ptce_sim.apps import limits, runid
from ptce_sim.base.errors import ConfigError, suggest
from ptce_sim.base.params import flat_dict
from ptce_sim.base.tomlfile import read_toml
from ptce_sim.world.scenario import Scenario
from ptce_sim.world.summary import SUMMARY_DOCS

DESIGNS = ("grid", "lhs", "random", "file")
KEYS = (
    "description",
    "base",
    "design",
    "replicates",
    "seed",
    "paired",
    "samples",
    "sample",
    "file",
    "keep",
    "timeseries",
    "poles",
    "set",
    "levels",
    "bounds",
)
SCENARIO = "scenario"
#: Columns of runs.parquet that a factor name may not take.
RESERVED = frozenset({"run_id", "point", "replicate", "seed", SCENARIO, *SUMMARY_DOCS})


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: the design points, the replicates and what to keep."""

    path: str
    text: str  # the file as written, copied into the output folder
    description: str
    design: str
    replicates: int
    seed: int
    paired: bool
    keep: tuple[str, ...]
    timeseries: tuple[str, ...]  # metrics kept per month; empty: no time series
    poles: bool
    fixed: Mapping[str, Any]
    scenarios: Mapping[str, Scenario]  # by reference as written ("baseline", a path)
    factors: tuple[str, ...]  # design factor names: dotted keys, "scenario", bundle names
    bundles: Mapping[str, Mapping[str, Mapping[str, Any]]]  # factor -> level -> updates
    points: tuple[Mapping[str, Any], ...]
    base: str = "baseline"

    @property
    def n_runs(self) -> int:
        return len(self.points) * self.replicates

    def scenario_ref(self, index: int) -> str:
        """The scenario a design point starts from (its ``scenario`` level, or ``base``)."""
        return str(self.points[index].get(SCENARIO, self.base))

    def overrides(self, index: int) -> dict[str, Any]:
        """Dotted-key updates of a design point: ``[set]``, bundles, then parameter levels."""
        out = dict(self.fixed)
        for name, value in self.points[index].items():
            if name in self.bundles:
                out.update(self.bundles[name][value])
            elif "." in name:
                out[name] = value
        return out

    def resolve(self, index: int) -> Scenario:
        """The fully resolved scenario of design point ``index``."""
        base = self.scenarios[self.scenario_ref(index)]
        return base.with_overrides(self.overrides(index), f"{self.path}: design point {index}")

    def runs(self) -> list[tuple[str, int, int, int]]:
        """Every run as ``(run id, point, replicate, seed)``, sorted by run id.

        Sorted by id, hence in an order unrelated to the design: a sweep runs its design
        points shuffled, so partial results are a fair sample of the whole design, the
        ETA is not fooled by slow corners of it, and the streamed parts come out nearly
        sorted, which lets the final tables be merged in bounded memory.
        """
        rows = []
        paired = [runid.replicate_seed(self.seed, r) for r in range(self.replicates)]
        for i, point in enumerate(self.points):
            for r in range(self.replicates):
                seed = paired[r] if self.paired else runid.replicate_seed(self.seed, r, point)
                rows.append((runid.run_id(point, r, seed), i, r, seed))
        rows.sort()
        return rows

    def identity(self) -> dict[str, Any]:
        """What defines the results, part by part (each a digest): resume compares these."""
        return {
            "design": self.design,
            "replicates": self.replicates,
            "seed": self.seed,
            "paired": self.paired,
            "outputs": runid.digest([self.keep, self.timeseries, self.poles]),
            "points": runid.digest(list(self.points)),
            "fixed": runid.digest(dict(self.fixed)),
            "bundles": runid.digest(self.bundles),
            "scenarios": {
                ref: runid.digest(
                    {
                        "params": flat_dict(s.params),
                        "policies": [[p.at, dict(p.updates)] for p in s.policies],
                        "start": s.start,
                    }
                )
                for ref, s in sorted(self.scenarios.items())
            },
        }


# -- loading ---------------------------------------------------------------------------------
def shipped_dir() -> Path:
    """The ``experiments/`` folder shipped with ptce-sim (wheel) or of the source checkout."""
    bundled = Path(__file__).resolve().parent.parent / "_experiments"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parents[3] / "experiments"


def find(ref: str) -> Path:
    """A path, or a name looked up in ``./experiments`` then in the shipped experiments."""
    path = Path(ref)
    if path.suffix or os.sep in ref or path.exists():
        return path
    folders = [Path.cwd() / "experiments", shipped_dir()]
    for folder in folders:
        if (folder / f"{ref}.toml").is_file():
            return folder / f"{ref}.toml"
    names = sorted({p.stem for f in folders if f.is_dir() for p in f.glob("*.toml")})
    raise ConfigError(
        f"unknown experiment '{ref}'",
        None,
        hint=suggest(ref, names),
        allowed="a .toml path or one of " + ", ".join(names),
    )


def is_experiment(path: Path) -> bool:
    """True for a readable TOML file with a ``design`` key (scenarios have none)."""
    try:
        return "design" in tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def load(path: str | Path) -> Experiment:
    """Read and validate an experiment file; raise ConfigError on the first problem."""
    path = find(os.fspath(path))
    src = str(path)
    if path.is_dir():
        raise ConfigError("is a directory, expected an experiment .toml file", src)
    text, data = read_toml(path)
    return _build(data, path, text)


def _build(data: dict[str, Any], path: Path, text: str) -> Experiment:
    src = str(path)
    for key in data:
        if key not in KEYS:
            raise ConfigError(
                "unknown key", src, key, hint=suggest(key, KEYS), allowed=", ".join(KEYS)
            )
    design = fields.get(data, "design", str, src, None)
    if design not in DESIGNS:
        raise ConfigError(
            "missing or unknown design",
            src,
            "design",
            design,
            allowed="one of " + ", ".join(DESIGNS),
            hint=suggest(str(design), DESIGNS),
        )
    replicates = fields.get(data, "replicates", int, src, 1)
    if replicates < 1:
        raise ConfigError("must be at least 1", src, "replicates", replicates, "an integer >= 1")
    seed = fields.get(data, "seed", int, src, None)
    if seed is None or seed < 1:
        raise ConfigError("missing or below 1", src, "seed", seed, "an integer >= 1 (root seed)")
    levels = fields.get(data, "levels", dict, src, {})
    if SCENARIO in levels and "base" in data:
        raise ConfigError(
            "give either 'base' or a 'scenario' factor in [levels], not both", src, "base"
        )
    base = fields.get(data, "base", str, src, "baseline")
    scenario_refs = [base]
    if SCENARIO in levels:
        scenario_refs = fields.level_list(levels[SCENARIO], src, f"levels.{SCENARIO}", str)
    loaded = {ref: fields.scenario(ref, path, src) for ref in scenario_refs}

    fixed = {
        k: fields.check_param(k, v, src, f"set.{k}")[1]
        for k, v in fields.get(data, "set", dict, src, {}).items()
    }
    factors: dict[str, list[Any]] = {}
    bundles: dict[str, dict[str, dict[str, Any]]] = {}
    for name, raw in levels.items():
        where = f"levels.{name}"
        if name == SCENARIO:
            factors[name] = scenario_refs
        elif isinstance(raw, dict):
            bundles[name] = fields.bundle(name, raw, src)
            factors[name] = list(bundles[name])
        else:
            if "." not in name:
                raise ConfigError(
                    "not a parameter key; a factor whose levels set several keys is a table "
                    f"[levels.{name}] of level = {{ KEY = value }}",
                    src,
                    where,
                    hint=fields.param_hint(name),
                )
            values = fields.level_list(raw, src, where, None)
            factors[name] = [fields.check_param(name, v, src, where)[1] for v in values]
        fields.unique(factors[name], src, where)
    taken = set(fixed)
    for name in factors:
        keys: set[str] = set()
        for upd in bundles.get(name, {}).values():
            keys |= set(upd)
        if "." in name:
            keys.add(name)
        clash = sorted(taken & keys)
        if clash:
            raise ConfigError("parameter set twice (in [set] or another factor)", src, clash[0])
        taken |= keys
        if "." not in name and name != SCENARIO and name in RESERVED:
            raise ConfigError("factor name is taken by a column of runs.parquet", src, name)

    combos = math.prod(len(v) for v in factors.values())
    _check_size(data, design, combos, replicates, loaded, fixed, src)
    samples, sample_keys = sampling.samples(data, design, src, path)
    for key in sample_keys:
        if key in taken:
            raise ConfigError("parameter set twice (sampled and fixed or a level)", src, key)
    points = sampling.points(factors, samples)

    exp = Experiment(
        path=src,
        text=text,
        description=fields.get(data, "description", str, src, ""),
        design=design,
        replicates=replicates,
        seed=seed,
        paired=fields.get(data, "paired", bool, src, True),
        keep=fields.kept_summaries(data, src),
        timeseries=fields.kept_metrics(data, src),
        poles=fields.get(data, "poles", bool, src, True),
        fixed=fixed,
        scenarios=loaded,
        factors=(*factors, *sample_keys),
        bundles=bundles,
        points=tuple(points),
        base=scenario_refs[0] if SCENARIO not in levels else base,
    )
    for i in range(len(exp.points)):  # cross-field checks (min <= max), before any run
        try:
            exp.resolve(i)
        except ConfigError as err:
            raise ConfigError(
                f"design point {i} ({runid.canonical(exp.points[i])}): {err.message}",
                src,
                err.key,
                err.value,
                err.allowed,
                err.meaning,
            ) from None
    return exp


def _check_size(
    data: Mapping[str, Any],
    design: str,
    combos: int,
    replicates: int,
    loaded: Mapping[str, Scenario],
    fixed: Mapping[str, Any],
    src: str,
) -> None:
    """Refuse a design too large to list (``limits.py``) before building any of it."""
    samples = data.get("samples") if design in ("lhs", "random") else 1
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        samples = 1  # reported by _samples, with its own message
    points = combos * samples
    steps = int(fixed.get("run.steps", max(s.params.run.steps for s in loaded.values())))
    key = "samples" if samples > combos else ("levels" if combos > 1 else "replicates")
    if points * replicates > limits.MAX_RUNS and points <= limits.MAX_POINTS:
        key = "replicates" if replicates > points else key
    detail = f"{points:,} design points x {replicates:,} replicates"
    limits.check(points * replicates, points, steps, src, key, detail)
