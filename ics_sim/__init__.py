"""ics-sim: an agent-based model of collaboration in an English integrated care system."""

from ._version import __version__
from .api import run
from .composition import Composition, default, from_counts
from .engine import Engine, all_params
from .mechanisms import MECHANISMS
from .model import ICSModel
from .outcomes import OUTCOMES, PRACTICES
from .runner import simulate


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
