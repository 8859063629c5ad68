"""The mutation catalogue stays in step with the code, and the runner kills a mutant end to end
without touching the working tree (``python -m tests.mutation``; docs/mutation.md)."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from tests.mutation.catalogue import CATALOGUE, Mutant
from tests.mutation.runner import ROOT, CatalogueError, check, check_all, copy_tree, run_mutant


def test_every_mutant_applies_to_the_current_code_exactly_once():
    check_all()  # raises, naming the mutant, if an old text occurs 0 or 2+ times
    for m in CATALOGUE:
        assert m.old != m.new, m.id
        assert m.why, m.id


def test_catalogue_is_large_and_spread_over_the_layers():
    assert len(CATALOGUE) >= 30
    layers = Counter(m.file.split("/")[1] for m in CATALOGUE)
    for layer in ("mechanisms", "interventions", "state", "sim", "core", "experiments"):
        assert layers[layer] >= 1, layer
    assert not any(m.file.endswith("mechanisms/conflict.py") for m in CATALOGUE)


def test_a_stale_mutant_fails_loudly_naming_itself():
    stale = Mutant("stale-one", "ics_sim/core/rng.py", "no such text", "x", "why")
    with pytest.raises(CatalogueError, match="stale-one.*0 times"):
        check(stale)
    twice = Mutant("twice", "ics_sim/core/rng.py", "import", "x", "why")
    with pytest.raises(CatalogueError, match="twice"):
        check(twice)


def test_one_mutant_is_killed_end_to_end_and_the_tree_stays_clean():
    m = next(m for m in CATALOGUE if m.id == "trust-breach-sign")
    m = dataclasses.replace(
        m,
        first=(
            "tests/mechanisms/test_trust.py::test_asymmetric_trust_through_the_trust_mechanism",
        ),
    )
    before = (ROOT / m.file).read_text()
    tree = copy_tree()
    try:
        res = run_mutant(m, tree, last_stage=1, timeout=120)
        assert (tree / m.file).read_text() == before  # restored in the copy too
    finally:
        import shutil

        shutil.rmtree(tree.parent, ignore_errors=True)
    assert (res.status, res.stage) == ("killed", "first")
    assert "test_asymmetric_trust_through_the_trust_mechanism" in res.by
    assert (ROOT / m.file).read_text() == before
