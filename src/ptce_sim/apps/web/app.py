"""The page of ``ptce-sim web``: the territory and the comparison of two policies.

Why this shape: a policy maker or a class sees the territory, its curves, its poles and
what just happened on one screen; the inputs and levers sit in a left column; the
comparison of two policies, which takes tens of seconds, has its own tab and runs in the
background. Everything a session changes lives in that session's :class:`Session`
(``solara.use_memo`` per page instance), so concurrent visitors never share a model.
"""

from __future__ import annotations

import os
import threading
import time

# Reacton's renderer that skips the parts of the page that did not change (opt-in,
# reacton >= 1.11.1; ``REACTON_FAST=0`` keeps the default one). The default renderer
# walks and updates every widget of the page at each redraw: measured, about 200
# widgets and 40-100 ms a month here, for the five blocks that change. Reacton reads the
# variable when a page's render context is made, i.e. after this module is imported.
os.environ.setdefault("REACTON_FAST", "1")

import solara

from ptce_sim.apps.web.compare_view import ComparePanel
from ptce_sim.apps.web.components import (
    Feed,
    Inputs,
    Interventions,
    Levers,
    PageState,
    PoleCards,
    RunBar,
    SeriesPanel,
    TerritoryPanel,
)
from ptce_sim.apps.web.i18n import DEFAULT_LANG, tr
from ptce_sim.apps.web.session import Session, is_warm, warm_up


def play_loop(session: Session, state: PageState, cancel: threading.Event) -> None:
    """Step while playing, ``state.speed`` months a second at most, redrawing after each."""
    while state.playing.value and not cancel.is_set():
        started = time.perf_counter()
        if not session.running:
            state.playing.set(False)
            break
        session.step(1)
        state.model_changed(session)
        pause = 1.0 / max(state.speed.value, 0.1) - (time.perf_counter() - started)
        if cancel.wait(max(pause, 0.0)):
            break


@solara.component
def TerritoryPage(session: Session, state: PageState) -> None:
    """The run's controls and the territory's panels. Drawn once (and on a change of
    language): within them, only the blocks that show the model follow its changes
    (``state.tick``), and the inputs' column, drawn by :func:`App`, never redraws on a
    month."""
    RunBar(session, state)
    with solara.Columns([3, 2]):
        TerritoryPanel(session, state)
        with solara.Column():
            Interventions(session, state)
            Feed(session, state)
    SeriesPanel(session, state)
    PoleCards(session, state)


@solara.component
def Page() -> None:
    """Solara's entry point: the page, once the model is ready.

    ``ptce-sim web`` prepares the model before it serves; a server started otherwise
    (``solara run ptce_sim.apps.web.app``) may get its first visitor before the model's
    compiled month is loaded, which can take minutes the first time on a machine: that
    visitor sees a message saying so rather than a blank page."""
    ready = solara.use_reactive(is_warm())

    def prepare(cancel: threading.Event) -> None:
        if not ready.value:
            warm_up()
            ready.set(True)

    solara.use_thread(prepare, dependencies=[], intrusive_cancel=False)
    if not ready.value:
        with solara.Column(align="center", style={"margin-top": "120px"}):
            solara.v.ProgressCircular(indeterminate=True, size=60)
            solara.Text(f"{tr('fr', 'warming')} / {tr('en', 'warming')}", classes=["ptce-warming"])
        return
    App()


@solara.component
def App() -> None:
    """The whole page."""
    lang = solara.use_reactive(DEFAULT_LANG)
    session = solara.use_memo(Session, [])
    # Plain reactives made once (``use_reactive`` would redraw the whole page, inputs
    # included, at every month): each panel subscribes to what it reads.
    state = solara.use_memo(lambda: PageState.create(lang, session), [])
    playing = state.playing.value

    def loop(cancel: threading.Event) -> None:
        play_loop(session, state, cancel)

    solara.use_thread(loop, dependencies=[playing], intrusive_cancel=False)

    def choose_lang(value: str) -> None:
        lang.set("en" if value == "English" else "fr")
        session.lang = lang.value

    solara.Title(tr(lang.value, "title"))
    with solara.AppBar():
        solara.AppBarTitle(tr(lang.value, "title"))
    # The inputs in a left column rather than Solara's sidebar: a sidebar's content is
    # re-reconciled at every redraw of the page (measured: 60-80 ms a month for the two
    # dozen levers), a column's only when it changes.
    with solara.Columns([1, 3], style={"align-items": "start"}):
        with solara.Column(classes=["ptce-inputs"]):
            solara.ToggleButtonsSingle(
                value="English" if lang.value == "en" else "Français",
                values=["Français", "English"],
                on_value=choose_lang,
                classes=["ptce-lang"],
            )
            Inputs(session, state)
            Levers(session, state)
        with solara.lab.Tabs():
            with solara.lab.Tab(tr(lang.value, "tab_territory")):
                TerritoryPage(session, state)
            with solara.lab.Tab(tr(lang.value, "tab_compare")):
                ComparePanel(lang.value)
