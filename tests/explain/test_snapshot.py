"""Saving an engine and continuing from the file is bit-identical to never stopping."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from ics_sim.interventions import create
from ics_sim.sim import snapshot
from ics_sim.sim.engine import Engine
from ics_sim.sim.model import ICSModel
from ics_sim.system.composition import from_counts

SMALL = {"icb": 1, "acute": 1, "primary_care": 3, "local_authority": 1, "vcse": 2}
PARAMS = {"warmup_weeks": 6}


def _events(with_events: bool):
    if not with_events:
        return []
    return [
        create("leadership_programme", 2, None, None, {"cohort": 3}, key="a"),
        create("big_breakfast", 1, 9, None, {}, key="b"),
        create("financial_squeeze", 3, None, None, {}, key="c"),
    ]


def _same(a: dict, b: dict) -> bool:
    return all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=hs.integers(0, 2**31),
    save_week=hs.integers(0, 8),
    more=hs.integers(1, 8),
    with_events=hs.booleans(),
)
def test_continuing_a_loaded_run_is_bit_identical(tmp_path, seed, save_week, more, with_events):
    comp = from_counts(SMALL)
    seeds = [seed, seed + 1]
    whole = Engine(comp, seeds, PARAMS, (), _events(with_events))
    expected = whole.run(save_week + more)

    first = Engine(comp, seeds, PARAMS, (), _events(with_events))
    first.run(save_week)
    path = snapshot.save(first, tmp_path / f"s{seed}-{save_week}.npz")
    again = snapshot.load_one(path, comp, interventions=_events(with_events))
    assert again.week == save_week
    got = again.run(more)
    for k in expected:
        assert np.array_equal(got[k], expected[k][save_week:], equal_nan=True), k
    assert np.array_equal(again.state.trust, whole.state.trust)


def test_a_clone_continues_like_the_original_and_is_independent():
    comp = from_counts(SMALL)
    ev = _events(True)
    a = Engine(comp, [5], PARAMS, (), ev)
    a.run(4)
    b = snapshot.clone(a)
    ra, rb = a.run(5), b.run(5)
    assert _same(ra, rb)
    b.state.trust[:] = 0.0
    assert a.state.trust.any()


def test_several_batches_share_one_file(tmp_path):
    comp = from_counts(SMALL)
    parts = [Engine(comp, [1, 2], PARAMS), Engine(comp, [3], PARAMS)]
    for p in parts:
        p.run(3)
    path = snapshot.save(parts, tmp_path / "both.npz")
    loaded = snapshot.load(path, comp, seeds=[1, 2, 3])
    assert [e.seeds for e in loaded] == [[1, 2], [3]]
    for p, q in zip(parts, loaded, strict=True):
        assert _same(p.run(2), q.run(2))


def test_a_file_for_another_system_parameters_or_format_is_refused(tmp_path):
    comp = from_counts(SMALL)
    e = Engine(comp, [1], PARAMS)
    path = snapshot.save(e, tmp_path / "s.npz")
    other = from_counts({**SMALL, "vcse": 3})
    with pytest.raises(snapshot.SnapshotError, match="another composition"):
        snapshot.load(path, other)
    with pytest.raises(snapshot.SnapshotError, match="other parameters: trust_gain"):
        snapshot.load(path, comp, params={**e.params, "trust_gain": 0.06})
    with pytest.raises(snapshot.SnapshotError, match="seeds 1, not 2"):
        snapshot.load(path, comp, seeds=[2])
    # another format version
    h, arrays = snapshot.read(path)
    h["format_version"] = 99
    blob = np.frombuffer(json.dumps(h).encode(), dtype=np.uint8)
    np.savez(tmp_path / "v99.npz", **{snapshot.HEADER: blob}, **arrays)
    with pytest.raises(snapshot.SnapshotError, match="format version 99"):
        snapshot.load(tmp_path / "v99.npz", comp)
    (tmp_path / "junk.npz").write_text("not a state file")
    with pytest.raises(snapshot.SnapshotError, match="not an ics-sim state file"):
        snapshot.load(tmp_path / "junk.npz", comp)


def test_the_file_is_a_plain_npz_with_a_json_header(tmp_path):
    comp = from_counts(SMALL)
    e = Engine(comp, [4], PARAMS, (), _events(True))
    e.run(3)
    path = snapshot.save(e, tmp_path / "s.npz", scenario_hash="abc")
    with np.load(path, allow_pickle=False) as z:
        assert "p0/state/trust" in z.files
    h = snapshot.header(path)
    assert h["format_version"] == snapshot.FORMAT_VERSION
    assert h["week"] == 3 and h["seeds"] == [4] and h["scenario_hash"] == "abc"
    assert h["params"]["warmup_weeks"] == 6


def test_the_mesa_model_saves_and_loads(tmp_path):
    m = ICSModel(rng=3, counts=SMALL, warmup_weeks=4)
    m.run(3)
    path = m.save_state(tmp_path / "m.npz")
    expected = m.run(4)
    n = ICSModel(counts=SMALL, state=path)
    assert n.week == 3 and n.seed == 3
    got = n.run(4)
    assert list(got["week"]) == list(range(3, 8))
    cols = [c for c in got.columns if c != "week"]
    assert np.array_equal(got[cols].to_numpy(), expected[cols].to_numpy()[3:], equal_nan=True)


def test_a_branch_with_a_new_intervention_is_the_run_that_had_it_all_along(tmp_path):
    """Rewind and branch: from a saved week 5 without the breakfast, continuing with one that
    starts at week 5 gives exactly the run that had it (not yet acting) from week 0."""
    comp = from_counts(SMALL)
    squeeze = create("financial_squeeze", 1, None, None, {}, key="c")
    first = Engine(comp, [7, 8], PARAMS, (), [squeeze])
    first.run(5)
    path = snapshot.save(first, tmp_path / "w5.npz")
    breakfast = create("big_breakfast", 5, None, None, {}, key="b")
    branch = snapshot.load_one(path, comp, interventions=[squeeze, breakfast])
    direct = Engine(comp, [7, 8], PARAMS, (), [squeeze, breakfast])
    direct.run(5)
    assert _same(branch.run(6), direct.run(6))
