"""The one registry of mechanisms and interventions: built-ins, plugins and ``register``.

Every name a scenario, sweep, dashboard or engine uses is looked up here, so a name means the
same thing everywhere. Entries come from three places:

- the built-ins, which :mod:`ics_sim.mechanisms` and :mod:`ics_sim.interventions` add when
  they are imported;
- plugins published by any installed distribution under the entry-point groups
  ``ics_sim.mechanisms`` and ``ics_sim.interventions`` (each entry point names a class),
  loaded the first time the registry is read;
- :func:`register`, for a class written in a notebook or a script.

Names must be unique, and a mechanism's parameters share one namespace with every other
mechanism's and with the initialisation parameters: a clash is an error that names both
owners. Each plugin is recorded (name, version, source) for the run manifest.

The registry knows entries only by what they declare (``name``, ``kind``, ``params``,
``after``); it imports nothing above this layer.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from importlib import metadata
from typing import Any

from .errors import ICSSimError
from .params import Param, suggest

MECHANISM_GROUP = "ics_sim.mechanisms"
INTERVENTION_GROUP = "ics_sim.interventions"


class RegistryError(ICSSimError):
    """A registration that would make a name or a parameter mean two things."""


@dataclass(frozen=True)
class PluginRecord:
    """Where a registered plugin came from, as the manifest records it."""

    name: str
    group: str  # "mechanism" or "intervention"
    version: str | None
    source: str  # "entry point DIST: module:attr" or "register() from MODULE"


def _group_of(cls: Any) -> str:
    group = getattr(cls, "group", None)
    if group not in ("mechanism", "intervention"):
        raise RegistryError(
            f"{cls!r} is neither a mechanism nor an intervention: subclass "
            "ics_sim.mechanisms.Mechanism or ics_sim.interventions.Intervention"
        )
    return group


class Registry:
    """Mechanisms in the order they run each week, and interventions and shocks by name."""

    def __init__(self) -> None:
        self._mechanisms: list[type] = []
        self._interventions: dict[str, type] = {}
        self._param_owner: dict[str, str] = {}
        self._init_params: tuple[Param, ...] = ()
        self._records: list[PluginRecord] = []
        self._plugins_loaded = False

    # -- adding ----------------------------------------------------------------------------
    def add_init_params(self, params: Iterable[Param]) -> None:
        """The parameters of the initial state (declared by :mod:`ics_sim.state`)."""
        params = tuple(params)
        self._claim_params("initialisation", params)
        self._init_params += params

    def add(self, cls: type, record: PluginRecord | None = None) -> type:
        """Add a mechanism or intervention class; ``record`` marks it as a plugin."""
        group = _group_of(cls)
        name = getattr(cls, "name", None)
        if not isinstance(name, str) or not name.isidentifier():
            raise RegistryError(f"{cls.__qualname__}: 'name' must be an identifier, got {name!r}")
        if group == "mechanism":
            known = {m.name: m for m in self._mechanisms}
            if name in known:
                raise RegistryError(
                    f"a mechanism named {name!r} is already registered "
                    f"({self._where(known[name])}); choose another name"
                )
            self._claim_params(f"mechanism {name!r}", tuple(cls.params))
            self._insert(cls)
        else:
            if name in self._interventions:
                raise RegistryError(
                    f"an intervention or shock named {name!r} is already registered "
                    f"({self._where(self._interventions[name])}); choose another name"
                )
            self._interventions[name] = cls
        if record is not None:
            self._records.append(record)
        return cls

    def _where(self, cls: type) -> str:
        return f"{cls.__module__}.{cls.__qualname__}"

    def _claim_params(self, owner: str, params: tuple[Param, ...]) -> None:
        names = [p.name for p in params]
        for n in names:
            if n in self._param_owner:
                raise RegistryError(
                    f"parameter {n!r} of {owner} is already declared by "
                    f"{self._param_owner[n]}; parameter names are shared by every mechanism, "
                    "so give it a name of its own (e.g. prefixed with the mechanism's name)"
                )
            if names.count(n) > 1:
                raise RegistryError(f"{owner} declares parameter {n!r} twice")
        for n in names:
            self._param_owner[n] = owner

    def _insert(self, cls: type) -> None:
        """After the mechanism named by ``cls.after`` (and the plugins already there)."""
        after = getattr(cls, "after", None)
        if after is None:
            self._mechanisms.append(cls)
            return
        names = [m.name for m in self._mechanisms]
        if after not in names:
            raise RegistryError(
                f"mechanism {cls.name!r} runs after {after!r}, which is not registered"
                f"{suggest(after, names)}; mechanisms: {', '.join(names)}"
            )
        i = names.index(after) + 1
        while i < len(self._mechanisms) and getattr(self._mechanisms[i], "after", None) == after:
            i += 1
        self._mechanisms.insert(i, cls)

    # -- plugins ---------------------------------------------------------------------------
    def load_plugins(self) -> None:
        """Register every class published under the two entry-point groups (once)."""
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for group in (MECHANISM_GROUP, INTERVENTION_GROUP):
            for ep in sorted(metadata.entry_points(group=group), key=lambda e: e.name):
                dist = ep.dist.name if ep.dist is not None else None
                version = ep.dist.version if ep.dist is not None else None
                try:
                    cls = ep.load()
                except Exception as exc:  # noqa: BLE001 - report which plugin, then stop
                    raise RegistryError(
                        f"plugin {ep.name!r} ({ep.value}, from {dist or 'unknown'}) could not "
                        f"be loaded: {exc}"
                    ) from exc
                self.add(
                    cls,
                    PluginRecord(
                        getattr(cls, "name", ep.name),
                        _group_of(cls),
                        version,
                        f"entry point {dist or '?'}: {ep.value}",
                    ),
                )

    def register(self, cls: type, *, version: str | None = None) -> type:
        """Register a plugin class from a notebook or script; returns it (a decorator)."""
        self.load_plugins()
        source = f"register() from {cls.__module__}"
        return self.add(
            cls, PluginRecord(getattr(cls, "name", "?"), _group_of(cls), version, source)
        )

    def unregister(self, name: str) -> None:
        """Remove a plugin registered by name (built-ins stay)."""
        rec = next((r for r in self._records if r.name == name), None)
        if rec is None:
            raise RegistryError(f"no plugin named {name!r} is registered")
        self._records.remove(rec)
        if rec.group == "mechanism":
            cls = next(m for m in self._mechanisms if m.name == name)
            self._mechanisms.remove(cls)
            for p in cls.params:
                self._param_owner.pop(p.name, None)
        else:
            self._interventions.pop(name)

    # -- reading ---------------------------------------------------------------------------
    def plan(self) -> tuple[type, ...]:
        """The mechanisms in the order they run each week."""
        self.load_plugins()
        return tuple(self._mechanisms)

    def mechanism_names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.plan())

    def interventions(self, kind: str | None = None) -> dict[str, type]:
        """Interventions and shocks by name (``kind``: only ``intervention`` or ``shock``)."""
        self.load_plugins()
        return {k: c for k, c in self._interventions.items() if kind in (None, c.kind)}

    def parameters(self) -> tuple[Param, ...]:
        """Every model parameter: initialisation first, then each mechanism's in plan order."""
        return self._init_params + tuple(p for m in self.plan() for p in m.params)

    def plugin_records(self) -> list[dict[str, Any]]:
        """Every plugin registered so far, as plain dicts (for the manifest)."""
        self.load_plugins()
        return [asdict(r) for r in self._records]

    # -- for tests ---------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Everything registered now, to :meth:`restore` later (tests undo registrations)."""
        return {
            "_mechanisms": list(self._mechanisms),
            "_interventions": dict(self._interventions),
            "_param_owner": dict(self._param_owner),
            "_init_params": self._init_params,
            "_records": list(self._records),
            "_plugins_loaded": self._plugins_loaded,
        }

    def restore(self, saved: dict[str, Any]) -> None:
        for k, v in saved.items():
            setattr(self, k, copy.copy(v))


class View(Mapping[str, type]):
    """A live, read-only mapping over the registry's interventions (as ``REGISTRY`` dicts were)."""

    def __init__(self, registry: Registry, kind: str | None = None) -> None:
        self._registry, self._kind = registry, kind

    def _table(self) -> dict[str, type]:
        return self._registry.interventions(self._kind)

    def __getitem__(self, name: str) -> type:
        return self._table()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    def __repr__(self) -> str:
        return f"View({list(self._table())!r})"


#: The registry every part of ics-sim reads.
REGISTRY = Registry()


def register(cls: type, *, version: str | None = None) -> type:
    """Register a mechanism or intervention class written outside the package.

    A mechanism runs each week after the mechanism named by its ``after`` (or last); an
    intervention can then be named by ``type`` in scenario files. Usable as a decorator.
    """
    return REGISTRY.register(cls, version=version)


def unregister(name: str) -> None:
    """Remove a plugin added with :func:`register` (built-ins cannot be removed)."""
    REGISTRY.unregister(name)
