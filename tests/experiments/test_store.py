"""The run writer: nothing lost on failure, foreign folders refused, stale temporaries cleaned."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import ics_sim.interventions  # noqa: F401  (the built-ins registered before any snapshot)
from ics_sim.experiments import store
from ics_sim.interfaces.cli import main

ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def hidden(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.endswith(".tmp"))


def run(out: Path, *extra: str, fault: str | None = None) -> subprocess.CompletedProcess:
    env = {**ENV, store.FAULT_ENV: fault} if fault else ENV
    cmd = [sys.executable, "-m", "ics_sim.interfaces.cli", "run", "--no-progress", "--out"]
    return subprocess.run(
        [*cmd, str(out), *extra], capture_output=True, text=True, env=env, timeout=300
    )


def test_a_failed_run_keeps_the_previous_complete_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", "--weeks", "3", "--out", str(out), "--no-progress"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    for nth in (1, 2, 4, 7):  # fail at the first table, a figure, the manifest...
        res = run(out, "--weeks", "5", fault=f"ENOSPC:{nth}")
        assert res.returncode == 2, res.stderr
        err = res.stderr.strip().splitlines()
        assert len(err) == 1 and "No space left on device" in err[0], res.stderr
        assert "previous run there is kept" in err[0] and "Traceback" not in res.stderr
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
        assert hidden(tmp_path) == []


def test_a_new_run_replaces_the_old_one_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", "--weeks", "2", "--out", str(out), "--no-progress"]) == 0
    scn = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"
    args = ["run", str(scn), "--weeks", "2", "--replicates", "2", "--out", str(out)]
    assert main([*args, "--no-progress"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    listed = {f["path"] for f in manifest["files"].values()} | {"manifest.json"}
    assert {p.name for p in out.iterdir()} == listed  # no file of the first run left
    assert "practices.png" not in listed


def test_a_folder_that_is_not_a_run_is_refused_untouched(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["run", "--weeks", "1", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "holds no ics-sim run" in err and "nothing was changed" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    out = tmp_path / "run"
    assert main(["run", "--weeks", "1", "--out", str(out), "--no-progress"]) == 0
    (out / "mine.txt").write_text("x")
    assert main(["run", "--weeks", "1", "--out", str(out)]) == 2
    assert "not part of it (mine.txt)" in capsys.readouterr().err
    assert (out / "mine.txt").exists()


def test_stale_temporaries_of_killed_runs_are_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dead = tmp_path / ".out.999999999-dead.tmp"  # no such process
    dead.mkdir()
    (dead / "outcomes.csv").write_text("half")
    live = tmp_path / f".out.{os.getppid()}-live.tmp"  # a live process's: kept
    live.mkdir()
    assert main(["run", "--weeks", "1", "--out", str(out), "--no-progress"]) == 0
    assert hidden(tmp_path) == [live.name]


def test_ctrl_c_removes_the_unfinished_run(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    assert main(["run", "--weeks", "2", "--out", str(out), "--no-progress"]) == 0
    before = sorted(p.name for p in out.iterdir())

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "write_json", interrupt)
    assert main(["run", "--weeks", "3", "--out", str(out), "--no-progress"]) == 130
    assert sorted(p.name for p in out.iterdir()) == before
    assert len(pd.read_csv(out / "outcomes.csv")) == 3  # the old run's 2 weeks + week 0
    assert hidden(tmp_path) == []


def test_compare_writes_through_the_run_writer(tmp_path: Path) -> None:
    scn = Path(__file__).resolve().parents[2] / "scenarios"
    out = tmp_path / "cmp"
    (tmp_path / "cmp").mkdir()
    (out / "other.txt").write_text("x")
    a, b = str(scn / "baseline.yaml"), str(scn / "big_breakfast.yaml")
    args = ["compare", a, b, "--weeks", "2", "--replicates", "2", "--no-progress"]
    assert main([*args, "--out", str(out)]) == 2
    assert main([*args, "--out", str(tmp_path / "new")]) == 0
    assert (tmp_path / "new" / "manifest.json").exists() and hidden(tmp_path) == []


@pytest.mark.parametrize("fault", ["ENOSPC:1", "EROFS:1"])
def test_validate_bad_outputs_are_one_line(tmp_path: Path, fault: str) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    cmd = [sys.executable, "-m", "ics_sim.interfaces.cli", "validate", "--quick"]
    for extra, env in (
        (["--out", str(target)], ENV),
        (["--out", str(tmp_path), "--sobol", "/nonexistent"], ENV),
    ):
        res = subprocess.run([*cmd, *extra], capture_output=True, text=True, env=env, timeout=60)
        assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr
    with pytest.raises(store.OutputError, match="cannot write"):
        os.environ[store.FAULT_ENV] = fault
        store._writes[0] = 0
        try:
            store.write_text(tmp_path / "v.md", "x")
        finally:
            del os.environ[store.FAULT_ENV]
    assert hidden(tmp_path) == [] and not (tmp_path / "v.md").exists()
