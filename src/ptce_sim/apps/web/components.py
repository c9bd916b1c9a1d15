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
from dataclasses import dataclass
from html import escape as _escape
from typing import Any

import solara

from ptce_sim.apps.web import territory, views
from ptce_sim.apps.web.feed import pole_name
from ptce_sim.apps.web.i18n import Lang, reason, tr
from ptce_sim.apps.web.levers import Lever
from ptce_sim.apps.web.session import Session, scenario_names


def escape(text: str) -> str:
    """Text for HTML content (apostrophes kept: French is full of them)."""
    return _escape(text, quote=False)


TONE_COLOURS = {"good": "#1b7837", "bad": "#b2182b", "info": "#555", "action": "#5e3c99"}


@dataclass(frozen=True)
class PageState:
    """The reactive values of one page, passed as one stable object.

    Why: a component re-renders when a reactive value it reads changes, or when its
    arguments change. Passing this object (never a fresh closure or a counter) lets each
    panel redraw on its own signal: ``tick`` when the model changed (a month, an
    intervention, a reset), ``config`` when the inputs did (levers, scenario, seed) —
    so a month does not rebuild the two dozen levers.
    """

    lang: solara.Reactive[Lang]
    tick: solara.Reactive[int]
    config: solara.Reactive[int]
    playing: solara.Reactive[bool]
    speed: solara.Reactive[float]

    def model_changed(self) -> None:
        self.tick.set(self.tick.value + 1)

    def inputs_changed(self) -> None:
        self.config.set(self.config.value + 1)


