"""Shared fixtures: every test starts from the registry as the package built it."""

from __future__ import annotations

import pytest

import ics_sim.interventions  # noqa: F401  (the built-ins register on import: before any snapshot)
import ics_sim.mechanisms  # noqa: F401
from ics_sim.core.registry import REGISTRY


@pytest.fixture(autouse=True)
def _registry_as_built():
    """Undo any register() a test (or a tutorial it runs) makes."""
    saved = REGISTRY.snapshot()
    yield
    REGISTRY.restore(saved)
