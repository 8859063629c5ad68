"""The joint_work mechanism (Joint work and collaborative advantage): its declarations and the
direction it moves its measures against a paired baseline."""

from __future__ import annotations

import math

import pytest

from ics_sim.engine import Engine
from ics_sim.evaluation.verification import clique, only
from ics_sim.mechanisms.joint_work import JointWork

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
