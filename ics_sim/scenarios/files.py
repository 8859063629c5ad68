"""Reading scenario and experiment files: one YAML reader and one error translator.

Both file kinds are YAML checked by pydantic models. :func:`read_yaml` turns every way a file
can fail to be a mapping (missing, a folder, not UTF-8, bad YAML with its line and column) into
one :class:`ScenarioError`, and :func:`located_error` turns pydantic's first error into one
message that names the file, the field path (``interventions[0].targets.kinds``) and, for an
unknown key, the nearest valid one and the valid keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..core.errors import ICSSimError
from ..core.params import suggest


class ScenarioError(ICSSimError):
    """A scenario or experiment file problem, located by file and field path."""

    def __init__(self, path: Path | str | None, field: str, message: str):
        where = f"{path}: " if path else ""
        loc = f"{field}: " if field else ""
        super().__init__(f"{where}{loc}{message}")
        self.path, self.field, self.detail = path, field, message


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
        out += ("." if out else "") + part
        field = model.model_fields.get(part) if model is not None else None
        if field is None:  # a key of a mapping: the model of its values still applies
            continue
        ann = field.annotation
        model = _model_in(ann)
        tags = {getattr(a, "__name__", str(a)) for a in (ann, *_args(ann))}
    return out, model


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def located_error(
    exc: ValidationError, path: Path | str | None, root: type[BaseModel]
) -> ScenarioError:
    """The most useful single message from a pydantic error about a file of ``root``."""
    errors = exc.errors(include_url=False)
    # Of the branches of a union (ics: text or counts), report the one the input was meant for.
    err = next((e for e in errors if e["type"] != "string_type" or len(errors) == 1), errors[0])
    field, _ = _walk(root, err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        name = str(err["loc"][-1])
        field, model = _walk(root, err["loc"][:-1])
        valid = list(model.model_fields) if model else []
        return ScenarioError(
            path,
            field,
            f"unknown key {name!r}{suggest(name, valid)}; valid keys: {', '.join(valid)}",
        )
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "missing":
        return ScenarioError(path, field, "this key is required")
    if "input" in err and kind.endswith("_type"):
        msg += f" (got {type(err['input']).__name__} {_short(err['input'])})"
    return ScenarioError(path, field, msg)


def read_yaml(path: Path) -> dict[str, Any]:
    """The mapping in a YAML file, or a ScenarioError saying why not."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(path, "", "no such file") from None
    except IsADirectoryError:
        raise ScenarioError(path, "", "is a folder, not a scenario file") from None
    except OSError as e:
        raise ScenarioError(path, "", f"cannot be read ({e.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(path, "", "is not a text file (expected UTF-8 YAML)") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ScenarioError(path, "", f"is not valid YAML{where}: {problem}") from None
    except RecursionError:
        raise ScenarioError(path, "", "is nested too deeply to be a scenario") from None
    if raw is None:
        raise ScenarioError(path, "", "is empty; a scenario needs at least 'name'")
    if not isinstance(raw, dict):
        raise ScenarioError(
            path, "", f"must be a mapping of keys (name, weeks, ...), not a {type(raw).__name__}"
        )
    bad = [k for k in raw if not isinstance(k, str)]
    if bad:
        raise ScenarioError(path, "", f"keys must be text, got {_short(bad[0])}")
    return raw
