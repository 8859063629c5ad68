"""Old import path, kept working: the code lives in :mod:`ics_sim.sim.engine`."""

import sys

from .sim import engine

sys.modules[__name__] = engine
