"""Old import path, kept working: the code lives in :mod:`ics_sim.system.synthetic`."""

import sys

from .system import synthetic

sys.modules[__name__] = synthetic
