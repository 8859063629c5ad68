"""Real compositions of England's 42 integrated care systems (ICSs).

The data ship with the package in ``ics_sim/data/ics_england`` (read with
:mod:`importlib.resources`): ``icbs.csv``, ``icb_local_authorities.csv``, ``trusts.csv`` and
``icb_trust_membership.csv``. ``SOURCES.md`` in that folder gives their provenance and caveats.
Contains public sector information licensed under the Open Government Licence v3.0. Source:
ONS, NHS England, NHS Digital (ODS).

What is real:

- **The ICB** of each ICS: ODS code (``QOX``), ONS code (``E54000040``), name, NHS England
  region and estimated mid-2020 population.
- **NHS trusts**: every trust that is a member of the ICS in ``icb_trust_membership.csv``, both
  where it has its headquarters (``hq``) and where NHS England lists it as a partner
  (``partner``), with its ODS code and name (small words such as "And" and "Of" in lower
  case). Trust types come from ``trusts.csv`` (derived by hand, see ``SOURCES.md``):
  ``acute`` and ``acute_specialist`` are acute trusts; ``mental_health``, ``community`` and
  ``ambulance`` are the kinds of the same names.
- **Places and councils**: each upper-tier local authority (UTLA) with at least half of its
  LSOAs in the ICB is one place and one council (ONS code, ONS name). An ICB with no such
  UTLA would get the UTLA whose overlap with it has most people (no ICB needs this with the
  shipped data).

What is assumed (the data have no primary care networks, VCSE bodies or trust sites):

- **PCNs**: one per ``pcn_population`` people (default 50,000) of the place's overlap with
  the ICB, rounded to the nearest whole number and at least one per place, named
  ``PCN <place> <i>`` (1,109 in England with the default). People living in a UTLA that has
  most of its LSOAs in another ICB (for example west Essex in Hertfordshire and West Essex)
  belong to no place, so they get no PCN: 1.26 million people, 2.2% of England.
- **VCSE bodies**: ``vcse_per_place`` per place (default 2), named ``VCSE <place> <i>``.
- **Acute trusts' places**: acute trusts are dealt to the places in turn, the places taken in
  order of population (largest first), headquartered trusts before partners, each by name.
  The ICB and the community, mental health and ambulance trusts serve the whole system
  (place -1).

Forums are the standard ones (:func:`ics_sim.composition.standard_forums`), with one
neighbourhood forum per PCN (its place's council, VCSE bodies and the ICS's community trusts,
or mental health trusts where the data list no community trust: 27 of the 42 ICSs). In
:func:`england`, a trust that belongs to several ICSs is one organisation, whose main ICS is
the one with its headquarters, and sits in the forums of every ICS it belongs to.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, replace
from importlib import resources
from importlib.abc import Traversable

import numpy as np
import pandas as pd

from ..core.errors import ICSSimError
from .composition import Composition, standard_forums
from .kinds import KIND_KEYS, Kind

#: The package-data files this module reads.
DATA_FILES = ("icbs.csv", "icb_local_authorities.csv", "trusts.csv", "icb_trust_membership.csv")

#: The attribution the Open Government Licence v3.0 asks for.
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: ONS, NHS England, NHS Digital (ODS)."
)

#: Model kind of each trust type in ``trusts.csv``.
TRUST_KINDS: dict[str, Kind] = {
    "acute": Kind.ACUTE,
    "acute_specialist": Kind.ACUTE,
    "mental_health": Kind.MENTAL_HEALTH,
    "community": Kind.COMMUNITY,
    "ambulance": Kind.AMBULANCE,
}

#: Share of a UTLA's LSOAs that must lie in an ICB for the UTLA to be one of its places.
MAJORITY = 0.5

_TRUST_KIND_ORDER = (Kind.ACUTE, Kind.COMMUNITY, Kind.MENTAL_HEALTH, Kind.AMBULANCE)
_LIST_HINT = "Run 'ics-sim list ics' to see all 42."


def data_file(name: str) -> Traversable:
    """A shipped data file (``"icbs.csv"``...), found with :mod:`importlib.resources`."""
    return resources.files("ics_sim") / "data" / "ics_england" / name


def _read(name: str, **kwargs) -> pd.DataFrame:
    with data_file(name).open("r", encoding="utf-8") as f:
        return pd.read_csv(f, **kwargs)


def short_name(name: str) -> str:
    """``"Devon"`` for ``"NHS Devon Integrated Care Board"``."""
    name = name.strip()
    name = name.removeprefix("NHS ")
    return name.removesuffix(" Integrated Care Board").strip()


def _tidy_trust_name(names: pd.Series) -> pd.Series:
    """Small words in lower case, as in the trusts' own names ("Hospitals of ... and ...")."""
    return names.str.replace(r" (And|Of|For|Upon) ", lambda m: f" {m[1].lower()} ", regex=True)


