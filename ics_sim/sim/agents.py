"""Mesa agents: the readable face of the organisations whose state lives in numpy arrays.

An :class:`Organisation` holds no state of its own; each property reads replicate 0 of the
engine's arrays, so agents and arrays can never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ..system.kinds import Kind

if TYPE_CHECKING:
    from .model import ICSModel


def _org_property(field: str, doc: str) -> property:
    def get(self: Organisation) -> float:
        return float(getattr(self.model.engine.state, field)[0, self.index])

    return property(get, doc=doc)


class Organisation(mesa.Agent):
    """One organisation of the ICS (ICB, trust, primary care, council or VCSE body)."""

    model: ICSModel

    def __init__(self, model: ICSModel, index: int):
        super().__init__(model)
        comp = model.composition
        self.index = index
        self.name = comp.org_names[index]
        self.kind = Kind(int(comp.kind[index]))
        p = int(comp.place[index])
        self.place = comp.place_names[p] if p >= 0 else "system-wide"

    power = _org_property("power", "Power in [0, 1].")
    resources = _org_property("resources", "Budget relative to an acute trust's (>= 0).")
    pressure = _org_property("pressure", "Operational and financial pressure in [0, 1].")
    capacity = _org_property("capacity", "Capacity for system work when unpressured.")
    system_time = _org_property("system_time", "Share of leaders' time on system work.")
    safety = _org_property("safety", "Psychological safety to voice a different view.")
    orientation = _org_property("orientation", "Leader's collaborative orientation.")
    trust_propensity = _org_property("trust_propensity", "Disposition to trust a stranger.")
    perceived_sharing = _org_property("perceived_sharing", "Perceived share of voice.")
    leader_changes = _org_property("leader_changes", "Leaders replaced since the start.")

    @property
    def tenure_weeks(self) -> float:
        """Weeks the current leader has been in post."""
        return float(self.model.engine.state.tenure[0, self.index])

    @property
    def alignment(self) -> float:
        """Alignment of its aims with the shared purpose of its ICS, in [0, 1]."""
        from ..state.outcomes import alignment

        eng = self.model.engine
        return float(alignment(eng.state, eng.ics, eng.n_ics)[0, self.index])

    @property
    def aims(self) -> np.ndarray:
        """The organisation's aims (see ``ics_sim.state.AIM_DIMENSIONS``)."""
        return self.model.engine.state.aims[0, self.index].copy()

    def trust_in(self, other: Organisation) -> float | None:
        """This organisation's trust in ``other``, or None if they have no tie now."""
        e = int(
            self.model.engine.topo.edge_index(np.array([self.index]), np.array([other.index]))[0]
        )
        if e < 0 or not self.model.engine.state.active[0, e]:
            return None
        return float(self.model.engine.state.trust[0, e])

    def describe(self) -> str:
        """The organisation's state in plain words."""

        def level(x: float) -> str:
            return "low" if x < 0.35 else "high" if x > 0.65 else "moderate"

        safe = "feels safe" if self.safety >= 0.5 else "does not feel safe"
        return (
            f"{self.name} ({self.kind.label}, {self.place}): {level(self.power)} power, "
            f"{level(self.pressure)} pressure, gives {self.system_time:.0%} of its leaders' "
            f"time to the system, {safe} to voice a different view; its leader has been in "
            f"post {self.tenure_weeks / 52:.1f} years and is {level(self.orientation)} in "
            f"collaborative orientation."
        )

    def __repr__(self) -> str:
        return f"<Organisation {self.index}: {self.name}>"
