"""Outcomes per ICS: for systems of several ICSs (England), read per ICS and nationally."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ics_sim import OUTCOMES
from ics_sim.composition import default, from_counts
from ics_sim.engine import Engine
from ics_sim.state.people import people
from ics_sim.synthetic import combine

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

#: Outcomes that are plain means over organisations, and over ties (truster's ICS).
ORG_MEANS = (
    "safety",
    "power_sharing",
    "system_time",
    "transaction_cost",
    "collaborative_orientation",
)
TIE_MEANS = ("mean_trust",)
#: Shares of people (senior leaders): means weighted by each ICS's leaders.
PEOPLE_MEANS = ("unsafe_share", "power_not_shared_share")


def stepped(comp, seeds, weeks=40, **params):
    engine = Engine(comp, seeds, params)
    for _ in range(weeks):
        engine.step()
    return engine


def test_one_ics_reads_the_same_per_ics_as_nationally():
    engine = stepped(default(), [1, 2])
    nat, per = engine.outcomes(), engine.outcomes_by_ics()
    for k in OUTCOMES:
        assert per[k].shape == (2, 1)
        np.testing.assert_allclose(per[k][:, 0], nat[k], rtol=0, atol=1e-12, err_msg=k)


@pytest.mark.parametrize("seed", [3, 4])
def test_national_means_are_the_weighted_means_of_the_icss(seed):
    parts = [default(), from_counts({"icb": 1, "acute": 2, "local_authority": 2, "vcse": 6})]
    comp = combine(parts, "two systems")
    engine = stepped(comp, [seed])
    nat, per = engine.outcomes(), engine.outcomes_by_ics()
    n_org = np.bincount(engine.topo.org_ics)
    on = engine.state.active[0]  # tie means are over the ties that exist now
    n_tie = np.bincount(engine.topo.tie_ics[on], minlength=engine.topo.n_ics)
    for k in ORG_MEANS:
        assert per[k][0] @ n_org / n_org.sum() == pytest.approx(nat[k][0], abs=1e-12), k
    for k in TIE_MEANS:
        assert per[k][0] @ n_tie / n_tie.sum() == pytest.approx(nat[k][0], abs=1e-12), k
    # relationships are per tie of the starting network: weighted by each ICS's first ties
    n_first = np.bincount(engine.topo.tie_ics[engine.topo.initial], minlength=engine.topo.n_ics)
    rel = per["relationships"][0] @ n_first / n_first.sum()
    assert rel == pytest.approx(nat["relationships"][0], abs=1e-12)
    n_people = np.bincount(engine.topo.org_ics, weights=people(comp.kind))
    for k in PEOPLE_MEANS:
        assert per[k][0] @ n_people / n_people.sum() == pytest.approx(nat[k][0], abs=1e-12), k
    for k in ("decisions_made", "conflicts_festering"):  # counts add up
        assert per[k][0].sum() == pytest.approx(nat[k][0], abs=1e-9), k
    joint = per["joint_value"][0] @ n_org / n_org.sum()
    assert joint == pytest.approx(nat["joint_value"][0], abs=1e-12)


def test_side_by_side_systems_are_not_the_same_system():
    """Two copies of one ICS in one model evolve apart (their own draws), each like the ICS."""
    comp = combine([default(), default()], "twins")
    per = stepped(comp, [5], weeks=104).outcomes_by_ics()
    alone = stepped(default(), [5], weeks=104).outcomes()
    idx = per["collaboration_index"][0]
    assert idx[0] != idx[1]
    assert abs(idx.mean() - alone["collaboration_index"][0]) < 0.1


def test_run_writes_outcomes_per_ics_for_england(tmp_path):
    pytest.importorskip("ics_sim.england")
    out = tmp_path / "england"
    proc = subprocess.run(
        [sys.executable, "-m", "ics_sim.interfaces.cli", "run", str(SCENARIOS / "england.yaml")]
        + ["--weeks", "2", "--out", str(out), "--no-progress"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr
    per = pd.read_parquet(out / "outcomes_by_ics.parquet")
    assert per["ics"].nunique() == 42
    assert len(per) == 42 * 3
    assert list(per.columns[:5]) == ["scenario", "replicate", "seed", "week", "ics"]
    assert set(OUTCOMES) <= set(per.columns)
    csv = pd.read_csv(out / "outcomes_by_ics.csv")
    assert len(csv) == len(per)
    assert (out / "by_ics.png").stat().st_size > 10_000
    # one replicate: no ranking of the ICSs (it would be noise), and the reason is printed
    assert "by ICS: 42 ICSs; no ranking shown with 1 replicate" in proc.stdout
    assert "highest" not in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert "outcomes_by_ics.parquet" in manifest["files"]
