"""The one outcome table: every outcome has one entry, its bounds hold in real runs, and the
figures, the docs and the output columns take their words from it."""

from __future__ import annotations

import numpy as np

from ics_sim import OUTCOMES, PRACTICES, plots
from ics_sim.core.outcome_table import LEVEL, OUTCOME_TABLE, label_of, unit_of
from ics_sim.outcomes import OUTCOME_DOCS, PRACTICE_LABELS
from tests.golden.cases import load


def test_one_entry_per_outcome_in_column_order():
    assert tuple(OUTCOME_TABLE) == OUTCOMES
    assert all(k == o.name for k, o in OUTCOME_TABLE.items())
    assert PRACTICES == tuple(k for k, o in OUTCOME_TABLE.items() if o.practice)
    assert len(PRACTICES) == 6
    labels = [o.label for o in OUTCOME_TABLE.values()]
    assert len(set(labels)) == len(labels)
    assert all(o.definition and o.words and o.unit for o in OUTCOME_TABLE.values())
    assert all(OUTCOME_TABLE[k].meaning for k in (*PRACTICES, "collaboration_index"))


def test_the_old_names_are_views_of_the_table():
    assert OUTCOME_DOCS == {k: o.definition for k, o in OUTCOME_TABLE.items()}
    assert PRACTICE_LABELS == {k: OUTCOME_TABLE[k].label for k in PRACTICES}


def test_every_golden_trajectory_stays_within_its_bounds():
    golden = load()
    for key, values in golden.items():
        outcome = key.split("/", 1)[1]
        o = OUTCOME_TABLE[outcome]
        assert np.all(values >= o.lo - 1e-12), key
        if o.hi is not None:
            assert np.all(values <= o.hi + 1e-12), key


def test_figures_take_labels_and_units_from_the_table():
    for k, o in OUTCOME_TABLE.items():
        assert plots.label_of(k) == label_of(k) == o.label
        assert unit_of(k) == o.unit
        assert (k in plots.UNIT_OUTCOMES) == (o.unit == LEVEL)
    assert plots.label_of("collaboration_index", {"collaboration_index": "X"}) == "X"
    assert label_of("not_an_outcome") == "Not an outcome"
