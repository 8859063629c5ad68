"""The dashboard opens a scenario that names a system file (ics-sim dashboard FILE)."""

from __future__ import annotations

import numpy as np

from ics_sim.interfaces.dashboard.simulation import Setup, System

from .conftest import EXAMPLE


def test_dashboard_setup_uses_the_system_file():
    path = EXAMPLE / "scenario.yaml"
    system = System(key=f"scenario:{path}", label="own", description="", kind="scenario", path=path)
    setup = Setup.of(system)
    comp = setup.composition
    assert comp.n == 25 and comp.name.startswith("Riverside and Vale")
    assert comp.observed_ties is not None
    assert np.all(comp.observed_ties.values["trust"] <= 1.0)
