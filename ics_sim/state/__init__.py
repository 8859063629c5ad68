"""The model's dynamic state (numpy arrays), the levers interventions set, and the outcomes
computed from state each week. Imports only the layers below (system, core).

``from ics_sim.state import State, initialise`` (the path of the module this package grew
from) keeps working.
"""

from .variables import (  # noqa: F401  (the old module's names)
    AIM_DIMENSIONS,
    INIT_PARAMS,
    KIND_AIMS,
    State,
    aim_gap,
    by_dim,
    count_by,
    initialise,
    mean_abs_gap,
    row_mean,
    row_sum,
    segment_sum,
)
