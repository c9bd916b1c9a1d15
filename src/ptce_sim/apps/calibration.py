"""Calibration by rejection over a sweep: which parameter sets reproduce the field's patterns.

The procedure (``docs/calibration.md``; driven by ``experiments/calibrate.py``):

1. **search** — a Latin-hypercube sweep over the uncertain parameters that the patterns
   can identify (``experiments/calibration.toml``), a few replicates per point;
2. **rank** — per design point, the distance of its replicates to all patterns at once
   (:func:`ptce_sim.apps.patterns.distance`: mean squared deviation in half-bands);
3. **confirm** — the best few points rerun with more replicates on fresh seeds, because
   a point ranked first on 2 replicates is partly ranked first by luck (winner's curse);
4. **choose** the confirmed point with the lowest distance; **report** how many points of
   the search fit nearly as well (the acceptance set of approximate Bayesian computation
   by rejection) and how widely each parameter ranges inside it — a narrow range means
   the patterns pin the parameter down, a wide one that they do not.

Why rejection rather than an optimiser: the distance is noisy and flat in places, the
budget is a few thousand runs, and the acceptance set *is* the robustness answer a
reviewer asks for. Survival is never a pattern (``apps/patterns.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ptce_sim.apps.patterns import PATTERNS, distance, evaluate

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: A point "fits nearly as well" as the best when its distance is below this bound:
#: on average every pattern inside its band (distance 1 = one half-band in RMS).
ACCEPT = 1.0


def point_table(runs: pd.DataFrame, factors: Sequence[str]) -> pd.DataFrame:
    """One row per design point: its factor values, replicates, distance, pattern means.

    ``runs`` is a sweep's ``runs.parquet``: a ``point`` column, one column per resolved
    parameter (dotted keys) and one per summary.
    """
    missing = [f for f in factors if f not in runs.columns]
    if missing:
        raise KeyError(f"runs have no parameter column for {missing}")
    rows = []
    for point, group in runs.groupby("point", sort=True):
        verdict = evaluate(group)
        rows.append(
            {
                "point": int(point),
                **{f: group[f].iloc[0] for f in factors},
                "replicates": len(group),
                "distance": distance(group),
                "passed": int(verdict["passed"].sum()),
                # the weakest pass (or worst miss), in standard errors: see margin_se
                "worst_margin": float(verdict["margin_se"].min(skipna=False)),
                **dict(zip(verdict["pattern"], verdict["value"], strict=True)),
            }
        )
    return pd.DataFrame(rows).sort_values(["distance", "point"], ignore_index=True)


def acceptance(points: pd.DataFrame, bound: float = ACCEPT) -> pd.DataFrame:
    """How widely each factor ranges among the points that fit (distance <= bound).

    One row per factor: searched range, accepted range, and the share of the searched
    range the accepted points span (1 = the patterns do not constrain the factor).
    """
    factors = [c for c in points.columns if "." in c]
    ok = points[points["distance"] <= bound]
    rows = []
    for f in factors:
        lo, hi = float(points[f].min()), float(points[f].max())
        a_lo = float(ok[f].min()) if len(ok) else float("nan")
        a_hi = float(ok[f].max()) if len(ok) else float("nan")
        span = (a_hi - a_lo) / (hi - lo) if hi > lo and len(ok) else float("nan")
        rows.append(
            {
                "parameter": f,
                "searched_lo": lo,
                "searched_hi": hi,
                "accepted_lo": a_lo,
                "accepted_hi": a_hi,
                "accepted_span": span,
                "accepted_points": len(ok),
            }
        )
    return pd.DataFrame(rows)


def top_points(points: pd.DataFrame, k: int) -> pd.DataFrame:
    """The ``k`` best design points' factor values (a ``design = "file"`` CSV)."""
    factors = [c for c in points.columns if "." in c]
    return points.head(k)[factors].reset_index(drop=True)


def acceptance_figure(points: pd.DataFrame, bound: float = ACCEPT) -> Figure:
    """Distance against each factor, accepted points highlighted (one panel per factor).

    A bare :class:`~matplotlib.figure.Figure` (no pyplot, no backend switch): a notebook
    can show it without losing its own figures."""
    from matplotlib.figure import Figure

    factors = [c for c in points.columns if "." in c]
    cols = 4
    rows = int(np.ceil(len(factors) / cols))
    fig = Figure(figsize=(3.2 * cols, 2.6 * rows), dpi=110)
    axes = fig.subplots(rows, cols, squeeze=False)
    ok = points["distance"] <= bound
    best = points.iloc[0]
    for ax, f in zip(axes.flat, factors, strict=False):
        ax.scatter(points.loc[~ok, f], points.loc[~ok, "distance"], s=6, color="0.7")
        ax.scatter(points.loc[ok, f], points.loc[ok, "distance"], s=10, color="tab:blue")
        ax.axvline(best[f], color="tab:red", lw=1)
        ax.axhline(bound, color="tab:green", lw=0.8, ls="--")
        ax.set_yscale("log")
        ax.set_title(f, fontsize="small")
        ax.tick_params(labelsize="x-small")
    for ax in list(axes.flat)[len(factors) :]:
        ax.set_visible(False)
    fig.suptitle(
        f"Calibration distance of {len(points)} parameter sets; blue: {int(ok.sum())} fit "
        f"nearly as well (distance ≤ {bound:g}); red: chosen",
        fontsize="medium",
    )
    fig.tight_layout()
    return fig


def plot_acceptance(points: pd.DataFrame, path: Path, bound: float = ACCEPT) -> Path:
    """:func:`acceptance_figure`, to a PNG."""
    acceptance_figure(points, bound).savefig(path)
    return path


def pattern_names() -> list[str]:
    """Names of the patterns, in table order (columns of :func:`point_table`)."""
    return [p.name for p in PATTERNS]
