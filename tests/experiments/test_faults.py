"""Fault injection: killed sweeps, a killed Dask worker, a full disk, a read-only folder.

Each case ends with 0 runs lost, 0 duplicated and 0 corrupt (every part file reads back and
the runs equal an uninterrupted sweep's, bit for bit) and, where the command fails, one clear
line. The full-disk and read-only cases use a small tmpfs when this machine lets us mount one
(root in a container); otherwise they use the store's fault hook (``ICS_SIM_FAULT``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from ics_sim.experiments import store
from ics_sim.sweep import read_manifest, read_runs, sweep

from .test_sweep import _free_port, tiny_experiment

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-m", "ics_sim.interfaces.cli"]


def assert_complete_and_identical(out: Path, reference: Path) -> None:
    runs, ref = read_runs(out), read_runs(reference)
    assert runs.run_id.tolist() == list(range(len(ref)))  # none lost, none twice
    pd.testing.assert_frame_equal(runs, ref, check_exact=True)  # none corrupt
    assert read_manifest(out)["complete"] is True


def one_line(res: subprocess.CompletedProcess, *words: str) -> None:
    lines = [x for x in res.stderr.splitlines() if not x.startswith(" ") and "Warning" not in x]
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert len(lines) == 1 and all(w in lines[0] for w in words), res.stderr


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc: children, grandchildren...)."""
    parents: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parents[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = {c for c, pp in parents.items() if pp == p}
        found |= kids
        todo += list(kids)
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for p in pids:
        with contextlib.suppress(OSError):
            if Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                out.add(p)
    return out


@pytest.fixture(scope="module")
def experiment(tmp_path_factory) -> tuple[Path, Path]:
    """A sweep of 60 runs and its uninterrupted results."""
    tmp = tmp_path_factory.mktemp("faults")
    exp = tiny_experiment(tmp, samples=30, replicates=2, weeks=40, series=True)
    return exp, sweep(exp, out=tmp / "reference", workers=0, progress=False)


# ---------------------------------------------------------------------------------- SIGKILL
#: Where the sweep is killed: after its manifest, or after this many part files.
KILL_POINTS = ["manifest", 1, 2, 3, 5]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_of_a_sweep_leaves_no_process_and_resumes_exactly(experiment, tmp_path, point):
    exp, reference = experiment
    out = tmp_path / "killed"
    code = (
        "import ics_sim.sweep as s\ns.FLUSH_SECONDS = 0.0\n"
        f"s.sweep({str(exp)!r}, out={str(out)!r}, workers=2, progress=False)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)

    def reached() -> bool:
        if point == "manifest":
            return (out / "manifest.json").exists()
        return len(list((out / "runs").glob("part-*.parquet"))) >= point

    deadline = time.monotonic() + 180
    workers: set[int] = set()
    while not reached():
        assert proc.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline
        workers |= descendants(proc.pid)
        time.sleep(0.005)
    workers |= descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)  # the main process only: its workers must follow
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive(workers) == set(), "worker processes outlived the killed sweep"
    assert read_manifest(out)["complete"] is False
    sweep(exp, out=out, workers=2, progress=False, resume=True)
    assert_complete_and_identical(out, reference)


# -------------------------------------------------------------------------------------- Dask
@contextlib.contextmanager
def dask_scheduler() -> Iterator[str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"tcp://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_dask_worker_killed_mid_sweep_loses_nothing(experiment, tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    import ics_sim.experiments.sweep as sweep_mod

    exp, reference = experiment
    monkeypatch.setattr(sweep_mod, "FLUSH_SECONDS", 0.0)
    out = tmp_path / "dask"
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        pids = list(client.run(os.getpid).values())
        killed = threading.Event()

        def kill_one() -> None:
            while not list((out / "runs").glob("part-*.parquet")):
                time.sleep(0.01)
            os.kill(pids[0], signal.SIGKILL)
            killed.set()

        threading.Thread(target=kill_one, daemon=True).start()
        sweep(exp, out=out, scheduler=cluster.scheduler_address, progress=False)
    assert killed.is_set()
    assert_complete_and_identical(out, reference)


def test_a_dask_cluster_with_no_workers_times_out_clearly(experiment, tmp_path):
    pytest.importorskip("distributed")
    exp, _ = experiment
    with dask_scheduler() as address:
        res = subprocess.run(
            [*CLI, "sweep", str(exp), "--out", str(tmp_path / "o"), "--scheduler", address]
            + ["--worker-timeout", "3", "--no-progress"],
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert "has no live workers; waiting up to 3 s" in res.stderr
    assert "has had no live workers for 3 s" in res.stderr and "--resume" in res.stderr


# ------------------------------------------------------------------- full disk, read-only
def _can_mount() -> bool:
    if os.geteuid() != 0 or sys.platform != "linux":
        return False
    probe = Path(f"/tmp/ics-sim-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)]).returncode
    if ok == 0:
        subprocess.run(["umount", str(probe)])
    probe.rmdir()
    return ok == 0


MOUNT = _can_mount()


@contextlib.contextmanager
def small_disk(tmp_path: Path, size: str) -> Iterator[Path]:
    where = tmp_path / "disk"
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)])


def remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_full_disk_during_run_keeps_the_previous_run(tmp_path):
    if MOUNT:  # room for one run, not for the second beside it
        ctx = small_disk(tmp_path, "3500k")
        fault = None
    else:
        ctx, fault = contextlib.nullcontext(tmp_path), {store.FAULT_ENV: "ENOSPC:3"}
    with ctx as disk:
        out = disk / "run"
        assert cli("run", "--weeks", "2", "--out", str(out), "--no-progress").returncode == 0
        before = snapshot(out)
        res = cli("run", "--weeks", "30", "--out", str(out), "--no-progress", env=fault)
        one_line(res, "No space left on device", "previous run there is kept")
        assert snapshot(out) == before
        assert [p.name for p in disk.iterdir()] == ["run"]  # no temporary folder left


def test_full_disk_during_sweep_then_resume(experiment, tmp_path):
    exp, reference = experiment
    args = ["sweep", str(exp), "--workers", "1", "--no-progress"]
    if MOUNT:
        ctx, fault = small_disk(tmp_path, "150k"), None
    else:
        ctx, fault = contextlib.nullcontext(tmp_path), {store.FAULT_ENV: "ENOSPC:3"}
    with ctx as disk:
        out = disk / "sweep"
        res = cli(*args, "--out", str(out), env=fault)
        if res.returncode == 0:  # the disk was big enough after all: nothing to test
            pytest.fail("the sweep fitted on the small disk; make it smaller")
        one_line(res, "No space left on device", "--resume")
        read_runs(out)  # every part file that is there reads back
        if MOUNT:
            remount(disk, "size=64m")
        assert cli(*args, "--out", str(out), "--resume").returncode == 0
        assert_complete_and_identical(out, reference)


def test_read_only_output_folder(experiment, tmp_path):
    exp, reference = experiment
    if MOUNT:
        ctx, fault = small_disk(tmp_path, "8m"), None
    else:
        ctx, fault = contextlib.nullcontext(tmp_path), {store.FAULT_ENV: "EROFS:1"}
    with ctx as disk:
        out, results = disk / "run", disk / "sweep"
        assert cli("run", "--weeks", "2", "--out", str(out), "--no-progress").returncode == 0
        before = snapshot(out)
        if MOUNT:
            remount(disk, "ro")
        res = cli("run", "--weeks", "3", "--out", str(out), "--no-progress", env=fault)
        one_line(res, "ics-sim: error:")
        assert snapshot(out) == before
        res = cli("sweep", str(exp), "--out", str(results), "--workers", "1", env=fault)
        one_line(res, "ics-sim: error:")
        res = cli("validate", "--quick", "--out", str(disk / "v"), "--no-progress", env=fault)
        one_line(res, "ics-sim: error:")
        if MOUNT:
            remount(disk, "rw")
            assert cli("sweep", str(exp), "--out", str(results), "--workers", "1").returncode == 0
            assert_complete_and_identical(results, reference)
