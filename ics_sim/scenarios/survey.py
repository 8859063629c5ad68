"""Importing a relationship survey (PARTNER-like) into a system file.

A survey export is a table in which each organisation (the rater) rates its partners (the
ratees) on a few questions: how far it trusts them (PARTNER's reliability, support of the
mission, openness to discussion), what they bring (value: power and influence, level of
involvement, resources) and how often it works with them. It comes in one of two layouts:

- **long**: one row per answer (rater, ratee, question, answer);
- **wide**: one row per rater and ratee, one column per question.

A *mapping file* (YAML) says which file of organisations and forums the survey belongs to
(a system file with no relationships, see :mod:`ics_sim.scenarios.system_file`), which
columns hold what, which questions make up each of the model's tie items (``trust``,
``value``, ``familiarity``, ``contact``, ``legacy``; several questions are averaged), and how
each question's scale maps onto [0, 1]: ``likert: [1, 4]`` (linear, lowest 0, highest 1) or
``values: {label: number}`` (an explicit table). Answers listed under ``missing`` ("Don't
know", blank) count as no answer.

Every name is checked against the organisations (the nearest is suggested on a typo), every
answer against its scale; the first problem stops the import with one message naming the
file, the row and the column, and nothing is written.

Missing answers are imputed, in this order, and every imputed value is flagged: (1) the
partner's answer about the same pair the other way round (reciprocity: ties in such surveys
are strongly reciprocal); (2) the mean of the observed answers between organisations of the
same two kinds; (3) the model's own default for the two kinds (what it would draw without a
survey). ``contact`` is only imputed from answers (1, 2); with none the tie is left to the
forums and places, as in a system without a survey.
"""

from __future__ import annotations

import io
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..core.errors import ICSSimError
from ..core.params import suggest
from ..system.kinds import SECTOR, legacy_matrix, parse_kind, trait_table
from ..system.observed import TIE_ITEMS, ObservedTies
from . import system_file as sf
from .files import ScenarioError, _short, located_error, read_yaml, resolve_reference

Number = Annotated[float, Field(allow_inf_nan=False)] | int
#: Largest survey file read.
MAX_SURVEY_BYTES = 64 << 20
#: Answers that count as missing unless the mapping file says otherwise.
DEFAULT_MISSING = ("", "NA", "N/A", "n/a", "Don't know", "Do not know", "Not applicable")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Scale(_Strict):
    """How a question's answers map onto [0, 1]: ``likert: [lo, hi]`` or ``values``."""

    likert: list[Number] | None = Field(
        None, min_length=2, max_length=2, description="[lowest, highest] answer; linear"
    )
    values: dict[str, Number] | None = Field(None, description="answer label -> value in [0, 1]")

    @model_validator(mode="after")
    def _one(self) -> Scale:
        if (self.likert is None) == (self.values is None):
            raise ValueError("give exactly one of 'likert: [lowest, highest]' or 'values: {...}'")
        if self.likert is not None and not self.likert[0] < self.likert[1]:
            raise ValueError(f"likert: {self.likert} must be [lowest, highest], lowest first")
        for k, v in (self.values or {}).items():
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"values: {k!r} maps to {v}, outside [0, 1]")
        return self

    def valid(self) -> str:
        if self.likert is not None:
            return f"a number from {self.likert[0]:g} to {self.likert[1]:g}"
        return "one of " + ", ".join(repr(k) for k in self.values or {})

    def map(self, answer: str) -> float | None:
        """The answer on [0, 1], or None if it is not on the scale."""
        if self.values is not None:
            v = self.values.get(answer)
            if v is None:  # numeric codes written 3 or 3.0
                try:
                    x = float(answer)
                except ValueError:
                    return None
                for k, val in self.values.items():
                    try:
                        if float(k) == x:
                            return float(val)
                    except ValueError:
                        continue
                return None
            return float(v)
        lo, hi = float(self.likert[0]), float(self.likert[1])
        try:
            x = float(answer)
        except ValueError:
            return None
        if math.isnan(x) or not lo <= x <= hi:
            return None
        return (x - lo) / (hi - lo)


class ItemMap(_Strict):
    """One of the model's tie items: the questions (or columns) that measure it."""

    questions: list[str] = Field(
        min_length=1, description="long layout: question labels; wide: column names (averaged)"
    )
    scale: Scale


class Columns(_Strict):
    rater: str = Field("rater", description="column of the rating organisation")
    ratee: str = Field("ratee", description="column of the organisation rated")
    question: str = Field("question", description="long layout: column of the question")
    answer: str = Field("answer", description="long layout: column of the answer")


