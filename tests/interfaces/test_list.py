"""``ics-sim list``: complete when piped, and machine-readable with --format json or csv."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from ics_sim.interventions import INTERVENTIONS, SHOCKS
from ics_sim.mechanisms import ORDER

CLI = [sys.executable, "-m", "ics_sim.interfaces.cli", "list"]


def _run(*args: str) -> str:
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_piped_output_is_plain_and_untruncated():
    text = _run("interventions")
    assert "collaborate_selectively" in text  # was cut to 'collaborate_selectivel…'
    assert "…" not in text and "━" not in text and "│" not in text
    for name, cls in INTERVENTIONS.items():
        assert name in text and cls.summary in text
    assert max(len(line) for line in text.splitlines()) > 80  # nothing folded to 80 columns


def test_mechanisms_lists_the_weekly_plan_in_order_with_reads_writes_and_levers():
    rows = json.loads(_run("mechanisms", "--format", "json"))["mechanisms"]
    assert [r["name"] for r in rows] == [m.name for m in ORDER]
    assert [r["order"] for r in rows] == list(range(1, len(ORDER) + 1))
    for r, m in zip(rows, ORDER, strict=True):
        assert r["reads"] == list(m.reads) and r["writes"] == list(m.writes)
        assert r["levers"] == list(m.reads_levers)
        assert r["source"] == "built in"
    text = _run("mechanisms")
    assert text.index("turnover") < text.index("joint_work") < text.index("learning")
    assert "extra_contact" in text and "tally.decisions_made" in text


def test_csv_has_one_row_per_entry_and_a_section_column_when_several():
    shocks = list(csv.DictReader(io.StringIO(_run("shocks", "--format", "csv"))))
    assert [r["type"] for r in shocks] == list(SHOCKS)
    assert "section" not in shocks[0]
    everything = list(csv.DictReader(io.StringIO(_run("--format", "csv"))))
    sections = {r["section"] for r in everything}
    assert sections == {"scenarios", "interventions", "shocks", "mechanisms", "ics"}
    assert sum(r["section"] == "ics" for r in everything) == 42


def test_json_lists_every_section():
    data = json.loads(_run("--format", "json"))
    assert set(data) == {"scenarios", "interventions", "shocks", "mechanisms", "ics"}
    assert len(data["ics"]) == 42
    assert {r["file"] for r in data["scenarios"]} >= {"baseline.yaml", "england.yaml"}
    assert all(r["description"] and "…" not in r["description"] for r in data["scenarios"])
