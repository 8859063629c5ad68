"""Dashboard responsiveness: median time of one step plus redraw of the default ICS.

    .venv/bin/python benchmarks/dashboard_step.py [--steps 40] [--browser]

Without ``--browser`` it renders the dashboard with Solara but no browser, clicks "Step a
week" and times everything the server does for it: stepping the model (both runs when side
by side), building the network, charts, radar and tiles, and updating the widgets. With
``--browser`` it also starts the real server on 127.0.0.1 and times, in Chromium
(/usr/bin/chromium), from the click to the moment the browser has drawn the new week in the
network and all seven charts. The aim is under 200 ms. Not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def server_side(steps: int, side_by_side: bool) -> list[float]:
    import ipyvuetify as v
    import solara

    from ics_sim.dashboard import app

    _, rc = solara.render(app.Dashboard(sidebar=False), handle_error=False)
    if side_by_side:
        rc.find(v.Switch, class_="ics-side-switch").widget.v_model = True
    step = rc.find(v.Btn, class_="ics-step").widget
    for _ in range(3):  # warm up
        step.click()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step.click()
        times.append(time.perf_counter() - t0)
    return times


#: In the page: click "Step a week", then wait, frame by frame, until the network(s) and all
#: seven charts show the new week; the time in ms from the click to the frame after that.
CLICK_TO_DRAWN = """(week) => new Promise((resolve) => {
    const t0 = performance.now();
    function drawn() {
        const charts = document.querySelectorAll('.ics-chart[data-week="' + week + '"]');
        const nets = [...document.querySelectorAll('.ics-net')];
        return charts.length === 7 && nets.every((n) => n.dataset.week === String(week));
    }
    function poll() {
        if (drawn()) requestAnimationFrame(() => resolve(performance.now() - t0));
        else requestAnimationFrame(poll);
    }
    document.querySelector('.ics-step').click();
    requestAnimationFrame(poll);
})"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def in_browser(steps: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ics_sim.dashboard", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    out: dict[str, list[float]] = {}
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the dashboard server did not start") from None
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector(".ics-chart", timeout=60_000)
            for mode in ("single", "side by side"):
                if mode == "side by side":
                    page.click(".ics-side-switch")
                    page.wait_for_selector(".ics-network-twin .ics-net", timeout=30_000)
                times = []
                for i in range(steps + 3):
                    week = int(page.get_attribute(".ics-network-main .ics-net", "data-week"))
                    ms = page.evaluate(CLICK_TO_DRAWN, week + 1)
                    if i >= 3:
                        times.append(ms / 1000)
                out[mode] = times
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return out


def report(label: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    p90 = ms[int(0.9 * (len(ms) - 1))]
    print(f"{label:<52} median {statistics.median(ms):6.1f} ms   90th pct {p90:6.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=40, help="steps to time (default 40)")
    ap.add_argument(
        "--browser", action="store_true", help="also time the redraw in Chromium end to end"
    )
    args = ap.parse_args()
    print("Default ICS (43 organisations), one step plus redraw:")
    report("server: step + views + widgets, single", server_side(args.steps, False))
    report("server: step + views + widgets, side by side", server_side(args.steps, True))
    if args.browser:
        if not Path(CHROMIUM).exists():
            print(f"no browser at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
            return 1
        for mode, times in in_browser(args.steps).items():
            report(f"browser: click to drawn, {mode}", times)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
