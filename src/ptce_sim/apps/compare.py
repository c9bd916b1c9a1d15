"""``ptce-sim compare``: the policy comparison users came for.

Runs each scenario N times on paired seeds (replicate r uses seed ``seed + r`` in every
scenario, so scenarios differ by their policy, not by their dice), then reports per
scenario: Kaplan–Meier survival of formal poles 3, 5 and 10 years after formalisation with
95% confidence intervals (poles pooled over replicates), poles alive at the end,
cooperations per member per year, public money spent and public € per surviving
pole-year, each with a 95% confidence interval over replicates.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from ptce_sim.apps.policies import DEFAULT_POLICIES  # noqa: F401 - re-exported
from ptce_sim.world.survival import Z95, KaplanMeier, kaplan_meier

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MEAN_COLUMNS: dict[str, str] = {
    "poles_alive_end": "poles alive at the end",
    "formal_poles_alive_end": "formal poles alive at the end",
    "poles_formalised": "poles formalised",
    "coops_per_member_year": "cooperations per member per year",
    "public_eur": "public k€ spent on cells",
    "eur_per_surviving_pole_year": "public k€ per surviving formal pole-year",
}


@dataclass
class Comparison:
    table: pd.DataFrame  # one row per scenario
    runs: pd.DataFrame  # one row per run (summaries)
    poles: pd.DataFrame  # every pole of every run
    curves: dict[str, KaplanMeier]


#: Fewest formal poles for which a survival curve gets its 95% band drawn: with fewer,
#: the band spans most of [0, 1] and hides the other policies' curves.
MIN_POLES_FOR_BAND = 10


def _mean_ci(values: pd.Series) -> tuple[float, float, float]:
    """Mean and normal 95% interval over replicates; the lower bound is clipped at 0:
    every compared quantity is a count, a rate or an amount, never negative (a lower
    bound of -0.3 poles was printed for rare events)."""
    v = values.dropna().to_numpy(dtype=float)
    if len(v) == 0:
        return (float("nan"),) * 3
    m = float(v.mean())
    half = Z95 * float(v.std(ddof=1)) / np.sqrt(len(v)) if len(v) > 1 else float("nan")
    return m, max(m - half, 0.0) if half == half else m - half, m + half


def durations(poles: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Months from formalisation to death (or to the end of the run) of formal poles."""
    formal = poles[poles["formalised"].notna()]
    end = formal["died"].fillna(formal["months_observed"] - 1)
    return (end - formal["formalised"]).to_numpy(dtype=float), formal["died"].notna().to_numpy()


def compare(runs: pd.DataFrame, poles: pd.DataFrame, order: Sequence[str]) -> Comparison:
    """Aggregate per-run summaries and pole records by scenario."""
    rows: list[dict[str, Any]] = []
    curves: dict[str, KaplanMeier] = {}
    for name in order:
        r = runs[runs["scenario"] == name]
        p = poles[poles["scenario"] == name] if len(poles) else poles
        d, e = durations(p) if len(p) else (np.zeros(0), np.zeros(0, dtype=bool))
        km = kaplan_meier(d, e)
        curves[name] = km
        row: dict[str, Any] = {"scenario": name, "replicates": len(r), "formal_poles": km.n}
        for years in (3, 5, 10):
            s, lo, hi = km.at(12 * years)
            (
                row[f"survival_{years}y"],
                row[f"survival_{years}y_lo"],
                row[f"survival_{years}y_hi"],
            ) = s, lo, hi
        for col in MEAN_COLUMNS:
            m, lo, hi = _mean_ci(r[col])
            row[col], row[f"{col}_lo"], row[f"{col}_hi"] = m, lo, hi
        rows.append(row)
    return Comparison(pd.DataFrame(rows), runs, poles, curves)