class SurveyMap(_Strict):
    """A mapping file: how a survey export becomes the model's tie items."""

    system: str = Field(description="system file of the organisations and forums (relative)")
    layout: Literal["long", "wide"] = Field("long", description="long: one row per answer")
    sheet: str | int | None = Field(None, description="Excel: sheet name or number (from 0)")
    columns: Columns = Field(default_factory=Columns)
    items: dict[str, ItemMap] = Field(description="trust, value, familiarity, contact, legacy")
    missing: list[str] = Field(default_factory=lambda: list(DEFAULT_MISSING))
    weeks_between_waves: int | None = Field(None, ge=1, le=520)

    @model_validator(mode="after")
    def _items(self) -> SurveyMap:
        for k in self.items:
            if k not in TIE_ITEMS:
                raise ValueError(
                    f"items: unknown item {_short(k)}{suggest(k, TIE_ITEMS)}; valid items: "
                    + ", ".join(TIE_ITEMS)
                )
        if not self.items:
            raise ValueError("items: map at least one question (e.g. trust)")
        owner: dict[str, str] = {}
        for k, m in self.items.items():
            for q in m.questions:
                if q in owner:
                    raise ValueError(f"items: question {q!r} is mapped to {owner[q]} and {k}")
                owner[q] = k
        return self


def load_map(path: str | Path) -> SurveyMap:
    path = Path(path)
    try:
        return SurveyMap.model_validate(read_yaml(path, "mapping"))
    except ValidationError as e:
        raise located_error(e, path, SurveyMap) from None


@dataclass
class Survey:
    """The answers of one wave on the model's scales: item -> {(rater, ratee): value}."""

    spec: sf.SystemFile
    answers: dict[str, dict[tuple[int, int], float]]
    raters: set[int] = field(default_factory=set)  # organisations that answered anything
    rows: int = 0
    ignored_questions: dict[str, int] = field(default_factory=dict)
    self_ratings: int = 0


