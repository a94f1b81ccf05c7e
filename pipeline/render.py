"""Scene stage: one storyboard segment → one video-only clip in the film's format, rendered by a long-lived worker
through Manim's Python API (pipeline/scene_jobs.py), locally or on a Dask cluster.

The stage first writes the segment's scene context (core/context.py: its length, cue mark times, the segments of its
part, theme, seed, links, cited figures), named by its content; the scene reads only that file and the recording.
The cache key holds everything the picture depends on: the scene's own file, the scenes toolkit and the core modules
it imports, the recording as the scenes read it (without how long training took), the context file, the resolution
and the frame rate. A clip whose key is unchanged is
reused; a clip is written under a temporary name and renamed only when its scene finished and its length checks out.
"""
from __future__ import annotations

import ast
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from core.context import SceneContext, read_context, write_context
from core.errors import UserError
from core.files import atomic_output, content_hash
from core.paths import BUILD, MODEL_DIR, NARRATION_DIR, ROOT, rel
from core.processes import worker_pool
from core.recordings import load_paper, recording_content
from core.settings import Settings, load_settings
from core.storyboard import Segment, load_storyboard
from pipeline.common import python_tree
from pipeline.ffmpeg import film_video, probe
from pipeline.scene_jobs import SceneJob, import_scene_toolkit, render_job

SCHEDULER_VAR = "HRM_DASK_SCHEDULER"
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
        for node in ast.walk(python_tree(file)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            todo += [ROOT / f"{name.replace('.', '/')}.py" for name in names if name.startswith("scenes.")]
    return sorted(found)


def scene_key(seg: Segment, quality: Quality, context: Path, crf: int) -> str:
    """What the picture of a segment depends on: its code (with the scene modules it imports), the shared plumbing,
    the recording, its context, the size and the encoding."""
    code = [*scene_modules(seg.scene_file), *sorted((ROOT / "core").glob("*.py"))]
    recording = recording_content(Path(read_context(context).recording))
    return content_hash("scene-v4", seg.scene, code, recording, context, quality.__dict__,
                        film_video(crf, quality.fps))


def layout_findings(clip: Path) -> Path:
    """Where a rendered clip's composition findings are kept (scenes/layout.py)."""
    return clip.with_suffix(".layout.json")


def layout_lines(seg_id: str, clip: Path) -> list[str]:
    """A rendered clip's composition findings, a line each."""
    return [f"{seg_id} at {f['first']:.1f} s: {f['kind']} {f['what']} ({f['detail']})"
            for f in json.loads(layout_findings(clip).read_text())]


def scene_code() -> str:
    """A digest of the code any scene may run (the scenes package and the shared plumbing): a long-lived worker that
    imported another version imports it again."""
    return content_hash("scene-code-v1", sorted((ROOT / "scenes").glob("*.py")), sorted((ROOT / "core").glob("*.py")))


def scene_workers(settings: Settings):
    """Where scene jobs run, as a concurrent.futures-style executor: `video.jobs` local worker processes that die
    with this one, or the Dask cluster of `video.scheduler` (or HRM_DASK_SCHEDULER) when `video.executor: dask`."""
    if settings.video.executor == "dask":
        from pipeline.cluster import DaskExecutor
        return DaskExecutor(os.environ.get(SCHEDULER_VAR) or settings.video.scheduler)
    return worker_pool(settings.video.jobs, warm_up=import_scene_toolkit)


def render_scene(seg: Segment, quality: Quality, context: Path, out: Path, seconds: float, crf: int,
                 workers, check: bool = False) -> Path:
    """Render a segment's Scene with its context file to `out` (video only, in the film's format at `crf`) on one
    of `workers` (scene_workers). Checks that it lasts `seconds` within one frame; with `check`, that every frame
    is the one Manim's own renderer draws (pipeline/scene_renderer.py)."""
    with atomic_output(layout_findings(out)) as layout, atomic_output(out) as video:
        module = ".".join(seg.scene_file.relative_to(ROOT).with_suffix("").parts)
        job = SceneJob(seg.id, module, seg.scene_class, str(context), quality.width, quality.height, quality.fps,
                       crf, scene_code(), str(video), str(layout), check)
        workers.submit(render_job, job).result()
        frames, expected = probe(video)["video"]["frames"], round(seconds * quality.fps)
        if abs(frames - expected) > 1:
            raise UserError(f"{rel(seg.scene_file)}: {seg.scene_class} has {frames} frames, narration needs "
                            f"{expected} ({seconds:.2f} s at {quality.fps} fps)")
    return out
