"""The figures of ``ptce-sim report``: one PNG each in the report folder.

Drawn on bare :class:`matplotlib.figure.Figure` objects, never through pyplot: a
notebook or a session that builds a report keeps its own backend and figures
(``tests/test_figures_backend.py``). Each function writes its file and returns its name
(the page embeds it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ptce_sim.apps.compare import survival_figure
from ptce_sim.apps.report_data import km_of
from ptce_sim.rules.poles import CAUSES
from ptce_sim.world.survival import KaplanMeier

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Per-run summaries whose spread across replicates the report draws.
DISTRIBUTED = (
    "poles_formed",
    "poles_formalised",
    "formal_poles_alive_end",
    "coops_per_member_year",
    "public_eur",
    "eur_per_surviving_pole_year",
)
#: Design points drawn one by one; beyond, a caterpillar plot ranks them.
MAX_POINTS_SHOWN = 60


def _label(row: pd.Series, factors: Sequence[str]) -> str:
    parts = []
    for f in factors:
        v = row[f]
        parts.append(f"{f.rsplit('.', 1)[-1]}={v:.3g}" if isinstance(v, float) else f"{v}")
    return ", ".join(parts) or "all"


def _figure(width: float, height: float) -> Figure:
    """A bare Figure at the report's resolution: no pyplot, so no backend switch (a
    notebook building a report keeps showing its own figures)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110)


def points_png(table: pd.DataFrame, factors: list[str], years: float, path: Path) -> str:
    if len(table) > MAX_POINTS_SHOWN or len(factors) > 4:
        # Many points (a sampled design): a caterpillar plot, points ranked by survival.
        ranked = table.sort_values("survival").reset_index(drop=True)
        fig = _figure(8, 4.5)
        ax = fig.subplots()
        x = np.arange(len(ranked))
        ax.fill_between(x, ranked["lo"], ranked["hi"], alpha=0.25, step="mid")
        ax.plot(x, ranked["survival"], ".", ms=3)
        ax.set_xlabel(
            f"design points ranked by survival ({ranked['survival'].notna().sum()} "
            f"of {len(ranked)} with a formal pole followed {years:g} years)"
        )
        ax.set_ylabel(f"share of formal poles alive {years:g} years after formalisation")
        ax.set_ylim(0, 1.02)
        ax.set_title("Survival by design point, 95% intervals")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(path)
        return path.name
    shown = table.head(MAX_POINTS_SHOWN)
    fig = _figure(8, 1.0 + 0.28 * len(shown))
    ax = fig.subplots()
    y = np.arange(len(shown))[::-1]
    err = np.vstack([shown["survival"] - shown["lo"], shown["hi"] - shown["survival"]])
    ax.errorbar(shown["survival"], y, xerr=np.nan_to_num(err), fmt="o", ms=4, capsize=2)
    ax.set_yticks(y, [_label(r, factors) for _, r in shown.iterrows()], fontsize="small")
    ax.set_xlim(0, 1.02)
    ax.set_xlabel(f"share of formal poles alive {years:g} years after formalisation")
    more = f" (first {MAX_POINTS_SHOWN} of {len(table)})" if len(table) > len(shown) else ""
    ax.set_title(f"Survival by design point{more}, 95% intervals")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    return path.name


def heatmap_png(table: pd.DataFrame, x: str, y: str, years: float, path: Path) -> str:
    grid = table.pivot(index=y, columns=x, values="survival")
    fig = _figure(1.6 + 1.1 * grid.shape[1], 1.4 + 0.6 * grid.shape[0])
    ax = fig.subplots()
    im = ax.imshow(
        grid.to_numpy(dtype=float), vmin=0, vmax=1, cmap="viridis", aspect="auto", origin="lower"
    )
    ax.set_xticks(
        range(grid.shape[1]),
        [f"{v:g}" if isinstance(v, float) else str(v) for v in grid.columns],
        rotation=30,
        ha="right",
    )
    ax.set_yticks(
        range(grid.shape[0]), [f"{v:g}" if isinstance(v, float) else str(v) for v in grid.index]
    )
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = grid.iat[i, j]
            ax.text(
                j,
                i,
                "–" if v != v else f"{v:.2f}",
                ha="center",
                va="center",
                color="white" if v == v and v < 0.6 else "black",
                fontsize="small",
            )
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(f"Survival at {years:g} years (Kaplan–Meier, other factors pooled)")
    fig.colorbar(im, ax=ax, fraction=0.04)
    fig.tight_layout()
    fig.savefig(path)
    return path.name


