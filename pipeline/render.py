"""Scene stage: one storyboard segment → one video-only clip, rendered by the Manim CLI in its own media folder.

The stage first writes the segment's scene context (core/context.py: its length, cue mark times, the segments of its
part, theme, seed, links, cited figures), named by its content; the scene reads only that file and the recording.
The cache key holds everything the picture depends on: the scene's own file, the scenes toolkit and the core modules
it imports, the recording as the scenes read it (without how long training took), the context file, the resolution
and the frame rate. A clip whose key is unchanged is
reused; a clip is written under a temporary name and renamed only when Manim finished and its length checks out.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from core.context import CONTEXT_VAR, ERROR_VAR, LAYOUT_VAR, SceneContext, read_context, write_context
from core.errors import UserError
from core.files import atomic_output, content_hash
from core.paths import BUILD, MODEL_DIR, NARRATION_DIR, ROOT, rel
from core.recordings import load_paper, recording_content
from core.settings import Settings, load_settings
from core.storyboard import Segment, load_storyboard
from pipeline.common import run_tool
from pipeline.ffmpeg import probe

MANIM_CFG = ROOT / "scenes" / "manim.cfg"     # fast, near-lossless intermediate encoding
MEDIA_DIR = BUILD / "cache" / "manim"
CONTEXT_DIR = BUILD / "cache" / "contexts"


@dataclass(frozen=True)
class Quality:
    width: int
    height: int
    fps: int

    @property
    def tag(self) -> str:
        return f"{self.height}p{self.fps}"


def film_quality() -> Quality:
    v = load_settings().video
    return Quality(v.width, v.height, v.fps)


def preview_quality() -> Quality:
    v = load_settings().video
    return Quality(v.preview_width, v.preview_height, v.preview_fps)


def segment_seconds(seg: Segment, narration: dict | None) -> float:
    """A segment's length: its narration's, or its fixed length when it has none."""
    return narration["seconds"] if narration else seg.seconds


def scene_context(seg: Segment, narration: dict | None, settings: Settings) -> SceneContext:
    """Everything the segment's picture may depend on besides code and recording (see core/context.py). The
    header's dots count the part's segments in the whole storyboard, whichever subset is being rendered."""
    storyboard = load_storyboard(check_files=False)
    if narration is None and seg.narrated:
        raise UserError(f"{rel(NARRATION_DIR / seg.id)}.json: no narration for segment '{seg.id}' (run just narrate)")
    return SceneContext(
        segment=seg.id, part=seg.part, part_segments=tuple(s.id for s in storyboard if s.part == seg.part),
        seconds=segment_seconds(seg, narration), script=rel(seg.script) if seg.narrated else None,
        marks=narration["marks"] if narration else {}, theme=settings.scenes.theme,
        reduced_motion=settings.scenes.reduced_motion, seed=settings.seed, recording=str(MODEL_DIR),
        links=asdict(settings.links), paper=load_paper())


def context_file(context: SceneContext) -> Path:
    """The context as a file named by its content, written once."""
    path = CONTEXT_DIR / f"{context.segment}-{content_hash('context-v1', asdict(context))}.json"
    return path if path.exists() else write_context(path, context)


def scene_modules(path: Path) -> list[Path]:
    """A scene file and every module of the scenes package it imports, directly or through another (read from the
    code, not run), so the key follows the code a picture really uses and no list has to be kept by hand."""
    found, todo = set(), [Path(path)]
    while todo:
        file = todo.pop()
        if file in found:
            continue
        found.add(file)
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            todo += [ROOT / f"{name.replace('.', '/')}.py" for name in names if name.startswith("scenes.")]
    return sorted(found)


def scene_key(seg: Segment, quality: Quality, context: Path) -> str:
    """What the picture of a segment depends on: its code (with the scene modules it imports), the shared plumbing,
    the recording, its context, the size."""
    code = [*scene_modules(seg.scene_file), *sorted((ROOT / "core").glob("*.py"))]
    recording = recording_content(Path(read_context(context).recording))
    return content_hash("scene-v3", seg.scene, code, MANIM_CFG, recording, context, quality.__dict__)


def manim_command(seg: Segment, quality: Quality, media_dir: Path, name: str) -> list[str]:
    """The Manim CLI call for one segment, as data (tested without running it)."""
    return [str(Path(sys.executable).with_name("manim")), "render", "--progress_bar", "none", "-v", "WARNING",
            "--config_file", rel(MANIM_CFG), "--disable_caching", "-r", f"{quality.width},{quality.height}",
            "--fps", str(quality.fps),
            "--media_dir", str(media_dir), "-o", name, rel(seg.scene_file), seg.scene_class]


def layout_findings(clip: Path) -> Path:
    """Where a rendered clip's composition findings are kept (scenes/layout.py)."""
    return clip.with_suffix(".layout.json")


def layout_lines(seg_id: str, clip: Path) -> list[str]:
    """A rendered clip's composition findings, a line each."""
    return [f"{seg_id} at {f['first']:.1f} s: {f['kind']} {f['what']} ({f['detail']})"
            for f in json.loads(layout_findings(clip).read_text())]


def render_scene(seg: Segment, quality: Quality, context: Path, out: Path, seconds: float) -> Path:
    """Render a segment's Scene with its context file to `out` (video only). Checks that it lasts `seconds` within
    one frame."""
    key = out.stem
    media = MEDIA_DIR / key
    shutil.rmtree(media, ignore_errors=True)
    error = media / "error.txt"
    error.parent.mkdir(parents=True, exist_ok=True)
    layout = media / "layout.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), CONTEXT_VAR: str(context), ERROR_VAR: str(error),
           LAYOUT_VAR: str(layout)}
    try:
        run_tool(manim_command(seg, quality, media, key), f"{seg.id} ({rel(seg.scene_file)}:{seg.scene_class})",
                 cwd=ROOT, env=env)
    except UserError:
        if error.exists():
            raise UserError(error.read_text()) from None
        raise
    produced = next(media.glob(f"videos/**/{key}.mp4"), None)
    if produced is None:
        raise UserError(f"{rel(seg.scene_file)}: Manim wrote no video for {seg.scene_class}")
    info = probe(produced)
    frames, expected = info["video"]["frames"], round(seconds * quality.fps)
    if abs(frames - expected) > 1:
        raise UserError(f"{rel(seg.scene_file)}: {seg.scene_class} has {frames} frames, narration needs "
                            f"{expected} ({seconds:.2f} s at {quality.fps} fps)")
    with atomic_output(layout_findings(out)) as tmp:
        shutil.move(layout, tmp)
    with atomic_output(out) as tmp:
        shutil.move(produced, tmp)
    shutil.rmtree(media, ignore_errors=True)
    return out
