"""The clock of one browser session: the only thread that moves the model.

Clicks never touch the model. They are queued (:meth:`Player.send`) and the player's own
thread applies them between steps, at the week the model is at when it next looks at the
queue: the week on screen, or, when a step is already under way, the week that step ends at
(never later, because the player does not step again until the browser has drawn the last
week it was sent). Pause therefore stops at the week shown or one step after it.

After every change the player takes a :class:`Frame`: an immutable snapshot of everything the
page shows (week, headline, tiles, networks, radar, charts, the list of changes). The page is
drawn from the latest frame only, so the app bar, the headline and the charts always agree.
A new frame is handed to the page only once the last one has been rendered on the server and
drawn by the browser; frames taken in between are dropped, never queued, so drawing can
never fall behind the model or recurse.

An error while applying a click or stepping is caught and shown as a frame with ``error``
set; the run is kept, and "carry on" clears it. This module has no web code: it is tested
without a browser.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...core.errors import ICSSimError
from ...interventions import REGISTRY
from . import text, views
from .simulation import MAIN, RUN_LABELS, TWIN, Simulation, System, find_system

logger = logging.getLogger(__name__)

#: Speed name -> (weeks per step, seconds between steps at least).
SPEEDS: dict[str, tuple[int, float]] = {
    "Slow": (1, 0.25),
    "Normal": (1, 0.1),
    "Fast": (4, 0.1),
}

#: What the page says about when a click made during Play takes effect.
BOUNDARY_NOTE = (
    "Changes made while it plays start at the next step: the week on screen, or the week "
    "being drawn."
)

#: Seconds to wait for the page to show a frame before going on without it (a hidden tab,
#: or a test that renders without a browser).
DRAW_TIMEOUT = 10.0


@dataclass(frozen=True)
class Frame:
    """Everything the page shows at one moment, taken in one go under the model's lock."""

    id: int
    week: int
    playing: bool
    speed: str
    side_by_side: bool
    system_key: str
    name: str
    seed: int
    horizon: int
    selected: int | None
    notice: str
    error: str
    changes: tuple[dict[str, Any], ...]
    card: dict[str, Any] | None
    view: dict[str, Any] = field(repr=False)
    geometry_json: str = field(repr=False)

    @property
    def view_json(self) -> str:
        """The main view's data with the frame's id, which the page sends back once drawn."""
        return json.dumps({**self.view, "id": self.id}, separators=(",", ":"))

    @property
    def when(self) -> str:
        return text.when(self.week)


def change_rows(sim: Simulation) -> list[dict[str, Any]]:
    """The changes of a run as rows for the side panel."""
    week = sim.week
    rows = []
    for e in sim.changes():
        ended = e.end is not None and e.end <= week
        planned = e.start > week
        rows.append(
            {
                "key": e.key,
                "kind": e.kind,
                "text": e.describe() + (" (ended)" if ended else ""),
                "ended": ended,
                "button": None if ended else ("Cancel" if planned else "Stop"),
            }
        )
    return rows


def view_data(sim: Simulation, selected: int | None, playing: bool) -> dict[str, Any]:
    """What the main area draws (one JSON document, so it changes all at once)."""
    with sim.lock:
        week = sim.week
        nets = []
        if sim.side_by_side:
            for which in (TWIN, MAIN):
                nets.append(
                    {
                        "which": which,
                        "title": RUN_LABELS[which],
                        "state": views.network_state(sim, which),
                    }
                )
        else:
            nets.append(
                {"which": MAIN, "title": "Who trusts whom, now", "state": views.network_state(sim)}
            )
        intro = sim.setup.description
        if week == 0 and not playing:
            intro += " Press Play to watch the years go by, and try a change at any moment."
        return {
            "week": week,
            "when": text.when(week),
            "headline": views.headline(sim),
            "intro": intro,
            "tiles": views.tiles(sim),
            "side": sim.side_by_side,
            "nets": nets,
            "selected": selected,
            "radar": views.radar(sim),
            "charts": views.charts(sim),
            "legend": chart_legend(sim.side_by_side),
        }


