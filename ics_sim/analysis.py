"""Old import path, kept working: the code lives in :mod:`ics_sim.evaluation.analysis`."""

import sys

from .evaluation import analysis

sys.modules[__name__] = analysis
