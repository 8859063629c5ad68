"""Transaction costs of low trust.

Practice 2: "where trust is low, organisations are adding more layers of bureaucracy to manage
anxieties and fears. In effect, these organisations are returning to a more transactional
relationship"; "relational exchanges can facilitate the building of trust and lower
transactional costs, that is, the resources associated with contract management (Unwin 2018)".

Every joint project with a partner the organisation does not trust carries a bureaucratic
overhead, which the next week takes out of the time its leaders can give to the system::

    tc_burden_i = tc_rate * sum over i's joint projects of (1 - brokered trust)
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state import sparse as sp
from ..state.levers import Levers
from ..state.variables import State
from .base import Mechanism


class TransactionCosts(Mechanism):
    name = "transaction_costs"
    title = "Transaction costs of low trust"
    summary = "time lost to low trust"
    reads = ("brokered", "joint")
    writes = ("tc_burden",)
    reads_levers = ()
    params = (
        Param(
            "tc_rate",
            0.03,
            0.0,
            0.5,
            "system time per project",
            "Share of system time one "
            "joint project with a wholly distrusted partner costs in bureaucracy.",
            "Practice 2: 'adding more layers of bureaucracy'; Unwin 2018",
        ),
    )

    def step(self, s: State, lv: Levers, week: int) -> None:
        x = sp.entries(s.joint)  # the other ties add nothing (ics_sim.state.sparse)
        distrust = sp.sum_by(x, 1.0 - sp.at(s.brokered, x), self.topo.src, s.n, s.r)
        s.tc_burden = np.clip(self.p.tc_rate * distrust, 0, 1)
