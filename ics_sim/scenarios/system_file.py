"""System files: a partnership's own organisations, forums and relationship survey, as YAML.

A system file lists the organisations of one partnership by name (kind, place, optional size,
budget, population served and trait overrides), the forums they sit on (members, meeting
period, decision rule, chair) and names a relationship table (CSV: one row per directed tie
``rater -> ratee`` with trust, familiarity, legacy, value and contact on the model's [0, 1]
scales, and whether the row was ``observed`` or imputed). ``ics-sim import-survey`` writes
one from a survey export; it can also be written by hand. It is read with ``yaml.safe_load``
only and validated like scenario files: unknown keys, unknown kinds, a forum member or chair
that is not one of the organisations (with the nearest name suggested), bad values in the
relationship table (with its row and column) each give one message naming the file.

:meth:`SystemFile.composition` turns it into the plain :class:`Composition` the model reads:
the table becomes :class:`~ics_sim.system.observed.ObservedTies`, the trait overrides
:class:`~ics_sim.system.observed.TraitOverrides` (applied by
:mod:`ics_sim.state.observed`). A scenario uses it with ``system: FILE`` (or ``ics: FILE``).

``targets`` (local calibration targets, e.g. a staff survey's share feeling safe) are
validated and carried through unchanged for the calibration machinery; the model does not
read them.
"""

from __future__ import annotations

import io
import math
import os
import stat
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..core.errors import ICSSimError
from ..core.params import suggest
from ..system.composition import RULE_NAMES, Composition, Forum, standard_forums
from ..system.kinds import KIND_KEYS, Kind, parse_kind
from ..system.observed import TIE_ITEMS, TRAIT_NAMES, ObservedTies, TraitOverrides
from .files import (
    ScenarioError,
    _short,
    located_error,
    read_yaml,
    resolve_reference,
)

Number = Annotated[float, Field(allow_inf_nan=False)] | int
#: Largest relationship table read (a 300-organisation partnership is about 6 MB).
MAX_TABLE_BYTES = 64 << 20
#: Columns of a relationship table: rater, ratee, the items, observed, imputed items.
TABLE_COLUMNS = ("rater", "ratee", *TIE_ITEMS, "observed", "imputed")
RULES = {name: value for value, name in RULE_NAMES.items()}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Organisation(_Strict):
    """One organisation of the partnership."""

    name: str = Field(min_length=1, max_length=200, description="its name, as the survey spells it")
    kind: str = Field(description=f"one of: {', '.join(KIND_KEYS)} (or 'council', 'pcn', ...)")
    place: str | None = Field(
        None, description="the place (council footprint) it serves; omit for system-wide"
    )
    places: list[str] = Field(
        default_factory=list,
        description="several places it serves (the model treats it as system-wide)",
    )
    code: str | None = Field(None, description="ODS or ONS code, if any (recorded only)")
    size: Number | None = Field(None, ge=0, description="staff headcount (recorded only)")
    budget: Number | None = Field(None, ge=0, description="annual budget, GBP m (recorded only)")
    population: int | None = Field(None, ge=0, description="people served (recorded only)")
    traits: dict[str, Number] = Field(
        default_factory=dict,
        description="overrides of the kind's mean traits: " + ", ".join(TRAIT_NAMES),
    )

    @field_validator("kind")
    @classmethod
    def _kind(cls, kind: str) -> str:
        try:
            parse_kind(kind)
        except ICSSimError as e:
            raise ValueError(str(e)) from None
        return kind

    @field_validator("traits")
    @classmethod
    def _traits(cls, traits: dict[str, float]) -> dict[str, float]:
        for name, value in traits.items():
            if name not in TRAIT_NAMES:
                raise ValueError(
                    f"unknown trait {_short(name)}{suggest(name[:100], TRAIT_NAMES)}; valid "
                    "traits: " + ", ".join(TRAIT_NAMES)
                )
            hi = 10.0 if name == "resources" else 1.0
            if not 0.0 <= value <= hi:
                raise ValueError(f"{name} = {value} is out of range; valid: [0, {hi:g}]")
        return traits

    def served(self) -> list[str]:
        return ([self.place] if self.place else []) + [p for p in self.places if p != self.place]


