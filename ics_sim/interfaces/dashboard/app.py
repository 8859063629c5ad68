"""The workshop dashboard: ``ics-sim dashboard`` serves this module with Solara.

Every browser session gets its own :class:`.player.Player` (created inside
the ``Dashboard`` component with ``solara.use_memo``, never at module level), so twenty
participants on one server each drive their own model. The player's thread is the only one
that moves the model; the page sends it clicks and draws the frames it publishes.

Run it directly with ``solara run ics_sim.interfaces.dashboard.app`` (set
``SOLARA_TELEMETRY_MIXPANEL_ENABLE=false``); ``ics-sim dashboard`` does that for you.
"""

from __future__ import annotations

import functools
import html
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import reacton.ipyvuetify as rv
import solara
from solara.lab import theme

from ics_sim.interfaces.dashboard import components as c
from ics_sim.interfaces.dashboard import export, text
from ics_sim.interfaces.dashboard.player import BOUNDARY_NOTE, SPEEDS, Frame, Player
from ics_sim.interfaces.dashboard.simulation import (
    System,
    catalogue,
    find_system,
    scenario_problems,
)
from ics_sim.interventions import INTERVENTIONS, SHOCKS

logger = logging.getLogger(__name__)

#: Environment variable naming a scenario file to open first (set by ``ics-sim dashboard``).
SCENARIO_ENV = "ICS_SIM_DASHBOARD_SCENARIO"
#: Environment variable that starts every session in projector mode ("1") or never ("0").
PROJECTOR_ENV = "ICS_SIM_DASHBOARD_PROJECTOR"
#: Below this browser width (CSS pixels) the dashboard switches to projector mode by itself.
PROJECTOR_WIDTH = 1280

theme.themes.light.primary = "#005EB8"  # NHS blue
theme.themes.light.secondary = "#41B6E6"
theme.themes.light.accent = "#007F3B"

EXPLANATIONS = {name: text.explain(cls) for name, cls in {**INTERVENTIONS, **SHOCKS}.items()}

# Per browser session (Solara keeps a module-level reactive variable per session): the
# projector choice ("auto", "on" or "off") and the width the browser reported.
projector_choice = solara.reactive(os.environ.get(PROJECTOR_ENV, "auto"))
screen_width = solara.reactive(0)


def projector_on(choice: str, width: int) -> bool:
    """Projector mode: chosen, or automatic on a screen narrower than 1280 px."""
    if choice in ("1", "on"):
        return True
    if choice in ("0", "off"):
        return False
    return 0 < width < PROJECTOR_WIDTH


@functools.lru_cache(maxsize=4)
def systems_on_offer(extra: str | None) -> tuple[System, ...]:
    """The systems to choose from (read once per server: they are the same for everyone)."""
    return tuple(catalogue(Path(extra) if extra else None))


@functools.lru_cache(maxsize=1)
def broken_scenarios() -> tuple[tuple[str, str], ...]:
    """Scenario files that could not be offered, with their errors (read once per server)."""
    return tuple(scenario_problems())


def first_system(systems: tuple[System, ...], extra: str | None) -> str:
    """The system shown first: the scenario given on the command line, else the baseline."""
    if extra:
        path = Path(extra).resolve()
        for s in systems:
            if s.path == path:
                return s.key
    for s in systems:
        if s.path is not None and s.path.stem == "baseline":
            return s.key
    return "default"


def system_items(systems: tuple[System, ...]) -> list[dict]:
    """Items of the system picker, in groups: scenarios, the default ICS, the real ICSs."""
    scenarios = [s for s in systems if s.kind == "scenario"]
    default = [s for s in systems if s.kind == "default"]
    icss = [s for s in systems if s.kind == "ics"]
    out: list[dict] = [{"header": "Workshop stories and scenarios"}]
    out += [{"text": s.label, "value": s.key} for s in scenarios + default]
    if icss:
        out += [{"divider": True}, {"header": "England's integrated care systems (real)"}]
        out += [{"text": s.label, "value": s.key} for s in icss]
    return out


def change_items(names: dict) -> list[dict]:
    return [{"text": cls.title, "value": name} for name, cls in names.items()]


@solara.component
def Layout(children: list = []):  # noqa: B006 - Solara's children convention
    """Solara's app layout, with the side panel folded away in projector mode."""
    on = projector_on(projector_choice.value, screen_width.value)
    return solara.AppLayout(children=children, sidebar_open=not on)


