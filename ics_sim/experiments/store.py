"""The result store: atomic file writers and the one run writer.

Every writer writes to a temporary file in the destination folder and then moves it into
place with :func:`os.replace`, which is atomic on POSIX and Windows. An interrupted or failed
write therefore never leaves a half-written file under the final name: either the old file (if
any) is still there, or the complete new one is.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ICSSimError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

MANIFEST = "manifest.json"


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
    tmp = _new_temp(final)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
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


class RunWriter:
    """The one run writer: a folder of result files and, written last, the manifest of them.

    ``ics-sim run``, ``run SCENARIO`` and ``compare`` write through it (a sweep writes its
    parts incrementally and builds its manifest with the same builder). A stale manifest would
    describe other files, so it is removed first and written last: a folder with a manifest
    always holds one complete run.
    """

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.out = prepare_dir(out)
        (self.out / MANIFEST).unlink(missing_ok=True)
        self.files: dict[str, Path] = {}

    def table(self, key: str, df: pd.DataFrame, name: str) -> Path:
        """Write a table as CSV or Parquet (by ``name``'s suffix) and record it as ``key``."""
        write = write_parquet if name.endswith(".parquet") else write_csv
        self.files[key] = write(df, self.out / name)
        return self.files[key]

    def figure(self, key: str, fig: Figure, name: str) -> Path:
        """Save a figure and record it as ``key``."""
        self.files[key] = save_figure(fig, self.out / name)
        return self.files[key]

    def finish(self, kind: str, command: list[str] | None, **fields: Any) -> dict[str, Any]:
        """Write ``manifest.json`` describing every recorded file; return the manifest."""
        from .manifest import build_manifest

        manifest = build_manifest(kind, command=command, files=self.files, **fields)
        self.files["manifest"] = write_json(manifest, self.out / MANIFEST)
        return manifest
