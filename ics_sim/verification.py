"""Old import path, kept working: the code lives in :mod:`ics_sim.evaluation.verification`."""

import sys

from .evaluation import verification

sys.modules[__name__] = verification