@solara.component
def Page():
    """The page Solara serves: the dashboard, with its controls in the side panel."""
    Dashboard()


@solara.component
def Dashboard(sidebar: bool = True):
    """The whole dashboard for one browser session: its player, and the page drawn from the
    player's latest frame.

    With ``sidebar=False`` the controls are laid out above the main area instead of in the
    app's side panel (used to test the dashboard without a browser or an app layout).
    """
    extra = os.environ.get(SCENARIO_ENV) or None
    systems = systems_on_offer(extra)
    player: Player = solara.use_memo(lambda: Player(systems, first_system(systems, extra)), [])
    frame, set_frame = solara.use_state(player.frame)

    def start():
        player.publish = set_frame
        player.start()
        return player.close

    solara.use_effect(start, [])
    solara.use_effect(lambda: player.rendered(frame.id), [frame.id])

    # Nothing that goes wrong while drawing may replace the page: show it, keep the run.
    error, clear = solara.use_exception()
    if error is not None:
        logger.warning("dashboard: drawing failed: %r", error)

        def carry_on():
            player.send("carry_on")
            clear()

        ErrorPanel(f"{type(error).__name__}: {error}", carry_on)
        return
    Screen(player, frame, systems, sidebar)


def safe(player: Player, fn: Callable[..., Any]) -> Callable[..., None]:
    """An event handler that can never raise into the page: a failure becomes an error panel."""

    def handler(*args: Any) -> None:
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 - nothing may reach the page
            logger.warning("dashboard: a click failed: %r", e)
            player.send("fail", f"{type(e).__name__}: {e}")

    return handler


@solara.component
def ErrorPanel(message: str, on_carry_on: Callable[[], None]):
    """Something went wrong: say so plainly and offer to carry on with the same run."""
    with solara.Div(classes=["ics-error"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                "<b>Something went wrong there.</b> The run is kept: press "
                "<i>Carry on</i> to go on from where you were. "
                f'<span class="ics-small">({html.escape(message)})</span>'
            ),
            classes=["ics-error-text"],
        )
        solara.Button(
            "Carry on",
            icon_name="mdi-play-circle-outline",
            color="primary",
            on_click=on_carry_on,
            classes=["ics-carry-on"],
        )


