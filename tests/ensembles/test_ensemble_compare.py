"""Robust comparison across parameter sets: the variance split and the shares, exactly, on
constructed numbers; then the commands end to end on a small system."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ics_sim.evaluation.ensemble_compare import (
    ensemble_summary,
    plain_summary,
    variance_split,
    weighted_quantile,
)
from ics_sim.interfaces.cli import main

E = np.array([-1.0, 0.0, 1.0])  # mean 0, variance (ddof 1) exactly 1


def test_variance_split_is_exact_on_a_constructed_case() -> None:
    a = np.array([0.1, 0.3, 0.5, 0.9])  # the sets' true effects
    c = np.array([0.1, 0.2, 0.3, 0.4])  # each set's chance spread (its sd)
    d = a[:, None] + c[:, None] * E[None, :]  # (4 sets, 3 replicates)
    out = variance_split(d)
    W = float(np.mean(c**2))  # mean within-set variance: 0.075
    B = float(np.var(a, ddof=1))  # between-set variance of the set means
    assert out["mean"] == pytest.approx(a.mean(), abs=1e-15)
    assert out["within_set_variance"] == pytest.approx(W, rel=1e-12)
    assert out["between_set_variance"] == pytest.approx(B, rel=1e-12)
    assert out["chance_variance"] == pytest.approx(W / 3, rel=1e-12)
    assert out["parameter_variance"] == pytest.approx(B - W / 3, rel=1e-12)
    assert out["parameter_share"] == pytest.approx((B - W / 3) / B, rel=1e-12)


def test_weighted_split_equals_the_split_of_repeated_sets() -> None:
    """Weights 2/4, 1/4, 1/4 as reliability weights: B is the weighted variance divided by
    1 - sum(w^2); W the weighted mean of the variances."""
    a, c = np.array([0.0, 1.0, 3.0]), np.array([0.5, 1.0, 2.0])
    d = a[:, None] + c[:, None] * E[None, :]
    w = np.array([0.5, 0.25, 0.25])
    out = variance_split(d, w)
    mbar = float(np.sum(w * a))
    assert out["mean"] == pytest.approx(mbar)
    assert out["between_set_variance"] == pytest.approx(
        np.sum(w * (a - mbar) ** 2) / (1 - np.sum(w**2))
    )
    assert out["within_set_variance"] == pytest.approx(np.sum(w * c**2))


def test_no_parameter_variance_when_sets_differ_only_by_chance() -> None:
    d = np.array([[0.0, 1.0, 2.0], [1.0, 2.0, 0.0], [2.0, 0.0, 1.0]])  # same mean, same spread
    out = variance_split(d)
    assert out["between_set_variance"] == 0.0 and out["parameter_variance"] == 0.0
    assert out["parameter_share"] == 0.0 and out["chance_variance"] == pytest.approx(1 / 3)


def test_weighted_quantile_with_equal_weights_is_the_usual_median() -> None:
    v = np.array([5.0, 1.0, 3.0, 2.0])
    assert weighted_quantile(v, np.ones(4), 0.5) == pytest.approx(2.5)
    assert weighted_quantile(v, np.array([0.0, 0.0, 0.0, 1.0]) + 1e-12, 0.5) == pytest.approx(2.0)


def _diffs(effects: dict[int, np.ndarray], outcome: str) -> pd.DataFrame:
    rows = []
    for s, d in effects.items():
        for r, x in enumerate(d):
            rows.append({"scenario": "B", "baseline": "A", "measure": "end", "set": s,
                         "seed": 100 * s + r, outcome: x})  # fmt: skip
    return pd.DataFrame(rows)


def test_share_helps_and_significantly_helps_are_exact() -> None:
    eff = {
        1: 0.2 + 0.01 * E,  # helps, clearly
        2: 0.05 + 0.2 * E,  # helps, not clearly
        3: -0.3 + 0.01 * E,  # harms
        4: 0.4 + 0.01 * E,  # helps, clearly
    }
    weights = {1: 0.1, 2: 0.2, 3: 0.3, 4: 0.4}
    row = ensemble_summary(_diffs(eff, "collaboration_index"), weights, ["collaboration_index"])
    r = row.iloc[0]
    assert r["share_helps"] == pytest.approx(0.7)
    assert r["share_helps_significantly"] == pytest.approx(0.5)
    assert r["sets"] == 4 and r["replicates"] == 3 and r["direction"] == 1
    text = plain_summary(r, "collaboration index")
    assert "helps (raises collaboration index) in 70% of plausible worlds" in text
    assert "clearly so in 50%" in text


def test_a_fall_is_help_where_lower_is_better() -> None:
    eff = {1: -0.2 + 0.01 * E, 2: 0.1 + 0.01 * E}
    r = ensemble_summary(_diffs(eff, "unsafe_share"), {1: 0.5, 2: 0.5}, ["unsafe_share"]).iloc[0]
    assert r["direction"] == -1 and r["share_helps"] == 0.5
    assert r["share_helps_significantly"] == 0.5


# -- the commands, end to end ---------------------------------------------------------------------


def test_run_with_an_ensemble_writes_a_set_column(folder: Path, capsys) -> None:
    argv = ["run", "small.yaml", "--ensemble", "ens.parquet", "--sets", "3", "--out", "r"]
    assert main([*argv, "--no-progress"]) == 0
    df = pd.read_parquet(folder / "r" / "outcomes.parquet")
    assert list(df.columns[:3]) == ["scenario", "set", "replicate"]
    m = json.loads((folder / "r" / "manifest.json").read_text())
    sets = m["ensemble"]["sets"]
    assert set(df["set"]) == set(sets) and len(sets) <= 3
    for j, s in enumerate(sets):  # replicate r of the set at position j: seed + 2j + r
        assert sorted(df.loc[df["set"] == s, "seed"].unique()) == [1 + 2 * j, 2 + 2 * j]
    assert "parameter sets of ens.parquet" in capsys.readouterr().out


def test_compare_with_an_ensemble(folder: Path, capsys) -> None:
    argv = ["compare", "small.yaml", "small_bb.yaml", "--ensemble", "ens.parquet", "--out", "c"]
    assert main([*argv, "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "plausible worlds" in out and "typical effect" in out
    summ = pd.read_csv(folder / "c" / "ensemble_compare.csv")
    r = summ[(summ.outcome == "collaboration_index") & (summ.measure == "end")].iloc[0]
    assert r["sets"] == 4 and r["replicates"] == 2
    per = pd.read_csv(folder / "c" / "ensemble_sets.csv")
    per = per[(per.outcome == "collaboration_index") & (per.measure == "end")]
    w = {10: 0.4, 11: 0.3, 12: 0.2, 13: 0.1}
    assert r["share_helps"] == pytest.approx(sum(w[s] for s in per.loc[per.difference > 0, "set"]))
    df = pd.read_parquet(folder / "c" / "outcomes.parquet")
    seeds = df.groupby(["scenario", "set"])["seed"].apply(lambda s: sorted(set(s)))
    for s in w:  # common random numbers within each set
        assert seeds[("Small", s)] == seeds[("Small breakfast", s)]
    assert len({tuple(seeds[("Small", s)]) for s in w}) == 4  # sets do not share seeds
    again = folder / "c2"
    assert main([*argv[:-1], str(again), "--no-progress"]) == 0
    pd.testing.assert_frame_equal(summ, pd.read_csv(again / "ensemble_compare.csv"))


def test_compare_without_an_ensemble_is_unchanged(folder: Path) -> None:
    assert main(["compare", "small.yaml", "small_bb.yaml", "--out", "c", "--no-progress"]) == 0
    files = {p.name for p in (folder / "c").iterdir()}
    assert files == {"compare.csv", "compare.png", "outcomes.parquet", "outcomes.png",
                     "manifest.json"}  # fmt: skip
    assert "set" not in pd.read_parquet(folder / "c" / "outcomes.parquet").columns


def test_scenario_field_is_relative_to_its_file_and_inherited(folder: Path, capsys) -> None:
    sub = folder / "sub"
    sub.mkdir()
    (folder / "ens.parquet").rename(sub / "e.parquet")
    (sub / "with.yaml").write_text("name: With\nextends: ../small.yaml\nensemble: e.parquet\n")
    (folder / "child.yaml").write_text("name: Child\nextends: sub/with.yaml\n")
    from ics_sim.scenarios.schema import load

    assert Path(load(folder / "child.yaml").ensemble).resolve() == (sub / "e.parquet").resolve()
    assert main(["run", "child.yaml", "--sets", "2", "--out", "r", "--no-progress"]) == 0
    assert "set" in pd.read_parquet(folder / "r" / "outcomes.parquet").columns
    (sub / "gone.yaml").write_text("name: Gone\nextends: ../small.yaml\nensemble: nope.parquet\n")
    assert main(["run", "sub/gone.yaml", "--out", "r2", "--no-progress"]) == 2
    assert "gone.yaml: ensemble: no ensemble file 'nope.parquet'" in capsys.readouterr().err
    assert main(["run", "small.yaml", "--sets", "2", "--out", "r3", "--no-progress"]) == 2
    assert "--sets needs an ensemble" in capsys.readouterr().err
    assert not (folder / "r2").exists() and not (folder / "r3").exists()


@settings(max_examples=50, deadline=None)
@given(
    st.integers(2, 8),
    st.integers(2, 6),
    st.integers(0, 2**32),
    st.floats(-5, 5),
    st.floats(0.1, 10),
)
def test_split_shifts_and_scales_as_variances_do(sets, reps, seed, shift, scale) -> None:
    d = np.random.default_rng(seed).normal(size=(sets, reps))
    w = np.random.default_rng(seed + 1).random(sets) + 0.1
    a, b = variance_split(d, w), variance_split(shift + scale * d, w)
    assert b["mean"] == pytest.approx(shift + scale * a["mean"], abs=1e-9)
    for k in ("between_set_variance", "within_set_variance", "parameter_variance"):
        assert b[k] == pytest.approx(scale**2 * a[k], rel=1e-9, abs=1e-12)
    assert 0.0 <= a["parameter_share"] <= 1.0
    assert a["parameter_share"] == pytest.approx(b["parameter_share"], abs=1e-9)
