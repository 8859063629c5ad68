"""Old import path, kept working: the code lives in :mod:`ics_sim.core.rng`."""

import sys

from .core import rng

sys.modules[__name__] = rng