def _normal(text: str) -> str:
    """A name reduced for matching: lower case, '&' as 'and', no punctuation or NHS words."""
    t = text.lower().replace("&", " and ")
    t = re.sub(r"[^a-z0-9]+", " ", t).strip()
    t = re.sub(r"^nhs ", "", t)
    t = re.sub(r" (integrated care (board|system|partnership)|icb|ics)$", "", t)
    return t.strip()


# -- the tables, loaded once --------------------------------------------------------------------
@dataclass(frozen=True)
class _ICS:
    """The real organisations and places of one ICS (before PCNs and VCSE bodies)."""

    index: int
    ods: str
    ons: str
    short: str
    trust_codes: np.ndarray  # (T,) str, in local order: by kind, then hq first, then name
    trust_names: np.ndarray
    trust_kind: np.ndarray  # (T,) Kind codes
    trust_place: np.ndarray  # (T,) local place, -1 for system-wide trusts
    trust_home: np.ndarray  # (T,) bool: headquartered in this ICS
    place_codes: np.ndarray  # (P,) ONS codes of the places' councils, largest place first
    place_names: list[str]
    place_pop: np.ndarray  # (P,) population of the place's overlap with the ICB
    place_home: np.ndarray  # (P,) bool: the council's main ICS is this one


@dataclass(frozen=True)
class _Tables:
    icbs: pd.DataFrame  # one row per ICS, in file order (the ICS index)
    places: pd.DataFrame  # one row per (ICS, place), by ICS then local place index
    members: pd.DataFrame  # one row per (ICS, trust), by ICS then local trust order
    systems: tuple[_ICS, ...]


def select_places(overlaps: pd.DataFrame) -> pd.DataFrame:
    """The places of each ICB: UTLAs with a majority of their LSOAs in it, else the largest.

    "The largest" is the UTLA whose overlap with the ICB has the most people.

    ``overlaps`` has the columns of ``icb_local_authorities.csv``. The result keeps them, sorted
    by ICB then population of the overlap (largest first), and adds ``home`` (the ICB is the
    council's main one: the largest share of its LSOAs among the ICBs where it is a place) and
    ``place_name`` (the UTLA name, followed by the ICB's short name in brackets if the UTLA is
    a place of several ICBs).
    """
    o = overlaps.sort_values(
        ["icb_ods_code", "est_pop_2020", "utla_name"], ascending=[True, False, True]
    )
    chosen = o["share_of_utla_lsoas"] >= MAJORITY
    has_any = chosen.groupby(o["icb_ods_code"]).transform("any")
    chosen |= ~has_any & ~o["icb_ods_code"].duplicated()  # else the most populous overlap
    p = o[chosen].copy()
    best = p.sort_values("share_of_utla_lsoas", ascending=False).drop_duplicates("utla_code")
    p["home"] = p.index.isin(best.index)
    shared = p["utla_code"].duplicated(keep=False)
    p["place_name"] = p["utla_name"].where(
        ~shared, p["utla_name"] + " (" + p["icb_name"].map(short_name) + ")"
    )
    return p.sort_values(
        ["icb_ods_code", "est_pop_2020", "utla_name"], ascending=[True, False, True]
    ).reset_index(drop=True)


