"""System files: validated, turned into a Composition, and their survey reaching the state."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from ics_sim.core.errors import ICSSimError
from ics_sim.interfaces.cli import main
from ics_sim.scenarios import system_file as sf
from ics_sim.scenarios.files import ScenarioError
from ics_sim.scenarios.schema import load as load_scenario
from ics_sim.sim.engine import Engine
from ics_sim.state.variables import INITIAL_TRUST_BOUNDS

from .conftest import EXAMPLE


def test_the_shipped_example_loads():
    spec, comp = sf.load(EXAMPLE / "partnership.yaml")
    assert spec.synthetic
    assert comp.n == 25 and len(comp.forums) == 8
    assert len(comp.observed_ties) == 25 * 24
    assert 0 < comp.observed_ties.observed.sum() < 600  # some surveyed, some imputed
    assert "synthetic" in comp.provenance
    table = pd.read_csv(EXAMPLE / "partnership_relationships.csv")
    assert (table["imputed"].isna() == table["observed"]).all()  # every imputed tie says how


@pytest.mark.parametrize("warmup", [0, 3])
def test_surveyed_ties_reach_the_engine_state_exactly(warmup):
    _, comp = sf.load(EXAMPLE / "partnership.yaml")
    eng = Engine(comp, [1, 2], {"warmup_weeks": warmup})
    obs = comp.observed_ties
    e = eng.topo.edge_index(obs.src, obs.dst)
    want = np.clip(obs.values["trust"], *INITIAL_TRUST_BOUNDS)
    for r in range(2):
        np.testing.assert_array_equal(eng.state.trust[r, e], want)
        np.testing.assert_array_equal(eng.state.familiarity[r, e], obs.values["familiarity"])
    # contact: tied at week 0 when either side reports contact, untied when both report none
    contact = obs.values["contact"]
    pairs = list(zip(obs.src.tolist(), obs.dst.tolist(), strict=True))
    rev = dict(zip(pairs, contact.tolist(), strict=True))
    back = np.array([rev[(j, i)] for i, j in pairs])
    some = (contact > 0) | (back > 0)
    none = (contact == 0) & (back == 0)
    assert some.any() and none.any()
    assert eng.state.active[0, e[some]].all()
    assert not eng.state.active[0, e[none]].any()


def test_value_sets_the_pairs_advantage_and_traits_are_overridden(tmp_path):
    data = yaml.safe_load((EXAMPLE / "organisations.yaml").read_text())
    data["organisations"][1]["traits"] = {"power": 0.33, "pressure": 0.9}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    (tmp_path / "t.csv").write_text(
        "rater,ratee,value\nRiverside and Vale ICB,Riverside University Hospitals NHS FT,0.2\n"
        "Riverside University Hospitals NHS FT,Riverside and Vale ICB,0.6\n"
    )
    data["relationships"] = "t.csv"
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    _, comp = sf.load(tmp_path / "s.yaml")
    eng = Engine(comp, [3], {"warmup_weeks": 0})
    e = eng.topo.edge_index([0, 1], [1, 0])
    np.testing.assert_allclose(eng.state.advantage[0, e], [0.4, 0.4])
    assert eng.state.base_power[0, 1] == 0.33 and eng.state.base_pressure[0, 1] == 0.9


def test_without_a_survey_the_draws_are_untouched():
    data = yaml.safe_load((EXAMPLE / "organisations.yaml").read_text())
    spec = sf.validated(data, "x")
    comp = spec.composition()
    assert comp.observed_ties is None and comp.trait_overrides is None
    a = Engine(comp, [5], {"warmup_weeks": 0}).state
    comp2 = spec.composition()
    b = Engine(comp2, [5], {"warmup_weeks": 0}).state
    np.testing.assert_array_equal(a.trust, b.trust)


def write(tmp_path, data, name="s.yaml"):
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False))
    return p


BASE = {
    "name": "Tiny",
    "organisations": [
        {"name": "North Council", "kind": "council", "place": "North"},
        {"name": "City Hospital", "kind": "acute", "place": "North"},
        {"name": "Mind North", "kind": "vcse"},
    ],
    "forums": [
        {"name": "Board", "members": ["North Council", "City Hospital"], "chair": "City Hospital"}
    ],
}


@pytest.mark.parametrize(
    "change, expect",
    [
        (
            {"forums": [{"name": "B", "members": ["North Counsil", "City Hospital"]}]},
            "did you mean 'North Council'",
        ),
        (
            {
                "forums": [
                    {
                        "name": "B",
                        "members": ["North Council", "City Hospital"],
                        "chair": "Mind North",
                    }
                ]
            },
            "chair",
        ),
        (
            {"organisations": [{"name": "A", "kind": "moon"}, {"name": "B", "kind": "acute"}]},
            "unknown organisation kind 'moon'",
        ),
        ({"places": ["South"]}, "is not in 'places'"),
        ({"forums": [{"name": "B", "members": ["North Council"]}]}, "at least 2"),
        (
            {"forums": [{"name": "B", "members": ["North Council", "City Hospital"], "rule": 1.5}]},
            "rule",
        ),
        ({"colour": "red"}, "unknown key 'colour'"),
    ],
)
def test_bad_system_files_are_located(tmp_path, capsys, change, expect):
    path = write(tmp_path, {**BASE, **change})
    with pytest.raises(ScenarioError) as err:
        sf.load(path)
    assert expect in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize(
    "table, expect",
    [
        (
            "rater,ratee,trust\nNorth Council,City Hospitl,0.5\n",
            "row 2, column ratee: 'City Hospitl' is not one of the organisations (did you mean",
        ),
        ("rater,ratee,trust\nNorth Council,City Hospital,1.5\n", "row 2, column trust: 1.5"),
        ("rater,ratee,trust\nNorth Council,City Hospital,high\n", "row 2, column trust"),
        ("rater,ratee,trust\nNorth Council,North Council,0.5\n", "rates itself"),
        (
            "rater,ratee,trust\nNorth Council,City Hospital,0.5\nNorth Council,City Hospital,0.4\n",
            "row 3",
        ),
        ("rater,ratee,trusst\n", "did you mean 'trust'"),
    ],
)
def test_bad_relationship_tables_name_row_and_column(tmp_path, table, expect):
    (tmp_path / "t.csv").write_text(table)
    path = write(tmp_path, {**BASE, "relationships": "t.csv"})
    with pytest.raises(ScenarioError) as err:
        sf.load(path)
    assert expect in str(err.value) and "t.csv" in str(err.value)


def test_standard_forums_when_none_are_listed(tmp_path):
    data = {k: v for k, v in BASE.items() if k != "forums"}
    spec, comp = sf.load(write(tmp_path, data))
    assert spec.forums == "standard" and len(comp.forums) >= 1


def test_schema_system_prints_the_json_schema(capsys):
    assert main(["schema", "--system"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "ics-sim system file"
    assert "organisations" in schema["properties"] and "forums" in schema["properties"]


def test_a_scenario_runs_with_system_end_to_end(example, capsys):
    scn = example / "quick.yaml"
    scn.write_text(
        "name: quick\nsystem: partnership.yaml\nweeks: 3\nreplicates: 2\n"
        "parameters: {warmup_weeks: 2}\n"
    )
    assert load_scenario(scn).composition().n == 25
    out = example.parent / "out"
    assert main(["run", str(scn), "--out", str(out), "--no-progress"]) == 0, capsys.readouterr()
    df = pd.read_csv(out / "outcomes.csv")
    assert df["week"].max() == 3 and df["replicate"].nunique() == 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["composition"]["name"].startswith("Riverside and Vale")


def test_ics_file_works_like_system_and_both_is_an_error(example, capsys):
    a = example / "a.yaml"
    a.write_text("name: a\nics: partnership.yaml\nweeks: 2\nreplicates: 1\n")
    assert load_scenario(a).composition().n == 25
    b = example / "b.yaml"
    b.write_text("name: b\nics: QOX\nsystem: partnership.yaml\n")
    assert main(["check", str(b)]) == 2
    assert "either 'ics' or 'system'" in capsys.readouterr().err
    c = example / "c.yaml"
    c.write_text("name: c\nsystem: nowhere.yaml\n")
    assert main(["check", str(c)]) == 2
    assert "no system file 'nowhere.yaml'" in capsys.readouterr().err


def test_anonymise_replaces_every_name():
    spec, _ = sf.load(EXAMPLE / "partnership.yaml")
    anon, names = sf.anonymise(spec)
    text = sf.dump(anon)
    for real in names:
        assert real not in text
    assert names["Riverside and Vale ICB"] == "Integrated care board 1"
    assert sf.validated(yaml.safe_load(text), "anon").organisations[1].name == "Acute trust 1"
    with pytest.raises(ICSSimError):
        sf.ties_from_table(pd.DataFrame({"rater": ["x"]}), spec, "t")


def test_a_sweep_runs_on_a_system_scenario(example, capsys):
    (example / "quick.yaml").write_text(
        "name: quick\nsystem: partnership.yaml\nweeks: 2\nreplicates: 1\n"
        "parameters: {warmup_weeks: 1}\n"
    )
    (example / "exp.yaml").write_text(
        "name: E\nscenario: quick.yaml\ndesign: grid\nreplicates: 1\nweeks: 2\n"
        "parameters: {trust_gain: {levels: [0.05, 0.1]}}\n"
    )
    out = example.parent / "sweep"
    code = main(["sweep", str(example / "exp.yaml"), "--workers", "0", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert load_scenario(example / "quick.yaml").system == "partnership/partnership.yaml"
