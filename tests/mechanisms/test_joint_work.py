"""The joint_work mechanism (Joint work and collaborative advantage): its declarations and the
direction it moves its measures against a paired baseline."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ics_sim.engine import Engine
from ics_sim.evaluation.verification import clique, only
from ics_sim.mechanisms.joint_work import JointWork

from ..helpers import FixedStreams, mechanism, tiny_engine
from .declarations import check_declarations
from .directions import check_direction

CASES = [
    ("joint_work", "joint_value", {"joint_rate": 0.4}, +1),
    ("joint_work", "joint_value", {"cost": 3.0, "coop_steepness": 50.0}, -1),
]


def test_declarations_match_the_code():
    check_declarations(JointWork)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)


def _one_week_of_joint_work(n: int, time_cost: float, seeds=range(1, 17)):
    """A clique of ``n`` where every pair works together this week (full system time,
    ``joint_rate`` 1) and every project is otherwise perfect (advantage, safety, alignment and
    help all 1): a project's value is then its leaders' quality alone."""
    eng = Engine(
        clique(n),
        list(seeds),
        {
            "warmup_weeks": 0,
            "joint_rate": 1.0,
            "joint_threshold": 0.0,
            "joint_time_cost": time_cost,
        },
        mechanisms_off=only("joint_work"),
    )
    s = eng.state
    s.system_time[:] = 1.0
    s.advantage[:] = 1.0
    s.brokered[:] = 1.0
    s.safety[:] = 1.0
    s.orientation[:] = 1.0
    s.hazard[:] = 0.0
    s.aims[:] = 0.5
    eng.step()
    success = s.good > 0  # the only source of good experiences with the rest switched off
    # joint_value = 0.5 * sum of successful projects' values / n, each pair counted twice
    value_each = s.tally["joint_value"].sum() * 2.0 * n / success.sum()
    return s, value_each


@pytest.mark.parametrize("n,time_cost", [(3, 0.3), (5, 0.3), (8, 0.3), (5, 0.1)])
def test_quality_is_one_minus_exp_of_time_per_project(n, time_cost):
    """Exact: with system time 1 over n - 1 projects, each is worth 1 - exp(-1 / (k c))."""
    s, value_each = _one_week_of_joint_work(n, time_cost)
    assert s.joint.all() and (s.workload == n - 1).all()
    want = 1.0 - math.exp(-1.0 / ((n - 1) * time_cost))
    assert math.isclose(value_each, want, rel_tol=1e-12)


def test_spreading_time_over_more_projects_lowers_the_value_of_each():
    """Practice, Where next: collaborating on everything ends in endless meetings. The same
    time over more projects gives each less; the total grows, with diminishing returns."""
    each = {k: _one_week_of_joint_work(k + 1, 0.3)[1] for k in (1, 2, 3, 4, 5, 6)}
    assert all(each[k] > each[k + 1] for k in range(1, 6))
    total = {k: k * each[k] for k in each}
    gains = [total[k + 1] - total[k] for k in range(1, 6)]  # what one more project adds
    assert all(g > 0 for g in gains)
    assert all(a > b for a, b in zip(gains, gains[1:], strict=False))
    # Equal steps of time per project (1/(3c) = 0.5, 1, 1.5, 2) add less and less quality.
    q = [_one_week_of_joint_work(4, 1.0 / (3.0 * r))[1] for r in (0.5, 1.0, 1.5, 2.0)]
    steps = [b - a for a, b in zip(q, q[1:], strict=False)]
    assert all(x > 0 for x in steps)
    assert all(a > b for a, b in zip(steps, steps[1:], strict=False))


# By hand on a tiny system ------------------------------------------------------------------
# Two organisations (acute, local authority): tie 0 is 0->1, tie 1 is 1->0.


def _joint_engine(help_draws=(0.5, 0.9), v=0.1):
    eng = tiny_engine(("acute", "local_authority"), params={"joint_rate": 1.0})
    s = eng.state
    eng.levers.reset()
    s.active[:] = True
    s.hazard = np.zeros((1, 2))  # leaders stay: shadow of the future 1
    s.advantage = np.full((1, 2), 0.6)
    s.brokered = np.full((1, 2), 0.4)  # preference 0.5 * 0.4 + 0.5 * 0.6 = 0.5 > 0.3
    s.system_time = np.array([[1.0, 0.5]])  # start with P = sqrt(0.5) = 0.707 > draw 0.5
    s.orientation = np.array([[0.5, 0.0]])
    s.safety = np.array([[0.8, 0.6]])
    s.aims = np.array([[[0.5, 0.5, 0.5], [0.7, 0.5, 0.3]]])  # gap 0.4/3
    s.base_resources = np.ones((1, 2))
    s.resources = np.ones((1, 2))
    s.good, s.bad = np.zeros((1, 2)), np.zeros((1, 2))
    m = mechanism(eng, "joint_work")
    m.rng = FixedStreams(queue=[[0.5, 0.5], list(help_draws), [v, v]])
    return eng, s, m


# P(help) = o + (1 - o) / (1 + exp(-10 (0.5 * 1 * 1 - 0.3))) = 0.5 + 0.5 * 0.880797, 0.880797
SELFISH = 1 / (1 + np.exp(-2.0))
# value = advantage x min quality x share helping x knowledge sharing x alignment
#       = 0.6 (1 - e^(-0.5/0.1)) x 0.5 x (0.5 + 0.5 * 0.6) x (1 - 0.4/3) = 0.206599
VALUE = 0.6 * (1 - np.exp(-5.0)) * 0.5 * 0.8 * (1 - 0.4 / 3)


def test_a_project_its_help_its_value_and_its_experiences_by_hand():
    eng, s, m = _joint_engine()
    m.step(s, eng.levers, 0)
    assert s.joint.tolist() == [[True, True]] and s.workload.tolist() == [[1.0, 1.0]]
    # 0 helps (0.5 < 0.9404), 1 does not (0.9 > 0.8808): a success (0.1 < value) for both,
    # and a breach of 0.1 on 0's trust in 1
    assert 0.5 + 0.5 * SELFISH > 0.5 and SELFISH < 0.9
    assert VALUE == pytest.approx(0.206599, abs=1e-6)
    np.testing.assert_array_equal(s.good[0], [1.0, 1.0])
    np.testing.assert_allclose(s.bad[0], [0.1, 0.0], rtol=1e-12)
    np.testing.assert_allclose(s.payoff[0], [0.2, 0.2], rtol=1e-12)  # 0.5 * 1 * 1 - 0.3
    # resources 1 + 1 (0.004 value - 0.002 if it helped)
    np.testing.assert_allclose(
        s.resources[0], [1 + 0.004 * VALUE - 0.002, 1 + 0.004 * VALUE], rtol=1e-12
    )
    np.testing.assert_allclose(s.tally["joint_value"], [0.5 * 2 * VALUE / 2], rtol=1e-12)


def test_no_success_above_the_value_and_no_breach_when_both_help_by_hand():
    eng, s, m = _joint_engine(help_draws=(0.5, 0.5), v=0.4)
    m.step(s, eng.levers, 0)
    # both help: value is 0.6 * q * 1 * 0.8 * (1 - 0.4/3) = 2 VALUE = 0.413 > 0.4: a success
    np.testing.assert_array_equal(s.good[0], [1.0, 1.0])
    np.testing.assert_array_equal(s.bad[0], [0.0, 0.0])
    eng, s, m = _joint_engine(help_draws=(0.5, 0.5), v=0.42)
    m.step(s, eng.levers, 0)
    assert s.joint.all() and not s.good.any() and not s.bad.any()


def test_the_bar_of_selectivity_and_of_a_clear_purpose_by_hand():
    eng, s, m = _joint_engine()
    eng.levers.selectivity[0, 1] = 0.7  # advantage 0.6 < 0.7: no project
    m.step(s, eng.levers, 0)
    assert not s.joint.any() and s.workload.tolist() == [[0.0, 0.0]]
    eng, s, m = _joint_engine()
    eng.levers.purpose_clarity[0] = [1.0, 1.0]  # bar 0.3 * 1 = 0.3 <= 0.6: the project starts
    m.step(s, eng.levers, 0)
    assert s.joint.all()
    eng, s, m = _joint_engine()
    s.advantage[:] = 0.25  # preference 0.2 + 0.125 = 0.325 still > 0.3, but 0.25 < bar 0.3
    eng.levers.purpose_clarity[0] = [1.0, 0.0]
    m.step(s, eng.levers, 0)
    assert not s.joint.any()
