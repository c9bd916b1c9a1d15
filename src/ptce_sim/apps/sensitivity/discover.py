"""Scenario discovery: the region of factor space where an output clears a threshold.

``ptce-sim discover DIR --output survival_10y --threshold 0.6`` reads the runs table of a
sensitivity study or a sweep (``runs.parquet`` or ``runs.csv``), averages the output over
the replicates of each design point, labels the points that clear the threshold, and
returns one *box* — a conjunction of intervals on a few factors — stated in plain words
with its **density** (share of the points in the box that clear the threshold), its
**coverage** (share of all the points that clear it which fall in the box) and its
**mass** (share of all points in the box), the three numbers PRIM reports.

Why a shallow decision tree (scikit-learn's ``DecisionTreeClassifier``) and not PRIM:
every leaf of a tree is a box, depth ≤ 3 keeps the statement readable, and scikit-learn
is maintained and BSD-licensed. The maintained stand-alone PRIM on PyPI (``PRIM``,
Project-Platypus) is GPL-3, which an MIT package should not depend on, and the EMA
Workbench would bring a large dependency tree for one function. A tree splits greedily
rather than peeling patiently, so its boxes are coarser than PRIM's; among its leaves we
keep the densest one that still covers at least ``min_coverage`` of the successes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ptce_sim.base.errors import ConfigError, suggest
from ptce_sim.base.params import ParamSpec, spec_index
from ptce_sim.world.parameters import Parameters
from ptce_sim.world.summary import SUMMARY_DOCS


@dataclass
class Box:
    """A discovered region and how good it is."""

    output: str
    threshold: float
    above: bool
    limits: dict[str, tuple[float, float]]  # restricted factors only; an open side is ±inf
    density: float
    coverage: float
    mass: float
    mean_in: float
    mean_out: float
    points: int
    statement: str


def read_runs(folder: Path) -> pd.DataFrame:
    """The runs table of a results folder (``runs.parquet`` or ``runs.csv``)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError("not a results folder", str(folder))
    for name in ("runs.parquet", "runs.csv"):
        path = folder / name
        if path.is_file():
            return pd.read_parquet(path) if name.endswith("parquet") else pd.read_csv(path)
    raise ConfigError("no runs.parquet or runs.csv here", str(folder))


def factor_columns(folder: Path, runs: pd.DataFrame) -> list[str]:
    """Factors of a study (from its ``experiment.json``), else the varying parameters."""
    meta = Path(folder) / "experiment.json"
    if meta.is_file():
        keys = [f["key"] for f in json.loads(meta.read_text("utf-8"))["experiment"]["factors"]]
        return [k for k in keys if k in runs.columns]
    known = spec_index(Parameters)
    return [c for c in runs.columns if c in known and runs[c].nunique(dropna=True) > 1]


def discover(
    folder: Path,
    output: str,
    threshold: float,
    *,
    above: bool = True,
    max_depth: int = 3,
    min_coverage: float = 0.3,
) -> Box:
    """Find and state the box (see the module docstring)."""
    runs = read_runs(folder)
    if output not in runs.columns:
        hint = suggest(output, [c for c in runs.columns if c in SUMMARY_DOCS])
        raise ConfigError("no such output in the runs table", "--output", value=output, hint=hint)
    factors = factor_columns(folder, runs)
    if not factors:
        raise ConfigError("no varying parameter in the runs table", str(folder))
    if "point" not in runs.columns:  # a table without design points: equal factors = a point
        runs = runs.assign(point=runs.groupby(factors, dropna=False).ngroup())
    table = runs.groupby("point")[[*factors, output]].mean().dropna()
    if len(table) < 10:
        raise ConfigError(
            f"only {len(table)} design points with a defined {output}; need at least 10",
            str(folder),
        )
    X, y = table[factors], table[output]
    return find_box(X, y, output, threshold, above, max_depth, min_coverage)


