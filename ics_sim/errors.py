"""Old import path, kept working: the code lives in :mod:`ics_sim.core.errors`."""

import sys

from .core import errors

sys.modules[__name__] = errors