@functools.lru_cache(maxsize=1)
def _tables() -> _Tables:
    codes = {"icb_code": str, "icb_ods_code": str}
    icbs = _read("icbs.csv", dtype=codes)
    icbs["short_name"] = icbs["icb_name"].map(short_name)
    ics_of = pd.Series(np.arange(len(icbs)), index=icbs["icb_ods_code"])

    places = select_places(_read("icb_local_authorities.csv", dtype=codes))
    places["ics"] = places["icb_ods_code"].map(ics_of).astype(np.int64)
    places = places.sort_values(["ics"], kind="stable").reset_index(drop=True)
    places["local_place"] = places.groupby("ics").cumcount()
    n_places = places.groupby("ics").size().reindex(range(len(icbs)), fill_value=0)
    if (n_places == 0).any():
        raise ICSSimError(
            "the shipped ICS data are incomplete: no local authority for "
            + ", ".join(icbs.loc[n_places.to_numpy() == 0, "icb_ods_code"])
        )

    trusts = _read("trusts.csv", dtype=str)
    unknown = set(trusts["trust_type"]) - set(TRUST_KINDS)
    if unknown:
        raise ICSSimError(f"unknown trust types in trusts.csv: {sorted(unknown)}")
    m = _read("icb_trust_membership.csv", dtype=str)[["icb_ods_code", "trust_code", "relation"]]
    m = m.merge(trusts[["trust_code", "trust_name", "trust_type"]], on="trust_code", validate="m:1")
    m["ics"] = m["icb_ods_code"].map(ics_of).astype(np.int64)
    m["kind"] = m["trust_type"].map({k: int(v) for k, v in TRUST_KINDS.items()})
    m["kind_order"] = m["kind"].map({int(k): i for i, k in enumerate(_TRUST_KIND_ORDER)})
    m["home"] = m["relation"] == "hq"
    m["trust_name"] = _tidy_trust_name(m["trust_name"])
    m = m.sort_values(
        ["ics", "kind_order", "home", "trust_name"], ascending=[True, True, False, True]
    ).reset_index(drop=True)
    # Acute trusts are dealt to the places in turn (places are sorted largest first).
    acute = m["kind"] == int(Kind.ACUTE)
    turn = m[acute].groupby("ics").cumcount()
    m["local_place"] = -1
    m.loc[acute, "local_place"] = turn % m.loc[acute, "ics"].map(n_places)

    systems = []
    p_groups = places.groupby("ics").indices
    m_groups = m.groupby("ics").indices
    empty = np.empty(0, dtype=np.int64)
    for c, row in enumerate(icbs.itertuples(index=False)):
        pi, mi = p_groups.get(c, empty), m_groups.get(c, empty)
        systems.append(
            _ICS(
                index=c,
                ods=row.icb_ods_code,
                ons=row.icb_code,
                short=row.short_name,
                trust_codes=m["trust_code"].to_numpy()[mi],
                trust_names=m["trust_name"].to_numpy()[mi],
                trust_kind=m["kind"].to_numpy()[mi],
                trust_place=m["local_place"].to_numpy()[mi],
                trust_home=m["home"].to_numpy()[mi],
                place_codes=places["utla_code"].to_numpy()[pi],
                place_names=places["place_name"].to_numpy()[pi].tolist(),
                place_pop=places["est_pop_2020"].to_numpy()[pi].astype(np.int64),
                place_home=places["home"].to_numpy()[pi],
            )
        )
    return _Tables(icbs=icbs, places=places, members=m, systems=tuple(systems))


# -- one ICS ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Local:
    """Every organisation of one ICS, in local order (by kind), with its local place."""

    names: list[str]
    kind: np.ndarray
    place: np.ndarray
    codes: np.ndarray  # real code, "" for synthetic organisations
    home: np.ndarray  # bool: this ICS is the organisation's main one
    place_names: list[str]


