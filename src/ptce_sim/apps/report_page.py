"""The HTML pages of ``ptce-sim report``: a sweep's report and a sensitivity study's.

Self-contained on purpose (figures embedded as base64): the page can be mailed or
archived alone and still show everything, with the experiment file and the versions
that produced it.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

import pandas as pd


def _table(df: pd.DataFrame) -> str:
    return df.to_html(
        index=False, float_format=lambda v: f"{v:.3g}", na_rep="–", border=0, classes="t"
    )


def page_html(
    folder: Path,
    runs: pd.DataFrame,
    meta: dict[str, Any],
    years: float,
    figures: list[tuple[str, str]],
    by_policy: pd.DataFrame,
    by_point: pd.DataFrame,
    figdir: Path,
) -> str:
    """The sweep's page: provenance, overview, survival tables, the figures of ``figdir``
    embedded, the experiment file and the versions."""
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
