"""Analysis of sweeps: Sobol (Ishigami), Morris, response plots, replicates; shipped experiments
end to end; the sweep and analyse commands; the documented SALib example."""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from ics_sim.analysis import analyse, needed, replicate_counts
from ics_sim.errors import ICSSimError
from ics_sim.experiments import store as output
from ics_sim.experiments.spec import sample
from ics_sim.interfaces.commands_sweep import add_analyse_parser, add_sweep_parser
from ics_sim.sweep import read_manifest, read_runs, sweep

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENTS = ROOT / "experiments"
DOC = ROOT / "docs" / "experiments.md"


def fake_results(
    folder: Path,
    kind: str,
    names: list[str],
    bounds: list[list[float]],
    points: np.ndarray,
    values: np.ndarray,
    outcome: str = "y",
    **design,
) -> Path:
    """A results folder as a sweep writes it, for a function of the design points.

    ``values`` is (points, replicates): the outcome of each run.
    """
    p, r = values.shape
    manifest = {
        "kind": "ics-sim sweep",
        "design": {
            "kind": kind,
            "parameters": names,
            "points": points.tolist(),
            "problem": {"num_vars": len(names), "names": names, "bounds": bounds},
            **design,
        },
        "runs": {"points": p, "replicates": r, "total": p * r, "outcomes": [outcome]},
        "seeds": {"seed": 1},
        "resolved": {"experiment": {"name": f"test {kind}"}},
    }
    output.prepare_dir(folder / "runs")
    output.write_json(manifest, folder / "manifest.json")
    point = np.repeat(np.arange(p), r)
    rep = np.tile(np.arange(r), p)
    rows = {"run_id": point * r + rep, "point": point, "replicate": rep, "seed": 1 + rep}
    for j, n in enumerate(names):
        rows[n] = points[point, j]
    rows[f"{outcome}_final"] = values.ravel()
    rows[f"{outcome}_mean"] = values.ravel()
    output.write_parquet(pd.DataFrame(rows), folder / "runs" / "part-000000.parquet")
    return folder


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_ishigami(tmp_path):
    names = ["x1", "x2", "x3"]
    bounds = [[-math.pi, math.pi]] * 3
    problem = {"num_vars": 3, "names": names, "bounds": bounds}
    x = sample("sobol", problem, 2048, seed=3)
    y = ishigami(x)
    noise = np.random.default_rng(0).normal(0.0, 2.0, size=len(y))
    # Two replicates whose noise cancels: the analysis must average replicates per point.
    values = np.stack([y + noise, y - noise], axis=1)
    folder = fake_results(tmp_path / "res", "sobol", names, bounds, x, values, second_order=False)
    out = analyse(folder)
    table = pd.read_csv(out / "sobol_indices.csv")
    t = table[(table.outcome == "y") & (table.statistic == "final")].set_index("parameter")
    np.testing.assert_allclose(t.S1.to_numpy(), [0.3139, 0.4424, 0.0], atol=0.03)
    np.testing.assert_allclose(t.ST.to_numpy(), [0.5576, 0.4424, 0.2437], atol=0.03)
    assert (t.S1_conf > 0).all() and (t.S1_conf < 0.1).all()
    assert (out / "sobol_final.png").stat().st_size > 10_000


def test_sobol_second_order_of_ishigami(tmp_path):
    names = ["x1", "x2", "x3"]
    bounds = [[-math.pi, math.pi]] * 3
    problem = {"num_vars": 3, "names": names, "bounds": bounds}
    x = sample("sobol", problem, 2048, seed=3, second_order=True)
    folder = fake_results(
        tmp_path / "res", "sobol", names, bounds, x, ishigami(x)[:, None], second_order=True
    )
    s2 = pd.read_csv(analyse(folder) / "sobol_second_order.csv")
    s2 = s2[s2.statistic == "final"].set_index(["parameter_1", "parameter_2"]).S2
    assert s2[("x1", "x3")] == pytest.approx(0.2437, abs=0.06)  # x1 x3 interact
    assert abs(s2[("x1", "x2")]) < 0.06


