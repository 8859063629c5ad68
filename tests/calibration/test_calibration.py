"""Calibration: targets and priors files, the likelihoods, implausibility, determinism across
workers, resume, simulation-based calibration, and the CLI end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ics_sim.calibration.method import Budget, Problem, calibrate, distance, implausibility
from ics_sim.calibration.priors import load_priors
from ics_sim.calibration.run import read_ensemble, run_calibration, sbc
from ics_sim.calibration.targets import Target, load_targets
from ics_sim.core.errors import ICSSimError
from ics_sim.interfaces.cli import main

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "calibration" / "kings_fund.yaml"

#: a tiny, quick problem: the default ICS, a short warm-up, two targets, two parameters
TARGETS = """\
name: tiny
targets:
  - name: unsafe
    outcome: unsafe_share
    week: 2
    k: 25
    n: 50
    source: test
    passage: half
  - name: not_shared
    outcome: power_not_shared_share
    window: [0, 2]
    range: [0.5, 1.0]
    n: 50
    source: test
    passage: more than half
"""
PRIORS = """\
name: tiny
parameters:
  - {name: safety_base, distribution: uniform, lo: 0.4, hi: 0.9}
  - {name: power_voice_exponent, distribution: normal, mean: 3.0, sd: 1.0, lo: 1.0, hi: 4.0}
