"""Every intervention and shock by hand on a tiny system: the exact lever values it sets, on
exactly which organisations, ties and forums, from exactly which week, and what it costs.

The system: an ICB (0), an acute trust (1), a local authority (2) and a VCSE body (3), all in
one forum. The twelve ties run 0->1 0->2 0->3 1->0 1->2 1->3 2->0 2->1 2->3 3->0 3->1 3->2, so
the only ties between the targets (the acute trust and the council) are 4 (1->2) and 7 (2->1).
Each intervention is given start week 3 and end week 17 (exclusive): weeks 0-2 and 17-18 must
be neutral on every lever, weeks 3-16 set exactly what the table says for ``k = week - 3``
weeks in. Meetings are made certain (attendance 1; at large events, more conversations than
attendees), so every value is exact.
"""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.interventions import REGISTRY, create
from ics_sim.state.levers import LEVERS

from ..helpers import tiny_engine

KINDS = ("icb", "acute", "local_authority", "vcse")
TARGETS = {"kinds": ["acute", "local_authority"]}
T = [1, 2]  # the targeted organisations
TIES = [4, 7]  # the ties between them
START, END, WEEKS = 3, 17, 19


def _setup(hours: float, k: int) -> float:
    """Hours charged in week k of a one-off set-up (its first week only)."""
    return hours if k == 0 else 0.0


# name -> (parameter overrides, k -> {lever: (indices, value)}). Anything not listed is neutral.
TABLE = {
    "big_breakfast": (
        {"attendance": 1.0},
        lambda k: {
            # every 2 weeks: 0.6 contact between the two, 2 hours each, hosting 0.5 thousand
            # pounds shared by the statutory targets (0.25 each); the safety boost every week
            "extra_contact": (TIES, 0.6 if k % 2 == 0 else 0.0),
            "time_cost": (T, 2.0 if k % 2 == 0 else 0.0),
            "money_cost": (T, 0.25 if k % 2 == 0 else 0.0),
            "safety_boost": (T, 0.05),
        },
    ),
    "open_space": (
        {"attendance": 1.0},
        lambda k: {
            # every 6 weeks: contact 1.0, 6 hours, hosting 1.0 shared; skill 0.3 every week
            "extra_contact": (TIES, 1.0 if k % 6 == 0 else 0.0),
            "time_cost": (T, 6.0 if k % 6 == 0 else 0.0),
            "money_cost": (T, 0.5 if k % 6 == 0 else 0.0),
            "conflict_skill": (T, 0.3),
        },
    ),
    "conflict_coaching": (
        {},
        lambda k: {
            # skill 1.0 every week; every 4 weeks a joint session (contact 1.0, 3 hours) and
            # the coach's fee of 1.5 thousand pounds a meeting, shared by the targets
            "conflict_skill": (T, 1.0),
            "extra_contact": (TIES, 1.0 if k % 4 == 0 else 0.0),
            "time_cost": (T, 3.0 if k % 4 == 0 else 0.0),
            "money_cost": (T, 0.75 if k % 4 == 0 else 0.0),
        },
    ),
    "shared_purpose": (
        {},
        lambda k: {
            # a 4-hour workshop every 4 weeks, three in all (k = 0, 4, 8, not 12), on top
            # of 0.25 hours' upkeep every week
            "time_cost": (T, 0.25 + (4.0 if k in (0, 4, 8) else 0.0)),
            "purpose_anchor": (T, 0.03),
            "purpose_clarity": (T, 1.0),
        },
    ),
    "decision_matrix": (
        {},
        lambda k: {"time_cost": (T, _setup(6.0, k)), "decision_matrix": ([0], 1.0)},
    ),
    "delegated_authority": (
        {},
        lambda k: {"time_cost": (T, 0.5 + _setup(2.0, k)), "delegation": (T, 0.7)},
    ),
    "power_sharing": (
        {},
        lambda k: {"time_cost": (T, 0.25 + _setup(4.0, k)), "power_equalisation": ([0], 0.4)},
    ),
    "reward_collaboration": (
        {},
        lambda k: {"time_cost": (T, 0.5), "reward": (T, 0.5)},
    ),
    "collaborate_selectively": (
        {},
        lambda k: {"time_cost": (T, _setup(4.0, k)), "selectivity": (T, 0.35)},
    ),
    "succession_planning": (
        {},
        lambda k: {"time_cost": (T, 0.5), "succession": (T, 0.6)},
    ),
    "financial_squeeze": (
        {},
        lambda k: {"income_factor": (T, 0.85), "time_cost": (T, 1.0)},  # 1 - 0.15
    ),
    "workforce_shortage": (
        {},
        lambda k: {"extra_pressure": (T, 0.15), "capacity_boost": (T, -0.05)},
    ),
    "winter_pressure": (
        {},
        # by the calendar, not by weeks in: winter is weeks 44-63 of each 52, that is weeks
        # 0-11 here ((week - 44) mod 52 < 20), so weeks 3-11 only
        lambda k: {"extra_pressure": (T, 0.2 if k + START <= 11 else 0.0)},
    ),
    "industrial_action": (
        {},
        lambda k: {
            "extra_pressure": (T, 0.25),
            "attendance_boost": (T, -0.3),
            "time_cost": (T, 6.0),
        },
    ),
    "leadership_churn": ({}, lambda k: {"hazard_factor": (T, 3.0)}),
    "provider_collaborative": (
        {},
        lambda k: {
            # the targets' authority and budgets x 1.3, everyone else's x 0.9; every 2 weeks
            # the collaborative meets (contact 0.5, 2 hours)
            "power_factor": ([0, 1, 2, 3], [0.9, 1.3, 1.3, 0.9]),
            "extra_contact": (TIES, 0.5 if k % 2 == 0 else 0.0),
            "time_cost": (T, 2.0 if k % 2 == 0 else 0.0),
        },
    ),
    "blame_culture": (
        {},
        lambda k: {"safety_boost": (T, -0.2), "time_cost": (T, 1.0)},
    ),
}


