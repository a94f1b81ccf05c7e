"""Typed sections from YAML with strict checks: an unknown, repeated or wrongly typed key is a one-line error naming
the file, the line and the key, so a typo never silently falls back to a default (nor a repeat overrides a value)."""
from __future__ import annotations

import copy
import functools
from dataclasses import MISSING, fields
from pathlib import Path

import yaml

from core.errors import UserError
from core.paths import rel


def _fits(default, value) -> bool:
    """Whether a YAML value fits a field, judged by the type of the field's default."""
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
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


def where(path: Path, lines: dict[str, int], key: str) -> str:
    """'file:line' of a dotted key, or the file alone when the key is not written in it (a default)."""
    return f"{rel(path)}:{lines[key]}" if key in lines else rel(path)


def parse_section(path: Path, name: str, cls, raw, lines: dict[str, int] | None = None):
    """Build dataclass `cls` from a YAML mapping, rejecting unknown keys and wrongly typed values by name (and line,
    given the file's `lines` from read_yaml_lines)."""
    lines = lines or {}
    if not isinstance(raw, dict):
        raise UserError(f"{where(path, lines, name)}: '{name}' must be a mapping")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise UserError(f"{where(path, lines, f'{name}.{key}')}: unknown key '{name}.{key}'")
        default = _default(known[key])
        if not _fits(default, value):
            raise UserError(f"{where(path, lines, f'{name}.{key}')}: '{name}.{key}' has the wrong type ({value!r})")
        if isinstance(default, float):
            value = float(value)
        elif isinstance(default, tuple):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        values[key] = value
    missing = [k for k, f in known.items() if k not in values and _required(f)]
    if missing:
        raise UserError(f"{rel(path)}: '{name}' is missing key '{missing[0]}'")
    return cls(**values)


def key_lines(path: Path, node: yaml.Node, prefix: str = "", lines: dict[str, int] | None = None) -> dict[str, int]:
    """The line of every key in a composed YAML document, by dotted path ('video.jobs'; list items by index,
    'segments.3.id'). A key written twice in one mapping is an error: YAML itself would keep the last silently."""
    lines = {} if lines is None else lines
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            key, line = f"{prefix}{key_node.value}", key_node.start_mark.line + 1
            if key in lines:
                raise UserError(f"{rel(path)}:{line}: duplicate key '{key}' (first on line {lines[key]})")
            lines[key] = line
            key_lines(path, value, f"{key}.", lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            key_lines(path, item, f"{prefix}{i}.", lines)
    return lines


def read_yaml_lines(path: Path) -> tuple[dict, dict[str, int]]:
    """A YAML mapping and the line of each of its keys (key_lines), or a UserError naming the file (and the line
    of a syntax error or a duplicate key). Parsed once per version of the file (a run reads the settings and the
    storyboard for every segment); each caller gets its own copy."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        raise UserError(f"{rel(path)}: file not found") from None
    return copy.deepcopy(_parsed_yaml(Path(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _parsed_yaml(path: Path, mtime_ns: int, size: int) -> tuple[dict, dict[str, int]]:
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        raise UserError(f"{rel(path)}: file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"{rel(path)}: cannot read ({getattr(err, 'strerror', None) or type(err).__name__})") from None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        lines = key_lines(path, node) if node is not None else {}
        raw = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f":{mark.line + 1}" if mark else ""
        raise UserError(f"{rel(path)}{at}: malformed YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(raw, dict):
        raise UserError(f"{rel(path)}: top level must be a mapping")
    return raw, lines


def read_yaml(path: Path) -> dict:
    """A YAML mapping, or a UserError naming the file (and the line of a syntax error or a duplicate key)."""
    return read_yaml_lines(path)[0]
