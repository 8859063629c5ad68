"""Local sensitivity on every outcome, and the inert parameters it finds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ics_sim.core.outcome_table import OUTCOMES
from ics_sim.evaluation import validation as v
from ics_sim.sim.engine import all_params


def test_local_effects_name_an_inert_and_a_strong_parameter(monkeypatch):
    """``purpose_selectivity`` acts only through an agreed purpose, which the baseline has not:
    its effect on every outcome is exactly zero. Leadership turnover moves outcomes."""
    keep = {"purpose_selectivity", "turnover_hazard"}
    monkeypatch.setattr(v, "all_params", lambda: [p for p in all_params() if p.name in keep])
    eff = v.local_effects(reps=3, weeks=60)
    assert set(eff["parameter"]) == keep
    assert len(eff) == 2 * len(OUTCOMES)
    purpose = eff[eff["parameter"] == "purpose_selectivity"]
    assert (purpose["effect"] == 0).all() and (purpose["scaled"] == 0).all()
    inert = v.inert_table(eff)
    assert inert["parameter"].tolist() == ["purpose_selectivity"]
    assert inert["status"].iloc[0] == "intended"
    assert inert["outcome"].iloc[0].startswith("none")
    sens = v.local_sensitivity(3, 60, eff)
    assert sens["parameter"].tolist()[0] == "turnover_hazard"
    assert list(sens.columns) == ["parameter", "effect", "lo", "hi"]


def test_inert_table_threshold_and_reasons():
    rows = []
    named = "proposal_value_min"
    for name, scaled in (("a", [0.02, -0.09]), (named, [0.01, 0.0]), ("b", [0.05, 0.3])):
        for k, x in zip(("safety", "mean_trust"), scaled, strict=True):
            rows.append({"parameter": name, "outcome": k, "effect": x, "scaled": x})
    table = v.inert_table(pd.DataFrame(rows))
    assert table["parameter"].tolist() == ["a", named]
    assert np.allclose(table["largest"], [0.09, 0.01])
    assert table["outcome"].tolist() == ["mean_trust", "safety"]
    assert table["status"].tolist() == ["next", "limitation"]
    assert table["reason"].iloc[0] == v.UNEXAMINED
    assert "min_value" in table["reason"].iloc[1]


def test_every_reason_and_setting_names_a_declared_parameter_and_valid_events():
    declared = {p.name for p in all_params()}
    assert set(v.INERT_REASONS) <= declared
    assert set(v.INERT_CONTEXTS) <= declared
    assert {s for s, _ in v.INERT_REASONS.values()} <= {"intended", "limitation", "next"}
    defaults = {p.name: p.default for p in all_params()}
    for name, (setting, events) in v.INERT_CONTEXTS.items():
        v.from_dict(v._scn(setting, parameters={name: defaults[name]}, **events))
        assert v.INERT_REASONS[name][0] != "next", name  # a setting is given once examined


def test_a_cost_parameter_inert_in_the_baseline_acts_in_its_setting(monkeypatch):
    """``leadership_week`` converts an intervention's hours into system time: with no
    intervention its effect is exactly zero; with a breakfast under a squeeze it moves system
    time (longer weeks make the same hours a smaller share)."""
    keep = {"leadership_week"}
    monkeypatch.setattr(v, "all_params", lambda: [p for p in all_params() if p.name in keep])
    eff = v.local_effects(reps=2, weeks=40)
    assert (eff["effect"] == 0).all()
    ctx = v.context_effects(["leadership_week", "not_a_parameter"], reps=3, weeks=40)
    assert ctx["parameter"].tolist() == ["leadership_week"]
    row = ctx.iloc[0]
    assert row["setting"] == "squeeze_with_breakfast"
    # the hours' cost reaches system time and what it feeds (transaction costs, joint value)
    assert row["outcome"] in {"system_time", "transaction_cost", "joint_value"}
    assert row["effect"] != 0
    assert row["largest"] > v.INERT_SHARE
