"""Scenario files: YAML that switches interventions and shocks on, validated before anything runs.

A scenario file is read with ``yaml.safe_load`` only (it can never run code) and validated with
pydantic: unknown keys, unknown names, wrong types, out-of-range values, an end before a start
and targets that match nothing each give one message naming the file, the field and what would
be valid. ``extends: other.yaml`` starts from another scenario: ``parameters`` are merged,
``interventions``, ``shocks`` and ``mechanisms_off`` are appended, and every other key replaces
the parent's. The parent is named relative to the file and must lie inside the project (the
folder of the file given, or the working directory) unless ``--allow-outside`` is given.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from ..core.errors import ICSSimError
from ..core.params import resolve, suggest
from ..interventions import INTERVENTIONS, REGISTRY, SHOCKS, Intervention, create
from ..sim.engine import Engine, all_params, check_mechanisms
from ..system.composition import Composition
from ..system.kinds import KIND_KEYS, parse_kind
from .files import (
    MAX_EXTENDS,
    ScenarioError,
    _short,
    located_error,
    outside_allowed,
    read_yaml,
    resolve_reference,
)
from .limits import MAX_SEED, check_run, check_seeds

MAX_WEEKS = 5200
MAX_REPLICATES = 100_000
Number = Annotated[float, Field(allow_inf_nan=False)] | int


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class TargetSpec(_Strict):
    """Which organisations an intervention reaches (any that match); empty means everyone."""

    kinds: list[str] = Field(default_factory=list, description=f"any of: {', '.join(KIND_KEYS)}")
    places: list[str] = Field(default_factory=list, description="place (council footprint) names")
    names: list[str] = Field(default_factory=list, description="organisation names")

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, kinds: list[str]) -> list[str]:
        for k in kinds:
            try:
                parse_kind(k)
            except ICSSimError as e:
                raise ValueError(str(e)) from None
        return kinds


class EventSpec(_Strict):
    """One intervention or shock: its type, when it runs, whom it reaches, its parameters."""

    type: str = Field(description="registered name, e.g. big_breakfast or financial_squeeze")
    start: int = Field(0, ge=0, le=MAX_WEEKS, description="first week it is active")
    end: int | None = Field(
        None,
        ge=1,
        le=MAX_WEEKS,
        description="first week it is no longer active (omit: to the end of the run)",
    )
    targets: TargetSpec | None = Field(None, description="omit for the type's default targets")
    params: dict[str, Number] = Field(default_factory=dict, description="the type's parameters")

    @field_validator("type")
    @classmethod
    def _known_type(cls, name: str) -> str:
        if name not in REGISTRY:
            raise ValueError(
                f"unknown intervention or shock {_short(name)}{suggest(name[:100], REGISTRY)}; "
                "valid: " + ", ".join(REGISTRY)
            )
        return name

    @model_validator(mode="after")
    def _check(self) -> EventSpec:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        cls = REGISTRY[self.type]
        valid = [p.name for p in cls.params]
        for name in self.params:
            if name not in valid:
                raise ValueError(
                    f"params: unknown parameter {_short(name)}{suggest(name[:100], valid)} for "
                    f"{self.type}; it takes: {', '.join(valid) or '(no parameters)'}"
                )
        try:
            resolve(cls.params, self.params)
        except ICSSimError as e:
            raise ValueError(f"params: {e}") from None
        return self

    def create(self, key: str) -> Intervention:
        targets = self.targets.model_dump() if self.targets is not None else None
        if targets is not None and not any(targets.values()):
            targets = {}
        return create(self.type, self.start, self.end, targets, self.params, key=key)


class CountsSpec(_Strict):
    """A synthetic ICS with these numbers of each kind of organisation."""

    counts: dict[str, Annotated[int, Field(ge=0, le=5000)]]

    @field_validator("counts")
    @classmethod
    def _kinds(cls, counts: dict[str, int]) -> dict[str, int]:
        for k in counts:
            try:
                parse_kind(k)
            except ICSSimError as e:
                raise ValueError(str(e)) from None
        if sum(counts.values()) < 2:
            raise ValueError("an ICS needs at least 2 organisations")
        return counts


class Scenario(_Strict):
    """A scenario: an ICS, a horizon, replicates, parameter changes, interventions, shocks."""

    name: str = Field(min_length=1, description="short title shown in reports and dashboard")
    description: str = Field("", description="plain-language description for the audience")
    extends: str | None = Field(None, description="path of a scenario this one starts from")
    ics: str | CountsSpec = Field(
        "default",
        description="'default', an ICB code or name (see 'ics-sim list'), or {counts: {kind: n}}",
    )
    system: str | None = Field(
        None,
        description="a system file of your own partnership (organisations, forums, survey), "
        "relative to this file; instead of 'ics' (see docs/own-partnership.md)",
    )
    weeks: int = Field(260, ge=1, le=MAX_WEEKS, description="weeks to simulate")
    seed: int = Field(
        1, ge=0, le=MAX_SEED, description="seed of replicate 0 (replicate r uses seed + r)"
    )
    replicates: int = Field(10, ge=1, le=MAX_REPLICATES, description="replicates to run")
    parameters: dict[str, Number] = Field(
        default_factory=dict, description="overrides of model parameters (see docs/ODD.md)"
    )
    mechanisms_off: list[str] = Field(default_factory=list, description="mechanisms to switch off")
    interventions: list[EventSpec] = Field(default_factory=list)
    shocks: list[EventSpec] = Field(default_factory=list)
    # Parameter ensemble (docs/ensembles-and-discovery.md): kept apart from other fields.
    ensemble: str | None = Field(
        None,
        description="parameter ensemble file (Parquet, one row per parameter set), relative to "
        "this file: run, compare and sweep run over its sets (see --ensemble, --sets)",
    )

    _source: Path | None = PrivateAttr(default=None)
    _system: Composition | None = PrivateAttr(default=None)

    @field_validator("ics")
    @classmethod
    def _named(cls, ics: str | CountsSpec) -> str | CountsSpec:
        if isinstance(ics, str) and not ics.strip():
            raise ValueError("must name an ICS ('default', an ICB code or name), not be empty")
        return ics

    @model_validator(mode="after")
    def _one_system(self) -> Scenario:
        named = "ics" in self.model_fields_set and self.ics != "default"
        if self.system is not None and named:
            raise ValueError("give either 'ics' or 'system' (a system file), not both")
        if self.system is not None and not self.system.strip():
            raise ValueError("system: must name a system file, not be empty")
        return self

    @model_validator(mode="after")
    def _seeds_fit(self) -> Scenario:
        try:
            check_seeds(self.seed, self.replicates - 1)
        except ScenarioError as e:
            raise ValueError(f"seed: {e.detail}") from None
        return self

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, values: dict[str, float]) -> dict[str, float]:
        declared, found = all_params(), []
        for name, value in values.items():  # each on its own: every bad one is reported
            try:
                resolve(declared, {name: value})
            except ICSSimError as e:
                found.append(str(e))
        if found:
            raise ValueError("; ".join(found))
        return values

    @field_validator("mechanisms_off")
    @classmethod
    def _known_mechanisms(cls, names: list[str]) -> list[str]:
        try:
            check_mechanisms(names)
        except ICSSimError as e:
            raise ValueError(str(e)) from None
        return names

    @field_validator("interventions")
    @classmethod
    def _are_interventions(cls, events: list[EventSpec]) -> list[EventSpec]:
        for e in events:
            if e.type in SHOCKS:
                raise ValueError(f"{e.type!r} is a shock: list it under 'shocks'")
        return events

    @field_validator("shocks")
    @classmethod
    def _are_shocks(cls, events: list[EventSpec]) -> list[EventSpec]:
        for e in events:
            if e.type in INTERVENTIONS:
                raise ValueError(f"{e.type!r} is an intervention: list it under 'interventions'")
        return events

    # ------------------------------------------------------------------------------------
    @property
    def source(self) -> Path | None:
        return self._source

    def _system_path(self) -> Path:
        """The system file named, relative to this scenario (or the working directory)."""
        ref = self.system_file()
        field = "system" if self.system is not None else "ics"
        base = self._source or Path.cwd() / "scenario.yaml"
        path = resolve_reference(base, ref, field, base)
        if not os.path.lexists(path):
            raise ScenarioError(self._source, field, f"no system file {_short(ref)}")
        return path

    def _portable_system(self) -> None:
        """Name the system file relative to the working directory (absolute if outside it),
        so the scenario's data (sweeps send it to worker processes) still finds it."""
        path = self._system_path().absolute()  # the file already read (it exists)
        try:
            ref = str(path.relative_to(Path.cwd().absolute()))
        except ValueError:
            ref = str(path)
        if self.system is not None:
            self.system = ref
        else:
            self.ics = ref

    def system_file(self) -> str | None:
        """The system file this scenario names (``system:``, or ``ics:`` ending .yaml)."""
        if self.system is not None:
            return self.system
        if isinstance(self.ics, str) and self.ics.lower().endswith((".yaml", ".yml")):
            return self.ics
        return None

    def composition(self) -> Composition:
        from ..system.lookup import resolve_composition

        if self.system_file() is not None:  # a partnership's own system file, read once
            if self._system is None:
                from .system_file import load as load_system

                path = self._system_path()
                self._system = load_system(path, self._source or path)[1]
            return self._system
        if isinstance(self.ics, CountsSpec):
            return resolve_composition(None, self.ics.counts)
        return resolve_composition(self.ics)

    def events(self) -> list[tuple[str, EventSpec]]:
        """(field path, spec) of every intervention then every shock."""
        return [(f"interventions[{i}]", e) for i, e in enumerate(self.interventions)] + [
            (f"shocks[{i}]", e) for i, e in enumerate(self.shocks)
        ]

    def create_events(self) -> list[Intervention]:
        return [e.create(key=f"{path}:{e.type}") for path, e in self.events()]

    def seeds(self, replicates: int | None = None, seed: int | None = None) -> list[int]:
        base = self.seed if seed is None else seed
        return [base + r for r in range(replicates or self.replicates)]

    def _composition(self) -> Composition:
        try:
            return self.composition()
        except ScenarioError:
            raise
        except ICSSimError as err:
            raise ScenarioError(self._source, "ics", str(err)) from None

    def engine(self, seeds: list[int], comp: Composition | None = None) -> Engine:
        """An engine running this scenario for the given seeds (targets checked here)."""
        comp = self._composition() if comp is None else comp
        events = self.create_events()
        eng = Engine(comp, seeds, self.parameters, self.mechanisms_off, events)
        found = []  # every event whose targets match nothing, not just the first
        for (path, _), ev in zip(self.events(), events, strict=True):
            try:
                ev.bind(eng)
            except ICSSimError as err:
                found.append((f"{path}.targets", str(err)))
        if found:
            raise ScenarioError.of(self._source, found)
        return eng

    def check(
        self, replicates: int | None = None, weeks: int | None = None, seed: int | None = None
    ) -> None:
        """Everything a run of ``replicates`` x ``weeks`` from ``seed`` (default: the file's)
        needs, short of running: its seeds fit, the ICS exists, this machine can hold it
        (estimated before anything is allocated; see :mod:`ics_sim.scenarios.limits`),
        targets match."""
        replicates = self.replicates if replicates is None else replicates
        weeks = self.weeks if weeks is None else weeks
        seed = self.seed if seed is None else seed
        check_seeds(seed, replicates - 1, self._source, "seed")
        comp = self._composition()
        check_run(comp, replicates, weeks, path=self._source, what=f"{_short(self.name)}")
        self.engine([seed], comp) if weeks else None


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(parent)
    for k, v in child.items():
        if k == "parameters" and isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        elif (
            k in ("interventions", "shocks", "mechanisms_off")
            and isinstance(v, list)
            and (isinstance(out.get(k), list))
        ):
            out[k] = [*out[k], *v]
        else:
            out[k] = v
    out.pop("extends", None)
    return out


