"""Old import path, kept working: the code lives in :mod:`ics_sim.reporting.plots`."""

import sys

from .reporting import plots

sys.modules[__name__] = plots
