"""Scene stage: one storyboard segment → one video-only clip, rendered by the Manim CLI in its own media folder.

The cache key holds everything the picture depends on: the scene's own file, the scenes toolkit, the recording it
reads, its narration timing, the style settings, the resolution and the frame rate. A clip whose key is unchanged is
reused; a clip is written under a temporary name and renamed only when Manim finished and its length checks out.
"""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.common import (BUILD, CONFIG, MODEL_DIR, ROOT, PipelineError, atomic_output, content_hash, rel,
                             run_tool)
from pipeline.ffmpeg import probe
from pipeline.settings import Segment, load_settings

MANIM_CFG = ROOT / "scenes" / "manim.cfg"     # fast, near-lossless intermediate encoding
TOOLKIT = ("style", "segment", "recording", "track", "panel", "charts", "icons")
RECORDING_FILES = ("summary", "curves", "snapshots", "finals", "dataset")
MEDIA_DIR = BUILD / "cache" / "manim"


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


def scene_key(seg: Segment, quality: Quality, narration: dict | None) -> str:
    """What the picture of a segment depends on (a Merkle-style key over files and parameters)."""
    settings = load_settings()
    toolkit = [ROOT / "scenes" / f"{name}.py" for name in TOOLKIT]
    recording = [MODEL_DIR / f"{name}.json" for name in RECORDING_FILES]
    timing = {k: narration[k] for k in ("seconds", "words")} if narration else None
    return content_hash("scene-v1", seg.id, seg.scene, seg.part, seg.scene_file, toolkit, MANIM_CFG, recording,
                        CONFIG / "paper.yaml", timing, settings.scenes.__dict__, settings.links.__dict__,
                        settings.seed, quality.__dict__)


def manim_command(seg: Segment, quality: Quality, media_dir: Path, name: str) -> list[str]:
    """The Manim CLI call for one segment, as data (tested without running it)."""
    return [str(Path(sys.executable).with_name("manim")), "render", "--progress_bar", "none", "-v", "WARNING",
            "--config_file", rel(MANIM_CFG), "--disable_caching", "-r", f"{quality.width},{quality.height}",
            "--fps", str(quality.fps),
            "--media_dir", str(media_dir), "-o", name, rel(seg.scene_file), seg.scene_class]


def render_scene(seg: Segment, quality: Quality, out: Path, seconds: float) -> Path:
    """Render a segment's Scene to `out` (video only). Checks that it lasts `seconds` within one frame."""
    key = out.stem
    media = MEDIA_DIR / key
    shutil.rmtree(media, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run_tool(manim_command(seg, quality, media, key), f"{seg.id} ({rel(seg.scene_file)}:{seg.scene_class})",
             cwd=ROOT, env=env)
    produced = next(media.glob(f"videos/**/{key}.mp4"), None)
    if produced is None:
        raise PipelineError(f"{rel(seg.scene_file)}: Manim wrote no video for {seg.scene_class}")
    info = probe(produced)
    frames, expected = info["video"]["frames"], round(seconds * quality.fps)
    if abs(frames - expected) > 1:
        raise PipelineError(f"{rel(seg.scene_file)}: {seg.scene_class} has {frames} frames, narration needs "
                            f"{expected} ({seconds:.2f} s at {quality.fps} fps)")
    with atomic_output(out) as tmp:
        shutil.move(produced, tmp)
    shutil.rmtree(media, ignore_errors=True)
    return out
