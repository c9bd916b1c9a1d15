"""``ptce-sim calibrate``: search, refine, confirm and report, through the sweep engine.

Each stage is an experiment file written into the output folder and run by the sweep
engine, so the whole procedure is parallel (loky or Dask), streamed to disk and
resumable (rerun with ``--resume`` after an interruption: finished stages are kept,
the interrupted one continues). The analysis is in :mod:`ptce_sim.apps.calibration`.

Stages (``docs/calibration.md``):

1. ``search/``  — ``experiments/calibration.toml`` as written (or scaled down by
   ``--budget tiny``, the CI smoke test);
2. ``check0/``, then ``refine1/`` + ``check1/``, … — the best points of the last
   hypercube rerun with more replicates (on new seeds), then a hypercube over a box
   centred on the best *checked* point, ``SHRINK`` times as wide as the previous box and
   inside it (a sequential zoom; centring on an unchecked point zooms on luck, and the
   span of the best points barely narrows in 14 dimensions);
3. ``confirm/`` — the best ``confirm_top`` checked points rerun with more replicates on
   seeds unused so far; the chosen point is, among those that pass every pattern, the one
   whose weakest pass is the widest in standard errors (``worst_margin``: a pass by a hair
   does not survive new seeds); when none passes every pattern, the lowest distance;
4. ``verify/`` — the chosen values *as written into the defaults* (rounded to 2
   significant digits) rerun on fresh seeds: the verdict a user of the baseline gets.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ptce_sim.apps import calibration as cal
from ptce_sim.apps import experiment as experiments
from ptce_sim.apps.patterns import PATTERNS, evaluate
from ptce_sim.apps.sweep import Options, run_sweep
from ptce_sim.base.params import iter_specs
from ptce_sim.world.parameters import Parameters

SEARCH = "calibration"
#: Each refined box is this many times as wide as the previous one.
SHRINK = 0.5


@dataclass(frozen=True)
class Budget:
    """How many runs each stage gets."""

    search_samples: int | None  # None: as in the experiment file
    search_replicates: int | None
    refine_samples: int
    refine_replicates: int
    refine_rounds: int
    check_top: int  # best points of each round rerun ...
    check_replicates: int  # ... with this many replicates, to centre the next box
    confirm_top: int
    confirm_replicates: int
    verify_replicates: int
    steps: int | None = None  # None: the scenario's months


BUDGETS: dict[str, Budget] = {
    "full": Budget(None, None, 150, 3, 3, 8, 8, 12, 50, 50),
    "tiny": Budget(8, 1, 6, 1, 1, 2, 1, 2, 2, 2, steps=48),
}


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(str(v))


def dump_experiment(data: dict[str, Any]) -> str:
    """TOML text of a flat experiment (top-level values, then ``[set]`` and ``[bounds]``)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for table, values in data.items():
        if isinstance(values, dict):
            lines.append(f"\n[{table}]")
            lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def _int_keys() -> set[str]:
    return {s.key for s in iter_specs(Parameters) if s.type is int}


def _typed(key: str, value: Any) -> int | float:
    """A parameter value as its declared type (Parquet may hand back an int as a float)."""
    return round(float(value)) if key in _int_keys() else float(value)


def refined_bounds(
    points: pd.DataFrame, previous: dict[str, list[Any]], shrink: float = SHRINK
) -> dict[str, list[Any]]:
    """A box ``shrink`` times as wide as ``previous``, centred on the best point, inside it.

    ``points`` is sorted by distance (:func:`ptce_sim.apps.calibration.point_table`).
    Near an edge the box slides inwards rather than shrinking further. Integer
    parameters keep integer bounds at least one unit apart.
    """
    best = points.iloc[0]
    ints = _int_keys()
    out: dict[str, list[Any]] = {}
    for key, (lo, hi) in previous.items():
        width = (float(hi) - float(lo)) * shrink
        start = min(max(float(best[key]) - width / 2, float(lo)), float(hi) - width)
        if key in ints:
            a, b = math.floor(start), math.ceil(start + width)
            out[key] = [a, max(b, a + 1)]
        else:
            out[key] = [start, start + width]
    return out


def _stage(
    name: str,
    data: dict[str, Any],
    out: Path,
    options: Options,
    resume: bool,
    progress: Callable[[str], Any] | None,
) -> pd.DataFrame:
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.toml"
    text = dump_experiment(data)
    if not (resume and path.is_file() and path.read_text() == text):
        path.write_text(text)
    exp = experiments.load(path)
    report = progress(name) if progress else None
    try:
        # A stage that had not started when the calibration was interrupted starts afresh.
        started = (folder / "sweep.json").is_file()
        run_sweep(exp, folder, options, resume=resume and started, progress=report)
    finally:
        if report is not None and hasattr(report, "close"):
            report.close()
    return pd.read_parquet(folder / "runs.parquet")