def _resolved_raw(path: Path, top: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The data of ``path`` with its ``extends`` chain merged in; each file read once.

    Every parent is validated on its own as well (so its errors name its own file), once:
    the chain costs time in proportion to its length, not twice per level.
    """
    real = path.resolve()
    if real in {p.resolve() for p in seen}:
        chain = " -> ".join(p.name for p in (*seen, path))
        raise ScenarioError(seen[-1], "extends", f"scenarios extend each other in a loop: {chain}")
    if len(seen) >= MAX_EXTENDS:
        raise ScenarioError(
            seen[0], "extends", f"the chain of extends is longer than {MAX_EXTENDS} files"
        )
    raw = _ensemble_reference(read_yaml(path), path, top)
    parent = raw.get("extends")
    if parent is None:
        return raw
    parent_path = resolve_reference(path, parent, "extends", top)
    if not os.path.lexists(parent_path):
        raise ScenarioError(path, "extends", f"no scenario file {_short(parent)} next to this one")
    parent_raw = _resolved_raw(parent_path, top, (*seen, path))
    _validated(parent_raw, parent_path)
    return _merge(parent_raw, raw)


def _ensemble_reference(raw: dict[str, Any], path: Path, top: Path) -> dict[str, Any]:
    """``ensemble:`` named relative to the file that names it (as ``extends`` is), so a
    child inherits its parent's ensemble unchanged; the file must exist."""
    ref = raw.get("ensemble")
    if ref is None or not isinstance(ref, str):
        return raw  # absent, or the wrong type: validation says so
    target = resolve_reference(path, ref, "ensemble", top)
    if not os.path.lexists(target):
        raise ScenarioError(path, "ensemble", f"no ensemble file {_short(ref)} next to this one")
    return {**raw, "ensemble": str(target)}


def _validated(raw: dict[str, Any], path: Path | str | None) -> Scenario:
    try:
        return Scenario.model_validate(raw)
    except ValidationError as e:
        raise located_error(e, path, Scenario) from None


def load(path: str | Path, *, allow_outside: bool | None = None) -> Scenario:
    """Read and validate a scenario file (following ``extends``).

    ``allow_outside``: let ``extends`` name files outside the project folder (see
    :func:`ics_sim.scenarios.files.resolve_reference`); default: no, unless inside
    :func:`~ics_sim.scenarios.files.outside_allowed`.
    """
    path = Path(path)
    with outside_allowed(True) if allow_outside else nullcontext():
        raw = _resolved_raw(path, path)
    scn = _validated(raw, path)
    scn._source = path
    if scn.system_file() is not None:  # read now, then named from the working directory
        scn.composition()
        scn._portable_system()
    return scn


def from_dict(data: dict[str, Any], source: str | None = None) -> Scenario:
    """Validate a scenario given as a dict (for code that generates scenarios)."""
    try:
        scn = Scenario.model_validate(data)
    except ValidationError as e:
        raise located_error(e, source, Scenario) from None
    return scn


def json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, for editors' autocompletion and validation."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ics-sim scenario"
    return schema
