"""The power mechanism (Power and power sharing): its declarations and the direction it moves its
measures against a paired baseline."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.composition import from_counts
from ics_sim.engine import Engine
from ics_sim.mechanisms.power import Power

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
