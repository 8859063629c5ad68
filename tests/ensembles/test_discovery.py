"""Scenario discovery: the rules recover a planted box; the command end to end, refusing bad
files, and the same points whatever the number of workers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ics_sim.evaluation.discovery import cart_rules, describe, find_rules, sentences
from ics_sim.interfaces.cli import main


def _planted(n: int = 400, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    """Three factors on [0, 1]; the portfolio fails exactly where a > 0.7 and b < 0.5."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((n, 3)), columns=["a", "b", "c"])
    fail = (x["a"] > 0.7) & (x["b"] < 0.5)
    return x, ~fail.to_numpy()


def test_prim_recovers_the_planted_failure_box() -> None:
    x, ok = _planted()
    rules = find_rules(x, ok, density_threshold=0.98, mass_min=0.02)
    box = rules.failure
    assert box is not None
    assert set(box.limits) == {"a", "b"}  # c plays no part
    assert box.limits["a"][0] == pytest.approx(0.7, abs=0.04)
    assert box.limits["b"][1] == pytest.approx(0.5, abs=0.04)
    assert box.density >= 0.98 and box.coverage >= 0.85
    assert rules.share_success == pytest.approx(ok.mean())
    text = sentences(rules, "Breakfast", "raises collaboration")[0]
    assert text.startswith(f"Breakfast raises collaboration in {ok.mean():.0%} of 400")
    assert "unless a exceeds 0.7" in text and "and b is below 0.5" in text
    assert "coverage" in text and "density" in text


def test_cart_finds_the_planted_rule() -> None:
    x, ok = _planted()
    rules, text, _ = cart_rules(x, ok, depth=2, mass_min=0.02)
    worst = min(rules, key=lambda r: r["share_success"])
    assert worst["share_success"] < 0.1
    assert "a > 0.69" in worst["rule"] or "a > 0.7" in worst["rule"]
    assert "b <= 0.5" in worst["rule"]
    assert sum(r["points"] for r in rules) == 400
    assert "a <=" in text


def test_nothing_to_explain_when_it_always_succeeds() -> None:
    x, _ = _planted(50)
    rules = find_rules(x, np.ones(50, dtype=bool))
    assert rules.failure is None and rules.success is None and rules.share_success == 1.0


def test_describe_both_sides() -> None:
    lim = {"a": (0.2, 0.6), "b": (0.0, 0.3)}
    assert (
        describe(lim, {"a": (0, 1), "b": (0, 1)}) == "a is between 0.2 and 0.6 and b is below 0.3"
    )


DISC = """\
name: Tiny discovery
scenario: small.yaml
portfolio:
  name: Breakfast
  interventions: [{type: big_breakfast, start: 0}]
factors:
  trust_gain: {range: [0.0, 0.2]}
  silo_strength: {range: [0.0, 1.0]}
samples: 8
replicates: 2
weeks: 3
"""


def test_discover_end_to_end(folder: Path, capsys) -> None:
    (folder / "disc.yaml").write_text(DISC)
    assert main(["discover", "disc.yaml", "--workers", "0", "--out", "d0", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "Breakfast raises collaboration index in" in out and "of 8 sampled futures" in out
    d0 = folder / "d0"
    for name in ("points.parquet", "rules.md", "rules.json", "tree.png", "manifest.json"):
        assert (d0 / name).exists(), name
    pts = pd.read_parquet(d0 / "points.parquet")
    assert len(pts) == 8 and {"trust_gain", "silo_strength", "effect", "success"} <= set(pts)
    assert np.allclose(pts["effect"], pts["portfolio"] - pts["baseline"], atol=1e-15)
    assert pts["trust_gain"].between(0, 0.2).all()
    assert (pts["success"] == (pts["effect"] > 0)).all()
    rules = json.loads((d0 / "rules.json").read_text())
    assert rules["points"] == 8 and rules["share_success"] == pytest.approx(pts["success"].mean())


@pytest.mark.slow
def test_discover_is_the_same_whatever_the_workers(folder: Path) -> None:
    (folder / "disc.yaml").write_text(DISC)
    frames = []
    for n in ("0", "1", "2"):
        assert (
            main(["discover", "disc.yaml", "--workers", n, "--out", f"d{n}", "--no-progress"]) == 0
        )
        frames.append(pd.read_parquet(folder / f"d{n}" / "points.parquet"))
        rules = json.loads((folder / f"d{n}" / "rules.json").read_text())
        assert rules["summary"] == json.loads((folder / "d0" / "rules.json").read_text())["summary"]
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], other)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("trust_gain: {range: [0.0, 0.2]}", "factors.trust_gian"),
        ("trust_gain: {range: [0.0, 0.2]}", "did you mean 'trust_gain'"),
        ("samples: 8", "samples"),
        ("portfolio:", "portfolio"),
    ],
)
def test_bad_discovery_files_are_refused_before_anything_is_written(
    folder: Path, capsys, change, words
) -> None:
    bad = {
        "factors.trust_gian": DISC.replace("trust_gain:", "trust_gian:"),
        "did you mean 'trust_gain'": DISC.replace("trust_gain:", "trust_gian:"),
        "samples": DISC.replace("samples: 8", "samples: 2"),
        "portfolio": DISC.replace("  interventions: [{type: big_breakfast, start: 0}]\n", ""),
    }[words]
    (folder / "bad.yaml").write_text(bad)
    assert main(["discover", "bad.yaml", "--out", "d", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and words in err and "Traceback" not in err
    assert not (folder / "d").exists()


def test_shipped_example_is_valid() -> None:
    from ics_sim.evaluation.discovery import load_discovery

    root = Path(__file__).resolve().parents[2]
    loaded = load_discovery(root / "experiments" / "discover_breakfast.yaml")
    assert loaded.portfolio_name == "Big breakfast"
    assert "shocks[0].params.cut" in loaded.names
