"""The storyboard (config/storyboard.yaml): the film's segments in order, checked on load. A segment's id names its
script, its scene context and every file made for it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.config import parse_section, read_yaml
from core.errors import UserError
from core.paths import ROOT, SCRIPTS, STORYBOARD, rel

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


def _segment_error(path: Path, line: int | None, seg_id: str, message: str) -> UserError:
    where = f"{rel(path)}:{line}" if line else rel(path)
    return UserError(f"{where}: segment '{seg_id}': {message}")


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
    raw = read_yaml(path)
    if set(raw) != {"segments"} or not isinstance(raw["segments"], list) or not raw["segments"]:
        raise UserError(f"{rel(path)}: expected one key 'segments' holding a list")
    lines = _line_numbers(path)
    segments, seen = [], set()
    for i, entry in enumerate(raw["segments"]):
        seg_id = entry.get("id", f"#{i + 1}") if isinstance(entry, dict) else f"#{i + 1}"
        line = lines.get(seg_id)
        try:
            seg = parse_section(path, f"segments[{seg_id}]", Segment, entry)
        except UserError as err:
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
        raise UserError(f"{rel(STORYBOARD)}: no single segment '{seg_id}' (known: {known})")
    return matches[0]
