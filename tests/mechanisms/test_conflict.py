"""The conflict mechanism (Conflict: surface and resolve, or fester): its declarations, its
conflict health computed by hand on tiny cases, properties of that health, and the direction
it moves its measures against a paired baseline."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ics_sim.composition import from_counts
from ics_sim.engine import Engine
from ics_sim.mechanisms.conflict import Conflict, _health, health
from ics_sim.state.people import people_share

from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("conflict", "conflict_health", {"surface_rate": 0.9}, +1),
    ("conflict", "conflict_health", {"resolve_rate": 1.0}, +1),
    ("conflict", "conflicts_festering", lever("conflict_skill", 1.0), -1),
]


def test_declarations_match_the_code():
    check_declarations(Conflict)


def h(surfaced, resolved, festering, voice, credit=0.5, prior=10.0) -> float:
    arr = [np.array([float(x)]) for x in (surfaced, resolved, festering, voice)]
    return float(health(*arr, credit, prior)[0])


def test_no_conflict_is_as_healthy_as_it_is_safe_to_disagree():
    # 10 * 0.7 / 10: only the prior, whatever its weight
    assert h(0, 0, 0, 0.7) == pytest.approx(0.7, abs=1e-15)
    assert h(0, 0, 0, 0.2, prior=3.0) == pytest.approx(0.2, abs=1e-15)
    assert h(0, 0, 0, 0.2, prior=0.0) == 0.2  # no prior, no conflict: still the voice share


def test_surfaced_and_festering_by_hand():
    # 4 surfaced at credit 0.5, 6 festering, prior 10 at 0.5: (2 + 5) / (4 + 6 + 10)
    assert h(4, 0, 6, 0.5) == pytest.approx(7 / 20, abs=1e-15)
    # all festering, no prior: 0; all resolved: 1
    assert h(0, 0, 5, 0.9, prior=0.0) == 0.0
    assert h(0, 3, 0, 0.1, prior=0.0) == 1.0
    # 2 surfaced at credit 0.25, 1 resolved, 1 festering, prior 4 at 0.75: (0.5+1+3) / 8
    assert h(2, 1, 1, 0.75, credit=0.25, prior=4.0) == pytest.approx(4.5 / 8, abs=1e-15)


def test_resolution_memory_by_hand():
    """Memory 4 weeks: the smoothed count is 2, 1.5, 1.125 after 2 resolutions then none;
    with 1 festering pair and a prior of 2 at 0.5: 3/5, 2.5/4.5, 2.125/4.125."""
    tally: dict[str, np.ndarray] = {}
    voice, one, none = np.array([0.5]), np.array([1.0]), np.array([0.0])
    got = []
    for n_res in (2.0, 0.0, 0.0):
        _health(tally, "", (4.0, 0.5, 2.0), voice, np.array([n_res]), none, one)
        got.append((float(tally["resolved_recent"][0]), float(tally["conflict_health"][0])))
    expected = [(2.0, 3 / 5), (1.5, 2.5 / 4.5), (1.125, 2.125 / 4.125)]
    assert got == [pytest.approx(e, abs=1e-15) for e in expected]


counts = st.floats(0.0, 1e3, allow_nan=False)
shares = st.floats(0.0, 1.0)


@given(counts, counts, counts, shares, shares, st.floats(0.0, 100.0))
def test_health_is_a_level(surfaced, resolved, festering, voice, credit, prior):
    x = h(surfaced, resolved, festering, voice, credit, prior)
    assert 0.0 <= x <= 1.0 + 1e-12


@given(counts, counts, counts, shares, shares, st.floats(0.0, 100.0), st.floats(0.0, 1e3))
def test_more_resolution_never_lowers_health(
    surfaced, resolved, festering, voice, credit, prior, d
):
    base = h(surfaced, resolved, festering, voice, credit, prior)
    assert h(surfaced, resolved + d, festering, voice, credit, prior) >= base - 1e-12
    # resolving a surfaced conflict, or surfacing a festering one, never lowers it either
    moved = min(d, surfaced)
    assert h(surfaced - moved, resolved + moved, festering, voice, credit, prior) >= base - 1e-12
    named = min(d, festering)
    assert h(surfaced + named, resolved, festering - named, voice, credit, prior) >= base - 1e-12


def test_health_in_the_engine_matches_the_rule_and_conflict_off_gives_the_prior():
    comp = from_counts({"acute": 2, "community": 1, "local_authority": 1})
    params = {"warmup_weeks": 0, "conflict_rate": 0.5}
    eng = Engine(comp, [1, 2], params)
    p = eng.params
    for _ in range(12):
        eng.step()
    s, t = eng.state, eng.topo
    surfaced = ((s.conflict == 2) & s.active).sum(1) / 2.0
    festering = ((s.conflict == 1) & s.active).sum(1) / 2.0
    voice = 1.0 - people_share(s.safety, s.kind)
    assert festering.sum() + surfaced.sum() > 0  # the case is not empty
    expected = health(
        surfaced, s.tally["resolved_recent"], festering, voice, p.surfaced_credit, p.voice_prior
    )
    np.testing.assert_allclose(eng.outcomes()["conflict_health"], expected, rtol=0, atol=1e-12)
    assert t.n_ics == 1
    off = Engine(comp, [1, 2], params, mechanisms_off=["conflict"])
    for _ in range(12):
        off.step()
    o = off.outcomes()
    np.testing.assert_allclose(o["conflict_health"], 1.0 - o["unsafe_share"], rtol=0, atol=0)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)
