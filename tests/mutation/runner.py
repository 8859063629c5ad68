"""Apply each mutant to a temporary copy of the tree and run the tests in escalating stages.

Stages, each run only if the mutant survived the one before (pytest ``-x -q``, everyday tests:
``-m "not browser"``):

1. ``first``: the mutant's own test files (the tests of the mutated module), so most die fast;
2. ``behavioural``: every other test except the golden file and the week-by-week reference;
3. ``golden``: ``tests/test_golden.py`` (kills any trajectory change, by regression alone);
4. ``reference``: the week-by-week reference equivalence tests.

So one run gives three scores: behavioural (1-2), without the reference (1-3) and full (1-4).
The working tree is never touched: the tree is copied once to a temporary directory, each
mutant is written into the copy and the file restored in a ``finally``; the copy is checked to
import ``ics_sim`` from itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .catalogue import CATALOGUE, Mutant

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ("tests/test_golden.py",)
#: Behavioural tests added for what earlier runs let survive: run first for every mutant.
KILLS = "tests/test_mutation_kills.py"
#: The week-by-week reference equivalence tests (benchmarks/reference against the package).
REFERENCE_FILES = ("tests/sim/test_reference.py",)
REFERENCE_TESTS = (
    "tests/mechanisms/test_declared_constants.py::test_reference_reads_the_same_constants",
)
#: Not run at all: benchmarks time things (and run the reference), the browser tests need one.
SKIPPED = ("tests/test_benchmarks.py", "tests/mutation", "tests/test_mutation_runner.py")
STAGES = ("first", "fast", "slow", "golden", "reference")
BEHAVIOURAL = {"first", "fast", "slow"}
SUITE_STAGES = {"first": 1, "behavioural": 3, "full": 5}
#: -m expression of each stage (the first stage runs every everyday test of its files)
MARKS = {"fast": "not browser and not slow", "slow": "slow and not browser"}
IGNORE_COPY = shutil.ignore_patterns(
    ".venv",
    ".git",
    "site",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "ics-sim-output",
    "*.egg-info",
)


class CatalogueError(Exception):
    """A mutant's text does not occur exactly once in its file."""


@dataclass
class Result:
    mutant: Mutant
    status: str  # killed, survived, timeout, error
    stage: str  # the stage that killed it ("" if it survived)
    by: str  # the first failing test, or what went wrong
    seconds: float
    ran: str = ""  # the stages run, in order (for a survivor: which tests it passed)


def check(mutant: Mutant, root: Path = ROOT) -> str:
    """The mutated text of the mutant's file; CatalogueError unless ``old`` occurs once."""
    path = root / mutant.file
    if not path.is_file():
        raise CatalogueError(f"mutant {mutant.id}: no file {mutant.file}")
    text = path.read_text()
    n = text.count(mutant.old)
    if n != 1:
        raise CatalogueError(
            f"mutant {mutant.id}: its old text occurs {n} times in {mutant.file} (must be "
            f"exactly once; update the catalogue to the code): {mutant.old!r}"
        )
    return text.replace(mutant.old, mutant.new)


def check_all(mutants=CATALOGUE, root: Path = ROOT) -> None:
    ids = [m.id for m in mutants]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise CatalogueError(f"duplicate mutant ids: {', '.join(dup)}")
    for m in mutants:
        check(m, root)


def copy_tree(root: Path = ROOT) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="ics-sim-mutants-"))
    dest = tmp / "tree"
    shutil.copytree(root, dest, ignore=IGNORE_COPY)
    return dest