def chart_legend(side: bool) -> list[dict[str, str]]:
    """The key above the charts: the runs (side by side) and the markers."""
    out = []
    if side:
        out += [
            {"mark": "line", "colour": views.RUN_COLOURS[MAIN], "text": RUN_LABELS[MAIN]},
            {"mark": "line", "colour": views.RUN_COLOURS[TWIN], "text": RUN_LABELS[TWIN]},
        ]
    out += [
        {"mark": "flag", "colour": "#007F3B", "text": "intervention starts"},
        {
            "mark": "flag",
            "colour": "#D5281B",
            "text": "shock hits" + ("" if side else " (faint: planned)"),
        },
    ]
    return out


class Player:
    """One participant's model and the thread that owns its time.

    ``publish`` is called (from the player's thread only) with each new frame; the page calls
    :meth:`rendered` once it has rendered a frame and :meth:`drawn` once the browser shows it.
    """

    def __init__(
        self,
        systems: Sequence[System],
        system_key: str,
        publish: Callable[[Frame], None] | None = None,
    ):
        self.systems = tuple(systems)
        self.system_key = system_key
        self.sim = Simulation(find_system(system_key, self.systems))
        self.publish = publish
        self.playing = False
        self.speed = "Normal"
        self.selected: int | None = None
        self.notice = ""
        self.error = ""
        self._cond = threading.Condition()
        self._queue: deque[tuple[Any, ...]] = deque()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._frame_id = 0
        self._published = 0  # id of the last frame handed to publish
        self._published_at = 0.0
        self._rendered = 0  # id of the last frame the server rendered
        self._drawn = 0  # id of the last frame the browser drew (0: no browser seen yet)
        self._browser = False
        self._last_step = 0.0
        self._dirty = False
        self.frame = self._snapshot()
        self._published = self.frame.id
        self._rendered = self.frame.id

    # -- from any thread ------------------------------------------------------------------
    def send(self, command: str, *args: Any) -> None:
        """Queue a click; the player's thread applies it at the next step boundary."""
        with self._cond:
            self._queue.append((command, *args))
            self._cond.notify_all()

    def rendered(self, frame_id: int) -> None:
        """The server has rendered frame ``frame_id``."""
        with self._cond:
            self._rendered = max(self._rendered, int(frame_id))
            self._cond.notify_all()

    def drawn(self, frame_id: Any) -> None:
        """The browser shows frame ``frame_id`` (sent by the page after it updated)."""
        try:
            fid = int(frame_id)
        except (TypeError, ValueError):
            return
        with self._cond:
            self._browser = True
            self._drawn = max(self._drawn, fid)
            self._cond.notify_all()

    def start(self) -> None:
        """Start the player's thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="ics-player", daemon=True)
            self._thread.start()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def idle(self) -> bool:
        """True when no click is waiting and the latest state has been published."""
        with self._cond:
            return not self._queue and not self._dirty

    # -- the player's thread --------------------------------------------------------------
    def _ready(self, now: float) -> bool:
        """The last frame handed out has been shown (or we gave up waiting for it)."""
        shown = self._rendered >= self._published and (
            not self._browser or self._drawn >= self._published
        )
        return shown or now - self._published_at > DRAW_TIMEOUT

    def _due(self, now: float) -> bool:
        return self.playing and now - self._last_step >= SPEEDS[self.speed][1]

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._closed:
                        return
                    now = time.monotonic()
                    ready = self._ready(now)
                    if self._queue or (ready and (self._dirty or self._due(now))):
                        break
                    timeout: float | None = None  # nothing to do: wait for a click
                    if self.playing and ready:
                        timeout = max(0.0, self._last_step + SPEEDS[self.speed][1] - now)
                    elif self.playing or self._dirty:  # waiting for the page to catch up
                        timeout = max(0.01, self._published_at + DRAW_TIMEOUT - now + 0.01)
                    self._cond.wait(timeout)
                commands = list(self._queue)
                self._queue.clear()
                step = ready and self._due(now)
            for command in commands:
                self._safely(self._apply, *command)
            if step and self.playing:
                self._safely(self._tick)
            with self._cond:
                publish = self._dirty and self._ready(time.monotonic())
            if publish:
                self._publish()

    def _safely(self, fn: Callable[..., None], *args: Any) -> None:
        try:
            fn(*args)
        except ICSSimError as e:
            self.notice = str(e)
        except Exception as e:  # noqa: BLE001 - nothing may reach the page
            logger.warning("dashboard: %s failed: %r", getattr(fn, "__name__", fn), e)
            self.playing = False
            self.error = f"{type(e).__name__}: {e}"
        self._dirty = True

    def _publish(self) -> None:
        try:
            frame = self._snapshot()
        except Exception as e:  # noqa: BLE001 - the last good picture, with the error
            logger.warning("dashboard: taking a frame failed: %r", e)
            self.playing = False
            self.error = f"{type(e).__name__}: {e}"
            self._frame_id += 1
            frame = dataclasses.replace(
                self.frame, id=self._frame_id, playing=False, error=self.error
            )
        with self._cond:
            self._dirty = False
            self._published = frame.id
            self._published_at = time.monotonic()
        self.frame = frame
        if self.publish is not None:
            try:
                self.publish(frame)
            except Exception as e:  # noqa: BLE001
                logger.warning("dashboard: publishing a frame failed: %r", e)

    def _snapshot(self) -> Frame:
        sim = self.sim
        with sim.lock:
            self._frame_id += 1
            selected = self.selected
            if selected is not None and not 0 <= selected < sim.composition.n:
                selected = self.selected = None
            return Frame(
                id=self._frame_id,
                week=sim.week,
                playing=self.playing,
                speed=self.speed,
                side_by_side=sim.side_by_side,
                system_key=self.system_key,
                name=sim.name,
                seed=sim.seed,
                horizon=sim.horizon,
                selected=selected,
                notice=self.notice,
                error=self.error,
                changes=tuple(change_rows(sim)),
                card=views.organisation_card(sim, selected) if selected is not None else None,
                view=view_data(sim, selected, self.playing),
                geometry_json=views.layout(sim).geometry_json,
            )

    def _tick(self) -> None:
        sim = self.sim
        weeks = SPEEDS[self.speed][0]
        before = sim.week
        if before < sim.horizon:
            weeks = min(weeks, sim.horizon - before)
        sim.step(weeks)
        self._last_step = time.monotonic()
        if before < sim.horizon <= sim.week:
            self.playing = False
            self.notice = f"{text.when(sim.week)}: the end of this story. Press Play to carry on."

    # -- commands (applied on the player's thread, between steps) -------------------------
    def _apply(self, command: str, *args: Any) -> None:
        getattr(self, f"_do_{command}")(*args)

    def _do_play(self) -> None:
        self.notice = ""
        self.playing = True

    def _do_pause(self) -> None:
        self.playing = False

    def _do_step(self) -> None:
        if not self.playing:
            self.sim.step(1)

    def _do_speed(self, name: str) -> None:
        if name in SPEEDS:
            self.speed = name

    def _do_reset(self) -> None:
        self.playing = False
        self.sim.reset()
        self.notice = "Back to the start. Changes made during the run were removed."

    def _new_sim(self, system: System, seed: int | None) -> None:
        side = self.sim.side_by_side
        new = Simulation(system, seed)
        if side:
            new.set_side_by_side(True)
        self.sim = new
        self.playing = False
        self.selected = None
        self.notice = ""

    def _do_system(self, key: str) -> None:
        if key and key != self.system_key:
            self._new_sim(find_system(key, self.systems), None)
            self.system_key = key

    def _do_seed(self) -> None:
        self._new_sim(self.sim.system, self.sim.seed + 1)

    def _do_side(self, on: bool) -> None:
        self.sim.set_side_by_side(bool(on))

    def _do_start(self, name: str) -> None:
        if name not in REGISTRY:
            raise ICSSimError(f"unknown intervention or shock {name!r}")
        event = self.sim.start(name)
        verb = "started" if event.kind == "intervention" else "hit the system"
        self.notice = f"{event.title} {verb} at {text.when(event.start).lower()}."

    def _do_stop(self, key: str) -> None:
        self.sim.stop(key)

    def _do_select(self, index: Any) -> None:
        if index is None or index == self.selected:
            self.selected = None
        else:
            self.selected = int(index)

    def _do_dismiss(self) -> None:
        self.notice = ""

    def _do_carry_on(self) -> None:
        self.error = ""

    def _do_fail(self, message: str) -> None:
        self.playing = False
        self.error = message


__all__ = ["BOUNDARY_NOTE", "SPEEDS", "Frame", "Player", "change_rows", "view_data"]
