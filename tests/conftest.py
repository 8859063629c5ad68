"""Shared fixtures: every test starts from the registry as the package built it, and with no
warmed-up engines kept from another test (a test may patch what a warm-up depends on)."""

from __future__ import annotations

import pytest

import ics_sim.interventions  # noqa: F401  (the built-ins register on import: before any snapshot)
import ics_sim.mechanisms  # noqa: F401
from ics_sim.core.registry import REGISTRY
from ics_sim.sim.warmup import WARM_UPS


@pytest.fixture(autouse=True)
def _registry_as_built():
    """Undo any register() a test (or a tutorial it runs) makes."""
    saved = REGISTRY.snapshot()
    yield
    REGISTRY.restore(saved)


@pytest.fixture(autouse=True)
def _no_warm_ups_between_tests():
    WARM_UPS.clear()
    yield
    WARM_UPS.clear()
