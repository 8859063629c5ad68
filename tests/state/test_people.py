"""Survey shares as shares of people (ics_sim.state.people): smooth, bounded, monotone, exact."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ics_sim.engine import Engine
from ics_sim.model import resolve_composition
from ics_sim.state import outcomes
from ics_sim.state.people import (
    PEOPLE_SPREAD,
    people,
    people_share,
    people_share_by,
    share_below,
)
from ics_sim.system.kinds import PEOPLE, Kind

levels = st.floats(0.0, 1.0, allow_nan=False)
spreads = st.floats(0.05, 3.0, allow_nan=False)


@given(levels, levels, spreads)
def test_share_is_bounded_and_falls_as_the_organisation_rises(a, b, spread):
    lo, hi = sorted((a, b))
    s_lo, s_hi = share_below(np.array([lo, hi]), spread)
    assert 0.0 <= s_hi <= s_lo <= 1.0


@given(st.floats(0.001, 0.999), spreads)
def test_share_is_the_logit_normal_probability(x, spread):
    """P(logistic(logit x + z) < 0.5) for z ~ N(0, spread^2) is Phi(-logit(x) / spread)."""
    z = -math.log(x / (1 - x)) / spread
    want = 0.5 * math.erfc(-z / math.sqrt(2))
    assert math.isclose(float(share_below(np.array([x]), spread)[0]), want, abs_tol=1e-12)


def test_share_matches_a_drawn_population():
    """The analytic share is what a large drawn population of leaders gives."""
    rng = np.random.default_rng(7)
    x, spread = 0.56, PEOPLE_SPREAD.default
    z = rng.normal(0.0, spread, 200_000)
    person = 1 / (1 + np.exp(-(np.log(x / (1 - x)) + z)))
    assert abs((person < 0.5).mean() - share_below(np.array([x]))[0]) < 0.005


def test_no_spread_is_the_organisation_count():
    x = np.array([0.2, 0.49, 0.5, 0.9])
    assert share_below(x, 0.0).tolist() == [1.0, 1.0, 0.0, 0.0]


def test_people_weight_the_share_by_kind():
    kind = np.array([int(Kind.ACUTE), int(Kind.VCSE)])
    value = np.array([[0.9, 0.1]])
    w = np.array([PEOPLE[Kind.ACUTE], PEOPLE[Kind.VCSE]], dtype=float)
    want = (w * share_below(value[0])).sum() / w.sum()
    assert math.isclose(float(people_share(value, kind)[0]), want, rel_tol=1e-12)
    assert people(kind).tolist() == w.tolist()
    assert PEOPLE[Kind.ACUTE] > PEOPLE[Kind.PRIMARY_CARE]  # a trust board outnumbers a PCN's


@given(st.lists(levels, min_size=4, max_size=4), st.floats(0.001, 0.2))
def test_a_small_rise_moves_the_system_share_a_little(values, step):
    """No knife edge: raising every organisation by ``step`` lowers the share by at most the
    density of the logit-normal times the step (bounded), never by almost everything."""
    kind = np.array([int(Kind.ICB), int(Kind.ACUTE), int(Kind.PRIMARY_CARE), int(Kind.VCSE)])
    v = np.array([values]) * 0.6 + 0.2  # in [0.2, 0.8]
    before = people_share(v, kind)[0]
    after = people_share(np.minimum(v + step, 1.0), kind)[0]
    # d share / d x <= phi(0) / (spread * x (1 - x)) <= 0.4 / (1 * 0.16) = 2.5 on [0.2, 1]
    assert 0.0 <= before - after <= 2.5 * step + 1e-12


def test_outcomes_are_shares_of_people_and_by_ics_agrees():
    comp = resolve_composition(None)
    eng = Engine(comp, [1, 2], {"warmup_weeks": 4})
    s = eng.state
    got = eng.outcomes()
    want = people_share(s.safety, s.kind)
    assert np.array_equal(got["unsafe_share"], want)
    assert np.array_equal(got["power_not_shared_share"], people_share(s.perceived_sharing, s.kind))
    by = outcomes.by_ics(s, eng.topo)
    assert np.allclose(by["unsafe_share"][:, 0], want, rtol=0, atol=1e-15)
    groups = people_share_by(s.safety, s.kind, comp.place.clip(0), len(comp.place_names))
    assert groups.shape == (2, len(comp.place_names)) and ((groups >= 0) & (groups <= 1)).all()
