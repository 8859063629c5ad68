"""Old import path, kept working: the tables live in :mod:`ics_sim.evaluation.analysis`, and
:func:`analyse`, which writes them with their plots, in :mod:`ics_sim.reporting.sensitivity`."""

from .evaluation.analysis import *  # noqa: F403
from .reporting.sensitivity import analyse  # noqa: F401
