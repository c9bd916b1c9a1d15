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
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ptce_sim.apps import limits, runid
from ptce_sim.base.errors import ConfigError, suggest
from ptce_sim.base.params import ParamSpec, check_key, flat_dict
from ptce_sim.base.tomlfile import read_toml
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.metrics import describe
from ptce_sim.world.parameters import Parameters
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
    design = _get(data, "design", str, src, None)
    if design not in DESIGNS:
        raise ConfigError(
            "missing or unknown design",
            src,
            "design",
            design,
            allowed="one of " + ", ".join(DESIGNS),
            hint=suggest(str(design), DESIGNS),
        )
    replicates = _get(data, "replicates", int, src, 1)
    if replicates < 1:
        raise ConfigError("must be at least 1", src, "replicates", replicates, "an integer >= 1")
    seed = _get(data, "seed", int, src, None)
    if seed is None or seed < 1:
        raise ConfigError("missing or below 1", src, "seed", seed, "an integer >= 1 (root seed)")
    levels = _get(data, "levels", dict, src, {})
    if SCENARIO in levels and "base" in data:
        raise ConfigError(
            "give either 'base' or a 'scenario' factor in [levels], not both", src, "base"
        )
    base = _get(data, "base", str, src, "baseline")
    scenario_refs = [base]
    if SCENARIO in levels:
        scenario_refs = _list(levels[SCENARIO], src, f"levels.{SCENARIO}", str)
    loaded = {ref: _scenario(ref, path, src) for ref in scenario_refs}

    fixed = {
        k: _check(k, v, src, f"set.{k}")[1] for k, v in _get(data, "set", dict, src, {}).items()
    }
    factors: dict[str, list[Any]] = {}
    bundles: dict[str, dict[str, dict[str, Any]]] = {}
    for name, raw in levels.items():
        where = f"levels.{name}"
        if name == SCENARIO:
            factors[name] = scenario_refs
        elif isinstance(raw, dict):
            bundles[name] = _bundle(name, raw, src)
            factors[name] = list(bundles[name])
        else:
            if "." not in name:
                raise ConfigError(
                    "not a parameter key; a factor whose levels set several keys is a table "
                    f"[levels.{name}] of level = {{ KEY = value }}",
                    src,
                    where,
                    hint=_param_hint(name),
                )
            values = _list(raw, src, where, None)
            factors[name] = [_check(name, v, src, where)[1] for v in values]
        _unique(factors[name], src, where)
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
    samples, sample_keys = _samples(data, design, src, path)
    for key in sample_keys:
        if key in taken:
            raise ConfigError("parameter set twice (sampled and fixed or a level)", src, key)
    points = _points(factors, samples)

    exp = Experiment(
        path=src,
        text=text,
        description=_get(data, "description", str, src, ""),
        design=design,
        replicates=replicates,
        seed=seed,
        paired=_get(data, "paired", bool, src, True),
        keep=_keep(data, src),
        timeseries=_timeseries(data, src),
        poles=_get(data, "poles", bool, src, True),
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


def _get(data: Mapping[str, Any], key: str, typ: type, src: str, default: Any) -> Any:
    if key not in data:
        return default
    value = data[key]
    ok = isinstance(value, typ) and not (typ is int and isinstance(value, bool))
    if not ok:
        names = {
            str: "a string",
            int: "an integer",
            bool: "true or false",
            dict: "a table",
            list: "a list",
        }
        raise ConfigError(f"wrong type, expected {names[typ]}", src, key, value)
    return value


def _list(raw: Any, src: str, where: str, typ: type | None) -> list[Any]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError("expected a non-empty list of levels", src, where, raw)
    if typ is not None and not all(isinstance(v, typ) for v in raw):
        raise ConfigError("expected a list of names (strings)", src, where, raw)
    return raw


def _unique(values: list[Any], src: str, where: str) -> None:
    seen = [runid.canonical(v) for v in values]
    for i, v in enumerate(seen):
        if v in seen[:i]:
            raise ConfigError("level given twice", src, where, values[i])


def _param_hint(name: str) -> str | None:
    try:
        check_key(Parameters, name, None)
    except ConfigError as err:
        return err.hint
    return None


def _check(key: str, value: Any, src: str, where: str) -> tuple[ParamSpec, Any]:
    """Validate one parameter value; the error names ``where`` (e.g. ``levels.x.y``)."""
    spec = check_key(Parameters, key, src) if "." in key else None
    if spec is None:
        raise ConfigError("unknown parameter", src, where, hint=_param_hint(key))
    try:
        return spec, spec.check(value, src)
    except ConfigError as err:
        err.key = where
        raise


def _scenario(ref: str, path: Path, src: str) -> Scenario:
    """The scenario ``ref`` names. Not found: the error names this file and ``base``;
    found but invalid: the error is the scenario file's own (its key and value)."""
    try:
        found = scenarios.resolve(ref, relative_to=path)
    except ConfigError as err:
        raise ConfigError(
            f"scenario: {err.message}", src, "base", ref, err.allowed, hint=err.hint
        ) from None
    return Scenario() if found is None else scenarios.load(found)


def _bundle(name: str, raw: dict[str, Any], src: str) -> dict[str, dict[str, Any]]:
    if not raw:
        raise ConfigError("a factor needs at least one level", src, f"levels.{name}")
    out: dict[str, dict[str, Any]] = {}
    for level, updates in raw.items():
        where = f"levels.{name}.{level}"
        if not isinstance(updates, dict):
            raise ConfigError(
                "a level of a bundle factor is a table { KEY = value, ... }; to vary one "
                f'parameter write "{name}.{level}" = [...] under [levels]',
                src,
                where,
                updates,
            )
        out[level] = {k: _check(k, v, src, f"{where}.{k}")[1] for k, v in updates.items()}
    return out


def _samples(
    data: Mapping[str, Any], design: str, src: str, path: Path
) -> tuple[list[dict[str, Any]], list[str]]:
    """Sampled or file points (a list of dicts) and their keys; ``[{}]`` for grids."""
    if design == "file":
        for key in ("samples", "sample", "bounds"):
            if key in data:
                raise ConfigError("not used by design = 'file'", src, key)
        return _read_points(data, src, path)
    if design == "grid":
        for key in ("samples", "sample", "bounds", "file"):
            if key in data:
                raise ConfigError("not used by design = 'grid'", src, key)
        return [{}], []
    if "file" in data:
        raise ConfigError("only for design = 'file'", src, "file")
    n = _get(data, "samples", int, src, None)
    if n is None or n < 1:
        raise ConfigError(f"design '{design}' needs samples >= 1", src, "samples", n)
    ranges: dict[str, tuple[ParamSpec, list[Any]]] = {}
    for key in _get(data, "sample", list, src, []):
        if not isinstance(key, str):
            raise ConfigError("expected a list of dotted keys", src, "sample", key)
        spec = check_key(Parameters, key, src)
        ranges[key] = (spec, _declared_range(spec, src))
    for key, raw in _get(data, "bounds", dict, src, {}).items():
        if key in ranges:
            raise ConfigError("in both 'sample' and [bounds]; keep one", src, f"bounds.{key}")
        spec = check_key(Parameters, key, src)
        ranges[key] = (spec, _bounds(spec, raw, src))
    if not ranges:
        raise ConfigError(
            f"design '{design}' needs keys to sample: sample = [...] or [bounds]", src, "sample"
        )
    keys = list(ranges)
    rng = runid.design_rng(int(data["seed"]))
    if design == "lhs":
        # Hand-written Latin hypercube (one stratum per sample on each axis): a few lines of
        # numpy, stable across library versions, so a design point, hence a run id, never
        # changes under a user's feet. Axes are drawn in the order the keys are written.
        u = np.empty((n, len(keys)))
        for j in range(len(keys)):
            u[:, j] = (rng.permutation(n) + rng.random(n)) / n
    else:  # random: row-major draws, so the first rows stay when samples grows
        u = rng.random((n, len(keys)))
    rows = [
        {k: _scale(ranges[k][0], ranges[k][1], float(u[i, j])) for j, k in enumerate(keys)}
        for i in range(n)
    ]
    return rows, keys


def _declared_range(spec: ParamSpec, src: str) -> list[Any]:
    if spec.type is bool:
        return [False, True]
    if spec.choices:
        return list(spec.choices)
    if spec.lo is None or spec.hi is None or spec.type is str:
        raise ConfigError(
            "no declared range to sample from; give its bounds in [bounds]", src, spec.key
        )
    return [spec.lo, spec.hi]


def _bounds(spec: ParamSpec, raw: Any, src: str) -> list[Any]:
    where = f"bounds.{spec.key}"
    if spec.type in (bool, str):
        values = _list(raw, src, where, None)
        return [_check(spec.key, v, src, where)[1] for v in values]
    if not isinstance(raw, list) or len(raw) != 2:
        raise ConfigError("expected [lo, hi]", src, where, raw, spec.allowed, spec.doc)
    lo, hi = (_check(spec.key, v, src, where)[1] for v in raw)
    if not lo < hi:
        raise ConfigError("expected lo < hi", src, where, raw, spec.allowed, spec.doc)
    return [lo, hi]


def _scale(spec: ParamSpec, rng_: list[Any], u: float) -> Any:
    """Map a uniform ``u`` in [0, 1) to a value of the parameter within ``rng_``."""
    if spec.type is bool or spec.type is str:
        return rng_[min(int(u * len(rng_)), len(rng_) - 1)]
    lo, hi = rng_
    if spec.type is int:
        return int(min(lo + math.floor(u * (hi - lo + 1)), hi))
    return float(lo + u * (hi - lo))


def _read_points(
    data: Mapping[str, Any], src: str, path: Path
) -> tuple[list[dict[str, Any]], list[str]]:
    ref = _get(data, "file", str, src, None)
    if ref is None:
        raise ConfigError("design 'file' needs file = \"points.csv\"", src, "file")
    csv_path = (path.parent / ref) if not Path(ref).is_absolute() else Path(ref)
    where = str(csv_path)
    try:
        # utf-8-sig: a byte-order mark (spreadsheets on Windows write one) is not data.
        with csv_path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader, [])]
            rows = [r for r in reader if any(c.strip() for c in r)]
    except FileNotFoundError:
        raise ConfigError("design file not found", src, "file", ref) from None
    except (OSError, csv.Error) as exc:
        raise ConfigError(f"unreadable design file: {exc}", src, "file", ref) from None
    except UnicodeDecodeError:
        raise ConfigError("not a UTF-8 text file", where) from None
    if not header or not rows:
        raise ConfigError("expected a header of dotted keys and at least one row", where)
    for key in header:
        check_key(Parameters, key, f"{where}: header")
    if len(set(header)) != len(header):
        raise ConfigError("a column appears twice", where, "header")
    points = []
    for n, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise ConfigError(f"{len(row)} cells for {len(header)} columns", f"{where}: row {n}")
        points.append(
            {
                k: _check(k, _cell(c, f"{where}: row {n}", k), f"{where}: row {n}", k)[1]
                for k, c in zip(header, row, strict=True)
            }
        )
    _unique(points, where, "rows")
    return points, header


