"""Scene render jobs, run by long-lived workers: each imports Manim and the scenes toolkit once (≈1.8 s a process),
then renders segment after segment through Manim's Python API (with pipeline/scene_renderer.py's renderer), its
frames encoded in the worker straight into the film's video.

Manim's own writer encodes every animation into a partial movie, joins them, and the clip was then encoded again in
the film's format. Here `FilmWriter` (Manim's `file_writer_class` hook, the one its graphical tests use) encodes each
frame once, with libx264 through PyAV (which Manim already uses), in the film's settings (`pipeline.ffmpeg`), so the
segment stage only muxes the narration in by stream copy. In-process, a frame is converted to YUV once however long
it is held, and is not copied through a pipe: per 1080p frame 14 ms of work instead of 22 ms with an ffmpeg process
reading raw frames (measured here), the same pixels (ffmpeg's bicubic scaler) and the same H.264 parameters.
"""
from __future__ import annotations

import importlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.context import CONTEXT_VAR, ERROR_VAR, LAYOUT_VAR, read_context
from pipeline.ffmpeg import FILM_PIX_FMT, FILM_SCALER, TIMESCALE, x264_options


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
    check: bool = False  # draw every frame also as Manim would, and fail on a difference (the scene tests)


class FilmEncoder:
    """One segment's video in the film's format (pipeline.ffmpeg.x264_options), written from RGBA frames."""

    def __init__(self, job: SceneJob):
        import av
        self.container = av.open(job.video, "w", format="mp4", options={"video_track_timescale": str(TIMESCALE)})
        self.stream = self.container.add_stream("libx264", rate=job.fps, options=x264_options(job.crf, job.fps))
        self.stream.width, self.stream.height, self.stream.pix_fmt = job.width, job.height, FILM_PIX_FMT
        self.rgb = av.VideoFrame(job.width, job.height, "rgb0")      # opaque frames: the fourth byte is padding
        plane = self.rgb.planes[0]
        self.pixels = np.frombuffer(plane, np.uint8).reshape(job.height, plane.line_size)[:, :4 * job.width]
        self.frames = 0

    def write(self, pixels: np.ndarray, repeat: int) -> None:
        """A frame shown `repeat` times (a wait): converted once, encoded as often as it is shown."""
        self.pixels[:] = pixels.reshape(self.pixels.shape)
        yuv = self.rgb.reformat(format=FILM_PIX_FMT, interpolation=FILM_SCALER.upper())
        for _ in range(repeat):
            yuv.pts = self.frames
            self.frames += 1
            self.container.mux(self.stream.encode(yuv))

    def close(self) -> None:
        self.container.mux(self.stream.encode(None))
        self.container.close()

    def abandon(self) -> None:
        """Close a video a failed scene leaves unfinished (its temporary file is removed by the caller). The
        scene's own error is the one to report, not one from finishing this file (a full disk, say)."""
        from av import FFmpegError
        try:
            self.container.close()
        except (OSError, FFmpegError):
            pass


def film_writer(job: SceneJob):
    """Manim's SceneFileWriter with its partial movies replaced by one FilmEncoder fed every frame."""
    from manim.scene.scene_file_writer import SceneFileWriter

    class FilmWriter(SceneFileWriter):
        def __init__(self, settings):
            super().__init__(settings)
            self.encoder = FilmEncoder(job)

        def is_already_cached(self, hash_invocation: str) -> bool:
            return False

        def add_partial_movie_file(self, hash_animation: str | None) -> None:
            pass

        def begin_animation(self, allow_write: bool = False, **kwargs) -> None:
            pass

        def end_animation(self, allow_write: bool = False) -> None:
            pass

        def write_frame(self, pixels, *, repeat: int = 1) -> None:
            self.encoder.write(pixels, repeat)
            self.frame_count += repeat

        def finish(self) -> None:
            self.encoder.close()

        def abort(self) -> None:
            self.encoder.abandon()

    return FilmWriter


def import_scene_toolkit() -> None:
    """What every job needs, imported while the worker waits for its first job (≈1.8 s): Manim, its renderer and
    the encoder. (The scene modules themselves wait for the first context, whose theme they draw with.)"""
    import av  # noqa: F401

    import pipeline.scene_renderer  # noqa: F401


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

    from pipeline.scene_renderer import DirtyRectRenderer

    context = read_context(Path(job.context))
    os.environ.update({CONTEXT_VAR: job.context, LAYOUT_VAR: job.layout})
    os.environ.pop(ERROR_VAR, None)       # errors come back as exceptions, not through a file
    scene_class = load_scene(job, (context.theme, context.reduced_motion))
    with tempfile.TemporaryDirectory(prefix=f"manim-{job.segment}-") as media, tempconfig({
            "pixel_width": job.width, "pixel_height": job.height, "frame_rate": job.fps, "media_dir": media,
            "disable_caching": True, "progress_bar": "none", "verbosity": "WARNING", "write_to_movie": True}):
        scene = scene_class(renderer=DirtyRectRenderer(file_writer_class=film_writer(job), check=job.check))
        try:
            scene.render()
        except BaseException:
            scene.renderer.file_writer.abort()
            raise
        return scene.renderer.file_writer.frame_count
