"""The power mechanism (Power and power sharing): its declarations and the direction it moves its
measures against a paired baseline."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.composition import from_counts
from ics_sim.engine import Engine
from ics_sim.mechanisms.power import Power

from ..helpers import mechanism, tiny_engine
from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("power", "power_sharing", lever("power_equalisation", 0.4), +1),
    ("power", "power_not_shared_share", {"power_voice_exponent": 0.0}, -1),
]


def test_declarations_match_the_code():
    check_declarations(Power)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)


# A tiny system, no warm-up: the state is as built, so each check starts from known values.
TINY = from_counts(
    {"icb": 1, "acute": 1, "community": 1, "primary_care": 2, "local_authority": 1, "vcse": 1},
    name="Tiny ICS",
)


def _tiny():
    eng = Engine(TINY, [4], {"warmup_weeks": 0})
    eng.levers.reset()
    power = next(m for m in eng.mechanisms if m.name == "power")
    return eng, eng.state, eng.levers, power


def _expected(s, p, factor=1.0):
    """One week of the rules, written out organisation by organisation (docs/ODD.md)."""
    n, src, dst = s.n, s_topo.src, s_topo.dst
    w = p.influence_trust_weight
    stand = []
    for i in range(n):
        into = [s.trust[0, e] for e in range(len(src)) if dst[e] == i]
        stand.append(w * (sum(into) / max(len(into), 1)) + (1 - w) * s.carried[0, i])
    mean = sum(stand) / n  # one ICS
    total = p.authority_weight + p.resource_weight + p.influence_weight
    influence, power = [], []
    for i in range(n):
        base = s.base_power[0, i]
        earned = min(max(base * stand[i] / mean, 0.0), 1.0)
        infl = s.influence[0, i] + p.influence_rate * (earned - s.influence[0, i])
        f = factor[i] if np.ndim(factor) else factor
        ratio = s.resources[0, i] / s.base_resources[0, i]
        target = (
            p.authority_weight * base * f
            + p.resource_weight * base * f * ratio**p.resource_power_exponent
            + p.influence_weight * infl
        ) / total
        influence.append(infl)
        power.append(min(max(s.power[0, i] + p.power_rate * (target - s.power[0, i]), 0.001), 1))
    return np.array(influence), np.array(power)


s_topo = Engine(TINY, [4], {"warmup_weeks": 0}).topo


def test_power_follows_its_sources_exactly():
    eng, s, lv, power = _tiny()
    s.resources = s.resources * np.linspace(0.5, 1.5, s.n)  # some richer, some poorer
    s.carried = np.linspace(0.3, 0.9, s.n)[None]
    s.trust = np.linspace(0.1, 0.9, s.trust.shape[1])[None]
    factor = np.where(np.arange(s.n) == 1, 1.3, 0.9)  # a collaborative: member 1 gains
    lv.power_factor[0] = factor
    want_influence, want_power = _expected(s, eng.params, factor)
    power.step(s, lv, 0)
    np.testing.assert_allclose(s.influence[0], want_influence, rtol=0, atol=1e-12)
    np.testing.assert_allclose(s.power[0], want_power, rtol=0, atol=1e-12)


def test_each_source_moves_power_its_way():
    """More resources, more trust received, decisions carried or a structural gain each raise
    an organisation's power against an otherwise identical week."""
    k = 3

    def power_after(change) -> tuple[float, float]:
        eng, s, lv, power = _tiny()
        change(s, lv)
        power.step(s, lv, 0)
        return float(s.power[0, k]), float(s.influence[0, k])

    base_power, base_infl = power_after(lambda s, lv: None)

    def richer(s, lv):
        s.resources[0, k] *= 2.0

    def trusted(s, lv):
        into = eng_topo.dst == k
        s.trust[0, into] = np.minimum(s.trust[0, into] + 0.3, 1.0)

    def carries(s, lv):
        s.carried[0, k] = 1.0

    def structural(s, lv):
        lv.power_factor[0, k] = 1.3

    eng_topo = s_topo
    assert power_after(richer)[0] > base_power
    assert power_after(structural)[0] > base_power
    for earned in (trusted, carries):
        got_power, got_infl = power_after(earned)
        assert got_infl > base_infl and got_power > base_power


def test_influence_fades_when_its_standing_falls():
    eng, s, lv, power = _tiny()
    k = 2
    before = float(s.influence[0, k])
    s.carried[0, k] = 0.0
    s.trust[0, s_topo.dst == k] = 0.0
    for week in range(5):
        power.step(s, lv, week)
    assert float(s.influence[0, k]) < before
    assert (s.influence >= 0).all() and (s.influence <= 1).all()


# By hand on a tiny system ------------------------------------------------------------------
# Three organisations in one forum; ties 0:0->1 1:0->2 2:1->0 3:1->2 4:2->0 5:2->1.