@solara.component
def Screen(player: Player, frame: Frame, systems: tuple[System, ...], sidebar: bool):
    """The page for one frame: controls (side panel) and the main view."""
    system = find_system(frame.system_key, systems)
    intervention = solara.use_reactive("big_breakfast")
    shock = solara.use_reactive("financial_squeeze")
    projector = projector_on(projector_choice.value, screen_width.value)

    def send(*command: Any) -> Callable[..., None]:
        return safe(player, lambda *_: player.send(*command))

    def report_width(width: Any) -> None:
        try:
            screen_width.set(int(width))
        except (TypeError, ValueError):
            pass

    # Downloads read the player's latest frame when asked: one callable for the session, so
    # a new frame while the picture is drawn does not restart it.
    csv_data = solara.use_memo(lambda: lambda: player.sim.outcomes_csv(), [])
    png_data = solara.use_memo(lambda: lambda: export.png_of_frame(player.frame), [])

    # one Div, not a Column: the portals (app bar, side panel) leave no gaps above the view
    with solara.Div(classes=["ics-screen"]):
        solara.Title("ICS collaboration dashboard")
        solara.Style(c.CSS)
        with solara.AppBarTitle():
            solara.Text("ICS collaboration: what if?")
        with solara.AppBar():
            c.WeekLabel(frame.week, frame.when)
            solara.Button(
                icon_name="mdi-projector-screen" if not projector else "mdi-monitor",
                icon=True,
                dark=True,
                on_click=safe(player, lambda: projector_choice.set("off" if projector else "on")),
                classes=["ics-projector-toggle"],
                attributes={"title": "Projector mode: bigger text, charts beside the network"},
            )

        with solara.Sidebar() if sidebar else solara.Div(classes=["ics-controls"]):
            with c.Section("1. Choose a system"):
                rv.Autocomplete(
                    label="Story, scenario or real ICS",
                    items=system_items(systems),
                    v_model=frame.system_key,
                    on_v_model=safe(player, lambda key: key and player.send("system", key)),
                    outlined=True,
                    dense=True,
                    hide_details=True,
                    auto_select_first=True,
                    class_="ics-system-picker",
                )
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=html.escape(system.description),
                    classes=["ics-small", "ics-system-description"],
                    style="margin-top: 8px",
                )
                broken = broken_scenarios()
                if broken:
                    solara.HTML(
                        tag="details",
                        unsafe_innerHTML=(
                            f"<summary>{len(broken)} scenario file"
                            f"{'s' if len(broken) > 1 else ''} could not be loaded</summary>"
                            + "".join(
                                f"<div><b>{html.escape(name)}</b>: {html.escape(err)}</div>"
                                for name, err in broken
                            )
                        ),
                        classes=["ics-small", "ics-broken-scenarios"],
                        style="margin-top: 8px; color: #8a1c1c",
                    )
                with solara.Row(style="align-items: center; margin-top: 4px", gap="6px"):
                    solara.HTML(
                        tag="span",
                        unsafe_innerHTML=f"Chance: roll {frame.seed}",
                        classes=["ics-small"],
                    )
                    solara.Button(
                        "Roll the dice again",
                        icon_name="mdi-dice-5-outline",
                        text=True,
                        small=True,
                        color="primary",
                        on_click=send("seed"),
                        classes=["ics-roll"],
                    )

            with c.Section("2. Run it"):
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=f"Each step is one week; this story runs "
                    f"{text.duration(frame.horizon)} ({frame.horizon} weeks).",
                    classes=["ics-week-sub"],
                )
                with solara.Div(classes=["ics-run-buttons"]):
                    solara.Button(
                        "Pause" if frame.playing else "Play",
                        icon_name="mdi-pause" if frame.playing else "mdi-play",
                        color="primary",
                        on_click=send("pause" if frame.playing else "play"),
                        classes=["ics-play"],
                        attributes={"data-playing": "1" if frame.playing else "0"},
                    )
                    solara.Button(
                        "Step a week",
                        icon_name="mdi-skip-next",
                        outlined=True,
                        color="primary",
                        disabled=frame.playing,
                        on_click=send("step"),
                        classes=["ics-step"],
                    )
                    solara.Button(
                        "Reset",
                        icon_name="mdi-restore",
                        outlined=True,
                        color="primary",
                        on_click=send("reset"),
                        classes=["ics-reset"],
                    )
                solara.ToggleButtonsSingle(
                    value=frame.speed,
                    values=list(SPEEDS),
                    on_value=safe(player, lambda v: player.send("speed", v)),
                    dense=True,
                    classes=["ics-speed"],
                )
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML="Speed: slow, normal or fast. " + BOUNDARY_NOTE,
                    classes=["ics-small", "ics-boundary"],
                )

            with c.Section("3. Side by side"):
                solara.Switch(
                    label="Compare with carrying on as now",
                    value=frame.side_by_side,
                    on_value=safe(player, lambda on: player.send("side", bool(on))),
                    classes=["ics-side-switch"],
                )
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=(
                        "Runs the same system twice with the same chance events: once with your "
                        "interventions and once without. Shocks hit both. Any gap between them "
                        "is the interventions' doing, not luck."
                    ),
                    classes=["ics-small"],
                )

            with c.Section("4. Try an intervention now"):
                rv.Select(
                    label="Intervention",
                    items=change_items(INTERVENTIONS),
                    v_model=intervention.value,
                    on_v_model=safe(player, intervention.set),
                    outlined=True,
                    dense=True,
                    hide_details=True,
                    class_="ics-intervention-picker",
                )
                c.Explanation(EXPLANATIONS[intervention.value])
                solara.Button(
                    f"Start {INTERVENTIONS[intervention.value].title.lower()} now",
                    icon_name="mdi-play-circle-outline",
                    color="#007F3B",
                    dark=True,
                    on_click=send("start", intervention.value),
                    classes=["ics-start-intervention"],
                    block=True,
                )

            with c.Section("5. Or hit the system with a shock"):
                rv.Select(
                    label="Shock",
                    items=change_items(SHOCKS),
                    v_model=shock.value,
                    on_v_model=safe(player, shock.set),
                    outlined=True,
                    dense=True,
                    hide_details=True,
                    class_="ics-shock-picker",
                )
                c.Explanation(EXPLANATIONS[shock.value])
                solara.Button(
                    f"{SHOCKS[shock.value].title}: now",
                    icon_name="mdi-flash-outline",
                    color="error",
                    outlined=True,
                    on_click=send("start", shock.value),
                    classes=["ics-start-shock"],
                    block=True,
                )

            with c.Section("Changes in this run"):
                ChangesList(list(frame.changes), lambda key: player.send("stop", key))

            with c.Section("Save for the write-up"):
                with solara.Column(gap="6px"):
                    solara.FileDownload(
                        png_data,
                        filename=export.filename_of(frame.view["week"], player.sim.name, "png"),
                        label="Picture of this view (PNG)",
                        mime_type="image/png",
                        icon_name="mdi-image-outline",
                    )
                    solara.FileDownload(
                        csv_data,
                        filename=export.filename_of(frame.view["week"], player.sim.name, "csv"),
                        label="Results, week by week (CSV)",
                        mime_type="text/csv",
                        icon_name="mdi-table-arrow-down",
                    )
                    solara.HTML(
                        tag="div",
                        unsafe_innerHTML="The picture takes a second or two: the button spins "
                        "until it is ready.",
                        classes=["ics-small"],
                    )

            with c.Section("How to read this"):
                Help()

        # -- main area ------------------------------------------------------------------------
        with solara.Column(gap="8px", classes=["ics-main"]):
            if frame.error:
                ErrorPanel(frame.error, send("carry_on"))
            if frame.notice:
                rv.Alert(
                    children=[frame.notice],
                    type="info",
                    dense=True,
                    text=True,
                    dismissible=True,
                    class_="ics-notice",
                    v_model=True,
                    on_v_model=safe(player, lambda v: player.send("dismiss") if not v else None),
                )
            c.View(
                frame_json=frame.view_json,
                geometry_json=frame.geometry_json,
                projector=projector,
                event_drawn=player.drawn,
                event_select=safe(player, lambda i: player.send("select", i)),
                event_screen=report_width,
            )
            if frame.card is not None or not projector:
                c.OrganisationCard(frame.card, on_close=send("select", None))