fixed: {warmup_weeks: 4}
"""
BUDGET = ["--simulations", "20", "--replicates", "2", "--waves", "1", "--generations", "3"]


def t(**kw) -> Target:
    base = {"name": "x", "outcome": "unsafe_share", "week": 0, "source": "s", "passage": "p"}
    return Target.model_validate({**base, **kw})


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "targets.yaml").write_text(TARGETS)
    (tmp_path / "priors.yaml").write_text(PRIORS)
    return tmp_path / "targets.yaml", tmp_path / "priors.yaml"


# --- files -------------------------------------------------------------------------------


def test_shipped_targets_load_with_their_passages() -> None:
    spec = load_targets(SHIPPED)
    names = {x.name: x for x in spec.targets}
    assert set(names) == {"unsafe_to_voice", "power_not_shared", "conflict_surfaced"}
    assert names["unsafe_to_voice"].k == 25 and names["unsafe_to_voice"].n == 50
    assert "not safe enough to voice" in names["unsafe_to_voice"].passage
    assert names["power_not_shared"].range == (0.5, 1.0)
    assert all(x.assumption for x in spec.targets)  # n is an explicit assumption
    load_priors(ROOT / "calibration" / "priors.yaml")


@pytest.mark.parametrize(
    ("text", "field", "valid"),
    [
        (TARGETS.replace("unsafe_share", "unsafe_shar"), "targets[0].outcome", "unsafe_share"),
        (TARGETS.replace("k: 25", "k: 51"), "targets[0]", "k <= n"),
        (TARGETS.replace("    week: 2\n", ""), "targets[0]", "'week' or 'window'"),
        (TARGETS.replace("passage: half", "pasage: half"), "targets[0]", "valid keys"),
        (TARGETS.replace("week: 2\n", "week: 2\n    system: QZZ\n"), "targets[0].system", "QOX"),
    ],
)
def test_bad_targets_exit_2_naming_file_and_field(files, capsys, text, field, valid) -> None:
    tf, pf = files
    tf.write_text(text)
    assert main(["calibrate", str(tf), "--parameters", str(pf), "--out", str(tf.parent / "o")]) == 2
    err = capsys.readouterr().err
    assert str(tf) in err and field in err and valid in err
    assert "Traceback" not in err and not (tf.parent / "o").exists()


@pytest.mark.parametrize(
    ("text", "field", "valid"),
    [
        (PRIORS.replace("safety_base", "safety_bse"), "parameters[0].name", "safety_base"),
        (PRIORS.replace("hi: 4.0", "hi: 5.0"), "parameters[1].lo", "[0.0, 4.0]"),
        (PRIORS.replace("uniform", "beta"), "parameters[0].distribution", "uniform"),
        (PRIORS.replace("warmup_weeks: 4", "warmup_weeks: -1"), "fixed.warmup_weeks", "valid"),
    ],
)
def test_bad_priors_exit_2_naming_file_and_field(files, capsys, text, field, valid) -> None:
    tf, pf = files
    pf.write_text(text)
    assert main(["calibrate", str(tf), "--parameters", str(pf), "--out", str(tf.parent / "o")]) == 2
    err = capsys.readouterr().err
    assert str(pf) in err and field in err and valid in err, err
    assert "Traceback" not in err


# --- likelihoods and implausibility --------------------------------------------------------


def test_binomial_likelihood_exact() -> None:
    x = t(k=25, n=50)
    assert x.log_likelihood(0.5) == pytest.approx(math.log(math.comb(50, 25) * 0.5**50), rel=1e-12)
    assert x.log_likelihood(0.3) == pytest.approx(
        math.log(math.comb(50, 25) * 0.3**25 * 0.7**25), rel=1e-12
    )


def test_beta_binomial_likelihood_exact_and_wider() -> None:
    rho = 0.1
    x = t(k=5, n=10, overdispersion=rho)
    a = b = 0.5 * (1 - rho) / rho
    assert x.log_likelihood(0.5) == pytest.approx(stats.betabinom.logpmf(5, 10, a, b))
    # overdispersion spreads the mass: an extreme count is more likely than under binomial
    assert t(k=0, n=10, overdispersion=rho).log_likelihood(0.5) > t(k=0, n=10).log_likelihood(0.5)
    assert x.var_obs() == pytest.approx(0.25 / 10 * (1 + 9 * rho))


def test_implausibility_hand_example() -> None:
    # count 25/50: var_obs = 0.5*0.5/50 = 0.005; discrepancy 0.02 -> 0.0004; ensemble 0.0046
    # -> sqrt(0.01) = 0.1; simulated 0.8 -> |0.5-0.8|/0.1 = 3
    c = t(k=25, n=50, discrepancy=0.02)
    r = t(range=(0.5, 1.0), discrepancy=0.0, n=None)  # no sampling error: I = gap / sd_ens
    mean = np.array([[0.8, 0.3], [0.5, 0.7]])
    var = np.array([[0.0046, 0.01], [0.0046, 0.01]])
    imp = implausibility([c, r], mean, var)
    np.testing.assert_allclose(imp, [[3.0, 2.0], [0.0, 0.0]], atol=1e-12)
    d = distance([c], np.array([[0.6]]))
    assert d[0] == pytest.approx(0.1 / math.sqrt(0.0054))


def test_identifiability_verdicts() -> None:
    from ics_sim.calibration.priors import PriorsFile
    from ics_sim.calibration.run import identifiability

    priors = PriorsFile.model_validate(
        {"parameters": [{"name": "safety_base", "lo": 0.0, "hi": 1.0},
                        {"name": "trust_gain", "lo": 0.0, "hi": 0.2}]}
    )  # fmt: skip
    n = 40
    ens = pd.DataFrame(
        {
            "set": range(n),
            "weight": np.full(n, 1 / n),
            "safety_base": np.linspace(0.49, 0.51, n),  # sd ~0.006 against 0.289: pinned
            "trust_gain": np.linspace(0.0, 0.2, n),  # the prior's spread: not pinned
        }
    )
    ident = identifiability(priors, ens).set_index("parameter")
    assert ident.loc["safety_base", "verdict"] == "pinned"
    assert ident.loc["trust_gain", "verdict"] == "not pinned by these targets"
    assert ident.loc["safety_base", "prior_sd"] == pytest.approx(1 / math.sqrt(12), rel=1e-4)
    assert ident.loc["trust_gain", "sd_ratio"] == pytest.approx(1.0, abs=0.03)
    assert ident.loc["trust_gain", "effective_sets"] == pytest.approx(n)
    few = identifiability(priors, ens.iloc[:3].assign(weight=1 / 3))
    assert set(few["verdict"]) == {"too few accepted sets to judge"}


@settings(max_examples=60, deadline=None)
@given(
    lo=st.floats(0.0, 0.9),
    width=st.floats(0.0, 0.5),
    sim=st.floats(0.0, 1.0),
    var=st.floats(0.0, 0.05),
)
def test_range_implausibility_is_zero_inside_and_grows_outside(lo, width, sim, var) -> None:
    r = t(range=(lo, lo + width), n=50, discrepancy=0.01)
    imp = implausibility([r], np.array([[sim]]), np.array([[var]]))[0, 0]
    assert imp >= 0
    assert (imp == 0) == (lo <= sim <= lo + width)
    further = implausibility(
        [r], np.array([[sim + 0.1 if sim > lo else sim - 0.1]]), np.array([[var]])
    )
    assert further[0, 0] >= imp


# --- the method ----------------------------------------------------------------------------


def _run(files, out: Path, *extra: str) -> int:
    tf, pf = files
    args = ["calibrate", str(tf), "--parameters", str(pf), "--out", str(out), *BUDGET]
    return main([*args, "--no-progress", *extra])


def test_cli_end_to_end_and_workers_do_not_change_the_ensemble(files, tmp_path, capsys) -> None:
    assert _run(files, tmp_path / "w0", "--workers", "1") == 0
    assert _run(files, tmp_path / "w2", "--workers", "2") == 0
    a = pd.read_parquet(tmp_path / "w0" / "ensemble.parquet")
    b = pd.read_parquet(tmp_path / "w2" / "ensemble.parquet")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a.columns) == ["set", "weight", "safety_base", "power_voice_exponent"]
    assert a["weight"].sum() == pytest.approx(1.0, abs=1e-12)
    assert a["set"].tolist() == list(range(len(a)))
    _, meta = read_ensemble(tmp_path / "w0" / "ensemble.parquet")
    assert meta["seed"] == 1 and meta["targets_hash"].startswith("sha256:")
    assert meta["priors"][0]["name"] == "safety_base"
    out = tmp_path / "w0"
    for f in ("prior_posterior.png", "predictive.png", "identifiability.md", "calibration.json"):
        assert (out / f).stat().st_size > 0
    ident = pd.read_csv(out / "identifiability.csv")
    verdicts = {"pinned", "not pinned by these targets", "too few accepted sets to judge"}
    assert set(ident["verdict"]) <= verdicts
    pred = pd.read_csv(out / "predictive.csv")
    assert pred["target"].tolist() == ["unsafe", "not_shared"]
    manifest = json.loads((out / "calibration.json").read_text())
    assert manifest["simulations"] == 20 and "ensemble.parquet" in manifest["files"]
    # the same folder again: refused without --resume; with it, every stage is read back
    capsys.readouterr()
    assert _run(files, out, "--workers", "0") == 2
    assert "--resume" in capsys.readouterr().err
    assert _run(files, out, "--workers", "0", "--resume") == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "ensemble.parquet"), a, check_exact=True)


def test_resume_gives_the_same_result_as_uninterrupted(files, tmp_path) -> None:
    tf, pf = files
    budget = Budget(simulations=16, replicates=2, waves=1, generations=3)
    whole = run_calibration(tf, pf, tmp_path / "a", budget=budget, workers=0)
    part = Budget(simulations=16, replicates=2, waves=1, generations=3)
    run_calibration(tf, pf, tmp_path / "b", budget=part, workers=0)
    state = tmp_path / "b" / "state"
    for f in ("generation_1.npz", "generation_2.npz"):  # "stopped" after the first generation
        (state / f).unlink()
    (tmp_path / "b" / "ensemble.parquet").unlink()
    again = run_calibration(
        tf,
        pf,
        tmp_path / "b",
        budget=Budget(simulations=16, replicates=2, waves=1, generations=3),
        workers=0,
        resume=True,
    )
    pd.testing.assert_frame_equal(whole.ensemble, again.ensemble, check_exact=True)
    assert pq.read_table(tmp_path / "a" / "ensemble.parquet").equals(
        pq.read_table(tmp_path / "b" / "ensemble.parquet")
    )


def test_resume_refuses_a_different_calibration(files, tmp_path) -> None:
    tf, pf = files
    run_calibration(tf, pf, tmp_path / "a", budget=Budget(8, 2, 0, 0, 1), workers=0)
    with pytest.raises(ICSSimError, match="seed"):
        run_calibration(tf, pf, tmp_path / "a", seed=2, budget=Budget(8, 2, 0, 0, 1), resume=True)
    with pytest.raises(ICSSimError, match="--resume"):
        run_calibration(tf, pf, tmp_path / "a", budget=Budget(8, 2, 0, 0, 1), workers=0)


def test_sbc_ranks_in_range_on_a_toy_model() -> None:
    """SBC on a model whose target is its parameter plus noise: ranks in [0, 1], and the
    central intervals cover the truth about as often as they claim."""
    from ics_sim.calibration.priors import PriorsFile

    priors = PriorsFile.model_validate(
        {"parameters": [{"name": "safety_base", "lo": 0.2, "hi": 0.8}]}
    )
    target = t(share=0.5, se=0.05, discrepancy=0.0)

    def evaluate(tasks):
        out = []
        for task in tasks:
            x = dict(task.settings)["safety_base"]
            r = np.random.default_rng(task.seeds)
            out.append(x + 0.05 * r.standard_normal((len(task.seeds), 1)))
        return out

    p = Problem([target], priors, Budget(200, 2, 0, 1, 3, population=40), seed=7)
    df = sbc(p, 40, evaluate)
    assert df["rank"].between(0, 1).all() and len(df) == 40
    # near nominal (ABC with a finite tolerance errs on the wide side): measured 0.68 and 0.93
    # over 100 runs
    assert 0.35 <= df["in_50"].mean() <= 0.9 and df["in_90"].mean() >= 0.75
    waves, gens, _ = calibrate(p, evaluate)
    assert len(waves) == 1 and len(gens) == 3


@pytest.mark.slow
def test_cli_sbc_on_the_model(files, tmp_path) -> None:
    assert _run(files, tmp_path / "s", "--workers", "0", "--sbc", "3") == 0
    s = pd.read_csv(tmp_path / "s" / "sbc.csv")
    assert len(s) == 6 and s["rank"].between(0, 1).all()
    assert (tmp_path / "s" / "sbc_ranks.png").stat().st_size > 0
