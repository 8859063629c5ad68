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
    assert table["status"].tolist() == ["next", "next"]
    assert table["reason"].iloc[0] == v.UNEXAMINED
    assert "min_value" in table["reason"].iloc[1]