def levers_by_week(iv, weeks: int = WEEKS, kinds=KINDS) -> list[dict[str, np.ndarray]]:
    """The levers ``iv`` sets in each week 0..weeks-1 of a tiny engine (replicate 0)."""
    eng = tiny_engine(kinds, interventions=[iv])
    out = []
    for week in range(weeks):
        eng.week = week
        eng.levers.reset()
        iv.apply(eng, week)
        out.append({k: v[0].copy() for k, v in eng.levers.values.items()})
    return out


def expected_levers(eng_levers: dict[str, np.ndarray], spec) -> dict[str, np.ndarray]:
    """Every lever neutral except those in ``spec`` ({lever: (indices, value)})."""
    out = {k: np.full(v.shape, LEVERS[k][1]) for k, v in eng_levers.items()}
    for lever, (where, value) in spec.items():
        out[lever][where] = value
    return out


def test_the_table_covers_every_intervention_and_shock():
    assert sorted([*TABLE, "leadership_programme"]) == sorted(REGISTRY)  # (its own test below)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_sets_exactly_its_levers_from_its_start_week_to_its_end(name):
    params, spec = TABLE[name]
    iv = create(name, start=START, end=END, targets=TARGETS, params=params)
    for week, got in enumerate(levers_by_week(iv)):
        active = START <= week < END
        want = expected_levers(got, spec(week - START) if active else {})
        for lever in got:
            np.testing.assert_allclose(
                got[lever], want[lever], rtol=1e-12, atol=0, err_msg=f"{name} {lever} {week}"
            )


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_charges_what_it_declares_it_costs(name):
    """An intervention that declares costs charges time or money in its first week, and one
    that declares none charges nothing."""
    iv = create(name, start=0, targets=TARGETS, params=TABLE.get(name, ({},))[0])
    first = levers_by_week(iv, 1)[0]
    charged = first["time_cost"].any() or first["money_cost"].any()
    assert charged == bool(REGISTRY[name].costs), name


def test_leadership_programme_modules_by_hand():
    """Seven months is round(7 * 52 / 12) = 30 weeks; four modules at weeks 0, 10, 20 and 30
    in (round(i * 30 / 3)). Each module: contact 3.0 between cohort members, development 0.15,
    two 8-hour days (16 hours), the fee 6 / 4 = 1.5 thousand pounds each; from the first module
    on, conflict skill 0.3 every week. The cohort is every target (2 < 16)."""
    start = 3
    iv = create("leadership_programme", start=start, targets=TARGETS)
    weeks = levers_by_week(iv, start + 32)
    for week, got in enumerate(weeks):
        k = week - start
        spec = {}
        if k >= 0:
            spec["conflict_skill"] = (T, 0.3)
        if k in (0, 10, 20, 30):
            spec |= {
                "extra_contact": (TIES, 3.0),
                "development": (T, 0.15),
                "time_cost": (T, 16.0),
                "money_cost": (T, 1.5),
            }
        want = expected_levers(got, spec)
        for lever in got:
            np.testing.assert_allclose(
                got[lever], want[lever], rtol=1e-12, err_msg=f"{lever} {week}"
            )


@pytest.mark.parametrize(
    "name, targeted",
    [
        ("conflict_coaching", [1]),  # acute trusts
        ("provider_collaborative", [1]),
        ("industrial_action", [1]),  # NHS providers
        ("winter_pressure", [1]),  # acute, ambulance, primary care, community
        ("blame_culture", [0, 1]),  # ICB, NHS providers, primary care
        ("big_breakfast", [0, 1, 2, 3]),  # everyone
    ],
)
def test_default_targets_by_hand(name, targeted):
    iv = create(name, start=0)
    eng = tiny_engine(KINDS, interventions=[iv])
    iv.apply(eng, 0)
    assert np.flatnonzero(iv.bound(eng).mask).tolist() == targeted


def test_hosting_is_paid_by_the_statutory_targets_only():
    """A big breakfast for the council and the VCSE body: the council pays all 0.5."""
    iv = create(
        "big_breakfast",
        start=0,
        targets={"kinds": ["local_authority", "vcse"]},
        params={"attendance": 1.0},
    )
    got = levers_by_week(iv, 1)[0]
    np.testing.assert_allclose(got["money_cost"], [0.0, 0.0, 0.5, 0.0], rtol=1e-12)
    np.testing.assert_allclose(got["time_cost"], [0.0, 0.0, 2.0, 2.0], rtol=1e-12)
    # the two attendees' ties are 8 (2->3) and 11 (3->2)
    assert np.flatnonzero(got["extra_contact"]).tolist() == [8, 11]
