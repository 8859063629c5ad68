"""The layers stay true: import-linter's contracts in pyproject.toml hold, and every module
of the package lives in a layer folder (the root holds only the public facade, the version,
the shared palette and the aliases that keep old import paths working)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ics_sim._aliases import OLD_PATHS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ics_sim"
LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
    "lint-imports"
)
ROOT_MODULES = {"__init__.py", "_version.py", "_aliases.py", "palette.py"}


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


def test_root_holds_only_the_facade_version_aliases_and_palette():
    assert {p.name for p in PACKAGE.glob("*.py")} == ROOT_MODULES
    layers = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert layers >= {"core", "system", "state", "mechanisms", "sim", "interfaces"}


@pytest.mark.parametrize("old", sorted(OLD_PATHS))
def test_each_old_path_is_the_module_that_now_holds_the_code(old):
    alias = importlib.import_module(f"ics_sim.{old}")
    homes = [importlib.import_module(f"ics_sim.{new}") for new in OLD_PATHS[old]]
    assert sys.modules[f"ics_sim.{old}"] is alias
    if len(homes) == 1:
        assert alias is homes[0] and alias.__spec__.name == homes[0].__name__
    else:
        for home in homes:
            public = getattr(home, "__all__", None) or [k for k in vars(home) if k[0] != "_"]
            assert public and all(getattr(alias, k) is getattr(home, k) for k in public)


def _imported(path: Path) -> set[str]:
    """Every module ``path`` imports, with relative imports made absolute."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            found |= {base} | {f"{base}.{a.name}" for a in node.names}
    return found


def test_no_module_of_the_package_imports_an_old_path():
    old = {f"ics_sim.{name}" for name in OLD_PATHS}
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported(path) & old)
        for path in PACKAGE.rglob("*.py")
        if path.name != "_aliases.py"
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_python_m_on_an_old_path_runs_the_new_module():
    done = subprocess.run(
        [sys.executable, "-m", "ics_sim.docgen", "--check", str(ROOT / "docs" / "ODD.md")],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


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
