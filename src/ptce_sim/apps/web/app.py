"""The page of ``ptce-sim web``: the territory and the comparison of two policies.

Why this shape: a policy maker or a class sees the territory, its curves, its poles and
what just happened on one screen; the controls and levers sit in the sidebar; the
comparison of two policies, which takes tens of seconds, has its own tab and runs in the
background. Everything a session changes lives in that session's :class:`Session`
(``solara.use_memo`` per page instance), so concurrent visitors never share a model.
"""

from __future__ import annotations

import threading
import time

import solara

from ptce_sim.apps.web.compare_view import ComparePanel
from ptce_sim.apps.web.components import (
    Controls,
    Feed,
    Interventions,
    Levers,
    PoleCards,
    SeriesPanel,
    TerritoryPanel,
)
from ptce_sim.apps.web.i18n import DEFAULT_LANG, Lang, tr
from ptce_sim.apps.web.session import Session


def play_loop(
    session: Session,
    playing: solara.Reactive[bool],
    speed: solara.Reactive[float],
    redraw: solara.Reactive[int],
    cancel: threading.Event,
) -> None:
    """Step while playing, ``speed`` months a second at most, redrawing after each."""
    while playing.value and not cancel.is_set():
        started = time.perf_counter()
        if not session.running:
            playing.set(False)
            break
        session.step(1)
        redraw.set(redraw.value + 1)
        pause = 1.0 / max(speed.value, 0.1) - (time.perf_counter() - started)
        if cancel.wait(max(pause, 0.0)):
            break


@solara.component
def TerritoryPage(
    session: Session,
    lang: Lang,
    tick: solara.Reactive[int],
    playing: solara.Reactive[bool],
    speed: solara.Reactive[float],
) -> None:
    """The sidebar (controls, levers) and the territory's panels."""

    def changed() -> None:
        tick.set(tick.value + 1)

    with solara.Sidebar():
        Controls(session, lang, tick.value, playing, speed, changed)
        Levers(session, lang, tick.value, changed)
    with solara.Columns([3, 2]):
        TerritoryPanel(session, lang, tick.value)
        with solara.Column():
            Interventions(session, lang, tick.value, changed)
            Feed(session, lang, tick.value)
    SeriesPanel(session, lang, tick.value)
    PoleCards(session, lang, tick.value)


@solara.component
def Page() -> None:
    """The whole page (Solara's entry point)."""
    lang = solara.use_reactive(DEFAULT_LANG)
    session = solara.use_memo(Session, [])
    tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(4.0)

    def loop(cancel: threading.Event) -> None:
        play_loop(session, playing, speed, tick, cancel)

    solara.use_thread(loop, dependencies=[playing.value], intrusive_cancel=False)

    def choose_lang(value: str) -> None:
        lang.set("en" if value == "English" else "fr")
        session.lang = lang.value

    solara.Title(tr(lang.value, "title"))
    with solara.AppBar():
        solara.AppBarTitle(tr(lang.value, "title"))
    with solara.Sidebar():
        # First in the sidebar, where a class sees it (and a test finds it).
        solara.ToggleButtonsSingle(
            value="English" if lang.value == "en" else "Français",
            values=["Français", "English"],
            on_value=choose_lang,
            classes=["ptce-lang"],
        )
    with solara.lab.Tabs():
        with solara.lab.Tab(tr(lang.value, "tab_territory")):
            TerritoryPage(session, lang.value, tick, playing, speed)
        with solara.lab.Tab(tr(lang.value, "tab_compare")):
            ComparePanel(lang.value)
