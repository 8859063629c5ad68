"""Verification against analytic special cases (model notes, section 6).

With the ICS-specific mechanisms switched off, the model's own code paths reproduce DeGroot
consensus, the Friedkin-Johnsen equilibrium, mean conservation, the closed form of asymmetric
trust and the donation game's replicator dynamics. The cases live in ics_sim.verification so
that ``ics-sim validate`` reports exactly what these tests check; each case is tested in
detail beside its mechanism (tests/mechanisms/test_purpose.py, test_trust.py,
test_learning.py).
"""

from __future__ import annotations

from ics_sim import verification as v


def test_every_case_passes():
    failed = [c for c in v.all_cases() if not c.passed]
    assert not failed, failed
