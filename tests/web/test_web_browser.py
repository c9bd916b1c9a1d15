"""The web view in a real browser: ``ptce-sim web`` serving, Debian's Chromium driven by
Playwright (never ``playwright install``), offline (assets from the local cache).

Skipped, with the reason, only when Chromium or the asset cache is missing; CI installs
the one and fills the other (``.ci/run``). Screenshots go to ``PTCE_SIM_WEB_ARTIFACTS``
when set (CI keeps them), else to a temporary folder. One server for the module, one
fresh browser context (a new session) per test.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("solara", reason="the web view needs the 'web' extra")
playwright_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")

from ptce_sim.apps.web import assets  # noqa: E402

CHROMIUM = os.environ.get("PTCE_SIM_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 60_000

if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
    pytest.skip(
        f"Chromium not found at {CHROMIUM} (Debian: apt-get install -y chromium)",
        allow_module_level=True,
    )
if not assets.is_filled(assets.default_dir()):
    pytest.skip(
        f"offline asset cache not filled at {assets.default_dir()} "
        "(python -m ptce_sim.apps.web.assets)",
        allow_module_level=True,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``ptce-sim web`` on a free port of 127.0.0.1; its address."""
    port = _free_port()
    env = dict(os.environ, SOLARA_ASSETS_PROXY_CACHE_DIR=str(assets.default_dir()))
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"ptce-web-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "ptce_sim.apps.cli", "web", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 600  # the first start on a machine compiles the model
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                raise RuntimeError(f"ptce-sim web did not start; see {log.name}") from None
            time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("PTCE_SIM_WEB_ARTIFACTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("web-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Visit:
    """One browser session on the page, recording console errors and every request."""

    def __init__(self, browser: object, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on(
            "response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}")
        )
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url)
        self.page.wait_for_selector("svg.ptce-territory")

    def month(self) -> str:
        return self.page.locator(".ptce-month").inner_text()

    def step(self) -> None:
        before = self.month()
        self.page.get_by_role("button", name="Un mois").click()
        self.page.wait_for_function(
            "b => document.querySelector('.ptce-month').innerText !== b", arg=before
        )

    def territory(self) -> str:
        return self.page.locator("svg.ptce-territory").inner_html()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(chromium: object, server: str) -> Iterator[Visit]:
    v = Visit(chromium, server)
    yield v
    v.close()


def test_page_loads_offline_without_errors(visit: Visit, server: str, shots: Path) -> None:
    visit.page.screenshot(path=shots / "01-loaded.png")
    assert visit.errors == []
    assert visit.failed == []
    outside = [u for u in visit.requests if not u.startswith(server) and not u.startswith("data:")]
    assert outside == [], "the page must not fetch anything from outside (offline)"


def test_step_advances_and_redraws(visit: Visit, shots: Path) -> None:
    territory = visit.territory()
    charts = visit.page.locator(".ptce-chart-poles_by_status").inner_html()
    visit.step()
    visit.step()
    assert visit.month().startswith("Mois 2 ")
    assert visit.territory() != territory
    assert visit.page.locator(".ptce-chart-poles_by_status").inner_html() != charts
    visit.page.screenshot(path=shots / "02-stepped.png", full_page=True)


def test_play_runs_and_pause_stops(visit: Visit) -> None:
    visit.page.get_by_role("button", name="Lecture").click()
    visit.page.wait_for_function(
        "parseInt(document.querySelector('.ptce-month').innerText.split(' ')[1]) >= 3"
    )
    visit.page.get_by_role("button", name="Pause").click()
    visit.page.get_by_role("button", name="Lecture").wait_for()
    time.sleep(0.6)  # a month under way when Pause was clicked ends and shows
    paused = visit.month()
    time.sleep(1.0)
    assert visit.month() == paused


def test_a_lever_changes_the_model_after_reset(visit: Visit) -> None:
    assert visit.page.locator("circle.org").count() == 80
    visit.page.get_by_text("Leviers avancés").click()
    thumb = visit.page.locator(".ptce-lever-territory_n_orgs [role=slider]")
    thumb.focus()
    thumb.press("Home")  # the smallest territory the declaration allows
    visit.page.get_by_text("Modifié").wait_for()
    assert visit.page.locator("circle.org").count() == 80  # applies at Reset only
    visit.page.get_by_role("button", name="Recommencer").click()
    visit.page.wait_for_function("document.querySelectorAll('circle.org').length === 30")


def test_an_intervention_shows_in_the_feed(visit: Visit, shots: Path) -> None:
    visit.step()
    visit.page.get_by_role("button", name="Un appel à projets s'ouvre").click()
    visit.page.locator(".ptce-feed").get_by_text("Intervention : un appel à projets").wait_for()
    visit.page.screenshot(path=shots / "03-intervention.png")


def test_the_language_toggle(visit: Visit) -> None:
    visit.page.get_by_role("button", name="English").click()
    visit.page.get_by_role("button", name="One month").wait_for()
    assert visit.page.get_by_text("The territory", exact=True).count() == 1
    visit.page.get_by_role("button", name="Français").click()
    visit.page.get_by_role("button", name="Un mois").wait_for()


def test_compare_draws_two_curves_with_bands(visit: Visit, shots: Path) -> None:
    page = visit.page
    page.get_by_role("tab", name="Comparer deux politiques").click()
    thumb = page.locator(".ptce-replicates [role=slider]")
    thumb.focus()
    thumb.press("Home")  # 2 replicates: the CI budget
    page.get_by_role("button", name="Lancer la comparaison").click()
    page.wait_for_selector("svg.chart-survival", timeout=120_000)
    chart = page.locator("svg.chart-survival")
    assert chart.locator("polyline").count() == 2
    assert chart.locator("path.band").count() >= 1  # a policy without formal poles has none
    page.screenshot(path=shots / "04-compare.png", full_page=True)


def test_two_sessions_do_not_share_a_model(chromium: object, server: str) -> None:
    a, b = Visit(chromium, server), Visit(chromium, server)
    try:
        a.step()
        a.step()
        b.page.reload()
        b.page.wait_for_selector("svg.ptce-territory")
        assert a.month().startswith("Mois 2 ")
        assert b.month().startswith("Début")
    finally:
        a.close()
        b.close()
