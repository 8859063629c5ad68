"""The workshop dashboard in a real browser (Chromium), as a facilitator would use it.

Starts ``python -m ics_sim.interfaces.dashboard`` (what ``ics-sim dashboard`` runs) on a free
port of 127.0.0.1 with telemetry off, and drives Debian's Chromium (/usr/bin/chromium) with
Playwright. Every request the page makes is checked to stay on 127.0.0.1: the dashboard must
work with no network at all. Never run ``playwright install``: the browser comes from apt
(``apt-get install chromium``).

Screenshots of the main views are written to a temporary folder, or to ``docs/img/`` when
``ICS_SIM_SCREENSHOTS=docs`` is set (they illustrate docs/facilitator-guide.md).
"""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 900}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

if not CHROMIUM.exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install it with 'apt-get install -y chromium' "
        "(never 'playwright install')",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
pytest.importorskip("solara", reason="pip install 'ics-sim[dashboard]'")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The dashboard served on a free port of 127.0.0.1, stopped after the tests."""
    port = _free_port()
    env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="false")
    env.pop("ICS_SIM_DASHBOARD_SCENARIO", None)
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"ics-dashboard-{port}.log", "w+b")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "ics_sim.interfaces.dashboard", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail("the dashboard server exited:\n" + log.read().decode(errors="replace"))
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the dashboard server did not start within 120 s")
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    log_text = Path(log.name).read_text(errors="replace")
    assert "Traceback" not in log_text, log_text


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: docs/img with ICS_SIM_SCREENSHOTS=docs, else a temporary folder."""
    if os.environ.get("ICS_SIM_SCREENSHOTS") == "docs":
        folder = ROOT / "docs" / "img"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


class Session:
    """One participant: a browser context with its own page, watched for errors and for any
    request that leaves this computer."""

    def __init__(self, browser, url: str, viewport: dict | None = None):
        self.context = browser.new_context(viewport=viewport or VIEWPORT, accept_downloads=True)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context.route(re.compile(r".*"), self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)
        self.page.wait_for_selector(".ics-chart[data-week]", timeout=90_000)
        self.page.wait_for_selector(".ics-net-node", timeout=30_000)
        self.page.wait_for_selector(".ics-appbar-week[data-week]", timeout=30_000)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    # -- reading the page -----------------------------------------------------------------
    def week(self) -> int:
        return int(self.page.get_attribute(".ics-view", "data-week"))

    def week_text(self) -> str:
        return self.page.inner_text(".ics-appbar-week")

    def wait_for_week(self, week: int, timeout: float = 60_000) -> None:
        self.page.wait_for_function(
            """(w) => [...document.querySelectorAll('.ics-net')].every(
                   (n) => n.dataset.week === String(w)) &&
               document.querySelectorAll('.ics-chart[data-week="' + w + '"]').length === 7 &&
               document.querySelector('.ics-appbar-week').dataset.week === String(w)""",
            arg=week,
            timeout=timeout,
        )

    def click_at_week(self, selector: str) -> int:
        """Click ``selector`` and return the week the page showed at that moment."""
        return self.page.evaluate(
            """(sel) => {
                const w = Number(document.querySelector('.ics-view').dataset.week);
                document.querySelector(sel).click();
                return w;
            }""",
            selector,
        )

    def wait_until_paused(self) -> None:
        self.page.wait_for_selector(".ics-play[data-playing='0']", timeout=60_000)

    # -- acting ---------------------------------------------------------------------------
    def step(self, weeks: int = 1) -> None:
        for _ in range(weeks):
            w = self.week()
            self.page.click(".ics-step")
            self.wait_for_week(w + 1)

    def settle(self) -> None:
        """Let hover effects and fonts settle before a screenshot (never before a check)."""
        self.page.wait_for_timeout(600)

    def close(self) -> None:
        assert not self.errors, f"console errors: {self.errors}"
        assert not self.outside, f"requests outside this computer: {self.outside}"
        self.context.close()


