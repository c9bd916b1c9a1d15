"""Files a person reads: ``indices.csv``, ``convergence.csv``, ``noise.csv``, plots, ``summary.md``.

Why a plain-words summary: the mission question is "how much of pole survival comes from
funding policy, from staff turnover, and from everything else". ``summary.md`` answers it
per output: the dominant factors by name, role and meaning, their share by *theme*
(:data:`THEMES`: parameter groups about money, about turnover, the rest), and how much of
the variance no parameter decides (replicate noise).

Thresholds used in the words (documented in ``docs/sensitivity.md``): for Morris a factor
*dominates* when its μ* is at least half the largest μ* of that output and *matters* from
a tenth; for Sobol' it dominates when ST ≥ 0.10 and is *negligible* when ST + CI < 0.05.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ptce_sim.apps.sensitivity.analysis import ranking
from ptce_sim.apps.sensitivity.factors import Factor
from ptce_sim.apps.sensitivity.pooled import POOLED_DOCS
from ptce_sim.apps.sensitivity.spec import Experiment
from ptce_sim.world.summary import SUMMARY_DOCS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ptce_sim.apps.sensitivity.study import StudyResult

#: Parameter group -> theme of the mission question.
THEMES: dict[str, str] = {
    "funding": "funding policy",
    "calls": "funding policy",
    "structural": "funding policy",
    "cell": "funding policy",
    "turnover": "staff turnover",
}
#: Single parameters whose theme is not their group's: leader succession support is a
#: pole's answer to staff turnover (its leader leaving), not pole behaviour at large.
KEY_THEMES: dict[str, str] = {"poles.succession_support": "staff turnover"}
OTHER = "everything else"


def _theme(key: str) -> str:
    if key in KEY_THEMES:
        return KEY_THEMES[key]
    return THEMES.get(key.split(".", 1)[0], OTHER) if "." in key else OTHER


DOMINANT, MATTERS = 0.5, 0.1  # Morris: shares of the largest μ*
ST_DOMINANT, ST_NEGLIGIBLE = 0.10, 0.05  # Sobol'
TOP_LABELS = 6
CI_TARGET = 0.05  # issue 6: ST half-widths on survival <= 0.05


def theme_of(effect: str, factors: tuple[Factor, ...]) -> str:
    """Theme of a factor or of a group of factors ("mixed" when members disagree)."""
    members = [f.key for f in factors if (f.group or f.key) == effect] or [effect]
    themes = {_theme(k) for k in members}
    return themes.pop() if len(themes) == 1 else "mixed"


def write_all(exp: Experiment, result: StudyResult, folder: Path) -> None:
    """Write every table, plot and the summary into ``folder``."""
    result.indices.to_csv(folder / "indices.csv", index=False)
    result.convergence.to_csv(folder / "convergence.csv", index=False)
    result.noise.to_csv(folder / "noise.csv", index=False)
    plot_indices(exp, result.indices, folder / f"{exp.method}.png")
    plot_convergence(exp, result.convergence, folder / "convergence.png")
    (folder / "summary.md").write_text(summary_markdown(exp, result), encoding="utf-8")


# -- plots -------------------------------------------------------------------------------
# Bare matplotlib Figures, never pyplot: a notebook that runs a study keeps its own
# backend (a switch to Agg here hid every figure of the notebook drawn afterwards).
def _grid(n: int) -> tuple[Figure, list[Axes]]:
    from matplotlib.figure import Figure

    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(5.2 * cols, 4.2 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def indices_figure(exp: Experiment, indices: pd.DataFrame) -> Figure:
    """Morris: μ*–σ scatter per output; Sobol': S1 and ST bars with their 95% CIs."""
    fig, axes = _grid(len(exp.outputs))
    for ax, name in zip(axes, exp.outputs, strict=True):
        rows = ranking(indices, name, exp.method)
        if exp.method == "morris":
            ax.scatter(rows["mu_star"], rows["sigma"], s=18)
            for _, r in rows.head(TOP_LABELS).iterrows():
                if np.isfinite(r["mu_star"]):
                    ax.annotate(r["parameter"], (r["mu_star"], r["sigma"]), fontsize=7)
            top = np.nanmax(rows[["mu_star", "sigma"]].to_numpy(), initial=0.0) or 1.0
            ax.plot([0, top], [0, top], ls=":", lw=0.8, color="grey")  # σ = μ*
            ax.set_xlabel("μ* (mean |elementary effect|)")
            ax.set_ylabel("σ (interactions, non-linearity)")
        else:
            y = np.arange(len(rows))
            ax.barh(y - 0.2, rows["S1"], 0.4, xerr=rows["S1_conf"], label="S1", capsize=2)
            ax.barh(y + 0.2, rows["ST"], 0.4, xerr=rows["ST_conf"], label="ST", capsize=2)
            ax.set_yticks(y, rows["parameter"], fontsize=7)
            ax.invert_yaxis()
            ax.set_xlabel("share of variance")
            ax.legend(fontsize=7)
        ax.set_title(name, fontsize=9)
    fig.tight_layout()
    return fig


