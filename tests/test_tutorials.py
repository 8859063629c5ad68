"""Every tutorial runs: its python blocks execute in order and its asserts hold."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = sorted((ROOT / "docs" / "tutorials").glob("*.md"))
BLOCK = re.compile(r"```(python|console)\n(.*?)```", re.S)


@pytest.mark.slow
@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.name)
def test_tutorial_runs(path, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    shutil.copytree(ROOT / "experiments", tmp_path / "experiments", dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__tutorial__"}
    for lang, code in BLOCK.findall(path.read_text()):
        if lang == "python":
            exec(compile(code, f"{path.name}", "exec"), namespace)
        else:
            for line in code.splitlines():
                if line.startswith("$ ics-sim "):
                    args = line[2:].split()[1:]
                    done = subprocess.run(
                        [sys.executable, "-m", "ics_sim.interfaces.cli", *args],
                        capture_output=True,
                        text=True,
                        timeout=600,
                    )
                    assert done.returncode == 0, (line, done.stderr)
