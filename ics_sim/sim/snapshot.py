"""Saving an engine's state to a file and continuing from it, bit for bit.

A state file is a numpy ``.npz`` archive (read with ``allow_pickle=False``: it can never run
code) holding every array of a run in progress and a JSON header: the format and its version,
the package version, a fingerprint of the system, the resolved parameters, the seeds, the
mechanisms switched off, the week, an optional hash of the scenario that made it, and the
state of every random stream (numpy ``bit_generator.state``, as JSON).

What is saved is found by walking the engine rather than listed by hand, so a mechanism that
keeps a new cached array is saved without editing this module: every array attribute of the
state and the levers, every attribute of each mechanism (arrays, numbers, strings, random
streams, and lists, tuples and dicts of them), the engine's own counters, and each bound copy
of each intervention (its mask, its random stream, a cohort drawn...). An attribute of any
other type fails the save with its name, rather than being silently lost. An array held in two
places (the same object) is saved once and restored as one object, so aliasing is kept.
Caches keyed by identity (``State.derived``) are dropped: they are rebuilt on first use with
the same values.

Loading rebuilds the engine for the same system without its warm-up (the saved state replaces
it), checks that the file matches (format version, system, parameters, seeds, mechanisms
off), and restores everything. Interventions are given anew when loading, so a run can
continue unchanged or branch: an intervention whose specification (type, key, start, end,
targets, settings) matches one saved gets that one's internal state back; any other starts
fresh, as if it had been there from the start without having acted yet.

Several engines (the batches of one scenario's replicates) can share one file.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import tempfile
import weakref
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..core.errors import ICSSimError
from ..core.params import Params
from ..core.rng import Streams
from ..system.composition import Composition
from . import warmup
from .engine import Engine, Intervention

FORMAT = "ics-sim-state"
#: Bumped whenever what a state file holds changes incompatibly.
FORMAT_VERSION = 1
HEADER = "__header__"

#: Attributes of a mechanism that are fixed for a run (rebuilt, never saved).
MECHANISM_FIXED = frozenset({"topo", "p", "off"})
#: Engine attributes handled on their own or fixed for a run.
ENGINE_FIXED = frozenset(
    {
        "composition",
        "topo",
        "params",
        "mechanisms",
        "interventions",
        "state",
        "levers",
        "seeds",
        "mechanisms_off",
        "check",
        "writes_seen",
        "observer",
    }
)
#: Attributes of a bound intervention copy that come from its specification.
INTERVENTION_FIXED = frozenset({"targets", "p", "settings", "_bound", "start", "end", "key"})


class SnapshotError(ICSSimError):
    """A state file that cannot be written, read, or used for this run."""


# -- encoding ---------------------------------------------------------------------------------
class _Encoder:
    """Walks objects into JSON descriptions, putting arrays in a flat dict by path."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self._seen: dict[int, str] = {}

    def encode(self, obj: Any, path: str) -> Any:
        if isinstance(obj, np.ndarray):
            if id(obj) in self._seen:
                return {"ref": self._seen[id(obj)]}
            if obj.dtype.hasobject:
                raise SnapshotError(f"cannot save {path}: an array of Python objects")
            self._seen[id(obj)] = path
            self.arrays[path] = obj
            return {"array": path}
        if isinstance(obj, Streams):
            return {"streams": [g.bit_generator.state for g in obj.gens]}
        if isinstance(obj, np.random.Generator):
            return {"generator": obj.bit_generator.state}
        if isinstance(obj, bool | int | float | str) or obj is None:
            return {"value": obj}
        if isinstance(obj, np.generic):
            return {"scalar": obj.item(), "dtype": str(obj.dtype)}
        if isinstance(obj, list | tuple):
            return {
                "list" if isinstance(obj, list) else "tuple": [
                    self.encode(v, f"{path}/{i}") for i, v in enumerate(obj)
                ]
            }
        if isinstance(obj, set | frozenset) and all(isinstance(v, int | str) for v in obj):
            return {"set": sorted(obj, key=repr), "frozen": isinstance(obj, frozenset)}
        if isinstance(obj, dict) and all(isinstance(k, str) for k in obj):
            return {"dict": {k: self.encode(v, f"{path}/{k}") for k, v in obj.items()}}
        raise SnapshotError(
            f"cannot save {path}: a {type(obj).__name__} (state files hold arrays, numbers, "
            "strings, random streams and lists or dicts of them)"
        )

    def attrs(self, obj: Any, path: str, fixed: frozenset[str]) -> dict[str, Any]:
        return {
            k: self.encode(v, f"{path}/{k}") for k, v in sorted(vars(obj).items()) if k not in fixed
        }


