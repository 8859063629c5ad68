"""Sweeps: every design point of an experiment, each replicated, on a pool or a Dask cluster.

:func:`sweep` reads an experiment (:mod:`ics_sim.experiment`), makes its design points and
seeds, and runs them through the :mod:`concurrent.futures` interface: a
``ProcessPoolExecutor`` by default, or a Dask cluster's executor when given a scheduler
address (``distributed.Client(address).get_executor()``), so dask-jobqueue on a cluster or a
``dask scheduler`` on a workstation run the same sweep. One task is one design point with all
its replicates (up to 32; more are split into tasks of 32), run as one batched computation (32
replicates at a time, like :func:`ics_sim.runner.run_scenario`), which gives exactly the
numbers one-by-one runs give: results are identical, bit for bit, whatever the executor and
the number of workers.

Results are written as they arrive (``runs/part-NNNNNN.parquet``, each written to a temporary
file and moved into place) and a ``manifest.json`` records the experiment as resolved, its
design points and seeds, and the package version and git revision. A sweep killed at any
moment, even with ``kill -9``, loses at most the runs finished since the last part file; run
again with ``resume=True`` (``--resume``) it runs only the missing ones.

Layout of a results folder::

    manifest.json              the experiment as resolved, design points, seeds, versions
    runs/part-000000.parquet   one row per run (see RUN COLUMNS below); more parts follow
    series/part-000000.parquet with ``series: true``: run_id, week, each outcome, per week
    analysis/                  written by ``ics-sim analyse`` (:mod:`ics_sim.analysis`)

Run columns: ``run_id`` (``point * replicates + replicate``), ``point``, ``replicate``,
``seed``, each varied parameter (the value the run used) and, for each outcome kept,
``<outcome>_final`` (value at the last week) and ``<outcome>_mean`` (mean over weeks 1 to the
last). ``pandas.read_parquet(folder / "runs")`` reads them all.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import ICSSimError
from ..core.progress import progress_bar
from . import store as output
from .manifest import build_manifest, git_revision
from .spec import Loaded, apply, check_points, load_experiment, scenario_data

MANIFEST = "manifest.json"
RUNS = "runs"
SERIES = "series"
#: Replicates stepped together in one engine (as in :func:`ics_sim.runner.run_scenario`).
BATCH = 32
#: Replicates in one task at most: a point with more is split, so its replicates run in
#: parallel too (splitting never changes a result: batches give one-by-one runs' numbers).
TASK_REPLICATES = 32
#: A part file is written when this many runs are waiting, or FLUSH_SECONDS have passed since
#: the last, or FLUSH_SERIES_ROWS weekly rows are waiting: memory stays flat, and a killed
#: sweep loses at most that much work.
FLUSH_RUNS = 2000
FLUSH_SECONDS = 15.0
FLUSH_SERIES_ROWS = 1_000_000
#: How long to try to reach a Dask scheduler.
CONNECT_TIMEOUT = "30s"
#: How long a Dask sweep waits, with work left, for a cluster that has no live workers.
WORKER_TIMEOUT = 120.0
#: How often a worker process checks that the sweep that started it is still alive.
WATCH_SECONDS = 1.0


# ---------------------------------------------------------------------------------------------
# The work of one task (runs in a worker process)


@dataclass(frozen=True)
class Task:
    """Some replicates (all, up to TASK_REPLICATES) of one design point."""

    point: int
    replicates: tuple[int, ...]
    seeds: tuple[int, ...]
    scenario: dict[str, Any]
    weeks: int
    outcomes: tuple[str, ...]
    series: bool


def run_task(task: Task) -> dict[str, Any]:
    """Run a task: per replicate, each outcome's final value and mean (and weekly series)."""
    from ..scenarios.schema import from_dict

    scn = from_dict(task.scenario)
    finals, means, series = [], [], []
    for lo in range(0, len(task.seeds), BATCH):
        seeds = list(task.seeds[lo : lo + BATCH])
        res = scn.engine(seeds).run(task.weeks)
        arr = np.stack([res[k] for k in task.outcomes], axis=-1)  # (weeks + 1, R, K)
        finals.append(arr[-1])
        body = arr[1:] if task.weeks > 0 else arr
        # Mean of each replicate's own contiguous series: independent of the batch size.
        means.append(np.ascontiguousarray(body.transpose(1, 2, 0)).mean(axis=-1))
        if task.series:
            series.append(arr)
    return {
        "point": task.point,
        "replicates": np.asarray(task.replicates, dtype=np.int64),
        "seeds": np.asarray(task.seeds, dtype=np.int64),
        "final": np.concatenate(finals),
        "mean": np.concatenate(means),
        "series": np.concatenate(series, axis=1) if task.series else None,
    }


