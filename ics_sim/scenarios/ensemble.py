"""Parameter ensembles: many plausible parameter sets, each with a weight, in one Parquet file.

An ensemble says what is not known about the model's assumptions: instead of one value per
parameter, a table of parameter sets (a calibration's posterior, or a prior drawn over the
parameters' declared ranges). ``run``, ``compare`` and ``sweep`` run every set (or ``--sets K``
drawn by weight), so a result is reported across plausible worlds, not at one of them.

File format (shared by everything that reads or writes ensembles):

* Parquet, one row per parameter set;
* column ``set``: whole numbers, unique (the set's name in every output);
* column ``weight`` (optional): finite numbers >= 0 summing to 1 within 1e-9; absent means
  equal weights;
* one column per parameter, named exactly as a scenario's ``parameters:`` keys (the model's
  declared parameters, ``ics_sim.sim.engine.all_params()``), every value within the
  parameter's declared range (whole numbers for whole-number parameters);
* optional key-value metadata ``ics_sim``: JSON with ``source``, ``method``, ``seed``,
  ``version``.

:func:`read_ensemble` refuses any other file with one message per problem naming the file,
the column and the row, before anything runs. :func:`draw` picks K sets by weight
(systematic resampling, deterministic given the seed). :func:`prior_ensemble` makes an
ensemble without a calibration: a Latin hypercube over ranges (declared, or narrower ones from
a priors file).
"""

from __future__ import annotations

import json
import os
import secrets
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.params import Param, suggest
from .files import ScenarioError, _short

#: Name of the Parquet key-value metadata entry.
META_KEY = "ics_sim"
#: How far the weights may sum from 1.
WEIGHT_TOLERANCE = 1e-9
#: Largest ensemble read (rows).
MAX_SETS = 1_000_000
#: Largest ensemble file read (a million sets of 30 parameters is about 250 MB).
MAX_BYTES = 512 << 20


def declared_params() -> dict[str, Param]:
    """The model's declared parameters by name (what an ensemble's columns may be)."""
    from ..sim.engine import all_params

    return {p.name: p for p in all_params()}


@dataclass(frozen=True)
class Ensemble:
    """A validated ensemble: its table (set, weight, parameters...) and metadata."""

    table: pd.DataFrame
    path: Path | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def parameters(self) -> list[str]:
        return [c for c in self.table.columns if c not in ("set", "weight")]

    @property
    def sets(self) -> list[int]:
        return [int(s) for s in self.table["set"]]

    @property
    def weights(self) -> np.ndarray:
        return self.table["weight"].to_numpy(dtype=float)

    def values(self, set_id: int) -> dict[str, float | int]:
        """The parameter values of one set, as a scenario's ``parameters:`` would hold them."""
        table = declared_params()
        row = self.table.loc[self.table["set"] == set_id]
        if row.empty:
            raise KeyError(set_id)
        out: dict[str, float | int] = {}
        for name in self.parameters:
            v = row[name].iloc[0]
            out[name] = int(round(float(v))) if table[name].integer else float(v)
        return out