@pytest.fixture
def session(chromium, server) -> Iterator[Session]:
    s = Session(chromium, server)
    yield s
    s.close()


def test_page_loads_offline_with_no_errors(session, shots):
    page = session.page
    assert page.title() == "ICS collaboration dashboard"
    assert session.week_text() == "Week 0 (the start)"
    assert page.locator(".ics-net-node").count() == 43
    assert page.locator(".ics-chart").count() == 7
    assert page.locator(".ics-tile").count() == 7
    assert "Safe to speak up" in page.inner_text(".ics-tiles")
    assert "Press Play" in page.inner_text(".ics-description")
    session.settle()
    page.screenshot(path=str(shots / "dashboard-start.png"))


def test_step_and_play_advance_the_week(session):
    session.step(2)
    page = session.page
    assert session.week_text() == "Week 2 (2 weeks)"
    page.click(".ics-play")
    page.wait_for_function(
        "() => Number(document.querySelector('.ics-view').dataset.week) >= 8", timeout=60_000
    )
    shown = session.click_at_week(".ics-play")  # pause
    session.wait_until_paused()
    paused = session.week()
    assert paused in (shown, shown + 1)  # the week shown, or the step being drawn
    # paused: one step moves exactly one week on, and every part of the page shows it
    session.step(1)
    assert session.week() == paused + 1
    assert page.get_attribute(".ics-chart", "data-week") == str(paused + 1)
    assert page.inner_text(".ics-headline").startswith(f"Week {paused + 1} ")


def test_switching_an_intervention_on_marks_the_moment(session, shots):
    page = session.page
    session.step(30)
    assert page.locator(".ics-marker").count() == 0
    page.click(".ics-start-intervention")  # "Start big breakfast now"
    page.wait_for_selector(".ics-marker", timeout=10_000)
    assert page.locator(".ics-chart .ics-marker").count() == 7
    assert page.get_attribute(".ics-marker", "data-label") == "Big breakfast starts"
    assert "Big breakfast started at week 30" in page.inner_text(".ics-notice")
    assert "Big breakfast, from week 30 (7 months)" in page.inner_text("body")
    before = page.inner_text(".ics-tiles")
    session.step(40)
    assert page.inner_text(".ics-tiles") != before
    session.settle()
    page.screenshot(path=str(shots / "dashboard-breakfast.png"))
    # point at the chart to read the values
    page.hover(".ics-chart-svg >> nth=0", position={"x": 200, "y": 50})
    page.wait_for_selector(".ics-chart-tip")
    assert "Week" in page.inner_text(".ics-chart-tip")
    session.settle()
    page.screenshot(path=str(shots / "dashboard-charts.png"))


def test_choosing_an_organisation_describes_it(session, shots):
    page = session.page
    session.step(10)
    node = page.locator(".ics-net-node").nth(1)
    node.hover()
    page.wait_for_selector(".ics-tip")
    assert "Acute trust 1" in page.inner_text(".ics-tip")
    assert "Feels safe to speak up" in page.inner_text(".ics-tip")
    node.click()
    page.wait_for_selector(".ics-org-sentence")
    sentence = page.inner_text(".ics-org-sentence")
    assert sentence.startswith("Acute trust 1 (Acute trust, Place A):")
    assert "Safe to speak up" in page.inner_text(".ics-org-card")
    session.settle()
    page.screenshot(path=str(shots / "dashboard-organisation.png"))


def test_side_by_side_shows_two_systems_in_step(session, shots):
    page = session.page
    page.click(".ics-side-switch")
    page.wait_for_selector(".ics-network-twin .ics-net")
    assert page.locator(".ics-net").count() == 2
    assert page.inner_text(".ics-network-twin .ics-net-title") == "Carrying on as now"
    assert page.inner_text(".ics-network-main .ics-net-title") == "With your changes"
    session.step(20)
    assert page.locator(".ics-network-twin .ics-net").get_attribute("data-week") == "20"
    assert "the same as carrying on as now" in page.inner_text(".ics-headline")
    page.click(".ics-start-intervention")
    page.wait_for_selector(".ics-marker")
    session.step(60)
    headline = page.inner_text(".ics-headline")
    assert re.search(r"against 0\.\d\d carrying on as now \([+−]0\.\d\d\)", headline), headline
    session.settle()
    page.screenshot(path=str(shots / "dashboard-side-by-side.png"))


