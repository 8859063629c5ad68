"""ics-sim: an agent-based model of collaboration in an English integrated care system.

The package is built in layers, each importing only those below it (docs/architecture.md;
checked by import-linter, see pyproject.toml), bottom first:

    core         errors, parameters, random streams, arrays, outcome table, the registry
    system       kinds, compositions, network topology, England, synthetic systems
    state        the state arrays, the levers, the outcomes computed from state
    mechanisms   the weekly rules, one class each      | interventions  what sets levers
    sim          the engine, batched replicates, the Mesa face (ICSModel)
    scenarios    scenario files: schema, ``extends``, the YAML reader with located errors
    experiments  experiment files, sweeps, the result store and manifest, ``run``
    evaluation   verification, validation, sensitivity and comparisons, as tables
    reporting    figures, the validation and sweep reports, generated docs
    interfaces   the ``ics-sim`` command line (and the dashboard, ``ics_sim.interfaces.dashboard``)

This module is the public face: it names what the README documents.
"""

from . import _aliases
from ._version import __version__
from .core import progress as _progress
from .core.registry import register, unregister  # core: the one registry
from .experiments.api import run  # experiments: the model as a function
from .interfaces import progress as _terminal  # interfaces: the terminal progress bar
from .mechanisms import MECHANISMS  # mechanisms: the built-in weekly rules
from .sim.engine import Engine, all_params  # sim: the vectorised engine
from .sim.model import ICSModel  # sim: the Mesa face
from .sim.runner import simulate  # sim: batched replicates
from .state.outcomes import OUTCOMES, PRACTICES  # state: what is measured each week
from .system.composition import Composition, default, from_counts  # system: who is in it

_progress.install(_terminal.progress_bar)  # long computations draw the terminal bar
_aliases.install()  # old import paths (ics_sim.engine, ics_sim.scenario, ...) keep working


def __getattr__(name: str):
    """``from ics_sim import cli`` (an old import path): the command line's module."""
    if name == "cli":
        from .interfaces import cli

        return cli
    raise AttributeError(f"module 'ics_sim' has no attribute {name!r}")


def parameters():
    """Every declared parameter (name, default, range, unit, source), plugins' included."""
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
    "register",
    "run",
    "simulate",
    "unregister",
]