def _cell(text: str, where: str, key: str) -> Any:
    """A CSV cell read as a TOML value (or a bare word), sizes checked."""
    from ptce_sim.apps.cli_common import parse_value

    try:
        return parse_value(text.strip(), key)
    except ConfigError as err:
        raise err.at(where) from None


def _points(
    factors: Mapping[str, list[Any]], samples: list[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """Levels crossed in full (the last factor varies fastest), then each sample or row."""
    names = list(factors)
    for combo in itertools.product(*(factors[n] for n in names)):
        for row in samples:
            yield {**dict(zip(names, combo, strict=True)), **row}


def _keep(data: Mapping[str, Any], src: str) -> tuple[str, ...]:
    keep = data.get("keep")
    if keep is None:
        return tuple(SUMMARY_DOCS)
    if not isinstance(keep, list) or not keep:
        raise ConfigError("expected a non-empty list of summary names", src, "keep", keep)
    for name in keep:
        if name not in SUMMARY_DOCS:
            raise ConfigError(
                "unknown summary",
                src,
                "keep",
                name,
                hint=suggest(str(name), SUMMARY_DOCS),
                allowed="names listed in docs/outputs.md (per-run summaries)",
            )
    return tuple(dict.fromkeys(keep))


def _timeseries(data: Mapping[str, Any], src: str) -> tuple[str, ...]:
    raw = data.get("timeseries", False)
    metrics = list(describe())
    if raw is False:
        return ()
    if raw is True:
        return tuple(metrics)
    if not isinstance(raw, list) or not raw:
        raise ConfigError("expected true, false or a list of metrics", src, "timeseries", raw)
    for name in raw:
        if name not in metrics:
            raise ConfigError(
                "unknown metric", src, "timeseries", name, hint=suggest(str(name), metrics)
            )
    return tuple(dict.fromkeys(raw))