def _decode(desc: Any, arrays: Mapping[str, np.ndarray], made: dict[str, np.ndarray]) -> Any:
    if "array" in desc:
        a = made.get(desc["array"])
        if a is None:
            a = made[desc["array"]] = np.array(arrays[desc["array"]])  # own, writable copy
        return a
    if "ref" in desc:
        return _decode({"array": desc["ref"]}, arrays, made)
    if "streams" in desc:
        s = Streams.__new__(Streams)
        s.gens = [_generator(st) for st in desc["streams"]]
        return s
    if "generator" in desc:
        return _generator(desc["generator"])
    if "value" in desc:
        return desc["value"]
    if "scalar" in desc:
        return np.dtype(desc["dtype"]).type(desc["scalar"])
    if "list" in desc:
        return [_decode(v, arrays, made) for v in desc["list"]]
    if "tuple" in desc:
        return tuple(_decode(v, arrays, made) for v in desc["tuple"])
    if "set" in desc:
        return (frozenset if desc["frozen"] else set)(desc["set"])
    if "dict" in desc:
        return {k: _decode(v, arrays, made) for k, v in desc["dict"].items()}
    raise SnapshotError(f"unreadable entry in state file: {sorted(desc)}")


def _generator(state: dict[str, Any]) -> np.random.Generator:
    bits = getattr(np.random, state["bit_generator"])()
    bits.state = state
    return np.random.Generator(bits)


