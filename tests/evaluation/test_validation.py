"""The validation report runs, and its verdicts are the real ones."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ics_sim import verification
from ics_sim.evaluation import validation as v
from ics_sim.evaluation.validation import PATTERNS
from ics_sim.scenarios.schema import load
from ics_sim.validation import validate

ROOT = Path(__file__).resolve().parents[2]


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
        "Identity check (not a null model)",
        "Null models that can fail",
        "Calibration null",
        "Dose response",
        "Sensitivity",
        "Replicates",
        "Stationary baseline",
    ):
        assert section in text
    assert "**FAIL**" not in text
    for null in v.NULL_MODELS:
        assert f"#### {null.name} (`null_{null.key}.yaml`)" in text
    for p in PATTERNS:
        assert f"- *{p.name}*: minimum effect {p.min_effect:g}" in text
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


def _arms(diffs: list[float], outcome: str = "mean_trust") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two arms over 60 weeks whose per-seed difference in ``outcome`` is ``diffs``."""
    rows_a, rows_b = [], []
    for seed, d in enumerate(diffs, start=1):
        for week in range(60):
            rows_a.append({"seed": seed, "week": week, outcome: 0.5 + 0.01 * seed})
            rows_b.append({"seed": seed, "week": week, outcome: 0.5 + 0.01 * seed + d})
    return pd.DataFrame(rows_a), pd.DataFrame(rows_b)


def test_a_pattern_below_its_criterion_is_not_shown():
    pat = next(p for p in PATTERNS if p.outcome == "mean_trust")  # expected lower, 0.01
    assert pat.min_effect == 0.01 and pat.sign < 0
    # A clear but small effect: the interval excludes zero, the mean is under the criterion.
    small = v.compare(pat, *_arms([-0.005, -0.0052, -0.0048, -0.0051]))
    assert small["hi"] < 0 and not small["shown"]
    big = v.compare(pat, *_arms([-0.02, -0.021, -0.019, -0.0205]))
    assert big["shown"] and big["difference"] == pytest.approx(-0.020125, abs=1e-12)
    # Past the criterion but the wrong way, or with an interval over zero: not shown.
    assert not v.compare(pat, *_arms([0.02, 0.021, 0.019, 0.0205]))["shown"]
    assert not v.compare(pat, *_arms([-0.05, 0.04, -0.03, 0.01]))["shown"]
    assert pat.shown(-0.01, -0.012, -0.008) and not pat.shown(-0.0099, -0.012, -0.008)
    assert small["verdict"] == "absent" and big["verdict"] == "shown"
    # Big enough but too uncertain: neither shown nor absent (a null gives it no verdict).
    assert v.verdict(pat, -0.02, -0.05, 0.01) == "unresolved"
    assert v.verdict(pat, 0.02, 0.01, 0.03) == "absent"


def test_interaction_verdicts():
    pat = PATTERNS[0]
    assert v.interaction(pat, -0.03, -0.029, True) == "encoded directly"
    assert v.interaction(pat, -0.03, -0.06, True) == "encoded, changed by the rest"
    assert v.interaction(pat, -0.03, -0.002, False) == "needs the interaction"
    assert v.interaction(pat, -0.002, -0.002, False, False) == "not shown in the full model"


def test_encoding_only_switches_off_every_other_mechanism():
    spec = v.only({"name": "x", "mechanisms_off": ["ties"]}, ("pressure",))
    assert set(spec["mechanisms_off"]) == set(v.MECHANISMS) - {"pressure"}


def test_peripheral_and_powerful_arms_are_dose_matched():
    from ics_sim.composition import default
    from ics_sim.interventions.base import Targets

    pat = next(p for p in PATTERNS if "peripheral" in p.name)
    comp = default()
    masks = [
        Targets.of(arm["interventions"][0]["targets"]).mask(comp)
        for arm in (pat.baseline, pat.changed)
    ]
    assert [int(m.sum()) for m in masks] == [4, 4]
    assert not (masks[0] & masks[1]).any()
    assert {k: a for k, a in pat.baseline["interventions"][0].items() if k != "targets"} == {
        k: a for k, a in pat.changed["interventions"][0].items() if k != "targets"
    }


def test_each_null_model_has_its_scenario_file_and_an_expectation_for_every_pattern():
    for null in v.NULL_MODELS:
        scn = load(ROOT / "scenarios" / f"null_{null.key}.yaml")
        assert scn.parameters == null.parameters
        assert set(null.expect) == {p.name for p in PATTERNS}
    calib = load(ROOT / "scenarios" / "null_no_interaction.yaml")
    assert set(calib.mechanisms_off) == set(v.NO_INTERACTION_OFF)


def test_a_null_model_can_fail():
    """A null that removes the mechanism a pattern rests on makes it disappear, and the table
    says so, against the expectation written for it."""
    pat = next(p for p in PATTERNS if p.outcome == "transaction_cost")
    null = v.NullModel(
        "no_tc",
        "No transaction costs",
        "the cost of working with partners one does not trust",
        {"tc_rate": 0.0, "warmup_weeks": 26},
        {pat.name: (True, "written to be wrong")},
    )
    # The same comparison without the null (a short warm-up keeps the test fast).
    control = v.NullModel("none", "None", "nothing", {"warmup_weeks": 26}, null.expect)
    table = v.null_table(3, 52, nulls=(control, null), patterns=(pat,))
    assert table["survives"].tolist() == [True, False]
    assert table["as_expected"].tolist() == [True, False]
    assert table["difference"].iloc[1] == 0.0 < pat.min_effect <= table["difference"].iloc[0]
