"""The ties mechanism (Ties form and fade): ties form through contact and introductions, weak
unused ties fade, and contact, joint work and conflict flow only along existing ties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ics_sim.composition import from_counts
from ics_sim.core.rng import Streams
from ics_sim.engine import Engine
from ics_sim.mechanisms.ties import Ties
from ics_sim.model import resolve_composition
from ics_sim.scenarios.schema import from_dict

from ..helpers import FixedStreams, all_but, mechanism, tiny_engine
from .declarations import check_declarations
from .directions import check_direction

DEFAULT = resolve_composition(None)
SMALL = from_counts(
    {"icb": 1, "acute": 1, "community": 1, "primary_care": 6, "local_authority": 2, "vcse": 5},
    name="Small ICS",
)
ONLY_TIES = all_but("ties")

CASES = [
    ("ties", "tie_density", {"introduction_rate": 0.5, "introduction_trust": 0.4}, +1),
    ("ties", "tie_density", {"tie_fade_rate": 0.2}, -1),
]


def test_declarations_match_the_code():
    check_declarations(Ties)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)


def stranger_pair(engine: Engine) -> tuple[int, int]:
    """Edge ids (i -> k, k -> i) of a candidate pair with no tie at the start."""
    t = engine.topo
    e = int(np.flatnonzero(~t.initial & (t.src < t.dst))[0])
    return e, int(t.rev[e])


class Event:
    """Gives two organisations contact on their pair each week, as an event's meeting does."""

    def __init__(self, edges, quality):
        self.edges, self.quality = list(edges), quality

    def apply(self, engine, week):
        engine.levers.extra_contact[:, self.edges] += self.quality


def test_an_event_forms_a_tie_between_organisations_that_had_none():
    seeds = list(range(1, 9))
    params = {"warmup_weeks": 0, "introduction_rate": 0.0, "tie_formation": 10.0}
    quiet = Engine(DEFAULT, seeds, params)
    e, back = stranger_pair(quiet)
    assert not quiet.state.active[:, [e, back]].any()
    assert (quiet.state.familiarity[:, [e, back]] == 0).all()  # strangers
    event = Event([e, back], quality=5.0)  # P(form) = 1 - exp(-50)
    met = Engine(DEFAULT, seeds, params, interventions=[event])
    quiet.step()
    met.step()
    assert not quiet.state.active[:, [e, back]].any()
    # The encounter built nothing yet (no tie) but formed the tie, in both directions.
    assert (met.state.encounter[:, [e, back]] == 5.0).all()
    assert (met.state.contact[:, [e, back]] == 0).all()
    assert met.state.active[:, [e, back]].all()
    # From then on the event's contact acts on the tie: familiarity grows from zero.
    met.step()
    assert (met.state.contact[:, [e, back]] >= 5.0).all()
    assert (met.state.familiarity[:, [e, back]] > 0).all()


def test_a_big_breakfast_connects_organisations_across_places():
    def stranger_ties(interventions):
        scn = from_dict(
            {"name": "t", "parameters": {"warmup_weeks": 0}, "interventions": interventions}
        )
        eng = scn.engine([1, 2, 3, 4])
        eng.run(26)
        return eng.state.active[:, ~eng.topo.initial].sum()

    base = stranger_ties([])
    breakfast = stranger_ties([{"type": "big_breakfast", "start": 0, "params": {"every": 1}}])
    assert breakfast > base + 20, (base, breakfast)


def test_weak_unused_ties_fade_at_the_declared_rate_and_keep_their_trust():
    rate, seeds = 0.1, list(range(1, 11))
    # Only the ties mechanism runs: no contact, joint work or conflict uses any tie.
    eng = Engine(
        DEFAULT,
        seeds,
        {"warmup_weeks": 0, "tie_fade_rate": rate, "tie_fade_familiarity": 0.3},
        mechanisms_off=ONLY_TIES,
    )
    s, t = eng.state, eng.topo
    fam = np.maximum(s.familiarity, s.familiarity[:, t.rev])
    weak, strong = s.active & (fam < 0.3), s.active & (fam >= 0.3)
    trust, legacy = s.trust.copy(), s.legacy.copy()
    eng.step()
    faded = weak & ~s.active
    assert (s.active[strong]).all()  # ties known well enough do not fade
    assert (s.active == s.active[:, t.rev]).all()
    # One draw per pair: the share of weak pairs that faded is a binomial draw at ``rate``.
    n = weak.sum() / 2
    share = faded.sum() / 2 / n
    assert abs(share - rate) < 4 * np.sqrt(rate * (1 - rate) / n), (share, n)
    # Exactly those whose pair draw fell below the rate (the mechanism's own stream).
    u = Streams(seeds, "ties").randoms(3, t.e)
    assert np.array_equal(faded, weak & (t.pair(u)[1] < rate))
    np.testing.assert_array_equal(s.trust, trust)  # an ended tie is remembered
    np.testing.assert_array_equal(s.legacy, legacy)