def find_box(
    X: pd.DataFrame,
    y: pd.Series,
    output: str,
    threshold: float,
    above: bool = True,
    max_depth: int = 3,
    min_coverage: float = 0.3,
) -> Box:
    """The densest tree leaf covering at least ``min_coverage`` of the successes."""
    from sklearn.tree import DecisionTreeClassifier

    values = X.astype(float).to_numpy()
    good = (y >= threshold if above else y <= threshold).to_numpy()
    word = "≥" if above else "≤"
    if good.all() or not good.any():
        share = "every" if good.all() else "no"
        raise ConfigError(
            f"{share} design point has {output} {word} {threshold}; nothing to separate",
            "--threshold",
            value=threshold,
            allowed=f"between {y.min():.3g} and {y.max():.3g}",
        )
    leaf_min = max(3, len(good) // 20)
    tree = DecisionTreeClassifier(
        max_depth=max_depth, min_samples_leaf=leaf_min, class_weight="balanced", random_state=0
    ).fit(values, good)
    leaves = tree.apply(values)
    best, best_key = None, (-1.0, -1.0)
    for leaf in np.unique(leaves):
        inside = leaves == leaf
        density = float(good[inside].mean())
        coverage = float(good[inside].sum() / good.sum())
        rank = (float(coverage >= min_coverage), density if coverage >= min_coverage else coverage)
        if rank > best_key:
            best, best_key = leaf, rank
    inside = leaves == best
    limits = _limits(tree, int(best), list(X.columns))
    specs = spec_index(Parameters)
    density = float(good[inside].mean())
    coverage = float(good[inside].sum() / good.sum())
    mass = float(inside.mean())
    mean_in = float(y[inside].mean())
    mean_out = float(y[~inside].mean()) if (~inside).any() else float("nan")
    statement = _statement(
        limits, specs, output, word, threshold, density, coverage, mass, mean_in, mean_out
    )
    return Box(
        output, threshold, above, limits, density, coverage, mass, mean_in, mean_out,
        len(good), statement,
    )  # fmt: skip


def _limits(tree: object, leaf: int, names: list[str]) -> dict[str, tuple[float, float]]:
    """Intervals on the path from the root to ``leaf`` (only the restricted factors)."""
    t = tree.tree_  # type: ignore[attr-defined]
    parent: dict[int, tuple[int, bool]] = {}
    for node in range(t.node_count):
        if t.children_left[node] != -1:
            parent[int(t.children_left[node])] = (node, True)
            parent[int(t.children_right[node])] = (node, False)
    limits: dict[str, tuple[float, float]] = {}  # an open side is ±inf
    node = leaf
    while node in parent:
        up, is_left = parent[node]
        j, cut = int(t.feature[up]), float(t.threshold[up])
        a, b = limits.get(names[j], (-np.inf, np.inf))
        limits[names[j]] = (a, min(b, cut)) if is_left else (max(a, cut), b)
        node = up
    return {k: limits[k] for k in names if k in limits}


def _fmt_value(x: float, spec: ParamSpec | None) -> str:
    unit = f" {spec.unit}" if spec and spec.unit and spec.unit != "-" else ""
    text = f"{x:.3g}{unit}"
    if spec and spec.unit == "1/month" and 0 <= x < 1:
        text += f" (≈ {100 * (1 - (1 - x) ** 12):.0f}%/year)"
    return text


def _condition(key: str, lo: float, hi: float, spec: ParamSpec | None) -> str:
    """One restriction in words; the tree cuts between observed values, so an integer
    factor cut at 4.5 reads "at least 5" / "at most 4" and a boolean cut reads on/off."""
    name = f"{key} ({spec.doc})" if spec else key
    if spec is not None and spec.type is bool:
        return f"{key} {'on' if np.isfinite(lo) else 'off'}"
    low, high = "above", "at most"
    if spec is not None and spec.type is int:
        lo, hi, low = float(np.floor(lo) + 1), float(np.floor(hi)), "at least"
    if np.isfinite(lo) and np.isfinite(hi):
        return f"{name} between {_fmt_value(lo, spec)} and {_fmt_value(hi, spec)}"
    if np.isfinite(lo):
        return f"{name} {low} {_fmt_value(lo, spec)}"
    return f"{name} {high} {_fmt_value(hi, spec)}"


def _statement(
    limits: dict[str, tuple[float, float]],
    specs: dict[str, ParamSpec],
    output: str,
    word: str,
    threshold: float,
    density: float,
    coverage: float,
    mass: float,
    mean_in: float,
    mean_out: float,
) -> str:
    conds = [_condition(k, lo, hi, specs.get(k)) for k, (lo, hi) in limits.items()]
    where = "With " + " and ".join(conds) if conds else "Everywhere"
    return (
        f"{where}, {output} {word} {threshold:g} at {100 * density:.0f}% of the design points "
        f"(density; mean {output} {mean_in:.3g} inside the box, {mean_out:.3g} outside). "
        f"The box holds {100 * coverage:.0f}% of all points where {output} {word} "
        f"{threshold:g} (coverage) and {100 * mass:.0f}% of all design points (mass)."
    )
