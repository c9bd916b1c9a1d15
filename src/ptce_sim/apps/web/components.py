"""The Solara components of the territory page: controls, levers, pictures, cards, feed,
interventions.

Why custom components beside Mesa's ``SolaraViz``: SolaraViz's sidebar speaks English
only and has no place for help texts, an "advanced" fold or interventions, which a
French-speaking class needs; its model is still driven the Mesa way (a model rebuilt
from keywords on Reset, ``datacollector``, agents), and ``mesa_view.py`` serves the same
model in SolaraViz for researchers. Each component receives the session and the
``tick`` that changes whenever the model does, so it redraws then and only then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from ptce_sim.apps.web import territory, views
from ptce_sim.apps.web.feed import pole_name
from ptce_sim.apps.web.i18n import Lang, reason, tr
from ptce_sim.apps.web.levers import Lever
from ptce_sim.apps.web.session import Session, scenario_names

TONE_COLOURS = {"good": "#1b7837", "bad": "#b2182b", "info": "#555", "action": "#5e3c99"}


@solara.component
def LeverInput(lever: Lever, value: Any, lang: Lang, on_value: Callable[[str, Any], None]) -> None:
    """One lever: a slider, a checkbox or a select, with its meaning as a tooltip."""
    label = lever.label(lang)

    def set_value(v: Any) -> None:
        on_value(lever.key, v)

    with (
        solara.Tooltip(lever.help(lang)),
        solara.Div(classes=["ptce-lever", f"ptce-lever-{lever.keyword}"]),
    ):
        if lever.widget == "checkbox":
            solara.Checkbox(label=label, value=bool(value), on_value=set_value)
        elif lever.widget == "select":
            solara.Select(
                label=label, value=value, values=list(lever.spec.choices or ()), on_value=set_value
            )
        else:
            # The label above the slider, with the value: a slider's own label squeezes it.
            shown = lever.format(value, lang)
            sep = " : " if lang == "fr" else ": "
            solara.Text(label + sep + shown, style={"font-size": "0.85em", "display": "block"})
            slider = solara.SliderInt if lever.widget == "int" else solara.SliderFloat
            slider(
                "",
                value=value,
                min=lever.lo,
                max=lever.hi,
                step=lever.step,
                on_value=set_value,
                thumb_label=False,
            )


@solara.component
def Levers(session: Session, lang: Lang, tick: int, on_change: Callable[[], None]) -> None:
    """The featured levers in view, the others under "advanced"; a note when changed."""

    def set_lever(key: str, value: Any) -> None:
        session.set_lever(key, value)
        on_change()

    featured = [lv for lv in session.levers.values() if lv.featured]
    advanced = [lv for lv in session.levers.values() if not lv.featured]
    with solara.Card(tr(lang, "levers"), subtitle=tr(lang, "levers_note")):
        for lv in featured:
            LeverInput(lv, session.values[lv.key], lang, set_lever)
        with solara.Details(summary=tr(lang, "advanced")):
            for lv in advanced:
                LeverInput(lv, session.values[lv.key], lang, set_lever)
        if session.pending:
            solara.Warning(tr(lang, "pending"), dense=True)


@solara.component
def Controls(
    session: Session,
    lang: Lang,
    tick: int,
    playing: solara.Reactive[bool],
    speed: solara.Reactive[float],
    on_change: Callable[[], None],
) -> None:
    """Scenario, seed, one month / play / pause / reset, speed, and where the run is."""

    def choose(name: str) -> None:
        session.choose_scenario(name)
        on_change()

    def set_seed(value: int) -> None:
        session.set_seed(value)
        on_change()

    def step() -> None:
        session.step(1)
        on_change()

    def reset() -> None:
        playing.set(False)
        session.reset()
        on_change()

    with solara.Card(tr(lang, "controls")):
        solara.Select(
            tr(lang, "scenario"), value=session.scenario, values=scenario_names(), on_value=choose
        )
        with solara.Tooltip(tr(lang, "seed_help")):
            solara.InputInt(
                tr(lang, "seed"), value=session.seed, on_value=set_seed, continuous_update=False
            )
        with solara.Row(gap="4px", classes=["ptce-buttons"]):
            solara.Button(
                tr(lang, "step"),
                on_click=step,
                color="primary",
                disabled=playing.value or not session.running,
                classes=["ptce-step"],
            )
            solara.Button(
                tr(lang, "pause") if playing.value else tr(lang, "play"),
                on_click=lambda: playing.set(not playing.value),
                color="primary",
                disabled=not session.running,
                classes=["ptce-play"],
            )
            solara.Button(tr(lang, "reset"), on_click=reset, classes=["ptce-reset"])
        solara.SliderFloat(tr(lang, "speed"), value=speed, min=1.0, max=20.0, step=1.0)
        month = session.month
        text = (
            tr(lang, "month", month=month, total=session.total)
            if month
            else tr(lang, "month_start")
        )
        if not session.running:
            text += " — " + tr(lang, "finished")
        solara.Text(text, classes=["ptce-month"])


@solara.component
def TerritoryPanel(session: Session, lang: Lang, tick: int) -> None:
    """The territory picture, its legend and how to read it."""
    with session.lock:
        assert session.model is not None
        picture = territory.svg(session.model, lang)
    with solara.Card(tr(lang, "territory")):
        solara.HTML(tag="div", unsafe_innerHTML=picture, classes=["ptce-territory-box"])
        with solara.Row(gap="10px", style={"flex-wrap": "wrap"}):
            for colour, name in territory.legend(lang):
                solara.HTML(
                    tag="span", unsafe_innerHTML=f'<span style="color:{colour}">●</span> {name}'
                )
        solara.Text(tr(lang, "territory_help"), style={"font-size": "0.85em", "color": "#555"})


@solara.component
def SeriesPanel(session: Session, lang: Lang, tick: int) -> None:
    """The time series, two charts a row."""
    with session.lock:
        assert session.model is not None
        svgs = views.series_svgs(session.model, lang)
    with solara.Card(tr(lang, "series")), solara.ColumnsResponsive(default=12, large=6):
        for key, picture in svgs.items():
            solara.HTML(tag="div", unsafe_innerHTML=picture, classes=[f"ptce-chart-{key}"])


@solara.component
def PoleCards(session: Session, lang: Lang, tick: int) -> None:
    """A card per living pole."""
    with session.lock:
        assert session.model is not None
        cards = views.pole_cards(session.model, lang)
    with solara.Card(tr(lang, "cards")):
        if not cards:
            solara.Text(tr(lang, "no_pole"))
        with solara.ColumnsResponsive(default=12, medium=6, large=4):
            for c in cards:
                with solara.Card(f"{c.title} · {c.status}", classes=["ptce-pole-card"], margin=0):
                    for line in c.lines:
                        solara.Text(line, style={"display": "block", "font-size": "0.9em"})
                    if c.income:
                        solara.Text(
                            tr(lang, "card_income") + " : "
                            if lang == "fr"
                            else tr(lang, "card_income") + ": ",
                            style={"font-weight": "bold"},
                        )
                        solara.Text(
                            ", ".join(f"{s} {v} k€" for s, v in c.income),
                            style={"font-size": "0.9em"},
                        )


@solara.component
def Feed(session: Session, lang: Lang, tick: int) -> None:
    """The newest events in plain language, newest first."""
    items = session.feed(lang)
    with (
        solara.Card(tr(lang, "feed")),
        solara.Column(
            gap="2px", style={"max-height": "420px", "overflow-y": "auto"}, classes=["ptce-feed"]
        ),
    ):
        if not items:
            solara.Text(tr(lang, "feed_empty"))
        for it in items:
            prefix = f"{tr(lang, 'months_axis')} {it.month + 1} · "
            solara.Text(
                prefix + it.text,
                classes=["ptce-feed-line", f"ptce-{it.tone}"],
                style={"color": TONE_COLOURS[it.tone], "font-size": "0.9em", "display": "block"},
            )


@solara.component
def Interventions(session: Session, lang: Lang, tick: int, on_change: Callable[[], None]) -> None:
    """Buttons that act on the territory now: a leader leaves, a grant ends, the local
    authority stops its subsidy, a call for projects opens."""
    poles = session.living_poles()
    chosen, set_chosen = solara.use_state(None)
    message, set_message = solara.use_state("")
    target = chosen if chosen in poles else (poles[0] if poles else None)

    def act(kind: str, **options: Any) -> None:
        refusal = session.intervene(kind, **options)
        set_message(reason(lang, refusal) if refusal else tr(lang, "done"))
        on_change()

    with solara.Card(tr(lang, "interventions"), subtitle=tr(lang, "interventions_help")):
        if poles:
            labels = {f"{pole_name(p)} (#{p})": p for p in poles}
            current = next((k for k, v in labels.items() if v == target), None)
            solara.Select(
                tr(lang, "which_pole"),
                value=current,
                values=list(labels),
                on_value=lambda k: set_chosen(labels.get(k)),
            )
        else:
            solara.Text(tr(lang, "no_living_pole"))
        with solara.Column(gap="4px", align="start"):
            for kind in ("leader_leaves", "end_grant"):
                solara.Button(
                    tr(lang, kind),
                    disabled=target is None,
                    outlined=True,
                    classes=[f"ptce-{kind}"],
                    on_click=lambda kind=kind: act(kind, pole=target),
                )
            solara.Button(
                tr(lang, "stop_subsidy"),
                outlined=True,
                classes=["ptce-stop_subsidy"],
                on_click=lambda: act("stop_subsidy"),
            )
            solara.Button(
                tr(lang, "open_call"),
                outlined=True,
                classes=["ptce-open_call"],
                on_click=lambda: act("open_call", months=12),
            )
        if message:
            solara.Info(message, dense=True)