class ForumSpec(_Strict):
    """A forum the organisations sit on."""

    name: str = Field(min_length=1, max_length=200)
    members: list[str] = Field(min_length=2, description="names of its member organisations")
    period: int = Field(4, ge=1, le=52, description="weeks between meetings")
    offset: int | None = Field(None, ge=0, le=51, description="week of the first meeting")
    rule: Literal["majority", "supermajority", "consensus"] | Number = Field(
        "majority", description="decision rule, or the share of voice needed, in (0, 1]"
    )
    chair: str | None = Field(None, description="its chair, one of the members (recorded only)")
    type: str = Field("partnership", min_length=1, description="kind of forum (label only)")

    @field_validator("rule")
    @classmethod
    def _rule(cls, rule: str | float) -> str | float:
        if not isinstance(rule, str) and not 0.0 < rule <= 1.0:
            raise ValueError(f"rule = {rule} must be a share of voice in (0, 1]")
        return rule

    def rule_value(self) -> float:
        return RULES[self.rule] if isinstance(self.rule, str) else float(self.rule)


class LocalTarget(_Strict):
    """A local calibration target (read by calibration, not by the model)."""

    name: str = Field(min_length=1, description="what was measured, e.g. safety_share")
    value: Number = Field(description="the measured value")
    tolerance: Number | None = Field(None, ge=0, description="how close counts as a match")
    n: int | None = Field(None, ge=1, description="respondents behind it")
    source: str = Field("", description="where it comes from")


class SystemFile(_Strict):
    """A partnership: its organisations, forums, relationship table and local targets."""

    name: str = Field(min_length=1, description="the partnership's name")
    description: str = Field("", description="plain-language description")
    synthetic: bool = Field(False, description="true for made-up data (examples, tests)")
    provenance: str = Field("", description="where the data come from")
    places: list[str] = Field(
        default_factory=list,
        description="places, in order (default: as the organisations name them)",
    )
    organisations: list[Organisation] = Field(min_length=2, max_length=5000)
    forums: list[ForumSpec] | Literal["standard"] = Field(
        "standard",
        description="the forums, or 'standard' for the model's usual ICS forums by kind and place",
    )
    relationships: str | None = Field(
        None, description="relationship table (CSV), relative to this file"
    )
    weeks_between_waves: int | None = Field(
        None, ge=1, le=520, description="weeks between survey waves (for validate --wave2)"
    )
    targets: list[LocalTarget] = Field(default_factory=list, description="local targets")

    @model_validator(mode="after")
    def _cross_references(self) -> SystemFile:
        names = [o.name for o in self.organisations]
        seen: set[str] = set()
        for i, n in enumerate(names):
            if n in seen:
                raise ValueError(f"organisations[{i}].name: {n!r} appears twice")
            seen.add(n)
        used = [p for o in self.organisations for p in o.served()]
        if self.places:
            for i, o in enumerate(self.organisations):
                for p in o.served():
                    if p not in self.places:
                        raise ValueError(
                            f"organisations[{i}]: place {_short(p)} is not in 'places'"
                            f"{suggest(p, self.places)}; places: {', '.join(self.places)}"
                        )
        elif used:
            self.places = list(dict.fromkeys(used))
        if isinstance(self.forums, list):
            fnames: set[str] = set()
            for i, f in enumerate(self.forums):
                if f.name in fnames:
                    raise ValueError(f"forums[{i}].name: {f.name!r} appears twice")
                fnames.add(f.name)
                for j, m in enumerate(f.members):
                    if m not in seen:
                        raise ValueError(
                            f"forums[{i}].members[{j}]: {_short(m)} is not one of the "
                            f"organisations{suggest(m, names)}"
                        )
                if len(set(f.members)) < len(f.members):
                    raise ValueError(f"forums[{i}].members: a member is listed twice")
                if f.chair is not None and f.chair not in f.members:
                    raise ValueError(
                        f"forums[{i}].chair: {_short(f.chair)} is not one of its members"
                        f"{suggest(f.chair, f.members)}"
                    )
        return self

    # ----------------------------------------------------------------------------------
    def place_index(self) -> np.ndarray:
        idx = {p: i for i, p in enumerate(self.places)}
        out = []
        for o in self.organisations:
            served = o.served()
            out.append(idx[served[0]] if len(served) == 1 else -1)
        return np.array(out, dtype=np.int32)

    def trait_overrides(self) -> TraitOverrides | None:
        n = len(self.organisations)
        values: dict[str, np.ndarray] = {}
        for i, o in enumerate(self.organisations):
            for t, v in o.traits.items():
                values.setdefault(t, np.full(n, np.nan))[i] = float(v)
        return TraitOverrides(values) if values else None

    def composition(
        self, ties: ObservedTies | None = None, source: Path | str | None = None
    ) -> Composition:
        """The plain composition the model reads (with ``ties``, e.g. from
        :func:`read_relationships`)."""
        names = [o.name for o in self.organisations]
        index = {n: i for i, n in enumerate(names)}
        kind = np.array([int(parse_kind(o.kind)) for o in self.organisations], dtype=np.int8)
        place = self.place_index()
        place_names = list(self.places) or ["System"]
        if self.forums == "standard":
            forums = standard_forums(kind, place, place_names)
        else:
            forums = [
                Forum(
                    name=f.name,
                    type=f.type,
                    members=np.array(sorted(index[m] for m in f.members), dtype=np.int64),
                    period=f.period,
                    offset=(f.offset if f.offset is not None else i) % f.period,
                    rule=f.rule_value(),
                )
                for i, f in enumerate(self.forums)
            ]
        label = "synthetic example" if self.synthetic else "own system file"
        where = f" {Path(source).name}" if source else ""
        return Composition(
            name=self.name,
            org_names=names,
            kind=kind,
            place=place,
            place_names=place_names,
            forums=forums,
            codes=[o.code or "" for o in self.organisations],
            provenance=f"{label}{where}" + (f": {self.provenance}" if self.provenance else ""),
            observed_ties=ties,
            trait_overrides=self.trait_overrides(),
        )