def test_morris_of_a_known_function(tmp_path):
    names = ["a", "b", "c"]
    bounds = [[0.0, 1.0]] * 3
    problem = {"num_vars": 3, "names": names, "bounds": bounds}
    x = sample("morris", problem, 20, seed=2, morris_levels=4)
    y = 4 * x[:, 0] + x[:, 1] ** 2  # a linear, b non-linear, c no effect
    folder = fake_results(tmp_path / "res", "morris", names, bounds, x, y[:, None], morris_levels=4)
    t = pd.read_csv(analyse(folder) / "morris_indices.csv").set_index("parameter")
    t = t[t.statistic == "final"]
    assert t.mu_star["a"] == pytest.approx(4.0)
    assert t.sigma["a"] == pytest.approx(0.0, abs=1e-12)
    assert 0 < t.mu_star["b"] < 2 and t.sigma["b"] > 0
    assert t.mu_star["c"] == 0.0


def test_incomplete_sobol_sweep_is_refused(tmp_path):
    names, bounds = ["x1", "x2"], [[0.0, 1.0]] * 2
    x = sample("sobol", {"num_vars": 2, "names": names, "bounds": bounds}, 8, seed=1)
    folder = fake_results(tmp_path / "res", "sobol", names, bounds, x, x[:, :1])
    manifest = read_manifest(folder)
    manifest["runs"]["total"] += 4
    output.write_json(manifest, folder / "manifest.json")
    with pytest.raises(ICSSimError, match="4 of 36 runs are missing.*--resume"):
        analyse(folder)


def test_no_results_is_a_clear_error(tmp_path):
    with pytest.raises(ICSSimError, match="no sweep results"):
        analyse(tmp_path)
    with pytest.raises(ICSSimError, match="no results folder"):
        analyse(tmp_path / "missing")


def test_replicates_tables(tmp_path):
    rng = np.random.default_rng(5)
    values = rng.normal(0.5, 0.1, size=(3, 40))
    points = np.array([[0.1], [0.2], [0.3]])
    folder = fake_results(tmp_path / "res", "grid", ["p"], [[0, 1]], points, values)
    out = analyse(folder)
    ci = pd.read_csv(out / "replicates_ci.csv")
    ci = ci[ci.statistic == "final"]
    assert ci.replicates.tolist() == [2, 3, 5, 10, 20, 30, 40]
    assert ci.half_width_median.iloc[-1] < ci.half_width_median.iloc[0] / 5
    need = pd.read_csv(out / "replicates_needed.csv")
    row = need[(need.statistic == "final") & (need.ci95_half_width == 0.01)].iloc[0]
    assert row.median_point == needed(row.sd_median, 0.01)
    assert row.worst_point == needed(row.sd_max, 0.01) >= row.median_point
    assert (out / "replicates_ci.png").exists() and (out / "response_y_final.png").exists()
    table = pd.read_csv(out / "points.csv")
    assert set(table.columns) >= {"point", "p", "mean", "sd", "ci95_half_width", "p10", "p90"}


def test_needed_and_counts():
    assert needed(0.1, 0.01) == 387  # t(0.975, n-1) * 0.1 / sqrt(n) <= 0.01 first at 387
    assert needed(0.0, 0.01) == 2
    assert replicate_counts(7) == [2, 3, 5, 7]


# ---------------------------------------------------------------------------------------------
# Shipped experiments, tiny, end to end


def tiny(path: Path, tmp_path: Path, **changes) -> Path:
    spec = yaml.safe_load(path.read_text())
    spec["scenario"] = str((path.parent / spec["scenario"]).resolve())
    spec.update(changes)
    spec.pop("out", None)
    out = tmp_path / path.name
    out.write_text(yaml.safe_dump(spec))
    return out


@pytest.mark.parametrize(
    ("name", "changes", "files"),
    [
        (
            "sobol_mechanisms",
            {"samples": 2, "replicates": 2, "weeks": 2},
            ["sobol_indices.csv", "sobol_final.png", "sobol_mean.png"],
        ),
        (
            "intervention_by_pressure",
            {"replicates": 3, "weeks": 2},
            ["response_collaboration_index_final.png", "replicates_ci.png"],
        ),
        (
            "replicate_study",
            {"replicates": 12, "weeks": 2},
            ["replicates_ci.csv", "replicates_needed.csv", "replicates_ci.png"],
        ),
    ],
)
def test_shipped_experiment_tiny_end_to_end(tmp_path, name, changes, files):
    exp = tiny(EXPERIMENTS / f"{name}.yaml", tmp_path, **changes)
    results = sweep(exp, out=tmp_path / "results", workers=2, progress=False)
    manifest = read_manifest(results)
    assert manifest["complete"] is True
    runs = read_runs(results)
    assert runs.run_id.tolist() == list(range(manifest["runs"]["total"]))
    out = analyse(results)
    for f in ["points.csv", *files]:
        assert (out / f).stat().st_size > 0, f


