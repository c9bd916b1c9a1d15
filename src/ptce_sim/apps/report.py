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

This module puts the report together; reading the folder is ``report_data``, the PNGs
``report_figures``, the HTML (and a sensitivity study's page) ``report_page``.
"""

from __future__ import annotations

from pathlib import Path

from ptce_sim.apps.report_data import factor_levels, load_sweep, policy_factor, survival_rows
from ptce_sim.apps.report_figures import (
    causes_png,
    distributions_png,
    heatmap_png,
    km_png,
    points_png,
)
from ptce_sim.apps.report_page import is_study, page_html, study_report
from ptce_sim.base.errors import ConfigError, suggest

__all__ = ["build", "is_study", "study_report"]


def build(folder: Path, x: str | None, y: str | None, years: float = 5.0) -> Path:
    """Write ``folder/report.html`` and ``folder/report/*.png``; return the HTML path."""
    folder = Path(folder)
    if years <= 0:
        raise ConfigError("must be > 0", "--horizon", value=years)
    runs, poles, meta = load_sweep(folder)
    factors = [f for f in (*meta.get("labels", []), *meta["factors"]) if f in runs]
    factors = list(dict.fromkeys(factors))
    levels = factor_levels(runs, factors)
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
    by_point = survival_rows(runs, poles, varying, months)
    policy = policy_factor(runs, levels)
    figures = [
        (
            "Survival by design point",
            points_png(by_point, varying, years, figdir / "survival_by_point.png"),
        ),
    ]
    if x and y:
        cells = survival_rows(runs, poles, [y, x], months)
        figures.append(
            (f"Survival over {x} × {y}", heatmap_png(cells, x, y, years, figdir / "heatmap.png"))
        )
    figures.append(
        ("Kaplan–Meier curves by policy", km_png(runs, poles, policy, figdir / "km_by_policy.png"))
    )
    figures.append(("Causes of death", causes_png(runs, poles, policy, figdir / "causes.png")))
    dist = distributions_png(runs, policy, figdir / "distributions.png")
    if dist:
        figures.append(("Distributions across replicates", dist))
    by_policy = survival_rows(runs, poles, [policy] if policy else [], months)
    path = folder / "report.html"
    path.write_text(
        page_html(folder, runs, meta, years, figures, by_policy, by_point, figdir), encoding="utf-8"
    )
    return path
