"""How long one month plus its redraw takes in the web view (target: <= 150 ms at 80
organisations, issue 15).

Two measures, both on the baseline territory (80 organisations), after a warm-up:

- ``server``: the page rendered in-process (``solara.render``), the "one month" button
  clicked; the time covers the model's month, every panel rebuilt (territory SVG, six
  charts, pole cards, feed) and Solara's widget update — all the server does per step;
  also the panels alone (``views``: SVGs, cards and feed without Solara).
- ``browser`` (``--browser``; needs Debian's Chromium and the offline asset cache): a
  real ``ptce-sim web`` and Chromium, timed inside the page from the click on "one
  month" to the frame painted after the last change it brings (the month, territory,
  charts, cards and feed), so the websocket round trip, the browser's update and its
  drawing are in; also when the server was idle again, the messages and bytes a month,
  and the same click driven by Playwright from outside (which adds the driver's round
  trips: what a test sees, not a user).

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

    from ptce_sim.apps.web import views
    from ptce_sim.apps.web.app import Page
    from ptce_sim.apps.web.session import Session

    lines = []
    # The panels alone, on a session of their own.
    s = Session()
    assert s.model is not None
    assert s.model.orgs.n == 80

    def panels() -> None:
        s.step(1)
        for draw in (views.territory_html, views.series_html, views.cards_html, views.feed_html):
            draw(s, "fr")

    panels()  # warm-up
    lines.append(_summary("views (step + panels)", _timed(panels, steps)))

    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    button = rc.find(v.Btn, children=["Un mois"]).widget
    button.click()  # warm-up
    lines.append(_summary("server (step + redraw)", _timed(button.click, steps)))
    return lines


#: Put in the page before it loads: notes when the server says it is idle again (the
#: kernel's ``status: idle`` message ends the handling of each click) and counts the
#: websocket messages and bytes received.
_WATCH_SOCKET = """
(() => {
  window.__ptce = {idle: null, messages: 0, bytes: 0};
  const Native = window.WebSocket;
  class Watched extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = e.data, w = window.__ptce;
        w.messages += 1;
        w.bytes += typeof d === 'string' ? d.length : (d.byteLength || d.size || 0);
        if (typeof d === 'string' && d.length < 2000 && d.includes('"idle"')) {
          w.idle = performance.now();
        }
      });
    }
  }
  window.WebSocket = Watched;
})();
"""

#: One month, timed inside the page: the click on "one month", then every change it
#: brings to the page (the month, the territory, the charts, the cards, the feed) until
#: the server is idle, and the frame painted after the last of them.
_ONE_MONTH = """
async () => {
  const w = window.__ptce;
  w.idle = null; w.messages = 0; w.bytes = 0;
  let last = null, painted = null;
  const seen = new MutationObserver(() => {
    last = performance.now();
    requestAnimationFrame(() => setTimeout(() => { painted = performance.now(); }, 0));
  });
  seen.observe(document.body, {subtree: true, childList: true, characterData: true});
  const start = performance.now();
  document.querySelector('.ptce-step button, button.ptce-step').click();
  while (w.idle === null) await new Promise((r) => setTimeout(r, 2));
  // Whatever the last messages change is drawn within a frame or two of them.
  await new Promise((r) => setTimeout(r, 100));
  seen.disconnect();
  return {shown: painted - start, changed: last - start, idle: w.idle - start,
          messages: w.messages, bytes: w.bytes};
}
"""


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
    shown, changed, idle, driven, sizes = [], [], [], [], []
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
            page.add_init_script(_WATCH_SOCKET)
            page.goto(url)
            page.wait_for_selector("svg.ptce-territory")
            for k in range(steps + 1):
                r = page.evaluate(_ONE_MONTH)
                if k:  # the first is a warm-up
                    shown.append(r["shown"])
                    changed.append(r["changed"])
                    idle.append(r["idle"])
                    sizes.append((r["messages"], r["bytes"]))
            # The same click driven from outside (Playwright's click and polling), as a
            # test would: adds the driver's own round trips to the page.
            button = page.get_by_role("button", name="Un mois")
            for k in range(steps + 1):
                t = time.perf_counter()
                button.click()
                page.wait_for_function(
                    "m => document.querySelector('.ptce-month').innerText.startsWith(m)",
                    arg=f"Mois {steps + k + 2} ",
                )
                if k:
                    driven.append(1000 * (time.perf_counter() - t))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    messages = statistics.median(m for m, _ in sizes)
    kbytes = statistics.median(b for _, b in sizes) / 1000
    return [
        _summary("browser: click to all shown", shown),
        _summary("  of which: last change", changed),
        _summary("  server idle again", idle),
        f"  {messages:.0f} websocket messages, {kbytes:.0f} kB a month (median)",
        _summary("playwright click to month", driven),
    ]


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
