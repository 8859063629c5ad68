"""The stationarity and per-system calibration checks of the validation report."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from ics_sim.evaluation import stationarity as st
from ics_sim.sim.engine import Engine
from ics_sim.system.england import from_icb


def test_drift_of_a_ramp_is_its_rise_between_the_end_windows():
    weeks = np.arange(101, dtype=float)[:, None] * np.array([0.001, -0.002])  # (W, R)
    d = st.drift(weeks, window=10)
    # last 10 weeks average week 95.5, first 10 average week 4.5: 91 weeks apart
    np.testing.assert_allclose(d, [0.091, -0.182])


@given(hs.floats(0.0, 1.0), hs.integers(2, 30))
def test_drift_of_a_constant_is_zero(level, reps):
    x = np.full((60, reps), level)
    assert np.all(st.drift(x) == 0.0)


def test_binomial_band_at_one_half_is_the_surveys_plus_minus_014():
    assert st.binomial_band(0.5, 50) == (0.36, 0.64)


@pytest.mark.parametrize(
    ("measure", "p", "ok"),
    [
        ("unsafe_share", 0.5, True),
        ("unsafe_share", 0.62, True),
        ("unsafe_share", 0.7, False),  # QOX and QWO before the revision
        ("unsafe_share", 0.3, False),
        ("power_not_shared_share", 0.4, True),  # a majority is within a survey's reach
        ("power_not_shared_share", 0.3, False),
        ("power_not_shared_share", 0.9, True),
    ],
)
def test_consistency_with_the_survey(measure, p, ok):
    assert st.consistent(measure, p) is ok


def test_tolerance_is_absolute_for_levels_and_relative_for_counts():
    runs = [
        st.SystemRun(
            "x",
            "X",
            3,
            {k: np.vstack([np.zeros((30, 2)), np.full((30, 2), 0.03)]) for k in st.OUTCOMES},
        )
    ]
    runs[0].outcomes["decisions_made"] = np.vstack([np.full((30, 2), 10.0), np.full((30, 2), 10.1)])
    t = st.drift_table(runs).set_index("outcome")
    assert not t.loc["mean_trust", "within"]  # 0.03 > 0.02 on a level
    assert t.loc["mean_trust", "drift"] == pytest.approx(0.03)
    assert t.loc["decisions_made", "within"]  # 0.1 is 1% of 10
    assert t.loc["decisions_made", "tolerance"] == pytest.approx(0.2)


def test_system_runs_are_the_engines_own_runs():
    runs = st.run_systems(2, 6, icss=["QOX"], seed=3)
    assert [r.code for r in runs] == ["default", "QOX"]
    direct = Engine(from_icb("QOX"), [3, 4]).run(6)
    for k, x in direct.items():
        assert np.array_equal(runs[1].outcomes[k], x)
    table = st.calibration_by_system(runs, week=6)
    assert set(table["system"]) == {"default", "QOX"}
    row = table[(table.system == "QOX") & (table.measure == "unsafe_share")].iloc[0]
    assert row["mean"] == pytest.approx(direct["unsafe_share"][6].mean())


def test_warmup_scan_reads_one_run_from_each_warmups_end():
    scan = st.warmup_scan(2, 8, (0, 4), icss=[], seed=5)
    assert list(scan["warmup"]) == [0, 4] and set(scan["system"]) == {"default"}
    out = Engine(st.default(), [5, 6], {"warmup_weeks": 0}).run(12)
    part = st.SystemRun("default", "d", 43, {k: x[4:13] for k, x in out.items()})
    expected = st.drift_table([part])
    assert scan.loc[scan.warmup == 4, "within"].item() == int(expected["within"].sum())


@pytest.mark.parametrize(
    ("median", "lo", "hi", "expected"),
    [
        (0.01, -0.05, 0.07, "within"),  # the median decides first
        (0.03, 0.01, 0.05, "unresolved"),  # beyond by the median, but the interval reaches in
        (0.03, 0.025, 0.035, "trend"),  # the whole interval lies beyond +0.02
        (-0.03, -0.035, -0.025, "trend"),
        (-0.03, -0.05, -0.019, "unresolved"),
    ],
)
def test_status_reads_a_drift_with_its_interval(median, lo, hi, expected):
    assert st.status(median, lo, hi, 0.02) == expected


def test_interval_is_the_t_interval_of_the_mean_drift():
    d = np.array([0.01, 0.03, 0.02, 0.04])
    lo, hi = st.interval(d)
    h = 3.182446305284263 * np.std(d, ddof=1) / 2  # t(0.975, 3) * sd / sqrt(4)
    assert (lo, hi) == pytest.approx((0.025 - h, 0.025 + h))
    assert st.interval(np.full(5, 0.1)) == (0.1, 0.1)


def test_noisy_stationary_counts_are_unresolved_and_a_real_rise_is_a_trend():
    rng = np.random.default_rng(0)
    reps = 20
    flat = rng.poisson(3.0, (200, reps)).astype(float)  # three decisions a week, no drift
    rising = flat + np.linspace(0.0, 0.6, 200)[:, None]  # +20% over the run
    out = {k: np.full((200, reps), 0.5) for k in st.OUTCOMES}
    t = {}
    for name, x in (("flat", flat), ("rising", rising)):
        run = st.SystemRun(name, name, 3, {**out, "decisions_made": x})
        t[name] = st.drift_table([run]).set_index("outcome").loc["decisions_made"]
    assert t["flat"]["status"] in ("within", "unresolved")
    assert t["flat"]["lo"] < 0.06 and t["flat"]["hi"] > -0.06  # reaches inside +/-2% of 3
    assert t["rising"]["status"] == "trend"
    # counts are averaged over a year at each end: 52 weeks, not 26
    first, last = st.ends(rising, st.COUNT_WINDOW)
    assert t["rising"]["drift"] == pytest.approx(float(np.median(last - first)))
