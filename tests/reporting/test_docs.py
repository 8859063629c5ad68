"""docs/ODD.md describes the model the code runs: tables current, every name documented."""

from __future__ import annotations

import dataclasses
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ics_sim import docgen
from ics_sim.engine import all_params
from ics_sim.mechanisms import ORDER
from ics_sim.outcomes import OUTCOMES
from ics_sim.state.levers import LEVERS
from ics_sim.state.variables import INIT_PARAMS, State

ROOT = Path(__file__).resolve().parents[2]
ODD = ROOT / "docs" / "ODD.md"
SOURCE_NAMES = ("Practice", "Lessons", "Miller", "BCL", "model notes")
AUTHOR_YEAR = re.compile(r"\b[A-Z][\w-]+(?: et al\.?| and [A-Z][\w-]+)? \(?(?:19|20)\d{2}\b")


def odd_text() -> str:
    return ODD.read_text()


def prose() -> str:
    """The hand-written part of docs/ODD.md: everything outside the generated regions."""
    return docgen.MARKER.sub("", odd_text())


def section(text: str, heading: re.Pattern[str]) -> str:
    """From the heading matching ``heading`` to the next heading of the same or higher level."""
    m = heading.search(text)
    assert m, f"docs/ODD.md has no heading matching {heading.pattern!r}"
    level = len(m.group(0)) - len(m.group(0).lstrip("#"))
    nxt = re.compile(rf"^#{{1,{level}}} ", re.M).search(text, m.end())
    return text[m.end() : nxt.start() if nxt else len(text)]


# --- the document ------------------------------------------------------------------------


def test_generated_tables_are_current(capsys):
    status = docgen.main(["--check", str(ODD)])
    assert status == 0, capsys.readouterr().out + "run: python -m ics_sim.docgen docs/ODD.md"


def test_every_generated_table_is_embedded_once():
    names = docgen.embedded(odd_text())
    assert sorted(names) == sorted(docgen.TABLES), names


def test_odd_elements_in_order():
    headings = [
        "1. Purpose and patterns",
        "2. Entities, state variables, and scales",
        "3. Process overview and scheduling",
        "4. Design concepts",
        "5. Initialization",
        "6. Input data",
        "7. Submodels",
        "Calibration",
    ]
    text = odd_text()
    positions = [text.find(f"\n## {h}\n") for h in headings]
    assert all(p >= 0 for p in positions), dict(zip(headings, positions, strict=True))
    assert positions == sorted(positions)
    concepts = section(text, re.compile(r"^## 4\. Design concepts$", re.M))
    for concept in (
        "Basic principles",
        "Emergence",
        "Adaptation",
        "Objectives",
        "Learning",
        "Prediction",
        "Sensing",
        "Interaction",
        "Stochasticity",
        "Collectives",
        "Observation",
        "Individual decision-making (ODD+D)",
    ):
        assert concept in concepts, concept


@pytest.mark.parametrize(
    "kind, names",
    [
        ("parameter", [p.name for p in all_params()]),
        ("outcome", list(OUTCOMES)),
        ("mechanism", [m.name for m in ORDER]),
        ("lever", list(LEVERS)),
        ("state variable", [f.name for f in dataclasses.fields(State)]),
    ],
)
def test_every_declared_name_is_in_the_odd(kind, names):
    text = odd_text()
    missing = [n for n in names if f"`{n}`" not in text]
    assert not missing, f"{kind}s missing from docs/ODD.md: {missing}"


def test_every_mechanism_has_a_submodel_naming_its_parameters():
    text = prose()
    for i, m in enumerate(ORDER, 1):
        body = section(text, re.compile(rf"^### 7\.{i} .*\(`{m.name}`\)$", re.M))
        assert "**Source.**" in body, m.name
        assert "```text" in body, f"{m.name}: no equations"
        missing = [p.name for p in m.params if f"`{p.name}`" not in body]
        assert not missing, f"submodel 7.{i} ({m.name}) does not describe {missing}"


def test_initialisation_parameters_are_described():
    body = section(prose(), re.compile(r"^## 5\. Initialization$", re.M))
    missing = [p.name for p in INIT_PARAMS if p.name not in body]
    assert not missing, missing


def test_calibrated_parameters_match_the_code():
    defaults = {p.name: p.default for p in all_params()}
    calib = section(odd_text(), re.compile(r"^## Calibration$", re.M))
    for name in ("safety_base", "power_voice_exponent"):
        assert f"`{name}` = {docgen.fmt(defaults[name])}" in calib, name
    assert "docs/calibration.py" in calib


# --- mechanism docstrings ---------------------------------------------------------------


@pytest.mark.parametrize("mechanism", ORDER, ids=lambda m: m.name)
def test_mechanism_module_docstring_cites_a_source(mechanism):
    doc = importlib.import_module(mechanism.__module__).__doc__ or ""
    assert doc.strip(), f"{mechanism.__module__} has no docstring"
    cites = any(s.lower() in doc.lower() for s in SOURCE_NAMES) or AUTHOR_YEAR.search(doc)
    assert cites, f"{mechanism.__module__}: docstring cites no source"


# --- docgen itself ----------------------------------------------------------------------


def test_fmt():
    assert docgen.fmt(1 / 156) == "0.00641"
    assert docgen.fmt(52) == "52"
    assert docgen.fmt(10.0) == "10"
    assert docgen.fmt(0.25) == "0.25"
    assert docgen.fmt(2 / 3) == "0.6667"
    assert docgen.fmt(-0.0) == "0"


def test_render_every_table():
    for name in docgen.TABLES:
        text = docgen.render(name)
        assert text.startswith("| ") and "\n|---|" in text, name
    with pytest.raises(docgen.DocgenError, match="unknown generated table"):
        docgen.render("nope")


def test_update_and_check(tmp_path, capsys):
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# Doc\n\nA mention of `<!-- BEGIN GENERATED: x -->` in prose is not a marker.\n\n"
        "<!-- BEGIN GENERATED: levers -->\nold\n<!-- END GENERATED: levers -->\n\ntail\n"
    )
    assert docgen.stale(doc) == ["levers"]
    assert docgen.main(["--check", str(doc)]) == 1
    assert "stale generated tables: levers" in capsys.readouterr().out
    assert docgen.update(doc) is True
    assert docgen.render("levers") in doc.read_text()
    assert doc.read_text().endswith("<!-- END GENERATED: levers -->\n\ntail\n")
    assert docgen.update(doc) is False
    assert docgen.main(["--check", str(doc)]) == 0


@pytest.mark.parametrize(
    "text, message",
    [
        ("<!-- BEGIN GENERATED: levers -->\nno end\n", "unbalanced"),
        ("<!-- BEGIN GENERATED: nope -->\n<!-- END GENERATED: nope -->\n", "unknown"),
        (
            "<!-- BEGIN GENERATED: levers -->\n<!-- END GENERATED: levers -->\n" * 2,
            "embedded twice",
        ),
    ],
)
def test_malformed_markers_are_errors(tmp_path, text, message):
    doc = tmp_path / "doc.md"
    doc.write_text(text)
    with pytest.raises(docgen.DocgenError, match=message):
        docgen.update(doc)
    assert docgen.main(["--check", str(doc)]) == 2


# --- the calibration script -------------------------------------------------------------


@pytest.mark.slow
def test_calibration_script_runs_and_the_defaults_meet_every_target():
    """Exit status 1 is the script's 'a default missed a target': only 0 passes."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "calibration.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    for text in (
        "safety_base",
        "power_voice_exponent",
        "surface_rate",
        "share of each kind",
        "meet every target",
    ):
        assert text in done.stdout