def plot_indices(exp: Experiment, indices: pd.DataFrame, path: Path) -> None:
    """:func:`indices_figure`, to a PNG."""
    indices_figure(exp, indices).savefig(path, dpi=110)


def convergence_figure(exp: Experiment, conv: pd.DataFrame) -> Figure:
    """The leading index (μ* or ST) of the top factors at N/4, N/2, N, with CI bars."""
    index = "mu_star" if exp.method == "morris" else "ST"
    fig, axes = _grid(len(exp.outputs))
    for ax, name in zip(axes, exp.outputs, strict=True):
        rows = conv[(conv["output"] == name) & (conv["index"] == index)]
        last = rows[rows["n"] == rows["n"].max()].sort_values("value", ascending=False)
        for param in last["parameter"].head(TOP_LABELS):
            line = rows[rows["parameter"] == param].sort_values("n")
            ax.errorbar(line["n"], line["value"], yerr=line["conf"], label=param, capsize=2)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("trajectories r" if exp.method == "morris" else "base sample N")
        ax.set_ylabel(index)
        ax.set_title(name, fontsize=9)
        ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def plot_convergence(exp: Experiment, conv: pd.DataFrame, path: Path) -> None:
    """:func:`convergence_figure`, to a PNG."""
    convergence_figure(exp, conv).savefig(path, dpi=110)


# -- summary.md --------------------------------------------------------------------------
def _pct(x: float) -> str:
    return "–" if not np.isfinite(x) else f"{100 * x:.0f}%"


def _num(x: float) -> str:
    return "–" if not np.isfinite(x) else f"{x:.3g}"


def _describe(effect: str, factors: tuple[Factor, ...]) -> str:
    found = [f for f in factors if f.key == effect]
    if not found:
        members = [f.key for f in factors if f.group == effect]
        return f"**{effect}** (group: {', '.join(members)})"
    f = found[0]
    unit = f", {f.unit}" if f.unit and f.unit != "-" else ""
    doc = f": {f.doc}" if f.doc else ""
    return f"**{f.key}** ({f.role}{unit}{doc}; range {_num(f.lo)}–{_num(f.hi)})"


