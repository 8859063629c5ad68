"""Trajectories stay bit for bit what they were: fresh runs equal the stored golden file.

The file was produced before the package was restructured into layers; regenerate it only
when a change is meant to move trajectories (``python -m tests.golden --regenerate``).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.golden.cases import CASES, load

GOLDEN = load()


@pytest.mark.parametrize("case", list(CASES))
def test_outcomes_match_golden_bit_for_bit(case):
    fresh = CASES[case]()
    stored = {k.split("/", 1)[1]: v for k, v in GOLDEN.items() if k.startswith(case + "/")}
    assert stored, f"no golden arrays for {case}"
    assert sorted(fresh) == sorted(stored)
    for name, arr in fresh.items():
        assert arr.dtype == stored[name].dtype, name
        assert arr.shape == stored[name].shape, name
        assert np.array_equal(arr, stored[name], equal_nan=True), (case, name)


def test_golden_file_has_every_case():
    assert {k.split("/", 1)[0] for k in GOLDEN} == set(CASES)