def km_png(runs: pd.DataFrame, poles: pd.DataFrame, group: str | None, path: Path) -> str:
    curves: dict[str, KaplanMeier] = {}
    if group is None:
        curves["all runs"] = km_of(poles)
    else:
        keyed = poles.merge(runs[["run_id", group]], on="run_id")
        for level in sorted(runs[group].unique()):
            curves[f"{group}={level}" if group != "scenario" else str(level)] = km_of(
                keyed[keyed[group] == level]
            )
    fig = survival_figure(curves, "Kaplan–Meier survival of formal poles")
    fig.savefig(path, bbox_inches="tight")  # the legend sits outside the axes
    return path.name


def causes_png(runs: pd.DataFrame, poles: pd.DataFrame, group: str | None, path: Path) -> str:
    g = group or "_all"
    r = runs.assign(_all="all runs")
    dead = poles[poles["cause"].notna()].merge(r[["run_id", g]], on="run_id")
    counts = dead.groupby([g, "cause"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(CAUSES), fill_value=0)
    order = sorted(r[g].unique())[::-1]  # barh draws bottom-up: first level on top
    per_run = counts.div(r.groupby(g).size(), axis=0).reindex(order).fillna(0)
    fig = _figure(8, 1.5 + 0.35 * len(per_run))
    ax = fig.subplots()
    # Stacked by hand rather than with pandas' .plot, which goes through pyplot.
    y, left = np.arange(len(per_run)), np.zeros(len(per_run))
    for cause in per_run.columns:
        width = per_run[cause].to_numpy(dtype=float)
        ax.barh(y, width, height=0.5, left=left, label=str(cause))
        left += width
    ax.set_yticks(y, [str(level) for level in per_run.index])
    ax.set_ylim(-0.5, len(per_run) - 0.5)
    ax.set_xlabel("poles dead per run, by cause")
    ax.set_ylabel(group or "")
    ax.set_title("Causes of death")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    fig.savefig(path)
    return path.name


def distributions_png(runs: pd.DataFrame, group: str | None, path: Path) -> str | None:
    cols = [c for c in DISTRIBUTED if c in runs]
    if not cols:
        return None
    levels = sorted(runs[group].unique()) if group else [None]
    fig = _figure(8, 1.2 + 1.6 * len(cols))
    axes = fig.subplots(len(cols), 1, squeeze=False)
    for ax, col in zip(axes[:, 0], cols, strict=True):
        data = [
            (runs if lv is None else runs[runs[group] == lv])[col].dropna().to_numpy()
            for lv in levels
        ]
        ax.boxplot(data, showfliers=True, **_horizontal())
        ax.set_yticks(
            range(1, len(levels) + 1),
            ["all runs" if lv is None else str(lv) for lv in levels],
            fontsize="small",
        )
        ax.set_title(col, fontsize="small", loc="left")
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle("Per-run summaries across replicates")
    fig.tight_layout()
    fig.savefig(path)
    return path.name


def _horizontal() -> dict[str, Any]:
    """Horizontal boxes: ``orientation`` since Matplotlib 3.10, ``vert`` before (removed)."""
    import matplotlib

    major, minor = (int(x) for x in matplotlib.__version__.split(".")[:2])
    return {"orientation": "horizontal"} if (major, minor) >= (3, 10) else {"vert": False}
