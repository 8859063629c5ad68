"""What interventions and shocks cost: leaders' hours and money, through the pressure mechanism.

Practice, Where next: systems "trying to collaborate on everything ... are ending up in endless
meetings ... time, money and energy are being consumed with little, if any, gain".
"""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim import simulate
from ics_sim.composition import default
from ics_sim.interventions import REGISTRY, create
from ics_sim.sim.engine import Engine

COSTED = sorted(n for n, c in REGISTRY.items() if c.costs)
COST_UNITS = {"hours", "hours/week", "thousand pounds"}


def free(name: str, **params):
    """The intervention with every declared cost set to zero."""
    return create(name, params={**{c: 0 for c in REGISTRY[name].costs}, **params})


def test_every_intervention_declares_its_costs():
    for name, cls in REGISTRY.items():
        declared = {p.name: p for p in cls.params}
        for c in cls.costs:
            assert c in declared, (name, c)
            assert declared[c].unit in COST_UNITS and declared[c].default > 0, (name, c)
            assert declared[c].lo == 0, (name, c)  # a free version can always be asked for
        if cls.kind == "intervention":
            assert cls.costs, f"{name} is free"
        if cls.costs:
            assert "pressure" in cls.acts_through, name


@pytest.mark.parametrize("name", COSTED)
def test_cost_is_read_only_by_the_pressure_mechanism(name):
    off = ["pressure"]
    paid = simulate([5], 40, mechanisms_off=off, interventions=[create(name)])
    unpaid = simulate([5], 40, mechanisms_off=off, interventions=[free(name)])
    assert paid.equals(unpaid), name


@pytest.mark.parametrize("name", COSTED)
def test_cost_takes_system_time_and_budget_in_the_week_it_is_paid(name):
    """Paid and free runs are identical until the first week a cost is charged; that week the
    paying organisations lose exactly the hours (over the leader's week, more under pressure)
    from system time and the money from the income their budget follows. (Joint work, the
    other writer of budgets, is off so that the week's budgets can be checked exactly.)"""
    seeds = [7, 8]
    off = ["joint_work"]
    a = Engine(default(), seeds, mechanisms_off=off, interventions=[create(name)])
    b = Engine(default(), seeds, mechanisms_off=off, interventions=[free(name)])
    p = a.params
    for _ in range(60):
        a.step()
        b.step()
        hours, money = a.levers.time_cost, a.levers.money_cost
        if hours.any() or money.any():
            break
        np.testing.assert_array_equal(a.state.system_time, b.state.system_time)
    else:
        pytest.fail(f"{name} charged nothing in 60 weeks")
    assert not b.levers.time_cost.any() and not b.levers.money_cost.any()
    lost_income = p.resource_rate * money / p.acute_week_budget
    np.testing.assert_allclose(a.state.resources, b.state.resources - lost_income, atol=1e-12)
    assert (a.state.resources[money > 0] < b.state.resources[money > 0]).all()
    if not money.any():
        np.testing.assert_array_equal(a.state.pressure, b.state.pressure)
        crowding = 1.0 + p.attention_crowding * a.state.pressure
        expected = np.clip(b.state.system_time - hours / p.leadership_week * crowding, 0, 1)
        np.testing.assert_allclose(a.state.system_time, expected, atol=1e-12)
    paying = hours > 0
    assert (a.state.system_time[paying] <= b.state.system_time[paying]).all()
    assert (a.state.system_time[paying] < b.state.system_time[paying]).any()


def weekly_charges(iv, weeks: int, seeds=(3,)):
    """Hours and thousands of pounds charged to each organisation, summed over ``weeks``."""
    e = Engine(default(), list(seeds), interventions=[iv])
    hours = np.zeros((len(seeds), e.topo.n))
    money = np.zeros_like(hours)
    for _ in range(weeks):
        e.step()
        hours += e.levers.time_cost
        money += e.levers.money_cost
    return hours, money


