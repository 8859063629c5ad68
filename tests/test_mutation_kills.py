"""Behaviour the mutation catalogue showed no test pinned down (docs/mutation.md): each test
states one rule of the ODD (the mechanism's docstring) and checks it by hand on the default
system, one step of one mechanism, or the first weeks of one intervention."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.composition import default
from ics_sim.engine import Engine
from ics_sim.interventions import create


def mechanism(eng: Engine, name: str):
    return next(m for m in eng.mechanisms if m.name == name)


@pytest.fixture(scope="module")
def eng() -> Engine:
    return Engine(default(), [11, 12])


def test_an_intervention_sets_its_levers_from_its_start_week_to_its_end_week_only():
    """start=3, end=5: the breakfast's safety lift is on in weeks 3 and 4, exactly its
    declared size on its targets (levers are reset each week, so it never piles up)."""
    iv = create("big_breakfast", start=3, end=5)
    e = Engine(default(), [4], interventions=[iv])
    lift = iv.p.safety
    seen = []
    for week in range(7):
        e.step()
        seen.append(e.levers.safety_boost.max())
        if week in (3, 4):
            mask = iv.bound(e).mask
            np.testing.assert_array_equal(e.levers.safety_boost[:, mask], lift)
            np.testing.assert_array_equal(e.levers.safety_boost[:, ~mask], 0.0)
    assert seen == [0.0, 0.0, 0.0, lift, lift, 0.0, 0.0]


def test_the_safety_target_rises_by_exactly_the_safety_lever(eng):
    s, safety = eng.state, mechanism(eng, "safety")
    lv = eng.levers
    lv.reset()
    base = safety.target(s, lv)
    lv.safety_boost[:] = 0.05
    lifted = safety.target(s, lv)
    lv.reset()
    inside = (base > 0) & (base < 0.95)
    assert inside.any()
    np.testing.assert_allclose(lifted[inside] - base[inside], 0.05, atol=1e-12)


def test_initial_trust_is_the_propensity_less_legacy_mistrust():
    """With no noise, initial trust = propensity * (1 - legacy_trust_weight * legacy)
    (clipped): the worse the history, the lower the starting trust."""
    e = Engine(default(), [2], params={"trust_noise": 0.0, "warmup_weeks": 0})
    s, t, p = e.state, e.topo, e.params
    want = s.trust_propensity[:, t.src] * (1.0 - p.legacy_trust_weight * s.legacy)
    inside = (want > 0.05) & (want < 0.95)
    assert inside.mean() > 0.5
    np.testing.assert_allclose(s.trust[inside], want[inside], atol=1e-12)


def test_one_trust_step_is_the_documented_asymmetric_update(eng):
    """g_eff = trust_gain (1 - familiarity_weight (1 - F)) (1 - legacy_drag legacy);
    T <- (1 - (1 - T)(1 - g_eff)^good) (1 - trust_loss)^bad; personal part built by
    personal_trust_share F of the gain and cut by the same breaches."""
    s, p = eng.state, eng.params
    rng = np.random.default_rng(0)
    t0, f, leg, pers = (
        s.trust.copy(),
        s.familiarity.copy(),
        s.legacy.copy(),
        s.trust_personal.copy(),
    )
    good = rng.integers(0, 4, size=t0.shape).astype(float)
    bad = rng.integers(0, 2, size=t0.shape).astype(float)
    s.good, s.bad = good.copy(), bad.copy()
    mechanism(eng, "trust").step(s, eng.levers, 0)
    g = p.trust_gain * (1 - p.familiarity_weight * (1 - f)) * (1 - p.legacy_drag * leg)
    gained = 1 - (1 - t0) * (1 - g) ** good
    kept = (1 - p.trust_loss) ** bad
    np.testing.assert_allclose(s.trust, gained * kept, atol=1e-12)
    np.testing.assert_allclose(
        s.trust_personal, (pers + p.personal_trust_share * f * (gained - t0)) * kept, atol=1e-12
    )
    s.trust, s.trust_personal, s.familiarity = t0, pers, f  # leave the shared engine as it was


def test_one_pressure_step_is_the_documented_budget_pressure_and_time_update():
    """The pressure mechanism's equations, by hand, with a squeeze, money and hours spent,
    transaction costs, and shocks big enough that pressure must be clipped to [0, 1]."""
    e = Engine(default(), [3, 4], params={"pressure_noise": 0.0})
    s, lv, p = e.state, e.levers, e.params
    lv.reset()
    n = s.n
    lv.income_factor[:] = 0.5
    lv.money_cost[:, ::3] = 400.0
    lv.time_cost[:, 1::3] = 6.0
    lv.extra_pressure[:, ::4] = 30.0
    lv.extra_pressure[:, 2::4] = -30.0
    s.tc_burden = np.full((2, n), 0.05)
    res0, pr0 = s.resources.copy(), s.pressure.copy()
    mechanism(e, "pressure").step(s, lv, 0)
    income = s.base_resources * 0.5 - lv.money_cost / p.acute_week_budget
    res = np.maximum(res0 + p.resource_rate * (income - res0), 0.0)
    stress = np.clip(1 - res / s.base_resources, 0, 1)
    target = s.base_pressure + p.financial_weight * stress + lv.extra_pressure
    pr = np.clip(pr0 + p.pressure_rate * (target - pr0), 0, 1)
    free = s.capacity * (1 - p.silo_strength * pr) - 0.05
    free -= lv.time_cost / p.leadership_week * (1 + p.attention_crowding * pr)
    np.testing.assert_allclose(s.resources, res, atol=1e-12)
    np.testing.assert_allclose(s.pressure, pr, atol=1e-12)
    np.testing.assert_allclose(s.system_time, np.clip(free, 0, 1), atol=1e-12)
    assert (s.pressure[:, ::4] == 1.0).all() and (s.pressure[:, 2::4] == 0.0).all()
    lv.reset()


def test_the_safety_target_is_the_documented_sum(eng):
    """target = base + trust_w (mean trust held - 0.5) - pressure_w (pressure - 0.5)
    - power_w max(0, mean partner power - own power), over existing ties, clipped."""
    s, t, p = eng.state, eng.topo, eng.params
    eng.levers.reset()
    on = s.active
    held = np.zeros((s.r, t.n))
    partner = np.zeros((s.r, t.n))
    for r in range(s.r):
        deg = np.maximum(np.bincount(t.src, weights=on[r] * 1.0, minlength=t.n), 1)
        held[r] = np.bincount(t.src, weights=s.trust[r] * on[r], minlength=t.n) / deg
        partner[r] = np.bincount(t.src, weights=s.power[r, t.dst] * on[r], minlength=t.n) / deg
    want = (
        p.safety_base
        + p.safety_trust_weight * (held - 0.5)
        - p.safety_pressure_weight * (s.pressure - 0.5)
        - p.safety_power_weight * np.maximum(0.0, partner - s.power)
    )
    got = mechanism(eng, "safety").target(s, eng.levers)
    np.testing.assert_allclose(got, np.clip(want, 0, 1), atol=1e-12)
    assert (partner > s.power).any() and (partner < s.power).any()


def test_contact_gives_evidence_in_proportion_to_the_partners_reliability(eng):
    """good += contact_evidence * contact * (o_j + (1 - o_j)(1 - pressure_j)): the trustee's
    reliability, not the truster's."""
    s, t, p = eng.state, eng.topo, eng.params
    eng.levers.reset()
    saved = {k: getattr(s, k).copy() for k in ("familiarity", "good", "contact", "encounter")}
    s.good = np.zeros_like(s.good)
    for week in range(8):  # until some forum meets
        mechanism(eng, "contact").step(s, eng.levers, week)
        if s.contact.any():
            break
    rel = s.orientation + (1 - s.orientation) * (1 - s.pressure)
    want = p.contact_evidence * s.contact * rel[:, t.dst]
    np.testing.assert_allclose(s.good, want, atol=1e-12)
    assert (rel[:, t.src] != rel[:, t.dst])[s.contact > 0].any()
    for k, v in saved.items():
        setattr(s, k, v)


