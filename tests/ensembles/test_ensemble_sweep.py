"""A sweep with an ensemble: every design point runs with every drawn parameter set."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ics_sim.experiments.sweep import read_runs
from ics_sim.interfaces.cli import main

EXP = """\
name: Tiny sweep over an ensemble
scenario: small.yaml
design: grid
parameters:
  silo_strength: {levels: [0.2, 0.8]}
replicates: 2
weeks: 2
ensemble: ens.parquet
sets: 3
outcomes: [collaboration_index]
"""


def test_sweep_crosses_design_points_with_sets(folder: Path, capsys) -> None:
    (folder / "exp.yaml").write_text(EXP)
    assert main(["sweep", "exp.yaml", "--workers", "0", "--out", "res", "--no-progress"]) == 0
    runs = read_runs(folder / "res")
    m = json.loads((folder / "res" / "manifest.json").read_text())
    sets = m["resolved"]["experiment"]["ensemble"]["sets"]
    assert len(runs) == 2 * len(sets) * 2  # levels x sets x replicates
    assert {"set", "silo_strength", "trust_gain", "turnover_hazard"} <= set(runs.columns)
    # each (level, set) once per replicate; the set's values ride along
    cells = runs.groupby(["silo_strength", "set"]).size()
    assert (cells == 2).all() and len(cells) == 2 * len(sets)
    ens = pd.read_parquet(folder / "ens.parquet").set_index("set")
    for _, r in runs.iterrows():
        assert r["trust_gain"] == ens.loc[r["set"], "trust_gain"]
    # the same sweep again gives the same runs; --resume on a finished sweep does nothing
    assert main(["sweep", "exp.yaml", "--workers", "0", "--out", "res2", "--no-progress"]) == 0
    pd.testing.assert_frame_equal(runs, read_runs(folder / "res2"))
    assert main(["sweep", "exp.yaml", "--workers", "0", "--out", "res", "--resume",
                 "--no-progress"]) == 0  # fmt: skip


def test_sets_without_an_ensemble_is_refused(folder: Path, capsys) -> None:
    (folder / "exp.yaml").write_text(EXP.replace("ensemble: ens.parquet\n", ""))
    assert main(["sweep", "exp.yaml", "--workers", "0", "--out", "res", "--no-progress"]) == 2
    assert "exp.yaml: sets: needs an ensemble" in capsys.readouterr().err
    assert not (folder / "res").exists()
