"""Reading scenario and experiment files: one YAML reader and one error translator.

Both file kinds are YAML checked by pydantic models. :func:`read_yaml` turns every way a file
can fail to be a mapping (missing, a folder, not UTF-8, bad YAML with its line and column) into
one :class:`ScenarioError`, and :func:`located_error` turns pydantic's first error into one
message that names the file, the field path (``interventions[0].targets.kinds``) and, for an
unknown key, the nearest valid one and the valid keys.

Files are untrusted (a scenario may come from anyone), so reading is bounded: regular files
only (no devices, pipes or sockets), at most :data:`MAX_FILE_BYTES`, YAML aliases expanding to
at most :data:`MAX_ALIAS_VALUES` values, values cut short before they go into a message, and
files named by ``extends`` or ``scenario:`` only from inside the project
(:func:`resolve_reference`).
"""

from __future__ import annotations

import os
import reprlib
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..core.errors import ICSSimError
from ..core.params import suggest

#: Most problems of one file listed (a file of 20,000 unknown keys needs only a few).
MAX_PROBLEMS = 50


class ScenarioError(ICSSimError):
    """A scenario or experiment file problem, located by file and field path.

    One error may hold several problems of the same file (``problems``: field path and
    message of each), so a file with three mistakes is fixed in one round, not three.
    """

    def __init__(self, path: Path | str | None, field: str, message: str):
        where = f"{path}: " if path else ""
        loc = f"{field}: " if field else ""
        super().__init__(f"{where}{loc}{message}")
        self.path, self.field, self.detail = path, field, message
        self.problems: list[tuple[str, str]] = [(field, message)]

    @classmethod
    def of(cls, path: Path | str | None, problems: list[tuple[str, str]]) -> ScenarioError:
        """One error for every problem found in the file ``path`` (the first leads)."""
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], ("", f"and {more:,} more problems")]
        if len(problems) == 1:
            return cls(path, *problems[0])
        listed = "; ".join(f"{f}: {m}" if f else m for f, m in problems)
        err = cls(path, "", f"{len(problems)} problems: {listed}")
        err.field, err.detail = problems[0]
        err.problems = list(problems)
        return err

    def lines(self) -> list[str]:
        """One line per problem, each naming the file and the field."""
        where = f"{self.path}: " if self.path else ""
        return [f"{where}{f}: {m}" if f else f"{where}{m}" for f, m in self.problems]


def _args(ann: Any) -> tuple[Any, ...]:
    args = getattr(ann, "__args__", ())
    return tuple(a for arg in args for a in (arg, *_args(arg)))


def _model_in(ann: Any) -> type[BaseModel] | None:
    for a in (ann, *_args(ann)):
        if isinstance(a, type) and issubclass(a, BaseModel):
            return a
    return None