def _problems_of(df: pd.DataFrame) -> list[tuple[str, str]]:
    """(field, message) of every problem of an ensemble table (empty: it is valid)."""
    found: list[tuple[str, str]] = []
    if len(df) == 0:
        return [("", "has no rows; an ensemble needs at least one parameter set")]
    if len(df) > MAX_SETS:
        return [("", f"has {len(df):,} rows; at most {MAX_SETS:,} parameter sets are read")]
    cols = [str(c) for c in df.columns]
    if len(set(cols)) != len(cols):
        found.append(("", "has repeated column names"))
    sets = None
    if "set" not in df.columns:
        found.append(("column 'set'", "is missing; give each row a unique whole number 'set'"))
    else:
        s = df["set"]
        if not pd.api.types.is_integer_dtype(s):
            found.append(("column 'set'", f"must hold whole numbers, not {s.dtype}"))
        elif s.duplicated().any():
            dup = int(s[s.duplicated()].iloc[0])
            found.append(("column 'set'", f"must be unique; set {dup} appears more than once"))
        else:
            sets = s.to_numpy()

    def where(i: int) -> str:
        return f"row {i}" + (f" (set {int(sets[i])})" if sets is not None else "")

    if "weight" in df.columns:
        w = df["weight"]
        if not pd.api.types.is_numeric_dtype(w) or pd.api.types.is_bool_dtype(w):
            found.append(("column 'weight'", f"must hold numbers, not {w.dtype}"))
        else:
            a = w.to_numpy(dtype=float)
            bad = np.flatnonzero(~np.isfinite(a) | (a < 0))
            if len(bad):
                i = int(bad[0])
                found.append(
                    ("column 'weight'", f"{where(i)}: {float(a[i])!r} must be a number >= 0")
                )
            elif abs(a.sum() - 1.0) > WEIGHT_TOLERANCE:
                found.append(
                    (
                        "column 'weight'",
                        f"weights sum to {a.sum():.12g}; they must sum to 1 (within "
                        f"{WEIGHT_TOLERANCE:g}), or leave the column out for equal weights",
                    )
                )
    table = declared_params()
    params = [c for c in df.columns if c not in ("set", "weight")]
    if not params:
        found.append(
            ("", "has no parameter columns; add one column per parameter (model parameter names)")
        )
    for c in params:
        name = str(c)
        fld = f"column {_short(name)}"
        if name not in table:
            found.append(
                (
                    fld,
                    f"is not a model parameter{suggest(name[:100], table)}; valid columns: set, "
                    "weight and the parameters " + ", ".join(sorted(table)),
                )
            )
            continue
        p, v = table[name], df[c]
        if not pd.api.types.is_numeric_dtype(v) or pd.api.types.is_bool_dtype(v):
            found.append((fld, f"must hold numbers, not {v.dtype}"))
            continue
        a = v.to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(a) | (a < p.lo) | (a > p.hi))
        if len(bad):
            i = int(bad[0])
            more = f" (and {len(bad) - 1} more rows)" if len(bad) > 1 else ""
            found.append(
                (
                    fld,
                    f"{where(i)}: {float(a[i])!r} is outside the valid range [{p.lo:g}, {p.hi:g}] "
                    f"({p.unit}){more}",
                )
            )
            continue
        if p.integer:
            frac = np.flatnonzero(a != np.round(a))
            if len(frac):
                i = int(frac[0])
                found.append((fld, f"{where(i)}: {name} is a whole number, got {float(a[i])!r}"))
    return found


def validate_table(df: pd.DataFrame, path: Path | str | None = None) -> pd.DataFrame:
    """The ensemble table with ``weight`` filled in (equal weights when absent), or a
    :class:`ScenarioError` listing every problem, each with its column and row."""
    found = _problems_of(df)
    if found:
        raise ScenarioError.of(path, found)
    out = df.reset_index(drop=True).copy()
    out["set"] = out["set"].astype(np.int64)
    if "weight" not in out.columns:
        out.insert(1, "weight", np.full(len(out), 1.0 / len(out)))
    out["weight"] = out["weight"].astype(float)
    cols = ["set", "weight", *[c for c in out.columns if c not in ("set", "weight")]]
    return out[cols]


def read_ensemble(path: str | Path) -> Ensemble:
    """Read and validate an ensemble file; :class:`ScenarioError` says what is wrong."""
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.exists():
        raise ScenarioError(path, "", "no such ensemble file")
    if not path.is_file():
        raise ScenarioError(path, "", "is not a file; give an ensemble Parquet file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ScenarioError(
            path, "", f"is {size:,} bytes; ensemble files may be at most {MAX_BYTES:,} bytes"
        )
    try:
        t = pq.read_table(path)
        df = t.to_pandas()
    except Exception as e:  # noqa: BLE001 - any unreadable file gets the same message
        reason = " ".join(str(e).split())[:80]
        raise ScenarioError(
            path, "", f"is not a readable Parquet ensemble file ({reason})"
        ) from None
    meta: dict[str, Any] = {}
    raw = (t.schema.metadata or {}).get(META_KEY.encode())
    if raw is not None:
        try:
            meta = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ScenarioError(path, f"metadata {META_KEY!r}", "is not valid JSON") from None
        if not isinstance(meta, dict):
            raise ScenarioError(path, f"metadata {META_KEY!r}", "must be a JSON object")
    return Ensemble(validate_table(df, path), path, meta)