def test_brokered_trust_goes_through_the_brokers_trust_in_the_partner(eng):
    """i distrusts j (0.1) and trusts b most (0.95); b trusts j 0.7, j trusts b 0.2:
    i's working trust in j is broker_weight * T_ib * T_bj = 0.8 * 0.95 * 0.7."""
    t, p = eng.topo, eng.params
    src, dst = t.src, t.dst
    found = None
    for e_ib in range(t.e):
        i, b = src[e_ib], dst[e_ib]
        for e_bj in np.flatnonzero(src == b):
            j = dst[e_bj]
            e_ij = int(t.edge_index(np.array([i]), np.array([j]))[0])
            if j != i and e_ij >= 0:
                found = (e_ib, e_bj, e_ij)
                break
        if found:
            break
    assert found, "the default system has a triad"
    e_ib, e_bj, e_ij = found
    trust = np.full((1, t.e), 0.5)
    trust[0, e_ib], trust[0, e_bj], trust[0, e_ij] = 0.95, 0.7, 0.1
    trust[0, t.rev[e_bj]] = 0.2
    out = mechanism(eng, "trust").brokered(trust, np.ones_like(trust, dtype=bool))
    assert out[0, e_ij] == pytest.approx(p.broker_weight * 0.95 * 0.7, abs=1e-12)


def test_transaction_costs_are_the_distrust_summed_over_joint_projects(eng):
    """tc_burden_i = clip(tc_rate * sum over i's joint projects of (1 - brokered trust))."""
    s, t, p = eng.state, eng.topo, eng.params
    saved = (s.joint.copy(), s.tc_burden.copy())
    s.joint = np.random.default_rng(1).random(s.joint.shape) < 0.3
    mechanism(eng, "transaction_costs").step(s, eng.levers, 0)
    want = np.stack(
        [
            np.bincount(t.src, weights=np.where(s.joint[r], 1 - s.brokered[r], 0), minlength=t.n)
            for r in range(s.r)
        ]
    )
    np.testing.assert_allclose(s.tc_burden, np.clip(p.tc_rate * want, 0, 1), atol=1e-12)
    s.joint, s.tc_burden = saved


def test_joint_work_needs_both_partners_so_projects_are_symmetric():
    """A joint project runs only if both sides want it: the project set is the same read
    from either end of every tie, every week."""
    e = Engine(default(), [5, 6])
    rev = e.topo.rev
    ran = 0
    for _ in range(20):
        e.step()
        np.testing.assert_array_equal(e.state.joint, e.state.joint[:, rev])
        ran += int(e.state.joint.sum())
    assert ran > 0


def test_setup_hours_are_charged_in_the_first_week_only():
    """An agreement costs its setup hours in the week it starts, then nothing (no upkeep)."""
    iv = create("decision_matrix", start=2)
    e = Engine(default(), [8], interventions=[iv])
    charged = []
    for _ in range(5):
        e.step()
        charged.append(e.levers.time_cost.max())
    assert charged == [0.0, 0.0, iv.p.setup_hours, 0.0, 0.0]
    assert iv.p.setup_hours > 0
