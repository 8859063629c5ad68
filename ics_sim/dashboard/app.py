"""The workshop dashboard: ``ics-sim dashboard`` serves this module with Solara.

Every browser session gets its own :class:`~ics_sim.dashboard.simulation.Simulation`
(created inside ``Page`` with ``solara.use_memo``, never at module level), so twenty
participants on one server each drive their own model.

Run it directly with ``solara run ics_sim.dashboard.app`` (set
``SOLARA_TELEMETRY_MIXPANEL_ENABLE=false``); ``ics-sim dashboard`` does that for you.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from pathlib import Path

import reacton.ipyvuetify as rv
import solara
from solara.lab import theme

from ics_sim.dashboard import components as c
from ics_sim.dashboard import export, text, views
from ics_sim.dashboard.simulation import (
    MAIN,
    RUN_LABELS,
    TWIN,
    Simulation,
    System,
    catalogue,
    find_system,
)
from ics_sim.errors import ICSSimError
from ics_sim.interventions import INTERVENTIONS, SHOCKS

#: Environment variable naming a scenario file to open first (set by ``ics-sim dashboard``).
SCENARIO_ENV = "ICS_SIM_DASHBOARD_SCENARIO"

#: Speed name -> (weeks per frame, seconds per frame).
SPEEDS: dict[str, tuple[int, float]] = {
    "Slow": (1, 0.25),
    "Normal": (1, 0.1),
    "Fast": (4, 0.1),
}

theme.themes.light.primary = "#005EB8"  # NHS blue
theme.themes.light.secondary = "#41B6E6"
theme.themes.light.accent = "#007F3B"

EXPLANATIONS = {name: text.explain(cls) for name, cls in {**INTERVENTIONS, **SHOCKS}.items()}


@functools.lru_cache(maxsize=4)
def systems_on_offer(extra: str | None) -> tuple[System, ...]:
    """The systems to choose from (read once per server: they are the same for everyone)."""
    return tuple(catalogue(Path(extra) if extra else None))


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
def Page():
    """The page Solara serves: the dashboard, with its controls in the side panel."""
    Dashboard()


@solara.component
def Dashboard(sidebar: bool = True):
    """The whole dashboard for one browser session.

    With ``sidebar=False`` the controls are laid out above the main area instead of in the
    app's side panel (used to test the dashboard without a browser or an app layout).
    """
    extra = os.environ.get(SCENARIO_ENV) or None
    systems = systems_on_offer(extra)
    system_key = solara.use_reactive(first_system(systems, extra))
    seed = solara.use_reactive(None)
    system = find_system(system_key.value, systems)
    # One simulation per browser session (this component's state), rebuilt when the system
    # or the seed changes: never shared between participants.
    # Side by side stays on when the participant picks another system or rolls the dice.
    side = solara.use_reactive(False)

    def make() -> Simulation:
        new = Simulation(system, seed.value)
        if side.value:
            new.set_side_by_side(True)
        return new

    sim: Simulation = solara.use_memo(make, [system_key.value, seed.value])
    version = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive("Normal")
    selected = solara.use_reactive(None)
    notice = solara.use_reactive("")
    intervention = solara.use_reactive("big_breakfast")
    shock = solara.use_reactive("financial_squeeze")
    _ = version.value  # redraw whenever the model moves

    def redraw():
        version.set(version.value + 1)

    def play_loop(cancel: threading.Event):
        if not playing.value:
            return
        while not cancel.is_set() and playing.value:
            t0 = time.perf_counter()
            weeks, interval = SPEEDS.get(speed.value, SPEEDS["Normal"])
            before = sim.week
            if before < sim.horizon:
                weeks = min(weeks, sim.horizon - before)
            sim.step(weeks)
            if before < sim.horizon <= sim.week:
                playing.set(False)
                notice.set(f"{text.when(sim.week)}: the end of this story. Press Play to carry on.")
            redraw()
            rest = interval - (time.perf_counter() - t0)
            if rest > 0:
                cancel.wait(rest)

    solara.use_thread(play_loop, dependencies=[playing.value, sim], intrusive_cancel=False)

    # -- actions --------------------------------------------------------------------------
    def choose_system(key):
        if not key or key == system_key.value:
            return
        playing.set(False)
        selected.set(None)
        notice.set("")
        seed.set(None)
        system_key.set(key)

    def step_once():
        sim.step(1)
        redraw()

    def toggle_play():
        notice.set("")
        playing.set(not playing.value)

    def reset():
        playing.set(False)
        sim.reset()
        notice.set("Back to the start. Changes made during the run were removed.")
        redraw()

    def new_seed():
        playing.set(False)
        selected.set(None)
        notice.set("")
        seed.set(sim.seed + 1)

    def set_side_by_side(on: bool):
        side.set(bool(on))
        sim.set_side_by_side(bool(on))
        redraw()

    def start_change(name: str):
        try:
            event = sim.start(name)
        except ICSSimError as e:
            notice.set(str(e))
        else:
            verb = "started" if event.kind == "intervention" else "hit the system"
            notice.set(f"{event.title} {verb} at {text.when(event.start).lower()}.")
        redraw()

    def stop_change(key: str):
        sim.stop(key)
        redraw()

    def select(index):
        selected.set(None if index is None or index == selected.value else int(index))

    csv_data = solara.use_memo(lambda: lambda: sim.outcomes_csv(), [sim])
    png_data = solara.use_memo(lambda: lambda: export.png(sim), [sim])

    # -- page -----------------------------------------------------------------------------
    solara.Title("ICS collaboration dashboard")
    solara.Style(c.CSS)
    with solara.AppBarTitle():
        solara.Text("ICS collaboration: what if?")
    with solara.AppBar():
        solara.HTML(
            tag="span",
            unsafe_innerHTML=text.when(sim.week),
            style="font-size: 17px; font-weight: 600; margin-right: 12px; color: white",
            classes=["ics-appbar-week"],
        )

    with solara.Sidebar() if sidebar else solara.Div(classes=["ics-controls"]):
        with c.Section("1. Choose a system"):
            rv.Autocomplete(
                label="Story, scenario or real ICS",
                items=system_items(systems),
                v_model=system_key.value,
                on_v_model=choose_system,
                outlined=True,
                dense=True,
                hide_details=True,
                auto_select_first=True,
                class_="ics-system-picker",
            )
            solara.HTML(
                tag="div",
                unsafe_innerHTML=_escape(system.description),
                classes=["ics-small", "ics-system-description"],
                style="margin-top: 8px",
            )
            with solara.Row(style="align-items: center; margin-top: 4px", gap="6px"):
                solara.HTML(
                    tag="span", unsafe_innerHTML=f"Chance: roll {sim.seed}", classes=["ics-small"]
                )
                solara.Button(
                    "Roll the dice again",
                    icon_name="mdi-dice-5-outline",
                    text=True,
                    small=True,
                    color="primary",
                    on_click=new_seed,
                    classes=["ics-roll"],
                )

        with c.Section("2. Run it"):
            solara.HTML(tag="div", unsafe_innerHTML=text.when(sim.week), classes=["ics-week"])
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"Each step is one week; this story runs "
                f"{text.duration(sim.horizon)} ({sim.horizon} weeks).",
                classes=["ics-week-sub"],
            )
            with solara.Div(classes=["ics-run-buttons"]):
                solara.Button(
                    "Pause" if playing.value else "Play",
                    icon_name="mdi-pause" if playing.value else "mdi-play",
                    color="primary",
                    on_click=toggle_play,
                    classes=["ics-play"],
                )
                solara.Button(
                    "Step a week",
                    icon_name="mdi-skip-next",
                    outlined=True,
                    color="primary",
                    disabled=playing.value,
                    on_click=step_once,
                    classes=["ics-step"],
                )
                solara.Button(
                    "Reset",
                    icon_name="mdi-restore",
                    outlined=True,
                    color="primary",
                    on_click=reset,
                    classes=["ics-reset"],
                )
            solara.ToggleButtonsSingle(
                value=speed.value,
                values=list(SPEEDS),
                on_value=speed.set,
                dense=True,
                classes=["ics-speed"],
            )
            solara.HTML(
                tag="div", unsafe_innerHTML="Speed: slow, normal or fast.", classes=["ics-small"]
            )

        with c.Section("3. Side by side"):
            solara.Switch(
                label="Compare with carrying on as now",
                value=sim.side_by_side,
                on_value=set_side_by_side,
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
                on_v_model=intervention.set,
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
                on_click=lambda: start_change(intervention.value),
                classes=["ics-start-intervention"],
                block=True,
            )

        with c.Section("5. Or hit the system with a shock"):
            rv.Select(
                label="Shock",
                items=change_items(SHOCKS),
                v_model=shock.value,
                on_v_model=shock.set,
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
                on_click=lambda: start_change(shock.value),
                classes=["ics-start-shock"],
                block=True,
            )

        with c.Section("Changes in this run"):
            ChangesList(change_rows(sim), stop_change)

        with c.Section("Save for the write-up"):
            with solara.Column(gap="6px"):
                solara.FileDownload(
                    png_data,
                    filename=export.filename(sim, "png"),
                    label="Picture of this view (PNG)",
                    mime_type="image/png",
                    icon_name="mdi-image-outline",
                )
                solara.FileDownload(
                    csv_data,
                    filename=export.filename(sim, "csv"),
                    label="Results, week by week (CSV)",
                    mime_type="text/csv",
                    icon_name="mdi-table-arrow-down",
                )

        with c.Section("How to read this"):
            Help()

    # -- main area ------------------------------------------------------------------------
    with solara.Column(gap="10px", classes=["ics-main"]):
        solara.HTML(
            tag="div", unsafe_innerHTML=_escape(views.headline(sim)), classes=["ics-headline"]
        )
        intro = sim.setup.description
        if sim.week == 0 and not playing.value:
            intro += " Press Play to watch the years go by, and try a change at any moment."
        solara.HTML(tag="div", unsafe_innerHTML=_escape(intro), classes=["ics-description"])
        if notice.value:
            rv.Alert(
                children=[notice.value],
                type="info",
                dense=True,
                text=True,
                dismissible=True,
                class_="ics-notice",
                v_model=True,
                on_v_model=lambda v: notice.set("") if not v else None,
            )
        c.Tiles(views.tiles(sim))

        geometry = views.layout(sim).geometry_json
        card = views.organisation_card(sim, selected.value) if selected.value is not None else None
        if sim.side_by_side:
            with rv.Row(dense=True):
                for which, legend in ((TWIN, False), (MAIN, True)):
                    with rv.Col(cols=12, md=6):
                        with rv.Card(outlined=True, class_=f"ics-card ics-network-{which}"):
                            with rv.CardText():
                                c.NetworkView(
                                    geometry=geometry,
                                    state=views.network_state(sim, which),
                                    selected=selected.value,
                                    title=RUN_LABELS[which],
                                    legend=legend,
                                    event_select=select,
                                )
            with rv.Row(dense=True):
                with rv.Col(cols=12, md=6):
                    RadarCard(views.radar(sim))
                with rv.Col(cols=12, md=6):
                    c.OrganisationCard(card, on_close=lambda: selected.set(None))
        else:
            with rv.Row(dense=True):
                with rv.Col(cols=12, md=7):
                    with rv.Card(outlined=True, class_="ics-card ics-network-main"):
                        with rv.CardText():
                            c.NetworkView(
                                geometry=geometry,
                                state=views.network_state(sim, MAIN),
                                selected=selected.value,
                                title="Who trusts whom, now",
                                legend=True,
                                event_select=select,
                            )
                with rv.Col(cols=12, md=5):
                    RadarCard(views.radar(sim))
                    solara.Div(style="height: 8px")
                    c.OrganisationCard(card, on_close=lambda: selected.set(None))

        charts = views.charts(sim)
        with rv.Card(outlined=True, class_="ics-card ics-charts"):
            with rv.CardText():
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML="How the six practices change over time",
                    classes=["ics-card-h"],
                )
                solara.HTML(tag="div", unsafe_innerHTML=_chart_legend(sim), classes=["ics-small"])
                c.LineChart(chart=charts[0], big=True)
                with rv.Row(dense=True):
                    for chart in charts[1:]:
                        with rv.Col(cols=12, sm=6, md=4):
                            c.LineChart(chart=chart, big=False)


@solara.component
def RadarCard(radar: dict):
    with rv.Card(outlined=True, class_="ics-card ics-radar-card"):
        with rv.CardText():
            solara.HTML(
                tag="div",
                unsafe_innerHTML="The six practices: now and at the start",
                classes=["ics-card-h"],
            )
            c.Radar(radar=radar)


def change_rows(sim: Simulation) -> list[dict]:
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
                    + _escape(r["text"])
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
            "meet; darker, thicker lines mean more trust. Point at a circle to see who it is; "
            "click it to see how it is doing.</p>"
            "<p><b>The six practices</b> are those of The King's Fund report <i>The practice of "
            "collaborative leadership</i> (2023). Each is a score from 0 (absent) to 1 (as good "
            "as it gets). <i>Collaboration overall</i> is their average.</p>"
            "<p><b>The charts</b> show each practice week by week. Green flags mark an "
            "intervention starting; red flags a shock. Point at a chart to read the values.</p>"
            "<p><b>Chance.</b> Leaders leave, conflicts flare up, people miss meetings: the "
            "model rolls dice for these. <i>Roll the dice again</i> shows how much is luck; "
            "<i>side by side</i> takes luck out of a comparison.</p>"
            "<p>This is a model to think with, not a forecast of any real system.</p>"
        ),
        classes=["ics-help"],
    )


def _chart_legend(sim: Simulation) -> str:
    if sim.side_by_side:
        return (
            f'<span style="color:{views.RUN_COLOURS[MAIN]};font-weight:700">&#9473;</span> '
            f"{RUN_LABELS[MAIN]} &nbsp; "
            f'<span style="color:{views.RUN_COLOURS[TWIN]};font-weight:700">&#9473;</span> '
            f"{RUN_LABELS[TWIN]} &nbsp; "
            '<span style="color:#007F3B">&#9660;</span> intervention starts &nbsp; '
            '<span style="color:#D5281B">&#9660;</span> shock hits'
        )
    return (
        "Scores from 0 to 1; time along the bottom. "
        '<span style="color:#007F3B">&#9660;</span> intervention starts &nbsp; '
        '<span style="color:#D5281B">&#9660;</span> shock hits (faint: planned)'
    )


def _escape(s: str) -> str:
    import html

    return html.escape(s)