def summary_markdown(exp: Experiment, result: StudyResult) -> str:
    """``summary.md``: a short answer table, then per output the dominant factors in plain
    words, their shares by theme and the replicate noise."""
    d = result.design
    design = (
        f"r = {exp.trajectories} trajectories, {exp.num_levels} levels."
        if exp.method == "morris"
        else f"N = {exp.n} base samples" + (", second order." if exp.second_order else ".")
    )
    lines = [f"# Sensitivity study: {exp.name} ({exp.method})", ""]
    if exp.description:
        lines += [exp.description, ""]
    lines += [
        f"{len(d.points)} design points × {exp.replicates} replicates = "
        f"{len(d.points) * exp.replicates} runs of scenario `{exp.base.name}`; "
        f"{len(exp.factors)} factors; root seed {exp.seed}; {design}",
        "How to read this: docs/sensitivity.md.",
        "",
        *_short_table(exp, result),
        "",
    ]
    noise = result.noise.set_index("output")
    for name in exp.outputs:
        lines += [f"## {name}", ""]
        doc = SUMMARY_DOCS.get(name) or POOLED_DOCS.get(name)
        if doc:
            lines += [f"*{doc}*", ""]
        lines += _output_lines(exp, result, name)
        nz = noise.loc[name]
        if name in POOLED_DOCS:
            lines.append(
                "- Pooled per design point: its noise is measured by a bootstrap over "
                "the replicates (docs/sensitivity.md); 'a single run' below means a value "
                "pooled from one replicate's poles."
            )
        lines.append(
            f"- Replicate noise: {_pct(nz['noise_share_run'])} of the variance of a single "
            f"run is chance (same parameters, other dice); {_pct(nz['noise_share_mean'])} "
            f"of the variance of the analysed means (R = {exp.replicates})."
            + (
                f" Undefined in {int(nz['undefined_runs'])} of {int(nz['runs'])} runs."
                if nz["undefined_runs"]
                else ""
            )
        )
        lines.append("")
    return "\n".join(lines)


def _weights(exp: Experiment, rows: pd.DataFrame) -> pd.Series:
    """What the theme shares add up: μ* (Morris) or S1 floored at 0 (Sobol')."""
    key = "mu_star" if exp.method == "morris" else "S1"
    return pd.Series(rows[key].clip(lower=0).fillna(0.0).to_numpy(), index=rows["parameter"])


def theme_shares(exp: Experiment, rows: pd.DataFrame) -> dict[str, float]:
    """Shares of Σμ* (Morris) or ΣS1 (Sobol') by theme: funding, turnover, the rest."""
    by_theme = {t: 0.0 for t in ("funding policy", "staff turnover", OTHER)}
    for param, w in _weights(exp, rows).items():
        theme = theme_of(str(param), exp.factors)
        by_theme[theme] = by_theme.get(theme, 0.0) + float(w)
    total = sum(by_theme.values())
    return {t: (w / total if total > 0 else float("nan")) for t, w in by_theme.items()}


def _short_table(exp: Experiment, result: StudyResult) -> list[str]:
    """One line per output: the mission question in numbers."""
    basis = "Σμ*" if exp.method == "morris" else "ΣS1"
    lines = [
        "| output | top factors | funding policy | staff turnover | everything else "
        "| chance (one run) |",
        "|---|---|---|---|---|---|",
    ]
    noise = result.noise.set_index("output")
    for name in exp.outputs:
        rows = ranking(result.indices, name, exp.method)
        key = "mu_star" if exp.method == "morris" else "ST"
        top = ", ".join(f"`{p}`" for p in rows.dropna(subset=[key])["parameter"].head(3))
        shares = theme_shares(exp, rows)
        lines.append(
            f"| {name} | {top or '–'} | {_pct(shares['funding policy'])} "
            f"| {_pct(shares['staff turnover'])} | {_pct(shares[OTHER])} "
            f"| {_pct(float(noise.loc[name, 'noise_share_run']))} |"
        )
    lines += [
        "",
        f"Theme columns: shares of {basis} of the factors of each theme (funding policy: "
        "`funding`, `calls`, `structural`, `cell`; staff turnover: `turnover`, "
        "`poles.succession_support`). Chance: the "
        "share of one run's variance that is replicate noise.",
    ]
    return lines


def n_for_ci(conf: float, n: int, target: float = CI_TARGET) -> int:
    """The power-of-2 N at which a CI half-width ``conf`` seen at ``n`` would reach
    ``target``, assuming the usual Monte Carlo rate (half-width ∝ 1/√N)."""
    if not np.isfinite(conf) or conf <= target:
        return n
    need = n * (conf / target) ** 2
    return int(2 ** math.ceil(math.log2(need)))


