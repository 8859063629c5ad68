"""Scenario files: a pleasure to write, impossible to get silently wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ics_sim import scenario
from ics_sim.errors import ICSSimError
from ics_sim.scenario import load

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def error_of(path: Path) -> str:
    with pytest.raises(ICSSimError) as e:
        load(path).check()
    return str(e.value)


def test_minimal_scenario_takes_defaults(tmp_path):
    s = load(write(tmp_path, "name: Minimal\n"))
    assert s.weeks == 260 and s.seed == 1 and s.replicates == 10 and s.ics == "default"
    assert s.seeds(3) == [1, 2, 3]


def test_extends_merges_parameters_and_appends_events(tmp_path):
    write(
        tmp_path,
        "name: Base\nweeks: 30\nparameters: {trust_gain: 0.06, trust_loss: 0.2}\n"
        "shocks: [{type: financial_squeeze}]\n",
        "base.yaml",
    )
    child = write(
        tmp_path,
        "name: Child\nextends: base.yaml\nparameters: {trust_loss: 0.4}\n"
        "interventions: [{type: big_breakfast, start: 5}]\n",
        "child.yaml",
    )
    s = load(child)
    assert s.name == "Child" and s.weeks == 30
    assert s.parameters == {"trust_gain": 0.06, "trust_loss": 0.4}
    assert [e.type for e in s.shocks] == ["financial_squeeze"]
    assert [e.type for e in s.interventions] == ["big_breakfast"]


@pytest.mark.parametrize(
    "text,expect",
    [
        ("name: x\nweks: 3\n", ["s.yaml", "unknown key 'weks'", "did you mean 'weeks'"]),
        (
            "name: x\ninterventions: [{type: big_brekfast}]\n",
            ["interventions[0].type", "did you mean 'big_breakfast'"],
        ),
        (
            "name: x\ninterventions: [{type: big_breakfast, start: 9, end: 3}]\n",
            ["interventions[0]", "end (3) must be after start (9)"],
        ),
        (
            "name: x\ninterventions: [{type: big_breakfast, params: {evry: 2}}]\n",
            ["interventions[0]", "did you mean 'every'", "every, attendance"],
        ),
        ("name: x\nweeks: abc\n", ["weeks", "valid integer", "str 'abc'"]),
        ("name: x\nweeks: 0\n", ["weeks", "greater than or equal to 1"]),
        ("name: x\nweeks: 99999999999\n", ["weeks", "less than or equal to 5200"]),
        ("name: x\nweeks: true\n", ["weeks", "valid integer"]),
        ("name: x\nparameters: {trust_gain: 7}\n", ["parameters", "trust_gain", "[0.0, 1.0]"]),
        ("name: x\nparameters: {trust_gian: 0.1}\n", ["did you mean 'trust_gain'"]),
        ("name: x\nparameters: {trust_gain: .nan}\n", ["parameters"]),
        ("name: x\nmechanisms_off: [conflcit]\n", ["mechanisms_off", "did you mean 'conflict'"]),
        ("name: x\nshocks: [{type: big_breakfast}]\n", ["shocks", "list it under 'interventions'"]),
        (
            "name: x\ninterventions: [{type: big_breakfast, targets: {places: [Nowhere]}}]\n",
            ["interventions[0].targets", "no place 'Nowhere'", "Place A"],
        ),
        (
            "name: x\ninterventions: [{type: big_breakfast, targets: {kinds: [hospital]}}]\n",
            ["targets.kinds", "valid kinds"],
        ),
        ("name: x\nics: {counts: {acute: 2, hospital: 1}}\n", ["ics.counts", "hospital"]),
        ("weeks: 10\n", ["name", "required"]),
        ("- just\n- a list\n", ["must be a mapping"]),
        ("", ["is empty"]),
        ("name: [unclosed\n", ["not valid YAML", "line 2"]),
        ("name: x\nics: QXX\n", ["unknown ICS"]),
    ],
)
def test_bad_files_give_one_clear_message(tmp_path, text, expect):
    msg = error_of(write(tmp_path, text))
    for part in expect:
        assert part in msg, (part, msg)
    assert "\n" not in msg and "Traceback" not in msg


def test_binary_and_missing_files(tmp_path):
    p = tmp_path / "junk.yaml"
    p.write_bytes(bytes(range(256)))
    assert "not a text file" in error_of(p)
    assert "no such file" in error_of(tmp_path / "absent.yaml")
    assert "folder" in error_of(tmp_path)


def test_extends_loops_and_missing_parents(tmp_path):
    write(tmp_path, "name: a\nextends: b.yaml\n", "a.yaml")
    write(tmp_path, "name: b\nextends: a.yaml\n", "b.yaml")
    assert "loop" in error_of(tmp_path / "a.yaml")
    assert "no scenario file 'nope.yaml'" in error_of(
        write(tmp_path, "name: c\nextends: nope.yaml\n", "c.yaml")
    )
    # An error in the parent names the parent's file.
    write(tmp_path, "name: p\nweks: 1\n", "p.yaml")
    assert "p.yaml" in error_of(write(tmp_path, "name: q\nextends: p.yaml\n", "q.yaml"))


def test_yaml_cannot_run_code(tmp_path):
    p = write(tmp_path, "name: !!python/object/apply:os.system ['echo pwned']\n")
    msg = error_of(p)
    assert "not valid YAML" in msg


def test_json_schema_describes_the_format():
    schema = scenario.json_schema()
    assert schema["title"] == "ics-sim scenario"
    assert {"name", "weeks", "interventions", "shocks"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


junk_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4),
    max_leaves=20,
)
keys = st.sampled_from(
    [
        "name",
        "weeks",
        "seed",
        "replicates",
        "ics",
        "parameters",
        "interventions",
        "shocks",
        "mechanisms_off",
        "extends",
        "description",
        "targets",
        "type",
        "start",
    ]
) | st.text(max_size=12)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.dictionaries(keys, junk_values, max_size=6))
def test_malformed_mappings_never_traceback(tmp_path, data):
    p = tmp_path / "gen.yaml"
    p.write_text(yaml.safe_dump(data))
    try:
        s = load(p)
        s.check()
    except ICSSimError as e:
        assert str(e) and "\n" not in str(e)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_junk_bytes_never_traceback(tmp_path, data):
    p = tmp_path / "junk.yaml"
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    try:
        load(p).check()
    except ICSSimError as e:
        assert str(e)


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_scenario_validates_and_runs(path):
    from ics_sim.runner import run_scenario

    s = load(path)
    s.check()
    df = run_scenario(s, replicates=2, weeks=8)
    assert len(df) == 2 * 9 and (df["scenario"] == s.name).all()
    assert s.description, "shipped scenarios need a plain-language description"
