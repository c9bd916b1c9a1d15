"""Compare mode: two policies on the same seeds, N replicates in the background.

Why here, and why through the project's engine: one run is one draw of chance, and a
class or a council must not conclude from it. ``ptce-sim compare`` already runs paired
replicates (replicate r uses seed ``1 + r`` under every policy, ``apps/parallel.py``)
and aggregates them (Kaplan–Meier survival of formal poles with Greenwood bands, public
€ per surviving pole-year with a 95 % interval, ``apps/compare.py``); this module calls
the same two functions, a pair of runs at a time so that progress shows and a cancel
stops between pairs, and draws the result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import solara

from ptce_sim.apps.compare import DEFAULT_POLICIES, Comparison, compare
from ptce_sim.apps.parallel import TaskResult, run_tasks
from ptce_sim.apps.web.charts import Series, line_chart
from ptce_sim.apps.web.i18n import Lang, number, tr
from ptce_sim.apps.web.session import scenario_names
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.survival import KaplanMeier

#: Seed of replicate 0 (as ``ptce-sim compare``'s default).
FIRST_SEED = 1


def run_comparison(
    names: tuple[str, str],
    replicates: int,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> Comparison | None:
    """Paired replicates of two scenarios through the project's engine; None if
    cancelled. Each replicate runs both policies on the same seed."""
    import pandas as pd

    specs = [scenarios.load(n) for n in names]
    total = 2 * replicates
    results: list[TaskResult] = []
    for r in range(replicates):
        if cancel is not None and cancel.is_set():
            return None
        results.extend(run_tasks([(spec, FIRST_SEED + r) for spec in specs], jobs=1))
        if progress is not None:
            progress(len(results), total)
    runs = pd.DataFrame([{"scenario": t.scenario, "seed": t.seed, **t.summary} for t in results])
    poles = pd.DataFrame(
        [{"scenario": t.scenario, "seed": t.seed, **p} for t in results for p in t.poles]
    )
    return compare(runs, poles, list(names))


def _curve(name: str, km: KaplanMeier) -> Series:
    """A Kaplan–Meier curve as a step series in years, its last step carried to the
    longest follow-up (as ``apps/compare.plot_survival``)."""
    if km.n == 0 or not len(km.times):
        t = np.array([0.0, km.end / 12.0]) if km.n else np.zeros(0)
        ones = np.ones(len(t))
        return Series(f"{name} (n={km.n})", t, ones, ones, ones)
    t = np.r_[0.0, km.times, km.end] / 12.0
    s = np.r_[1.0, km.survival, km.survival[-1]]
    lo = np.r_[1.0, km.lower, km.lower[-1]]
    hi = np.r_[1.0, km.upper, km.upper[-1]]
    return Series(f"{name} (n={km.n})", t, s, lo, hi)


def survival_svg(cmp: Comparison, lang: Lang) -> str:
    """Both survival curves with their 95 % bands."""
    series = [_curve(name, km) for name, km in cmp.curves.items()]
    return line_chart(
        tr(lang, "survival"),
        series,
        tr(lang, "years_axis"),
        y_max=1.0,
        step=True,
        css_class="chart chart-survival",
    )


def money_rows(cmp: Comparison, lang: Lang) -> list[dict[str, Any]]:
    """Per policy: public k€ per surviving pole-year with its interval, and context."""
    rows = []
    for _, row in cmp.table.iterrows():
        v, lo, hi = (
            row["eur_per_surviving_pole_year"],
            row["eur_per_surviving_pole_year_lo"],
            row["eur_per_surviving_pole_year_hi"],
        )
        value = "–" if v != v else number(lang, v, 0)
        band = "" if lo != lo else f" [{number(lang, lo, 0)} ; {number(lang, hi, 0)}]"
        rows.append(
            {
                "policy": row["scenario"],
                "per_pole_year": value + band,
                "alive_end": number(lang, row["poles_alive_end"], 1),
                "public": number(lang, row["public_eur"], 0),
                "formal": int(row["formal_poles"]),
            }
        )
    return rows


@solara.component
def ComparePanel(lang: Lang) -> None:
    """Pick two policies and a number of replicates, run, watch progress, read."""
    names = scenario_names()
    policies = [p for p in DEFAULT_POLICIES if p in names] + [
        n for n in names if n not in DEFAULT_POLICIES
    ]
    choice_a = solara.use_reactive("no_support" if "no_support" in names else names[0])
    choice_b = solara.use_reactive("local_subsidy" if "local_subsidy" in names else names[-1])
    replicates = solara.use_reactive(20)
    run_id = solara.use_reactive(0)
    done = solara.use_reactive((0, 0))
    result = solara.use_reactive(None)
    error = solara.use_reactive("")
    cancel = solara.use_memo(threading.Event, [])
    busy = solara.use_reactive(False)

    def work(stop: threading.Event) -> None:
        if run_id.value == 0:
            return
        cancel.clear()
        error.set("")
        busy.set(True)
        try:
            out = run_comparison(
                (choice_a.value, choice_b.value),
                replicates.value,
                progress=lambda k, n: done.set((k, n)),
                cancel=cancel,
            )
        except Exception as exc:  # shown to the user, who can change the inputs
            error.set(tr(lang, "compare_failed", error=exc))
            return
        finally:
            busy.set(False)
        if out is not None:
            result.set(out)

    solara.use_thread(work, dependencies=[run_id.value], intrusive_cancel=False)

    def start() -> None:
        if choice_a.value == choice_b.value:
            error.set(tr(lang, "same_policy"))
            return
        result.set(None)
        done.set((0, 2 * replicates.value))
        run_id.set(run_id.value + 1)

    with solara.Card(tr(lang, "tab_compare"), subtitle=tr(lang, "compare_intro")):
        with solara.Row():
            solara.Select(tr(lang, "policy_a"), value=choice_a, values=policies)
            solara.Select(tr(lang, "policy_b"), value=choice_b, values=policies)
        with solara.Div(classes=["ptce-replicates"]):
            solara.SliderInt(
                tr(lang, "replicates"),
                value=replicates,
                min=2,
                max=100,
                step=1,
                thumb_label="always",
            )
        with solara.Row():
            solara.Button(
                tr(lang, "run_compare"),
                on_click=start,
                color="primary",
                disabled=busy.value,
                classes=["ptce-run-compare"],
            )
            if busy.value:
                solara.Button(tr(lang, "cancel"), on_click=cancel.set, classes=["ptce-cancel"])
        k, n = done.value
        if busy.value and n:
            solara.ProgressLinear(value=100 * k / n)
            solara.Text(tr(lang, "progress", done=k, total=n), classes=["ptce-progress"])
        if error.value:
            solara.Error(error.value)
    cmp = result.value
    if cmp is None:
        return
    with solara.Columns([3, 2]):
        with solara.Card(tr(lang, "survival")):
            solara.HTML(
                tag="div", unsafe_innerHTML=survival_svg(cmp, lang), classes=["ptce-survival"]
            )
        with solara.Card(tr(lang, "per_pole_year")):
            for row in money_rows(cmp, lang):
                unit = tr(lang, "k_eur_pole_year")
                solara.Markdown(
                    f"**{row['policy']}** — {row['per_pole_year']} {unit}  \n"
                    f"{tr(lang, 'formal_poles_n', n=row['formal'])} · {tr(lang, 'alive_end')} : "
                    f"{row['alive_end']} · {tr(lang, 'public_spent')} : {row['public']}"
                )
