"""What one workshop participant is running: a system, or two side by side, and its changes.

This module has no web code, so everything the dashboard does to a model can be tested
without a browser. A :class:`Simulation` belongs to one browser session (the dashboard
creates one per session, never at module level, so two participants on the same server never
move each other's model).

Side-by-side mode runs a *twin*: the same system, the same seed and the same shocks, but
without the interventions. Each mechanism draws from its own random stream, so the two runs
are identical until an intervention first acts; any difference after that is the
intervention's doing, not chance.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ...core.errors import ICSSimError
from ...interventions import INTERVENTIONS, REGISTRY, SHOCKS, create
from ...scenarios.schema import Scenario, load
from ...sim.model import ICSModel, resolve_composition
from ...state.outcomes import OUTCOMES
from ...system.composition import Composition
from . import text

#: Weeks a real ICS runs for before the dashboard pauses (five years), as in scenario files.
DEFAULT_HORIZON = 260
DEFAULT_SEED = 1

#: The repository's scenario folder (present in a source checkout).
REPO_SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"


# ---------------------------------------------------------------------------------------------
# The systems a participant can choose


@dataclass(frozen=True)
class System:
    """A system to simulate: a scenario file, a real ICS, or the default ICS."""

    key: str  # unique: "scenario:<path>", "ics:<ODS code>" or "default"
    label: str
    description: str
    kind: str  # "scenario", "ics" or "default"
    path: Path | None = None
    code: str | None = None
    group: str = ""


DEFAULT_SYSTEM = System(
    key="default",
    label="A typical ICS, carrying on as now",
    description="A typical mid-sized integrated care system (43 organisations in four places) "
    "with no new intervention and no new shock.",
    kind="default",
)

_STORY = re.compile(r"^#\s*Workshop story\s+(\d+)", re.IGNORECASE)


def scenario_folder() -> Path | None:
    """The folder of scenario files: ./scenarios, else the repository's."""
    for folder in (Path.cwd() / "scenarios", REPO_SCENARIOS):
        if folder.is_dir():
            return folder
    return None


def _story_number(path: Path) -> int | None:
    try:
        first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    m = _STORY.match(first)
    return int(m.group(1)) if m else None


def scenario_system(path: Path) -> System:
    """The system of one scenario file (validated; raises ICSSimError)."""
    path = Path(path).resolve()
    scn = load(path)
    story = _story_number(path)
    label = f"Story {story}: {scn.name}" if story else scn.name
    return System(
        key=f"scenario:{path}",
        label=label,
        description=" ".join(scn.description.split()),
        kind="scenario",
        path=path,
        group="story" if story else "scenario",
    )


def scenario_problems(folder: Path | None = None) -> list[tuple[str, str]]:
    """The scenario files of the folder that cannot be offered, each with its error message
    (the dashboard lists them: a broken file is never hidden)."""
    folder = folder if folder is not None else scenario_folder()
    problems = []
    for path in sorted(folder.glob("*.yaml")) if folder is not None else ():
        try:
            load(path)
        except ICSSimError as e:
            problems.append((path.name, str(e)))
    return problems


def scenario_systems(extra: Path | None = None, folder: Path | None = None) -> list[System]:
    """Scenario files to offer: ``extra`` first, then the baseline, the workshop stories in
    order, the others by name; scenarios that switch mechanisms off (model checks for
    researchers) last. Files that do not validate are not offered: :func:`scenario_problems`
    lists them with their errors."""
    folder = folder if folder is not None else scenario_folder()
    found: list[tuple[tuple[Any, ...], System]] = []
    seen: set[Path] = set()
    if extra is not None:
        sys_extra = scenario_system(extra)
        seen.add(sys_extra.path)  # type: ignore[arg-type]
        found.append(((0, 0, ""), sys_extra))
    if folder is not None:
        for path in sorted(folder.glob("*.yaml")):
            if path.resolve() in seen:
                continue
            try:
                s = scenario_system(path)
                scn = load(path)
            except ICSSimError:
                continue
            story = _story_number(path)
            if scn.mechanisms_off or path.stem.startswith("null"):  # researchers' checks
                rank = (4, 0, s.label)
            elif path.stem == "baseline":
                rank = (1, 0, s.label)
            elif story is not None:
                rank = (2, story, s.label)
            else:
                rank = (3, 0, s.label.lower())
            found.append((rank, s))
    return [s for _, s in sorted(found, key=lambda x: x[0])]


