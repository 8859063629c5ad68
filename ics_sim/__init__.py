"""ics-sim: an agent-based model of collaboration in an English integrated care system."""

from ._version import __version__
from .core import progress as _progress
from .experiments.api import run
from .interfaces import progress as _terminal
from .mechanisms import MECHANISMS
from .sim.engine import Engine, all_params
from .sim.model import ICSModel
from .sim.runner import simulate
from .state.outcomes import OUTCOMES, PRACTICES
from .system.composition import Composition, default, from_counts

_progress.install(_terminal.progress_bar)  # long computations draw the terminal bar


def parameters():
    """Every declared parameter (name, default, range, unit, source)."""
    return all_params()


__all__ = [
    "MECHANISMS",
    "OUTCOMES",
    "PRACTICES",
    "Composition",
    "Engine",
    "ICSModel",
    "__version__",
    "default",
    "from_counts",
    "parameters",
    "run",
    "simulate",
]
