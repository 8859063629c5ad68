"""Plugins: a mechanism or intervention written outside the package joins the one registry,
by register() or by an entry point of an installed distribution, and runs like a built-in."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ics_sim
from ics_sim import simulate
from ics_sim.core.registry import REGISTRY, RegistryError
from ics_sim.mechanisms import Mechanism, Param
from ics_sim.mechanisms.base import DeclarationError
from ics_sim.sim.engine import Engine, UndeclaredWrite
from ics_sim.sim.plan import plan_table
from ics_sim.system.composition import default

EXAMPLE = Path(__file__).resolve().parents[1] / "plugin_example"
ROOT = EXAMPLE.parents[1]


def _load_example():
    """The example plugin's module, from its file (its folder is not put on sys.path, where
    a build's leftovers could make it look installed)."""
    spec = importlib.util.spec_from_file_location("small_wins", EXAMPLE / "small_wins.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["small_wins"] = module
    spec.loader.exec_module(module)
    return module


small_wins = _load_example()


def _mechanism(name: str, **attrs) -> type[Mechanism]:
    body = {"name": name, "title": name, "step": lambda self, s, lv, week: None, **attrs}
    return type(name.title(), (Mechanism,), body)


def test_register_puts_a_mechanism_in_the_plan_after_the_one_it_names():
    ics_sim.register(small_wins.SmallWins, version="0.1.0")
    names = [r["name"] for r in plan_table()]
    assert names[names.index("joint_work") + 1] == "small_wins"
    assert "small_wins_boost" in {p.name for p in ics_sim.parameters()}
    rec = [r for r in REGISTRY.plugin_records() if r["name"] == "small_wins"]
    assert rec == [
        {
            "name": "small_wins",
            "group": "mechanism",
            "version": "0.1.0",
            "source": "register() from small_wins",
        }
    ]
    ics_sim.unregister("small_wins")
    assert "small_wins" not in [r["name"] for r in plan_table()]
    assert "small_wins_boost" not in {p.name for p in ics_sim.parameters()}


def test_a_plugin_switched_off_leaves_the_built_in_model_bit_for_bit():
    seeds = [1, 2, 3]
    built_in = simulate(seeds, 60)
    ics_sim.register(small_wins.SmallWins)
    off = simulate(seeds, 60, mechanisms_off=["small_wins"])
    on = simulate(seeds, 60, small_wins_boost=1.0)
    for k in ics_sim.OUTCOMES:
        assert np.array_equal(off[k].to_numpy(), built_in[k].to_numpy()), k
    # Celebrated joint work is extra good experience: trust ends higher in every replicate.
    end = on.week == 60
    assert (on[end].mean_trust.to_numpy() > built_in[end].mean_trust.to_numpy()).all()


def test_duplicate_names_are_rejected_with_a_clear_error():
    with pytest.raises(RegistryError, match="a mechanism named 'trust' is already registered"):
        ics_sim.register(_mechanism("trust"))
    with pytest.raises(RegistryError, match="'big_breakfast' is already registered"):
        ics_sim.register(type("Again", (small_wins.WalkingMeetings,), {"name": "big_breakfast"}))


def test_clashing_parameter_names_are_rejected_naming_both_owners():
    clash = Param("trust_gain", 0.1, 0.0, 1.0, "x", "a clash", "assumption")
    with pytest.raises(RegistryError) as e:
        ics_sim.register(_mechanism("rival", params=(clash,)))
    assert "parameter 'trust_gain' of mechanism 'rival' is already declared by mechanism" in str(
        e.value
    )
    assert "'trust'" in str(e.value)
    init = Param("warmup_weeks", 1, 0, 2, "weeks", "a clash", "assumption")
    with pytest.raises(RegistryError, match="already declared by initialisation"):
        ics_sim.register(_mechanism("early", params=(init,)))
    assert "rival" not in REGISTRY.mechanism_names()


def test_a_plan_position_after_an_unknown_mechanism_is_an_error():
    with pytest.raises(RegistryError, match=r"runs after 'jiont_work'.*did you mean 'joint_work'"):
        ics_sim.register(_mechanism("late", after="jiont_work"))


def test_declaring_a_variable_or_lever_that_does_not_exist_fails_at_class_definition():
    with pytest.raises(DeclarationError, match=r"reads: 'trusst' is not a state variable"):
        _mechanism("typo", reads=("trusst",))
    with pytest.raises(DeclarationError, match=r"reads_levers: no lever 'rewards'"):
        _mechanism("typo", reads_levers=("rewards",))


def test_checking_mode_fails_a_plugin_that_writes_what_it_did_not_declare():
    def step(self, s, lv, week):
        s.good += s.joint
        s.safety = s.safety * 1.0  # replaced: a write, even with the same values

    ics_sim.register(_mechanism("sneaky", after="joint_work", writes=("good",), step=step))
    Engine(default(), [1], {"warmup_weeks": 2})  # without checking, it runs
    with pytest.raises(UndeclaredWrite, match=r"'sneaky' wrote safety in week 0"):
        Engine(default(), [1], {"warmup_weeks": 2}, check=True)


def test_an_intervention_plugin_is_named_by_type_in_a_scenario(tmp_path):
    from ics_sim.interventions import INTERVENTIONS, create
    from ics_sim.scenario import from_dict

    ics_sim.register(small_wins.WalkingMeetings)
    assert "walking_meetings" in INTERVENTIONS  # the live view sees it
    assert create("walking_meetings", start=3).key == "walking_meetings@3"
    scn = from_dict({"name": "walks", "interventions": [{"type": "walking_meetings"}]})
    scn.check()


@pytest.mark.slow
def test_the_same_plugin_installed_with_entry_points(tmp_path):
    """pip-install the example package into a folder of its own; a Python that sees it finds
    both entry points, runs them in the plan, and records them in the manifest."""
    site = tmp_path / "site"
    source = shutil.copytree(EXAMPLE, tmp_path / "plugin_example")  # a build leaves files
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    cli = [sys.executable, "-m", "ics_sim.interfaces.cli"]
    listed = subprocess.run(
        [*cli, "list", "mechanisms", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    plan = json.loads(listed.stdout)["mechanisms"]
    row = next(r for r in plan if r["name"] == "small_wins")
    assert plan[plan.index(row) - 1]["name"] == "joint_work"
    assert row["source"] == "entry point ics-sim-small-wins: small_wins:SmallWins"
    scenario = tmp_path / "walks.yaml"
    scenario.write_text(
        "name: Walks and wins\nweeks: 30\nreplicates: 2\nseed: 4\n"
        "parameters: {small_wins_boost: 1.0}\n"
        "interventions:\n  - {type: walking_meetings, start: 5}\n"
    )
    out = tmp_path / "out"
    done = subprocess.run(
        [*cli, "run", str(scenario), "--out", str(out), "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert {(p["name"], p["group"], p["version"]) for p in manifest["plugins"]} == {
        ("small_wins", "mechanism", "0.1.0"),
        ("walking_meetings", "intervention", "0.1.0"),
    }
    # The entry-point plugin computes what the same classes registered here compute.
    import pandas as pd

    from ics_sim.runner import run_scenario
    from ics_sim.scenario import load

    ics_sim.register(small_wins.SmallWins)
    ics_sim.register(small_wins.WalkingMeetings)
    here = run_scenario(load(scenario))
    there = pd.read_parquet(out / "outcomes.parquet")
    for k in ics_sim.OUTCOMES:
        assert np.array_equal(here[k].to_numpy(), there[k].to_numpy()), k
