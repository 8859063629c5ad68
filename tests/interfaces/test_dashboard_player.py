"""The dashboard's clock without a browser: one thread moves the model, clicks are queued and
applied at a step boundary, frames are handed out one at a time, and errors never escape.

The "browser" here is the test: it says when it has drawn a frame (``Player.drawn``), and the
player must not step again before that.
"""

from __future__ import annotations

import queue

import pytest

from ics_sim.interfaces.dashboard.player import Frame, Player
from ics_sim.interfaces.dashboard.simulation import DEFAULT_SYSTEM

SYSTEMS = (DEFAULT_SYSTEM,)


class Page:
    """Stands in for the page: receives frames, renders them at once, draws them on demand."""

    def __init__(self) -> None:
        self.frames: queue.Queue[Frame] = queue.Queue()
        self.player = Player(SYSTEMS, "default", publish=self.publish)
        self.player.drawn(self.player.frame.id)  # a browser is attached and shows frame 1
        self.shown = self.player.frame
        self.player.start()

    def publish(self, frame: Frame) -> None:
        self.player.rendered(frame.id)
        self.frames.put(frame)

    def next(self) -> Frame:
        """The next frame handed to the page (waits for it; the limit only stops a hang)."""
        return self.frames.get(timeout=60)

    def draw(self, frame: Frame) -> None:
        self.shown = frame
        self.player.drawn(frame.id)

    def until(self, cond) -> Frame:
        """Draw frames as they come until one satisfies ``cond``."""
        while True:
            frame = self.next()
            self.draw(frame)
            if cond(frame):
                return frame

    def close(self) -> None:
        self.player.close()


@pytest.fixture
def page():
    p = Page()
    yield p
    p.close()


def test_the_model_never_runs_ahead_of_the_page(page):
    page.player.send("play")
    last = page.until(lambda f: f.playing)
    for _ in range(15):
        frame = page.next()
        # one step per frame drawn, never more: the page is at most one step behind
        assert frame.week == last.week + 1
        assert frame.view["week"] == frame.week
        assert all(c["week"] == frame.week for c in frame.view["charts"])
        assert frame.view["headline"].startswith(f"Week {frame.week} ")
        page.draw(frame)
        last = frame


def test_a_click_during_play_starts_at_the_week_shown_or_the_next_step(page):
    page.player.send("play")
    shown = page.until(lambda f: f.week >= 5)
    page.player.send("start", "big_breakfast")
    frame = page.until(lambda f: any(r["kind"] == "intervention" for r in f.changes))
    (event,) = page.player.sim.changes()
    assert event.start in (shown.week, shown.week + 1)
    assert f"started at week {event.start} " in frame.notice


def test_pause_stops_within_one_step_of_the_week_shown(page):
    page.player.send("play")
    shown = page.until(lambda f: f.week >= 4)
    page.player.send("pause")
    paused = page.until(lambda f: not f.playing)
    assert paused.week in (shown.week, shown.week + 1)
    page.player.send("step")
    after = page.until(lambda f: f.week != paused.week)
    assert after.week == paused.week + 1 and not after.playing


def test_fast_steps_four_weeks_a_frame(page):
    page.player.send("speed", "Fast")
    page.player.send("play")
    first = page.until(lambda f: f.playing and f.week > 0)
    second = page.until(lambda f: f.week != first.week)
    assert second.week == first.week + 4


def test_an_error_is_shown_and_the_run_is_kept(page, monkeypatch):
    page.player.send("step")
    page.player.send("step")
    page.until(lambda f: f.week == 2)
    sim = page.player.sim

    def broken(weeks=1):
        raise RuntimeError("the model broke")

    monkeypatch.setattr(sim, "step", broken)
    page.player.send("play")
    failed = page.until(lambda f: f.error)
    assert "the model broke" in failed.error and not failed.playing and failed.week == 2
    monkeypatch.undo()
    page.player.send("carry_on")
    page.player.send("step")
    frame = page.until(lambda f: f.week == 3)
    assert not frame.error and page.player.sim is sim


def test_a_bad_click_is_a_notice_not_an_error(page):
    page.player.send("start", "no_such_thing")
    frame = page.until(lambda f: f.notice)
    assert "unknown intervention or shock" in frame.notice and not frame.error


def test_two_hundred_random_clicks_while_playing_never_break_it(page):
    import random

    rng = random.Random(3)
    commands = [
        ("pause",),
        ("play",),
        ("step",),
        ("speed", "Fast"),
        ("speed", "Normal"),
        ("side", True),
        ("side", False),
        ("start", "big_breakfast"),
        ("start", "financial_squeeze"),
        ("select", 3),
        ("select", None),
        ("dismiss",),
    ]
    page.player.send("play")
    for _ in range(200):
        page.player.send(*rng.choice(commands))
        try:
            page.draw(page.frames.get_nowait())
        except queue.Empty:
            pass
    page.player.send("play")
    frame = page.until(lambda f: f.playing and f.week > 0 and page.player.idle())
    assert not frame.error
    later = page.until(lambda f: f.week > frame.week)  # and it still plays
    assert later.playing and not later.error


def test_a_frame_that_cannot_be_drawn_keeps_the_last_picture_with_the_error(page, monkeypatch):
    from ics_sim.interfaces.dashboard import views

    page.player.send("step")
    good = page.until(lambda f: f.week == 1)

    def broken(sim, *args, **kwargs):
        raise ValueError("cannot draw the charts")

    monkeypatch.setattr(views, "charts", broken)
    page.player.send("play")
    failed = page.until(lambda f: f.error)
    assert "cannot draw the charts" in failed.error and not failed.playing
    assert failed.view == good.view  # the picture stays as it was
    monkeypatch.undo()
    page.player.send("carry_on")
    page.player.send("step")
    frame = page.until(lambda f: not f.error and f.week > 1)
    assert frame.view["week"] == frame.week