def survival_figure(
    curves: Mapping[str, KaplanMeier], title: str = "Survival of formal poles"
) -> Figure:
    """Kaplan–Meier curves with their 95% bands, one per name of ``curves``.

    Drawn on a bare :class:`~matplotlib.figure.Figure`, never through pyplot: a notebook
    shows the returned figure (Jupyter displays it), a command saves it, and neither
    touches matplotlib's global backend (which would hide a notebook's own figures).
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 5), dpi=120)
    ax = fig.subplots()
    for name, km in curves.items():
        if km.n == 0:
            ax.plot([], [], label=f"{name} (no formal pole)")
            continue
        # Extend the last step to the longest follow-up (censored poles count as observed).
        last = (km.survival[-1], km.lower[-1], km.upper[-1]) if len(km.times) else (1.0,) * 3
        t = np.r_[0.0, km.times, km.end] / 12.0
        s = np.r_[1.0, km.survival, last[0]]
        lo, hi = np.r_[1.0, km.lower, last[1]], np.r_[1.0, km.upper, last[2]]
        few = km.n < MIN_POLES_FOR_BAND
        label = f"{name} (n={km.n}{', too few poles for a band' if few else ''})"
        (line,) = ax.step(t, s, where="post", label=label)
        if not few:
            ax.fill_between(t, lo, hi, step="post", alpha=0.15, color=line.get_color())
    ax.set_xlabel("years after formalisation")
    ax.set_ylabel("share of formal poles still alive")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.set_title(title)
    # Outside the axes, on the right: inside, it covered the curves' lower ends.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    fig.tight_layout()
    return fig


def plot_survival(cmp: Comparison, path: Path, title: str = "Survival of formal poles") -> Path:
    """Kaplan–Meier curves by scenario with their 95% bands, to a PNG."""
    survival_figure(cmp.curves, title).savefig(path, bbox_inches="tight")  # legend outside
    return path


def write_comparison(comparison: Comparison, out: Path) -> None:
    """compare.csv, runs.csv, poles.csv and survival.png, written atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        comparison.table.to_csv(tmp / "compare.csv", index=False)
        comparison.runs.to_csv(tmp / "runs.csv", index=False)
        comparison.poles.to_csv(tmp / "poles.csv", index=False)
        plot_survival(comparison, tmp / "survival.png")
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _ci(row: Any, col: str, fmt: str = "{:.2f}") -> str:
    v, lo, hi = row[col], row[f"{col}_lo"], row[f"{col}_hi"]
    if v != v:
        return "–"
    if lo != lo:
        return fmt.format(v)
    return f"{fmt.format(v)} [{fmt.format(lo)}, {fmt.format(hi)}]"


def print_comparison(comparison: Comparison, replicates: int, out: Path) -> None:
    table = Table(
        title=f"ptce-sim compare — {replicates} paired replicates per scenario "
        "(95% confidence intervals)",
        title_justify="left",
    )
    for col in (
        "scenario",
        "formal poles",
        "survival 3 y",
        "survival 5 y",
        "survival 10 y",
        "poles alive (end)",
        "coops/member/yr",
        "public k€",
        "k€/surviving pole-yr",
    ):
        table.add_column(col, justify="left" if col == "scenario" else "right")
    for _, row in comparison.table.iterrows():
        table.add_row(
            row["scenario"],
            str(row["formal_poles"]),
            _ci(row, "survival_3y"),
            _ci(row, "survival_5y"),
            _ci(row, "survival_10y"),
            _ci(row, "poles_alive_end", "{:.1f}"),
            _ci(row, "coops_per_member_year", "{:.1f}"),
            _ci(row, "public_eur", "{:.0f}"),
            _ci(row, "eur_per_surviving_pole_year", "{:.0f}"),
        )
    console = Console(width=max(Console().width, 160))
    console.print(table)
    console.print(
        f"Written to [bold]{out}[/bold]/: compare.csv, runs.csv, poles.csv, "
        "survival.png (Kaplan–Meier curves)"
    )
