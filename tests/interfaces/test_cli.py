"""End-to-end tests of the ``ics-sim`` command line, the output writers and the plots."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ics_sim import OUTCOMES, PRACTICES, ICSModel, __version__, plots
from ics_sim.errors import ICSSimError
from ics_sim.experiments import manifest
from ics_sim.experiments import store as output
from ics_sim.interfaces.cli import main

FILES = (
    "outcomes.csv",
    "outcomes.parquet",
    "manifest.json",
    "practices.png",
    "radar.png",
    "network_start.png",
    "network_end.png",
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> int:
    return main(["run", *args])


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """One 20-week run with seed 3, shared by the tests that only read its outputs."""
    out = tmp_path_factory.mktemp("run") / "out"
    assert run_cli("--weeks", "20", "--seed", "3", "--out", str(out)) == 0
    return out


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def leftovers(folder: Path) -> list[str]:
    """Temporary files the atomic writers would leave if they failed to clean up."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ----------------------------------------------------------------------------------- outputs


def test_run_writes_every_file(run_dir: Path) -> None:
    assert sorted(p.name for p in run_dir.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (run_dir / name).stat().st_size > 0, name


def test_csv_has_a_row_per_week_and_every_outcome(run_dir: Path) -> None:
    df = pd.read_csv(run_dir / "outcomes.csv")
    assert len(df) == 21
    assert list(df.columns) == ["week", *OUTCOMES]
    assert df["week"].tolist() == list(range(21))
    assert df[list(OUTCOMES)].notna().all().all()


def test_parquet_and_csv_agree(run_dir: Path) -> None:
    csv = pd.read_csv(run_dir / "outcomes.csv")
    pq = pd.read_parquet(run_dir / "outcomes.parquet")
    pd.testing.assert_frame_equal(csv, pq, check_dtype=False, check_exact=False, rtol=1e-14)


def test_manifest_records_the_run(run_dir: Path) -> None:
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["version"] == __version__
    assert (m["seed"], m["weeks"], m["ics"]) == (3, 20, None)
    model = ICSModel(rng=3)
    assert m["parameters"] == pytest.approx(dict(model.params))
    assert m["composition"]["name"] == model.composition.name
    assert m["composition"]["counts"] == model.composition.counts()
    for lib in ("python", "numpy", "mesa"):
        assert m["environment"][lib]
    assert "git_revision" in m
    assert m["wall_time_seconds"] >= 0
    assert m["command"] == ["ics-sim", "run", "--weeks", "20", "--seed", "3", "--out", str(run_dir)]
    # Every other file is listed with its checksum.
    listed = {f["path"]: f for f in m["files"].values()}
    assert sorted(listed) == sorted(set(FILES) - {"manifest.json"})
    for name, f in listed.items():
        assert f["sha256"] == manifest.sha256(run_dir / name)
        assert f["bytes"] == (run_dir / name).stat().st_size
    csv = pd.read_csv(run_dir / "outcomes.csv")
    assert m["final"]["collaboration_index"] == pytest.approx(csv["collaboration_index"].iloc[-1])


def test_plots_are_real_pngs(run_dir: Path) -> None:
    for name in ("practices.png", "radar.png", "network_start.png", "network_end.png"):
        path = run_dir / name
        width, height = png_size(path)
        assert width >= 600 and height >= 500, name
        assert path.stat().st_size > 20_000, name


def test_summary_is_printed(tmp_path: Path, capsys) -> None:
    assert run_cli("--weeks", "2", "--out", str(tmp_path / "o"), "--no-progress") == 0
    out, err = capsys.readouterr()
    assert "Collaboration index" in out
    assert "Power shared" in out and "week 2" in out
    assert "outcomes.csv" in out and "manifest.json" in out
    assert err == ""


def test_same_seed_gives_identical_files_in_a_real_process(run_dir: Path, tmp_path: Path):
    """The installed entry point, run as a separate process without a terminal."""
    out = tmp_path / "again"
    res = subprocess.run(
        [sys.executable, "-m", "ics_sim.interfaces.cli", "run", "--weeks", "20", "--seed", "3"]
        + ["--out", str(out)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""  # no progress bar or warnings when stderr is not a terminal
    assert "Collaboration index" in res.stdout
    assert (out / "outcomes.csv").read_bytes() == (run_dir / "outcomes.csv").read_bytes()


def test_different_seeds_differ(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "seed4"
    assert run_cli("--weeks", "20", "--seed", "4", "--out", str(out)) == 0
    assert (out / "outcomes.csv").read_bytes() != (run_dir / "outcomes.csv").read_bytes()


def test_progress_bar_path_when_stderr_is_a_terminal(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert run_cli("--weeks", "3", "--out", str(tmp_path)) == 0
    assert len(pd.read_csv(tmp_path / "outcomes.csv")) == 4
    assert "Traceback" not in capsys.readouterr().err


def test_a_new_run_replaces_the_previous_one(tmp_path: Path) -> None:
    assert run_cli("--weeks", "3", "--out", str(tmp_path), "--no-progress") == 0
    assert run_cli("--weeks", "1", "--out", str(tmp_path), "--no-progress") == 0
    assert len(pd.read_csv(tmp_path / "outcomes.csv")) == 2
    assert json.loads((tmp_path / "manifest.json").read_text())["weeks"] == 1
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------------------------ errors


def test_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"ics-sim {__version__}"


def test_help(capsys) -> None:
    assert main(["--help"]) == 0
    assert "run" in capsys.readouterr().out
    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--weeks", "--seed", "--ics", "--out"):
        assert option in out


@pytest.mark.parametrize(
    "argv, words",
    [
        (["run", "--weeks", "-1"], "--weeks"),
        (["run", "--weeks", "abc"], "whole number"),
        (["run", "--weeks", "2.5"], "whole number"),
        (["run", "--seed", "-3"], "--seed"),
        (["run", "--seed", "x"], "--seed"),
        (["run", "--bogus"], "--bogus"),
        (["run", "--weeks"], "expected one argument"),
        (["run", "--replicates", "3"], "scenario file"),
        (["run", "missing.yaml"], "missing.yaml"),
        (["run", "x.yaml", "--ics", "QOX"], "--ics"),
        (["frobnicate"], "frobnicate"),
        ([], "no command"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, words, tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ics-sim: error: ")
    assert words in lines[0]
    assert "Traceback" not in err
    assert not (tmp_path / "ics-sim-output").exists()  # nothing written


def test_user_errors_from_the_model_exit_2(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert run_cli("--weeks", "1", "--out", str(blocker)) == 2
    err = capsys.readouterr().err
    assert err.startswith("ics-sim: error: ") and len(err.strip().splitlines()) == 1
    # An unknown ICS is a user error too (whether or not real ICS data are installed).
    assert run_cli("--weeks", "1", "--ics", "NOPE", "--out", str(tmp_path / "o")) == 2
    err = capsys.readouterr().err
    assert err.startswith("ics-sim: error: ") and len(err.strip().splitlines()) == 1


def test_icssimerror_from_anywhere_is_reported(tmp_path: Path, capsys, monkeypatch) -> None:
    def bad(*args, **kwargs):
        raise ICSSimError("parameter 'x' is out of range;\n valid: [0, 1]")

    monkeypatch.setattr("ics_sim.model.ICSModel.run", bad)
    assert run_cli("--weeks", "1", "--out", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        "ics-sim: error: parameter 'x' is out of range; valid: [0, 1]\n"
    )


def test_bad_input_in_a_real_process() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "ics_sim.interfaces.cli", "run", "--weeks", "-3"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert res.returncode == 2
    assert res.stderr.startswith("ics-sim: error: argument --weeks")
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr


def test_ctrl_c_during_the_run_exits_130(tmp_path: Path, capsys, monkeypatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("ics_sim.model.ICSModel.run", interrupted)
    assert run_cli("--weeks", "5", "--out", str(tmp_path)) == 130
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "interrupted" in err
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------ atomic writes


def test_interrupted_plot_leaves_no_half_written_file(tmp_path: Path, monkeypatch, capsys):
    """Ctrl-C while a PNG is half written: nothing under the final name, no temporary left."""
    from matplotlib.figure import Figure

    def half_then_interrupt(self, fname, **kwargs):
        Path(fname).write_bytes(PNG_SIGNATURE + b"half a picture")
        raise KeyboardInterrupt

    monkeypatch.setattr(Figure, "savefig", half_then_interrupt)
    assert run_cli("--weeks", "4", "--out", str(tmp_path)) == 130
    assert list(tmp_path.iterdir()) == []  # the run is written elsewhere and never swapped in
    assert [p for p in tmp_path.parent.iterdir() if p.name.startswith(f".{tmp_path.name}.")] == []


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "outcomes.csv"
    target.write_text("old complete contents\n")
    df = pd.DataFrame({"week": range(1000), "x": 0.5})

    def half_then_fail(self, f, **kwargs):
        f.write("week,x\n0,0.")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_fail)
    with pytest.raises(OSError, match="No space"):
        output.write_csv(df, target)
    assert target.read_text() == "old complete contents\n"
    assert leftovers(tmp_path) == []
    monkeypatch.undo()
    with pytest.raises(RuntimeError):
        with output.atomic_path(tmp_path / "new.json") as tmp:
            tmp.write_text('{"half":')
            raise RuntimeError("crash")
    assert not (tmp_path / "new.json").exists()
    assert leftovers(tmp_path) == []


def test_writers_round_trip(tmp_path: Path) -> None:
    import numpy as np

    df = pd.DataFrame({"week": [0, 1], "a": [0.1, 1 / 3]})
    pd.testing.assert_frame_equal(pd.read_csv(output.write_csv(df, tmp_path / "a.csv")), df)
    pd.testing.assert_frame_equal(pd.read_parquet(output.write_parquet(df, tmp_path / "a.pq")), df)
    obj = {"n": np.int64(3), "x": np.float64(0.5), "bad": float("nan"), "arr": np.arange(2)}
    written = json.loads(output.write_json(obj, tmp_path / "a.json").read_text())
    assert written == {"n": 3, "x": 0.5, "bad": None, "arr": [0, 1]}
    if os.name == "posix":  # ordinary permissions, not mkstemp's 0600
        umask = os.umask(0)
        os.umask(umask)
        assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o666 & ~umask


def test_git_revision_never_raises(tmp_path: Path, monkeypatch) -> None:
    assert manifest.git_revision(tmp_path) is None  # not a repository
    assert manifest.git_revision(tmp_path / "missing") is None
    monkeypatch.setenv("PATH", str(tmp_path))  # no git at all
    assert manifest.git_revision() is None


# ------------------------------------------------------------------------------------- plots


@pytest.fixture(scope="module")
def two_scenarios() -> pd.DataFrame:
    from ics_sim import simulate

    a = simulate([1, 2, 3], 10)
    b = a.copy()
    b["safety"] = b["safety"] * 0.8
    a.insert(0, "scenario", "Baseline")
    b.insert(0, "scenario", "Squeeze")
    return pd.concat([a, b], ignore_index=True)


def test_plot_outcomes_small_multiples(two_scenarios: pd.DataFrame, tmp_path: Path) -> None:
    fig = plots.plot_outcomes(
        two_scenarios,
        ["safety", "conflicts_festering", "collaboration_index", "decisions_made"],
        path=tmp_path / "o.png",
        title="Two scenarios",
        events=[(4, "Coaching starts")],
    )
    assert len(fig.axes) == 4
    assert fig.axes[0].get_ylim() == (0.0, 1.0)
    legend = fig.legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    assert "Baseline" in labels and "Squeeze" in labels
    assert png_size(tmp_path / "o.png")[0] > 600
    one = plots.plot_outcomes(two_scenarios[two_scenarios["replicate"] == 0], "safety")
    assert len(one.axes) == 1


def test_plot_outcomes_rejects_unknown_outcome(run_dir: Path) -> None:
    df = pd.read_csv(run_dir / "outcomes.csv")
    with pytest.raises(ICSSimError, match="did you mean 'safety'"):
        plots.plot_outcomes(df, ["safty"])


def test_plot_network_reuses_positions(tmp_path: Path) -> None:
    model = ICSModel(rng=2)
    g = model.graph()
    pos = plots.network_layout(g)
    assert pos.keys() == set(g.nodes)
    again = plots.network_layout(model.graph())
    assert all((pos[v] == again[v]).all() for v in g)  # deterministic
    fig = plots.plot_network(g, path=tmp_path / "n.png", title="Start", pos=pos)
    labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert "Acute trust" in labels and "VCSE body" in labels
    assert png_size(tmp_path / "n.png")[0] > 600


def test_plot_radar(tmp_path: Path) -> None:
    now = dict.fromkeys(PRACTICES, 0.6)
    start = dict.fromkeys(PRACTICES, 0.4)
    fig = plots.plot_radar(now, start, path=tmp_path / "r.png", title="Radar")
    assert fig.axes[0].name == "polar"
    assert png_size(tmp_path / "r.png")[0] > 500
    with pytest.raises(ICSSimError, match="safety"):
        plots.plot_radar({"relationships": 0.5})


def test_run_a_scenario_file(tmp_path: Path, capsys) -> None:
    """`run SCENARIO.yaml` hands over to the scenario commands (ics_sim.interfaces.commands)."""
    scenario = ROOT / "scenarios" / "baseline.yaml"
    args = ["--replicates", "2", "--weeks", "3", "--seed", "5", "--out", str(tmp_path)]
    assert run_cli(str(scenario), *args) == 0
    df = pd.read_csv(tmp_path / "outcomes.csv")
    assert sorted(df["replicate"].unique()) == [0, 1] and df["week"].max() == 3
    assert (tmp_path / "manifest.json").exists()
    assert leftovers(tmp_path) == []


def test_help_lists_every_command(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("run", "compare", "check", "list", "schema", "validate"):
        assert f"    {command} " in out


def test_makefile_and_ci_script_exist() -> None:
    """The README's two commands rely on these."""
    makefile = (ROOT / "Makefile").read_text()
    for target in ("venv:", "run:", "test:", "lint:", "clean:"):
        assert target in makefile
    ci = ROOT / ".ci" / "run"
    assert ci.exists() and os.access(ci, os.X_OK)
    assert "make test" in ci.read_text()