# -- reading a survey ------------------------------------------------------------------------
def _survey_bytes(path: Path) -> bytes:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError(path, "", "no such survey file") from None
    except OSError as e:
        raise ScenarioError(path, "", f"cannot be read ({e.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(path, "", "is a folder, not a survey file (CSV or Excel)")
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(path, "", "is not a regular file; give a CSV or Excel survey file")
    if info.st_size > MAX_SURVEY_BYTES:
        raise ScenarioError(path, "", f"is larger than {MAX_SURVEY_BYTES >> 20} MiB")
    with open(path, "rb") as f:
        return f.read(MAX_SURVEY_BYTES + 1)


def read_table(path: Path | str, sheet: str | int | None = None) -> pd.DataFrame:
    """The survey as a table of strings (CSV, or Excel .xlsx/.xlsm with openpyxl)."""
    path = Path(path)
    data = _survey_bytes(path)
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    try:
        if excel:
            df = pd.read_excel(
                io.BytesIO(data),
                sheet_name=0 if sheet is None else sheet,
                dtype=str,
                keep_default_na=False,
                engine="openpyxl",
            )
        else:
            text = data.decode("utf-8-sig")
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except UnicodeDecodeError:
        raise ScenarioError(path, "", "is not a UTF-8 CSV file (save it as CSV UTF-8)") from None
    except ImportError:
        raise ScenarioError(
            path, "", "reading Excel files needs openpyxl: pip install 'ics-sim[run]'"
        ) from None
    except (ValueError, KeyError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        what = "Excel workbook" if excel else "CSV table"
        text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ScenarioError(path, "", f"is not a readable {what}: {_short(text, 120)}") from None
    except Exception as e:  # noqa: BLE001 - openpyxl/zipfile raise many kinds on a bad workbook
        raise ScenarioError(
            path, "", f"is not a readable Excel workbook ({type(e).__name__})"
        ) from None
    df.columns = [str(c).strip() for c in df.columns]
    return df.fillna("")


def _column(df: pd.DataFrame, name: str, path: Path, mapfile: Path | str, what: str) -> list[str]:
    if name not in df.columns:
        cols = list(df.columns)
        raise ScenarioError(
            path,
            f"column {_short(name)}",
            f"not found (the mapping file {Path(mapfile).name} names it as the {what} column)"
            f"{suggest(name, cols)}; the file's columns: {', '.join(map(str, cols[:30]))}",
        )
    return [str(v).strip() for v in df[name].tolist()]


def read_survey(
    path: Path | str, mapping: SurveyMap, spec: sf.SystemFile, mapfile: Path | str = "map"
) -> Survey:
    """The answers of the survey file ``path``, checked against ``spec``'s organisations."""
    path = Path(path)
    df = read_table(path, mapping.sheet)
    names = [o.name for o in spec.organisations]
    index = {n: i for i, n in enumerate(names)}
    c = mapping.columns
    raters = _column(df, c.rater, path, mapfile, "rater")
    ratees = _column(df, c.ratee, path, mapfile, "ratee")
    missing = {m.strip().lower() for m in mapping.missing}
    by_question = {q: (k, m.scale) for k, m in mapping.items.items() for q in m.questions}
    raw: dict[tuple[int, int, str], tuple[float, int]] = {}
    out = Survey(spec, {k: {} for k in mapping.items})

    def org(name: str, row: int, col: str) -> int:
        if name not in index:
            raise ScenarioError(
                path,
                f"row {row}, column {col}",
                f"{_short(name)} is not one of the organisations in {mapping.system}"
                f"{suggest(name, names)}",
            )
        return index[name]

    def answer(q: str, text: str, row: int, col: str, a: int, b: int) -> None:
        if text.strip().lower() in missing:
            return
        _, scale = by_question[q]
        v = scale.map(text.strip())
        if v is None:
            raise ScenarioError(
                path,
                f"row {row}, column {col}",
                f"{_short(text)} is not an answer to {q!r}; valid: {scale.valid()} "
                "(or list it under 'missing' in the mapping file)",
            )
        key = (a, b, q)
        if key in raw:
            raise ScenarioError(
                path,
                f"row {row}",
                f"{names[a]!r} answered {q!r} about {names[b]!r} twice (rows {raw[key][1]} "
                f"and {row})",
            )
        raw[key] = (v, row)

    if mapping.layout == "long":
        questions = _column(df, c.question, path, mapfile, "question")
        answers = _column(df, c.answer, path, mapfile, "answer")
        for r in range(len(df)):
            row = r + 2  # the header is row 1
            if not raters[r] and not ratees[r] and not questions[r] and not answers[r]:
                continue  # a blank line
            a, b = org(raters[r], row, c.rater), org(ratees[r], row, c.ratee)
            if a == b:
                out.self_ratings += 1
                continue
            q = questions[r]
            if q not in by_question:
                out.ignored_questions[q] = out.ignored_questions.get(q, 0) + 1
                continue
            out.raters.add(a)
            answer(q, answers[r], row, c.answer, a, b)
            out.rows += 1
    else:
        cols = {q: _column(df, q, path, mapfile, "question") for q in by_question}
        for r in range(len(df)):
            row = r + 2
            if not raters[r] and not ratees[r]:
                continue
            a, b = org(raters[r], row, c.rater), org(ratees[r], row, c.ratee)
            if a == b:
                out.self_ratings += 1
                continue
            out.raters.add(a)
            for q, values in cols.items():
                answer(q, values[r], row, q, a, b)
            out.rows += 1
    # Average the questions of each item.
    sums: dict[tuple[str, int, int], list[float]] = {}
    for (a, b, q), (v, _) in raw.items():
        sums.setdefault((by_question[q][0], a, b), []).append(v)
    for (k, a, b), vs in sums.items():
        out.answers[k][(a, b)] = float(np.mean(vs))
    return out


# -- imputation ------------------------------------------------------------------------------
def kind_default(item: str, ki: int, kj: int) -> float:
    """The model's own expectation of ``item`` between a ``ki`` and a ``kj`` organisation at
    its default parameters (what it draws without a survey, on average)."""
    from ..sim.engine import all_params

    p = {q.name: q.default for q in all_params()}
    if item == "trust":
        prop = trait_table()["trust_propensity"][ki]
        legacy = legacy_matrix()[ki, kj]
        return float(np.clip(prop * (1 - p["legacy_trust_weight"] * legacy), 0.02, 0.98))
    if item == "familiarity":
        return float(p["initial_familiarity"])
    if item == "legacy":
        return float(legacy_matrix()[ki, kj])
    if item == "value":
        reach = p["advantage_base"] + p["cross_kind_advantage"] * (ki != kj)
        reach += p["cross_sector_advantage"] * (SECTOR[ki] != SECTOR[kj])
        return float(min(1.0, reach) / 2)  # advantage is a uniform draw times its reach
    return math.nan  # contact: left to the forums and places


@dataclass
class Imported:
    """A survey turned into the tie table of a system file, with how each value was found."""

    survey: Survey
    ties: ObservedTies
    methods: list[str]  # per tie: "" (all observed) or "trust:reciprocal;value:kind-pair"


def impute(survey: Survey) -> Imported:
    """Every ordered pair's items: observed, else imputed (see the module docstring)."""
    spec = survey.spec
    n = len(spec.organisations)
    kind = np.array([int(parse_kind(o.kind)) for o in spec.organisations])
    a, b = np.nonzero(~np.eye(n, dtype=bool))
    values: dict[str, np.ndarray] = {}
    observed = np.ones(len(a), dtype=bool)
    methods: list[list[str]] = [[] for _ in range(len(a))]
    for item, ans in survey.answers.items():
        pair_sum = np.zeros((8, 8))
        pair_n = np.zeros((8, 8))
        for (i, j), v in ans.items():
            pair_sum[kind[i], kind[j]] += v
            pair_n[kind[i], kind[j]] += 1
        col = np.full(len(a), np.nan)
        for t, (i, j) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
            v = ans.get((i, j))
            if v is not None:
                col[t] = v
                continue
            observed[t] = False
            if (j, i) in ans:
                col[t], how = ans[(j, i)], "reciprocal"
            elif pair_n[kind[i], kind[j]] > 0:
                col[t] = pair_sum[kind[i], kind[j]] / pair_n[kind[i], kind[j]]
                how = "kind-pair"
            else:
                col[t], how = kind_default(item, kind[i], kind[j]), "kind-default"
                if math.isnan(col[t]):
                    how = "none"
            methods[t].append(f"{item}:{how}")
        values[item] = col
    ties = ObservedTies(a.astype(np.int64), b.astype(np.int64), values, observed)
    return Imported(survey, ties, [";".join(m) for m in methods])


# -- the whole import ------------------------------------------------------------------------
def load_skeleton(mapping: SurveyMap, mapfile: Path) -> tuple[sf.SystemFile, Path]:
    path = resolve_reference(mapfile, mapping.system, "system", mapfile)
    if not os.path.lexists(path):
        raise ScenarioError(mapfile, "system", f"no system file {_short(mapping.system)}")
    return sf.validated(read_yaml(path, "system"), path), path


def import_survey(survey_path: Path | str, mapfile: Path | str) -> Imported:
    """Read, check and impute a survey (nothing is written)."""
    mapfile = Path(mapfile)
    mapping = load_map(mapfile)
    spec, _ = load_skeleton(mapping, mapfile)
    spec = spec.model_copy(
        update={"weeks_between_waves": mapping.weeks_between_waves or spec.weeks_between_waves}
    )
    survey = read_survey(survey_path, mapping, spec, mapfile)
    if not any(survey.answers.values()):
        raise ICSSimError(
            f"{survey_path}: no answers to the mapped questions were found (check 'items' and "
            f"'columns' in {mapfile})"
        )
    return impute(survey)


def coverage(imp: Imported) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Response rate per organisation, and the survey's totals (observed vs imputed ties,
    reciprocity of the answered ties)."""
    spec, survey = imp.survey.spec, imp.survey
    names = [o.name for o in spec.organisations]
    n = len(names)
    answered = set().union(*(set(v) for v in survey.answers.values()))
    rows = []
    for i, name in enumerate(names):
        given = sum(1 for (x, _) in answered if x == i)
        got = sum(1 for (_, y) in answered if y == i)
        rows.append(
            {
                "organisation": name,
                "kind": spec.organisations[i].kind,
                "responded": i in survey.raters,
                "partners_rated": given,
                "response_rate": round(given / (n - 1), 4),
                "rated_by": got,
            }
        )
    per_org = pd.DataFrame(rows)
    recip = sum(1 for (x, y) in answered if (y, x) in answered)
    trust = survey.answers.get("trust", {})
    both = [(v, trust[(j, i)]) for (i, j), v in trust.items() if (j, i) in trust and i < j]
    pairs = np.array(both, dtype=float).reshape(-1, 2)
    varies = len(both) > 2 and pairs[:, 0].std() > 0 and pairs[:, 1].std() > 0
    corr = float(np.corrcoef(pairs.T)[0, 1]) if varies else math.nan
    obs = int(imp.ties.observed.sum())
    totals = {
        "organisations": n,
        "respondents": len(survey.raters),
        "ties": len(imp.ties),
        "ties_observed": obs,
        "ties_imputed": len(imp.ties) - obs,
        "ties_answered_any_item": len(answered),
        "reciprocity": round(recip / len(answered), 4) if answered else math.nan,
        "reciprocal_trust_correlation": round(corr, 4) if not math.isnan(corr) else None,
        "answers_read": survey.rows,
        "ignored_questions": dict(survey.ignored_questions),
        "self_ratings_skipped": survey.self_ratings,
    }
    return per_org, totals
