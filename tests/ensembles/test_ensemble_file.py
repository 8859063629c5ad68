"""The ensemble file: what is refused (file, column, row; exit 2, nothing written), what is
read back, and the weighted draw."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ics_sim.core.errors import ICSSimError
from ics_sim.interfaces.cli import main
from ics_sim.scenarios.ensemble import (
    Ensemble,
    draw,
    prior_ensemble,
    read_ensemble,
    validate_table,
    write_ensemble,
)


def _good() -> pd.DataFrame:
    return pd.DataFrame({"set": [1, 2], "weight": [0.5, 0.5], "trust_gain": [0.04, 0.06]})


def test_round_trip_keeps_values_and_metadata(tmp_path: Path) -> None:
    path = write_ensemble(_good(), tmp_path / "e.parquet", {"source": "s", "seed": 3})
    ens = read_ensemble(path)
    assert ens.sets == [1, 2]
    assert ens.parameters == ["trust_gain"]
    assert ens.meta["source"] == "s" and ens.meta["seed"] == 3 and "version" in ens.meta
    assert ens.values(2) == {"trust_gain": 0.06}
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed into place


def test_weight_column_may_be_absent() -> None:
    out = validate_table(pd.DataFrame({"set": [5, 6, 7, 8], "trust_gain": [0.1] * 4}))
    assert out["weight"].tolist() == [0.25] * 4


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        (lambda d: d.drop(columns="set"), "column 'set'", "missing"),
        (lambda d: d.assign(set=[1, 1]), "column 'set'", "set 1 appears more than once"),
        (lambda d: d.assign(set=[1.5, 2.0]), "column 'set'", "whole numbers"),
        (lambda d: d.assign(weight=[0.5, 0.6]), "column 'weight'", "sum to 1.1"),
        (lambda d: d.assign(weight=[-0.5, 1.5]), "column 'weight'", "row 0 (set 1)"),
        (lambda d: d.rename(columns={"trust_gain": "trust_gian"}), "column 'trust_gian'",
         "did you mean 'trust_gain'"),
        (lambda d: d.assign(trust_gain=[0.5, 1.5]), "column 'trust_gain'",
         "row 1 (set 2): 1.5 is outside the valid range [0, 1]"),
        (lambda d: d.assign(trust_gain=[0.5, np.nan]), "column 'trust_gain'", "row 1 (set 2)"),
        (lambda d: d.assign(warmup_weeks=[2.5, 3.0]), "column 'warmup_weeks'",
         "row 0 (set 1): warmup_weeks is a whole number"),
        (lambda d: d.drop(columns="trust_gain"), "", "no parameter columns"),
    ],
)  # fmt: skip
def test_each_problem_names_file_column_and_row(tmp_path, capsys, change, column, words) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "bad.parquet"
    pq.write_table(pa.Table.from_pandas(change(_good()), preserve_index=False), path)
    with pytest.raises(ICSSimError) as e:
        read_ensemble(path)
    assert str(path) in str(e.value) and column in str(e.value) and words in str(e.value)
    assert main(["ensemble", "--check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ics-sim: error: ") and words in err and "Traceback" not in err


def test_writer_refuses_invalid_table_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ICSSimError, match="outside the valid range"):
        write_ensemble(_good().assign(trust_gain=[2.0, 0.1]), tmp_path / "e.parquet")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", [b"not parquet", None])
def test_unreadable_or_missing_file(tmp_path: Path, capsys, content) -> None:
    path = tmp_path / "e.parquet"
    if content is not None:
        path.write_bytes(content)
    assert main(["ensemble", "--check", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and ("Parquet" in err or "no such" in err)


def test_bad_ensemble_refused_before_a_run_writes_anything(folder: Path, capsys) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    bad = _good().assign(trust_gain=[0.5, 7.0])
    pq.write_table(pa.Table.from_pandas(bad, preserve_index=False), folder / "bad.parquet")
    for argv in (
        ["run", "small.yaml", "--ensemble", "bad.parquet", "--out", "o1"],
        ["compare", "small.yaml", "small_bb.yaml", "--ensemble", "bad.parquet", "--out", "o2"],
    ):
        assert main([*argv, "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert "bad.parquet: column 'trust_gain': row 1 (set 2)" in err
    assert not (folder / "o1").exists() and not (folder / "o2").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def _ens(weights: list[float]) -> Ensemble:
    n = len(weights)
    df = pd.DataFrame({"set": np.arange(n) * 3, "weight": weights, "trust_gain": [0.05] * n})
    return Ensemble(validate_table(df))


def test_draw_is_systematic_and_deterministic() -> None:
    ens = _ens([0.5, 0.25, 0.125, 0.125])
    d = draw(ens, 8, seed=4)
    assert d.sets == (0, 3, 6, 9) and d.weights == (0.5, 0.25, 0.125, 0.125)
    assert draw(ens, 8, seed=4) == d
    everything = draw(ens, None, seed=4)
    assert everything.sets == (0, 3, 6, 9) and everything.draws == 0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30).filter(lambda w: sum(w) > 0.01),
    st.integers(1, 200),
    st.integers(0, 2**32),
)
def test_each_set_is_drawn_floor_or_ceil_of_k_times_its_weight(w, k, seed) -> None:
    w = np.asarray(w) / np.sum(w)
    w = w / w.sum()
    ens = Ensemble(validate_table(pd.DataFrame({"set": range(len(w)), "weight": w,
                                                "trust_gain": 0.1})))  # fmt: skip
    d = draw(ens, k, seed)
    counts = dict(zip(d.sets, (round(x * k) for x in d.weights), strict=True))
    assert sum(counts.values()) == k
    for s, ws in enumerate(w):
        c = counts.get(s, 0)
        assert np.floor(k * ws) - 1e-9 <= c <= np.ceil(k * ws) + 1e-9
    assert draw(ens, k, seed) == d


def test_prior_ensemble_is_a_latin_hypercube_in_range() -> None:
    df = prior_ensemble({"trust_gain": (0.02, 0.1), "warmup_weeks": (0, 52)}, 20, seed=7)
    out = validate_table(df)  # valid as an ensemble
    assert out["trust_gain"].between(0.02, 0.1).all()
    strata = np.floor((out["trust_gain"] - 0.02) / 0.08 * 20).astype(int)
    assert sorted(strata) == list(range(20))  # one point in each of the 20 strata
    assert (out["warmup_weeks"] == out["warmup_weeks"].round()).all()
    again = prior_ensemble({"trust_gain": (0.02, 0.1), "warmup_weeks": (0, 52)}, 20, seed=7)
    pd.testing.assert_frame_equal(df, again)


def test_ensemble_command_writes_a_prior_from_the_calibration_priors_file(
    tmp_path: Path, capsys
) -> None:
    """One priors format for the whole package: the file ``calibrate --parameters`` reads."""
    (tmp_path / "p.yaml").write_text(
        "parameters:\n"
        "  - {name: trust_gain, distribution: uniform, lo: 0.02, hi: 0.1}\n"
        "  - {name: turnover_hazard, distribution: loguniform, lo: 0.001, hi: 0.1}\n"
        "fixed: {warmup_weeks: 4}\n"
    )
    out = tmp_path / "prior.parquet"
    argv = ["ensemble", "--prior", str(tmp_path / "p.yaml"), "--sets", "16", "--out", str(out)]
    assert main([*argv, "--seed", "3"]) == 0
    ens = read_ensemble(out)
    assert len(ens.sets) == 16 and ens.meta["seed"] == 3
    assert ens.table["trust_gain"].between(0.02, 0.1).all()
    hazard = np.log10(ens.table["turnover_hazard"].to_numpy())
    # a Latin hypercube through the loguniform's quantiles: one point per decile of the log
    assert sorted(np.floor((hazard + 3) / 2 * 16).astype(int)) == list(range(16))
    assert (ens.table["warmup_weeks"] == 4).all()
    (tmp_path / "q.yaml").write_text("parameters:\n  - {name: trust_gain, lo: 0.5, hi: 2}\n")
    bad = ["ensemble", "--prior", str(tmp_path / "q.yaml"), "--out", str(tmp_path / "q.parquet")]
    assert main(bad) == 2
    assert "trust_gain" in capsys.readouterr().err
    assert not (tmp_path / "q.parquet").exists()
