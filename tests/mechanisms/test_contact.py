"""The contact mechanism (Contact builds familiarity and trust): its declarations and the direction
it moves its measures against a paired baseline."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.mechanisms.contact import Contact

from ..helpers import FixedStreams, mechanism, tiny_engine
from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("contact", "relationships", {"informal_rate": 0.4}, +1),
    ("contact", "mean_trust", lever("extra_contact", 0.5), +1),
]


def test_declarations_match_the_code():
    check_declarations(Contact)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)


# By hand on a tiny system ------------------------------------------------------------------
# Three organisations, one forum meeting every week; ties 0:0->1 1:0->2 2:1->0 3:1->2 4:2->0
# 5:2->1; each unordered pair shares the draw of its lower-index direction (ties 0, 1, 3).


def _contact_step(period=1, week=0):
    eng = tiny_engine(params={"attendance": 1.0}, period=period)
    s, lv = eng.state, eng.levers
    lv.reset()
    s.system_time = np.array([[1.0, 0.25, 0.5]])
    s.orientation = np.full((1, 3), 0.5)
    s.pressure = np.array([[0.2, 0.4, 0.6]])
    s.familiarity = np.full((1, 6), 0.2)
    s.active = np.array([[True, True, True, False, True, False]])  # no tie between 1 and 2
    s.good = np.zeros((1, 6))
    lv.extra_contact[0, 3] = 0.3  # an event brings 1 and 2 together (one direction)
    m = mechanism(eng, "contact")
    # u_present 0.5 < attendance 1; u_leader 0.5, 0.6, 0.5; then one draw per tie.
    m.rng = FixedStreams(queue=[[0.5] * 3, [0.5, 0.6, 0.5], [0.04, 0.9, 0.0, 0.9, 0.0, 0.0]])
    m.step(s, lv, week)
    return s


def test_meetings_informal_contact_familiarity_and_evidence_by_hand():
    s = _contact_step()
    assert s.meets.tolist() == [[True]] and s.present.all()
    # P(leader attends) = 0.4 + 0.6 * system_time = 1, 0.55, 0.7 against 0.5, 0.6, 0.5
    assert s.leader_present.tolist() == [[True, False, True]]
    # formal contact between leaders 0 and 2: 0.25 * (1 - 0.5 * (1 - 0.5)) = 0.1875;
    # informal rate 0.1 * sqrt(1 * 0.25) = 0.05 > draw 0.04 for pair (0, 1): quality 0.6;
    # pairs (0, 2), (1, 2): 0.0707, 0.0354 < 0.9: none. The event's 0.3 on 1->2 is an
    # encounter (no tie), not contact.
    np.testing.assert_allclose(s.contact[0], [0.6, 0.1875, 0.6, 0.0, 0.1875, 0.0], rtol=1e-12)
    np.testing.assert_allclose(s.encounter[0], [0, 0, 0, 0.3, 0, 0], rtol=1e-12)
    # familiarity 0.2 + 0.15 * 0.8 * (1 - exp(-c)) where contact, else 0.2 * (1 - 0.005)
    g6, g1875 = 0.12 * (1 - np.exp(-0.6)), 0.12 * (1 - np.exp(-0.1875))  # 0.05414, 0.02052
    np.testing.assert_allclose(
        s.familiarity[0], [0.2 + g6, 0.2 + g1875, 0.2 + g6, 0.199, 0.2 + g1875, 0.199], rtol=1e-12
    )
    # evidence = contact x the partner's reliability o + (1 - o)(1 - pressure) = 0.9, 0.8, 0.7
    np.testing.assert_allclose(
        s.good[0], [0.6 * 0.8, 0.1875 * 0.7, 0.6 * 0.9, 0, 0.1875 * 0.9, 0], rtol=1e-12
    )


def test_a_forum_off_its_schedule_does_not_meet_by_hand():
    s = _contact_step(period=2, week=1)  # meets when week % 2 == 0
    assert s.meets.tolist() == [[False]] and not s.present.any()
    # only the informal contact of pair (0, 1) is left
    np.testing.assert_allclose(s.contact[0], [0.6, 0, 0.6, 0, 0, 0], rtol=1e-12)