@functools.lru_cache(maxsize=1)
def _ics_table() -> pd.DataFrame | None:
    """England's ICSs, read from the data shipped in the package (a broken install raises)."""
    from ...system import england

    return england.list_icss()


def ics_systems() -> list[System]:
    """England's 42 ICSs, by name (empty when the real-ICS data are not available)."""
    df = _ics_table()
    if df is None:
        return []
    out = []
    for row in df.sort_values("name").itertuples(index=False):
        out.append(
            System(
                key=f"ics:{row.ods_code}",
                label=f"{row.name} ICS",
                description=f"{row.name} ICS ({row.region}): {row.organisations} organisations "
                f"in {row.places} place{'s' if row.places != 1 else ''}, about "
                f"{row.population / 1e6:.1f} million people. NHS trusts, councils and places "
                "are real; primary care networks and voluntary bodies are estimated.",
                kind="ics",
                code=str(row.ods_code),
                group="ics",
            )
        )
    return out


def find_system(key: str, systems: Sequence[System]) -> System:
    for s in systems:
        if s.key == key:
            return s
    if key == DEFAULT_SYSTEM.key:
        return DEFAULT_SYSTEM
    raise ICSSimError(f"unknown system {key!r}")


# ---------------------------------------------------------------------------------------------
# The setup of a system: what to build, with which events


@dataclass
class Event:
    """An intervention or shock in a run: from the scenario file or started during the run."""

    type: str
    start: int
    end: int | None
    kind: str  # "intervention" or "shock"
    title: str
    key: str
    origin: str  # "scenario" or "live"
    targets: Mapping[str, Any] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    cancelled: bool = False

    def create(self):
        return create(self.type, self.start, self.end, self.targets, dict(self.params), self.key)

    def active(self, week: int) -> bool:
        return not self.cancelled and week >= self.start and (self.end is None or week < self.end)

    def describe(self) -> str:
        """'Big breakfast, from week 26 (6 months)' and so on, for the list of changes."""
        start = "from the start" if self.start == 0 else f"from {text.when(self.start).lower()}"
        if self.end is None:
            return f"{self.title}, {start}"
        return f"{self.title}, {start} to {text.when(self.end).lower()}"


@dataclass(frozen=True)
class Marker:
    """A moment to mark on the charts."""

    week: int
    label: str
    kind: str  # "intervention" or "shock"
    both: bool  # True when it applies to both runs of a side-by-side comparison


def _scenario_events(scn: Scenario) -> list[Event]:
    events = []
    for path, spec in scn.events():
        targets = spec.targets.model_dump() if spec.targets is not None else None
        if targets is not None and not any(targets.values()):
            targets = {}
        cls = REGISTRY[spec.type]
        events.append(
            Event(
                type=spec.type,
                start=spec.start,
                end=spec.end,
                kind=cls.kind,
                title=cls.title,
                key=f"{path}:{spec.type}",
                origin="scenario",
                targets=targets,
                params=dict(spec.params),
            )
        )
    return events


@functools.lru_cache(maxsize=64)
def _composition(kind: str, ref: str) -> Composition:
    """Compositions are plain data that models only read: one per system, shared."""
    if kind == "ics":
        return resolve_composition(ref)
    return resolve_composition(None)


@dataclass
class Setup:
    """Everything needed to build a model of a system: composition, seed, events."""

    name: str
    description: str
    composition: Composition
    seed: int
    horizon: int
    parameters: dict[str, Any]
    mechanisms_off: list[str]
    events: list[Event]

    @classmethod
    def of(cls, system: System, seed: int | None = None) -> Setup:
        if system.kind == "scenario":
            assert system.path is not None
            scn = load(system.path)
            if isinstance(scn.ics, str) and scn.system_file() is None:  # own system: below
                comp = _composition("ics" if scn.ics.lower() != "default" else "default", scn.ics)
            else:
                comp = scn.composition()
            return cls(
                name=scn.name,
                description=" ".join(scn.description.split()),
                composition=comp,
                seed=scn.seed if seed is None else seed,
                horizon=scn.weeks,
                parameters=dict(scn.parameters),
                mechanisms_off=list(scn.mechanisms_off),
                events=_scenario_events(scn),
            )
        if system.kind == "ics":
            assert system.code is not None
            comp = _composition("ics", system.code)
            name = comp.name
        else:
            comp = _composition("default", "")
            name = "A typical ICS"
        return cls(
            name=name,
            description=system.description,
            composition=comp,
            seed=DEFAULT_SEED if seed is None else seed,
            horizon=DEFAULT_HORIZON,
            parameters={},
            mechanisms_off=[],
            events=[],
        )