@pytest.mark.parametrize(
    ("design", "samples", "files"),
    [
        ("morris", 2, ["morris_indices.csv", "morris_final.png"]),
        ("lhs", 4, ["response_safety_final.png", "replicates_ci.csv"]),
        ("sobol", 2, ["sobol_indices.csv", "sobol_mean.png"]),
    ],
)
def test_every_design_through_sweep_and_analyse(tmp_path, design, samples, files):
    from tests.experiments.test_sweep import tiny_experiment

    exp = tiny_experiment(tmp_path, design=design, samples=samples, outcomes=["safety"])
    out = analyse(sweep(exp, out=tmp_path / "res", workers=0, progress=False))
    for f in files:
        assert (out / f).stat().st_size > 0, f
    if design == "morris":
        t = pd.read_csv(out / "morris_indices.csv")
        assert set(t.parameter) == {
            "trust_gain",
            "interventions[0].params.every",
            "shocks[0].params.cut",
        }
        assert np.isfinite(t.mu_star).all()


# ---------------------------------------------------------------------------------------------
# The commands


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ics-sim")
    sub = p.add_subparsers(dest="command")
    add_sweep_parser(sub)
    add_analyse_parser(sub)
    return p


def test_sweep_and_analyse_commands(tmp_path, capsys):
    exp = tiny(EXPERIMENTS / "replicate_study.yaml", tmp_path, replicates=40, weeks=2)
    out = tmp_path / "res"
    args = parser().parse_args(["sweep", str(exp), "--out", str(out), "--workers", "0"])
    assert args.func(args) == 0
    text = capsys.readouterr().out
    assert "1 point x 40 replicates" in text and "Ran 40 runs; 40 of 40 (complete)" in text
    args = parser().parse_args(["sweep", str(exp), "--out", str(out)])
    with pytest.raises(ICSSimError, match="--resume"):
        args.func(args)
    args = parser().parse_args(["sweep", str(exp), "--out", str(out), "--resume"])
    assert args.func(args) == 0
    assert "Ran 0 runs; 40 of 40" in capsys.readouterr().out
    args = parser().parse_args(["analyse", str(out)])
    assert args.func(args) == 0
    assert "points.csv" in capsys.readouterr().out


def test_sweep_command_options():
    args = parser().parse_args(["sweep", "e.yaml", "--scheduler", "tcp://h:8786", "--resume"])
    assert (args.scheduler, args.resume, args.workers, args.out) == (
        "tcp://h:8786",
        True,
        None,
        None,
    )
    with pytest.raises(SystemExit):
        parser().parse_args(["sweep", "e.yaml", "--workers", "-1"])


# ---------------------------------------------------------------------------------------------
# The documented examples


def doc_block(name: str) -> str:
    m = re.search(rf"<!-- test: {name} -->\s*```python\n(.*?)```", DOC.read_text(), re.S)
    assert m, f"no block marked 'test: {name}' in {DOC}"
    return m.group(1)


def test_run_is_exported():
    import ics_sim
    import ics_sim.experiments.api

    assert ics_sim.run is ics_sim.experiments.api.run


@pytest.mark.slow
def test_documented_salib_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__doc__"}
    exec(compile(doc_block("salib"), "docs/experiments.md", "exec"), namespace)
    si = namespace["Si"]
    assert len(si["S1"]) == len(namespace["problem"]["names"])


@pytest.mark.slow
def test_documented_ema_example_runs(tmp_path, monkeypatch):
    pytest.importorskip("ema_workbench")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__doc__"}
    exec(compile(doc_block("ema"), "docs/experiments.md", "exec"), namespace)
    assert namespace["box"] is not None
