"""The workshop dashboard without a browser: sessions, side by side, changes, exports, launch.

The browser itself is tested in ``test_dashboard_browser.py`` (marker ``browser``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from ics_sim import OUTCOMES, PRACTICES, ICSModel
from ics_sim.errors import ICSSimError
from ics_sim.interfaces.dashboard import export, launch, text, views
from ics_sim.interfaces.dashboard.simulation import (
    DEFAULT_SYSTEM,
    MAIN,
    RUN_LABELS,
    TWIN,
    Simulation,
    catalogue,
    ics_systems,
    scenario_system,
    scenario_systems,
)
from ics_sim.interventions import REGISTRY
from ics_sim.scenario import load

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def ci(sim: Simulation, which: str = MAIN) -> list[float]:
    return sim.series(which, ["collaboration_index"])["collaboration_index"]


# ---------------------------------------------------------------------------------------------
# Plain language


def test_weeks_read_as_months_and_years():
    assert text.when(0) == "Week 0 (the start)"
    assert text.when(1) == "Week 1 (1 week)"
    assert text.when(26) == "Week 26 (6 months)"
    assert text.when(52) == "Week 52 (1 year)"
    assert text.when(130) == "Week 130 (2 years 6 months)"
    assert text.duration(260) == "5 years"


def test_every_practice_has_a_plain_label_and_meaning():
    assert text.label("safety") == "Safe to speak up"
    for name in ("collaboration_index", *PRACTICES):
        assert "_" not in text.label(name)
        assert text.MEANINGS[name]
    for name in OUTCOMES:
        assert "_" not in text.label(name), name


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_intervention_and_shock_is_explained_with_its_evidence(name):
    cls = REGISTRY[name]
    ex = text.explain(cls)
    assert ex.title == cls.title and ex.summary == cls.summary and ex.evidence == cls.evidence
    assert ex.works_through.startswith("Works through ")
    assert "_" not in ex.works_through + ex.who + ex.expected
    assert len(ex.effects) == len(cls.claims)


# ---------------------------------------------------------------------------------------------
# Choosing a system


def test_catalogue_offers_baseline_first_then_the_workshop_stories_in_order():
    systems = scenario_systems(folder=SCENARIOS)
    assert systems[0].path.stem == "baseline"
    stories = [s.label for s in systems if s.group == "story"]
    assert stories and all(s.startswith("Story ") for s in stories)
    assert stories == sorted(stories, key=lambda s: int(s.split()[1].rstrip(":")))
    # null models and scenarios that switch mechanisms off are researchers' checks: last
    stems = [s.path.stem for s in systems]
    checks = [i for i, stem in enumerate(stems) if stem.startswith("null")]
    assert len(checks) >= 6 and checks == list(range(len(stems) - len(checks), len(stems)))


def test_scenario_given_on_the_command_line_comes_first(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: My workshop\nextends: %s\n" % (SCENARIOS / "baseline.yaml"))
    systems = scenario_systems(extra=mine, folder=SCENARIOS)
    assert systems[0].label == "My workshop"
    assert systems[0].path == mine.resolve()


def test_the_app_opens_the_scenario_given_on_the_command_line(tmp_path):
    pytest.importorskip("solara")
    from ics_sim.interfaces.dashboard import app

    mine = tmp_path / "mine.yaml"
    mine.write_text("name: My workshop\nextends: %s\n" % (SCENARIOS / "baseline.yaml"))
    systems = app.systems_on_offer(str(mine))
    assert app.first_system(systems, str(mine)) == f"scenario:{mine.resolve()}"
    assert app.first_system(app.systems_on_offer(None), None).endswith("baseline.yaml")
    items = app.system_items(systems)
    assert items[0] == {"header": "Workshop stories and scenarios"}
    assert items[1]["text"] == "My workshop"


def test_catalogue_includes_the_real_icss():
    icss = ics_systems()
    assert len(icss) == 42
    assert all(s.code and s.label.endswith(" ICS") for s in icss)
    keys = [s.key for s in catalogue()]
    assert len(keys) == len(set(keys))


def test_catalogue_degrades_gracefully_without_real_icss(monkeypatch):
    from ics_sim.interfaces.dashboard import simulation

    monkeypatch.setattr(simulation, "_ics_table", lambda: None)
    systems = simulation.catalogue()
    assert systems and not [s for s in systems if s.kind == "ics"]
    assert DEFAULT_SYSTEM in systems


def test_a_real_ics_runs():
    icss = ics_systems()
    sim = Simulation(icss[0])
    sim.step(3)
    assert sim.week == 3
    assert sim.composition.n == len(views.layout(sim).geometry["nodes"])


def test_a_scenario_runs_exactly_as_the_model_would():
    scn = load(SCENARIOS / "big_breakfast.yaml")
    model = ICSModel(
        rng=scn.seed,
        ics=scn.composition(),
        interventions=scn.create_events(),
        mechanisms_off=scn.mechanisms_off,
        **scn.parameters,
    )
    model.run(40)
    sim = Simulation(scenario_system(SCENARIOS / "big_breakfast.yaml"))
    sim.step(40)
    assert ci(sim) == list(model.outcomes()["collaboration_index"])
    assert sim.horizon == scn.weeks and sim.seed == scn.seed


# ---------------------------------------------------------------------------------------------
# Sessions never share a model


def test_two_simulations_never_move_each_other():
    a, b = Simulation(), Simulation()
    a.step(5)
    a.start("big_breakfast")
    assert a.week == 5 and b.week == 0
    assert a.main is not b.main
    assert b.changes() == []


def test_the_app_creates_no_model_at_module_level():
    pytest.importorskip("solara")
    from ics_sim.interfaces.dashboard import app

    assert not [v for v in vars(app).values() if isinstance(v, Simulation | ICSModel)]


def _render():
    solara = pytest.importorskip("solara")
    from ics_sim.interfaces.dashboard import app

    return solara.render(app.Dashboard(sidebar=False), handle_error=False)


def _button(rc, cls: str):
    import ipyvuetify as v

    found = rc.find(v.Btn, class_=cls)
    found.assert_single()
    return found.widget


def _until(cond, what: str, limit: float = 60.0) -> None:
    """Wait for a state of the page (the limit only stops a hung test)."""
    deadline = time.monotonic() + limit
    while not cond():
        assert time.monotonic() < deadline, f"the page never showed {what}"
        time.sleep(0.01)


def _view(rc) -> dict:
    """The frame the main view shows (one JSON document: week, headline, charts, ...)."""
    import ipyvuetify as v

    (widget,) = [w for w in rc.find(v.VuetifyTemplate).widgets if hasattr(w, "frame_json")]
    return json.loads(widget.frame_json)


def _week(rc) -> int:
    return _view(rc)["week"]


def _playing(rc) -> bool:
    return _button(rc, "ics-play").children[-1] == "Pause"


def _step(rc, weeks: int = 1) -> None:
    for _ in range(weeks):
        week = _week(rc)
        _button(rc, "ics-step").click()
        _until(lambda w=week: _week(rc) == w + 1, f"week {week + 1}")


def test_two_sessions_of_the_app_are_independent():
    _, rc1 = _render()
    _, rc2 = _render()
    _step(rc1, 3)
    assert _view(rc1)["when"] == "Week 3 (3 weeks)"
    # each frame carries its id: the page sends it back once drawn, and the player waits
    assert isinstance(_view(rc1)["id"], int) and _view(rc1)["id"] > _view(rc2)["id"]
    assert _week(rc2) == 0
    _step(rc2)
    assert _week(rc1) == 3 and _week(rc2) == 1


def test_play_advances_and_pause_stops_at_the_week_shown():
    _, rc = _render()
    _button(rc, "ics-play").click()
    _until(lambda: _week(rc) >= 3, "week 3 while playing")
    _button(rc, "ics-play").click()  # pause
    _until(lambda: not _playing(rc), "the Play button again")
    paused = _week(rc)
    assert paused >= 3
    # nothing moves on by itself: one step is exactly one week on from the pause
    _step(rc)
    assert _week(rc) == paused + 1
    view = _view(rc)
    assert all(c["week"] == paused + 1 for c in view["charts"])
    assert view["headline"].startswith(f"Week {paused + 1} ")


def test_play_pauses_at_the_end_of_the_story(tmp_path, monkeypatch):
    pytest.importorskip("solara")
    from ics_sim.interfaces.dashboard import app

    short = tmp_path / "short.yaml"
    short.write_text("name: Short\nweeks: 12\nextends: %s\n" % (SCENARIOS / "baseline.yaml"))
    monkeypatch.setenv(app.SCENARIO_ENV, str(short))
    _, rc = _render()
    _button(rc, "ics-play").click()
    import ipyvuetify as v

    def notice() -> str:
        return str([w.children for w in rc.find(v.Alert).widgets])

    _until(lambda: "Press Play to carry on" in notice(), "the end of the story")
    assert _week(rc) == 12 and not _playing(rc)


def test_switching_an_intervention_on_in_the_app_marks_the_charts():
    _, rc = _render()
    _step(rc, 4)
    _button(rc, "ics-start-intervention").click()
    _until(lambda: _view(rc)["charts"][0]["markers"], "a marker")
    charts = _view(rc)["charts"]
    assert len(charts) == 7
    for chart in charts:
        assert chart["markers"] == [
            {"week": 4, "label": "Big breakfast starts", "kind": "intervention", "planned": False}
        ]


def _networks(rc) -> int:
    return len(_view(rc)["nets"])


def test_side_by_side_in_the_app_survives_a_new_roll_of_the_dice():
    import ipyvuetify as v

    _, rc = _render()
    assert _networks(rc) == 1
    rc.find(v.Switch, class_="ics-side-switch").widget.v_model = True
    _until(lambda: _networks(rc) == 2, "two networks")
    _step(rc)
    _button(rc, "ics-roll").click()
    _until(lambda: _week(rc) == 0, "week 0 after a new roll")

    def shown() -> list[str]:
        return [w.unsafe_innerHTML for w in rc.find(attributes={"class": "ics-small"}).widgets]

    _until(lambda: "Chance: roll 2" in shown(), "roll 2")
    assert _networks(rc) == 2


# ---------------------------------------------------------------------------------------------
# Side by side


def test_side_by_side_runs_the_same_seed_in_lockstep():
    sim = Simulation()
    sim.set_side_by_side(True)
    assert sim.twin.seed == sim.main.seed
    sim.step(15)
    assert sim.main.week == sim.twin.week == 15
    assert ci(sim, MAIN) == ci(sim, TWIN)  # same seed, no intervention: identical


def test_an_intervention_changes_only_its_side_and_only_from_when_it_starts():
    sim = Simulation()
    sim.set_side_by_side(True)
    sim.step(10)
    sim.start("big_breakfast")
    sim.step(40)
    main, twin = ci(sim, MAIN), ci(sim, TWIN)
    assert len(main) == len(twin) == 51
    assert main[:11] == twin[:11]
    assert main[-1] != twin[-1]
    assert len([e for e in sim.twin.engine.interventions]) == 0


def test_a_shock_hits_both_sides():
    sim = Simulation()
    sim.set_side_by_side(True)
    sim.step(5)
    sim.start("financial_squeeze")
    sim.step(20)
    assert ci(sim, MAIN) == ci(sim, TWIN)
    assert len(sim.twin.engine.interventions) == 1


def test_side_by_side_switched_on_mid_run_replays_the_same_history():
    sim = Simulation()
    sim.step(8)
    sim.start("financial_squeeze")
    sim.step(8)
    sim.start("big_breakfast")
    sim.step(8)
    sim.set_side_by_side(True)
    assert sim.twin.week == sim.week == 24
    sim.step(4)
    main, twin = ci(sim, MAIN), ci(sim, TWIN)
    assert main[:17] == twin[:17]  # identical until the breakfast starts at week 16
    # the twin is exactly a run with the shock alone
    ref = Simulation()
    ref.step(8)
    ref.start("financial_squeeze")
    ref.step(20)
    assert twin == ci(ref)


def test_a_scenario_side_by_side_keeps_its_shocks_on_both_sides():
    sim = Simulation(scenario_system(SCENARIOS / "squeeze_with_breakfast.yaml"))
    sim.set_side_by_side(True)
    kinds = {w: [iv.kind for iv in sim.models[w].engine.interventions] for w in sim.models}
    assert sorted(kinds[MAIN]) == ["intervention", "shock"]
    assert kinds[TWIN] == ["shock"]


def test_reset_goes_back_to_week_0_and_drops_live_changes():
    sim = Simulation(scenario_system(SCENARIOS / "big_breakfast.yaml"))
    sim.set_side_by_side(True)
    sim.step(5)
    sim.start("open_space")
    sim.reset()
    assert sim.week == 0 and sim.twin.week == 0
    assert [e.type for e in sim.changes()] == ["big_breakfast"]


# ---------------------------------------------------------------------------------------------
# Changes while it runs, and the chart markers


def test_starting_an_intervention_mid_run_marks_the_chart_at_that_week():
    sim = Simulation()
    sim.step(12)
    sim.start("big_breakfast")
    sim.step(3)
    charts = views.charts(sim)
    assert [c["key"] for c in charts] == list(text.CHART_OUTCOMES)
    for chart in charts:
        assert chart["markers"] == [
            {"week": 12, "label": "Big breakfast starts", "kind": "intervention", "planned": False}
        ]
        assert len(chart["series"][0]["values"]) == 16


def test_stopping_marks_the_end_and_the_intervention_stops_acting():
    sim = Simulation()
    sim.step(4)
    event = sim.start("big_breakfast")
    sim.step(6)
    sim.stop(event.key)
    assert event.end == 10
    labels = [(m.week, m.label) for m in sim.markers()]
    assert labels == [(4, "Big breakfast starts"), (10, "Big breakfast stops")]
    (obj,) = sim.main.engine.interventions
    assert obj.active(9) and not obj.active(10)


def test_stopping_before_it_starts_cancels_it():
    sim = Simulation(scenario_system(SCENARIOS / "big_breakfast.yaml"))  # starts at week 26
    sim.step(3)
    (event,) = sim.changes()
    sim.stop(event.key)
    assert sim.changes() == [] and sim.main.engine.interventions == []


def test_the_same_intervention_cannot_run_twice_at_once():
    sim = Simulation()
    sim.start("big_breakfast")
    with pytest.raises(ICSSimError, match="already running"):
        sim.start("big_breakfast")


def test_planned_scenario_events_are_shown_faintly_until_they_happen():
    sim = Simulation(scenario_system(SCENARIOS / "financial_squeeze.yaml"))
    (marker,) = views.charts(sim)[0]["markers"]
    assert (
        marker["week"] == 26 and marker["planned"] and marker["label"] == "Financial squeeze hits"
    )
    sim.step(26)
    assert not views.charts(sim)[0]["markers"][0]["planned"]


# ---------------------------------------------------------------------------------------------
# What is drawn


def test_network_view_has_every_organisation_and_tie_styled_by_trust():
    sim = Simulation()
    geometry = views.layout(sim).geometry
    state = views.network_state(sim)
    n, e = sim.composition.n, sim.main.engine.topo.e
    assert len(geometry["nodes"]) == len(state["nodes"]) == n
    assert len(geometry["edges"]) == len(state["edges"]) == e // 2  # every candidate pair
    # pairs with no tie now are drawn invisible
    hidden = sum(1 for edge in state["edges"] if edge[2] == 0)
    assert hidden == e // 2 - int(sim.main.engine.state.active[0].sum()) // 2
    # thicker and darker with more trust
    assert views.trust_width(0.9) > views.trust_width(0.2)
    assert views.trust_colour(0.9) < views.trust_colour(0.2)  # darker hex
    kinds = {k["label"] for k in geometry["legend"]}
    assert "Acute trust" in kinds and "VCSE body" in kinds
    # circles sized by power
    power = sim.main.engine.state.power[0]
    r = [s["r"] for s in state["nodes"]]
    assert r[int(power.argmax())] == max(r)
    for x in geometry["nodes"]:
        assert 0 <= x["x"] <= geometry["width"] and 0 <= x["y"] <= geometry["height"]


def test_selecting_an_organisation_describes_it_in_plain_words():
    sim = Simulation()
    card = views.organisation_card(sim, 1)
    assert card["sentence"] == sim.main.organisations[1].describe()
    assert card["name"] == sim.main.organisations[1].name
    assert {m["label"] for m in card["meters"]} >= {"Power", "Pressure", "Safe to speak up"}
    assert card["lines"] and "Trusts " in card["lines"][0]


def test_radar_compares_now_with_week_0_and_side_by_side_with_the_twin():
    sim = Simulation()
    sim.step(3)
    r = views.radar(sim)
    assert r["axes"][0] == "Safe to speak up" and len(r["axes"]) == 6
    assert [p["name"] for p in r["polygons"]] == ["Week 0", "Now (Week 3 (3 weeks))"]
    sim.set_side_by_side(True)
    names = [p["name"] for p in views.radar(sim)["polygons"]]
    assert names == ["Week 0", RUN_LABELS[TWIN], RUN_LABELS[MAIN]]


def test_headline_and_tiles_speak_plainly():
    sim = Simulation()
    assert views.headline(sim).startswith("Week 0 (the start): collaboration overall is ")
    sim.set_side_by_side(True)
    sim.step(2)
    assert "carrying on as now" in views.headline(sim)
    tiles = views.tiles(sim)
    assert [t["title"] for t in tiles][:2] == ["Collaboration overall", "Safe to speak up"]


def test_week_ticks_are_years_for_long_runs_and_months_for_short():
    assert [t["label"] for t in views.week_ticks(260)] == [
        "Start",
        "1 yr",
        "2 yr",
        "3 yr",
        "4 yr",
        "5 yr",
    ]
    assert views.week_ticks(52)[1]["label"] == "3 mo"


# ---------------------------------------------------------------------------------------------
# Exports


def _rows(csv_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_text)))


def test_csv_export_has_every_week_plain_headers_and_the_changes():
    sim = Simulation()
    sim.step(6)
    sim.start("big_breakfast")
    sim.step(4)
    rows = _rows(sim.outcomes_csv())
    assert len(rows) == 11
    header = list(rows[0])
    assert header[:7] == [
        "System",
        "Seed",
        "Run",
        "Week",
        "Months",
        "Changes",
        "Collaboration overall",
    ]
    assert header[7:13] == [text.label(p) for p in PRACTICES]
    assert len(header) == 6 + len(OUTCOMES)
    assert [r["Week"] for r in rows] == [str(w) for w in range(11)]
    assert rows[6]["Changes"] == "Big breakfast starts"
    assert all(r["Changes"] == "" for i, r in enumerate(rows) if i != 6)
    df = sim.main.outcomes()
    got = np.array([float(r["Safe to speak up"]) for r in rows])
    assert np.allclose(got, df["safety"], atol=1e-4)


def test_csv_export_side_by_side_has_both_runs():
    sim = Simulation()
    sim.set_side_by_side(True)
    sim.step(3)
    sim.start("open_space")
    sim.step(2)
    rows = _rows(sim.outcomes_csv())
    runs = [r["Run"] for r in rows]
    assert runs == [RUN_LABELS[TWIN]] * 6 + [RUN_LABELS[MAIN]] * 6
    changes = {(r["Run"], r["Week"]): r["Changes"] for r in rows}
    assert changes[(RUN_LABELS[MAIN], "3")] == "Open space: meetings with no agenda starts"
    assert changes[(RUN_LABELS[TWIN], "3")] == ""


def test_png_export_is_a_picture_of_the_view():
    sim = Simulation()
    sim.step(5)
    sim.start("big_breakfast")
    sim.set_side_by_side(True)
    sim.step(5)
    data = export.png(sim)
    assert data.startswith(PNG_SIGNATURE) and len(data) > 50_000
    width, height = np.frombuffer(data[16:24], dtype=">u4")
    assert width > 1200 and height > 900
    assert export.filename(sim, "png") == "ics-sim_a-typical-ics_week-10.png"


# ---------------------------------------------------------------------------------------------
# Thread safety: a play loop and clicks at once


def test_stepping_and_changes_from_two_threads_stay_consistent():
    sim = Simulation()
    sim.set_side_by_side(True)
    errors: list[BaseException] = []

    def play():
        try:
            for _ in range(60):
                sim.step()
                views.charts(sim)
                views.network_state(sim, TWIN)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    t = threading.Thread(target=play)
    t.start()
    for name in ("big_breakfast", "open_space", "financial_squeeze"):
        time.sleep(0.01)
        sim.start(name)
    t.join()
    assert not errors
    assert sim.main.week == sim.twin.week == 60
    assert len(ci(sim, MAIN)) == len(ci(sim, TWIN)) == 61


# ---------------------------------------------------------------------------------------------
# The command


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    launch.add_dashboard_parser(sub)
    return parser.parse_args(["dashboard", *argv])


def test_dashboard_command_defaults_to_this_computer_only():
    args = _parse()
    assert args.host == "127.0.0.1" and args.port == 8765 and args.scenario is None
    assert args.func is launch.cmd_dashboard
    args = _parse("scenarios/baseline.yaml", "--port", "9000", "--host", "0.0.0.0")
    assert args.port == 9000 and args.host == "0.0.0.0"
    assert args.scenario == Path("scenarios/baseline.yaml")


def test_a_host_open_to_the_network_needs_confirming(monkeypatch, capsys):
    started = []
    monkeypatch.setattr(launch.subprocess, "Popen", lambda *a, **k: started.append(a))
    with pytest.raises(ICSSimError, match="--allow-network"):
        launch.cmd_dashboard(_parse("--host", "0.0.0.0"))
    assert started == []  # refused before anything starts
    assert _parse("--host", "0.0.0.0", "--allow-network").allow_network
    assert launch.reach("192.0.2.7") == "its address 192.0.2.7"
    assert launch.reach("0.0.0.0").startswith("any of its addresses")


def test_the_server_never_fetches_assets_from_a_cdn():
    assert launch.server_env(None, base={})["SOLARA_ASSETS_CDN"].startswith("offline:")


def test_broken_scenario_files_are_listed_with_their_error(tmp_path):
    from ics_sim.interfaces.dashboard.simulation import scenario_problems

    (tmp_path / "good.yaml").write_text("name: Good\nweeks: 4\n")
    (tmp_path / "bad.yaml").write_text("name: Bad\nweeks: -3\n")
    offered = [s.path.name for s in scenario_systems(folder=tmp_path)]
    problems = scenario_problems(tmp_path)
    assert offered == ["good.yaml"]
    assert [name for name, _ in problems] == ["bad.yaml"] and "weeks" in problems[0][1]


def test_dashboard_command_rejects_a_bad_port():
    with pytest.raises(SystemExit):
        _parse("--port", "70000")


def test_a_bad_scenario_file_is_an_error_before_anything_starts(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nweeks: -3\n")
    with pytest.raises(ICSSimError, match="bad.yaml"):
        launch.cmd_dashboard(_parse(str(bad)))
    with pytest.raises(ICSSimError, match="no such file"):
        launch.cmd_dashboard(_parse(str(tmp_path / "missing.yaml")))


def test_a_port_in_use_is_an_error_that_says_what_to_do():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(ICSSimError, match=f"--port {port + 1}"):
            launch.check_port("127.0.0.1", port)


def test_missing_dashboard_dependencies_say_how_to_install_them(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ICSSimError, match=r"ics-sim\[dashboard\]"):
        launch.check_dependencies()


def test_server_runs_offline_with_telemetry_off_and_gets_the_scenario():
    cmd = launch.server_command("127.0.0.1", 8123)
    assert cmd[1:5] == ["-m", "solara", "run", "ics_sim.interfaces.dashboard.app"]
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and cmd[cmd.index("--port") + 1] == "8123"
    assert "--production" in cmd and "--no-open" in cmd
    env = launch.server_env(Path("/x/y.yaml"), base={"PATH": "/bin"})
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert env[launch.SCENARIO_ENV] == "/x/y.yaml" and env["PATH"] == "/bin"
    assert launch.SCENARIO_ENV not in launch.server_env(None, base={launch.SCENARIO_ENV: "old"})


def test_address_and_loopback():
    assert launch.url("127.0.0.1", 8765) == "http://127.0.0.1:8765/"
    assert launch.url("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert launch.is_loopback("127.0.0.1") and launch.is_loopback("localhost")
    assert not launch.is_loopback("0.0.0.0")


def test_the_cli_wiring_reports_a_bad_scenario_with_exit_2(monkeypatch, tmp_path, capsys):
    from ics_sim import cli

    if launch.add_dashboard_parser not in cli.COMMANDS:  # until the CLI lists it
        monkeypatch.setattr(cli, "COMMANDS", [*cli.COMMANDS, launch.add_dashboard_parser])
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nweeks: -3\n")
    assert cli.main(["dashboard", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ics-sim: error: ") and "bad.yaml" in err
    assert cli.main(["dashboard", "--port", "0"]) == 2
    assert "--port" in capsys.readouterr().err
    assert cli.main(["dashboard", "--help"]) == 0
    assert "--host ADDRESS" in capsys.readouterr().out


def test_an_error_while_drawing_shows_a_panel_and_carry_on_keeps_the_run(monkeypatch):
    solara = pytest.importorskip("solara")
    import ipyvuetify as v

    from ics_sim.interfaces.dashboard import app

    _, rc = _render()
    _step(rc, 2)

    @solara.component
    def broken():
        raise RuntimeError("a part of the page broke")

    monkeypatch.setattr(app, "Help", broken)
    _button(rc, "ics-step").click()  # the next frame cannot be drawn
    _until(lambda: rc.find(v.Btn, class_="ics-carry-on").widgets, "the error panel")
    panel = rc.find(attributes={"class": "ics-error-text"}).widget.unsafe_innerHTML
    assert "Something went wrong there" in panel and "a part of the page broke" in panel
    monkeypatch.undo()
    _button(rc, "ics-carry-on").click()
    _until(lambda: rc.find(v.Btn, class_="ics-step").widgets, "the dashboard again")
    assert _week(rc) == 3  # the run was kept, and the step was made