def env_for(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def assert_imports_copy(tree: Path) -> None:
    """The copy, not the editable install, must be what the tests import."""
    out = subprocess.run(
        [sys.executable, "-c", "import ics_sim; print(ics_sim.__file__)"],
        cwd=tree,
        env=env_for(tree),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(out).resolve().is_relative_to(tree.resolve()):
        raise RuntimeError(f"the copy imports ics_sim from {out}, not from {tree}")


def stage_args(stage: str, mutant: Mutant, tree: Path) -> list[str] | None:
    """pytest arguments selecting one stage's tests (None: nothing to run)."""
    first = [f for f in mutant.first if (tree / f.split("::")[0]).exists()]
    whole_files = first and not any("::" in f for f in first)  # a node id: exactly that
    if whole_files and (tree / KILLS).exists() and KILLS not in first:
        first.insert(0, KILLS)  # hand-computed and quick: the cheapest kill comes first
    if stage == "first":
        return first or None
    if stage == "golden":
        return list(GOLDEN)
    if stage == "reference":
        return [*REFERENCE_FILES, *REFERENCE_TESTS]
    args = ["tests"]
    for f in (*first, *GOLDEN, *REFERENCE_FILES, *SKIPPED):
        args += ["--deselect" if "::" in f else "--ignore", f]
    for t in REFERENCE_TESTS:
        args += ["--deselect", t]
    return args


FAIL = re.compile(r"^(FAILED|ERROR) (\S+)", re.M)


def run_pytest(args: list[str], tree: Path, timeout: float, marks: str = "not browser"):
    """(status, first failing test) of one pytest run in the copy."""
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-m",
        marks,
        "-p",
        "no:cacheprovider",
        "--no-header",
        *args,
    ]
    try:
        proc = subprocess.run(
            cmd, cwd=tree, env=env_for(tree), capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return "timeout", f"over {timeout:.0f} s"
    if proc.returncode == 0:
        return "survived", ""
    if proc.returncode == 5:  # the stage selected no test (e.g. a file with no slow test)
        return "empty", ""
    if proc.returncode == 1:
        m = FAIL.search(proc.stdout)
        return "killed", m.group(2) if m else "(a test failed)"
    m = FAIL.search(proc.stdout)
    if proc.returncode == 2 and m:  # collection or import error: the mutant broke the code
        return "killed", m.group(2) + " (error)"
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
    return "error", f"pytest exit {proc.returncode}: " + " | ".join(tail)


def run_mutant(
    mutant: Mutant, tree: Path, last_stage: int, timeout: float, skip: frozenset = frozenset()
) -> Result:
    path = tree / mutant.file
    original = path.read_text()
    t0 = time.monotonic()
    try:
        path.write_text(check(mutant, tree))
        ran = []
        for stage in STAGES[:last_stage]:
            if stage in skip:
                continue
            args = stage_args(stage, mutant, tree)
            if args is None:
                continue
            ran.append(stage)
            status, by = run_pytest(args, tree, timeout, MARKS.get(stage, "not browser"))
            if status not in ("survived", "empty"):
                return Result(mutant, status, stage, by, time.monotonic() - t0, ",".join(ran))
        return Result(mutant, "survived", "", "", time.monotonic() - t0, ",".join(ran))
    finally:
        path.write_text(original)
        if path.read_text() != original:
            raise RuntimeError(f"could not restore {mutant.file} after {mutant.id}")


def baseline(tree: Path, last_stage: int, timeout: float) -> None:
    """The unmutated tree must pass every stage, or no score means anything."""
    dummy = Mutant("baseline", "", "", "", "", ())
    for stage in STAGES[1:last_stage]:
        marks = MARKS.get(stage, "not browser")
        status, by = run_pytest(stage_args(stage, dummy, tree), tree, timeout, marks)
        if status not in ("survived", "empty"):
            raise RuntimeError(f"the unmutated tree fails stage {stage}: {status} {by}")


def scores(results: list[Result]) -> dict[str, tuple[int, int]]:
    """killed / total for each suite: behavioural, behavioural + golden, full."""
    n = len(results)
    dead = [r for r in results if r.status in ("killed", "timeout")]

    def k(stages):
        return sum(r.stage in stages for r in dead)

    return {
        "behavioural (without the reference and the golden file)": (k(BEHAVIOURAL), n),
        "without the reference (golden file included)": (k(BEHAVIOURAL | {"golden"}), n),
        "full": (k(set(STAGES)), n),
    }
