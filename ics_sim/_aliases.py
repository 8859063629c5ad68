"""Old import paths, kept working, in one table instead of a file each.

Before the package was arranged in layer folders (docs/architecture.md) every module sat flat
in ``ics_sim/``; the README, the docs and users' scripts import some of them by those paths.
A finder on ``sys.meta_path`` answers ``import ics_sim.<old>`` with the module that now holds
the code (the same module object, so ``ics_sim.engine.Engine is ics_sim.sim.engine.Engine``),
or, where the code was split between computing and drawing, with a module holding the public
names of both. ``python -m ics_sim.<old>`` runs the new module's ``main()`` where it has one.
The layers themselves never import these paths (an import-linter contract says so).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

#: old module (under ``ics_sim.``) -> the module(s) that now hold its code, first one first.
OLD_PATHS: dict[str, tuple[str, ...]] = {
    "analysis": ("evaluation.analysis", "reporting.sensitivity"),
    "compare": ("evaluation.compare",),
    "composition": ("system.composition",),
    "docgen": ("reporting.docgen",),
    "engine": ("sim.engine",),
    "england": ("system.england",),
    "errors": ("core.errors",),
    "evidence": ("reporting.evidence",),
    "kinds": ("system.kinds",),
    "model": ("sim.model",),
    "outcomes": ("state.outcomes",),
    "plots": ("reporting.plots",),
    "rng": ("core.rng",),
    "runner": ("sim.runner",),
    "scenario": ("scenarios.schema",),
    "sweep": ("experiments.sweep",),
    "synthetic": ("system.synthetic",),
    "validation": ("evaluation.validation", "reporting.validation_report"),
    "verification": ("evaluation.verification",),
}

_PREFIX = "ics_sim."


def _targets(old: str) -> list[types.ModuleType]:
    return [importlib.import_module(_PREFIX + new) for new in OLD_PATHS[old]]


class _OldPaths(importlib.abc.MetaPathFinder, importlib.abc.InspectLoader):
    """Finds ``ics_sim.<old>`` and loads it as the module(s) named in :data:`OLD_PATHS`."""

    def __init__(self) -> None:
        self._own_specs: dict[str, importlib.machinery.ModuleSpec] = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith(_PREFIX) and fullname[len(_PREFIX) :] in OLD_PATHS:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        targets = _targets(spec.name[len(_PREFIX) :])
        if len(targets) == 1:
            self._own_specs[targets[0].__name__] = targets[0].__spec__
            return targets[0]
        merged = types.ModuleType(spec.name, f"Old import path: the names of {targets[0].__name__}"
                                  f" and {targets[1].__name__}.")  # fmt: skip
        for module in targets:
            public = getattr(module, "__all__", None) or [
                k for k in vars(module) if not k.startswith("_")
            ]
            merged.__dict__.update({k: getattr(module, k) for k in public})
        return merged

    def exec_module(self, module):
        # The import system stamps the alias's spec on the module it was given; a module that
        # is the new home keeps its own.
        own = self._own_specs.get(module.__name__)
        if own is not None:
            module.__spec__ = own

    def get_source(self, fullname):
        """``python -m ics_sim.<old>``: run the new module's ``main()``."""
        main = next(
            (m.__name__ for m in _targets(fullname[len(_PREFIX) :]) if hasattr(m, "main")), None
        )
        if main is None:
            raise ImportError(f"{fullname} is an old import path with nothing to run")
        return f"import sys\nfrom {main} import main\nsys.exit(main())\n"


def install() -> None:
    """Put the finder on ``sys.meta_path`` once."""
    if not any(isinstance(f, _OldPaths) for f in sys.meta_path):
        sys.meta_path.insert(0, _OldPaths())  # before editable-install finders
