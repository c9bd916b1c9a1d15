"""The Solara components of the territory page: controls, levers, pictures, cards, feed,
interventions.

Why custom components beside Mesa's ``SolaraViz``: SolaraViz's sidebar speaks English
only and has no place for help texts, an "advanced" fold or interventions, which a
French-speaking class needs; its model is still driven the Mesa way (a model rebuilt
from keywords on Reset, ``datacollector``, agents), and ``mesa_view.py`` serves the same
model in SolaraViz for researchers. Each component receives the session and the
page's reactive values (:class:`PageState`); only the blocks that show the model read
``tick``, which changes whenever the model does, so a month redraws them and nothing
else (measured: 200 widgets reconciled a month before, a handful now).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import reacton.core
import solara

from ptce_sim.apps.web import territory, views
from ptce_sim.apps.web.feed import pole_name
from ptce_sim.apps.web.i18n import Lang, reason, tr
from ptce_sim.apps.web.levers import Lever
from ptce_sim.apps.web.session import Session, scenario_names
from ptce_sim.apps.web.views import escape


@dataclass(frozen=True)
class PageState:
    """The reactive values of one page, passed as one stable object.

    Why: a component re-renders when a reactive value it reads changes, or when its
    arguments change. Passing this object (never a fresh closure or a counter) lets each
    panel redraw on its own signal: ``tick`` when the model changed (a month, an
    intervention, a reset) — read only by the few blocks that show the model, so a month
    redraws those and not the cards and buttons around them; ``running`` and ``poles``
    when the run ends or the living poles change (the run buttons and the interventions'
    pole picker); ``config`` when the inputs did (levers, scenario, seed) — so a month
    does not rebuild the two dozen levers.
    """

    lang: solara.Reactive[Lang]
    tick: solara.Reactive[int]
    config: solara.Reactive[int]
    playing: solara.Reactive[bool]
    speed: solara.Reactive[float]
    running: solara.Reactive[bool]
    poles: solara.Reactive[tuple[int, ...]]
    batch: AbstractContextManager[Any]

    @classmethod
    def create(cls, lang: solara.Reactive[Lang], session: Session) -> PageState:
        """The page's values, made once per page (plain ``solara.reactive``), while the
        page renders (its render context batches the redraws of a change)."""
        return cls(
            lang,
            solara.reactive(0),
            solara.reactive(0),
            solara.reactive(False),
            solara.reactive(4.0),
            solara.reactive(session.running),
            solara.reactive(tuple(session.living_poles())),
            reacton.core.get_render_context(required=False) or nullcontext(),
        )

    def model_changed(self, session: Session) -> None:
        """After a month, an intervention or a reset: the model's blocks redraw; the
        buttons and the pole picker only if what they show changed (a reactive set to
        an equal value notifies no one).

        In one render pass: the page's render context, entered, holds the redraws back
        until it is left (as Solara does for the listeners of one value), so the five
        blocks that follow ``tick`` and those that follow ``running`` or ``poles`` are
        drawn together and not in a pass each."""
        with self.batch:
            self.running.set(session.running)
            self.poles.set(tuple(session.living_poles()))
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
def RunBar(session: Session, state: PageState) -> None:
    """One month / play / pause / reset, speed, and where the run is — above the
    territory, where a class looks (and apart from the inputs, which a month does not
    redraw). Only the month's text follows each month; the buttons redraw when playing
    starts or stops, or the run ends."""
    lang = state.lang.value
    playing = state.playing

    def step() -> None:
        session.step(1)
        state.model_changed(session)

    def reset() -> None:
        playing.set(False)
        session.reset()
        state.model_changed(session)
        state.inputs_changed()

    running = state.running.value
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(
            tr(lang, "step"),
            on_click=step,
            color="primary",
            disabled=playing.value or not running,
            classes=["ptce-step"],
        )
        solara.Button(
            tr(lang, "pause") if playing.value else tr(lang, "play"),
            on_click=lambda: playing.set(not playing.value),
            color="primary",
            disabled=not running,
            classes=["ptce-play"],
        )
        solara.Button(tr(lang, "reset"), on_click=reset, classes=["ptce-reset"])
        solara.Text(tr(lang, "speed"), style={"font-size": "0.9em"})
        with solara.Div(style={"width": "180px"}):
            solara.SliderFloat("", value=state.speed, min=1.0, max=20.0, step=1.0)
        MonthText(session, state)


@solara.component
def MonthText(session: Session, state: PageState) -> None:
    """Where the run is ("Mois 12 sur 240"), redrawn every month."""
    lang = state.lang.value
    state.tick.value  # noqa: B018  (redraw when the model changes)
    month = session.month
    text = tr(lang, "month", month=month, total=session.total) if month else tr(lang, "month_start")
    if not session.running:
        text += " — " + tr(lang, "finished")
    solara.Text(text, classes=["ptce-month"], style={"font-weight": "bold"})


@solara.component
def LiveHTML(
    session: Session,
    state: PageState,
    draw: Callable[[Session, Lang], str],
    css_class: str,
    style: str = "",
) -> None:
    """One HTML block that follows the model: ``draw(session, lang)`` at every change.

    Why a component of its own: it alone subscribes to ``state.tick``, so a month
    redraws this one widget and not the card, title and help text around it (Solara
    re-renders a component, and reconciles all its widgets, when a value it read
    changes). ``draw`` is a module-level function, so the arguments compare equal from
    one render of the parent to the next."""
    lang = state.lang.value
    state.tick.value  # noqa: B018  (redraw when the model changes)
    with session.lock:
        assert session.model is not None
        body = draw(session, lang)
    solara.HTML(tag="div", unsafe_innerHTML=body, classes=[css_class], style=style)


@solara.component
def TerritoryPanel(session: Session, state: PageState) -> None:
    """The territory picture, its legend and how to read it."""
    lang = state.lang.value
    with solara.Card(tr(lang, "territory")):
        LiveHTML(session, state, views.territory_html, "ptce-territory-box")
        legend = " ".join(
            f'<span style="margin-right:10px"><span style="color:{c}">●</span> {escape(n)}</span>'
            for c, n in territory.legend(lang)
        )
        solara.HTML(tag="div", unsafe_innerHTML=legend)
        solara.Text(tr(lang, "territory_help"), style={"font-size": "0.85em", "color": "#555"})


@solara.component
def SeriesPanel(session: Session, state: PageState) -> None:
    """The time series, two charts a row on a wide screen."""
    with solara.Card(tr(state.lang.value, "series")):
        LiveHTML(session, state, views.series_html, "ptce-series")


@solara.component
def PoleCards(session: Session, state: PageState) -> None:
    """A card per living pole (one HTML block: a month redraws one widget, not hundreds)."""
    with solara.Card(tr(state.lang.value, "cards")):
        LiveHTML(session, state, views.cards_html, "ptce-cards", "display:flex;flex-wrap:wrap")


@solara.component
def Feed(session: Session, state: PageState) -> None:
    """The newest events in plain language, newest first (one HTML block)."""
    with solara.Card(tr(state.lang.value, "feed")):
        LiveHTML(
            session,
            state,
            views.feed_html,
            "ptce-feed",
            "max-height:420px;overflow-y:auto;font-size:0.9em",
        )


@solara.component
def Interventions(session: Session, state: PageState) -> None:
    """Buttons that act on the territory now: a leader leaves, a grant ends, the local
    authority stops its subsidy, a call for projects opens."""
    lang = state.lang.value
    poles = state.poles.value
    chosen, set_chosen = solara.use_state(None)
    message, set_message = solara.use_state("")
    target = chosen if chosen in poles else (poles[0] if poles else None)

    def act(kind: str, **options: Any) -> None:
        refusal = session.intervene(kind, **options)
        set_message(reason(lang, refusal) if refusal else tr(lang, "done"))
        state.model_changed(session)

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
