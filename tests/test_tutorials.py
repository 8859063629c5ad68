"""Every tutorial runs: its python blocks execute in order and its asserts hold.

A block with a title (```python title="small_wins.py"```) is a file the reader saves: it is
written to that path in the tutorial's folder, which is also on the import path, as it is
for a reader running Python there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = sorted((ROOT / "docs" / "tutorials").glob("*.md"))
BLOCK = re.compile(r'```(python|console|yaml|toml)(?: title="([^"]+)")?\n(.*?)```', re.S)


@pytest.mark.slow
@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.name)
def test_tutorial_runs(path, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    shutil.copytree(ROOT / "experiments", tmp_path / "experiments", dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    namespace: dict = {"__name__": "__tutorial__"}
    for lang, title, code in BLOCK.findall(path.read_text()):
        if title:
            (tmp_path / title).write_text(code)
        elif lang == "python":
            exec(compile(code, f"{path.name}", "exec"), namespace)
        elif lang == "console":
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


def test_titled_blocks_are_files_the_tutorials_then_use():
    text = (ROOT / "docs" / "tutorials" / "06-write-a-plugin.md").read_text()
    titles = [t for _, t, _ in BLOCK.findall(text) if t]
    assert titles == ["small_wins.py", "scenarios/small_wins.yaml", "scenarios/small_wins_off.yaml"]
