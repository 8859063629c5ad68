"""The validation report runs, and its verdicts are the real ones."""

from __future__ import annotations

import pytest

from ics_sim import verification
from ics_sim.validation import validate


@pytest.mark.slow
def test_quick_validation_report(tmp_path):
    rep = validate(tmp_path, quick=True)
    assert rep.verification_passed
    text = (tmp_path / "validation.md").read_text()
    for section in (
        "Verification",
        "Calibration",
        "Calibration for every system",
        "Patterns",
        "Dose response",
        "Sensitivity",
        "Replicates",
        "Stationary baseline",
    ):
        assert section in text
    assert "**FAIL**" not in text and "| **no** |" not in text
    for png in (
        "verification_degroot.png",
        "calibration.png",
        "patterns.png",
        "sensitivity.png",
        "dose_response.png",
        "stationarity.png",
    ):
        assert (tmp_path / png).stat().st_size > 5_000


def test_a_failing_case_is_reported_as_failing():
    bad = verification.Case("x", "y", 1.0, 1.1, 1e-3)
    good = verification.Case("x", "y", 1.0, 1.0005, 1e-3)
    assert not bad.passed and good.passed
