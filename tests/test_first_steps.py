"""First steps: `make run` installs only what running needs; `make test` runs every stage."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_run_extra_has_no_test_docs_browser_or_cluster_tools() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    run = " ".join(project["optional-dependencies"]["run"])
    for tool in ("playwright", "dask", "distributed", "mkdocs", "ema_workbench", "pytest"):
        assert tool not in run
    assert "pyarrow>=14.0.1" in project["dependencies"]
    makefile = (ROOT / "Makefile").read_text()
    assert "run: $(RUN_STAMP)" in makefile and '-e ".[run]"' in makefile


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_test_runs_every_stage_and_fails_at_the_end(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    for stamp in (".installed-test", ".installed-run"):
        (venv / stamp).touch()  # up to date: nothing is installed
    stages = {"stage_ruff": "true", "stage_pytest": "exit 3", "stage_validate": "exit 1"}
    res = subprocess.run(
        ["make", "-s", "test", f"VENV={venv}", "stage_docs=true"]
        + [f"{k}={v}" for k, v in stages.items()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "MAKEFLAGS": ""},
        timeout=60,
    )
    assert res.returncode != 0
    out = res.stdout
    assert "ok      ruff" in out and "FAILED  pytest (exit 3)" in out
    assert "FAILED  validate (exit 1)" in out and "ok      docs" in out  # ran after failures
    assert "failed stages: pytest validate" in res.stderr