def write_ensemble(
    df: pd.DataFrame, path: str | Path, meta: Mapping[str, Any] | None = None
) -> Path:
    """Validate ``df`` and write it as an ensemble file, atomically (temporary file, then
    renamed into place: a failed write leaves nothing, or the previous file, behind).

    ``meta``: JSON-able provenance stored as the ``ics_sim`` key-value metadata (source,
    method, seed, version; the version is filled in when absent).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .._version import __version__

    path = Path(path)
    table = validate_table(df, path)
    info = {"version": __version__, **dict(meta or {})}
    t = pa.Table.from_pandas(table, preserve_index=False)
    t = t.replace_schema_metadata(
        {**(t.schema.metadata or {}), META_KEY.encode(): json.dumps(info).encode()}
    )
    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ScenarioError(path, "", f"cannot create its folder ({e.strerror})") from None
    tmp = parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        pq.write_table(t, tmp)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ScenarioError(path, "", f"cannot be written ({e.strerror})") from None
    return path


# ---------------------------------------------------------------------------------------------
# Drawing sets by weight


@dataclass(frozen=True)
class Draw:
    """The sets a run uses: distinct sets in file order, each with its share of the draws."""

    sets: tuple[int, ...]
    weights: tuple[float, ...]
    draws: int  # K asked for (0: every set, with the file's weights)

    def __len__(self) -> int:
        return len(self.sets)


def draw(ens: Ensemble, k: int | None, seed: int) -> Draw:
    """K sets drawn by weight (systematic resampling), or every set when ``k`` is None.

    Systematic resampling puts K evenly spaced points, one random offset, on the cumulative
    weights: each set is drawn floor or ceil of K x its weight times, so K draws represent
    the weights as closely as K can. The offset comes from the seed's own stream, so the same
    seed draws the same sets. A set drawn more than once is run once and counted with its
    share of the draws.
    """
    sets = np.asarray(ens.sets, dtype=np.int64)
    w = ens.weights
    if k is None:
        return Draw(tuple(int(s) for s in sets), tuple(float(x) for x in w), 0)
    if k < 1:
        raise ValueError("k must be at least 1")
    gen = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(b"ensemble"),)))
    )
    u = (gen.random() + np.arange(k)) / k
    cum = np.cumsum(w)
    cum[-1] = max(cum[-1], 1.0)
    idx = np.searchsorted(cum, u, side="right")
    idx = np.minimum(idx, len(w) - 1)
    counts = np.bincount(idx, minlength=len(w))
    keep = np.flatnonzero(counts)
    return Draw(
        tuple(int(s) for s in sets[keep]), tuple(float(c) / k for c in counts[keep]), int(k)
    )


def set_seed(seed: int, position: int, replicates: int, replicate: int) -> int:
    """Seed of replicate r of the set at ``position`` in a draw: ``seed + position *
    replicates + r``. Every scenario of a comparison uses it (common random numbers within a
    set); different sets get different seeds, so chance is independent between sets, which
    the split of variance into parameter uncertainty and chance assumes."""
    return int(seed + position * replicates + replicate)


# ---------------------------------------------------------------------------------------------
# Prior ensembles


def prior_ensemble(
    ranges: Mapping[str, tuple[float, float]],
    sets: int,
    seed: int,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
) -> pd.DataFrame:
    """An equal-weight ensemble of ``sets`` parameter sets: a Latin hypercube (scipy.stats.qmc,
    seeded) over ``ranges``, uniform on each, or mapped through ``transform`` (unit-cube
    points (m, d) to values, e.g. the priors' quantile functions); whole-number parameters
    rounded. Columns set, weight, then the parameters in the order given."""
    import inspect

    from scipy.stats import qmc

    table = declared_params()
    names = list(ranges)
    bounds = np.array([ranges[n] for n in names], dtype=float).reshape(-1, 2)
    kw = "rng" if "rng" in inspect.signature(qmc.LatinHypercube).parameters else "seed"
    unit = qmc.LatinHypercube(d=len(names), **{kw: seed}).random(sets)
    if transform is None:
        values = bounds[:, 0] + unit * (bounds[:, 1] - bounds[:, 0])
    else:
        values = np.asarray(transform(unit), dtype=float).reshape(sets, len(names))
    data: dict[str, Any] = {
        "set": np.arange(sets, dtype=np.int64),
        "weight": np.full(sets, 1.0 / sets),
    }
    for j, n in enumerate(names):
        col = values[:, j]
        if table[n].integer:
            col = np.clip(np.floor(col + 0.5), table[n].lo, table[n].hi).astype(np.int64)
        data[n] = col
    return pd.DataFrame(data)
