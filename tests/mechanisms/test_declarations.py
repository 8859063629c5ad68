"""What the mechanisms declare is what they do. The engine's checking mode runs every built-in
mechanism over scenarios that exercise every intervention and shock, a multi-ICS system and
mechanisms switched off, and fails on any write a mechanism does not declare. Every state
variable has exactly one writer, or a documented reason for more
(``ics_sim.mechanisms.SHARED_WRITES``); every lever is read by exactly one mechanism, and with
that mechanism off the lever does nothing."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from ics_sim import simulate
from ics_sim.mechanisms import ORDER, SHARED_WRITES
from ics_sim.mechanisms.base import STATE_VARIABLES
from ics_sim.scenario import load
from ics_sim.sim.engine import Engine
from ics_sim.sim.plan import lever_readers, lever_table
from ics_sim.state.levers import LEVERS
from ics_sim.state.variables import State
from ics_sim.synthetic import system

from ..helpers import SetLever

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: Variables set when the state is built and never changed by a mechanism.
CONSTANT = {
    "kind", "sector", "capacity", "base_power", "base_resources", "base_pressure",
    "trust_propensity", "sharing_trait", "interests", "trust_base", "legacy", "advantage",
}  # fmt: skip


def writers() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in ORDER:
        for v in m.writes:
            out.setdefault(v, []).append(m.name)
    return out


def test_every_state_variable_has_one_writer_or_a_documented_reason():
    w = writers()
    for variable in STATE_VARIABLES - CONSTANT:
        assert variable in w, f"nothing writes {variable}"
        if len(w[variable]) > 1:
            assert variable in SHARED_WRITES, (variable, w[variable])
    assert set(SHARED_WRITES) == {v for v, ms in w.items() if len(ms) > 1}
    assert not CONSTANT & set(w), CONSTANT & set(w)
    assert CONSTANT <= {f.name for f in dataclasses.fields(State)}


def test_every_tally_has_one_writer():
    counts = Counter(v for m in ORDER for v in m.writes if v.startswith("tally."))
    assert counts and max(counts.values()) == 1, counts


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    ["baseline", "full_programme", "financial_squeeze", "leadership_churn", "succession_planning",
     "reward_collaboration", "leadership_programme", "collaborate_selectively",
     "industrial_action", "null"],
)  # fmt: skip
def test_checking_mode_finds_no_undeclared_write(name):
    scn = load(SCENARIOS / f"{name}.yaml")
    engine = Engine(
        scn.composition(), [1, 2], scn.parameters, scn.mechanisms_off, scn.create_events(),
        check=True,
    )  # fmt: skip
    engine.run(60)
    declared = {m.name: set(m.writes) for m in engine.mechanisms}
    for mech, seen in engine.writes_seen.items():
        assert seen, mech  # each mechanism writes something
        assert {v.removesuffix("_by_ics") for v in seen} <= declared[mech], mech


def test_checking_mode_on_a_system_of_several_icss():
    engine = Engine(system(90), [3], check=True)
    engine.run(30)
    assert any(v.endswith("_by_ics") for s in engine.writes_seen.values() for v in s)


def test_every_lever_is_read_by_exactly_one_mechanism():
    readers = lever_readers()
    assert set(readers) == set(LEVERS)
    assert all(len(r) == 1 for r in readers.values()), readers


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(LEVERS))
def test_a_lever_does_nothing_when_its_mechanism_is_off(name):
    """Interventions act only through mechanisms: with the reader off, a lever is inert."""
    _, neutral, reader, _ = lever_table()[name]
    value = neutral + 0.5 if neutral == 0 else neutral * 0.5
    off = [reader]
    a = simulate([9], 30, mechanisms_off=off)
    b = simulate([9], 30, mechanisms_off=off, interventions=[SetLever(name, value)])
    assert a.equals(b), name
    # And with the mechanism on, it does something.
    c = simulate([9], 30)
    d = simulate([9], 30, interventions=[SetLever(name, value)])
    assert not c.equals(d), name