def test_a_tie_in_use_does_not_fade():
    eng = Engine(
        DEFAULT,
        [1, 2],
        {"warmup_weeks": 0, "tie_fade_rate": 1.0, "tie_fade_familiarity": 1.0},
        mechanisms_off=[m for m in ONLY_TIES if m != "contact"],
    )
    eng.step()
    s = eng.state
    used = s.contact > 0
    assert used.any()
    assert s.active[used].all()  # met this week: kept
    assert not s.active[~used & eng.topo.initial].any()  # everything weak and unused ended


def test_brokers_introduce_partners_at_the_declared_rate():
    """A broker j strongly tied to i and to k (and to nobody else) introduces i and k with
    probability ``introduction_rate`` a week: exactly when its draw falls below the rate."""
    rate, seeds = 0.3, list(range(1, 1201))
    eng = Engine(
        DEFAULT,
        seeds,
        {"warmup_weeks": 0, "introduction_rate": rate, "tie_fade_rate": 0.0},
        mechanisms_off=ONLY_TIES,
    )
    s, t = eng.state, eng.topo
    e_ik, e_ki = stranger_pair(eng)
    i, k = int(t.src[e_ik]), int(t.dst[e_ik])
    j = next(
        b
        for b in range(t.n)
        if b not in (i, k) and t.edge_index(b, i) >= 0 and t.initial[t.edge_index(b, i)]
        if t.edge_index(b, k) >= 0 and t.initial[t.edge_index(b, k)]
    )
    s.trust[:] = 0.1
    for a, b in ((j, i), (i, j), (j, k), (k, j)):
        s.trust[:, t.edge_index(a, b)] = 0.9
    before = s.active.copy()
    eng.step()
    formed = s.active & ~before
    introduced = formed[:, e_ik]
    assert np.array_equal(formed[:, e_ki], introduced)  # both directions
    assert not formed[:, [e for e in range(t.e) if e not in (e_ik, e_ki)]].any()
    rng = Streams(seeds, "ties")
    rng.randoms(3, t.e)
    assert np.array_equal(introduced, rng.random(t.n)[:, j] < rate)  # the declared rate
    n = len(seeds)
    assert abs(introduced.mean() - rate) < 4 * np.sqrt(rate * (1 - rate) / n)


def test_inactive_ties_get_no_contact_or_joint_work():
    eng = Engine(DEFAULT, [1, 2, 3], {"warmup_weeks": 10, "tie_fade_familiarity": 0.2}, check=True)
    seen_encounter = False
    for _ in range(40):
        # The ties that exist during the week (the ties mechanism changes them at its end).
        on = eng.state.active.copy()
        eng.step()
        s = eng.state
        assert (s.contact[~on] == 0).all()
        assert not s.joint[~on].any()
        assert (s.encounter[on] == 0).all()
        seen_encounter |= bool((s.encounter > 0).any())
    assert (~on).any() and seen_encounter
    assert eng.writes_seen["ties"] == {"active"}


def test_batched_replicates_equal_single_runs():
    params = {"introduction_rate": 0.3, "introduction_trust": 0.4, "tie_fade_rate": 0.2}
    both = Engine(DEFAULT, [3, 4], params)
    one = Engine(DEFAULT, [4], params)
    a, b = both.run(30), one.run(30)
    assert np.array_equal(both.state.active[1], one.state.active[0])
    for k in a:
        assert np.array_equal(a[k][:, 1], b[k][:, 0]), k


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31),
    formation=st.floats(0.0, 10.0),
    intro=st.floats(0.0, 1.0),
    trust=st.floats(0.0, 1.0),
    fade=st.floats(0.0, 1.0),
    fade_fam=st.floats(0.0, 1.0),
)
def test_ties_exist_in_both_directions_or_neither(seed, formation, intro, trust, fade, fade_fam):
    params = {
        "warmup_weeks": 0,
        "tie_formation": formation,
        "introduction_rate": intro,
        "introduction_trust": trust,
        "tie_fade_rate": fade,
        "tie_fade_familiarity": fade_fam,
    }
    eng = Engine(SMALL, [seed, seed + 1], params)
    for _ in range(15):
        eng.step()
        a = eng.state.active
        assert np.array_equal(a, a[:, eng.topo.rev])
        assert 0.0 <= eng.outcomes()["tie_density"].min() <= 1.0


