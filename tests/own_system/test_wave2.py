"""ics-sim validate --system FILE --wave2 SURVEY2: the model against the persistence null."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ics_sim.evaluation.wave2 import validate_wave2
from ics_sim.interfaces.cli import main
from ics_sim.scenarios import survey as sv
from ics_sim.scenarios import system_file as sf

from .conftest import EXAMPLE


def test_validate_runs_on_the_shipped_example(example, capsys):
    out = example.parent / "w2"
    code = main(
        [
            "validate",
            "--system",
            str(example / "partnership.yaml"),
            "--wave2",
            str(example / "survey_wave2.csv"),
            "--replicates",
            "2",
            "--weeks",
            "6",
            "--warmup-weeks",
            "2",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    scores = pd.read_csv(out / "wave2_scores.csv")
    assert set(scores["item"]) == {"trust", "value", "familiarity", "contact"}
    assert set(scores["subset"]) == {"answered in wave 2", "observed in both waves"}
    assert scores[["model_mae", "null_mae"]].notna().all().all()
    assert "persistence null" in (out / "wave2.md").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["weeks"] == 6 and manifest["replicates"] == 2


def test_persistence_scores_zero_against_wave1_itself_and_the_model_at_week0_too():
    spec, comp = sf.load(EXAMPLE / "partnership.yaml")
    mapping = sv.load_map(EXAMPLE / "map.yaml")
    wave1 = sv.read_survey(EXAMPLE / "survey_wave1.csv", mapping, spec)
    res = validate_wave2(comp, {"trust": wave1.answers["trust"]}, 0, 1, 1, {"warmup_weeks": 0})
    both = res.scores[res.scores["subset"] == "observed in both waves"].iloc[0]
    assert both["null_mae"] < 1e-6 and both["null_r"] > 0.999999  # the table keeps 6 digits
    # at week 0 the model is the survey (trust kept within its initial bounds)
    assert both["model_mae"] < 0.01
    ties = res.ties[res.ties["wave1_observed"]]
    np.testing.assert_allclose(ties["predicted"], ties["wave2"].clip(0.02, 0.98), atol=1e-6)


def test_validate_needs_both_files_and_the_weeks(example, capsys, tmp_path):
    assert main(["validate", "--system", str(example / "partnership.yaml")]) == 2
    assert "needs both --system FILE and --wave2" in capsys.readouterr().err
    text = (example / "partnership.yaml").read_text().replace("weeks_between_waves: 52\n", "")
    (example / "partnership.yaml").write_text(text)
    m = (example / "map.yaml").read_text().replace("weeks_between_waves: 52\n", "")
    (example / "map.yaml").write_text(m)
    code = main(
        [
            "validate",
            "--system",
            str(example / "partnership.yaml"),
            "--wave2",
            str(example / "survey_wave2.csv"),
            "--out",
            str(tmp_path / "x"),
        ]
    )
    assert code == 2 and "weeks lie between the waves" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_anonymised_validation_names_no_organisation(example, capsys):
    out = example.parent / "w2a"
    assert (
        main(
            [
                "validate",
                "--system",
                str(example / "partnership.yaml"),
                "--wave2",
                str(example / "survey_wave2.csv"),
                "--replicates",
                "1",
                "--weeks",
                "2",
                "--warmup-weeks",
                "0",
                "--anonymise",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    spec, _ = sf.load(example / "partnership.yaml")
    for f in out.iterdir():
        text = f.read_text()
        for o in spec.organisations:
            assert o.name not in text, (f.name, o.name)
