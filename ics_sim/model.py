"""Old import path, kept working: the code lives in :mod:`ics_sim.sim.model`."""

import sys

from .sim import model

sys.modules[__name__] = model
