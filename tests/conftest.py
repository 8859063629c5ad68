"""Shared fixtures: every test starts from the registry as the package built it."""

from __future__ import annotations

import pytest

from ics_sim.core.registry import REGISTRY


@pytest.fixture(autouse=True)
def _registry_as_built():
    """Undo any register() a test (or a tutorial it runs) makes."""
    saved = REGISTRY.snapshot()
    yield
    REGISTRY.restore(saved)
