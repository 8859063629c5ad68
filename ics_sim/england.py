"""Old import path, kept working: the code lives in :mod:`ics_sim.system.england`."""

import sys

from .system import england

sys.modules[__name__] = england
