"""The web view without a browser: Solara components rendered in-process
(``solara.render``), the session, the levers, the feed and compare mode.

Asserts directions and presence, never model numbers (the model is recalibrated).
"""

from __future__ import annotations

import threading
from html import unescape

import pytest

solara = pytest.importorskip("solara", reason="the web view needs the 'web' extra")
v = pytest.importorskip("ipyvuetify")

from ptce_sim.apps.web import feed, i18n, levers  # noqa: E402
from ptce_sim.apps.web.app import Page  # noqa: E402
from ptce_sim.apps.web.compare_view import run_comparison  # noqa: E402
from ptce_sim.apps.web.session import Session  # noqa: E402
from ptce_sim.base.domain import EventKind  # noqa: E402
from ptce_sim.world.events import Event  # noqa: E402
from ptce_sim.world.model import TerritoryModel  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _warm() -> None:
    """The model is ready before the page renders (as ``ptce-sim web`` makes sure)."""
    from ptce_sim.apps.web.session import warm_up

    warm_up()


def render_page():
    """The page in an app layout (the sidebar renders only there), and its session."""
    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    return rc


def widgets(rc):
    """Every widget on the page, depth first."""
    todo = [rc.container]
    while todo:
        w = todo.pop()
        yield w
        kids = getattr(w, "children", None) or []
        todo.extend(reversed([k for k in kids if hasattr(k, "model_id")]))


def with_class(rc, css_class: str) -> list:
    """Vuetify widgets whose class list holds ``css_class``."""
    return [w for w in widgets(rc) if css_class in (getattr(w, "class_", None) or "").split()]


def month_text(rc) -> str:
    (w,) = with_class(rc, "ptce-month")
    return w.children[0]


def html(rc, css_class: str) -> list:
    """The ``solara.HTML`` widgets carrying ``css_class``."""
    return [
        w
        for w in widgets(rc)
        if isinstance(w, solara.widgets.HTML) and css_class in w.attributes.get("class", "").split()
    ]


def territory_svg(rc) -> str:
    (box,) = html(rc, "ptce-territory-box")
    return box.unsafe_innerHTML


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def feed_text(rc) -> str:
    (box,) = html(rc, "ptce-feed")
    return unescape(box.unsafe_innerHTML)


def test_step_advances_the_model_and_redraws():
    rc = render_page()
    assert month_text(rc) == i18n.tr("fr", "month_start")
    before = territory_svg(rc)
    click(rc, "Un mois")
    assert month_text(rc) == i18n.tr("fr", "month", month=1, total=240)
    click(rc, "Un mois")
    assert month_text(rc).startswith("Mois 2 ")
    assert territory_svg(rc) != before  # ties, vacancies, poles moved


def test_a_lever_applies_on_reset_only():
    rc = render_page()
    box = rc.find(v.Html, class_="ptce-lever ptce-lever-territory_n_orgs")
    slider = box.find(v.Slider).widget
    assert territory_svg(rc).count('class="org"') == 80
    slider.v_model = 40  # what the browser sends when the slider moves
    assert rc.find(v.Alert).widgets  # "changed: reset to apply"
    assert territory_svg(rc).count('class="org"') == 80  # not yet
    click(rc, "Recommencer")
    assert territory_svg(rc).count('class="org"') == 40
    assert month_text(rc) == i18n.tr("fr", "month_start")


def test_an_intervention_changes_the_model_and_the_feed():
    rc = render_page()
    click(rc, "Un mois")
    click(rc, i18n.tr("fr", "open_call"))
    assert "Intervention : un appel à projets s'ouvre pour 12 mois." in feed_text(rc)
    click(rc, "Un mois")  # the call is now open in the model's parameters
    text = feed_text(rc)
    assert "mois 2" in text


