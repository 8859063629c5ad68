"""Old import path, kept working: the code lives in :mod:`ics_sim.sim.runner`."""

import sys

from .sim import runner

sys.modules[__name__] = runner
