"""Experiments and sweeps: validation, design and seeds, executors, resumable results, run()."""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import ics_sim.sweep as sweep_mod
from ics_sim.errors import ICSSimError, ParameterError
from ics_sim.experiments.api import run
from ics_sim.experiments.spec import load_experiment, seed_for
from ics_sim.outcomes import OUTCOMES
from ics_sim.scenario import ScenarioError
from ics_sim.sweep import read_manifest, read_runs, sweep

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENTS = ROOT / "experiments"
SCENARIOS = ROOT / "scenarios"

TINY_SCENARIO = {
    "name": "tiny",
    "weeks": 10,
    "parameters": {"warmup_weeks": 4},
    "interventions": [{"type": "big_breakfast", "start": 0}],
    "shocks": [{"type": "financial_squeeze", "start": 2}],
}


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def tiny_experiment(tmp_path: Path, name: str = "exp.yaml", **changes) -> Path:
    """An experiment over a small, fast scenario (4-week warm-up) in ``tmp_path``."""
    write_yaml(tmp_path / "tiny.yaml", TINY_SCENARIO)
    spec = {
        "name": "tiny sweep",
        "scenario": "tiny.yaml",
        "design": "lhs",
        "samples": 5,
        "replicates": 3,
        "weeks": 12,
        "seed": 7,
        "parameters": {
            "trust_gain": {"range": [0.02, 0.2]},
            "interventions[0].params.every": {"range": [0.5, 6.5]},
            "shocks[0].params.cut": {"range": [0.0, 0.3]},
        },
    }
    spec.update(changes)
    return write_yaml(tmp_path / name, spec)


def assert_same_runs(a: Path, b: Path) -> None:
    x, y = read_runs(a), read_runs(b)
    assert len(x) > 0
    pd.testing.assert_frame_equal(x, y, check_exact=True)


# ---------------------------------------------------------------------------------------------
# Experiment files


def error_of(tmp_path: Path, **changes) -> ScenarioError:
    path = tiny_experiment(tmp_path, **changes)
    with pytest.raises(ScenarioError) as info:
        load_experiment(path)
    err = info.value
    assert str(path) in str(err)
    assert "\n" not in str(err)
    return err


def test_unknown_key_names_it_and_suggests(tmp_path):
    err = error_of(tmp_path, replicate=3)
    assert "unknown key 'replicate'" in str(err) and "did you mean 'replicates'" in str(err)


def test_unknown_key_in_parameter_spec(tmp_path):
    err = error_of(tmp_path, parameters={"trust_gain": {"rang": [0.1, 0.2]}})
    assert err.field == "parameters.trust_gain"
    assert "did you mean 'range'" in str(err)


def test_unknown_parameter_with_suggestion(tmp_path):
    err = error_of(tmp_path, parameters={"trust_gian": {"range": [0.1, 0.2]}})
    assert err.field == "parameters.trust_gian"
    assert "did you mean 'trust_gain'" in str(err)


def test_unknown_intervention_parameter_lists_valid_ones(tmp_path):
    err = error_of(tmp_path, parameters={"interventions[0].params.atendance": {"range": [0, 1]}})
    assert "did you mean 'attendance'" in str(err) and "every, attendance" in str(err)


def test_event_index_out_of_range(tmp_path):
    err = error_of(tmp_path, parameters={"interventions[3].params.every": {"range": [1, 4]}})
    assert "no interventions[3]" in str(err) and "interventions[0] (big_breakfast)" in str(err)


@pytest.mark.parametrize("rng", [[0.2, 0.1], [0.1, 0.1]])
def test_range_lo_must_be_below_hi(tmp_path, rng):
    err = error_of(tmp_path, parameters={"trust_gain": {"range": rng}})
    assert err.field == "parameters.trust_gain.range"
    assert "must be below hi" in str(err)


def test_range_outside_valid_range(tmp_path):
    err = error_of(tmp_path, parameters={"trust_gain": {"range": [0.1, 2.0]}})
    assert "outside the valid range of trust_gain [0, 1]" in str(err)


def test_unknown_design(tmp_path):
    err = error_of(tmp_path, design="sobl")
    assert err.field == "design"
    assert "unknown design 'sobl'" in str(err) and "did you mean 'sobol'" in str(err)
    assert "grid, lhs, sobol, morris" in str(err)


def test_grid_needs_levels_and_no_samples(tmp_path):
    err = error_of(tmp_path, design="grid", samples=None)
    assert "needs 'levels" in str(err)
    err = error_of(tmp_path, design="grid", parameters={"trust_gain": {"levels": [0.1, 0.2]}})
    assert err.field == "samples" and "not used by the grid design" in str(err)


def test_sobol_samples_power_of_two(tmp_path):
    err = error_of(tmp_path, design="sobol", samples=100)
    assert "power of 2" in str(err) and "64 or 128" in str(err)