def test_a_workshop_story_side_by_side(session, shots):
    """Story 1: the same budget squeeze with and without a standing breakfast."""
    page = session.page
    page.click(".ics-system-picker input")
    page.keyboard.type("Story 1")
    item = ".v-list-item:has-text('Story 1: Budget squeeze with a standing breakfast')"
    page.wait_for_selector(item)
    page.click(item)
    page.wait_for_selector(".ics-system-description:has-text('Budgets are cut by 15%')")
    page.wait_for_selector(".ics-marker")  # the squeeze at week 26 is planned: shown faintly
    changes = page.inner_text("body")
    assert "Big breakfast, from the start" in changes
    assert "Financial squeeze, from week 26 (6 months)" in changes
    page.click(".ics-side-switch")
    page.wait_for_selector(".ics-network-twin .ics-net")
    session.step(104)
    assert "carrying on as now" in page.inner_text(".ics-headline")
    session.settle()
    page.screenshot(path=str(shots / "dashboard-story-1.png"))


def test_two_participants_do_not_move_each_other(chromium, server):
    a, b = Session(chromium, server), Session(chromium, server)
    try:
        a.step(3)
        a.page.click(".ics-start-intervention")
        a.page.wait_for_selector(".ics-marker")
        assert b.week() == 0 and b.page.locator(".ics-marker").count() == 0
        b.step(1)
        assert a.week() == 3 and b.week() == 1
    finally:
        a.close()
        b.close()


def test_exports_download_a_picture_and_the_results(session, shots):
    page = session.page
    session.step(6)
    with page.expect_download(timeout=60_000) as d:
        page.click("text=Results, week by week (CSV)")
    download = d.value
    assert download.suggested_filename == "ics-sim_baseline_week-6.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [r["Week"] for r in rows] == [str(w) for w in range(7)]
    assert rows[0]["System"] == "Baseline" and "Safe to speak up" in rows[0]
    with page.expect_download(timeout=60_000) as d:
        page.click("text=Picture of this view (PNG)")
    png = Path(d.value.path()).read_bytes()
    assert d.value.suggested_filename == "ics-sim_baseline_week-6.png"
    assert png.startswith(PNG_SIGNATURE) and len(png) > 50_000
    (shots / "dashboard-export.png").write_bytes(png)


def test_a_real_ics_can_be_chosen(session, shots):
    from ics_sim.interfaces.dashboard.simulation import ics_systems

    icss = ics_systems()
    if not icss:
        pytest.skip("ics_sim.england is not available in this version")
    page = session.page
    page.click(".ics-system-picker input")
    page.keyboard.type("Bedfordshire")
    page.wait_for_selector(".v-list-item:has-text('Bedfordshire, Luton and Milton Keynes ICS')")
    page.click(".v-list-item:has-text('Bedfordshire, Luton and Milton Keynes ICS')")
    page.wait_for_function(
        "() => document.querySelector('.ics-headline').textContent.startsWith('Week 0')"
        " && document.querySelectorAll('.ics-net-node').length === 38",
        timeout=30_000,
    )
    page.wait_for_selector(".ics-system-description:has-text('Bedfordshire, Luton and Milton')")
    assert "38 organisations" in page.inner_text(".ics-system-description")
    session.step(5)
    page.mouse.move(5, 5)
    session.settle()
    page.screenshot(path=str(shots / "dashboard-real-ics.png"))


# ---------------------------------------------------------------------------------------------
# In front of a room: a 1024x768 projector


