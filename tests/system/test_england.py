"""Real compositions of England's 42 ICSs (ics_sim.england) built from the shipped data.

Expectations are computed from the CSV files directly with pandas, not through the module's
own joins, so that a wrong join, filter or mapping in the module fails a test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import zipfile
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ics_sim import ICSModel
from ics_sim.composition import Composition
from ics_sim.engine import Engine
from ics_sim.errors import ICSSimError
from ics_sim.kinds import Kind
from ics_sim.system.network import build_topology

england_mod = pytest.importorskip("ics_sim.england")
from ics_sim.england import england, from_icb, list_icss  # noqa: E402

DATA = resources.files("ics_sim") / "data" / "ics_england"
CSVS = ("icbs.csv", "icb_local_authorities.csv", "trusts.csv", "icb_trust_membership.csv")
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: ONS, NHS England, NHS Digital (ODS)."
)
KIND_OF_TYPE = {
    "acute": "acute",
    "acute_specialist": "acute",
    "mental_health": "mental_health",
    "community": "community",
    "ambulance": "ambulance",
}


def read(name: str) -> pd.DataFrame:
    with (DATA / name).open("r", encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"icb_code": str, "icb_ods_code": str})


@pytest.fixture(scope="module")
def icbs() -> pd.DataFrame:
    return read("icbs.csv")


@pytest.fixture(scope="module")
def membership() -> pd.DataFrame:
    return read("icb_trust_membership.csv")


@pytest.fixture(scope="module")
def overlaps() -> pd.DataFrame:
    return read("icb_local_authorities.csv")


@pytest.fixture(scope="module")
def trusts() -> pd.DataFrame:
    return read("trusts.csv")


@pytest.fixture(scope="module")
def eng() -> Composition:
    return england()


ODS_CODES = read("icbs.csv")["icb_ods_code"].tolist()


def same(a: Composition, b: Composition) -> None:
    assert a.name == b.name
    assert a.org_names == b.org_names
    assert a.codes == b.codes
    assert a.place_names == b.place_names
    np.testing.assert_array_equal(a.kind, b.kind)
    np.testing.assert_array_equal(a.place, b.place)
    assert [f.name for f in a.forums] == [f.name for f in b.forums]
    for fa, fb in zip(a.forums, b.forums, strict=True):
        np.testing.assert_array_equal(fa.members, fb.members)


# -- package data -------------------------------------------------------------------------------
def test_package_data_is_found_with_importlib_resources():
    for name in (*CSVS, "SOURCES.md", "LICENCE.md"):
        assert (DATA / name).is_file(), name
    found = england_mod.data_file("icbs.csv")
    assert found.is_file()
    assert Path(str(found)).parent == Path(str(DATA))
    assert ATTRIBUTION in (DATA / "LICENCE.md").read_text(encoding="utf-8")
    assert ATTRIBUTION in (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert not (DATA / "src").is_dir(), "the raw snapshots must not ship"


@pytest.mark.slow
def test_installed_wheel_carries_and_reads_the_data(tmp_path):
    """Build a wheel from a copy of the source tree, install it elsewhere, and use it."""
    root = Path(__file__).resolve().parents[2]
    src = tmp_path / "src"
    src.mkdir()
    for f in ("pyproject.toml", "README.md"):
        shutil.copy(root / f, src / f)
    shutil.copytree(root / "ics_sim", src / "ics_sim", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "-w", str(wheels), "--no-deps", "-q"],
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        pytest.skip(f"could not build a wheel here (no network?): {built.stderr[-500:]}")
    (wheel,) = wheels.glob("ics_sim-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (*CSVS, "SOURCES.md", "LICENCE.md"):
        assert f"ics_sim/data/ics_england/{name}" in names
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target)]
        + [str(wheel)],
        check=True,
    )
    code = (
        "import ics_sim, ics_sim.england as e; "
        "print(ics_sim.__file__); print(len(e.list_icss())); print(e.from_icb('QOX').n)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        check=True,
    ).stdout.split()
    assert Path(out[0]).is_relative_to(target)
    assert out[1:] == ["42", str(from_icb("QOX").n)]


# -- list_icss ----------------------------------------------------------------------------------
def test_list_icss_has_the_42_icss(icbs):
    df = list_icss()
    assert len(df) == 42
    assert df["ods_code"].is_unique and df["ons_code"].is_unique
    assert set(df["ods_code"]) == set(icbs["icb_ods_code"])
    assert df["ons_code"].str.match(r"^E54\d{6}$").all()
    assert int(df["population"].sum()) == 56_550_138
    assert not df["name"].str.contains("NHS |Integrated Care Board", regex=True).any()
    row = df.set_index("ods_code").loc["QOX"]
    assert row["ons_code"] == "E54000040"
    assert row["name"] == "Bath and North East Somerset, Swindon and Wiltshire"
    assert row["region"] == "South West"
    for col in ("icb", "acute", "community", "mental_health", "ambulance", "primary_care"):
        assert col in df.columns
    assert (df["icb"] == 1).all()
    # `ics-sim list ics` shows the object-dtype columns and the population.
    assert [c for c in df.columns if df[c].dtype == object][:3] == ["ods_code", "ons_code", "name"]


def test_list_icss_counts_are_what_from_icb_builds():
    df = list_icss().set_index("ods_code")
    for code in ODS_CODES:
        counts = from_icb(code).counts()
        assert counts == {k: int(df.loc[code, k]) for k in counts}, code
        assert df.loc[code, "organisations"] == sum(counts.values())


# -- one ICS ------------------------------------------------------------------------------------
def test_codes_and_names_give_the_same_ics():
    a = from_icb("QOX")
    same(a, from_icb("E54000040"))
    same(a, from_icb("qox"))
    same(a, from_icb(" e54000040 "))
    same(a, from_icb("Swindon and Wiltshire"))
    assert a.name.startswith("Bath and North East Somerset, Swindon and Wiltshire")
    assert from_icb("Devon").codes[0] == "QJK"
    assert from_icb("Kent and Medway").codes[0] == "QKS"
    assert from_icb("NHS Kent & Medway ICB").codes[0] == "QKS"
    assert from_icb("Somerset").codes[0] == "QSL"  # exact name beats parts of other names


@pytest.mark.parametrize("code", ODS_CODES)
def test_each_ics_matches_the_data(code, icbs, membership, overlaps):
    comp = from_icb(code)
    icb = icbs.set_index("icb_ods_code").loc[code]
    short = icb["icb_name"].removeprefix("NHS ").removesuffix(" Integrated Care Board")
    kinds = np.array([Kind(int(k)).key for k in comp.kind])
    codes = np.array(comp.codes, dtype=object)

    # One ICB, with the real code and the short name.
    assert list(codes[kinds == "icb"]) == [code]
    assert comp.org_names[int(np.flatnonzero(kinds == "icb")[0])] == f"{short} ICB"
    assert comp.ics_names == [short]

    # Trusts: hq and partner members, counted by kind from the membership file.
    mine = membership[membership["icb_ods_code"] == code]
    expected = Counter(mine["trust_type"].map(KIND_OF_TYPE))
    for k in ("acute", "community", "mental_health", "ambulance"):
        assert int((kinds == k).sum()) == expected.get(k, 0), k
    trust_kinds = np.isin(kinds, ["acute", "community", "mental_health", "ambulance"])
    assert sorted(codes[trust_kinds]) == sorted(mine["trust_code"])

    # Councils: the UTLAs with a majority of their LSOAs in the ICB.
    majority = overlaps[
        (overlaps["icb_ods_code"] == code) & (overlaps["share_of_utla_lsoas"] >= 0.5)
    ]
    assert len(majority) >= 1
    councils = kinds == "local_authority"
    assert int(councils.sum()) == len(majority) == int(icb["n_utla_majority"])
    assert sorted(codes[councils]) == sorted(majority["utla_code"])
    assert sorted(comp.place_names) == sorted(majority["utla_name"])

    # Synthetic organisations have no code; real ones all do.
    synthetic = np.isin(kinds, ["primary_care", "vcse"])
    assert (codes[synthetic] == "").all()
    assert (codes[~synthetic] != "").all()

    # PCNs: one per 50,000 people of each place's overlap (at least one); 2 VCSE per place.
    for p, pname in enumerate(comp.place_names):
        pop = int(majority.loc[majority["utla_name"] == pname, "est_pop_2020"].iloc[0])
        here = comp.place == p
        assert int((here & (kinds == "primary_care")).sum()) == max(1, int(pop / 50_000 + 0.5))
        assert int((here & (kinds == "vcse")).sum()) == 2
        assert int((here & councils).sum()) == 1

    # Places: acute trusts, PCNs, councils and VCSE have one; the others are system-wide.
    placed = np.isin(kinds, ["acute", "primary_care", "local_authority", "vcse"])
    assert (comp.place[placed] >= 0).all() and (comp.place[~placed] == -1).all()
    assert (comp.place < len(comp.place_names)).all()

    # Forums: every organisation sits in one; provenance names the data and the licence.
    members = np.concatenate([f.members for f in comp.forums])
    assert set(members.tolist()) == set(range(comp.n))
    assert "Open Government Licence v3.0" in comp.provenance
    assert "icb_trust_membership.csv" in comp.provenance and "PCN" in comp.provenance
    build_topology(comp)


def test_trust_names_and_places_in_one_ics(trusts):
    comp = from_icb("QOX")
    names = dict(zip(comp.codes, comp.org_names, strict=True))
    assert names["RD1"] == "Royal United Hospitals Bath NHS Foundation Trust"
    assert names["RVN"] == "Avon and Wiltshire Mental Health Partnership NHS Trust"
    assert names["E06000054"] == "Wiltshire"
    assert comp.place_names[0] == "Wiltshire"  # largest place first
    acute = comp.kind == int(Kind.ACUTE)
    assert sorted(comp.place[acute].tolist()) == [0, 1, 2]  # dealt one to each place
    pcns = [n for n, k in zip(comp.org_names, comp.kind, strict=True) if k == Kind.PRIMARY_CARE]
    assert pcns[0] == "PCN Wiltshire 1"


def test_partner_acute_trusts_come_after_headquartered_ones(membership):
    comp = from_icb("QWO")  # West Yorkshire: Harrogate (RCD) is a partner, HQ elsewhere
    acute = [c for c, k in zip(comp.codes, comp.kind, strict=True) if k == Kind.ACUTE]
    wy = membership[membership["icb_ods_code"] == "QWO"].set_index("trust_code")["relation"]
    relations = [wy[c] for c in acute]
    assert "partner" in relations
    assert relations == sorted(relations, key=lambda r: r != "hq")


def test_list_icss_follows_the_assumption_keywords():
    df = list_icss(pcn_population=120_000, vcse_per_place=3).set_index("ods_code")
    for code in ("QOX", "QYG", "QSL"):
        counts = from_icb(code, pcn_population=120_000, vcse_per_place=3).counts()
        assert counts == {k: int(df.loc[code, k]) for k in counts}, code
    assert (df["vcse"] == 3 * df["places"]).all()


def test_assumption_keywords():
    base = from_icb("Devon")
    fewer = from_icb("Devon", pcn_population=100_000, vcse_per_place=0)
    assert fewer.counts()["vcse"] == 0
    assert fewer.counts()["primary_care"] < base.counts()["primary_care"]
    assert "100,000" in fewer.provenance
    with pytest.raises(ICSSimError, match="pcn_population"):
        from_icb("Devon", pcn_population=0)
    with pytest.raises(ICSSimError, match="vcse_per_place"):
        england(vcse_per_place=-1)


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("QXX", r"unknown ICS 'QXX'; did you mean 'QOX' \(Bath and North East Somerset"),
        ("E5400004", r"unknown ICS 'E5400004'; did you mean 'E54000040'"),
        ("Devn", r"unknown ICS 'Devn'; did you mean 'Devon' \(QJK\)"),
        ("London", r"ambiguous.*'North Central London' \(QMJ\)"),
        ("zzzzzz", r"unknown ICS 'zzzzzz'; give an ODS code"),
        ("", r"unknown ICS ''"),
    ],
)
def test_bad_codes_raise_with_a_suggestion(bad, expected):
    with pytest.raises(ICSSimError, match=expected) as err:
        from_icb(bad)
    assert "ics-sim list ics" in str(err.value)


def test_an_icsmodel_runs_on_every_ics():
    for code in ODS_CODES:
        df = ICSModel(rng=1, ics=code).run(5)
        assert len(df) == 6, code
        assert np.isfinite(df.drop(columns="week").to_numpy(dtype=float)).all(), code
    model = ICSModel(rng=1, ics="QOX")
    assert model.composition.codes[0] == "QOX"


def test_select_places_falls_back_to_the_largest_overlap():
    rows = [  # (icb, utla code, utla, share of the UTLA's LSOAs, population of the overlap)
        ("QAA", "E1", "Alpha", 0.9, 900),
        ("QAA", "E2", "Beta", 0.6, 600),
        ("QBB", "E2", "Beta", 0.4, 400),
        ("QBB", "E3", "Gamma", 0.45, 100),  # a larger share of a smaller UTLA
        ("QCC", "E4", "Delta", 1.0, 50),
    ]
    df = pd.DataFrame(
        rows,
        columns=["icb_ods_code", "utla_code", "utla_name", "share_of_utla_lsoas", "est_pop_2020"],
    )
    df["icb_name"] = "NHS " + df["icb_ods_code"] + " Integrated Care Board"
    p = england_mod.select_places(df)
    got = {(r.icb_ods_code, r.utla_code): (r.home, r.place_name) for r in p.itertuples()}
    assert got == {
        ("QAA", "E1"): (True, "Alpha"),
        ("QAA", "E2"): (True, "Beta (QAA)"),
        ("QBB", "E2"): (False, "Beta (QBB)"),  # no majority UTLA: the most people
        ("QCC", "E4"): (True, "Delta"),
    }
    assert p[p["icb_ods_code"] == "QAA"]["utla_name"].tolist() == ["Alpha", "Beta"]


# -- England ------------------------------------------------------------------------------------
def test_england_builds_fast():
    england()
    t0 = time.perf_counter()
    comp = england()
    assert time.perf_counter() - t0 < 2.0
    assert comp.n > 1000


def test_england_has_every_organisation_once(eng, icbs, trusts, overlaps):
    assert len(eng.ics_names) == 42 and len(set(eng.ics_names)) == 42
    codes = pd.Series(eng.codes)
    real = codes[codes != ""]
    assert real.is_unique
    assert set(trusts["trust_code"]) <= set(real)
    assert Counter(codes)["RYF"] == 1
    assert set(icbs["icb_ods_code"]) <= set(real)
    assert set(overlaps["utla_code"]) == set(
        real[real.str.startswith("E0") | real.str.startswith("E1")]
    )
    n_trusts = int(
        np.isin(eng.kind, [int(Kind[k.upper()]) for k in set(KIND_OF_TYPE.values())]).sum()
    )
    assert n_trusts == len(trusts)
    assert eng.counts()["icb"] == 42 and eng.counts()["local_authority"] == 153
    assert len(set(eng.place_names)) == len(eng.place_names) == 153
    assert len(set(eng.org_names)) == eng.n
    assert (
        sum(from_icb(c).counts()["primary_care"] for c in ODS_CODES) == eng.counts()["primary_care"]
    )


def test_england_main_ics_and_forums_of_trusts(eng, icbs, trusts, membership):
    ics_of = {c: i for i, c in enumerate(icbs["icb_ods_code"])}
    assert [eng.ics_names[ics_of[c]] for c in ("QOX", "QJK")] == [
        "Bath and North East Somerset, Swindon and Wiltshire",
        "Devon",
    ]
    index = {c: i for i, c in enumerate(eng.codes) if c}
    forums_of: dict[int, set[int]] = {}
    for f in eng.forums:
        assert 0 <= f.ics < 42
        for m in f.members.tolist():
            forums_of.setdefault(m, set()).add(f.ics)
    assert set(forums_of) == set(range(eng.n))  # everyone sits in some forum
    for t in trusts.itertuples():
        i = index[t.trust_code]
        assert eng.ics[i] == ics_of[t.hq_icb_ods_code], t.trust_code
        member_of = {
            ics_of[c]
            for c in membership.loc[membership["trust_code"] == t.trust_code, "icb_ods_code"]
        }
        assert forums_of[i] == member_of, t.trust_code
    multi = trusts[trusts["n_ics"] > 1]
    assert len(multi) > 0
    assert all(len(forums_of[index[c]]) > 1 for c in multi["trust_code"])
    # Non-trust organisations sit only in the forums of their own ICS.
    not_trust = ~np.isin(
        eng.kind, [int(k) for k in (Kind.ACUTE, Kind.COMMUNITY, Kind.MENTAL_HEALTH, Kind.AMBULANCE)]
    )
    for i in np.flatnonzero(not_trust).tolist():
        assert forums_of[i] == {int(eng.ics[i])}


def test_england_forums_are_each_icss_own(eng):
    """The forums of each ICS in England are those of from_icb, with the same members."""
    names = np.array(eng.org_names, dtype=object)
    for c, code in enumerate(ODS_CODES):
        one = from_icb(code)
        one_names = np.array(one.org_names, dtype=object)
        mine = [f for f in eng.forums if f.ics == c]
        tag = f"{eng.ics_names[c]}: "
        assert [f.name for f in mine] == [tag + f.name for f in one.forums]
        for fe, fo in zip(mine, one.forums, strict=True):
            assert sorted(names[fe.members]) == sorted(one_names[fo.members])
            assert (fe.type, fe.period, fe.offset, fe.rule) == (
                fo.type,
                fo.period,
                fo.offset,
                fo.rule,
            )
        # Organisations with a place are placed in their own ICS's places.
        placed = (eng.ics == c) & (eng.place >= 0)
        assert set(np.array(eng.place_names, dtype=object)[eng.place[placed]]) == set(
            one.place_names
        )


def test_england_topology_links_the_icss(eng):
    topo = build_topology(eng)
    assert topo.n == eng.n and topo.n_ics == 42 and topo.n_forums == len(eng.forums)
    cross = eng.ics[topo.src] != eng.ics[topo.dst]
    assert cross.any()
    linked = {
        frozenset(p)
        for p in zip(
            eng.ics[topo.src[cross]].tolist(), eng.ics[topo.dst[cross]].tolist(), strict=True
        )
    }
    assert len(linked) >= 42  # many pairs of ICSs share a trust


def test_england_engine_steps(eng):
    engine = Engine(eng, [1])
    for _ in range(3):
        engine.step()
    assert engine.week == 3
    out = engine.outcomes()
    assert all(np.isfinite(v).all() for v in out.values())
