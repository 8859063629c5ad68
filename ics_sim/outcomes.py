"""Old import path, kept working: the code lives in :mod:`ics_sim.state.outcomes`."""

import sys

from .state import outcomes

sys.modules[__name__] = outcomes
