"""Interventions are values: one object used in two engines, or twice in one, gives exactly
what fresh objects give (no shared random stream, no re-binding every week)."""

from __future__ import annotations

import copy

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ics_sim.composition import default
from ics_sim.engine import Engine
from ics_sim.interventions import REGISTRY, create

NAMES = sorted(REGISTRY)
COMP = default()
WEEKS = 8


def interleaved(engines: list[Engine], weeks: int) -> list[dict[str, np.ndarray]]:
    """Step the engines in turn, week by week (the worst case for shared state)."""
    rows: list[list[dict[str, np.ndarray]]] = [[e.outcomes()] for e in engines]
    for _ in range(weeks):
        for e, r in zip(engines, rows, strict=True):
            e.step()
            r.append(e.outcomes())
    return [{k: np.stack([w[k] for w in r]) for k in r[0]} for r in rows]


def same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


@settings(max_examples=12, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    start=st.integers(0, 3),
    seeds=st.tuples(st.integers(0, 2**31), st.integers(0, 2**31)),
)
def test_one_object_in_two_engines_is_two_fresh_objects(name, start, seeds):
    shared = create(name, start=start)
    a, b = seeds
    got = interleaved(
        [Engine(COMP, [a], interventions=[shared]), Engine(COMP, [b], interventions=[shared])],
        WEEKS,
    )
    fresh = interleaved(
        [
            Engine(COMP, [a], interventions=[create(name, start=start)]),
            Engine(COMP, [b], interventions=[create(name, start=start)]),
        ],
        WEEKS,
    )
    assert same(got[0], fresh[0]) and same(got[1], fresh[1]), name


@settings(max_examples=8, deadline=None)
@given(name=st.sampled_from(NAMES), seed=st.integers(0, 2**31))
def test_one_object_used_twice_is_two_fresh_objects(name, seed):
    iv = create(name, start=1)
    twice = Engine(COMP, [seed], interventions=[iv, iv]).run(WEEKS)
    fresh = Engine(COMP, [seed], interventions=[create(name, start=1), create(name, start=1)])
    assert same(twice, fresh.run(WEEKS)), name
    again = Engine(COMP, [seed], interventions=[iv, iv]).run(WEEKS)  # reused after a run
    assert same(again, twice), name


def test_an_intervention_is_copied_without_its_engines() -> None:
    iv = create("big_breakfast", start=0)
    engine = Engine(COMP, [1], interventions=[iv])
    engine.run(2)
    back = copy.copy(iv)
    assert back == iv and len(iv._bound) == 1 and len(back._bound) == 0
    del engine  # the binding dies with its engine
    assert len(iv._bound) == 0
