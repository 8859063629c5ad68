"""Trajectories stay bit for bit what they were: fresh runs equal the stored golden file.

Regenerate it only when a change is meant to move trajectories
(``python -m tests.golden --regenerate``).

Bit for bit holds on CPUs of the SIMD level the file was made on (it records the level). On
another level numpy's vectorised ``exp``, ``log`` and ``**`` round the last bit differently
(3.7e-15 seen between AVX-512 and AVX2), so there every count, flag and integer must still be
equal and every float within 1e-12: far below any change a mechanism makes, which moves
trajectories by 1e-4 or more within weeks.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.golden.cases import CASES, load, platform, simd_level

GOLDEN = load()
SAME_PLATFORM = platform() == simd_level()
#: Largest difference of a float between CPUs of different SIMD levels.
ACROSS_PLATFORMS = 1e-12


@pytest.mark.parametrize("case", list(CASES))
def test_outcomes_match_golden_bit_for_bit(case):
    fresh = CASES[case]()
    stored = {k.split("/", 1)[1]: v for k, v in GOLDEN.items() if k.startswith(case + "/")}
    assert stored, f"no golden arrays for {case}"
    assert sorted(fresh) == sorted(stored)
    for name, arr in fresh.items():
        assert arr.dtype == stored[name].dtype, name
        assert arr.shape == stored[name].shape, name
        if SAME_PLATFORM or not np.issubdtype(arr.dtype, np.floating):
            assert np.array_equal(arr, stored[name], equal_nan=True), (case, name)
        else:
            np.testing.assert_allclose(
                arr, stored[name], rtol=0, atol=ACROSS_PLATFORMS, err_msg=f"{case} {name}"
            )


def test_golden_file_has_every_case():
    assert {k.split("/", 1)[0] for k in GOLDEN} == set(CASES)


def test_a_real_change_is_far_beyond_the_cross_platform_tolerance():
    """The tolerance cannot hide a change to a mechanism: a 1% change of one rate moves the
    baseline by far more than it within a year."""
    from ics_sim.sim.engine import Engine
    from ics_sim.system.composition import default

    a = Engine(default(), [1], {"warmup_weeks": 0}).run(52)
    b = Engine(default(), [1], {"warmup_weeks": 0, "trust_gain": 0.0505}).run(52)
    assert np.max(np.abs(a["mean_trust"] - b["mean_trust"])) > 1e3 * ACROSS_PLATFORMS