def _text_sizes(page) -> list[tuple[str, float]]:
    """Every visible piece of text in the app bar and the main view, with its size on screen
    in CSS pixels (SVG text scaled by its drawing)."""
    return page.evaluate(
        """() => {
        const out = [];
        const roots = [...document.querySelectorAll('.ics-view, .v-app-bar')];
        for (const root of roots) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const t = node.textContent.trim();
                const el = node.parentElement;
                if (!t || !el) continue;
                const box = el.getBoundingClientRect();
                if (box.width === 0 || box.height === 0) continue;
                if (getComputedStyle(el).visibility === 'hidden') continue;
                let size = parseFloat(getComputedStyle(el).fontSize);
                const svg = el.closest('svg');
                if (svg && el instanceof SVGElement) size *= svg.getScreenCTM().a;
                out.push([t.slice(0, 40), size]);
            }
        }
        return out;
    }"""
    )


def test_projector_mode_shows_the_charts_beside_the_network_in_big_text(chromium, server, shots):
    s = Session(chromium, server, viewport={"width": 1024, "height": 768})
    try:
        page = s.page
        page.wait_for_selector(".ics-view.ics-projector")
        # the side panel is folded away, and comes back with the menu button
        page.wait_for_selector(".v-navigation-drawer--close", state="attached")
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('.ics-chart, .ics-net-svg')].map((e) => {
                const b = e.getBoundingClientRect();
                return [e.className.baseVal || e.className, b.left, b.top, b.right, b.bottom];
            })"""
        )
        assert len(boxes) == 8
        for name, left, top, right, bottom in boxes:
            assert 0 <= left and right <= 1024 and bottom <= 768, (name, left, top, right, bottom)
        net = next(b for b in boxes if "ics-net-svg" in b[0])
        charts = [b for b in boxes if "ics-chart" in b[0]]
        assert all(c[1] >= net[3] for c in charts)  # beside the network, to its right
        sizes = _text_sizes(page)
        assert len(sizes) > 40
        small = [(t, round(z, 1)) for t, z in sizes if z < 15.9]
        assert not small, small
        # labels do not overlap one another
        labels = page.evaluate(
            """() => [...document.querySelectorAll('.ics-net-label')].map((e) => {
                const b = e.getBoundingClientRect();
                return [b.left, b.top, b.right, b.bottom];
            })"""
        )
        assert 3 <= len(labels) < 43
        for i, a in enumerate(labels):
            for b in labels[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
        # every kind of organisation has its own colour
        colours = page.evaluate(
            "() => [...document.querySelectorAll('.ics-legend .ics-dot')]"
            ".slice(0, -2).map((d) => getComputedStyle(d).backgroundColor)"
        )
        assert len(colours) == 8 and len(set(colours)) == 8
        s.settle()
        page.screenshot(path=str(shots / "dashboard-projector-1024.png"))
        page.click(".v-app-bar button >> nth=0")  # the menu: the side panel comes back
        page.wait_for_selector(".ics-step", state="visible")
        s.step(3)
        s.settle()
        page.screenshot(path=str(shots / "dashboard-projector-1024-panel.png"))
    finally:
        s.close()


def test_wide_screen_shows_the_charts_without_scrolling(chromium, server, shots):
    s = Session(chromium, server, viewport={"width": 1400, "height": 900})
    try:
        page = s.page
        assert page.locator(".ics-view.ics-projector").count() == 0
        s.step(5)
        bottoms = page.evaluate(
            "() => [...document.querySelectorAll('.ics-chart, .ics-net-svg')]"
            ".map((e) => e.getBoundingClientRect().bottom)"
        )
        assert len(bottoms) == 8 and max(bottoms) <= 900
        # the projector toggle in the app bar switches the big text on at any width
        page.click(".ics-projector-toggle")
        page.wait_for_selector(".ics-view.ics-projector")
        page.click(".ics-projector-toggle")
        page.wait_for_function("() => !document.querySelector('.ics-view.ics-projector')")
        s.settle()
        page.screenshot(path=str(shots / "dashboard-1400.png"))
    finally:
        s.close()
