"""Every intervention and shock: acts only through its mechanisms, and does what it claims."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim import simulate
from ics_sim.composition import default
from ics_sim.errors import ICSSimError
from ics_sim.interventions import REGISTRY, create
from ics_sim.interventions.base import Targets

NAMES = sorted(REGISTRY)

# Claim tests: paired seeds (common random numbers), each arm's mean over its last year.
CLAIM_SEEDS = list(range(101, 113))  # 12 pairs
CLAIM_WEEKS, CLAIM_LATE = 104, 52
T95 = 1.7959  # one-sided 95% quantile of t with 11 degrees of freedom

#: (intervention, outcome, smallest effect that counts). The smallest effect is 0.005 on a
#: 0-1 scale (half a percentage point) or 0.5 for counts and weeks, or a tenth of the
#: baseline level where that is smaller. Comment: the paired mean difference observed with
#: these seeds, its two-sided 95% interval, the sd of the difference, and the power: the chance
#: that the test passes with 12 pairs if the true effect is the observed mean and its sd is
#: as observed (noncentral t). Measured by the runs of claim_runs below (the same seeds).
CLAIMS = [
    ("big_breakfast", "relationships", 0.005),  # +0.1283 [+0.1232, +0.1334] sd .0080 p 1.00
    ("big_breakfast", "cross_sector_trust", 0.005),  # +0.0060 [+0.0037, +0.0082] sd .0036 p 0.22
    ("big_breakfast", "safety", 0.005),  # +0.0700 [+0.0674, +0.0726] sd .0040 p 1.00
    ("blame_culture", "safety", 0.005),  # -0.1085 [-0.1094, -0.1075] sd .0015 p 1.00
    ("blame_culture", "unsafe_share", 0.005),  # +0.1931 [+0.1896, +0.1966] sd .0055 p 1.00
    ("collaborate_selectively", "transaction_cost", 0.0004),  # -0.0018 [-0.0019, -0.0016] p 1.00
    ("collaborate_selectively", "system_time", 0.005),  # +0.0026 [+0.0024, +0.0028] sd .0003 p 0.00
    ("conflict_coaching", "conflict_health", 0.005),  # +0.0361 [+0.0287, +0.0434] sd .0116 p 1.00
    ("conflict_coaching", "conflicts_festering", 0.5),  # -2.4247 [-3.1670, -1.6823] 1.1684 p 1.00
    ("decision_matrix", "shared_decisions", 0.005),  # +0.0194 [+0.0161, +0.0228] sd .0052 p 1.00
    ("delegated_authority", "decision_latency", 0.356),  # -2.4311 [-2.7262, -2.1360] .4645 p 1.00
    ("delegated_authority", "shared_decisions", 0.005),  # +0.1380 [+0.1328, +0.1433] .0083 p 1.00
    ("financial_squeeze", "system_time", 0.005),  # -0.0491 [-0.0493, -0.0489] sd .0003 p 1.00
    ("financial_squeeze", "collaboration_index", 0.005),  # -0.0214 [-0.0231, -0.0198] .0026 p 1.00
    ("industrial_action", "shared_decisions", 0.005),  # -0.0603 [-0.0658, -0.0548] sd .0086 p 1.00
    ("leadership_churn", "relationships", 0.005),  # -0.0700 [-0.0774, -0.0626] sd .0116 p 1.00
    ("leadership_programme", "collaborative_orientation", 0.005),  # +0.0396 sd .0067 p 1.00]
    ("leadership_programme", "cross_sector_trust", 0.005),  # +0.0236 [+0.0220, +0.0252] 1.00
    ("open_space", "relationships", 0.005),  # +0.1010 [+0.0943, +0.1077] sd 0.0106 p 1.00
    ("open_space", "conflict_health", 0.005),  # +0.0455 [+0.0301, +0.0609] sd 0.0243 p 1.00
    ("power_sharing", "power_sharing", 0.005),  # +0.2884 [+0.2709, +0.3059] sd 0.0276 p 1.00
    ("power_sharing", "power_not_shared_share", 0.005),  # -0.3104 [-0.3269, -0.2939] p 1.00
    ("provider_collaborative", "power_gini", 0.005),  # +0.0197 [+0.0173, +0.0221] p 1.00
    ("provider_collaborative", "power_sharing", 0.005),  # -0.0072 [-0.0101, -0.0043] p 0.46
    ("reward_collaboration", "collaborative_orientation", 0.005),  # +0.0710 [+.0674, +.0746]
    ("reward_collaboration", "collaboration_index", 0.005),  # +0.0025 [-0.0004, +0.0054] 0.00
    ("shared_purpose", "shared_purpose", 0.005),  # +0.0131 [+0.0125, +0.0137] sd 0.0009 1.00
    ("succession_planning", "relationships", 0.005),  # +0.0651 [+0.0607, +0.0695] p 1.00
    ("winter_pressure", "system_time", 0.005),  # -0.0065 [-0.0066, -0.0064] sd 0.0002 p 1.00
    ("workforce_shortage", "system_time", 0.005),  # -0.0876 [-0.0880, -0.0872] p 1.00
    ("workforce_shortage", "collaboration_index", 0.005),  # -0.0394 [-0.0433, -0.0355] 1.00
]

#: Claims the model does not show at the smallest effect that counts (findings, not bugs in
#: a mechanism: the direction is right, the size is not there). Strict: if one starts to
#: pass, the table and this list must be revisited.
NOT_SHOWN = {
    ("big_breakfast", "cross_sector_trust"): "+0.0060 [+0.0037, +0.0082]: positive, but the "
    "one-sided 95% bound +0.0041 does not clear 0.005 with 12 pairs (it did, +0.0080, before "
    "conflict health's revision raised surface_rate)",
    ("collaborate_selectively", "system_time"): "+0.0026: the time saved is about 1% of the "
    "baseline 0.274, below half a point",
    ("provider_collaborative", "power_sharing"): "-0.0071, one-sided 95% bound -0.0047 does "
    "not clear 0.005 with 12 pairs (about 40 would be needed for power 0.9)",
}


def _late_by_replicate(df, measure: str) -> np.ndarray:
    last = df["week"].max()
    late = df[df["week"] > last - CLAIM_LATE]
    return late.groupby("replicate")[measure].mean().to_numpy()


@pytest.fixture(scope="module")
def claim_runs():
    """Every arm in one fixture, so that the one warm-up of the baseline is shared by all."""
    runs = {"": simulate(CLAIM_SEEDS, CLAIM_WEEKS)}
    for name in NAMES:
        runs[name] = simulate(CLAIM_SEEDS, CLAIM_WEEKS, interventions=[create(name, start=0)])
    return runs


def test_the_claims_table_is_every_claim():
    listed = {(n, m) for n, m, _ in CLAIMS}
    assert listed == {(n, m) for n in NAMES for m, _ in REGISTRY[n].claims}


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, measure, smallest",
    [
        pytest.param(*c, marks=pytest.mark.xfail(strict=True, reason=NOT_SHOWN[c[:2]]))
        if c[:2] in NOT_SHOWN
        else c
        for c in CLAIMS
    ],
    ids=[f"{c[0]}-{c[1]}" for c in CLAIMS],
)
def test_moves_the_measures_it_targets_as_the_documents_claim(name, measure, smallest, claim_runs):
    """The claimed direction with at least the smallest effect that counts: the one-sided 95%
    lower bound of the paired difference (12 pairs, t with 11 degrees of freedom), signed by
    the claim, exceeds ``smallest``. With the sds observed (column in CLAIMS) every shown claim
    but reward_collaboration's collaboration index (0.56) passes with power 1.00 at its
    observed effect; against zero effect the power is above 0.99 for every shown claim."""
    sign = dict(REGISTRY[name].claims)[measure]
    d = sign * (
        _late_by_replicate(claim_runs[name], measure) - _late_by_replicate(claim_runs[""], measure)
    )
    lower = d.mean() - T95 * d.std(ddof=1) / np.sqrt(len(d))
    assert lower > smallest, (name, measure, d.mean(), lower)


@pytest.mark.parametrize("name", NAMES)
def test_has_no_effect_with_its_mechanisms_switched_off(name):
    off = list(REGISTRY[name].acts_through)
    a = simulate([5], 40, mechanisms_off=off)
    b = simulate([5], 40, mechanisms_off=off, interventions=[create(name, start=0)])
    assert a.equals(b), name


@pytest.mark.parametrize("name", NAMES)
def test_is_documented(name):
    cls = REGISTRY[name]
    assert cls.title and len(cls.summary) > 40 and len(cls.evidence) > 40
    assert cls.kind in ("intervention", "shock")
    for p in cls.params:
        assert p.lo <= p.default <= p.hi and p.doc and p.source, (name, p.name)


def test_nothing_happens_before_start_or_after_end():
    early = simulate([3], 30, interventions=[create("big_breakfast", start=20)])
    base = simulate([3], 30)
    # Identical until week 20, different after.
    first = early[early.week <= 20].reset_index(drop=True)
    pd_equal = first.equals(base[base.week <= 20].reset_index(drop=True))
    assert pd_equal
    assert not early.equals(base)
    ended = simulate([3], 30, interventions=[create("power_sharing", start=0, end=10)])
    on = simulate([3], 30, interventions=[create("power_sharing", start=0)])
    assert ended.loc[ended.week == 10, "power_sharing"].item() == pytest.approx(
        on.loc[on.week == 10, "power_sharing"].item()
    )
    assert (
        ended.loc[ended.week == 30, "power_sharing"].item()
        < on.loc[on.week == 30, "power_sharing"].item()
    )


def test_targets_resolve_and_fail_clearly():
    comp = default()
    assert Targets.of({"kinds": ["acute"]}).mask(comp).sum() == 3
    assert Targets.of({"places": ["Place A"]}).mask(comp).sum() == 1 + 4 + 4 + 1  # LA, PCNs...
    assert Targets.of({"names": ["ICB"]}).mask(comp).sum() == 1
    assert Targets.of(None).mask(comp).all()
    with pytest.raises(ICSSimError, match="did you mean 'Place A'"):
        Targets.of({"places": ["Place  A"]}).mask(comp)
    with pytest.raises(ICSSimError, match="unknown organisation kind"):
        Targets.of({"kinds": ["hospital"]}).mask(comp)


def test_leadership_programme_cohort_is_at_most_16_and_seeded():
    from ics_sim.engine import Engine

    lp = create("leadership_programme", start=0)
    eng = Engine(default(), [1, 2], interventions=[lp])
    eng.step()
    cohort = lp.bound(eng).cohort  # the cohort this engine drew
    assert (cohort.sum(axis=1) == 16).all()
    assert not np.array_equal(cohort[0], cohort[1])
    lp2 = create("leadership_programme", start=0)
    eng2 = Engine(default(), [1], interventions=[lp2])
    eng2.step()
    np.testing.assert_array_equal(lp2.bound(eng2).cohort[0], cohort[0])
    with pytest.raises(ICSSimError, match="not been applied"):
        lp2.bound(eng)
    with pytest.raises(ICSSimError):
        create("leadership_programme", params={"cohort": 17})


def test_bad_timing_is_an_error():
    with pytest.raises(ICSSimError, match="end"):
        create("big_breakfast", start=10, end=5)
    with pytest.raises(ICSSimError, match="did you mean 'big_breakfast'"):
        create("big_brekfast")