# -- reading -------------------------------------------------------------------------------
def validated(raw: dict[str, Any], path: Path | str | None) -> SystemFile:
    try:
        return SystemFile.model_validate(raw)
    except ValidationError as e:
        raise located_error(e, path, SystemFile) from None


def load(path: str | Path, top: str | Path | None = None) -> tuple[SystemFile, Composition]:
    """Read and validate a system file and its relationship table: (spec, composition).

    ``top``: the file the user gave (a scenario naming this one), whose folder bounds where
    the relationship table may be (see :func:`~ics_sim.scenarios.files.resolve_reference`).
    """
    path = Path(path)
    spec = validated(read_yaml(path, "system"), path)
    ties = None
    if spec.relationships is not None:
        table = resolve_reference(path, spec.relationships, "relationships", Path(top or path))
        ties = read_relationships(table, spec)
    return spec, spec.composition(ties, path)


def _table_bytes(path: Path) -> bytes:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError(path, "", "no such relationship table") from None
    except OSError as e:
        raise ScenarioError(path, "", f"cannot be read ({e.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(path, "", "is not a regular file; give a CSV relationship table")
    if info.st_size > MAX_TABLE_BYTES:
        raise ScenarioError(path, "", f"is larger than {MAX_TABLE_BYTES >> 20} MiB")
    with open(path, "rb") as f:
        return f.read(MAX_TABLE_BYTES + 1)


def read_relationships(path: Path | str, spec: SystemFile) -> ObservedTies:
    """The relationship table of ``spec`` (CSV), checked row by row."""
    path = Path(path)
    try:
        df = pd.read_csv(
            io.BytesIO(_table_bytes(path)), dtype=str, keep_default_na=False, encoding="utf-8"
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ScenarioError(path, "", f"is not a readable CSV table: {_short(msg, 120)}") from None
    return ties_from_table(df, spec, path)


def ties_from_table(df: pd.DataFrame, spec: SystemFile, path: Path | str | None) -> ObservedTies:
    """:class:`ObservedTies` from a relationship table (strings or numbers)."""
    cols = [str(c) for c in df.columns]
    for c in cols:
        if c not in TABLE_COLUMNS:
            raise ScenarioError(
                path,
                f"column {_short(c)}",
                f"unknown column{suggest(c, TABLE_COLUMNS)}; valid columns: "
                + ", ".join(TABLE_COLUMNS),
            )
    for c in ("rater", "ratee"):
        if c not in cols:
            raise ScenarioError(path, f"column {c}", "this column is required")
    names = [o.name for o in spec.organisations]
    index = {n: i for i, n in enumerate(names)}
    n_rows = len(df)
    src = np.empty(n_rows, np.int64)
    dst = np.empty(n_rows, np.int64)
    seen: dict[tuple[int, int], int] = {}
    for c, out in (("rater", src), ("ratee", dst)):
        for r, name in enumerate(df[c].astype(str).tolist()):
            if name not in index:
                raise ScenarioError(
                    path,
                    f"row {r + 2}, column {c}",
                    f"{_short(name)} is not one of the organisations{suggest(name, names)}",
                )
            out[r] = index[name]
    for r, (a, b) in enumerate(zip(src.tolist(), dst.tolist(), strict=True)):
        if a == b:
            raise ScenarioError(path, f"row {r + 2}", f"{names[a]!r} rates itself")
        if (a, b) in seen:
            raise ScenarioError(
                path,
                f"row {r + 2}",
                f"the tie {names[a]!r} -> {names[b]!r} repeats row {seen[a, b]}",
            )
        seen[a, b] = r + 2
    values: dict[str, np.ndarray] = {}
    for item in TIE_ITEMS:
        if item in cols:
            values[item] = _unit_column(df[item].tolist(), path, item)
    observed = None
    if "observed" in cols:
        observed = np.empty(n_rows, bool)
        for r, v in enumerate(df["observed"].tolist()):
            text = str(v).strip().lower()
            if text not in ("true", "false", "1", "0"):
                raise ScenarioError(
                    path, f"row {r + 2}, column observed", f"{_short(v)} is not true or false"
                )
            observed[r] = text in ("true", "1")
    return ObservedTies(src, dst, values, observed)


def _unit_column(cells: list[Any], path: Path | str | None, col: str) -> np.ndarray:
    out = np.full(len(cells), np.nan)
    for r, v in enumerate(cells):
        if isinstance(v, str) and not v.strip():
            continue
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise ScenarioError(
                path, f"row {r + 2}, column {col}", f"{_short(v)} is not a number in [0, 1]"
            ) from None
        if math.isnan(x):
            continue
        if not 0.0 <= x <= 1.0:
            raise ScenarioError(
                path,
                f"row {r + 2}, column {col}",
                f"{x:g} is outside [0, 1] (leave it empty if unknown)",
            )
        out[r] = x
    return out


# -- writing -------------------------------------------------------------------------------
def dump(spec: SystemFile, header: str = "") -> str:
    """The system file as YAML text (round-trips through :func:`load`)."""
    data = spec.model_dump(mode="json", exclude_defaults=True)
    data = {"name": spec.name, **data}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return (header + text) if header else text


def ties_table(
    spec: SystemFile, ties: ObservedTies, imputed: list[str] | None = None
) -> pd.DataFrame:
    """The relationship table of ``ties`` (the CSV a system file points to)."""
    names = [o.name for o in spec.organisations]
    df = pd.DataFrame(
        {"rater": [names[i] for i in ties.src], "ratee": [names[j] for j in ties.dst]}
    )
    for item in TIE_ITEMS:
        if item in ties.values:
            df[item] = np.round(ties.values[item], 6)
    if ties.observed is not None:
        df["observed"] = np.where(ties.observed, "true", "false")
    if imputed is not None:
        df["imputed"] = imputed
    return df


def json_schema() -> dict[str, Any]:
    """JSON Schema of system files (``ics-sim schema --system``)."""
    schema = SystemFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ics-sim system file"
    return schema


def kind_label(code: int) -> str:
    return Kind(code).label


def anonymise(spec: SystemFile) -> tuple[SystemFile, dict[str, str]]:
    """``spec`` with every name replaced by its kind and a number ("Acute trust 2"), places by
    letters and forums by number, and the mapping of organisation names used (apply the same
    mapping to every output file of one command, so they stay consistent)."""
    count: dict[str, int] = {}
    names: dict[str, str] = {}
    for o in spec.organisations:
        label = parse_kind(o.kind).label
        count[label] = count.get(label, 0) + 1
        names[o.name] = f"{label} {count[label]}"
    places = {
        p: f"Place {chr(65 + i)}" if i < 26 else f"Place {i + 1}" for i, p in enumerate(spec.places)
    }
    orgs = [
        o.model_copy(
            update={
                "name": names[o.name],
                "place": places.get(o.place) if o.place else None,
                "places": [places[p] for p in o.places],
                "code": None,
            }
        )
        for o in spec.organisations
    ]
    forums = spec.forums
    if isinstance(forums, list):
        forums = [
            f.model_copy(
                update={
                    "name": f"Forum {i + 1}",
                    "members": [names[m] for m in f.members],
                    "chair": names[f.chair] if f.chair else None,
                }
            )
            for i, f in enumerate(forums)
        ]
    out = spec.model_copy(
        update={
            "name": "Anonymised partnership",
            "description": "Names replaced by kind and number (ics-sim --anonymise).",
            "provenance": "anonymised",
            "places": [places[p] for p in spec.places],
            "organisations": orgs,
            "forums": forums,
        }
    )
    return out, names
