"""``ptce-sim report DIR``: what a finished sweep says, in one self-contained HTML page.

Writes ``DIR/report.html`` (figures embedded as base64, so the file can be mailed or
archived alone) and the same figures as PNGs in ``DIR/report/``:

- ``survival_by_point.png``: Kaplan–Meier survival of formal poles at the horizon, per
  design point, with 95% intervals (poles pooled over the point's replicates);
- ``heatmap.png``: the same survival over two factors (``--x``, ``--y``; by default the
  two factors with most levels), other factors pooled;
- ``km_by_policy.png``: Kaplan–Meier curves by policy (the ``scenario`` factor, else the
  factor with fewest levels);
- ``causes.png``: causes of death per run, by policy;
- ``distributions.png``: distributions of per-run summaries across replicates, by policy.

Survival is estimated by Kaplan–Meier on pooled poles (``world/survival.py``), as in
``ptce-sim compare``, not by averaging the crude per-run shares.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from ptce_sim.apps.compare import durations, plot_survival
from ptce_sim.apps.sweep_folder import STATE
from ptce_sim.apps.sweep_tables import META_KEY, TABLES
from ptce_sim.base.errors import ConfigError, suggest
from ptce_sim.rules.poles import CAUSES
from ptce_sim.world.survival import KaplanMeier, kaplan_meier

DISTRIBUTED = (
    "poles_formed",
    "poles_formalised",
    "formal_poles_alive_end",
    "coops_per_member_year",
    "public_eur",
    "eur_per_surviving_pole_year",
)
MAX_POINTS_SHOWN = 60


def _load(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    runs_path = folder / TABLES["runs"]
    if not runs_path.is_file():
        hint = " (unfinished sweep: resume it first)" if (folder / STATE).is_file() else ""
        raise ConfigError(f"no {TABLES['runs']} here: not a finished sweep{hint}", str(folder))
    stored = (pq.read_schema(runs_path).metadata or {}).get(META_KEY.encode())
    if stored is None:
        raise ConfigError(
            f"{TABLES['runs']} was not written by ptce-sim sweep (no sweep metadata)",
            str(folder),
            allowed="a folder written by ptce-sim sweep or ptce-sim sensitivity",
        )
    meta = json.loads(stored)
    runs = pd.read_parquet(runs_path)
    poles_path = folder / TABLES["poles"]
    cols = ["run_id", "formalised", "died", "months_observed", "cause"]
    poles = pd.read_parquet(poles_path, columns=cols) if poles_path.is_file() else None
    if poles is None:
        raise ConfigError("no poles.parquet (poles = false): survival needs it", str(folder))
    return runs, poles, meta


def _factor_levels(runs: pd.DataFrame, factors: Sequence[str]) -> dict[str, int]:
    return {f: runs[f].nunique() for f in factors if f in runs and runs[f].nunique() > 1}


def _label(row: pd.Series, factors: Sequence[str]) -> str:
    parts = []
    for f in factors:
        v = row[f]
        parts.append(f"{f.rsplit('.', 1)[-1]}={v:.3g}" if isinstance(v, float) else f"{v}")
    return ", ".join(parts) or "all"


def _km(poles: pd.DataFrame) -> KaplanMeier:
    if len(poles) == 0:
        return kaplan_meier(np.zeros(0), np.zeros(0, dtype=bool))
    return kaplan_meier(*durations(poles))


def _survival_rows(
    runs: pd.DataFrame, poles: pd.DataFrame, by: list[str], months: float
) -> pd.DataFrame:
    """One row per group of ``by``: runs, formal poles, S(months) and its interval."""
    rows = []
    keyed = poles.merge(runs[["run_id", *by]], on="run_id", how="left") if by else poles
    groups = runs.groupby(by, sort=True, dropna=False) if by else [((), runs)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        sel = keyed
        for f, v in zip(by, key, strict=True):
            sel = sel[sel[f] == v]
        km = _km(sel)
        s, lo, hi = km.at(months)
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                "runs": len(group),
                "formal_poles": km.n,
                "survival": s,
                "lo": lo,
                "hi": hi,
            }
        )
    return pd.DataFrame(rows)


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _fig_points(table: pd.DataFrame, factors: list[str], years: float, path: Path) -> str:
    plt = _plt()
    if len(table) > MAX_POINTS_SHOWN or len(factors) > 4:
        # Many points (a sampled design): a caterpillar plot, points ranked by survival.
        ranked = table.sort_values("survival").reset_index(drop=True)
        fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
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
        plt.close(fig)
        return path.name
    shown = table.head(MAX_POINTS_SHOWN)
    fig, ax = plt.subplots(figsize=(8, 1.0 + 0.28 * len(shown)), dpi=110)
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
    plt.close(fig)
    return path.name


def _fig_heatmap(table: pd.DataFrame, x: str, y: str, years: float, path: Path) -> str:
    plt = _plt()
    grid = table.pivot(index=y, columns=x, values="survival")
    fig, ax = plt.subplots(figsize=(1.6 + 1.1 * grid.shape[1], 1.4 + 0.6 * grid.shape[0]), dpi=110)
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
    plt.close(fig)
    return path.name


def _fig_km(runs: pd.DataFrame, poles: pd.DataFrame, group: str | None, path: Path) -> str:
    curves: dict[str, KaplanMeier] = {}
    if group is None:
        curves["all runs"] = _km(poles)
    else:
        keyed = poles.merge(runs[["run_id", group]], on="run_id")
        for level in sorted(runs[group].unique()):
            curves[f"{group}={level}" if group != "scenario" else str(level)] = _km(
                keyed[keyed[group] == level]
            )
    plot_survival(SimpleNamespace(curves=curves), path, "Kaplan–Meier survival of formal poles")
    return path.name


def _fig_causes(runs: pd.DataFrame, poles: pd.DataFrame, group: str | None, path: Path) -> str:
    plt = _plt()
    g = group or "_all"
    r = runs.assign(_all="all runs")
    dead = poles[poles["cause"].notna()].merge(r[["run_id", g]], on="run_id")
    counts = dead.groupby([g, "cause"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(CAUSES), fill_value=0)
    order = sorted(r[g].unique())[::-1]  # barh draws bottom-up: first level on top
    per_run = counts.div(r.groupby(g).size(), axis=0).reindex(order).fillna(0)
    fig, ax = plt.subplots(figsize=(8, 1.5 + 0.35 * len(per_run)), dpi=110)
    per_run.plot.barh(stacked=True, ax=ax)
    ax.set_xlabel("poles dead per run, by cause")
    ax.set_ylabel(group or "")
    ax.set_title("Causes of death")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path.name


def _fig_distributions(runs: pd.DataFrame, group: str | None, path: Path) -> str | None:
    cols = [c for c in DISTRIBUTED if c in runs]
    if not cols:
        return None
    plt = _plt()
    levels = sorted(runs[group].unique()) if group else [None]
    fig, axes = plt.subplots(
        len(cols), 1, figsize=(8, 1.2 + 1.6 * len(cols)), dpi=110, squeeze=False
    )
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
    plt.close(fig)
    return path.name


def _horizontal() -> dict[str, Any]:
    """Horizontal boxes: ``orientation`` since Matplotlib 3.10, ``vert`` before (removed)."""
    import matplotlib

    major, minor = (int(x) for x in matplotlib.__version__.split(".")[:2])
    return {"orientation": "horizontal"} if (major, minor) >= (3, 10) else {"vert": False}


def _policy_factor(runs: pd.DataFrame, levels: dict[str, int]) -> str | None:
    if "scenario" in levels:
        return "scenario"
    small = [f for f, n in levels.items() if n <= 12]
    return min(small, key=lambda f: levels[f]) if small else None


def build(folder: Path, x: str | None, y: str | None, years: float = 5.0) -> Path:
    """Write ``folder/report.html`` and ``folder/report/*.png``; return the HTML path."""
    folder = Path(folder)
    if years <= 0:
        raise ConfigError("must be > 0", "--horizon", value=years)
    runs, poles, meta = _load(folder)
    factors = [f for f in (*meta.get("labels", []), *meta["factors"]) if f in runs]
    factors = list(dict.fromkeys(factors))
    levels = _factor_levels(runs, factors)
    for name, given in (("--x", x), ("--y", y)):
        if given is not None and given not in levels:
            raise ConfigError(
                "not a factor with several levels",
                name,
                value=given,
                hint=suggest(given, levels),
                allowed=", ".join(levels) or "none",
            )
    heat = [f for f, n in sorted(levels.items(), key=lambda kv: -kv[1]) if n <= 30]
    x = x or next((f for f in heat if f != y), None)
    y = y or next((f for f in heat if f != x), None)
    months = 12.0 * years
    figdir = folder / "report"
    figdir.mkdir(exist_ok=True)
    varying = [f for f in factors if f in levels]
    by_point = (
        _survival_rows(runs, poles, varying, months)
        if varying
        else _survival_rows(runs, poles, [], months)
    )
    policy = _policy_factor(runs, levels)
    figures = [
        (
            "Survival by design point",
            _fig_points(by_point, varying, years, figdir / "survival_by_point.png"),
        ),
    ]
    if x and y:
        cells = _survival_rows(runs, poles, [y, x], months)
        figures.append(
            (f"Survival over {x} × {y}", _fig_heatmap(cells, x, y, years, figdir / "heatmap.png"))
        )
    figures.append(
        ("Kaplan–Meier curves by policy", _fig_km(runs, poles, policy, figdir / "km_by_policy.png"))
    )
    figures.append(("Causes of death", _fig_causes(runs, poles, policy, figdir / "causes.png")))
    dist = _fig_distributions(runs, policy, figdir / "distributions.png")
    if dist:
        figures.append(("Distributions across replicates", dist))
    by_policy = _survival_rows(runs, poles, [policy] if policy else [], months)
    path = folder / "report.html"
    path.write_text(
        _html(folder, runs, meta, years, figures, by_policy, by_point, figdir), encoding="utf-8"
    )
    return path


def _table(df: pd.DataFrame) -> str:
    return df.to_html(
        index=False, float_format=lambda v: f"{v:.3g}", na_rep="–", border=0, classes="t"
    )


def _html(
    folder: Path,
    runs: pd.DataFrame,
    meta: dict[str, Any],
    years: float,
    figures: list[tuple[str, str]],
    by_policy: pd.DataFrame,
    by_point: pd.DataFrame,
    figdir: Path,
) -> str:
    exp_text = (
        (folder / "experiment.toml").read_text(encoding="utf-8")
        if (folder / "experiment.toml").is_file()
        else ""
    )
    prov_path = folder / "provenance.json"
    prov = json.loads(prov_path.read_text(encoding="utf-8")) if prov_path.is_file() else {}
    sessions = prov.get("sessions", [])
    versions = sessions[-1].get("versions", {}) if sessions else {}
    national = {
        "runs (territories × replicates)": len(runs),
        **{
            f"mean {c}": runs[c].mean()
            for c in (
                "poles_formed",
                "poles_formalised",
                "poles_alive_end",
                "formal_poles_alive_end",
            )
            if c in runs
        },
        **(
            {"share of runs with a formal pole": (runs["poles_formalised"] > 0).mean()}
            if "poles_formalised" in runs
            else {}
        ),
    }
    names = {"survival": f"survival {years:g} y", "lo": "95% low", "hi": "95% high"}
    imgs = "".join(
        f"<h2>{html.escape(title)}</h2><img alt='{html.escape(title)}' "
        f"src='data:image/png;base64,{base64.b64encode((figdir / name).read_bytes()).decode()}'>"
        for title, name in figures
    )
    style = (
        "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
        "img{max-width:100%}table.t{border-collapse:collapse;font-size:0.9em}"
        ".t td,.t th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}"
        "pre{background:#f6f6f6;padding:1em;overflow:auto}"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ptce-sim sweep report</title>
<style>{style}</style></head><body>
<h1>Sweep report: {html.escape(Path(meta.get("experiment", "")).stem)}</h1>
<p>{len(runs)} runs, design <b>{html.escape(str(meta.get("design")))}</b>,
{meta.get("replicates")} replicates per design point, root seed {meta.get("seed")};
ptce-sim {html.escape(str(meta.get("ptce_sim")))} (model code
{html.escape(str(meta.get("model_code", ""))[:12])}); started {prov.get("started")},
finished {prov.get("finished")}, {len(sessions)} session(s).
Survival: Kaplan–Meier share of formal poles alive {years:g} years after formalisation,
poles pooled over replicates, 95% Greenwood log-log intervals (docs/outputs.md).</p>
<h2>Overview</h2>{_table(pd.DataFrame([national]))}
<h2>Survival by policy</h2>{_table(by_policy.rename(columns=names))}
{imgs}
<h2>Survival by design point</h2>{_table(by_point.rename(columns=names))}
<h2>Experiment file</h2><pre>{html.escape(exp_text)}</pre>
<h2>Versions</h2><pre>{html.escape(json.dumps(versions, indent=1))}</pre>
</body></html>
"""


# -- sensitivity study folders -----------------------------------------------------------------
def is_study(folder: Path) -> bool:
    """A folder written by ``ptce-sim sensitivity`` (its summary and indices, no sweep
    metadata): ``report`` then gathers what the study wrote instead of failing."""
    return (folder / "summary.md").is_file() and (folder / "indices.csv").is_file()


def study_report(folder: Path) -> Path:
    """Write ``folder/report.html``: the study's summary and every figure it drew,
    embedded, so the page travels alone (the analysis itself is not redone)."""
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    figures = []
    for png in sorted(folder.glob("*.png")):
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        figures.append(
            f'<figure><img alt="{html.escape(png.stem)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(png.name)}</figcaption></figure>"
        )
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>ptce-sim sensitivity study — {html.escape(folder.name)}</title>"
        "<style>body{font-family:sans-serif;max-width:70em;margin:auto}"
        "pre{white-space:pre-wrap}img{max-width:100%}</style></head><body>"
        f"<h1>Sensitivity study {html.escape(folder.name)}</h1>"
        f"<pre>{html.escape(summary)}</pre>{''.join(figures)}</body></html>\n"
    )
    target = folder / "report.html"
    from ptce_sim.apps.outdir import write_text

    write_text(target, page)
    return target
