"""Explaining a run: the parts add up, inert events get exactly zero, Shapley's axioms hold."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from ics_sim.evaluation import explain as ex
from ics_sim.interventions import create
from ics_sim.interventions.base import Intervention
from ics_sim.sim.engine import Engine
from ics_sim.system.composition import from_counts

SMALL = {"icb": 1, "acute": 1, "primary_care": 3, "local_authority": 1, "vcse": 2}
PARAMS = {"warmup_weeks": 6}


class Nobody(Intervention):
    """A meeting whose targets match nobody: it draws random numbers but reaches no one."""

    name = "nobody_meets"
    title = "Nobody meets"
    summary = "test"
    evidence = "test"
    acts_through = ("contact",)

    def bind(self, engine):
        super().bind(engine)
        self.mask = np.zeros_like(self.mask)

    def act(self, engine, weeks_in):
        self.meet(engine, 0.9, 0.5, hours=2.0)


def _events():
    return [
        create("big_breakfast", 2, None, None, {}, key="b"),
        Nobody(start=1, key="n"),
        create("financial_squeeze", 4, None, None, {}, key="c"),
    ]


@pytest.fixture(scope="module")
def result():
    return ex.explain(from_counts(SMALL), [1, 2], 10, events=_events(), params=PARAMS, start=1)


def test_event_shares_add_up_to_the_total_with_the_residual_shown(result):
    r = result
    assert r.exact and r.runs == 8
    # exact Shapley: total = events + baseline drift, sampling error zero
    np.testing.assert_allclose(r.event_values.sum(axis=0) + r.drift, r.total, atol=1e-12)
    np.testing.assert_allclose(r.residual(), r.drift, atol=1e-12)
    t = r.table()
    for k in r.outcomes:
        ev = t[(t.outcome == k) & (t.split == "event") & (t.part != "total")]["change"].sum()
        tot = t[(t.outcome == k) & (t.split == "event") & (t.part == "total")]["change"].iloc[0]
        assert ev == pytest.approx(tot, abs=1e-12)


def test_the_mechanism_ledger_adds_up_exactly(result):
    r = result
    s = np.sum(list(r.mechanism_values.values()), axis=0)
    np.testing.assert_allclose(s, r.total, rtol=0, atol=1e-12)
    assert np.all(r.mechanism_values[ex.LEVERS_LINE] == 0.0)  # levers are not state
    assert set(r.mechanism_values) >= {"trust", "safety"}


def test_an_event_that_reaches_nobody_gets_exactly_zero(result):
    i = result.events.index("n")
    assert np.all(result.event_values[i] == 0.0)
    assert np.any(result.event_values[0] != 0.0)


def test_the_total_is_the_plain_run(result):
    eng = Engine(from_counts(SMALL), [1, 2], PARAMS, (), _events())
    rows = eng.run(10)
    for j, k in enumerate(result.outcomes):
        assert result.total[j] == pytest.approx((rows[k][10] - rows[k][1]).mean(), abs=1e-15)


def test_sampled_orders_leave_a_sampling_error_that_closes_the_sum():
    r = ex.explain(
        from_counts(SMALL), [3], 8, events=_events(), params=PARAMS, exact_max=1, samples=3
    )
    assert not r.exact
    np.testing.assert_allclose(
        r.event_values.sum(axis=0) + r.drift + r.sampling_error, r.total, atol=1e-12
    )
    assert np.all(r.event_values[1] == 0.0)  # still exactly zero for the inert event


def test_shapley_on_a_hand_case():
    # v(S) = 3 [a in S] + 3 [b in S] + 2 [a and b in S] + 1 [c in S] ... plus v(none) = 5
    def v(s):
        return np.array([5 + 3 * (0 in s) + 3 * (1 in s) + 2 * (0 in s and 1 in s) + (2 in s)])

    phi, exact = ex.shapley(3, v)
    assert exact
    np.testing.assert_allclose(phi[:, 0], [4.0, 4.0, 1.0])  # symmetry of a and b
    assert phi.sum() == pytest.approx(v({0, 1, 2})[0] - v(set())[0])  # efficiency
    sampled, exact = ex.shapley(3, v, exact_max=0, samples=200)
    assert not exact
    assert sampled.sum() == pytest.approx(9.0)
    # every order of a 3-player game, brute force, agrees with the subset formula
    brute = np.zeros(3)
    for order in itertools.permutations(range(3)):
        s = set()
        for i in order:
            brute[i] += v(s | {i})[0] - v(s)[0]
            s.add(i)
    np.testing.assert_allclose(brute / math.factorial(3), phi[:, 0])


def test_the_story_names_events_and_mechanisms(result):
    story = result.story()
    assert story[0].startswith("Collaboration index")
    assert "Big breakfast" in " ".join(story)
    assert "baseline drift" not in story[0] and "nothing switched on" in story[0]
    orgs = result.organisations
    assert len(orgs) == 8 and orgs["moved"].is_monotonic_decreasing


def test_a_bad_window_is_refused():
    with pytest.raises(ex.ICSSimError, match="start < end"):
        ex.explain(from_counts(SMALL), [1], 5, start=5)
