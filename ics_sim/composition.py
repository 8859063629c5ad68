"""Old import path, kept working: the code lives in :mod:`ics_sim.system.composition`."""

import sys

from .system import composition

sys.modules[__name__] = composition
