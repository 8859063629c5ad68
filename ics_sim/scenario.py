"""Old import path, kept working: the code lives in :mod:`ics_sim.scenarios.schema`."""

import sys

from .scenarios import schema

sys.modules[__name__] = schema
