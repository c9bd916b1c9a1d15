"""How long one month plus its redraw takes in the web view (target: <= 150 ms at 80
organisations, issue 15).

Two measures, both on the baseline territory (80 organisations), after a warm-up:

- ``server``: the page rendered in-process (``solara.render``), the "one month" button
  clicked; the time covers the model's month, every panel rebuilt (territory SVG, six
  charts, pole cards, feed) and Solara's widget update — all the server does per step;
  also the panels alone (``views``: SVGs, cards and feed without Solara).
- ``browser`` (``--browser``; needs Debian's Chromium and the offline asset cache): a
  real ``ptce-sim web`` and Chromium, from the click to the new month shown on the
  page, so the websocket round trip and the browser's drawing are in.

Usage::

    python benchmarks/web_step.py                 # server side, 60 steps
    python benchmarks/web_step.py --browser       # and in a real browser

Prints the median, the 90th percentile and the maximum in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable


def _summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p90 = ms[int(0.9 * (len(ms) - 1))]
    return (
        f"{name:<28} n={len(ms):<4} median {statistics.median(ms):6.1f} ms   "
        f"p90 {p90:6.1f} ms   max {ms[-1]:6.1f} ms"
    )


def _timed(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(1000 * (time.perf_counter() - t))
    return out


def server_side(steps: int) -> list[str]:
    import ipyvuetify as v
    import solara

    from ptce_sim.apps.web import territory, views
    from ptce_sim.apps.web.app import Page
    from ptce_sim.apps.web.session import Session

    lines = []
    # The panels alone, on a session of their own.
    s = Session()
    assert s.model is not None
    assert s.model.orgs.n == 80

    def panels() -> None:
        s.step(1)
        m = s.model
        territory.svg(m, "fr")
        views.series_svgs(m, "fr")
        views.pole_cards(m, "fr")
        s.feed("fr")

    panels()  # warm-up
    lines.append(_summary("views (step + panels)", _timed(panels, steps)))

    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    button = rc.find(v.Btn, children=["Un mois"]).widget
    button.click()  # warm-up
    lines.append(_summary("server (step + redraw)", _timed(button.click, steps)))
    return lines


def browser_side(steps: int) -> list[str]:
    import os
    import socket
    import subprocess
    import sys
    import urllib.request

    from playwright.sync_api import sync_playwright

    from ptce_sim.apps.web import assets

    if not assets.is_filled(assets.default_dir()):
        return ["browser: asset cache not filled (python -m ptce_sim.apps.web.assets)"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, SOLARA_ASSETS_PROXY_CACHE_DIR=str(assets.default_dir()))
    proc = subprocess.Popen(
        [sys.executable, "-m", "ptce_sim.apps.cli", "web", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_selector("svg.ptce-territory")
            button = page.get_by_role("button", name="Un mois")
            ms = []
            for k in range(steps + 1):
                t = time.perf_counter()
                button.click()
                page.wait_for_function(
                    "m => document.querySelector('.ptce-month').innerText.startsWith(m)",
                    arg=f"Mois {k + 1} ",
                )
                if k:  # the first is a warm-up
                    ms.append(1000 * (time.perf_counter() - t))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return [_summary("browser (click to new month)", ms)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--browser", action="store_true", help="also measure in Chromium")
    args = parser.parse_args()
    for line in server_side(args.steps):
        print(line)
    if args.browser:
        for line in browser_side(args.steps):
            print(line)


if __name__ == "__main__":
    main()
