"""Every intervention and shock: acts only through its mechanisms, and does what it claims."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim import simulate
from ics_sim.composition import default
from ics_sim.errors import ICSSimError
from ics_sim.interventions import REGISTRY, create
from ics_sim.interventions.base import Targets

from ..helpers import late_mean

SEEDS = [11, 22, 33, 44]
WEEKS = 156
NAMES = sorted(REGISTRY)


@pytest.fixture(scope="module")
def baseline():
    return simulate(SEEDS, WEEKS)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_moves_the_measures_it_targets_as_the_documents_claim(name, baseline):
    df = simulate(SEEDS, WEEKS, interventions=[create(name, start=0)])
    for measure, sign in REGISTRY[name].claims:
        before, after = late_mean(baseline, measure), late_mean(df, measure)
        assert np.sign(after - before) == sign, (name, measure, before, after)


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