def _sizing(rows: pd.DataFrame, n: int) -> str:
    widest = float(rows["ST_conf"].max())
    advice = n_for_ci(widest, n)
    if advice <= n:
        return f"- Largest ST CI half-width {_num(widest)} ≤ {CI_TARGET}: N = {n} is enough."
    return (
        f"- Largest ST CI half-width {_num(widest)} at N = {n}; about N = {advice} would bring "
        f"it to {CI_TARGET} (half-widths shrink as 1/√N)."
    )


def _output_lines(exp: Experiment, result: StudyResult, name: str) -> list[str]:
    rows = ranking(result.indices, name, exp.method)
    used, total = int(rows["blocks_used"].min()), int(rows["blocks_total"].iloc[0])
    unit = "trajectories" if exp.method == "morris" else "base samples"
    key = "mu_star" if exp.method == "morris" else "ST"
    if not np.isfinite(rows[key]).any():
        return [f"- No indices: defined in {used} of {total} {unit}, or it never moved.", ""]
    out = []
    if exp.method == "morris":
        top = float(rows["mu_star"].max())
        dom = rows[rows["mu_star"] >= DOMINANT * top]
        mid = rows[(rows["mu_star"] < DOMINANT * top) & (rows["mu_star"] >= MATTERS * top)]
        low = rows[rows["mu_star"] < MATTERS * top]
        out.append(
            "- Dominant: "
            + "; ".join(
                f"{_describe(r.parameter, exp.factors)}, μ* = {_num(r.mu_star)} "
                f"± {_num(r.mu_star_conf)}, σ = {_num(r.sigma)}"
                for r in dom.itertuples()
            )
        )
        if len(mid):
            out.append("- Also matter: " + ", ".join(f"`{p}`" for p in mid["parameter"]))
        if len(low):
            out.append("- Negligible (μ* < 10% of the largest): " + ", ".join(low["parameter"]))
        floor = rows["mu_star_noise"]
        if np.isfinite(floor).any():
            clear = rows[rows["mu_star"] >= 2 * floor]["parameter"]
            out.append(
                f"- Above chance: {len(clear)} of {len(rows)} factors have μ* at least twice "
                "the μ* their replicate noise alone would give (`mu_star_noise`)"
                + (": " + ", ".join(f"`{p}`" for p in clear) if 0 < len(clear) <= 12 else ".")
            )
        label = "share of Σμ*"
    else:
        # thresholds on the noise-corrected totals: noise lifts every raw ST alike
        st, conf = rows["ST_denoised"], rows["ST_denoised_conf"].fillna(0)
        dom = rows[st >= ST_DOMINANT]
        low = rows[st + conf < ST_NEGLIGIBLE]
        out.append(
            "- Dominant (noise-corrected ST ≥ 0.10): "
            + (
                "; ".join(
                    f"{_describe(r.parameter, exp.factors)}, S1 = {_num(r.S1)} ± "
                    f"{_num(r.S1_conf)}, ST = {_num(r.ST)} ± {_num(r.ST_conf)} "
                    f"(without replicate noise: ST ≈ {_num(r.ST_denoised)})"
                    for r in dom.itertuples()
                )
                or "none"
            )
        )
        if len(low):
            out.append(
                "- Negligible (noise-corrected ST + CI < 0.05): " + ", ".join(low["parameter"])
            )
        s1 = rows["S1"].clip(lower=0).fillna(0.0)
        out.append(
            f"- First-order effects explain about {_pct(min(1.0, float(s1.sum())))} of the "
            f"variance of the means; the rest ({_pct(max(0.0, 1 - float(s1.sum())))}) is "
            "interactions (and remaining noise)."
        )
        label = "share of ΣS1"
        out.append(_sizing(rows, exp.n))
    shares = theme_shares(exp, rows)
    if all(np.isfinite(v) for v in shares.values()):
        out.append(
            f"- By theme ({label}): "
            + ", ".join(f"{t} {_pct(w)}" for t, w in sorted(shares.items(), key=lambda kv: -kv[1]))
        )
    if used < total:
        what = "elementary effects per factor" if exp.method == "morris" else unit
        out.append(f"- Based on at least {used} of {total} {what} where the output is defined.")
    return out
