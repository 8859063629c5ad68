"""Old import path, kept working: the code lives in :mod:`ics_sim.experiments.sweep`."""

import sys

from .experiments import sweep

sys.modules[__name__] = sweep