def test_unknown_outcome_and_missing_scenario(tmp_path):
    err = error_of(tmp_path, outcomes=["colaboration_index"])
    assert "did you mean 'collaboration_index'" in str(err)
    err = error_of(tmp_path, scenario="nowhere.yaml")
    assert err.field == "scenario" and "no scenario file 'nowhere.yaml'" in str(err)


def test_wrong_type_is_named(tmp_path):
    err = error_of(tmp_path, replicates="ten")
    assert err.field == "replicates" and "str" in str(err)


def test_invalid_design_point_is_reported_before_running(tmp_path):
    exp = tiny_experiment(
        tmp_path,
        parameters={
            "interventions[0].start": {"range": [0, 20]},
            "interventions[0].end": {"range": [1, 20]},
        },
        samples=20,
    )
    with pytest.raises(ScenarioError, match="design point .* is not a valid scenario"):
        sweep(exp, out=tmp_path / "out", workers=0, progress=False)


# discover_*.yaml are discovery experiments (ics-sim discover; tests/ensembles), not sweeps.
SWEEPS = sorted(p for p in EXPERIMENTS.glob("*.yaml") if not p.name.startswith("discover_"))


@pytest.mark.parametrize("path", SWEEPS, ids=lambda p: p.name)
def test_shipped_experiments_validate(path):
    loaded = load_experiment(path)
    design = loaded.design()
    assert len(design) >= 1
    assert design.shape[1] == len(loaded.targets)


def test_shipped_experiments_exist():
    names = {p.name for p in EXPERIMENTS.glob("*.yaml")}
    assert {
        "sobol_mechanisms.yaml",
        "intervention_by_pressure.yaml",
        "replicate_study.yaml",
    } <= names


# ---------------------------------------------------------------------------------------------
# Designs and seeds


def test_seeds_use_common_random_numbers():
    assert [seed_for(5, p, 2, 4) for p in range(3)] == [7, 7, 7]
    assert [seed_for(5, p, 2, 4, crn=False) for p in range(3)] == [7, 11, 15]


def test_design_is_deterministic_and_in_range(tmp_path):
    for design, samples, points in (("lhs", 5, 5), ("sobol", 4, 20), ("morris", 3, 12)):
        exp = tiny_experiment(tmp_path, design=design, samples=samples)
        a, b = load_experiment(exp).design(), load_experiment(exp).design()
        np.testing.assert_array_equal(a, b)
        assert a.shape == (points, 3)
        assert (a[:, 0] >= 0.02).all() and (a[:, 0] <= 0.2).all()


def test_grid_is_the_product_of_levels_in_order(tmp_path):
    exp = tiny_experiment(
        tmp_path,
        design="grid",
        samples=None,
        parameters={
            "interventions[0].params.attendance": {"levels": [0.0, 0.5]},
            "shocks[0].params.cut": {"levels": [0.1, 0.2, 0.3]},
        },
    )
    d = load_experiment(exp).design()
    assert d.tolist() == [[0.0, 0.1], [0.0, 0.2], [0.0, 0.3], [0.5, 0.1], [0.5, 0.2], [0.5, 0.3]]


# ---------------------------------------------------------------------------------------------
# Running


def test_rows_seeds_params_and_outcomes(tmp_path):
    exp = tiny_experiment(tmp_path)
    out = sweep(exp, out=tmp_path / "out", workers=0, progress=False)
    df = read_runs(out)
    assert df.run_id.tolist() == list(range(15))
    assert (df.run_id == df.point * 3 + df.replicate).all()
    assert (df.seed == 7 + df.replicate).all()  # common random numbers
    every = df["interventions[0].params.every"]
    assert every.dtype == np.int64 and every.between(1, 6).all()
    for o in ("collaboration_index", "safety", "shared_decisions"):
        assert np.isfinite(df[f"{o}_final"]).all() and np.isfinite(df[f"{o}_mean"]).all()
    manifest = read_manifest(out)
    assert manifest["complete"] is True and manifest["completed_runs"] == 15
    assert manifest["seeds"]["by_replicate"] == [7, 8, 9]
    assert len(manifest["design"]["points"]) == 5
    assert manifest["version"] and "git_revision" in manifest
    assert manifest["resolved"]["base_scenario"]["name"] == "tiny"


def test_run_matches_the_sweep(tmp_path):
    exp = tiny_experiment(tmp_path)
    df = read_runs(sweep(exp, out=tmp_path / "out", workers=0, progress=False))
    row = df.iloc[4]
    params = {
        "trust_gain": float(row.trust_gain),
        "interventions[0].params.every": int(row["interventions[0].params.every"]),
        "shocks[0].params.cut": float(row["shocks[0].params.cut"]),
        "weeks": 12,
    }
    res = run(params, seed=int(row.seed), scenario=tmp_path / "tiny.yaml")
    assert res["collaboration_index"] == row.collaboration_index_final
    assert res["safety"] == row.safety_final