def _power_engine(**params):
    base = {"power_rate": 0.0, "influence_rate": 0.0, "power_voice_exponent": 2.0}
    eng = tiny_engine(params=base | params)
    s = eng.state
    eng.levers.reset()
    s.base_power = np.array([[0.6, 0.3, 0.1]])
    s.power = np.array([[0.6, 0.3, 0.1]])
    s.influence = np.array([[0.5, 0.3, 0.1]])
    s.base_resources = np.ones((1, 3))
    s.resources = np.array([[1.0, 1.0, 0.5]])
    s.tenure = np.array([[260.0, 130.0, 0.0]])
    s.pressure = np.array([[0.5, 0.5, 1.0]])
    s.orientation = np.array([[0.5, 0.5, 1.0]])
    s.sharing_trait = np.full((1, 3), 0.4)
    s.present = np.ones((1, 3), dtype=bool)
    s.perceived_sharing = np.full((1, 3), 0.5)
    return eng, s


# security: (tenure/260 - 0.5) + (resources - 1) - (pressure - 0.5) + (orientation - 0.5)
#         = 0.5, 0, -0.5 - 0.5 + 0.5 = -1; sharing = 0.4 + 0.3 security = 0.55, 0.4, 0.1
# rho = (0.6 * 0.55 + 0.3 * 0.4 + 0.1 * 0.1) / 1 = 0.46; power^2 = 0.36, 0.09, 0.01, mean 0.46/3
V = (1 - 0.46) * np.array([0.36, 0.09, 0.01]) / (0.46 / 3) + 0.46  # 1.727826, 0.776957, 0.495217


def test_sharing_forum_level_and_voice_by_hand():
    eng, s = _power_engine()
    mechanism(eng, "power").step(s, eng.levers, 0)
    np.testing.assert_allclose(s.sharing[0], [0.55, 0.4, 0.1], rtol=1e-12)
    np.testing.assert_allclose(s.forum_sharing[0], [0.46], rtol=1e-12)
    np.testing.assert_allclose(s.voice[0], V, rtol=1e-12)
    np.testing.assert_allclose(V, [1.727826, 0.776957, 0.495217], atol=1e-6)
    assert s.voice.mean() == pytest.approx(1.0, abs=1e-12)  # equal share is 1
    # felt = (0.5 voice + 0.5 mean voice) / biggest voice; perceived moves 0.1 of the way
    felt = (0.5 * V + 0.5) / V[0]
    np.testing.assert_allclose(s.perceived_sharing[0], 0.5 + 0.1 * (felt - 0.5), rtol=1e-12)


def test_equalisation_and_absence_by_hand():
    eng, s = _power_engine()
    eng.levers.power_equalisation[0] = 0.3  # rho = 0.46 + 0.3 = 0.76
    s.present[0, 2] = False  # 2 saw nothing this week: its view is unchanged
    mechanism(eng, "power").step(s, eng.levers, 0)
    v = 0.24 * np.array([0.36, 0.09, 0.01]) / (0.46 / 3) + 0.76  # 1.323478, 0.900870, 0.775652
    np.testing.assert_allclose(s.voice[0], v, rtol=1e-12)
    felt = (0.5 * v[:2] + 0.5) / v[0]
    np.testing.assert_allclose(
        s.perceived_sharing[0], [*(0.5 + 0.1 * (felt - 0.5)), 0.5], rtol=1e-12
    )


def test_power_follows_its_sources_by_hand():
    eng, s = _power_engine(power_rate=1.0)
    s.resources = np.array([[1.0, 0.25, 1.0]])
    eng.levers.power_factor[0] = [1.0, 1.0, 2.0]
    mechanism(eng, "power").step(s, eng.levers, 0)
    # (0.5 structural + 0.3 structural sqrt(resources) + 0.2 influence) / 1:
    # 0.3 + 0.18 + 0.1 = 0.58; 0.15 + 0.3 * 0.3 * 0.5 + 0.06 = 0.255; 0.1 + 0.06 + 0.02 = 0.18
    np.testing.assert_allclose(s.power[0], [0.58, 0.255, 0.18], rtol=1e-12)


def test_influence_is_earned_from_trust_received_and_decisions_carried_by_hand():
    eng, s = _power_engine(influence_rate=1.0)
    s.trust = np.array([[0.5, 0.5, 0.8, 0.5, 0.4, 0.5]])  # received: 0.6, 0.5, 0.5
    s.carried = np.array([[0.6, 0.5, 0.2]])
    mechanism(eng, "power").step(s, eng.levers, 0)
    # standing 0.5 received + 0.5 carried = 0.6, 0.5, 0.35 (mean 1.45/3);
    # influence = base power x standing / mean = 0.744828, 0.310345, 0.072414
    expected = np.array([0.6 * 0.6, 0.3 * 0.5, 0.1 * 0.35]) / (1.45 / 3)
    np.testing.assert_allclose(s.influence[0], expected, rtol=1e-12)
    np.testing.assert_allclose(expected, [0.744828, 0.310345, 0.072414], atol=1e-6)
