"""Old import path, kept working: the tables live in :mod:`ics_sim.evaluation.validation`, and
:func:`validate`, which writes the report, in :mod:`ics_sim.reporting.validation_report`."""

from .evaluation.validation import *  # noqa: F403
from .reporting.validation_report import Report, validate  # noqa: F401
