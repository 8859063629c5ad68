"""Small scenarios and ensembles for the ensemble and discovery tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

SMALL = """\
name: Small
ics: {counts: {acute: 2, primary_care: 3, council: 1, vcse: 2}}
weeks: 4
replicates: 2
parameters: {warmup_weeks: 1}
"""
SMALL_BB = """\
name: Small breakfast
extends: small.yaml
interventions:
  - type: big_breakfast
    start: 0
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch) -> Path:
    """A project folder (the working directory) with two small scenarios and an ensemble."""
    from ics_sim.scenarios.ensemble import write_ensemble

    monkeypatch.chdir(tmp_path)
    (tmp_path / "small.yaml").write_text(SMALL)
    (tmp_path / "small_bb.yaml").write_text(SMALL_BB)
    df = pd.DataFrame(
        {
            "set": [10, 11, 12, 13],
            "weight": [0.4, 0.3, 0.2, 0.1],
            "trust_gain": [0.03, 0.05, 0.07, 0.09],
            "turnover_hazard": [0.002, 0.006, 0.01, 0.02],
        }
    )
    write_ensemble(df, tmp_path / "ens.parquet", {"source": "test", "method": "by hand"})
    return tmp_path
