"""Typed settings for the model stage, read from config/settings.yaml with strict checks.

Each section is a dataclass with commented defaults; an unknown or malformed key is a one-line ConfigError that names
the file and the key, so a typo never silently falls back to a default.
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path

import yaml

SETTINGS = Path(__file__).resolve().parent.parent / "config" / "settings.yaml"


class ConfigError(Exception):
    """Bad settings: the message names the file and the key."""


@dataclass(frozen=True)
class WorldConfig:
    n_cells: int = 10
    max_steps: int = 40


@dataclass(frozen=True)
class DataConfig:
    n_train: int = 10
    mirror: bool = True
    showcase: tuple = ()


@dataclass(frozen=True)
class ModelConfig:
    hidden: int = 24
    groups: int = 4
    expansion: int = 2
    h_cycles: int = 2
    l_cycles: int = 2
    halt_max_steps: int = 4
    halt_exploration: float = 0.1


@dataclass(frozen=True)
class TrainConfig:
    base_steps: int = 150
    base_examples: int = 128
    epochs: int = 12
    steps_per_epoch: int = 25
    lr: float = 3e-3
    warmup_steps: int = 50
    weight_decay: float = 0.1


@dataclass(frozen=True)
class Config:
    seed: int = 0
    world: WorldConfig = field(default_factory=WorldConfig)
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)


SECTIONS = {"world": WorldConfig, "data": DataConfig, "model": ModelConfig, "train": TrainConfig}
# Sections of settings.yaml that belong to later stages (pipeline/settings.py checks them); the model skips them.
OTHER_STAGES = {"voice", "lint", "video", "music", "avatar", "scenes", "links"}


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
        raise ConfigError(f"{path}: '{name}' must be a mapping")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown key '{name}.{key}'")
        default = _default(known[key])
        if not _fits(default, value):
            raise ConfigError(f"{path}: '{name}.{key}' has the wrong type ({value!r})")
        if isinstance(default, float):
            value = float(value)
        elif isinstance(default, tuple):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        values[key] = value
    missing = [k for k, f in known.items() if k not in values and _required(f)]
    if missing:
        raise ConfigError(f"{path}: '{name}' is missing key '{missing[0]}'")
    return cls(**values)


def read_yaml(path: Path) -> dict:
    """A YAML mapping, or a ConfigError naming the file (and the line of a syntax error)."""
    try:
        raw = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: malformed YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: top level must be a mapping")
    return raw


def validate(cfg: Config, path: Path) -> Config:
    n = cfg.world.n_cells
    if n < 3:
        raise ConfigError(f"{path}: 'world.n_cells' must be at least 3 (agent, key and door need cells), got {n}")
    n_layouts = (n - 1) * (n - 2)
    if not 1 <= cfg.data.n_train < n_layouts:
        raise ConfigError(f"{path}: 'data.n_train' = {cfg.data.n_train} must be between 1 and {n_layouts - 1}: "
                          f"{n} cells give {n_layouts} layouts and some must stay held out")
    for agent_key in cfg.data.showcase:
        if len(agent_key) != 2 or agent_key[0] == agent_key[1] or not all(0 <= c < n - 1 for c in agent_key):
            raise ConfigError(f"{path}: 'data.showcase' entry {list(agent_key)} must be [agent, key]: two distinct "
                              f"cells left of the door (0..{n - 2})")
    if cfg.model.hidden % cfg.model.groups:
        raise ConfigError(f"{path}: 'model.hidden' must be a multiple of 'model.groups'")
    if cfg.world.max_steps < 1 or cfg.model.halt_max_steps < 1 or cfg.train.epochs < 1:
        raise ConfigError(f"{path}: 'world.max_steps', 'model.halt_max_steps' and 'train.epochs' must be positive")
    return cfg


def load(path: Path = SETTINGS, **overrides) -> Config:
    """Read the settings file; `overrides` (section=dict) patch it, e.g. for short test runs."""
    path = Path(path)
    raw = read_yaml(path)
    for section, patch in overrides.items():
        raw[section] = {**raw.get(section, {}), **patch}
    values = {}
    for key, value in raw.items():
        if key == "seed":
            if not isinstance(value, int):
                raise ConfigError(f"{path}: 'seed' must be an integer")
            values["seed"] = value
        elif key in SECTIONS:
            values[key] = parse_section(path, key, SECTIONS[key], value)
        elif key not in OTHER_STAGES:
            raise ConfigError(f"{path}: unknown key '{key}'")
    return validate(Config(**values), path)