def test_the_language_toggle_switches_labels_and_feed():
    rc = render_page()
    click(rc, "Un mois")
    assert rc.find(v.Btn, children=["Un mois"]).widgets
    toggle = rc.find(v.BtnToggle).widget
    toggle.v_model = 1  # what the browser sends on a click on "English"
    assert rc.find(v.Btn, children=["One month"]).widgets
    assert not rc.find(v.Btn, children=["Un mois"]).widgets
    assert month_text(rc) == "Month 1 of 240"
    assert "month 1 · " in feed_text(rc)  # feed lines are English too
    toggle.v_model = 0
    assert rc.find(v.Btn, children=["Un mois"]).widgets


def test_a_cold_start_shows_a_message_then_the_page(monkeypatch: pytest.MonkeyPatch):
    import time

    from ptce_sim.apps.web import app

    release = threading.Event()
    monkeypatch.setattr(app, "is_warm", lambda: False)
    monkeypatch.setattr(app, "warm_up", lambda: release.wait(30))
    rc = render_page()
    assert with_class(rc, "ptce-warming")
    assert not rc.find(v.Btn, children=["Un mois"]).widgets
    release.set()
    for _ in range(100):
        if rc.find(v.Btn, children=["Un mois"]).widgets:
            break
        time.sleep(0.05)
    assert rc.find(v.Btn, children=["Un mois"]).widgets
    assert not with_class(rc, "ptce-warming")


def test_two_pages_have_two_models():
    a, b = render_page(), render_page()
    click(a, "Un mois")
    click(a, "Un mois")
    assert month_text(a).startswith("Mois 2 ")
    assert month_text(b) == i18n.tr("fr", "month_start")


def test_a_month_redraws_the_model_blocks_only(monkeypatch: pytest.MonkeyPatch):
    """A month is one render pass that touches the blocks showing the model, not the
    inputs' column nor the rest of the page (issue 15's 150 ms rests on it: redrawing
    the whole page, about 200 widgets, cost more than the month itself)."""
    import ipywidgets

    rc = render_page()
    click(rc, "Un mois")
    (column,) = with_class(rc, "ptce-inputs")
    todo, inputs = [column], set()
    while todo:
        w = todo.pop()
        inputs.add(w.model_id)
        todo.extend(k for k in getattr(w, "children", None) or [] if hasattr(k, "model_id"))
    assert len(inputs) > 50  # the levers are in it
    touched: set[str] = set()
    send_state = ipywidgets.Widget.send_state

    def spy(self, key=None):
        touched.add(self.model_id)
        return send_state(self, key)

    monkeypatch.setattr(ipywidgets.Widget, "send_state", spy)
    passes = rc.render_count
    click(rc, "Un mois")
    assert rc.render_count == passes + 1
    assert not touched & inputs
    assert 5 <= len(touched) <= 20  # month, territory, charts, cards, feed (and their boxes)
    assert month_text(rc).startswith("Mois 2 ")


# -- Mesa's SolaraViz on the same model --------------------------------------------------


def test_solaraviz_steps_and_rebuilds_from_keywords_on_reset():
    from ptce_sim.apps.web.mesa_view import MesaTerritory, mesa_page

    model = MesaTerritory(seed=0)
    reactive = solara.reactive(model)

    @solara.component
    def Viz():
        mesa_page(reactive)

    _, rc = solara.render(solara.AppLayout(children=[Viz()]), handle_error=False)
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert reactive.value.steps == 1
    # Move a lever in SolaraViz's sidebar, then Reset: the model is rebuilt by keyword.
    slider = rc.find(v.Slider, label="Staff turnover")
    slider.widget.v_model = 0.05
    rc.find(v.Btn, children=["Reset"]).widget.click()
    rebuilt = reactive.value
    assert rebuilt is not model
    assert rebuilt.steps == 0
    assert rebuilt.params.turnover.rate == pytest.approx(0.05)


# -- the session, the levers, the feed ---------------------------------------------------


