"""Typed sections from YAML with strict checks: an unknown or malformed key is a one-line error naming the file and
the key, so a typo never silently falls back to a default."""
from __future__ import annotations

from dataclasses import MISSING, fields
from pathlib import Path

import yaml

from core.errors import UserError
from core.paths import rel


def _fits(default, value) -> bool:
    """Whether a YAML value fits a field, judged by the type of the field's default."""
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, tuple):
        return isinstance(value, list)
    return value is None or isinstance(value, str)   # an optional path or name


def _required(f) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


def _default(f):
    """A field's default; for a required field, an empty value of its annotated type (to check types against)."""
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    return {"str": "", "int": 0, "float": 0.0, "bool": False}[str(f.type)]


def parse_section(path: Path, name: str, cls, raw):
    """Build dataclass `cls` from a YAML mapping, rejecting unknown keys and wrongly typed values by name."""
    if not isinstance(raw, dict):
        raise UserError(f"{rel(path)}: '{name}' must be a mapping")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise UserError(f"{rel(path)}: unknown key '{name}.{key}'")
        default = _default(known[key])
        if not _fits(default, value):
            raise UserError(f"{rel(path)}: '{name}.{key}' has the wrong type ({value!r})")
        if isinstance(default, float):
            value = float(value)
        elif isinstance(default, tuple):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        values[key] = value
    missing = [k for k, f in known.items() if k not in values and _required(f)]
    if missing:
        raise UserError(f"{rel(path)}: '{name}' is missing key '{missing[0]}'")
    return cls(**values)


def read_yaml(path: Path) -> dict:
    """A YAML mapping, or a UserError naming the file (and the line of a syntax error)."""
    try:
        raw = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise UserError(f"{rel(path)}: file not found") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise UserError(f"{rel(path)}{where}: malformed YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(raw, dict):
        raise UserError(f"{rel(path)}: top level must be a mapping")
    return raw