# -- what identifies a run ----------------------------------------------------------------------
def params_json(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as JSON values (floats round-trip exactly through JSON)."""
    return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in sorted(params.items())}


def intervention_spec(iv: Any) -> dict[str, Any]:
    """What an intervention is, for matching a saved one to a given one."""
    targets = getattr(iv, "targets", None)
    return {
        "class": f"{type(iv).__module__}.{type(iv).__qualname__}",
        "key": getattr(iv, "key", ""),
        "start": getattr(iv, "start", None),
        "end": getattr(iv, "end", None),
        "targets": targets.describe() if hasattr(targets, "describe") else repr(targets),
        "settings": params_json(getattr(iv, "p", {}) or {}),
    }


def _header_of(engine: Engine) -> dict[str, Any]:
    return {
        "seeds": list(engine.seeds),
        "week": int(engine.week),
    }


def encode_engine(engine: Engine, enc: _Encoder, prefix: str) -> dict[str, Any]:
    """The JSON description of one engine; its arrays go into ``enc.arrays``."""
    s = engine.state
    state = {
        k: enc.encode(v, f"{prefix}state/{k}")
        for k, v in sorted(vars(s).items())
        if k not in ("tally", "derived")
    }
    tally = {k: enc.encode(v, f"{prefix}tally/{k}") for k, v in sorted(s.tally.items())}
    levers = {k: enc.encode(v, f"{prefix}levers/{k}") for k, v in engine.levers.values.items()}
    mechanisms = [
        {"name": m.name, "attrs": enc.attrs(m, f"{prefix}mech/{m.name}", MECHANISM_FIXED)}
        for m in engine.mechanisms
    ]
    interventions = []
    for i, iv in enumerate(engine.interventions):
        uses = getattr(iv, "_bound", {}).get(engine)
        entry: dict[str, Any] = {"spec": intervention_spec(iv), "uses": []}
        if uses is not None:
            entry["week"], entry["next"] = int(uses.week), int(uses.next)
            entry["uses"] = [
                enc.attrs(c, f"{prefix}iv/{i}/{j}", INTERVENTION_FIXED)
                for j, c in enumerate(uses.copies)
            ]
        interventions.append(entry)
    return {
        **_header_of(engine),
        "engine": enc.attrs(engine, f"{prefix}engine", ENGINE_FIXED),
        "state": state,
        "tally": tally,
        "levers": levers,
        "mechanisms": mechanisms,
        "interventions": interventions,
    }


def to_bytes(
    engines: Engine | Sequence[Engine], *, scenario_hash: str | None = None, **info: Any
) -> bytes:
    """The state file of ``engines`` (one, or the batches of one scenario) as bytes.

    ``info``: extra JSON entries for the header (e.g. the system's name or ICB code).
    """
    engines = [engines] if isinstance(engines, Engine) else list(engines)
    if not engines:
        raise SnapshotError("nothing to save: no engine given")
    first = engines[0]
    fp = warmup.fingerprint(first.composition)
    for e in engines[1:]:
        if (
            warmup.fingerprint(e.composition) != fp
            or dict(e.params) != dict(first.params)
            or e.mechanisms_off != first.mechanisms_off
        ):
            raise SnapshotError("engines saved together must run the same system and parameters")
    enc = _Encoder()
    parts = [encode_engine(e, enc, f"p{i}/") for i, e in enumerate(engines)]
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "composition": {"name": first.composition.name, "fingerprint": fp},
        "params": params_json(first.params),
        "mechanisms_off": sorted(first.mechanisms_off),
        "mechanisms": [m.name for m in first.mechanisms],
        "seeds": [s for e in engines for s in e.seeds],
        "week": int(first.week),
        "scenario_hash": scenario_hash,
        "info": info,
        "parts": parts,
    }
    text = json.dumps(header, separators=(",", ":"))
    buf = io.BytesIO()
    blob = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(buf, **{HEADER: blob}, **enc.arrays)
    return buf.getvalue()


def check_target(path: str | os.PathLike[str]) -> Path:
    """Refuse, before any work, a state file path that cannot be written as a regular file
    (a folder, a device such as /dev/null, a missing folder)."""
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise SnapshotError(f"state file {str(path)!r}: give a file name, e.g. state.npz")
    if path.exists() and not path.is_file():
        raise SnapshotError(
            f"state file {str(path)!r} exists and is not a regular file; give a new file name"
        )
    folder = path.parent
    if not folder.is_dir():
        raise SnapshotError(f"cannot write state file {str(path)!r}: no folder {str(folder)!r}")
    return path


def save(
    engines: Engine | Sequence[Engine],
    path: str | os.PathLike[str],
    *,
    scenario_hash: str | None = None,
    **info: Any,
) -> Path:
    """Write the state file of ``engines`` to ``path`` atomically (complete or not at all)."""
    path = check_target(path)
    data = to_bytes(engines, scenario_hash=scenario_hash, **info)
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SnapshotError(f"cannot write state file {str(path)!r}: {exc.strerror}") from None
    return path


# -- reading ------------------------------------------------------------------------------------
def read(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(header, arrays) of a state file, its format checked."""
    path = Path(path)
    if path.exists() and not path.is_file():
        raise SnapshotError(f"state file {str(path)!r} is not a regular file")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise SnapshotError(f"state file {str(path)!r} does not exist") from None
    except (OSError, ValueError, EOFError) as exc:
        raise SnapshotError(
            f"{str(path)!r} is not an ics-sim state file (not a readable .npz archive: {exc})"
        ) from None
    blob = arrays.pop(HEADER, None)
    try:
        header = json.loads(bytes(blob).decode("utf-8")) if blob is not None else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SnapshotError(f"{str(path)!r} is not an ics-sim state file (no {FORMAT} header)")
    if header.get("format_version") != FORMAT_VERSION:
        raise SnapshotError(
            f"{str(path)!r}: state file format version {header.get('format_version')!r}, but "
            f"this ics-sim ({__version__}) reads version {FORMAT_VERSION} only; re-create it "
            f"with this version (it was written by ics-sim {header.get('package_version')})"
        )
    return header, arrays


def header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The JSON header of a state file (without its per-engine parts)."""
    h, _ = read(path)
    return {k: v for k, v in h.items() if k != "parts"}


def check(
    h: Mapping[str, Any],
    where: str,
    composition: Composition,
    params: Mapping[str, Any] | None = None,
    mechanisms_off: Iterable[str] | None = None,
    seeds: Sequence[int] | None = None,
) -> None:
    """Refuse a state file made for another system, parameters, mechanisms or seeds."""
    fp = warmup.fingerprint(composition)
    saved = h["composition"]
    if saved["fingerprint"] != fp:
        raise SnapshotError(
            f"{where}: saved for the system {saved['name']!r}, not for {composition.name!r} "
            "(another composition); use the same ICS as the run that saved it"
        )
    if params is not None:
        given = params_json(params)
        diff = sorted(
            k for k in set(given) | set(h["params"]) if given.get(k) != h["params"].get(k)
        )
        if diff:
            shown = ", ".join(
                f"{k} (saved {h['params'].get(k)!r}, here {given.get(k)!r})" for k in diff[:4]
            )
            raise SnapshotError(
                f"{where}: saved with other parameters: {shown}; a saved state continues only "
                "the model it was made with"
            )
    if mechanisms_off is not None and sorted(mechanisms_off) != list(h["mechanisms_off"]):
        raise SnapshotError(
            f"{where}: saved with mechanisms off {h['mechanisms_off'] or 'none'}, not "
            f"{sorted(mechanisms_off) or 'none'}"
        )
    if seeds is not None and [int(s) for s in seeds] != list(h["seeds"]):
        raise SnapshotError(
            f"{where}: saved for seeds {_seeds_text(h['seeds'])}, not "
            f"{_seeds_text(list(seeds))}; give the same seed and replicates"
        )


def _seeds_text(seeds: Sequence[int]) -> str:
    seeds = list(seeds)
    if len(seeds) > 1 and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}-{seeds[-1]}"
    return ", ".join(map(str, seeds[:6])) + (" ..." if len(seeds) > 6 else "")


def _unwarmed(comp: Composition, seeds: list[int], params: Params, off: Iterable[str]) -> Engine:
    """A freshly built engine for this run, without its warm-up (the saved state replaces it)."""
    cold = Params({**dict(params), "warmup_weeks": 0})
    eng = Engine(comp, seeds, cold, off)
    eng.params = params
    for m in eng.mechanisms:
        m.p = params
    return eng


def _restore(
    eng: Engine,
    part: Mapping[str, Any],
    arrays: Mapping[str, np.ndarray],
    where: str,
    interventions: Sequence[Intervention],
) -> None:
    made: dict[str, np.ndarray] = {}

    def dec(d: Any) -> Any:
        return _decode(d, arrays, made)

    s = eng.state
    fresh = {k for k in vars(s) if k not in ("tally", "derived")}
    if fresh != set(part["state"]):
        raise _mismatch(where, "state variables", fresh, set(part["state"]))
    for k, d in part["state"].items():
        setattr(s, k, dec(d))
    s.tally = {k: dec(d) for k, d in part["tally"].items()}
    s.derived = {}
    if set(eng.levers.values) != set(part["levers"]):
        raise _mismatch(where, "levers", set(eng.levers.values), set(part["levers"]))
    eng.levers.values = {k: dec(d) for k, d in part["levers"].items()}
    names = [m.name for m in eng.mechanisms]
    saved = [m["name"] for m in part["mechanisms"]]
    if names != saved:
        raise SnapshotError(
            f"{where}: saved with the mechanisms {', '.join(saved)}; this model runs "
            f"{', '.join(names)} (another version or other plugins)"
        )
    for m, entry in zip(eng.mechanisms, part["mechanisms"], strict=True):
        have = {k for k in vars(m) if k not in MECHANISM_FIXED}
        if have != set(entry["attrs"]):
            raise _mismatch(where, f"attributes of mechanism {m.name!r}", have, set(entry["attrs"]))
        for k, d in entry["attrs"].items():
            setattr(m, k, dec(d))
    for k, d in part["engine"].items():
        setattr(eng, k, dec(d))
    eng.interventions = list(interventions)
    saved_ivs = list(part["interventions"])
    for iv in eng.interventions:
        spec = intervention_spec(iv)
        hit = next((e for e in saved_ivs if e["spec"] == spec), None)
        if hit is None or not hit["uses"] or not hasattr(iv, "bind"):
            continue
        saved_ivs.remove(hit)
        copies = []
        for attrs in hit["uses"]:
            bound = copy.copy(iv)
            bound._bound = weakref.WeakKeyDictionary()
            bound.bind(eng)
            for k, d in attrs.items():
                setattr(bound, k, dec(d))
            copies.append(bound)
        uses = _uses_type()()
        uses.copies, uses.week, uses.next = copies, hit["week"], hit["next"]
        iv._bound[eng] = uses


def _uses_type():
    from ..interventions.base import _Uses

    return _Uses


def _mismatch(where: str, what: str, here: set[str], saved: set[str]) -> SnapshotError:
    extra, missing = sorted(saved - here), sorted(here - saved)
    return SnapshotError(
        f"{where}: the {what} differ from this version of the model (only in the file: "
        f"{', '.join(extra) or 'none'}; only here: {', '.join(missing) or 'none'}); re-create "
        "the state file with this version"
    )


def load(
    path: str | os.PathLike[str],
    composition: Composition,
    *,
    interventions: Iterable[Intervention] = (),
    params: Mapping[str, Any] | None = None,
    mechanisms_off: Iterable[str] | None = None,
    seeds: Sequence[int] | None = None,
) -> list[Engine]:
    """The engines saved in ``path`` (one per saved batch), ready to step on.

    ``composition`` must be the system the file was saved for; ``params``, ``mechanisms_off``
    and ``seeds``, when given, must match too (otherwise the saved ones are used).
    ``interventions`` are bound to every engine (see the module docstring for how saved
    intervention state is matched).
    """
    where = f"state file {str(path)!r}"
    h, arrays = read(path)
    check(h, where, composition, params, mechanisms_off, seeds)
    from ..core.params import resolve
    from .engine import all_params

    try:
        p = resolve(all_params(), h["params"])
    except ICSSimError as exc:
        raise SnapshotError(f"{where}: {exc}") from None
    interventions = list(interventions)
    engines = []
    for part in h["parts"]:
        eng = _unwarmed(composition, list(part["seeds"]), p, h["mechanisms_off"])
        _restore(eng, part, arrays, where, interventions)
        engines.append(eng)
    return engines


def load_one(path: str | os.PathLike[str], composition: Composition, **kw: Any) -> Engine:
    """The one engine saved in ``path`` (all its replicates in one batch)."""
    engines = load(path, composition, **kw)
    if len(engines) != 1:
        raise SnapshotError(
            f"state file {str(path)!r} holds {len(engines)} batches of replicates; load it "
            "with snapshot.load"
        )
    return engines[0]


def clone(engine: Engine, interventions: Iterable[Intervention] | None = None) -> Engine:
    """An independent copy of ``engine`` now (in memory), e.g. to branch a run.

    The interventions' bound state is copied too, so the clone continues exactly as the
    original would; ``interventions`` replaces the list (matched like loading a file).
    """
    enc = _Encoder()
    part = encode_engine(engine, enc, "")
    arrays = {k: v for k, v in enc.arrays.items()}
    eng = _unwarmed(engine.composition, list(engine.seeds), engine.params, engine.mechanisms_off)
    ivs = engine.interventions if interventions is None else list(interventions)
    _restore(eng, part, arrays, "copy", ivs)
    return eng


def digest(data: Any) -> str:
    """SHA-256 of a JSON value in canonical form (e.g. a scenario, for ``scenario_hash``)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