# ---------------------------------------------------------------------------------------------
# Executors


class _Serial(cf.Executor):
    """Runs each task in this process as it is submitted (``workers=0``)."""

    def submit(self, fn, /, *args, **kwargs):
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - handed to the caller through the future
            if isinstance(e, KeyboardInterrupt | SystemExit):
                raise
            fut.set_exception(e)
        return fut


def _die_with(parent: int) -> None:
    """Worker initializer: end this worker when the sweep process that started it ends.

    On Linux the kernel sends SIGKILL when the process that forked the worker dies (the
    forkserver, which itself ends with the sweep); everywhere a watchdog thread checks every
    WATCH_SECONDS that ``parent`` is alive. So a sweep killed even with SIGKILL leaves no
    worker behind, and the multiprocessing resource tracker, whose pipe they held, ends too.
    """
    import signal
    import threading

    if sys.platform == "linux":
        with contextlib.suppress(Exception):
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL))

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except OSError:
                pass

    threading.Thread(target=watch, name="ics-sim-parent-watch", daemon=True).start()


def _process_context():
    """forkserver where there is one (safe with threads, fast to start), else the default."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context()


@dataclass
class _Pool:
    executor: cf.Executor
    slots: Callable[[], int]
    description: str
    #: live workers now (a Dask cluster), or None where the pool starts its own
    live: Callable[[], int | None] = lambda: None


@contextlib.contextmanager
def _executor(workers: int | None, scheduler: Any) -> Iterator[_Pool]:
    if scheduler is not None:
        with _dask(scheduler) as pool:
            yield pool
        return
    if workers == 0:
        yield _Pool(_Serial(), lambda: 1, "this process (workers=0)")
        return
    n = workers or os.cpu_count() or 1
    ex = cf.ProcessPoolExecutor(
        max_workers=n,
        mp_context=_process_context(),
        initializer=_die_with,
        initargs=(os.getpid(),),
    )
    try:
        yield _Pool(ex, lambda: n, f"process pool of {n} worker{'s' * (n != 1)}")
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _dask(scheduler: Any) -> Iterator[_Pool]:
    try:
        from distributed import Client
    except ImportError:
        raise ICSSimError(
            "--scheduler needs Dask distributed: pip install 'ics-sim[distributed]'"
        ) from None
    own = isinstance(scheduler, str)
    if own:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as e:
            raise ICSSimError(
                f"cannot connect to the Dask scheduler at {scheduler!r}: {e}"
            ) from None
    else:  # a Client (or anything with get_executor and nthreads) given directly
        client = scheduler
    last = [0.0, 0]

    def live() -> int:
        if time.monotonic() - last[0] > 2.0:
            with contextlib.suppress(Exception):
                last[1] = sum(client.nthreads().values())
            last[0] = time.monotonic()
        return last[1]

    try:
        executor = client.get_executor(pure=False)
        where = f"dask scheduler {_address(client)}"
        yield _Pool(executor, lambda: max(1, live()), where, live)
    finally:
        if own:
            client.close()


def _address(client: Any) -> str:
    with contextlib.suppress(Exception):
        return str(client.scheduler.address)
    return "?"


def _check_workers(
    pool: _Pool, progressed: bool, idle_since: float | None, timeout: float, writer: _Writer
) -> float | None:
    """Say when a cluster has no live worker; give up after ``timeout`` seconds of it."""
    if progressed or pool.live() != 0:
        return None
    now = time.monotonic()
    if idle_since is None:
        print(
            f"sweep: the {pool.description} has no live workers; waiting up to "
            f"{timeout:.0f} s for one (start workers, or Ctrl-C to stop)",
            file=sys.stderr,
            flush=True,
        )
        return now
    if now - idle_since >= timeout:
        raise ICSSimError(
            f"the {pool.description} has had no live workers for {timeout:.0f} s; "
            f"{writer.written} runs were written this session and are kept: start workers "
            "and run the sweep again with --resume"
        )
    return idle_since


# ---------------------------------------------------------------------------------------------
# The results folder


def _visible(folder: Path) -> list[Path]:
    """Entries of ``folder`` other than hidden temporary files of an interrupted write."""
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if not (p.name.startswith(".") and p.name.endswith(".tmp"))]


def _clean_temporaries(out: Path) -> None:
    for folder in (out, out / RUNS, out / SERIES):
        if folder.is_dir():
            for p in folder.iterdir():
                if p.name.startswith(".") and p.name.endswith(".tmp") and p.is_file():
                    p.unlink(missing_ok=True)


def _parts(folder: Path) -> dict[int, Path]:
    out = {}
    if folder.is_dir():
        for p in folder.glob("part-*.parquet"):
            with contextlib.suppress(ValueError):
                out[int(p.stem.removeprefix("part-"))] = p
    return dict(sorted(out.items()))


def read_runs(results_dir: str | Path, columns: list[str] | None = None):
    """Every run written so far, sorted by run_id, as a pandas DataFrame."""
    import pandas as pd
    import pyarrow.parquet as pq

    parts = _parts(Path(results_dir) / RUNS)
    frames = []
    for p in parts.values():
        try:
            frames.append(pq.read_table(p, columns=columns).to_pandas())
        except Exception as e:  # noqa: BLE001 - any unreadable file gets the same advice
            raise ICSSimError(
                f"results file {p} cannot be read ({e}); delete it and run the sweep again "
                "with --resume to redo its runs"
            ) from None
    if not frames:
        return pd.DataFrame(columns=columns) if columns else pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    return df.sort_values("run_id", kind="stable").reset_index(drop=True)


def read_manifest(results_dir: str | Path) -> dict[str, Any]:
    path = Path(results_dir) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ICSSimError(
            f"{Path(results_dir)} holds no sweep results (no {MANIFEST}); run 'ics-sim sweep "
            "EXPERIMENT.yaml' first"
        ) from None
    except (OSError, ValueError) as e:
        raise ICSSimError(f"{path} cannot be read: {e}") from None


def _normal(obj: Any) -> Any:
    """``obj`` as it reads back from JSON (for comparing with a stored manifest)."""
    return json.loads(json.dumps(obj, default=output.json_default))


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                return _first_difference(a.get(k), b.get(k), f"{where}.{k}" if where else k)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{where}[{i}]")
    return f"{where or 'experiment'} (was {json.dumps(a)[:60]}, now {json.dumps(b)[:60]})"


# ---------------------------------------------------------------------------------------------
# Writing results


class _Writer:
    """Collects task results and writes them as part files, series first, runs last."""

    def __init__(self, out: Path, loaded: Loaded, design: np.ndarray, seq: int):
        self.out, self.loaded, self.seq = out, loaded, seq
        self.replicates = loaded.replicates
        self.outcomes = loaded.outcomes
        self.series = loaded.spec.series
        self.applied = {
            t.name: np.array(
                [t.coerce(v) for v in design[:, j]], dtype=np.int64 if t.integer else np.float64
            )
            for j, t in enumerate(loaded.targets)
        }
        # with an ensemble, point p * K + j runs set j (ics_sim.experiments.spec.Loaded.design)
        sets = np.asarray(loaded.ensemble_sets, dtype=np.int64)
        self.set_of_point = np.tile(sets, len(design) // len(sets)) if len(sets) else None
        self.pending: list[dict[str, Any]] = []
        self.n_runs = self.n_series = 0
        self.last = time.monotonic()
        self.written = 0

    def add(self, res: dict[str, Any]) -> None:
        self.pending.append(res)
        self.n_runs += len(res["replicates"])
        if res["series"] is not None:
            self.n_series += res["series"].shape[0] * res["series"].shape[1]

    def due(self) -> bool:
        return bool(self.pending) and (
            self.n_runs >= FLUSH_RUNS
            or self.n_series >= FLUSH_SERIES_ROWS
            or time.monotonic() - self.last >= FLUSH_SECONDS
        )

    def flush(self) -> None:
        self.last = time.monotonic()
        if not self.pending:
            return
        import pandas as pd

        batch, self.pending = self.pending, []
        points = np.concatenate(
            [np.full(len(r["replicates"]), r["point"], dtype=np.int64) for r in batch]
        )
        reps = np.concatenate([r["replicates"] for r in batch])
        run_id = points * self.replicates + reps
        order = np.argsort(run_id, kind="stable")
        cols: dict[str, np.ndarray] = {
            "run_id": run_id,
            "point": points,
            "replicate": reps,
            "seed": np.concatenate([r["seeds"] for r in batch]),
        }
        if self.set_of_point is not None:
            cols["set"] = self.set_of_point[points]
        for name, values in self.applied.items():
            cols[name] = values[points]
        final = np.concatenate([r["final"] for r in batch])
        mean = np.concatenate([r["mean"] for r in batch])
        for k, name in enumerate(self.outcomes):
            cols[f"{name}_final"] = final[:, k]
            cols[f"{name}_mean"] = mean[:, k]
        runs = pd.DataFrame({k: v[order] for k, v in cols.items()})
        name = f"part-{self.seq:06d}.parquet"
        if self.series:
            output.write_parquet(self._series_frame(batch), self.out / SERIES / name)
        output.write_parquet(runs, self.out / RUNS / name)  # the runs file commits the part
        self.seq += 1
        self.written += len(runs)
        self.n_runs = self.n_series = 0

    def _series_frame(self, batch: list[dict[str, Any]]):
        import pandas as pd

        frames = []
        for r in batch:
            s = r["series"]  # (weeks + 1, R, K)
            w, n = s.shape[0], s.shape[1]
            ids = r["point"] * self.replicates + r["replicates"]
            data = {
                "run_id": np.repeat(ids, w),
                "week": np.tile(np.arange(w, dtype=np.int64), n),
            }
            for k, name in enumerate(self.outcomes):
                data[name] = np.ascontiguousarray(s[:, :, k].T).ravel()
            frames.append(pd.DataFrame(data))
        return pd.concat(frames, ignore_index=True).sort_values(["run_id", "week"], kind="stable")


# ---------------------------------------------------------------------------------------------
# The sweep


def default_out(loaded: Loaded) -> Path:
    if loaded.spec.out:
        return Path(loaded.spec.out)
    stem = loaded.path.stem if loaded.path else "experiment"
    return Path("results") / stem


def _session(pool: _Pool | None, resumed: bool) -> dict[str, Any]:
    from .._version import __version__

    return {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "resumed": resumed,
        "executor": pool.description if pool is not None else None,
        "version": __version__,
        "git_revision": git_revision(),
        "python": sys.version.split()[0],
    }


def _new_manifest(loaded: Loaded, design: np.ndarray) -> dict[str, Any]:
    spec = loaded.spec
    points, reps = len(design), loaded.replicates
    crn = spec.common_random_numbers
    seeds: dict[str, Any] = {
        "seed": loaded.seed,
        "common_random_numbers": crn,
        "rule": "seed of (point, replicate) = seed + replicate"
        if crn
        else "seed of (point, replicate) = seed + point * replicates + replicate",
    }
    if crn:
        seeds["by_replicate"] = [loaded.seed_for(0, r) for r in range(reps)]
    names = loaded.names
    design_info: dict[str, Any] = {
        "kind": spec.design,
        "parameters": names,
        "points": design.tolist(),
        "note": "points are the design's values; a whole-number parameter is rounded to the "
        "nearest whole number when run (the runs/ columns hold the values used)",
    }
    if spec.design == "grid":
        design_info["levels"] = {
            t.name: spec.parameters[t.name].levels for t in loaded.design_targets
        }
    else:
        design_info["problem"] = loaded.problem()
        design_info["samples"] = spec.samples
    if spec.design == "sobol":
        design_info["second_order"] = spec.second_order
    if spec.design == "morris":
        design_info["morris_levels"] = spec.morris_levels
    return build_manifest(
        "ics-sim sweep",
        command=None,
        experiment_file=str(loaded.path.resolve()) if loaded.path else None,
        scenario_file=str(loaded.base_path.resolve()),
        resolved=_normal(loaded.resolved()),
        design=design_info,
        runs={
            "points": points,
            "replicates": reps,
            "total": points * reps,
            "run_id": "point * replicates + replicate",
            "weeks": loaded.weeks,
            "outcomes": loaded.outcomes,
            "series": spec.series,
        },
        seeds=seeds,
        layout={
            "runs": f"{RUNS}/part-NNNNNN.parquet: run_id, point, replicate, seed, "
            + ", ".join(names + ["<outcome>_final", "<outcome>_mean"]),
            "series": f"{SERIES}/part-NNNNNN.parquet: run_id, week, <outcome>..."
            if spec.series
            else None,
            "mean": "mean over weeks 1 to the last (week 0 is the state after warm-up)",
        },
        sessions=[],
        complete=False,
        completed_runs=0,
    )


def _start(out: Path, loaded: Loaded, resume: bool) -> tuple[dict[str, Any], np.ndarray, set]:
    """The manifest, design and run_ids already done; a new manifest if starting afresh."""
    from .._version import __version__

    existing = _visible(out)
    if existing and not resume:
        raise ICSSimError(
            f"results folder {out} is not empty; run again with --resume to finish the sweep "
            "whose results are there, or choose a new --out"
        )
    if resume and (out / MANIFEST).exists():
        manifest = read_manifest(out)
        if manifest.get("kind") != "ics-sim sweep":
            raise ICSSimError(f"{out / MANIFEST} is not the manifest of an ics-sim sweep")
        was = manifest.get("resolved")
        now = _normal(loaded.resolved())
        if was != now:
            raise ICSSimError(
                f"cannot resume {out}: the experiment has changed since its results were "
                f"started, at {_first_difference(was, now)}; run it into a new --out"
            )
        if manifest.get("version") != __version__:
            raise ICSSimError(
                f"cannot resume {out}: its results were made with ics-sim "
                f"{manifest.get('version')} and this is {__version__}; mixing versions would "
                "mix models. Use that version, or run into a new --out"
            )
        _clean_temporaries(out)
        runs_parts = _parts(out / RUNS)
        for seq, p in _parts(out / SERIES).items():
            if seq not in runs_parts:  # its runs file was never written: redo those runs
                p.unlink()
        design = np.asarray(manifest["design"]["points"], dtype=float).reshape(
            int(manifest["runs"]["points"]), len(loaded.targets)
        )
        done = read_runs(out, ["run_id"])["run_id"].to_numpy() if runs_parts else np.array([])
        if len(np.unique(done)) != len(done):
            raise ICSSimError(f"{out / RUNS} holds some runs twice; it has been edited by hand")
        return manifest, design, set(done.tolist())
    if existing:  # --resume on a folder that is not a sweep's
        raise ICSSimError(
            f"cannot resume {out}: it holds no {MANIFEST}, so it is not a sweep's results "
            "folder; choose a new --out"
        )
    design = loaded.design()
    check_points(loaded, design)
    output.prepare_dir(out)
    _clean_temporaries(out)
    manifest = _new_manifest(loaded, design)
    output.write_json(manifest, out / MANIFEST)
    return manifest, design, set()


def _tasks(loaded: Loaded, design: np.ndarray, done: set) -> Iterator[Task]:
    base = scenario_data(loaded.base)
    reps = loaded.replicates
    for p, row in enumerate(design):
        missing = [r for r in range(reps) if p * reps + r not in done]
        if not missing:
            continue
        data = apply(base, list(loaded.targets), [float(v) for v in row])
        for lo in range(0, len(missing), TASK_REPLICATES):
            chunk = tuple(missing[lo : lo + TASK_REPLICATES])
            yield Task(
                point=p,
                replicates=chunk,
                seeds=tuple(loaded.seed_for(p, r) for r in chunk),
                scenario=data,
                weeks=loaded.weeks,
                outcomes=tuple(loaded.outcomes),
                series=loaded.spec.series,
            )


def sweep(
    experiment_path: str | Path,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    resume: bool = False,
    progress: bool = True,
    worker_timeout: float = WORKER_TIMEOUT,
    overrides: Sequence[str] = (),
) -> Path:
    """Run an experiment's sweep; return its results folder.

    Args:
        experiment_path: the experiment YAML file.
        out: results folder (default: the experiment's ``out``, else
            ``results/<experiment file name>``, relative to the working directory).
        workers: worker processes (default: one per CPU); 0 runs everything in this process.
        scheduler: a Dask scheduler address (``tcp://host:8786``), or a
            ``distributed.Client``; then the sweep runs on that cluster and ``workers`` is
            ignored.
        resume: finish the sweep in ``out``: run only the runs missing there. Without it, a
            non-empty ``out`` is an error.
        progress: show a progress bar (when stderr is a terminal).
        worker_timeout: on a Dask cluster, seconds to wait with work left while the cluster
            has no live worker before giving up (the results so far are kept).
        overrides: ``KEY=VALUE`` settings replacing the file's keys (``--set samples=8``).

    Raises:
        ICSSimError: a bad experiment file, a non-empty ``out`` without ``resume``, a
            results folder that belongs to another experiment or version, an unreachable
            scheduler.
    """
    if workers is not None and (isinstance(workers, bool) or workers < 0):
        raise ICSSimError(f"workers must be 0 or more, got {workers!r}")
    loaded = load_experiment(experiment_path, overrides)
    out_dir = Path(out if out is not None else default_out(loaded)).expanduser()
    if _visible(out_dir) and not resume:  # before connecting to anything
        _start(out_dir, loaded, resume)
    with _executor(workers, scheduler) as pool:
        manifest, design, done = _start(out_dir, loaded, resume)
        out_dir = out_dir.resolve()
        total = int(manifest["runs"]["total"])
        session = _session(pool, bool(done))
        manifest.setdefault("sessions", []).append(session)
        if len(done) >= total:  # everything was already done
            session.update(finished=session["started"], runs=0, wall_time_seconds=0.0)
            manifest.update(complete=True, completed_runs=total)
            output.write_json(manifest, out_dir / MANIFEST)
            return out_dir
        output.write_json(manifest, out_dir / MANIFEST)
        for folder in (RUNS, SERIES) if loaded.spec.series else (RUNS,):
            try:
                (out_dir / folder).mkdir(exist_ok=True)
            except OSError as e:
                raise output.OutputError(f"cannot write {out_dir / folder}: {e.strerror}") from None
        parts = _parts(out_dir / RUNS)
        writer = _Writer(out_dir, loaded, design, max(parts, default=-1) + 1)
        t0 = time.perf_counter()
        label = loaded.spec.name[:40]
        with progress_bar(total, label, "runs", progress, len(done)) as advance:
            try:
                _drive(pool, _tasks(loaded, design, done), writer, advance, worker_timeout)
            except output.OutputError as e:
                raise ICSSimError(
                    f"{e}; the {len(done) + writer.written} runs written before are kept: free "
                    f"space (or make the folder writable) and run again with --resume to finish "
                    f"{out_dir}"
                ) from None
            except BrokenProcessPool:
                raise ICSSimError(
                    f"a worker process died (out of memory, or killed) after {writer.written} "
                    f"runs; the results so far are kept: run again with --resume to finish "
                    f"{out_dir}"
                ) from None
        wall = time.perf_counter() - t0
    runs = len(done) + writer.written
    session.update(
        finished=datetime.now(UTC).isoformat(timespec="seconds"),
        runs=writer.written,
        wall_time_seconds=round(wall, 3),
    )
    manifest.update(complete=runs == total, completed_runs=runs)
    output.write_json(manifest, out_dir / MANIFEST)
    return out_dir


def _drive(
    pool: _Pool, tasks: Iterator[Task], writer: _Writer, advance, timeout: float = WORKER_TIMEOUT
) -> None:
    """Keep the workers busy, collect results as they come, write them in parts."""
    pending: set[cf.Future] = set()
    exhausted = False
    idle_since: float | None = None  # when a cluster was first seen with no live worker
    try:
        while True:
            while not exhausted and len(pending) < 2 * pool.slots():
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                pending.add(pool.executor.submit(run_task, task))
            if not pending:
                break
            finished, pending = cf.wait(
                pending,
                timeout=min(FLUSH_SECONDS, max(timeout, 0.1)),
                return_when=cf.FIRST_COMPLETED,
            )
            idle_since = _check_workers(pool, bool(finished), idle_since, timeout, writer)
            for fut in finished:
                res = fut.result()
                writer.add(res)
                advance(len(res["replicates"]))
            if writer.due():
                writer.flush()
    finally:
        # Whatever stopped us (done, Ctrl-C, a failure), keep every run that finished.
        for fut in list(pending):
            fut.cancel()
        with contextlib.suppress(Exception):
            for fut in pending:
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    res = fut.result()
                    writer.add(res)
        writer.flush()
