"""Typed settings for the model stage, read from config/settings.yaml with strict checks.

Each section is a dataclass with commented defaults; an unknown or malformed key is a one-line ConfigError that names
the file and the key, so a typo never silently falls back to a default.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
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
# Sections of settings.yaml that belong to later stages (narration, scenes, assembly); the model ignores them.
OTHER_STAGES = {"voice", "lint", "render", "scenes", "music", "avatar", "links", "video", "captions", "paper"}


def _section(path: Path, name: str, cls, raw) -> object:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: '{name}' must be a mapping")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown key '{name}.{key}'")
        default = known[key].default
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, (int, float)):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            value = type(default)(value) if ok else value
        else:
            ok = isinstance(value, list)
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value) if ok else value
        if not ok:
            raise ConfigError(f"{path}: '{name}.{key}' has the wrong type ({value!r})")
        values[key] = value
    return cls(**values)


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
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: malformed YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: top level must be a mapping")
    for section, patch in overrides.items():
        raw[section] = {**raw.get(section, {}), **patch}
    values = {}
    for key, value in raw.items():
        if key == "seed":
            if not isinstance(value, int):
                raise ConfigError(f"{path}: 'seed' must be an integer")
            values["seed"] = value
        elif key in SECTIONS:
            values[key] = _section(path, key, SECTIONS[key], value)
        elif key not in OTHER_STAGES:
            raise ConfigError(f"{path}: unknown key '{key}'")
    return validate(Config(**values), path)