def test_input_is_clamped_and_typed():
    s = Session()
    assert s.set_lever("turnover.rate", 5.0) == s.levers["turnover.rate"].spec.hi
    assert s.set_lever("territory.n_orgs", -3) == 30
    assert s.set_lever("territory.n_orgs", 35) == 35
    assert s.set_lever("territory.n_orgs", float("nan")) == 80  # not a number: the default
    assert s.set_lever("funding.dues_mode", "nonsense") in ("flat", "revenue")
    assert s.set_seed(-5) == 0
    assert s.set_seed("abc") == 0
    s.reset()  # a model builds from whatever the inputs were
    assert s.model is not None
    assert s.model.orgs.n == 80


def test_every_lever_has_words_in_both_languages():
    for lv in levers.levers():
        assert lv.key in levers.WORDS, f"{lv.key} has no French/English label"
        for lang in ("fr", "en"):
            assert lv.label(lang), (lv.key, lang)
            assert lv.help(lang), (lv.key, lang)
    featured = [lv for lv in levers.levers() if lv.featured]
    assert 8 <= len(featured) <= 12


def test_every_text_exists_in_both_languages():
    for key, (fr, en) in i18n.TEXT.items():
        assert fr, key
        assert en, key


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_notable_event_reads_as_a_sentence(lang):
    model = TerritoryModel(seed=0)
    events = [
        Event(3, k.name.lower(), 1, 0, 0, -1, 0, 4.0) for k in EventKind if k != EventKind.ARRIVAL
    ]
    items = feed.describe(events, model, lang)
    assert len(items) >= len(events) - 3  # project events are summed up in one line
    assert all(it.text[0].isupper() or it.text[0].isdigit() for it in items)
    assert all(it.text.endswith(".") for it in items)


def test_the_territory_draws_every_tie_thicker_with_trust():
    import re
    from itertools import pairwise

    from ptce_sim.apps.web import territory

    s = Session()
    s.step(12)
    ties = s.model.ties()
    ties = ties[ties["ties"] > 0]
    xy = territory._xy(s.model.orgs.position)
    trust_of = {
        f"M{xy[i, 0]:.1f} {xy[i, 1]:.1f}L{xy[j, 0]:.1f} {xy[j, 1]:.1f}": t
        for i, j, t in zip(ties["i"], ties["j"], ties["trust"], strict=True)
    }
    picture = territory.svg(s.model, "fr")
    group = re.search(r'<g class="ties"[^>]*>(.*?)</g>', picture).group(1)
    paths = re.findall(r'stroke-width="([0-9.]+)" stroke-opacity="[0-9.]+" d="([^"]*)"', group)
    segments = {float(w): re.findall(r"M[^M]+", d) for w, d in paths}
    assert sum(len(v) for v in segments.values()) == len(ties) > 0  # a segment per pair
    assert len(segments) > 1
    # Every pair of a thicker line trusts more than every pair of a thinner one.
    widths = sorted(segments)
    for thin, thick in pairwise(widths):
        assert max(trust_of[d] for d in segments[thin]) <= min(trust_of[d] for d in segments[thick])
    assert picture.count('class="org"') == 80


def test_an_intervention_reaches_the_model():
    s = Session()
    s.step(2)
    assert not s.model.params.calls.open
    assert s.intervene("open_call", months=12) is None
    assert s.model.params.calls.open
    assert any(e.kind == "intervention" for e in s.events)
    assert s.model.policy_log[-1]["source"] == "intervention"


def test_intervention_refusal_is_explained():
    s = Session()
    reason = s.intervene("end_grant", pole=999)
    assert reason is not None
    assert "ce pôle n'existe plus" in i18n.reason("fr", reason)


def test_compare_runs_paired_replicates_through_the_engine():
    seen: list[tuple[int, int]] = []
    cmp = run_comparison(
        ("no_support", "local_subsidy"), 2, progress=lambda k, n: seen.append((k, n))
    )
    assert cmp is not None
    assert seen[-1] == (4, 4)
    assert set(cmp.curves) == {"no_support", "local_subsidy"}
    assert sorted(cmp.runs["seed"].tolist()) == [1, 1, 2, 2]  # same seeds for both


def test_compare_can_be_cancelled():
    stop = threading.Event()
    stop.set()
    assert run_comparison(("no_support", "local_subsidy"), 3, cancel=stop) is None