def test_breakfast_costs_scale_with_dose():
    every = {"attendance": 1.0, "hours": 2.0, "hosting": 0.6}
    fortnightly, f_money = weekly_charges(create("big_breakfast", params=every), 52)
    weekly, w_money = weekly_charges(create("big_breakfast", params={**every, "every": 1}), 52)
    daily, d_money = weekly_charges(
        create("big_breakfast", params={**every, "every": 1, "per_week": 5}), 52
    )
    longer, _ = weekly_charges(create("big_breakfast", params={**every, "hours": 4.0}), 52)
    np.testing.assert_allclose(fortnightly, 26 * 2.0)  # every leader comes to each
    np.testing.assert_allclose(weekly, 52 * 2.0)
    np.testing.assert_allclose(daily, 5 * 52 * 2.0)
    np.testing.assert_allclose(longer, 2 * fortnightly)
    # Money: the statutory bodies pay, in equal shares, and nobody else.
    comp = default()
    payers = np.isin(comp.kind, [0, 1, 2, 3, 4, 6])
    assert f_money.sum() == pytest.approx(26 * 0.6)
    assert w_money.sum() == pytest.approx(52 * 0.6)
    assert d_money.sum() == pytest.approx(5 * 52 * 0.6)
    assert (f_money[:, ~payers] == 0).all() and (f_money[:, payers] > 0).all()


def test_breakfast_time_is_charged_to_those_who_come():
    hours, _ = weekly_charges(create("big_breakfast", params={"every": 1}), 52, seeds=(3, 4))
    assert set(np.unique(hours % 2.0)) == {0.0}  # whole breakfasts only
    # Each of 52 breakfasts is attended with probability 0.6: about 31 of them each.
    assert 0.45 < hours.mean() / (52 * 2.0) < 0.75
    assert not np.array_equal(hours[0], hours[1])  # replicates draw their own attendance


def test_programme_costs_its_days_and_fee_to_the_cohort_only():
    iv = create("leadership_programme", params={"days": 2.0, "day_hours": 8.0, "fee": 6.0})
    hours, money = weekly_charges(iv, 52, seeds=(3, 4))
    cohort = hours > 0
    assert (cohort.sum(axis=1) == 16).all()
    np.testing.assert_allclose(hours[cohort], 4 * 2 * 8.0)  # four two-day modules
    np.testing.assert_allclose(money[cohort], 6.0)
    assert (money[~cohort] == 0).all()


def test_shared_purpose_workshops_then_upkeep():
    iv = create("shared_purpose", params={"workshops": 3, "workshop_hours": 4, "upkeep_hours": 1})
    hours, _ = weekly_charges(iv, 20)
    np.testing.assert_allclose(hours, 3 * 4 + 20 * 1)


def paired_end_difference(a, b, column: str, weeks: int = 52) -> np.ndarray:
    """Per-replicate difference b - a of the mean of ``column`` over the last ``weeks``."""
    last = a["week"].max()

    def per_rep(df):
        return df[df.week > last - weeks].groupby("replicate")[column].mean().to_numpy()

    return per_rep(b) - per_rep(a)


def interval(d: np.ndarray) -> tuple[float, float]:
    half = 1.96 * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean() - half, d.mean() + half


@pytest.mark.slow
def test_too_much_of_a_good_thing_does_net_harm_under_a_squeeze():
    """A daily breakfast for everyone, in a squeeze, leaves less time for the system and less
    value from joint work than no breakfast at all (common random numbers, 20 pairs); the same
    breakfasts with their costs set to zero do not (the free lunch the model used to serve)."""
    seeds = list(range(100, 120))
    daily = {"every": 1, "per_week": 5}

    def run(*ivs):
        return simulate(seeds, 156, interventions=[create("financial_squeeze"), *ivs])

    none = run()
    paid = run(create("big_breakfast", params=daily))
    unpaid = run(free("big_breakfast", **daily))
    for column in ("system_time", "joint_value"):
        lo, hi = interval(paired_end_difference(none, paid, column))
        assert hi < 0, (column, lo, hi)
    lo, hi = interval(paired_end_difference(paid, unpaid, "joint_value"))
    assert lo > 0, (lo, hi)  # the cost is what does the harm


@pytest.mark.parametrize(
    "name, params", [("big_breakfast", {"every": 1}), ("leadership_programme", {"fee": 30})]
)
def test_costed_runs_in_a_batch_equal_single_runs_bit_for_bit(name, params):
    """Replicates pay different hours (their own attendance, their own cohort); a batch must
    still give each replicate exactly what it gives alone."""
    seeds = [1, 2, 3]
    batch = simulate(seeds, 30, interventions=[create(name, params=params)])
    for seed in seeds:
        alone = simulate([seed], 30, interventions=[create(name, params=params)])
        mine = batch[batch.seed == seed].drop(columns="replicate").reset_index(drop=True)
        assert mine.equals(alone.drop(columns="replicate")), seed