def _walk(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[str, type[BaseModel] | None]:
    """The field path of ``loc`` as text, and the model found at its end (None: a value).

    Pydantic's locations also hold the branch of a union that failed (``str``,
    ``CountsSpec``, ``function-after[...]``); those are not fields and are left out.
    """
    out, model, tags = "", root, set()
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        part = str(part)
        if part in tags or part.startswith(("function-", "tagged-union")):
            continue
        shown = part if part.isprintable() and len(part) <= 60 else _short(part)
        out += ("." if out else "") + shown
        field = model.model_fields.get(part) if model is not None else None
        if field is None:  # a key of a mapping: the model of its values still applies
            continue
        ann = field.annotation
        model = _model_in(ann)
        tags = {getattr(a, "__name__", str(a)) for a in (ann, *_args(ann))}
    return out, model


class _BoundedRepr(reprlib.Repr):
    """``repr`` that looks at no more of a value than it shows (never the whole of a bomb)."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxstring, self.maxother = 2, 36, 36
        self.maxlist = self.maxdict = self.maxtuple = self.maxset = 4

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 100:  # repr of a huge int is slow, and refused past 4,300 digits
            return f"<a whole number of about {int(x.bit_length() * 0.30103)} digits>"
        return super().repr_int(x, level)


_REPR = _BoundedRepr()


def _short(value: Any, limit: int = 40) -> str:
    """A short description of ``value`` for a message: bounded before it is formatted."""
    try:
        text = _REPR.repr(value)
    except Exception:  # noqa: BLE001 - a value's own __repr__ may fail; say what it is
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def located_error(
    exc: ValidationError, path: Path | str | None, root: type[BaseModel]
) -> ScenarioError:
    """Every problem of a pydantic error about a file of ``root``, each with its field path."""
    return ScenarioError.of(path, problems(exc, root))


def problems(exc: ValidationError, root: type[BaseModel]) -> list[tuple[str, str]]:
    """(field path, message) of each error, one per field, in the file's order."""
    errors = [(_walk(root, e["loc"])[0], e) for e in exc.errors(include_url=False)]

    def other_branch(field: str, err: dict[str, Any]) -> bool:
        # Of the branches of a union (ics: text or counts), report the one the input was
        # meant for: "not text" is dropped where another branch says more about the field.
        return err["type"] == "string_type" and any(
            e["type"] != "string_type" and (f == field or f.startswith((field + ".", field + "[")))
            for f, e in errors
        )

    out: dict[str, tuple[str, str]] = {}
    for field, err in errors:
        if other_branch(field, err):
            continue
        field, message = _problem(root, field, err)
        key = f"{field}\0{err['loc'][-1]}" if err["type"] == "extra_forbidden" else field
        out.setdefault(key, (field, message))  # float | int: one message per field
    return list(out.values())


def _problem(root: type[BaseModel], field: str, err: dict[str, Any]) -> tuple[str, str]:
    kind = err["type"]
    if kind == "extra_forbidden":
        name = str(err["loc"][-1])
        field, model = _walk(root, err["loc"][:-1])
        valid = list(model.model_fields) if model else []
        shown = _short(name)
        return (
            field,
            f"unknown key {shown}{suggest(name[:100], valid)}; valid keys: {', '.join(valid)}",
        )
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "missing":
        return field, "this key is required"
    if "input" in err and kind.endswith("_type"):
        msg += f" (got {type(err['input']).__name__} {_short(err['input'])})"
    return field, msg


#: Largest scenario or experiment file read (the shipped ones are under 4 KiB).
MAX_FILE_BYTES = 1 << 20
#: Most values YAML aliases (``*name``) may add to a file once expanded: enough for any real
#: reuse of a block, far from the billions of an alias bomb.
MAX_ALIAS_VALUES = 10_000
#: Deepest chain of ``extends`` followed.
MAX_EXTENDS = 32

_OUTSIDE: ContextVar[bool] = ContextVar("ics_sim_allow_outside", default=False)


@contextmanager
def outside_allowed(allow: bool = True) -> Iterator[None]:
    """Within the block, ``extends`` and ``scenario:`` may name files outside the project."""
    token = _OUTSIDE.set(allow)
    try:
        yield
    finally:
        _OUTSIDE.reset(token)


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` that counts what aliases expand to and locates constructor errors.

    PyYAML shares the node of an anchor between its aliases, so a 400-byte file of nested
    aliases is cheap to parse but expands to billions of values as soon as anything walks
    it (validation, ``repr``). Counting each alias's expanded size as it is met refuses
    such a file before anything is built.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._expanded = 0
        self._sizes: dict[int, int] = {}
        self._open: set[str] = set()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            if event.anchor in self._open:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"alias *{event.anchor} refers to a value that contains it",
                    event.start_mark,
                )
            node = super().compose_node(parent, index)
            self._expanded += self._size(node)
            if self._expanded > MAX_ALIAS_VALUES:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"aliases (*name) expand to more than {MAX_ALIAS_VALUES:,} values "
                    "(an alias bomb?); write the values out or use fewer aliases",
                    event.start_mark,
                )
            return node
        anchor = self.peek_event().anchor
        if anchor is not None:
            self._open.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._open.discard(anchor)

    def _size(self, node: Any) -> int:
        """Values in ``node`` with every alias in it expanded (memoised: nodes are shared)."""
        key = id(node)
        if key not in self._sizes:
            if isinstance(node, yaml.SequenceNode):
                size = 1 + sum(self._size(n) for n in node.value)
            elif isinstance(node, yaml.MappingNode):
                size = 1 + sum(self._size(k) + self._size(v) for k, v in node.value)
            else:
                size = 1
            self._sizes[key] = size
        return self._sizes[key]

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except RecursionError:
            raise
        except (ValueError, TypeError, ArithmeticError, AttributeError, LookupError):
            # PyYAML's constructors fail in many ways on a tagged value ('!!timestamp soon')
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"cannot read {_short(node.value)} as {node.tag.rsplit(':', 1)[-1]}",
                node.start_mark,
            ) from None


def _read_bytes(path: Path, what: str) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_FILE_BYTES`, or a ScenarioError.

    Devices (``/dev/zero`` never ends), pipes and sockets (they block) are refused from
    ``stat`` before they are opened; the file is opened non-blocking and checked again, so
    one swapped in between cannot hang the read.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError(path, "", "no such file") from None
    except (OSError, ValueError) as e:
        raise ScenarioError(path, "", f"cannot be read ({_reason(e)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(path, "", f"is a folder, not a {what} file")
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(
            path, "", f"is not a regular file ({_file_type(info.st_mode)}); give a {what} file"
        )
    _check_size(path, info.st_size)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise ScenarioError(path, "", f"cannot be read ({_reason(e)})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(path, "", f"is not a regular file ({_file_type(info.st_mode)})")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ScenarioError(path, "", f"cannot be read ({_reason(e)})") from None
    finally:
        os.close(fd)
    _check_size(path, len(data))
    return data


def _check_size(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            path,
            "",
            f"is {size:,} bytes or more; scenario and experiment files may be at most "
            f"{MAX_FILE_BYTES:,} bytes ({MAX_FILE_BYTES >> 20} MiB)",
        )


def _reason(e: Exception) -> str:
    return getattr(e, "strerror", None) or _short(str(e), 60)


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a file"


def read_yaml(path: Path, what: str = "scenario") -> dict[str, Any]:
    """The mapping in a YAML file, or a ScenarioError saying why not (bounded: see above)."""
    data = _read_bytes(Path(path), what)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(path, "", "is not a text file (expected UTF-8 YAML)") from None
    loader = None
    try:
        loader = _Loader(text)
        raw = loader.get_single_data()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ScenarioError(path, "", f"is not valid YAML{where}: {problem}") from None
    except RecursionError:
        raise ScenarioError(path, "", f"is nested too deeply to be a {what}") from None
    finally:
        if loader is not None:
            loader.dispose()
    if raw is None:
        raise ScenarioError(path, "", f"is empty; a {what} needs at least 'name'")
    if not isinstance(raw, dict):
        raise ScenarioError(
            path, "", f"must be a mapping of keys (name, ...), not a {type(raw).__name__}"
        )
    bad = [k for k in raw if not isinstance(k, str)]
    if bad:
        raise ScenarioError(path, "", f"keys must be text, got {_short(bad[0])}")
    return raw


def yaml_value(text: str, path: Path | str | None, field: str) -> Any:
    """One value written as YAML (``8``, ``true``, ``[a, b]``), read as bounded as a file."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(path, field, f"is longer than {MAX_FILE_BYTES:,} characters")
    loader = None
    try:
        loader = _Loader(text)
        return loader.get_single_data()
    except yaml.YAMLError as e:
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ScenarioError(path, field, f"is not a valid YAML value: {problem}") from None
    except RecursionError:
        raise ScenarioError(path, field, "is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def resolve_reference(path: Path, ref: Any, field: str, top: Path) -> Path:
    """The file ``ref`` (a ``extends`` or ``scenario:`` value in ``path``) names.

    Relative to the folder of ``path``. It must lie inside the project: the folder of the
    top-level file ``top`` (the one given to ``ics-sim``) or the working directory, symbolic
    links followed, unless :func:`outside_allowed` (``--allow-outside``) says otherwise; so a
    shared scenario file cannot make ``ics-sim`` read ``/etc/shadow`` or ``/dev/zero``.
    """
    if not isinstance(ref, str) or not ref.strip():
        raise ScenarioError(path, field, f"must be a file path, got {_short(ref)}")
    if "\0" in ref:
        raise ScenarioError(path, field, f"is not a valid file path: {_short(ref)}")
    target = Path(path).parent / ref
    if _OUTSIDE.get():
        return target
    try:
        real = target.resolve()
        roots = [Path(top).resolve().parent, Path.cwd().resolve()]
    except (OSError, RuntimeError, ValueError) as e:
        raise ScenarioError(path, field, f"cannot resolve {_short(ref)} ({_reason(e)})") from None
    if not any(real.is_relative_to(root) for root in roots):
        raise ScenarioError(
            path,
            field,
            f"{_short(ref)} is outside the project (the folder of {Path(top).name} and the "
            "working directory); pass --allow-outside to read it anyway",
        )
    return target