@solara.component
def LeverInput(lever: Lever, value: Any, lang: Lang, on_value: Callable[[str, Any], None]) -> None:
    """One lever: a slider, a checkbox or a select, with its meaning as a tooltip."""
    label = lever.label(lang)

    def set_value(v: Any) -> None:
        on_value(lever.key, v)

    # The meaning as the browser's own tooltip (``title``): Vuetify's tooltip costs a
    # widget update per lever at every redraw of the page.
    with solara.v.Html(
        tag="div",
        class_=f"ptce-lever ptce-lever-{lever.keyword}",
        attributes={"title": lever.help(lang)},
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
def Levers(session: Session, state: PageState) -> None:
    """The featured levers in view, the others under "advanced"; a note when changed."""
    lang = state.lang.value
    state.config.value  # noqa: B018  (redraw when the inputs change)

    def set_lever(key: str, value: Any) -> None:
        session.set_lever(key, value)
        state.inputs_changed()

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
def Inputs(session: Session, state: PageState) -> None:
    """Scenario and seed (left column; they apply at the next reset, as the levers do)."""
    lang = state.lang.value
    state.config.value  # noqa: B018  (redraw when the inputs change)

    def choose(name: str) -> None:
        session.choose_scenario(name)
        state.inputs_changed()

    def set_seed(value: int) -> None:
        session.set_seed(value)
        state.inputs_changed()

    with solara.Card(tr(lang, "controls")):
        solara.Select(
            tr(lang, "scenario"), value=session.scenario, values=scenario_names(), on_value=choose
        )
        with solara.Tooltip(tr(lang, "seed_help")):
            solara.InputInt(
                tr(lang, "seed"), value=session.seed, on_value=set_seed, continuous_update=False
            )


@solara.component
def RunBar(session: Session, state: PageState, tick: int) -> None:
    """One month / play / pause / reset, speed, and where the run is — above the
    territory, where a class looks (and apart from the inputs, which a month does not
    redraw)."""
    lang = state.lang.value
    playing = state.playing

    def step() -> None:
        session.step(1)
        state.model_changed()

    def reset() -> None:
        playing.set(False)
        session.reset()
        state.model_changed()
        state.inputs_changed()

    month = session.month
    text = tr(lang, "month", month=month, total=session.total) if month else tr(lang, "month_start")
    if not session.running:
        text += " — " + tr(lang, "finished")
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
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
        solara.Text(tr(lang, "speed"), style={"font-size": "0.9em"})
        with solara.Div(style={"width": "180px"}):
            solara.SliderFloat("", value=state.speed, min=1.0, max=20.0, step=1.0)
        solara.Text(text, classes=["ptce-month"], style={"font-weight": "bold"})


@solara.component
def TerritoryPanel(session: Session, state: PageState, tick: int) -> None:
    """The territory picture, its legend and how to read it."""
    lang = state.lang.value
    with session.lock:
        assert session.model is not None
        picture = territory.svg(session.model, lang)
    with solara.Card(tr(lang, "territory")):
        solara.HTML(tag="div", unsafe_innerHTML=picture, classes=["ptce-territory-box"])
        legend = " ".join(
            f'<span style="margin-right:10px"><span style="color:{c}">●</span> {escape(n)}</span>'
            for c, n in territory.legend(lang)
        )
        solara.HTML(tag="div", unsafe_innerHTML=legend)
        solara.Text(tr(lang, "territory_help"), style={"font-size": "0.85em", "color": "#555"})


@solara.component
def SeriesPanel(session: Session, state: PageState, tick: int) -> None:
    """The time series, two charts a row."""
    lang = state.lang.value
    with session.lock:
        assert session.model is not None
        svgs = views.series_svgs(session.model, lang)
    with solara.Card(tr(lang, "series")), solara.ColumnsResponsive(default=12, large=6):
        for key, picture in svgs.items():
            solara.HTML(tag="div", unsafe_innerHTML=picture, classes=[f"ptce-chart-{key}"])


@solara.component
def PoleCards(session: Session, state: PageState, tick: int) -> None:
    """A card per living pole (one HTML block: a month redraws one widget, not hundreds)."""
    lang = state.lang.value
    with session.lock:
        assert session.model is not None
        cards = views.pole_cards(session.model, lang)
    sep = " : " if lang == "fr" else ": "
    blocks = []
    for c in cards:
        lines = "".join(f"<div>{escape(line)}</div>" for line in c.lines)
        if c.income:
            income = ", ".join(f"{escape(src)} {v} k€" for src, v in c.income)
            lines += f"<div><b>{escape(tr(lang, 'card_income'))}</b>{sep}{income}</div>"
        blocks.append(
            f'<div class="ptce-pole-card" data-pole="{c.pole_id}" style="border:1px solid #ccc;'
            "border-radius:6px;padding:8px 10px;margin:4px;min-width:240px;flex:1 1 260px;"
            f'font-size:0.9em"><div style="font-weight:bold;font-size:1.1em">'
            f"{escape(c.title)} · {escape(c.status)}</div>{lines}</div>"
        )
    body = "".join(blocks) or f"<div>{escape(tr(lang, 'no_pole'))}</div>"
    with solara.Card(tr(lang, "cards")):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=body,
            classes=["ptce-cards"],
            style="display:flex;flex-wrap:wrap",
        )


@solara.component
def Feed(session: Session, state: PageState, tick: int) -> None:
    """The newest events in plain language, newest first (one HTML block)."""
    lang = state.lang.value
    items = session.feed(lang)
    lines = [
        f'<div class="ptce-feed-line ptce-{it.tone}" style="color:{TONE_COLOURS[it.tone]};'
        f'margin-bottom:3px">{escape(tr(lang, "month_prefix"))} {it.month + 1} · '
        f"{escape(it.text)}</div>"
        for it in items
    ]
    body = "".join(lines) or escape(tr(lang, "feed_empty"))
    with solara.Card(tr(lang, "feed")):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=body,
            classes=["ptce-feed"],
            style="max-height:420px;overflow-y:auto;font-size:0.9em",
        )


@solara.component
def Interventions(session: Session, state: PageState, tick: int) -> None:
    """Buttons that act on the territory now: a leader leaves, a grant ends, the local
    authority stops its subsidy, a call for projects opens."""
    lang = state.lang.value
    poles = session.living_poles()
    chosen, set_chosen = solara.use_state(None)
    message, set_message = solara.use_state("")
    target = chosen if chosen in poles else (poles[0] if poles else None)

    def act(kind: str, **options: Any) -> None:
        refusal = session.intervene(kind, **options)
        set_message(reason(lang, refusal) if refusal else tr(lang, "done"))
        state.model_changed()

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