def calibrate(
    out: Path,
    budget: Budget,
    options: Options,
    resume: bool = False,
    source: Path | None = None,
    progress: Callable[[str], Any] | None = None,
) -> dict[str, Any]:
    """Run the three stages into ``out``; write the result files; return the result."""
    src = source or experiments.find(SEARCH)
    data = tomllib.loads(Path(src).read_text())
    base = data.get("base", "baseline")
    if isinstance(base, str) and (Path(src).parent / base).suffix == ".toml":
        data["base"] = str((Path(src).parent / base).resolve())
    factors = list(data["bounds"])
    if budget.search_samples is not None:
        data["samples"] = budget.search_samples
    if budget.search_replicates is not None:
        data["replicates"] = budget.search_replicates
    if budget.steps is not None:
        data.setdefault("set", {})["run.steps"] = budget.steps
    data["poles"] = False
    out.mkdir(parents=True, exist_ok=True)

    def rerun(name: str, points: pd.DataFrame, replicates: int, seed: int) -> pd.DataFrame:
        """Rerun design points (their factor values) with more replicates on new seeds."""
        cal.top_points(points, len(points)).to_csv(out / f"{name}.csv", index=False)
        spec = {k: v for k, v in data.items() if k not in ("bounds", "samples", "design")}
        spec.update(
            description=f"Calibration {name}: the best points rerun on fresh seeds",
            design="file",
            file=f"{name}.csv",
            replicates=replicates,
            seed=seed,
        )
        return cal.point_table(_stage(name, spec, out, options, resume, progress), factors)

    seed = data["seed"]
    search = cal.point_table(_stage("search", data, out, options, resume, progress), factors)
    candidates = search
    checked = [rerun("check0", search.head(budget.check_top), budget.check_replicates, seed + 1)]
    refined: list[pd.DataFrame] = []
    box = data["bounds"]
    for k in range(1, budget.refine_rounds + 1):
        best = pd.concat(checked, ignore_index=True).sort_values("distance", kind="stable")
        refine = dict(data, samples=budget.refine_samples, replicates=budget.refine_replicates)
        refine["seed"] = seed + 2 * k
        refine["bounds"] = box = refined_bounds(best, box)
        refine["description"] = f"Calibration refine {k}: a box around the best checked point"
        runs = _stage(f"refine{k}", refine, out, options, resume, progress)
        refined.append(cal.point_table(runs, factors))
        candidates = pd.concat([candidates, refined[-1]], ignore_index=True).sort_values(
            ["distance"], kind="stable", ignore_index=True
        )
        top = refined[-1].head(budget.check_top)
        checked.append(rerun(f"check{k}", top, budget.check_replicates, seed + 2 * k + 1))
    every_check = pd.concat(checked, ignore_index=True).sort_values("distance", kind="stable")
    final_seed = seed + 2 * budget.refine_rounds + 2
    confirmed = rerun(
        "confirm", every_check.head(budget.confirm_top), budget.confirm_replicates, final_seed
    )
    chosen = choose(confirmed)
    written = rounded({f: _typed(f, chosen[f]) for f in factors})
    verify = rerun("verify", pd.DataFrame([written]), budget.verify_replicates, final_seed + 1)
    runs = pd.read_parquet(out / "verify" / "runs.parquet")
    accepted = cal.acceptance(candidates)
    verdict = evaluate(runs)

    search.to_csv(out / "search_points.csv", index=False)
    pd.concat(refined, keys=range(1, len(refined) + 1), names=["round", None]).to_csv(
        out / "refine_points.csv"
    )
    confirmed.to_csv(out / "confirm_points.csv", index=False)
    accepted.to_csv(out / "acceptance.csv", index=False)
    cal.plot_acceptance(candidates, out / "acceptance.png")
    result = {
        "chosen": {f: _typed(f, chosen[f]) for f in factors},
        "confirm_distance": float(chosen["distance"]),
        "confirm_worst_margin": float(chosen["worst_margin"]),
        "confirm_replicates": int(chosen["replicates"]),
        # the verdict of the values as written (rounded), on fresh seeds
        "written": written,
        "distance": float(verify["distance"].iloc[0]),
        "worst_margin": float(verify["worst_margin"].iloc[0]),
        "replicates": int(verify["replicates"].iloc[0]),
        "patterns_passed": int(verdict["passed"].sum()),
        "patterns": verdict.to_dict("records"),
        "search_points": len(search),
        "accepted_points": int((search["distance"] <= cal.ACCEPT).sum()),
        "refine_points": sum(len(r) for r in refined),
        "evaluated_points": len(candidates),
        "evaluated_accepted_points": int((candidates["distance"] <= cal.ACCEPT).sum()),
        "checked_points": len(every_check),
        "confirmed_accepted_points": int((confirmed["distance"] <= cal.ACCEPT).sum()),
        "confirmed": confirmed[["point", "distance", "passed", "worst_margin"]].to_dict("records"),
    }
    (out / "calibration.json").write_text(json.dumps(result, indent=2, default=float))
    return result


def choose(confirmed: pd.DataFrame) -> pd.Series:
    """The confirmed point to write into the defaults.

    Among the points that pass every pattern, the one whose weakest pass is widest
    (``worst_margin``, in standard errors): the aim is a baseline that keeps passing on
    seeds it was not chosen on, and among near-equal distances the margin is what
    decides that. When no point passes every pattern, the lowest distance.
    """
    all_pass = confirmed[confirmed["passed"] == len(PATTERNS)]
    if len(all_pass):
        margin = all_pass["worst_margin"].fillna(-math.inf)
        return all_pass.loc[margin.idxmax()]
    return confirmed.sort_values(["distance", "point"], kind="stable").iloc[0]


def rounded(chosen: dict[str, Any]) -> dict[str, int | float]:
    """The chosen values as they are written into the defaults: 2 significant digits
    (more would be false precision for a noisy distance); counts stay integers."""
    return {k: v if isinstance(v, int) else float(f"{v:.2g}") for k, v in chosen.items()}


def defaults_toml(chosen: dict[str, Any]) -> str:
    """The chosen values as scenario TOML, grouped by section, rounded (:func:`rounded`)."""
    by_section: dict[str, list[str]] = {}
    for key, shown in rounded(chosen).items():
        section, name = key.split(".", 1)
        by_section.setdefault(section, []).append(f"{name} = {shown!r}")
    return "\n".join(f"[{s}]\n" + "\n".join(v) + "\n" for s, v in by_section.items())
