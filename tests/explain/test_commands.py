"""run --explain, --save-state and --from-state; explain and report: end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ics_sim.interfaces.cli import main
from ics_sim.sim import snapshot

SCENARIO = """\
name: Small test
ics: {counts: {icb: 1, acute: 1, primary_care: 3, local_authority: 1, vcse: 2}}
weeks: 10
replicates: 2
parameters: {warmup_weeks: 6}
interventions:
  - {type: big_breakfast, start: 2}
shocks:
  - {type: financial_squeeze, start: 4}
"""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("explain")
    (d / "s.yaml").write_text(SCENARIO)
    code = main(
        [
            "run",
            str(d / "s.yaml"),
            "--out",
            str(d / "run"),
            "--explain",
            "--save-state",
            str(d / "state.npz"),
            "--no-progress",
        ]
    )
    assert code == 0
    return d


def test_run_explain_writes_the_tables_and_they_add_up(run_dir):
    run = run_dir / "run"
    for name in ("explain.csv", "explain_story.txt", "waterfall.png", "explain_organisations.csv"):
        assert (run / name).exists(), name
    t = pd.read_csv(run / "explain.csv")
    out = pd.read_parquet(run / "outcomes.parquet")
    ci = out.groupby("week")["collaboration_index"].mean()
    total = ci[10] - ci[0]
    for split in ("event", "mechanism"):
        part = t[(t.outcome == "collaboration_index") & (t.split == split)]
        assert part[part.part == "total"].change.iloc[0] == pytest.approx(total, abs=1e-12)
        assert part[part.part != "total"].change.sum() == pytest.approx(total, abs=1e-12)
    m = json.loads((run / "manifest.json").read_text())
    assert m["explain"]["runs"] == 4 and m["explain"]["exact"] is True
    assert m["saved_state"].endswith("state.npz")


def test_the_saved_state_is_the_end_of_the_run(run_dir):
    h = snapshot.header(run_dir / "state.npz")
    assert h["week"] == 10 and h["seeds"] == [1, 2] and h["scenario_hash"]


def test_explain_rebuilds_the_run_from_its_manifest(run_dir, capsys):
    code = main(["explain", str(run_dir / "run"), "--out", str(run_dir / "ex"), "--no-progress"])
    assert code == 0
    a = pd.read_csv(run_dir / "run" / "explain.csv")
    b = pd.read_csv(run_dir / "ex" / "explain.csv")
    pd.testing.assert_frame_equal(a, b)
    assert "Big breakfast" in capsys.readouterr().out


def test_explain_a_window(run_dir):
    code = main(
        [
            "explain",
            str(run_dir / "run"),
            "--out",
            str(run_dir / "w"),
            "--start",
            "3",
            "--end",
            "7",
            "--no-progress",
        ]
    )
    assert code == 0
    m = json.loads((run_dir / "w" / "manifest.json").read_text())
    assert (m["explain"]["start"], m["explain"]["end"]) == (3, 7)


def test_explain_refuses_a_folder_without_a_manifest(tmp_path, capsys):
    assert main(["explain", str(tmp_path), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "has no manifest.json" in err and "Traceback" not in err


def test_report_is_self_contained_and_has_every_section(run_dir):
    code = main(
        ["report", str(run_dir / "run"), "--out", str(run_dir / "rep"), "--no-pdf", "--no-progress"]
    )
    assert code == 0
    html = (run_dir / "rep" / "report.html").read_text()
    ids = re.findall(r'<section id="([a-z]+)"', html)
    assert ids == [
        "system",
        "timeline",
        "practices",
        "comparison",
        "explanation",
        "networks",
        "caveats",
        "reproduce",
    ]
    imgs = re.findall(r'<img src="([^"]{0,30})', html)
    assert len(imgs) == 4 and all(s.startswith("data:image/png;base64,") for s in imgs)
    assert "http://" not in html and "https://" not in html and "file:" not in html
    assert "@page { size: A4" in html
    # numbers: the comparison table is the explanation's comparison
    cmp = pd.read_csv(run_dir / "run" / "explain_comparison.csv")
    ci = cmp[cmp.outcome == "collaboration_index"].iloc[0]
    assert f"{ci.difference:+.3f}" in html
    assert "Big breakfast (intervention)" in html and "Financial squeeze (shock)" in html
    sha = json.loads((run_dir / "rep" / "manifest.json").read_text())["run_manifest"]
    assert sha in html


@pytest.mark.slow  # the default ICS with its full warm-up
def test_a_plain_run_saves_and_continues_bit_for_bit(tmp_path):
    assert (
        main(
            [
                "run",
                "--weeks",
                "6",
                "--seed",
                "3",
                "--out",
                str(tmp_path / "a"),
                "--save-state",
                str(tmp_path / "s.npz"),
                "--no-progress",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "run",
                "--weeks",
                "4",
                "--out",
                str(tmp_path / "b"),
                "--from-state",
                str(tmp_path / "s.npz"),
                "--no-progress",
            ]
        )
        == 0
    )
    assert (
        main(["run", "--weeks", "10", "--seed", "3", "--out", str(tmp_path / "c"), "--no-progress"])
        == 0
    )
    b = pd.read_csv(tmp_path / "b" / "outcomes.csv")
    c = pd.read_csv(tmp_path / "c" / "outcomes.csv")
    assert list(b.week) == list(range(6, 11))
    cols = [k for k in c.columns if k != "week"]
    assert np.array_equal(b[cols].to_numpy(), c[cols].to_numpy()[6:])


@pytest.mark.slow  # the default ICS with its full warm-up
def test_from_state_refuses_another_seed(tmp_path, capsys):
    assert (
        main(
            [
                "run",
                "--weeks",
                "2",
                "--seed",
                "3",
                "--out",
                str(tmp_path / "a"),
                "--save-state",
                str(tmp_path / "s.npz"),
                "--no-progress",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "run",
                "--weeks",
                "2",
                "--seed",
                "4",
                "--out",
                str(tmp_path / "b"),
                "--from-state",
                str(tmp_path / "s.npz"),
                "--no-progress",
            ]
        )
        == 2
    )
    assert "saved with seed 3" in capsys.readouterr().err


def test_a_scenario_run_continues_from_its_saved_state(run_dir):
    d = run_dir
    args = ["--replicates", "2", "--no-progress"]
    assert (
        main(
            [
                "run",
                str(d / "s.yaml"),
                "--weeks",
                "6",
                "--out",
                str(d / "s6"),
                "--save-state",
                str(d / "s6.npz"),
                *args,
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "run",
                str(d / "s.yaml"),
                "--weeks",
                "4",
                "--out",
                str(d / "s6+4"),
                "--from-state",
                str(d / "s6.npz"),
                *args,
            ]
        )
        == 0
    )
    cont = pd.read_parquet(d / "s6+4" / "outcomes.parquet")
    whole = pd.read_parquet(d / "run" / "outcomes.parquet")  # the same scenario, 10 weeks
    assert sorted(cont.week.unique()) == list(range(6, 11))
    whole = whole[whole.week >= 6].reset_index(drop=True)
    pd.testing.assert_frame_equal(cont.reset_index(drop=True), whole)
    m = json.loads((d / "s6+4" / "manifest.json").read_text())
    assert m["start_week"] == 6
    # other replicates than were saved: refused, one clear line
    assert (
        main(
            [
                "run",
                str(d / "s.yaml"),
                "--weeks",
                "2",
                "--out",
                str(d / "x"),
                "--from-state",
                str(d / "s6.npz"),
                "--replicates",
                "3",
                "--no-progress",
            ]
        )
        == 2
    )