def test_process_pools_of_one_and_two_workers_match_serial(tmp_path):
    exp = tiny_experiment(tmp_path, replicates=2, samples=4)
    serial = sweep(exp, out=tmp_path / "serial", workers=0, progress=False)
    one = sweep(exp, out=tmp_path / "one", workers=1, progress=False)
    two = sweep(exp, out=tmp_path / "two", workers=2, progress=False)
    assert_same_runs(serial, one)
    assert_same_runs(serial, two)


def test_split_points_match_whole_points(tmp_path, monkeypatch):
    exp = tiny_experiment(tmp_path, replicates=5, samples=2)
    whole = sweep(exp, out=tmp_path / "whole", workers=0, progress=False)
    monkeypatch.setattr(sweep_mod, "TASK_REPLICATES", 2)
    monkeypatch.setattr(sweep_mod, "BATCH", 1)
    split = sweep(exp, out=tmp_path / "split", workers=0, progress=False)
    assert_same_runs(whole, split)


def test_series_are_kept_when_asked(tmp_path):
    exp = tiny_experiment(tmp_path, series=True, outcomes=["collaboration_index", "safety"])
    out = sweep(exp, out=tmp_path / "out", workers=0, progress=False)
    runs = read_runs(out)
    series = pd.read_parquet(out / "series").sort_values(["run_id", "week"])
    assert list(series.columns) == ["run_id", "week", "collaboration_index", "safety"]
    assert len(series) == 15 * 13
    for rid in (0, 7, 14):
        s = series[series.run_id == rid]
        r = runs[runs.run_id == rid].iloc[0]
        assert s.safety.iloc[-1] == r.safety_final
        assert math.isclose(s.safety.iloc[1:].mean(), r.safety_mean, rel_tol=1e-12)


def test_refuses_to_overwrite_a_non_empty_folder(tmp_path):
    exp = tiny_experiment(tmp_path, samples=2, replicates=1)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ICSSimError, match="not empty.*--resume.*new --out"):
        sweep(exp, out=out, workers=0, progress=False)
    with pytest.raises(ICSSimError, match="not a sweep's results folder"):
        sweep(exp, out=out, workers=0, progress=False, resume=True)
    assert (out / "notes.txt").read_text() == "mine"


def test_resume_of_a_complete_sweep_runs_nothing(tmp_path):
    exp = tiny_experiment(tmp_path, samples=2, replicates=2)
    out = sweep(exp, out=tmp_path / "out", workers=0, progress=False)
    before = {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()}
    sweep(exp, out=out, workers=0, progress=False, resume=True)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()} == before
    assert read_manifest(out)["sessions"][-1]["runs"] == 0


def test_resume_refuses_a_changed_experiment(tmp_path):
    exp = tiny_experiment(tmp_path, samples=2, replicates=2)
    out = sweep(exp, out=tmp_path / "out", workers=0, progress=False)
    exp = tiny_experiment(tmp_path, samples=2, replicates=3)
    with pytest.raises(ICSSimError, match=r"experiment has changed.*replicates \(was 2, now 3\)"):
        sweep(exp, out=out, workers=0, progress=False, resume=True)


def test_resume_redoes_lost_parts_and_cleans_debris(tmp_path, monkeypatch):
    exp = tiny_experiment(tmp_path, series=True)
    full = sweep(exp, out=tmp_path / "full", workers=0, progress=False)
    monkeypatch.setattr(sweep_mod, "FLUSH_SECONDS", 0.0)  # a part whenever tasks finish
    out = sweep(exp, out=tmp_path / "out", workers=0, progress=False)
    parts = sorted((out / "runs").glob("part-*.parquet"))
    assert len(parts) >= 3
    # As a kill -9 can leave it: a runs part never written (its series part was), a temporary
    # file half-written, a manifest that says nothing is complete.
    parts[1].unlink()
    (out / "runs" / ".part-000009.parquet.0123456789ab.tmp").write_bytes(b"PAR1 half")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest.update(complete=False, completed_runs=0)
    (out / "manifest.json").write_text(json.dumps(manifest))
    sweep(exp, out=out, workers=0, progress=False, resume=True)
    assert not list((out / "runs").glob(".*.tmp"))
    assert_same_runs(full, out)
    series = pd.read_parquet(out / "series")
    assert not series.duplicated(["run_id", "week"]).any()
    assert set(series.run_id) == set(range(15))
    assert read_manifest(out)["complete"] is True