# By hand on a tiny system ------------------------------------------------------------------
# Ties 0:0->1 1:0->2 2:1->0 3:1->2 4:2->0 5:2->1; a pair's forming and fading draws are those of
# its lower-index direction (ties 0, 1, 3).


def _ties_engine(**params):
    eng = tiny_engine(params=params)
    s = eng.state
    s.contact = np.zeros((1, 6))
    s.encounter = np.zeros((1, 6))
    s.joint = np.zeros((1, 6), dtype=bool)
    s.conflict = np.zeros((1, 6), dtype=np.int8)
    s.familiarity = np.full((1, 6), 0.5)
    s.trust = np.full((1, 6), 0.4)
    return eng, s


def _step(eng, s, u_form, u_fade):
    m = mechanism(eng, "ties")
    m.rng = FixedStreams(queue=[u_form, u_fade, [0.5] * 6, [0.5] * 3])
    m.step(s, eng.levers, 0)


@pytest.mark.parametrize("u, forms", [(0.09, True), (0.1, False)])
def test_a_tie_forms_from_an_encounter_with_its_chance_by_hand(u, forms):
    eng, s = _ties_engine(tie_formation=0.5, introduction_rate=0.0)
    s.active = np.array([[True, True, True, False, True, False]])  # no tie 1-2
    s.contact[0, [0, 1, 2, 4]] = 0.1  # existing ties are used (none fades)
    s.encounter[0, 3] = 0.4  # one direction only: the pair's encounter is 0.2
    # P(form) = 1 - exp(-0.5 * 0.2) = 0.0952: the pair's draw (tie 3) 0.09 forms, 0.1 does not
    _step(eng, s, [0.5, 0.5, 0.5, u, 0.5, 0.5], [0.5] * 6)
    assert s.active.tolist() == [[True, True, True, forms, True, forms]]


def test_only_an_unused_tie_both_sides_barely_know_fades_by_hand():
    eng, s = _ties_engine(tie_fade_rate=0.02, tie_fade_familiarity=0.05, introduction_rate=0.0)
    s.active[:] = True
    s.familiarity[0] = [0.04, 0.01, 0.04, 0.01, 0.01, 0.3]  # pair 1-2: 2 knows 1 well
    s.joint[0, [1, 4]] = True  # pair 0-2 works together (joint work is symmetric)
    # draws 0.01 < 0.02 for every pair: only pair 0-1 (weak, unused) fades
    _step(eng, s, [0.5] * 6, [0.01] * 6)
    assert s.active.tolist() == [[False, True, False, True, True, True]]
    eng, s = _ties_engine(tie_fade_rate=0.02, tie_fade_familiarity=0.05, introduction_rate=0.0)
    s.active[:] = True
    s.familiarity[:] = 0.01
    _step(eng, s, [0.5] * 6, [0.02] * 6)  # a draw of 0.02 is not below the rate 0.02
    assert s.active.all()


@pytest.mark.parametrize("trust_1_to_0, introduced", [(0.5, True), (0.49, False)])
def test_a_broker_with_two_strong_ties_introduces_them_by_hand(trust_1_to_0, introduced):
    eng, s = _ties_engine(introduction_rate=1.0, introduction_trust=0.5)
    s.active = np.array([[True, True, True, False, True, False]])
    s.contact[0, [0, 1, 2, 4]] = 0.1
    s.trust[0, [0, 1, 4]] = 0.6
    s.trust[0, 2] = trust_1_to_0  # strong needs trust >= 0.5 both ways
    _step(eng, s, [0.5] * 6, [0.5] * 6)
    assert s.active.tolist() == [[True, True, True, introduced, True, introduced]]