def n_pcns(population: np.ndarray, pcn_population: int = 50_000) -> np.ndarray:
    """PCNs of places of these populations: one per ``pcn_population`` people, at least one."""
    return np.maximum(1, np.floor(np.asarray(population) / pcn_population + 0.5)).astype(np.int64)


def _check_assumptions(pcn_population: int, vcse_per_place: int) -> None:
    for name, value, lo in (
        ("pcn_population", pcn_population, 1),
        ("vcse_per_place", vcse_per_place, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lo:
            raise ICSSimError(f"{name} must be a whole number >= {lo}, got {value!r}")


def _local(s: _ICS, pcn_population: int, vcse_per_place: int) -> _Local:
    n_places = len(s.place_names)
    pcn_n = n_pcns(s.place_pop, pcn_population)
    pcn_place = np.repeat(np.arange(n_places), pcn_n)
    pcn_i = np.arange(len(pcn_place)) - np.repeat(np.cumsum(pcn_n) - pcn_n, pcn_n) + 1
    vcse_place = np.repeat(np.arange(n_places), vcse_per_place)
    vcse_i = np.tile(np.arange(1, vcse_per_place + 1), n_places)
    pn = s.place_names
    blocks = [  # (names, kind, place, codes, home), in Kind order
        ([f"{s.short} ICB"], [int(Kind.ICB)], [-1], [s.ods], [True]),
        (
            s.trust_names.tolist(),
            s.trust_kind,
            s.trust_place,
            s.trust_codes,
            s.trust_home,
        ),
        (
            [f"PCN {pn[p]} {i}" for p, i in zip(pcn_place.tolist(), pcn_i.tolist(), strict=True)],
            np.full(len(pcn_place), int(Kind.PRIMARY_CARE)),
            pcn_place,
            np.full(len(pcn_place), ""),
            np.ones(len(pcn_place), bool),
        ),
        (
            list(pn),
            np.full(n_places, int(Kind.LOCAL_AUTHORITY)),
            np.arange(n_places),
            s.place_codes,
            s.place_home,
        ),
        (
            [
                f"VCSE {pn[p]} {i}"
                for p, i in zip(vcse_place.tolist(), vcse_i.tolist(), strict=True)
            ],
            np.full(len(vcse_place), int(Kind.VCSE)),
            vcse_place,
            np.full(len(vcse_place), ""),
            np.ones(len(vcse_place), bool),
        ),
    ]
    names = [name for b in blocks for name in b[0]]
    return _Local(
        names=names,
        kind=np.concatenate([np.asarray(b[1], dtype=np.int8) for b in blocks]),
        place=np.concatenate([np.asarray(b[2], dtype=np.int32) for b in blocks]),
        codes=np.concatenate([np.asarray(b[3], dtype=object) for b in blocks]),
        home=np.concatenate([np.asarray(b[4], dtype=bool) for b in blocks]),
        place_names=list(pn),
    )


def _provenance(what: str, pcn_population: int, vcse_per_place: int) -> str:
    return (
        f"{what} from ONS, NHS England and NHS Digital (ODS) data: "
        + ", ".join(DATA_FILES)
        + " in ics_sim/data/ics_england (provenance and caveats in SOURCES.md there). "
        + ATTRIBUTION
        + f" Assumptions (no data): one PCN per {pcn_population:,} people of each place "
        f"(at least one), {vcse_per_place} VCSE bodies per place, acute trusts dealt to the "
        "places in turn, largest place first."
    )


# -- finding an ICS -----------------------------------------------------------------------------
def _resolve(code: str) -> int:
    """Index of the ICS named by an ODS or ONS code or an unambiguous part of its name."""
    t = _tables()
    icbs = t.icbs
    text = str(code).strip()
    up = text.upper()
    ods, ons = icbs["icb_ods_code"].tolist(), icbs["icb_code"].tolist()
    shorts = icbs["short_name"].tolist()
    if up in ods:
        return ods.index(up)
    if up in ons:
        return ons.index(up)
    q = _normal(text)
    names = [_normal(s) for s in shorts]
    if q:
        if q in names:
            return names.index(q)
        hits = [i for i, n in enumerate(names) if q in n]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            listed = ", ".join(f"'{shorts[i]}' ({ods[i]})" for i in hits[:6])
            more = f" and {len(hits) - 6} more" if len(hits) > 6 else ""
            raise ICSSimError(
                f"ICS name {text!r} is ambiguous: it matches {listed}{more}; give more of the "
                f"name or an ODS code. {_LIST_HINT}"
            )
        councils = t.places.assign(n=t.places["utla_name"].map(_normal))
        hit = councils.loc[councils["n"] == q, "ics"].unique()
        if len(hit) == 1:
            return int(hit[0])
    raise ICSSimError(f"unknown ICS {text!r}; {_suggestions(text, ods, ons, shorts)} {_LIST_HINT}")


def _suggestions(text: str, ods: list[str], ons: list[str], shorts: list[str]) -> str:
    """'did you mean ...?' with the nearest codes or names, or how to name an ICS."""
    q, up = _normal(text), text.strip().upper()
    scored: list[tuple[float, int, str]] = []  # (-score, order, label)
    for i in range(len(ods)):
        for order, (cand, query, label) in enumerate(
            (
                (ods[i], up, f"'{ods[i]}' ({shorts[i]})"),
                (ons[i], up, f"'{ons[i]}' ({shorts[i]})"),
                (_normal(shorts[i]), q, f"'{shorts[i]}' ({ods[i]})"),
            )
        ):
            score = difflib.SequenceMatcher(None, query, cand).ratio() if query else 0.0
            if score >= 0.6:
                scored.append((-score, 3 * i + order, label))
    labels = list(dict.fromkeys(label for *_, label in sorted(scored)))[:3]
    if not labels:
        return (
            "give an ODS code (e.g. 'QOX'), an ONS code (e.g. 'E54000040') or part of a name "
            "(e.g. 'Devon')."
        )
    if len(labels) == 1:
        return f"did you mean {labels[0]}?"
    return f"did you mean {', '.join(labels[:-1])} or {labels[-1]}?"


# -- public API ---------------------------------------------------------------------------------
def list_icss(pcn_population: int = 50_000, vcse_per_place: int = 2) -> pd.DataFrame:
    """One row per ICS: codes, short name, region, population, places and organisations by kind.

    The counts are those :func:`from_icb` builds with the same assumptions.
    """
    _check_assumptions(pcn_population, vcse_per_place)
    t = _tables()
    n = len(t.icbs)
    idx = pd.RangeIndex(n)
    # Text columns as object dtype (not pandas 3's "str"), as `ics-sim list ics` expects.
    df = pd.DataFrame(
        {
            "ods_code": t.icbs["icb_ods_code"].astype(object),
            "ons_code": t.icbs["icb_code"].astype(object),
            "name": t.icbs["short_name"].astype(object),
            "region": t.icbs["nhs_region_name"].astype(object),
            "population": t.icbs["est_pop_2020"].astype(np.int64),
        }
    )
    n_places = t.places.groupby("ics").size().reindex(idx, fill_value=0)
    pcns = (
        pd.Series(n_pcns(t.places["est_pop_2020"], pcn_population))
        .groupby(t.places["ics"])
        .sum()
        .reindex(idx, fill_value=0)
    )
    by_kind = pd.crosstab(t.members["ics"], t.members["kind"]).reindex(
        index=idx, columns=range(len(Kind)), fill_value=0
    )
    by_kind[int(Kind.ICB)] = 1
    by_kind[int(Kind.PRIMARY_CARE)] = pcns
    by_kind[int(Kind.LOCAL_AUTHORITY)] = n_places
    by_kind[int(Kind.VCSE)] = n_places * vcse_per_place
    df["places"] = n_places.to_numpy()
    for k in Kind:
        df[KIND_KEYS[k]] = by_kind[int(k)].to_numpy().astype(np.int64)
    df["organisations"] = df[list(KIND_KEYS)].sum(axis=1)
    return df


def from_icb(code: str, pcn_population: int = 50_000, vcse_per_place: int = 2) -> Composition:
    """The composition of one ICS, named by ODS code (``QOX``), ONS code or part of its name.

    Raises ICSSimError, with the nearest valid codes or names, if ``code`` names no ICS or
    several.
    """
    _check_assumptions(pcn_population, vcse_per_place)
    s = _tables().systems[_resolve(code)]
    loc = _local(s, pcn_population, vcse_per_place)
    return Composition(
        name=f"{s.short} ICS",
        org_names=loc.names,
        kind=loc.kind,
        place=loc.place,
        place_names=loc.place_names,
        forums=standard_forums(loc.kind, loc.place, loc.place_names),
        ics_names=[s.short],
        codes=loc.codes.tolist(),
        provenance=_provenance(f"{s.short} ICS ({s.ods}, {s.ons})", pcn_population, vcse_per_place),
    )


def england(pcn_population: int = 50_000, vcse_per_place: int = 2) -> Composition:
    """All 42 ICSs of England in one composition.

    Each organisation appears once. A trust that belongs to several ICSs has the ICS of its
    headquarters as its main ICS (``ics``) and sits in the forums of every ICS it belongs to,
    which is what links the ICSs. Each ICS has its own ICB, places, PCNs, VCSE bodies and
    forums (named ``"<ICS>: <forum>"``, with ``Forum.ics`` its index).
    """
    _check_assumptions(pcn_population, vcse_per_place)
    t = _tables()
    locs = [_local(s, pcn_population, vcse_per_place) for s in t.systems]
    n_home = np.array([int(loc.home.sum()) for loc in locs])
    org_start = np.concatenate([[0], np.cumsum(n_home)])
    n_places = np.array([len(loc.place_names) for loc in locs])
    place_start = np.concatenate([[0], np.cumsum(n_places)])

    homes = [loc.home for loc in locs]
    codes = np.concatenate([loc.codes[h] for loc, h in zip(locs, homes, strict=True)])
    real = codes != ""
    by_code = pd.Index(codes[real])
    if not by_code.is_unique:
        dup = sorted(set(by_code[by_code.duplicated()]))
        raise ICSSimError(f"organisations with more than one main ICS in the ICS data: {dup}")
    global_of_code = np.flatnonzero(real)

    place = np.concatenate(
        [
            np.where(loc.place[h] >= 0, loc.place[h] + place_start[c], -1)
            for c, (loc, h) in enumerate(zip(locs, homes, strict=True))
        ]
    )
    forums = []
    for c, (s, loc) in enumerate(zip(t.systems, locs, strict=True)):
        g = np.empty(len(loc.names), dtype=np.int64)
        g[loc.home] = org_start[c] + np.arange(n_home[c])
        pos = by_code.get_indexer(loc.codes[~loc.home])
        if (pos < 0).any():
            missing = loc.codes[~loc.home][pos < 0].tolist()
            raise ICSSimError(f"{s.short}: partner organisations with no main ICS: {missing}")
        g[~loc.home] = global_of_code[pos]
        local_forums = standard_forums(
            loc.kind, loc.place, loc.place_names, ics=c, tag=f"{s.short}: "
        )
        forums += [replace(f, members=np.sort(g[f.members])) for f in local_forums]

    return Composition(
        name="England",
        org_names=[n for loc in locs for n in np.asarray(loc.names, dtype=object)[loc.home]],
        kind=np.concatenate([loc.kind[h] for loc, h in zip(locs, homes, strict=True)]),
        place=place,
        place_names=[p for loc in locs for p in loc.place_names],
        forums=forums,
        ics=np.repeat(np.arange(len(locs)), n_home),
        ics_names=[s.short for s in t.systems],
        codes=codes.tolist(),
        provenance=_provenance(
            f"England's {len(locs)} ICSs (a trust in several ICSs is one organisation, "
            "its main ICS the one of its headquarters)",
            pcn_population,
            vcse_per_place,
        ),
    )
