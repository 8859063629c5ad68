"""An engine that starts from a kept warm-up continues exactly as one that ran its own."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as hs

from ics_sim.interventions import create
from ics_sim.sim.engine import Engine
from ics_sim.sim.warmup import WARM_UPS, fingerprint
from ics_sim.system.composition import default, from_counts

SMALL = {"icb": 1, "acute": 1, "primary_care": 3, "local_authority": 1, "vcse": 2}


def _fresh(*args, **kw) -> Engine:
    WARM_UPS.clear()
    return Engine(*args, **kw)


def _same(a: dict, b: dict) -> bool:
    return all(np.array_equal(a[k], b[k]) for k in a)


@settings(max_examples=8, deadline=None)
@given(hs.integers(0, 2**31), hs.integers(1, 30), hs.integers(0, 40))
def test_a_kept_warm_up_continues_bit_for_bit(seed, warmup, weeks):
    comp = from_counts(SMALL)
    params = {"warmup_weeks": warmup}
    expected = _fresh(comp, [seed, seed + 1], params).run(weeks)
    Engine(comp, [seed, seed + 1], params)  # kept
    again = Engine(comp, [seed, seed + 1], params)  # from the kept copy
    assert _same(again.run(weeks), expected)


def test_what_a_warm_up_depends_on_is_in_the_key():
    comp = default()
    base = Engine(comp, [1], {"warmup_weeks": 20})
    other_seed = Engine(comp, [2], {"warmup_weeks": 20})
    other_param = Engine(comp, [1], {"warmup_weeks": 20, "trust_gain": 0.06})
    off = Engine(comp, [1], {"warmup_weeks": 20}, mechanisms_off=["conflict"])
    for e in (other_seed, other_param, off):
        assert not np.array_equal(e.state.trust, base.state.trust)
    assert fingerprint(default()) == fingerprint(comp)
    assert fingerprint(from_counts(SMALL)) != fingerprint(comp)


def test_changing_an_engine_never_changes_the_kept_copy():
    comp = from_counts(SMALL)
    first = Engine(comp, [3], {"warmup_weeks": 10})
    first.state.trust[:] = 0.0
    first.step()
    second = Engine(comp, [3], {"warmup_weeks": 10})
    expected = _fresh(comp, [3], {"warmup_weeks": 10})
    assert second.week == 0
    assert np.array_equal(second.state.trust, expected.state.trust)


def test_interventions_are_not_part_of_the_warm_up():
    comp = default()
    with_iv = Engine(comp, [5], {"warmup_weeks": 15}, interventions=[create("big_breakfast")])
    plain = _fresh(comp, [5], {"warmup_weeks": 15})
    assert np.array_equal(with_iv.state.trust, plain.state.trust)
    assert len(with_iv.interventions) == 1 and plain.interventions == []
