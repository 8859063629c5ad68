"""The dashboard under load, as in front of a room on a busy laptop: both cores are kept busy
by two spinning processes (started and stopped here) while Chromium clicks through a run.

Every check waits on what the page shows, never on elapsed time. The page tells which week it
shows on the view (``.ics-view[data-week]``), the app bar (``.ics-appbar-week``), the network(s)
and each chart, so a click's week is read in the same moment as the click.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.browser

pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright")

from tests.interfaces import test_dashboard_browser as browser_tests  # noqa: E402

Session = browser_tests.Session
chromium = browser_tests.chromium
server = browser_tests.server

#: Records, in the page, every moment the week-dependent parts disagree (checked on every
#: change of the page, not only when the test looks).
WATCH_CONSISTENCY = """() => {
    window.icsMismatch = [];
    window.icsChecks = 0;
    const check = () => {
        const view = document.querySelector('.ics-view');
        const bar = document.querySelector('.ics-appbar-week');
        const head = document.querySelector('.ics-headline');
        if (!view || !bar || !head) return;
        const w = view.dataset.week;
        const m = head.textContent.match(/^Week (\\d+) /);
        const parts = [bar.dataset.week, m ? m[1] : 'none'];
        const drawn = document.querySelectorAll('.ics-chart, .ics-net');
        for (const e of drawn) parts.push(e.dataset.week);
        window.icsChecks += 1;
        if (parts.some((p) => p !== w)) window.icsMismatch.push([w, ...parts].join(' '));
    };
    new MutationObserver(check).observe(document.body, {
        subtree: true, childList: true, characterData: true, attributes: true,
        attributeFilter: ['data-week'],
    });
}"""


@pytest.fixture(scope="module")
def load() -> Iterator[list[subprocess.Popen]]:
    """Both cores busy for the whole module: one spinning process per core."""
    spin = [sys.executable, "-c", "while True: pass"]
    procs = [subprocess.Popen(spin) for _ in range(os.cpu_count() or 2)]
    try:
        yield procs
    finally:
        for p in procs:
            p.kill()
            p.wait()


@pytest.fixture
def busy(load, chromium, server) -> Iterator[Session]:
    assert all(p.poll() is None for p in load)
    s = Session(chromium, server)
    s.page.evaluate(WATCH_CONSISTENCY)
    yield s
    mismatch = s.page.evaluate("() => window.icsMismatch")
    assert not mismatch, f"parts of the page showed different weeks: {mismatch[:5]}"
    assert s.page.evaluate("() => window.icsChecks") > 0
    s.close()


def _play(s: Session, until_week: int) -> None:
    s.page.click(".ics-play")
    s.page.wait_for_selector(".ics-play[data-playing='1']", timeout=60_000)
    s.page.wait_for_function(
        "(w) => Number(document.querySelector('.ics-view').dataset.week) >= w",
        arg=until_week,
        timeout=120_000,
    )


def test_an_intervention_clicked_at_week_w_starts_at_w_or_the_next_step(busy):
    s = busy
    _play(s, 6)
    shown = s.click_at_week(".ics-start-intervention")
    s.page.wait_for_selector(".ics-marker", timeout=60_000)
    start = int(s.page.get_attribute(".ics-marker", "data-week"))
    assert start in (shown, shown + 1), (shown, start)
    assert f"Big breakfast started at week {start} " in s.page.inner_text(".ics-notice")
    assert f"Big breakfast, from week {start} " in s.page.inner_text("body")
    # and a shock, clicked while it still plays
    shown = s.click_at_week(".ics-start-shock")
    s.page.wait_for_selector(".ics-chart >> nth=0 >> .ics-marker >> nth=1", timeout=60_000)
    weeks = s.page.eval_on_selector_all(
        ".ics-chart >> nth=0 >> .ics-marker", "(ms) => ms.map((m) => Number(m.dataset.week))"
    )
    assert weeks[-1] in (shown, shown + 1), (shown, weeks)
    s.click_at_week(".ics-play")
    s.wait_until_paused()


def test_pause_stops_within_one_step_of_the_week_shown(busy):
    s = busy
    for _ in range(3):
        _play(s, s.week() + 4)
        shown = s.click_at_week(".ics-play")
        s.wait_until_paused()
        paused = s.week()
        assert paused in (shown, shown + 1), (shown, paused)
        assert s.page.inner_text(".ics-appbar-week").startswith(f"Week {paused} ")
        # it really stopped: one step is exactly one week on
        s.step(1)
        assert s.week() == paused + 1


def test_two_hundred_random_clicks_while_playing_never_crash_the_page(busy):
    s = busy
    page = s.page
    rng = random.Random(11)
    targets = [
        ".ics-play",
        ".ics-start-intervention",
        ".ics-start-shock",
        ".ics-side-switch",
        ".ics-speed button >> nth=0",
        ".ics-speed button >> nth=1",
        ".ics-speed button >> nth=2",
        ".ics-net-node >> nth={}",
        ".ics-stop >> nth=0",
    ]
    _play(s, 2)
    for i in range(200):
        target = rng.choice(targets)
        if "{}" in target:
            target = target.format(rng.randrange(43))
        if page.locator(target).count() == 0:
            target = ".ics-play"
        # a real click (mouse events at the element), without waiting for the page to settle
        page.locator(target).first.click(timeout=60_000, no_wait_after=True)
        if i % 40 == 39:  # the run goes on in between
            assert page.locator(".ics-view").count() == 1
    # nothing broke: no error panel, no traceback, and it still plays
    assert page.locator(".ics-error").count() == 0
    assert "Traceback" not in page.inner_text("body")
    if page.get_attribute(".ics-play", "data-playing") == "0":
        page.click(".ics-play")
    week = s.week()
    page.wait_for_function(
        "(w) => Number(document.querySelector('.ics-view').dataset.week) > w + 2",
        arg=week,
        timeout=120_000,
    )
    shown = s.click_at_week(".ics-play")
    s.wait_until_paused()
    assert s.week() - shown <= 4  # one step, which is 4 weeks at the fast speed
    assert re.match(r"Week \d+ ", page.inner_text(".ics-headline"))