# ---------------------------------------------------------------------------------------------
# A participant's simulation

MAIN, TWIN = "main", "twin"

#: What the two runs of a side-by-side comparison are called on screen and in exports.
RUN_LABELS = {MAIN: "With your changes", TWIN: "Carrying on as now"}


class Simulation:
    """One participant's run of one system, optionally with its twin (side by side).

    Every method takes the simulation's lock, so a play loop on one thread and button clicks
    on another never see a half-stepped model.
    """

    def __init__(self, system: System = DEFAULT_SYSTEM, seed: int | None = None):
        self.system = system
        self.setup = Setup.of(system, seed)
        self.lock = threading.RLock()
        self.events: list[Event] = [
            Event(**{**e.__dict__}) for e in self.setup.events
        ]  # own copies: a reset restores the scenario's
        self.models: dict[str, ICSModel] = {}
        self.models[MAIN] = self._build(MAIN)
        self._objects: dict[tuple[str, str], Any] = {}
        self._index_objects(MAIN)

    # -- building -------------------------------------------------------------------------
    @property
    def seed(self) -> int:
        return self.setup.seed

    @property
    def name(self) -> str:
        return self.setup.name

    @property
    def horizon(self) -> int:
        return self.setup.horizon

    @property
    def composition(self) -> Composition:
        return self.setup.composition

    def _events_for(self, which: str) -> list[Event]:
        """Events a run gets: all of them in the main run; only the shocks in the twin."""
        return [e for e in self.events if not e.cancelled and (which == MAIN or e.kind == "shock")]

    def _build(self, which: str) -> ICSModel:
        s = self.setup
        return ICSModel(
            rng=s.seed,
            ics=s.composition,
            interventions=[e.create() for e in self._events_for(which)],
            mechanisms_off=s.mechanisms_off,
            **s.parameters,
        )

    def _index_objects(self, which: str) -> None:
        model = self.models[which]
        for iv in model.engine.interventions:
            self._objects[(which, iv.key)] = iv

    # -- state --------------------------------------------------------------------------
    @property
    def main(self) -> ICSModel:
        return self.models[MAIN]

    @property
    def twin(self) -> ICSModel | None:
        return self.models.get(TWIN)

    @property
    def side_by_side(self) -> bool:
        return TWIN in self.models

    @property
    def week(self) -> int:
        return self.main.week

    # -- running ------------------------------------------------------------------------
    def step(self, weeks: int = 1) -> int:
        """Advance every run by ``weeks`` weeks, together; return the week now."""
        with self.lock:
            for _ in range(weeks):
                for model in self.models.values():
                    model.step()
            return self.week

    def reset(self) -> None:
        """Back to week 0 of the chosen system: changes made during the run are dropped."""
        with self.lock:
            self.events = [Event(**{**e.__dict__}) for e in self.setup.events]
            twin = self.side_by_side
            self.models = {MAIN: self._build(MAIN)}
            self._objects = {}
            self._index_objects(MAIN)
            if twin:
                self.set_side_by_side(True)

    def set_side_by_side(self, on: bool) -> None:
        """Start or stop the twin. Started mid-run, it is replayed to the same week."""
        with self.lock:
            if not on:
                self.models.pop(TWIN, None)
                self._objects = {k: v for k, v in self._objects.items() if k[0] != TWIN}
                return
            if TWIN in self.models:
                return
            twin = self._build(TWIN)
            for _ in range(self.week):
                twin.step()
            self.models[TWIN] = twin
            self._index_objects(TWIN)

    # -- changes ------------------------------------------------------------------------
    def start(self, name: str, **params: Any) -> Event:
        """Switch an intervention on, or a shock in, now ('start a big breakfast now')."""
        if name not in REGISTRY:
            raise ICSSimError(f"unknown intervention or shock {name!r}")
        cls = REGISTRY[name]
        with self.lock:
            week = self.week
            for e in self.events:
                if e.type == name and e.active(week) and e.end is None:
                    raise ICSSimError(f"{cls.title} is already running")
            n = sum(1 for e in self.events if e.origin == "live")
            event = Event(
                type=name,
                start=week,
                end=None,
                kind=cls.kind,
                title=cls.title,
                key=f"live[{n}]:{name}@{week}",
                origin="live",
                params=params,
            )
            self.events.append(event)
            for which in self.models:
                if which == MAIN or event.kind == "shock":
                    obj = event.create()
                    self.models[which].engine.interventions.append(obj)
                    self._objects[(which, event.key)] = obj
            return event

    def stop(self, key: str) -> None:
        """Stop an intervention or end a shock now; one that has not started is cancelled."""
        with self.lock:
            event = next((e for e in self.events if e.key == key), None)
            if event is None:
                raise ICSSimError(f"no change {key!r} in this run")
            week = self.week
            if event.end is not None and event.end <= week:
                return
            if week <= event.start:
                event.cancelled = True
                for which, model in self.models.items():
                    obj = self._objects.pop((which, key), None)
                    if obj is not None and obj in model.engine.interventions:
                        model.engine.interventions.remove(obj)
                return
            event.end = week
            for which in self.models:
                obj = self._objects.get((which, key))
                if obj is not None:
                    obj.end = week

    def changes(self) -> list[Event]:
        """Every intervention and shock of the run (scenario's and live), in order."""
        with self.lock:
            return [e for e in self.events if not e.cancelled]

    def markers(self) -> list[Marker]:
        """Starts and ends of interventions and shocks, for the charts."""
        with self.lock:
            out = []
            for e in self.changes():
                both = e.kind == "shock"
                out.append(Marker(e.start, text.started_label(e.title, e.kind), e.kind, both))
                if e.end is not None:
                    out.append(Marker(e.end, text.stopped_label(e.title, e.kind), e.kind, both))
            return sorted(out, key=lambda m: m.week)

    # -- results ------------------------------------------------------------------------
    def series(self, which: str = MAIN, names: Sequence[str] = OUTCOMES) -> dict[str, list[float]]:
        """Each outcome from week 0 to now, as lists (copies)."""
        with self.lock:
            data = self.models[which].datacollector.model_vars
            return {n: list(data[n]) for n in names}

    def now(self, which: str = MAIN) -> dict[str, float]:
        with self.lock:
            data = self.models[which].datacollector.model_vars
            return {n: float(data[n][-1]) for n in OUTCOMES}

    def start_values(self, which: str = MAIN) -> dict[str, float]:
        with self.lock:
            data = self.models[which].datacollector.model_vars
            return {n: float(data[n][0]) for n in OUTCOMES}

    def outcomes(self) -> pd.DataFrame:
        """Every run's outcomes, one row per run and week, with the changes of each week."""
        with self.lock:
            frames = []
            for which, model in self.models.items():
                df = model.outcomes()
                marks: dict[int, list[str]] = {}
                for m in self.markers():
                    if which == MAIN or m.both:
                        marks.setdefault(m.week, []).append(m.label)
                df.insert(1, "changes", [", ".join(marks.get(int(w), [])) for w in df["week"]])
                df.insert(0, "run", RUN_LABELS[which] if self.side_by_side else "This run")
                frames.append(df)
            order = [TWIN, MAIN] if self.side_by_side else [MAIN]
            frames = [frames[list(self.models).index(w)] for w in order]
            return pd.concat(frames, ignore_index=True)

    def outcomes_csv(self) -> str:
        """The run's outcomes as CSV for the workshop write-up: a header of plain labels.

        Columns: System, Seed, Run, Week, Months, Changes, then the collaboration index, the
        six practices and every other outcome, each headed by its dashboard label.
        """
        df = self.outcomes()
        out = pd.DataFrame(
            {
                "System": self.name,
                "Seed": self.seed,
                "Run": df["run"],
                "Week": df["week"],
                "Months": [text.months(int(w)) for w in df["week"]],
                "Changes": df["changes"],
            }
        )
        order = list(text.CHART_OUTCOMES) + [o for o in OUTCOMES if o not in text.CHART_OUTCOMES]
        for name in order:
            out[text.label(name)] = df[name].round(4)
        buf = io.StringIO()
        out.to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()


def catalogue(extra: Path | None = None) -> list[System]:
    """Every system the dashboard offers: scenarios, the default ICS, the real ICSs."""
    return [*scenario_systems(extra), DEFAULT_SYSTEM, *ics_systems()]


__all__ = [
    "DEFAULT_SYSTEM",
    "INTERVENTIONS",
    "MAIN",
    "RUN_LABELS",
    "SHOCKS",
    "TWIN",
    "Event",
    "Marker",
    "Simulation",
    "System",
    "catalogue",
    "find_system",
    "ics_systems",
    "scenario_problems",
    "scenario_system",
    "scenario_systems",
]
