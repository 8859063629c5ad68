"""ics-sim import-survey: end to end, layouts, Excel, imputation flags, errors, fuzz."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ics_sim.interfaces.cli import main
from ics_sim.scenarios import survey as sv
from ics_sim.scenarios import system_file as sf
from tests.helpers import bounded

from .conftest import EXAMPLE


def run_import(example: Path, survey: str = "survey_wave1.csv", *extra: str) -> int:
    return main(
        [
            "import-survey",
            str(example / survey),
            "--map",
            str(example / "map.yaml"),
            "--out",
            str(example / "mine.yaml"),
            "--no-picture",
            *extra,
        ]
    )


def outputs(example: Path) -> list[Path]:
    return sorted(example.glob("mine*"))


def test_import_writes_a_system_file_that_loads(example, capsys):
    assert run_import(example) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "25 organisations, 21 responded" in out
    spec, comp = sf.load(example / "mine.yaml")
    assert comp.n == 25 and len(comp.forums) == 8
    table = pd.read_csv(example / "mine_relationships.csv")
    assert len(table) == 600
    shipped = pd.read_csv(EXAMPLE / "partnership_relationships.csv")
    pd.testing.assert_frame_equal(table, shipped)  # the shipped file is this command's output
    cov = pd.read_csv(example / "mine_coverage.csv")
    assert list(cov["responded"]).count(False) == 4
    assert "reciprocity" in (example / "mine_coverage.md").read_text()


def test_the_picture_is_drawn(example, capsys):
    assert (
        main(
            [
                "import-survey",
                str(example / "survey_wave1.csv"),
                "--map",
                str(example / "map.yaml"),
                "--out",
                str(example / "pic.yaml"),
            ]
        )
        == 0
    )
    assert (example / "pic_network.png").stat().st_size > 10_000


def test_observed_answers_are_kept_and_missing_ones_imputed_and_flagged(example):
    imp = sv.import_survey(example / "survey_wave1.csv", example / "map.yaml")
    names = [o.name for o in imp.survey.spec.organisations]
    ambulance = names.index("Western Counties Ambulance Service")  # did not respond
    rows = imp.ties.src == ambulance
    assert not imp.ties.observed[rows].any()
    methods = np.array(imp.methods)[rows]
    assert all("trust:" in m for m in methods)
    # an observed tie's trust is the mean of its three questions on the 1-4 scale
    raw = pd.read_csv(example / "survey_wave1.csv")
    i, j = names.index("Riverside and Vale ICB"), names.index("South Vale Hospital NHS Trust")
    sub = raw[(raw.iloc[:, 0] == names[i]) & (raw.iloc[:, 1] == names[j])]
    trust_q = ["Reliable", "In support of our mission", "Open to discussion"]
    ans = sub[sub["Question"].isin(trust_q) & (sub["Answer"] != "Don't know")]["Answer"]
    k = int(np.flatnonzero((imp.ties.src == i) & (imp.ties.dst == j))[0])
    assert imp.ties.values["trust"][k] == pytest.approx((ans.astype(float).mean() - 1) / 3)


def test_wide_layout_and_excel_give_the_same_table(example, capsys):
    long = pd.read_csv(example / "survey_wave1.csv", dtype=str, keep_default_na=False)
    wide = long.pivot_table(
        index=["Respondent organisation", "Partner"],
        columns="Question",
        values="Answer",
        aggfunc="first",
        fill_value="",
    ).reset_index()
    wide.to_excel(example / "wide.xlsx", index=False)
    m = yaml.safe_load((example / "map.yaml").read_text())
    m["layout"] = "wide"
    (example / "map.yaml").write_text(yaml.safe_dump(m))
    assert run_import(example, "wide.xlsx") == 0, capsys.readouterr().err
    table = pd.read_csv(example / "mine_relationships.csv")
    shipped = pd.read_csv(EXAMPLE / "partnership_relationships.csv")
    cols = ["rater", "ratee", "trust", "value", "familiarity", "contact", "observed"]
    pd.testing.assert_frame_equal(table[cols], shipped[cols])


@pytest.mark.parametrize(
    "edit, expect",
    [
        (
            lambda df: df.replace("Harbour PCN", "Harbor PCN"),
            "column Partner: 'Harbor PCN' is not one of the organisations in organisations.yaml "
            "(did you mean 'Harbour PCN'?)",
        ),
        (lambda df: df.replace({"Answer": {"3": "7"}}), "'7' is not an answer to"),
        (lambda df: df.replace({"Answer": {"Weekly": "Daily"}}), "valid: one of 'Never'"),
        (lambda df: df.rename(columns={"Partner": "Partner org"}), "column 'Partner': not found"),
        (lambda df: pd.concat([df, df.iloc[[0]]]), "twice"),
    ],
)
def test_bad_surveys_fail_with_row_and_column_and_write_nothing(example, capsys, edit, expect):
    df = pd.read_csv(example / "survey_wave1.csv", dtype=str, keep_default_na=False)
    edit(df).to_csv(example / "bad.csv", index=False)
    assert run_import(example, "bad.csv") == 2
    err = capsys.readouterr().err
    assert err.startswith("ics-sim: error: ") and "bad.csv" in err and expect in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert outputs(example) == []


def test_bad_mapping_files_are_located(example, capsys):
    m = yaml.safe_load((example / "map.yaml").read_text())
    m["items"]["trusst"] = m["items"].pop("trust")
    (example / "map.yaml").write_text(yaml.safe_dump(m))
    assert run_import(example) == 2
    err = capsys.readouterr().err
    assert "map.yaml" in err and "did you mean 'trust'" in err
    assert outputs(example) == []


def test_anonymise_keeps_names_out_of_every_file(example, capsys):
    assert (
        main(
            [
                "import-survey",
                str(example / "survey_wave1.csv"),
                "--map",
                str(example / "map.yaml"),
                "--out",
                str(example / "mine.yaml"),
                "--anonymise",
            ]
        )
        == 0
    )
    spec, _ = sf.load(EXAMPLE / "partnership.yaml")
    files = outputs(example)
    assert len(files) == 5
    real = [o.name for o in spec.organisations] + ["North Shire", "South Vale", "Riverside"]
    for f in files:
        text = f.read_bytes().decode("latin-1")
        for name in real:
            assert name not in text, (f.name, name)
    _, comp = sf.load(example / "mine.yaml")
    assert comp.org_names[0] == "Integrated care board 1"
    table = pd.read_csv(example / "mine_relationships.csv")
    assert set(table["rater"]) == set(comp.org_names)


# -- property: a generated survey round-trips (import -> file -> Composition) --------------------
KINDS = ["icb", "acute", "local_authority", "vcse", "primary_care"]


@st.composite
def partnerships(draw):
    n = draw(st.integers(2, 6))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=n, max_size=n))
    names = [f"Org {i} {k}" for i, k in enumerate(kinds)]
    n_forums = draw(st.integers(0, 3))
    forums = []
    for f in range(n_forums):
        members = draw(st.lists(st.sampled_from(names), min_size=2, max_size=n, unique=True))
        forums.append({"name": f"Forum {f}", "members": members})
    answers = []
    for i in range(n):
        for j in range(n):
            if i != j and draw(st.booleans()):
                for q in ("trust", "often"):
                    a = draw(st.sampled_from(["1", "2", "3", "4", "", "Don't know"]))
                    answers.append((names[i], names[j], q, a))
    return names, kinds, forums, answers


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(p=partnerships())
def test_import_round_trips_organisations_and_forums(tmp_path_factory, p):
    names, kinds, forums, answers = p
    d = tmp_path_factory.mktemp("rt")
    system = {
        "name": "Gen",
        "organisations": [{"name": n, "kind": k} for n, k in zip(names, kinds, strict=True)],
    }
    if forums:
        system["forums"] = forums
    (d / "orgs.yaml").write_text(yaml.safe_dump(system))
    (d / "map.yaml").write_text(
        yaml.safe_dump(
            {
                "system": "orgs.yaml",
                "items": {
                    "trust": {"questions": ["trust"], "scale": {"likert": [1, 4]}},
                    "contact": {"questions": ["often"], "scale": {"likert": [1, 4]}},
                },
            }
        )
    )
    pd.DataFrame(answers, columns=["rater", "ratee", "question", "answer"]).to_csv(
        d / "s.csv", index=False
    )
    got = [a for a in answers if a[3] not in ("", "Don't know")]
    code = main(
        [
            "import-survey",
            str(d / "s.csv"),
            "--map",
            str(d / "map.yaml"),
            "--out",
            str(d / "out.yaml"),
            "--no-picture",
        ]
    )
    if not got:
        assert code == 2 and not (d / "out.yaml").exists()
        return
    assert code == 0
    spec, comp = sf.load(d / "out.yaml")
    assert comp.n == len(names) and comp.org_names == names
    assert len(comp.forums) == (
        len(forums) if forums else len(sf.validated(system, "g").composition().forums)
    )
    ties = comp.observed_ties
    assert len(ties) == len(names) * (len(names) - 1)
    answered = {(a[0], a[1]) for a in got if a[2] == "trust"} & {
        (a[0], a[1]) for a in got if a[2] == "often"
    }
    obs = {
        (names[i], names[j]) for i, j, o in zip(ties.src, ties.dst, ties.observed, strict=True) if o
    }
    assert obs == answered
    assert np.all((ties.values["trust"] >= 0) & (ties.values["trust"] <= 1))


# -- fuzz: mangled survey files fail cleanly, never with a traceback, and write nothing ---------
FRAGMENTS = st.sampled_from(
    [
        b"Respondent organisation,Partner,Question,Answer\n",
        b"Riverside and Vale ICB,Harbour PCN,Reliable,3\n",
        b"Riverside and Vale ICB,Harbour PCN,Reliable,3\n",
        b"Riverside and Vale ICB,Harbour PCN,How often do you work with them,Weekly\n",
        b"Riverside and Vale ICB,Harbor PCN,Reliable,3\n",
        b"Harbour PCN,Harbour PCN,Reliable,2\n",
        b"Harbour PCN,Riverside and Vale ICB,Reliable,9\n",
        b"Harbour PCN,Riverside and Vale ICB,Other question,x\n",
        b'"unterminated,quote\n',
        b",,,\n",
        b"a,b\n",
        b"\xff\xfe\x00garbage\n",
        b"\x00\n",
        b"PK\x03\x04not a zip",
        b"Respondent organisation;Partner;Question;Answer\n",
        b"\n",
        b"Harbour PCN,Riverside and Vale ICB,Reliable,nan\n",
        b"Harbour PCN,Riverside and Vale ICB,Open to discussion,Don't know\n",
    ]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(parts=st.lists(FRAGMENTS, min_size=0, max_size=8), excel=st.booleans())
def test_mangled_surveys_fail_cleanly(example, capsys, parts, excel):
    for f in outputs(example):
        f.unlink()
    name = "fuzz.xlsx" if excel else "fuzz.csv"
    (example / name).write_bytes(b"".join(parts))
    with bounded(1 << 30, 60):
        code = run_import(example, name)
    err = capsys.readouterr().err
    assert code in (0, 2), err
    assert "Traceback" not in err
    assert all(line.startswith("ics-sim: error: ") for line in err.splitlines()), err
    if code == 2:
        assert outputs(example) == []
    else:
        assert sf.load(example / "mine.yaml")[1].n == 25


def test_map_names_a_missing_system(example, capsys):
    shutil.copy(example / "map.yaml", example / "map2.yaml")
    m = yaml.safe_load((example / "map2.yaml").read_text())
    m["system"] = "nope.yaml"
    (example / "map.yaml").write_text(yaml.safe_dump(m))
    assert run_import(example) == 2
    assert "no system file 'nope.yaml'" in capsys.readouterr().err
