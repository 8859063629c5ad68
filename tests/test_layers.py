"""The layers stay true: import-linter's contracts in pyproject.toml hold, and every module
of the package lives in a layer folder (the root holds only the public facade, the version,
the shared palette and the aliases that keep old import paths working)."""

from __future__ import annotations

import ast
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ics_sim"
LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
    "lint-imports"
)
ROOT_MODULES = {"__init__.py", "_version.py", "palette.py"}


def _aliases() -> list[Path]:
    return [p for p in sorted(PACKAGE.glob("*.py")) if p.name not in ROOT_MODULES]


@pytest.mark.skipif(LINT is None, reason="import-linter is in the test extra")
def test_import_contracts_hold():
    done = subprocess.run(
        [LINT, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
    assert "Each layer imports only the layers below it KEPT" in done.stdout


def test_root_holds_only_the_facade_palette_and_aliases():
    for path in _aliases():
        tree = ast.parse(path.read_text())
        doc = ast.get_docstring(tree) or ""
        assert doc.startswith("Old import path, kept working"), path.name
        code = [n for n in tree.body if not isinstance(n, ast.Expr)]
        # imports, one sys.modules line and an optional `if __name__ == "__main__"`: no logic
        assert len(code) <= 4, path.name


@pytest.mark.parametrize("path", _aliases(), ids=lambda p: p.stem)
def test_each_alias_is_the_module_that_now_holds_the_code(path):
    old = importlib.import_module(f"ics_sim.{path.stem}")
    assert old.__doc__  # importable
    tree = ast.parse(path.read_text())
    sources = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    for imp in sources:
        target = importlib.import_module("ics_sim" + "." * (imp.level > 0) + (imp.module or ""))
        for alias in imp.names:
            if alias.name == "*":
                public = [k for k in vars(target) if not k.startswith("_")]
                assert all(getattr(old, k) is getattr(target, k) for k in public), path.stem
            elif hasattr(target, alias.name):
                new = getattr(target, alias.name)
                if isinstance(new, type(sys)):  # the alias *is* the module
                    assert old is new or getattr(old, "__name__", "") == new.__name__
                else:
                    assert getattr(old, alias.asname or alias.name) is new


def test_public_api_of_the_readme():
    import ics_sim
    from ics_sim import OUTCOMES, PRACTICES, ICSModel, parameters, plots, run, simulate
    from ics_sim.engine import Engine
    from ics_sim.interventions import create

    assert ics_sim.Engine is Engine
    assert callable(run) and callable(simulate) and callable(create) and callable(parameters)
    assert ICSModel.__module__ == "ics_sim.sim.model"
    assert plots.__name__ == "ics_sim.reporting.plots"
    assert "collaboration_index" in OUTCOMES and len(PRACTICES) == 6


def test_the_old_paths_the_docs_show_still_work():
    from ics_sim import cli, scenario
    from ics_sim.analysis import analyse
    from ics_sim.compare import paired_differences
    from ics_sim.composition import default, from_counts
    from ics_sim.engine import all_params
    from ics_sim.errors import ICSSimError, ParameterError
    from ics_sim.kinds import Kind
    from ics_sim.mechanisms.trust import asymmetric_update
    from ics_sim.model import ICSModel, resolve_composition
    from ics_sim.outcomes import OUTCOME_DOCS, OUTCOME_TABLE, PRACTICE_LABELS, by_ics
    from ics_sim.rng import Streams
    from ics_sim.runner import run_scenario, simulate
    from ics_sim.scenario import ScenarioError, load
    from ics_sim.state import State, initialise
    from ics_sim.sweep import read_runs, sweep
    from ics_sim.synthetic import system
    from ics_sim.validation import PATTERNS, validate
    from ics_sim.verification import all_cases

    assert cli.main is importlib.import_module("ics_sim.interfaces.cli").main
    assert issubclass(ScenarioError, ICSSimError) and issubclass(ParameterError, ICSSimError)
    assert scenario.load is load and PATTERNS and OUTCOME_DOCS.keys() == OUTCOME_TABLE.keys()
    for obj in (analyse, paired_differences, default, from_counts, all_params, Kind, Streams,
                asymmetric_update, ICSModel, resolve_composition, PRACTICE_LABELS, by_ics,
                run_scenario, simulate, State, initialise, read_runs, sweep, system, validate,
                all_cases):  # fmt: skip
        assert obj is not None