@pytest.mark.slow
@pytest.mark.parametrize("parts_before_kill", [0, 3])
def test_sweep_killed_with_sigkill_resumes_to_the_full_set(tmp_path, parts_before_kill):
    exp = tiny_experiment(tmp_path, samples=40, replicates=2, weeks=80, series=True)
    out = tmp_path / "killed"
    code = (
        "import ics_sim.sweep as s\n"
        "s.FLUSH_SECONDS = 0.0\n"
        f"s.sweep({str(exp)!r}, out={str(out)!r}, workers=1, progress=False)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)

    def started() -> bool:
        if parts_before_kill == 0:
            return (out / "manifest.json").exists()
        return len(list((out / "runs").glob("part-*.parquet"))) >= parts_before_kill

    try:
        deadline = time.monotonic() + 120
        while not started():
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
    finally:  # the sweep and its worker processes: they share its new process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    partial = read_runs(out)
    assert len(partial) < 80
    assert len(partial) >= 2 * parts_before_kill
    assert read_manifest(out)["complete"] is False
    with pytest.raises(ICSSimError, match="--resume"):
        sweep(exp, out=out, workers=0, progress=False)
    sweep(exp, out=out, workers=2, progress=False, resume=True)
    resumed = read_runs(out)
    assert resumed.run_id.tolist() == list(range(80))
    full = sweep(exp, out=tmp_path / "full", workers=0, progress=False)
    assert_same_runs(full, out)
    series = pd.read_parquet(out / "series").sort_values(["run_id", "week"])
    expected = pd.read_parquet(tmp_path / "full" / "series").sort_values(["run_id", "week"])
    pd.testing.assert_frame_equal(
        series.reset_index(drop=True), expected.reset_index(drop=True), check_exact=True
    )


# ---------------------------------------------------------------------------------------------
# Dask


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_dask_local_cluster_matches_serial(tmp_path):
    distributed = pytest.importorskip("distributed")
    exp = tiny_experiment(tmp_path, samples=6, replicates=2)
    serial = sweep(exp, out=tmp_path / "serial", workers=0, progress=False)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True
    ) as cluster:
        out = sweep(exp, out=tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    assert_same_runs(serial, out)
    assert read_manifest(out)["sessions"][-1]["executor"].startswith("dask scheduler tcp://")


@pytest.mark.slow
def test_dask_scheduler_and_worker_processes_match_serial(tmp_path):
    distributed = pytest.importorskip("distributed")
    exp = tiny_experiment(tmp_path, samples=6, replicates=2)
    serial = sweep(exp, out=tmp_path / "serial", workers=0, progress=False)
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    procs = [
        subprocess.Popen(
            [*dask, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_worker",
                    address,
                    "--host",
                    "127.0.0.1",
                    "--nworkers",
                    "2",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        out = sweep(exp, out=tmp_path / "dask", scheduler=address, progress=False)
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    assert_same_runs(serial, out)


def test_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(sweep_mod, "CONNECT_TIMEOUT", "1s")
    exp = tiny_experiment(tmp_path, samples=2, replicates=1)
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(ICSSimError, match="cannot connect to the Dask scheduler at"):
        sweep(exp, out=tmp_path / "out", scheduler=address, progress=False)
    assert not (tmp_path / "out").exists()  # nothing written


# ---------------------------------------------------------------------------------------------
# ics_sim.run


def test_run_returns_floats_for_every_outcome_and_is_deterministic():
    a = run({"trust_gain": 0.08, "weeks": 6}, seed=3)
    b = run({"trust_gain": 0.08, "weeks": 6}, seed=3)
    assert set(a) == set(OUTCOMES)
    assert all(type(v) is float for v in a.values())
    assert a == b
    c = run({"trust_gain": 0.08, "weeks": 6}, seed=4)
    assert c != a


def test_run_rejects_unknown_names_naming_valid_ones():
    with pytest.raises(ParameterError) as info:
        run({"trust_gian": 0.1})
    text = str(info.value)
    assert "did you mean 'trust_gain'" in text and "weeks" in text and "interventions[0]" in text
    with pytest.raises(ParameterError, match="out of range"):
        run({"trust_gain": 3.0})
    with pytest.raises(ParameterError, match="weeks"):
        run({"weeks": -1})
    with pytest.raises(ParameterError, match="no interventions"):
        run({"interventions[0].params.every": 2})


def test_run_with_a_scenario_and_event_paths():
    base = SCENARIOS / "squeeze_with_breakfast.yaml"
    none = run({"interventions[0].params.attendance": 0.0, "weeks": 8}, 1, scenario=base)
    full = run({"interventions[0].params.attendance": 1.0, "weeks": 8}, 1, scenario=base)
    assert none != full
    # whole-number parameters given as floats are rounded
    assert run({"interventions[0].params.every": 2.2, "weeks": 4}, 1, scenario=base) == run(
        {"interventions[0].params.every": 2, "weeks": 4}, 1, scenario=base
    )
