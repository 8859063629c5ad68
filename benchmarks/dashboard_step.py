"""Dashboard responsiveness: one step plus redraw of the default ICS, and the PNG export.

    .venv/bin/python benchmarks/dashboard_step.py [--steps 40] [--browser [--load 2]]

Without ``--browser`` it renders the dashboard with Solara but no browser, clicks "Step a
week" and times everything the server does for it: the player applying the click, stepping
the model (both runs when side by side), taking the frame (network, charts, radar, tiles)
and updating the widgets. With ``--browser`` it also starts the real server on 127.0.0.1 and
times, in Chromium (/usr/bin/chromium), from the click to the moment the browser shows the
new week in the app bar, the network(s) and all seven charts, and from a click on "Picture of
this view (PNG)" to the download, at week 260 side by side. ``--load N`` (default 2: both
cores of a two-core laptop) keeps N spinning processes running meanwhile, as a busy laptop
under a projector would. Not a test: it prints numbers (median and 90th percentile).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
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

    from ics_sim.interfaces.dashboard import app

    _, rc = solara.render(app.Dashboard(sidebar=False), handle_error=False)
    if side_by_side:
        rc.find(v.Switch, class_="ics-side-switch").widget.v_model = True
    (view,) = [w for w in rc.find(v.VuetifyTemplate).widgets if hasattr(w, "frame_json")]
    changed = threading.Event()
    view.observe(lambda _change: changed.set(), "frame_json")
    step = rc.find(v.Btn, class_="ics-step").widget
    times = []
    for i in range(steps + 3):  # 3 to warm up
        changed.clear()
        t0 = time.perf_counter()
        step.click()
        if not changed.wait(60):
            raise RuntimeError("the view did not change after a step")
        if i >= 3:
            times.append(time.perf_counter() - t0)
    return times


#: In the page: click "Step a week", then wait, frame by frame, until the app bar, the
#: network(s) and all seven charts show the new week; the time in ms from the click to the
#: frame after that.
CLICK_TO_DRAWN = """(week) => new Promise((resolve) => {
    const t0 = performance.now();
    function drawn() {
        const charts = document.querySelectorAll('.ics-chart[data-week="' + week + '"]');
        const nets = [...document.querySelectorAll('.ics-net')];
        const bar = document.querySelector('.ics-appbar-week');
        return charts.length === 7 && nets.every((n) => n.dataset.week === String(week)) &&
            bar.dataset.week === String(week);
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


def _week(page) -> int:
    return int(page.get_attribute(".ics-view", "data-week"))


def in_browser(steps: int, exports: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ics_sim.interfaces.dashboard", "--port", str(port)],
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
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector(".ics-appbar-week[data-week]", timeout=120_000)
            for mode in ("single", "side by side"):
                if mode == "side by side":
                    page.click(".ics-side-switch")
                    page.wait_for_selector(".ics-network-twin .ics-net", timeout=60_000)
                times = []
                for i in range(steps + 3):
                    ms = page.evaluate(CLICK_TO_DRAWN, _week(page) + 1)
                    if i >= 3:
                        times.append(ms / 1000)
                out[f"browser: click to drawn, {mode}"] = times
            # the picture at the end of a five-year story, side by side
            page.click(".ics-speed button >> nth=2")  # Fast
            page.click(".ics-play")
            page.wait_for_function(
                "() => Number(document.querySelector('.ics-view').dataset.week) >= 260 && "
                "document.querySelector('.ics-play').dataset.playing === '0'",
                timeout=600_000,
            )
            times = []
            for _ in range(exports):
                t0 = time.perf_counter()
                with page.expect_download(timeout=300_000) as d:
                    page.click("text=Picture of this view (PNG)")
                d.value.path()
                times.append(time.perf_counter() - t0)
            out[f"browser: PNG export at week {_week(page)}, side by side"] = times
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return out


def report(label: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    p90 = ms[int(0.9 * (len(ms) - 1))]
    print(
        f"{label:<56} median {statistics.median(ms):7.1f} ms   90th pct {p90:7.1f} ms"
        f"   (n={len(ms)})"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=40, help="steps to time (default 40)")
    ap.add_argument(
        "--browser", action="store_true", help="also time the redraw in Chromium end to end"
    )
    ap.add_argument(
        "--load",
        type=int,
        default=2,
        metavar="N",
        help="spinning processes that keep the cores busy while timing (default 2; 0: none)",
    )
    ap.add_argument("--exports", type=int, default=5, help="PNG exports to time (default 5)")
    args = ap.parse_args()
    spin = [sys.executable, "-c", "while True: pass"]
    load = [subprocess.Popen(spin) for _ in range(max(args.load, 0))]
    try:
        print(
            f"Default ICS (43 organisations), one step plus redraw, "
            f"{len(load)} spinning process(es) alongside:"
        )
        report("server: step + frame + widgets, single", server_side(args.steps, False))
        report("server: step + frame + widgets, side by side", server_side(args.steps, True))
        if args.browser:
            if not Path(CHROMIUM).exists():
                print(f"no browser at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
                return 1
            for label, times in in_browser(args.steps, args.exports).items():
                report(label, times)
    finally:
        for p in load:
            p.kill()
            p.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
