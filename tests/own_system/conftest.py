"""Shared set-up of the own-system tests: the shipped synthetic example, copied to tmp."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partnership"


@pytest.fixture
def example(tmp_path, monkeypatch) -> Path:
    """A copy of examples/partnership in a temporary folder, which is also the working
    directory (files named by a system or map file must lie inside the project)."""
    dest = tmp_path / "partnership"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("*.png", "__pycache__"))
    monkeypatch.chdir(tmp_path)
    return dest
