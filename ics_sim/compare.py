"""Old import path, kept working: the code lives in :mod:`ics_sim.evaluation.compare`."""

import sys

from .evaluation import compare

sys.modules[__name__] = compare