@solara.component
def ChangesList(rows: list[dict], on_stop):
    if not rows:
        solara.HTML(tag="div", unsafe_innerHTML="None yet.", classes=["ics-small"])
        return
    for r in rows:
        with solara.Div(classes=["ics-change"] + (["ics-change-ended"] if r["ended"] else [])):
            solara.HTML(
                tag="span",
                unsafe_innerHTML=(
                    f'<span class="ics-change-tag ics-tag-{r["kind"]}">'
                    f"{'Intervention' if r['kind'] == 'intervention' else 'Shock'}</span>"
                    + html.escape(r["text"])
                ),
            )
            if r["button"]:
                solara.Button(
                    r["button"],
                    small=True,
                    text=True,
                    color="error",
                    on_click=lambda key=r["key"]: on_stop(key),
                    classes=["ics-stop"],
                )


@solara.component
def Help():
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            "<p><b>The network.</b> Each circle is an organisation: its colour says what kind "
            "it is, its size how much power it has. Each line joins two organisations that "
            "meet; darker, thicker lines mean more trust. The largest organisations are "
            "named; point at any circle to see who it is, click it to see how it is doing.</p>"
            "<p><b>The six practices</b> are those of The King's Fund report <i>The practice of "
            "collaborative leadership</i> (2023). Each is a score from 0 (absent) to 1 (as good "
            "as it gets). <i>Collaboration overall</i> is their average.</p>"
            "<p><b>The charts</b> show each practice week by week. Green flags mark an "
            "intervention starting; red flags a shock. Point at a chart to read the values.</p>"
            "<p><b>Chance.</b> Leaders leave, conflicts flare up, people miss meetings: the "
            "model rolls dice for these. <i>Roll the dice again</i> shows how much is luck; "
            "<i>side by side</i> takes luck out of a comparison.</p>"
            "<p><b>Projector mode</b> (the screen button at the top right, and automatic on "
            "screens narrower than 1280 pixels) folds this panel away and makes the text "
            "bigger; the menu button at the top left brings the panel back.</p>"
            "<p>This is a model to think with, not a forecast of any real system.</p>"
        ),
        classes=["ics-help"],
    )
