"""The tuned Mesa model (benchmarks/mesa_tuned) is the package's model in distribution.

It has its own topology, initial state and random streams, so it cannot agree draw for draw;
instead the mean outcomes over seeds must agree with the package's (ics_sim's Engine) within
3 standard errors of the difference plus a small tolerance, on the default ICS after a
warm-up. The tolerance (2% of the package's mean, at least 0.002) covers what 3 standard
errors of a few seeds miss; a rule left out or wrong moves these outcomes by more (see the
last test). Time: about 10 s of CPU.
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.mesa_tuned import TunedModel
from ics_sim.engine import Engine
from ics_sim.model import resolve_composition
from ics_sim.outcomes import OUTCOMES

WEEKS = 26
TUNED_SEEDS = 6
PACKAGE_SEEDS = 16
PARAMS = {"warmup_weeks": 26}  # half the default warm-up, to keep the test fast
CHECKED = (
    "mean_trust",
    "unsafe_share",
    "tie_density",
    "safety",
    "relationships",
    "power_not_shared_share",
    "system_time",
    "collaboration_index",
)


def window_means(series: np.ndarray) -> np.ndarray:
    """Each replicate's mean over the last half of the run (weeks, R) -> (R,)."""
    return series[WEEKS // 2 :].mean(axis=0)


@pytest.fixture(scope="module")
def runs():
    comp = resolve_composition(None)
    ours = Engine(comp, list(range(1, PACKAGE_SEEDS + 1)), PARAMS).run(WEEKS)
    models = [TunedModel(comp, seed=1000 + s, params=PARAMS) for s in range(TUNED_SEEDS)]
    tuned = [m.run(WEEKS) for m in models]
    theirs = {k: np.array([r[k] for r in tuned]).T for k in OUTCOMES}  # (weeks + 1, R)
    return ours, theirs, models


def agrees(a: np.ndarray, b: np.ndarray) -> tuple[bool, str]:
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    tol = 3.0 * se + max(0.02 * abs(a.mean()), 0.002)
    diff = abs(a.mean() - b.mean())
    return (
        diff <= tol,
        f"package {a.mean():.4f}, tuned {b.mean():.4f}, |diff| {diff:.4f} > {tol:.4f}",
    )


@pytest.mark.parametrize("name", CHECKED)
def test_outcome_means_agree_with_the_package(runs, name):
    ours, theirs, _ = runs
    ok, why = agrees(window_means(ours[name]), window_means(theirs[name]))
    assert ok, f"{name}: {why}"


def test_datacollector_table_has_the_package_outcomes(runs):
    _, _, models = runs
    table = models[0].datacollector.get_model_vars_dataframe()
    assert list(table.columns) == list(OUTCOMES)
    assert len(table) == WEEKS + 1  # week 0 (after the warm-up) and every week run
    assert table["tie_density"].between(0, 1).all()
    assert (table["decisions_made"] >= 0).all()


def test_same_seed_same_run_and_a_mutant_is_caught(runs):
    comp = resolve_composition(None)
    params = {"warmup_weeks": 0}
    a = TunedModel(comp, seed=3, params=params).run(8)
    b = TunedModel(comp, seed=3, params=params).run(8)
    assert a == b
    # The check has power: a model in which contact builds no familiarity (a rule left out)
    # fails it on relationships (0.16 against 0.23).
    ours = runs[0]
    bad = [
        TunedModel(comp, seed=50 + s, params={**PARAMS, "familiarity_gain": 0.0}).run(WEEKS)
        for s in range(3)
    ]
    ok, _ = agrees(
        window_means(ours["relationships"]),
        window_means(np.array([r["relationships"] for r in bad]).T),
    )
    assert not ok
