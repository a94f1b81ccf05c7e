"""Scene render jobs, run by long-lived workers: each imports Manim and the scenes toolkit once (≈1.8 s a process),
then renders segment after segment through Manim's Python API, its frames piped straight into the film's encoder.

Manim's own writer encodes every animation into a partial movie, joins them, and the clip was then encoded again in
the film's format. Here `FilmWriter` (Manim's `file_writer_class` hook, the one its graphical tests use) hands each
frame to one ffmpeg process that writes the film's final video (`pipeline.ffmpeg.film_video`): one lossy encode, so
the segment stage only muxes the narration in by stream copy.
"""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.context import CONTEXT_VAR, ERROR_VAR, LAYOUT_VAR, read_context
from core.errors import UserError
from pipeline.ffmpeg import ffmpeg, film_video


@dataclass(frozen=True)
class SceneJob:
    """One segment's picture: its Scene class, context file, size, and where the video and findings go."""
    segment: str
    module: str          # e.g. "scenes.task"
    scene_class: str
    context: str
    width: int
    height: int
    fps: int
    crf: int
    code: str            # render.scene_code(): the version of the scenes and core modules the job expects
    video: str           # the finished video-only clip (the caller renames it into the cache)
    layout: str          # the composition findings (scenes/layout.py), JSON


def encoder_command(job: SceneJob) -> list[str]:
    """ffmpeg reading Manim's RGBA frames on stdin and writing the film's final video. The frames are opaque, so
    they are read as RGB with a padding byte (rgb0): the same picture, a sixth less conversion work."""
    return ffmpeg("-f", "rawvideo", "-pix_fmt", "rgb0", "-s", f"{job.width}x{job.height}", "-r", job.fps,
                  "-i", "-", "-an", *film_video(job.crf, job.fps), job.video)


def film_writer(job: SceneJob):
    """Manim's SceneFileWriter with its partial movies replaced by one ffmpeg process fed every frame."""
    from manim.scene.scene_file_writer import SceneFileWriter

    class FilmWriter(SceneFileWriter):
        def __init__(self, settings):
            super().__init__(settings)
            self.log = tempfile.TemporaryFile()
            self.encoder = subprocess.Popen(encoder_command(job), stdin=subprocess.PIPE,
                                            stdout=subprocess.DEVNULL, stderr=self.log)

        def is_already_cached(self, hash_invocation: str) -> bool:
            return False

        def add_partial_movie_file(self, hash_animation: str | None) -> None:
            pass

        def begin_animation(self, allow_write: bool = False, **kwargs) -> None:
            pass

        def end_animation(self, allow_write: bool = False) -> None:
            pass

        def write_frame(self, pixels, *, repeat: int = 1) -> None:
            frame = memoryview(pixels).cast("B")
            for _ in range(repeat):       # a held frame (a wait) is sent as often as it is shown
                self.encoder.stdin.write(frame)
            self.frame_count += repeat

        def finish(self) -> None:
            self.encoder.stdin.close()
            if self.encoder.wait() != 0:
                self.log.seek(0)
                lines = [line for line in self.log.read().decode(errors="replace").splitlines() if line.strip()]
                raise UserError(f"{job.segment}: ffmpeg failed encoding the scene "
                                f"({lines[-1] if lines else f'exit {self.encoder.returncode}'})")

        def abort(self) -> None:
            self.encoder.kill()
            self.encoder.wait()

    return FilmWriter


def import_scene_toolkit() -> None:
    """What every job needs, imported while the worker waits for its first job (≈1.8 s): Manim and its renderer.
    (The scene modules themselves wait for the first context, whose theme they draw with.)"""
    import manim.renderer.cairo_renderer  # noqa: F401


_loaded: tuple | None = None     # (code, theme, reduced motion) of the scene modules this worker has imported


def load_scene(job: SceneJob, theme: tuple):
    """The job's Scene class. Scene modules are imported once per worker; a job that expects other code (a worker
    of a long-lived cluster, after an edit) or another theme (scenes/style.py reads it on import) has them
    imported afresh."""
    global _loaded
    if _loaded not in (None, (job.code, *theme)):
        for name in [n for n in sys.modules if n == "scenes" or n.startswith(("scenes.", "core."))]:
            del sys.modules[name]
    _loaded = (job.code, *theme)
    return getattr(importlib.import_module(job.module), job.scene_class)


def render_job(job: SceneJob) -> int:
    """Render one segment in this worker; returns the number of frames written. A scene's UserError (a missing cue
    mark…) reaches the caller as itself."""
    from manim import tempconfig
    from manim.renderer.cairo_renderer import CairoRenderer

    context = read_context(Path(job.context))
    os.environ.update({CONTEXT_VAR: job.context, LAYOUT_VAR: job.layout})
    os.environ.pop(ERROR_VAR, None)       # errors come back as exceptions, not through a file
    scene_class = load_scene(job, (context.theme, context.reduced_motion))
    with tempfile.TemporaryDirectory(prefix=f"manim-{job.segment}-") as media, tempconfig({
            "pixel_width": job.width, "pixel_height": job.height, "frame_rate": job.fps, "media_dir": media,
            "disable_caching": True, "progress_bar": "none", "verbosity": "WARNING", "write_to_movie": True}):
        scene = scene_class(renderer=CairoRenderer(file_writer_class=film_writer(job)))
        try:
            scene.render()
        except BaseException:
            scene.renderer.file_writer.abort()
            raise
        return scene.renderer.file_writer.frame_count
