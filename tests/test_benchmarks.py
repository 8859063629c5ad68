"""The benchmark command runs end to end and reports what the README quotes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_python_m_benchmarks_quick_prints_every_table(tmp_path):
    out = tmp_path / "bench.json"
    md = tmp_path / "bench.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(out), "--markdown", str(md)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    res = json.loads(out.read_text())
    assert [r["organisations"] for r in res["reference"]] == [30, 200]
    for r in res["reference"]:
        assert r["ratio"] == pytest.approx(r["reference_s"] / r["ics_sim_s"])
        assert r["ratio"] > 1.0  # the vectorised engine is faster even on a quick run
        assert r["ratio_tuned"] == pytest.approx(r["tuned_s"] / r["ics_sim_s"])
        assert r["ratio_tuned_paired"] > 0 and r["ratio_paired"] > 0
        assert 3 <= r["tuned_weeks_timed"] <= r["weeks"] == 20
        # the tuned Mesa model is faster than the untuned transliteration
        assert r["tuned_s"] < r["reference_s"]
    rows = res["scaling"]["rows"]
    assert [r["ties"] for r in rows] == sorted(r["ties"] for r in rows)
    assert 0.0 < res["scaling"]["slope"] < 2.0
    assert {r["engine"] for r in res["memory"]} == {"ics-sim", "reference"}
    assert all(r["peak_mb"] >= r["baseline_mb"] > 0 for r in res["memory"])
    assert res["batched"][0]["speed_up"] == 1.0
    text = md.read_text()
    headings = ("faster than tuned Mesa", "faster than the transliteration", "back to back")
    for heading in (*headings, "ns per tie-week", "peak resident memory", "speed-up"):
        assert heading in text
    assert "Log-log slope" in proc.stdout


def test_memory_probe_reports_json_for_a_small_system():
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", "ics-sim", "30", "2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    assert row["n"] == 30 and row["peak_mb"] >= row["baseline_mb"] > 10
