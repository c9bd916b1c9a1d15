"""How ``ptce-sim patterns`` shows its verdict: a table on the terminal and a figure.

The figure puts every pattern on one axis in units of its own band (target at 0, band
edges at ±1), so that a 15-member pole size and an 8% revenue share can be read side by
side; the simulated mean carries its 95% confidence interval over replicates.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from ptce_sim.apps.patterns import PATTERNS, Pattern

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_BY_NAME: dict[str, Pattern] = {p.name: p for p in PATTERNS}


def _fmt(name: str, value: float) -> str:
    return "–" if value != value else _BY_NAME[name].fmt.format(value)


def print_patterns(verdict: pd.DataFrame, title: str, console: Console | None = None) -> None:
    """The PASS/FAIL table, one row per pattern."""
    table = Table(title=title, title_justify="left")
    for col in ("pattern", "simulated [95% CI]", "target", "band", "n", "verdict"):
        table.add_column(col, justify="left" if col == "pattern" else "right")
    for row in verdict.itertuples():
        name = str(row.pattern)
        ci = (
            f" [{_fmt(name, row.ci_lo)}, {_fmt(name, row.ci_hi)}]" if row.ci_lo == row.ci_lo else ""
        )
        table.add_row(
            str(row.label),
            _fmt(name, row.value) + ci,
            _fmt(name, row.target),
            f"{_fmt(name, row.band_lo)} – {_fmt(name, row.band_hi)}",
            str(row.replicates),
            "[green]PASS[/green]" if row.passed else "[red]FAIL[/red]",
        )
    console = console or Console(width=max(Console().width, 120))
    console.print(table)
    passed = int(verdict["passed"].sum())
    console.print(f"{passed} of {len(verdict)} patterns pass.")


def patterns_figure(verdict: pd.DataFrame, title: str) -> Figure:
    """Simulated vs target for every pattern, in band units, with 95% CIs.

    A bare :class:`~matplotlib.figure.Figure` (no pyplot, no backend switch): a notebook
    can show it without losing its own figures."""
    import textwrap

    from matplotlib.figure import Figure

    n = len(verdict)
    fig = Figure(figsize=(8, 0.5 * n + 1.5), dpi=120)
    ax = fig.subplots()
    y = np.arange(n)[::-1]
    half = (verdict["band_hi"] - verdict["band_lo"]) / 2.0
    centre = verdict["target"]
    scale = lambda v: (v - centre) / half  # noqa: E731 - a one-line unit change
    ax.axvspan(-1, 1, color="tab:green", alpha=0.12, label="tolerance band")
    ax.axvline(0, color="tab:green", lw=1)
    # Bands need not be centred on the target (a range pattern): draw each one.
    for yi, lo, hi in zip(y, scale(verdict["band_lo"]), scale(verdict["band_hi"]), strict=True):
        ax.plot([lo, hi], [yi, yi], color="tab:green", lw=6, alpha=0.35, solid_capstyle="butt")
    v, lo, hi = scale(verdict["value"]), scale(verdict["ci_lo"]), scale(verdict["ci_hi"])
    colour = np.where(verdict["passed"], "tab:blue", "tab:red")
    for yi, vi, c_lo, c_hi, c in zip(y, v, lo, hi, colour, strict=True):
        if np.isfinite(c_lo):
            ax.plot([c_lo, c_hi], [yi, yi], color=c, lw=1.5)
        ax.plot([vi], [yi], "o", color=c)
    labels = [
        f"{r.label}\n{_fmt(r.pattern, r.value)} vs {_fmt(r.pattern, r.target)}"
        for r in verdict.itertuples()
    ]
    ax.set_yticks(y, labels, fontsize="small")
    ax.set_xlabel("deviation from the target, in half-bands (band edges at ±1)")
    lim = max(3.0, float(np.nanmax(np.abs(np.r_[v, lo, hi]))) + 0.5)
    ax.set_xlim(-lim, lim)
    ax.grid(axis="x", alpha=0.3)
    # Wrapped: the title names the scenario, replicates, seeds and distance (~120
    # characters), more than the figure's width; unwrapped it was cut at both ends.
    ax.set_title("\n".join(textwrap.wrap(title, 70)), fontsize="medium")
    fig.tight_layout()
    return fig


def plot_patterns(verdict: pd.DataFrame, path: Path, title: str) -> Path:
    """:func:`patterns_figure`, to a PNG."""
    patterns_figure(verdict, title).savefig(path)
    return path
