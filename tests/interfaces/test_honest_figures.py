"""Honest figures: wall-clock times, no band from one replicate, no ranking without intervals,
Sobol indices with their intervals and a warning when N is too small, events named as what
they are, and the same plain labels in `compare` as in the figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import ics_sim.interventions  # noqa: F401  (the built-ins registered before any snapshot)
from ics_sim import plots
from ics_sim.core.outcome_table import label_of
from ics_sim.interfaces.cli import main
from ics_sim.interfaces.commands import RANK_MIN_REPLICATES, _print_ics_ranking

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def test_one_replicate_has_no_band_and_times_are_wall_clock(tmp_path, capsys) -> None:
    scn = str(SCENARIOS / "financial_squeeze.yaml")
    args = ["run", scn, "--replicates", "1", "--weeks", "3", "--no-progress"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert "10-90%" not in out and "simulation" in out and "whole command" in out
    assert label_of("collaboration_index") in out
    assert (
        main(["run", scn, "--replicates", "3", "--weeks", "3", "--out", str(tmp_path / "b")]) == 0
    )
    assert "10-90% of 3 replicates" in capsys.readouterr().out


def ranking(reps: int, spread: float) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [
        {"ics": f"ICS {i:02d}", "replicate": r, "week": 4, "collaboration_index": v}
        for i in range(10)
        for r in range(reps)
        for v in [0.5 + spread * i + rng.normal(0, 0.05)]
    ]
    return pd.DataFrame(rows)


def test_ics_ranking_needs_replicates_and_shows_intervals(capsys) -> None:
    _print_ics_ranking(ranking(2, 0.1), 4, 2)
    out = capsys.readouterr().out
    assert "no ranking shown with 2 replicates" in out and "highest" not in out
    _print_ics_ranking(ranking(RANK_MIN_REPLICATES, 0.0), 4, RANK_MIN_REPLICATES)
    out = capsys.readouterr().out
    assert "highest" in out and "[" in out and "intervals overlap" in out
    _print_ics_ranking(ranking(8, 0.1), 4, 8)
    out = capsys.readouterr().out
    assert "ICS 09" in out.split("lowest")[0] and "intervals overlap" not in out


def test_events_are_labelled_as_what_they_are() -> None:
    df = pd.DataFrame({"week": range(5), "safety": np.linspace(0.2, 0.4, 5)})

    def legend(events) -> list[str]:
        fig = plots.plot_outcomes(df, ["safety"], events=events)
        return [t.get_text() for leg in fig.legends for t in leg.get_texts()]

    assert legend([(2, "financial squeeze", "shock")]) == ["Shock starts"]
    both = legend([(1, "big breakfast", "intervention"), (2, "financial squeeze", "shock")])
    assert both == ["Intervention starts", "Shock starts"]
    assert legend([(2, "something")]) == ["Event starts"]


def test_compare_uses_the_plain_labels(tmp_path, capsys) -> None:
    a, b = str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "big_breakfast.yaml")
    args = ["compare", a, b, "--weeks", "2", "--replicates", "2", "--no-progress"]
    assert main([*args, "--out", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    assert label_of("cross_sector_trust") in out and "cross_sector_trust" not in out
    assert "whole command" in out


def test_analyse_warns_when_the_sobol_sample_is_too_small(tmp_path, capsys) -> None:
    (tmp_path / "tiny.yaml").write_text(
        yaml.safe_dump({"name": "tiny", "weeks": 10, "parameters": {"warmup_weeks": 4}})
    )
    spec = {
        "name": "tiny sobol",
        "scenario": "tiny.yaml",
        "design": "sobol",
        "samples": 8,
        "replicates": 1,
        "weeks": 10,
        "seed": 3,
        "parameters": {"trust_gain": {"range": [0.02, 0.2]}, "trust_loss": {"range": [0.1, 0.5]}},
    }
    exp = tmp_path / "sobol.yaml"
    exp.write_text(yaml.safe_dump(spec))
    out = tmp_path / "res"
    assert main(["sweep", str(exp), "--out", str(out), "--workers", "0", "--no-progress"]) == 0
    assert main(["analyse", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Largest total-order Sobol indices" in text and "ST " in text and "S1 " in text
    assert "warning: the sample is too small" in text and "run about N=" in text
    need = int(text.split("run about N=")[1].split()[0])
    assert need > 8 and need & (need - 1) == 0  # a larger power of two
