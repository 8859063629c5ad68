"""Old import path, kept working: the code lives in :mod:`ics_sim.system.kinds`."""

import sys

from .system import kinds

sys.modules[__name__] = kinds
