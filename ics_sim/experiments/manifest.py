"""The one manifest builder: what every ``manifest.json`` says about how its files were made.

``ics-sim run``, ``run SCENARIO``, ``compare`` and ``sweep`` (and the dashboard's export) all
build their manifest with :func:`build_manifest`, so every manifest has the same header (schema,
kind, package, version, git revision, creation time, command), the plugins that were loaded,
the environment, and each file's size and SHA-256; each command adds what is its own.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from .._version import __version__
from ..core.registry import REGISTRY

MANIFEST_SCHEMA = 1


def sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's contents."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def git_revision(where: str | os.PathLike[str] | None = None) -> str | None:
    """The git commit the code at ``where`` (default: this package) is checked out at.

    Returns None when git is missing, ``where`` is not in a repository, or anything else goes
    wrong; never raises. A ``+dirty`` suffix marks uncommitted changes to tracked files.
    """
    cwd = Path(where) if where is not None else Path(__file__).resolve().parent
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}

    def git(*args: str) -> str | None:
        try:
            res = subprocess.run(
                ["git", *args],
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=5,
                env=env,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.SubprocessError, ValueError):
            return None
        return res.stdout.strip() if res.returncode == 0 else None

    try:
        rev = git("rev-parse", "HEAD")
        if not rev:
            return None
        status = git("status", "--porcelain", "--untracked-files=no")
        return f"{rev}+dirty" if status else rev
    except Exception:  # noqa: BLE001 - documented to never raise
        return None


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def environment() -> dict[str, Any]:
    """Versions of Python and the libraries that affect the results, and the platform."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        **{
            name: _version(name)
            for name in ("numpy", "mesa", "pandas", "networkx", "scipy", "matplotlib", "pyarrow")
        },
    }


def file_entries(files: Mapping[str, str | os.PathLike[str]]) -> dict[str, dict[str, Any]]:
    """Output name -> its file name, size in bytes and SHA-256."""
    return {
        name: {"path": Path(p).name, "bytes": Path(p).stat().st_size, "sha256": sha256(p)}
        for name, p in files.items()
    }


def build_manifest(
    kind: str,
    *,
    command: list[str] | None = None,
    files: Mapping[str, str | os.PathLike[str]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A manifest of ``kind`` (e.g. ``"ics-sim run"``) with the command's own ``fields``.

    Args:
        kind: what wrote the folder.
        command: the command line, e.g. ``["ics-sim", "run", ...]``.
        files: output name -> path; each is recorded with its size and SHA-256.
        **fields: the command's own entries (seeds, weeks, scenario, parameters...), in order.
    """
    manifest: dict[str, Any] = {
        "manifest_schema": MANIFEST_SCHEMA,
        "kind": kind,
        "package": "ics-sim",
        "version": __version__,
        "git_revision": git_revision(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": list(command) if command is not None else None,
        **fields,
        "plugins": REGISTRY.plugin_records(),
        "environment": environment(),
    }
    if files:
        manifest["files"] = file_entries(files)
    return manifest
