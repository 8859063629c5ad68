"""Old import path, kept working: the code lives in :mod:`ics_sim.evaluation.validation`."""

import sys

from .evaluation import validation

sys.modules[__name__] = validation
