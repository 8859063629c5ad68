"""The organisation agent: one :class:`mesa.Agent` per organisation, its state as attributes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from ics_sim.state.variables import State

    from .forums import Seat
    from .model import ReferenceModel


class Organisation(mesa.Agent):
    """One organisation of the ICS, holding its own state (see docs/ODD.md, section 2.1)."""

    model: ReferenceModel

    def __init__(self, model: ReferenceModel, index: int, state: State):
        super().__init__(model)
        self.index = index  # position in the composition: node ``index`` of ``model.G``

        def initial(name: str) -> float:
            return float(getattr(state, name)[0, index])

        self.kind = int(state.kind[index])
        self.sector = int(state.sector[index])
        self.capacity = initial("capacity")
        self.base_power = initial("base_power")
        self.power = initial("power")
        self.base_resources = initial("base_resources")
        self.resources = initial("resources")
        self.base_pressure = initial("base_pressure")
        self.pressure = initial("pressure")
        self.system_time = initial("system_time")
        self.safety = initial("safety")
        self.orientation = initial("orientation")
        self.sharing_trait = initial("sharing_trait")
        self.sharing = initial("sharing")
        self.tenure = initial("tenure")
        self.hazard = initial("hazard")
        self.leader_changes = initial("leader_changes")
        self.aims = [float(x) for x in state.aims[0, index]]
        self.interests = [float(x) for x in state.interests[0, index]]
        self.perceived_sharing = initial("perceived_sharing")
        self.influence = initial("influence")
        self.carried = initial("carried")
        self.payoff = initial("payoff")
        self.tc_burden = initial("tc_burden")
        self.workload = initial("workload")
        self.seats: list[Seat] = []  # its seats in forums, in the package's membership order

    def ties(self):
        """``(j, tie)`` for each tie i -> j, in edge order; ``tie`` is the edge's attributes."""
        return self.model.G[self.index].items()

    def __repr__(self) -> str:
        return f"<Organisation {self.index}>"
