"""The result store: atomic file writers and the one run writer.

Every writer writes to a temporary file in the destination folder and then moves it into
place with :func:`os.replace`, which is atomic on POSIX and Windows. An interrupted or failed
write therefore never leaves a half-written file under the final name: either the old file (if
any) is still there, or the complete new one is. A failed write (a full disk, a read-only
folder) raises :class:`OutputError`, a user error of one line.

A run (:class:`RunWriter`) goes one step further: all its files are written into a fresh
hidden folder beside the target, which is swapped into place only when the run is complete,
so the previous complete run survives any failure.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import math
import os
import secrets
import shutil
import sys
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ICSSimError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

MANIFEST = "manifest.json"
#: Environment variable of the fault-injection tests: ``ENOSPC:<n>`` (or another errno name,
#: e.g. ``EROFS:<n>``) makes the n-th atomic write of this process, and every later one, fail
#: as a full disk (or a read-only folder) would. See docs/reliability.md.
FAULT_ENV = "ICS_SIM_FAULT"
_writes = [0]


class OutputError(ICSSimError, OSError):
    """An output file or folder could not be written (full disk, read-only folder...).

    A user error (one line, exit 2) that is still an :class:`OSError` to code that catches one.
    """


def _oserror(what: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"cannot write {what}: {reason}")


def _inject_fault() -> None:
    """Fail this write if the fault-injection hook asks for it (tests only)."""
    name, _, nth = os.environ.get(FAULT_ENV, "").partition(":")
    code = getattr(errno, name, None) if name.startswith("E") else None
    if not isinstance(code, int):
        return
    _writes[0] += 1
    if _writes[0] >= int(nth or 1):
        raise OSError(code, os.strerror(code))


def prepare_dir(path: str | os.PathLike[str]) -> Path:
    """Create the output folder ``path`` (and its parents) if needed; return it resolved.

    Raises :class:`ICSSimError` when it cannot be created or is not a folder.
    """
    out = Path(path).expanduser()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ICSSimError(f"output folder {str(out)!r} exists and is not a folder") from None
    except OSError as exc:
        raise ICSSimError(
            f"cannot create output folder {str(out)!r}: {exc.strerror or exc}"
        ) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ICSSimError(f"output folder {str(out)!r} is not writable")
    return out.resolve()


def _new_temp(final: Path) -> Path:
    """Create an empty, uniquely named hidden file next to ``final`` and return its path.

    It is created with mode 0o666 minus the umask, like an ordinary new file (unlike
    :func:`tempfile.mkstemp`, whose 0o600 would carry over to the final file).
    """
    for _ in range(100):
        tmp = final.with_name(f".{final.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"cannot create a temporary file next to {final}")  # pragma: no cover


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces ``path`` atomically.

    If the body raises (including KeyboardInterrupt), the temporary file is removed and
    ``path`` is left as it was.

    >>> with atomic_path("out/table.csv") as tmp:  # doctest: +SKIP
    ...     df.to_csv(tmp)
    """
    final = Path(path)
    try:
        tmp = _new_temp(final)
    except OSError as exc:
        raise _oserror(final, exc) from None
    try:
        yield tmp
        _inject_fault()
        _fsync(tmp)
        os.replace(tmp, final)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _oserror(final, exc) from None
        raise
    if os.name == "posix":  # make the rename itself durable
        _fsync(final.parent)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
    return Path(path)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line endings) to ``path`` atomically."""
    return write_bytes(path, text.encode("utf-8"))


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` as CSV (no index, full float precision, ``\\n`` endings) atomically.

    Floats are written with enough digits to read back exactly, so the CSV and the Parquet
    file hold the same numbers, and the same run always gives byte-identical files.
    """
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            df.to_csv(f, index=False, lineterminator="\n")
    return Path(path)


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` as Parquet (pyarrow, no index) atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return Path(path)


def json_default(obj: Any) -> Any:
    """Make numpy scalars and arrays, paths and mappings JSON-serialisable."""
    if hasattr(obj, "tolist"):  # numpy scalar or array
        return obj.tolist()
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    if isinstance(obj, set | frozenset | tuple):
        return sorted(obj) if isinstance(obj, set | frozenset) else list(obj)
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")


def _finite(obj: Any) -> Any:
    """Replace NaN and infinities (not valid JSON) by None, recursively."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def write_json(obj: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``obj`` as indented, strictly valid JSON atomically."""
    text = json.dumps(obj, indent=2, default=json_default, ensure_ascii=False)
    # Round-trip through json to convert numpy values, then drop non-finite floats.
    text = json.dumps(_finite(json.loads(text)), indent=2, ensure_ascii=False, allow_nan=False)
    return write_text(path, text + "\n")


def save_figure(fig: Figure, path: str | os.PathLike[str], dpi: int = 150) -> Path:
    """Save a matplotlib figure atomically; the format comes from ``path``'s suffix."""
    final = Path(path)
    fmt = final.suffix.lstrip(".").lower() or "png"
    with atomic_path(final) as tmp:
        # Fixed metadata so the same figure gives the same bytes.
        metadata = {"Software": None} if fmt == "png" else None
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata)
    return final


def _is_temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def clean_stale(folder: Path, prefix: str) -> list[Path]:
    """Remove ``folder``'s temporary files and folders named ``prefix...tmp`` left by killed
    runs (a name carries its writer's process id; a live writer's entries are kept)."""
    removed = []
    with contextlib.suppress(OSError):
        for p in folder.iterdir():
            if not (p.name.startswith(prefix) and _is_temporary(p.name)):
                continue
            pid = p.name.removeprefix(prefix).split("-", 1)[0]
            if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
                continue
            with contextlib.suppress(OSError):
                shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
                removed.append(p)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _previous_run(out: Path) -> None:
    """Refuse ``out`` unless it is missing, empty or holds one complete earlier run only.

    A run replaces its folder as a whole, so a folder with anything else in it (files that
    are not an ics-sim run, or files beside one) is refused rather than cleared.
    """
    if not out.exists():
        return
    if not out.is_dir():
        raise ICSSimError(f"output folder {str(out)!r} exists and is not a folder")
    entries = {p.name for p in out.iterdir() if not _is_temporary(p.name)}
    if not entries:
        return
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        kind = str(manifest.get("kind", ""))
        owned = {MANIFEST} | {f["path"] for f in manifest.get("files", {}).values()}
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        kind, owned = "", set()
    if not kind.startswith(("ics-sim run", "ics-sim compare", "ics-sim discover")):
        raise ICSSimError(
            f"output folder {str(out)!r} is not empty and holds no ics-sim run (no readable "
            f"{MANIFEST} of 'ics-sim run' or 'compare'); nothing was changed: choose a new "
            "--out or empty it"
        )
    others = sorted(entries - owned)
    if others:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        raise ICSSimError(
            f"output folder {str(out)!r} holds an earlier run and files that are not part "
            f"of it ({shown}); a run replaces its folder as a whole, so nothing was changed: "
            "move them, or choose a new --out"
        )


class RunWriter:
    """The one run writer: a folder of result files and, written last, the manifest of them.

    ``ics-sim run``, ``run SCENARIO`` and ``compare`` write through it (a sweep writes its
    parts incrementally and builds its manifest with the same builder). Everything is written
    into a fresh hidden folder beside ``out`` (``.NAME.PID-TOKEN.tmp``); :meth:`finish` writes
    the manifest there and swaps the folder into place, so ``out`` always holds either the
    previous complete run or the new complete one. A folder holding anything but an earlier
    run is refused before any work. If the run fails or is interrupted, the hidden folder is
    removed (and one left by a killed run is removed by the next run into the same parent).
    """

    def __init__(self, out: str | os.PathLike[str]) -> None:
        target = Path(out).expanduser()
        parent = prepare_dir(target.parent if target.name else target)
        self.out = parent / target.name if target.name else parent
        _previous_run(self.out)
        if self.out.exists() and self.out.stat().st_dev != parent.stat().st_dev:
            raise ICSSimError(
                f"output folder {str(self.out)!r} is a mount point; a run replaces its folder "
                "as a whole, so give a folder inside it"
            )
        self.prefix = f".{self.out.name}."
        clean_stale(parent, self.prefix)
        name = f"{self.prefix}{os.getpid()}-{secrets.token_hex(4)}.tmp"
        self.work = parent / name
        try:
            self.work.mkdir()
        except OSError as exc:
            raise _oserror(self.work, exc) from None
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.work, ignore_errors=True)
        self.files: dict[str, Path] = {}

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._cleanup()  # a no-op after finish

    def table(self, key: str, df: pd.DataFrame, name: str) -> Path:
        """Write a table as CSV or Parquet (by ``name``'s suffix) and record it as ``key``."""
        write = write_parquet if name.endswith(".parquet") else write_csv
        with self._writing(name):
            self.files[key] = write(df, self.work / name)
        return self.files[key]

    def figure(self, key: str, fig: Figure, name: str) -> Path:
        """Save a figure and record it as ``key``."""
        with self._writing(name):
            self.files[key] = save_figure(fig, self.work / name)
        return self.files[key]

    @contextlib.contextmanager
    def _writing(self, name: str) -> Iterator[None]:
        """Name the final folder, and what is kept, when a write fails."""
        try:
            yield
        except OutputError as exc:
            reason = str(exc).rsplit(": ", 1)[-1]
            kept = "the previous run there is kept" if self.out.exists() else "nothing was written"
            raise OutputError(
                f"cannot write {name} of the run into {self.out}: {reason}; {kept}"
            ) from None

    def finish(self, kind: str, command: list[str] | None, **fields: Any) -> dict[str, Any]:
        """Write ``manifest.json``, swap the complete folder into place; return the manifest."""
        from .manifest import build_manifest

        manifest = build_manifest(kind, command=command, files=self.files, **fields)
        with self._writing(MANIFEST):
            self.files["manifest"] = write_json(manifest, self.work / MANIFEST)
        _fsync(self.work)
        _previous_run(self.out)  # nothing else appeared there meanwhile
        try:
            if self.out.exists():
                if not _exchange(self.work, self.out):
                    old = self.out.with_name(f"{self.prefix}{os.getpid()}-old.tmp")
                    os.replace(self.out, old)
                    os.replace(self.work, self.out)
                    self.work = old
                shutil.rmtree(self.work, ignore_errors=True)  # now the previous run
            else:
                os.replace(self.work, self.out)
        except OSError as exc:
            raise _oserror(self.out, exc) from None
        self._cleanup.detach()
        _fsync(self.out.parent)
        self.files = {k: self.out / p.name for k, p in self.files.items()}
        return manifest
