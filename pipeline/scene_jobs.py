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
from core.errors import UserError
from pipeline.ffmpeg import FILM_PIX_FMT, FILM_SCALER, TIMESCALE, x264_options

BAND_PAD = 8        # rows of context around converted rows: more than the reach of the scaler's 2:1 chroma filter (4)
WHOLE_SHARE = 0.7   # a frame changed in more of its rows than this is converted whole (bands cost their context)


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
    """One segment's video in the film's format (pipeline.ffmpeg.x264_options), written from RGBA frames. A frame
    is converted to YUV only in the rows the renderer says changed; the rest is kept from the frame before."""

    def __init__(self, job: SceneJob):
        import av
        self.container = av.open(job.video, "w", format="mp4", options={"video_track_timescale": str(TIMESCALE)})
        self.stream = self.container.add_stream("libx264", rate=job.fps, options=x264_options(job.crf, job.fps))
        self.stream.width, self.stream.height, self.stream.pix_fmt = job.width, job.height, FILM_PIX_FMT
        self.width, self.height, self.check = job.width, job.height, job.check
        self.bands: dict[int, RgbBand] = {}      # by height: a frame of so many rows, and its converter
        self.yuv = None                           # the last frame written, converted
        self.frames = 0

    def write(self, pixels: np.ndarray, repeat: int, rows: list[tuple[int, int]] | None = None) -> None:
        """A frame shown `repeat` times (a wait): converted once, encoded as often as it is shown. `rows` are the
        pixel rows (y0, y1) where it may differ from the frame before (None: anywhere)."""
        if rows is None or self.yuv is None or sum(y1 - y0 for y0, y1 in rows) > WHOLE_SHARE * self.height:
            self.yuv = self.band(self.height).convert(pixels)
        else:
            for y0, y1 in rows:
                self.convert_rows(pixels, y0, y1)
        if self.check:
            whole = self.band(self.height).convert(pixels)
            if not all(np.array_equal(plane_array(a)[:, :a.width], plane_array(b)[:, :b.width])
                       for a, b in zip(whole.planes, self.yuv.planes)):
                raise UserError(f"scene encoder: frame {self.frames} changed outside the rows the renderer named")
        for _ in range(repeat):
            self.yuv.pts = self.frames
            self.frames += 1
            self.container.mux(self.stream.encode(self.yuv))

    def convert_rows(self, pixels: np.ndarray, y0: int, y1: int) -> None:
        """Convert what changed rows y0…y1 change into the last frame: the chroma rows their filter reaches too,
        so BAND_PAD rows more each side. That band, with BAND_PAD rows of context each side, is converted alone and
        copied in. Bands start on multiples of 8 rows, so each chroma row sees the rows it would in the whole frame,
        with the same dither row."""
        y0, y1 = max(y0 // 8 * 8 - BAND_PAD, 0), min(-(-y1 // 8) * 8 + BAND_PAD, self.height)
        top, bottom = max(y0 - BAND_PAD, 0), min(y1 + BAND_PAD, self.height)
        band = self.band(bottom - top).convert(pixels[top:bottom])
        for k, (whole, part) in enumerate(zip(self.yuv.planes, band.planes)):
            shift = 1 if k else 0                   # chroma planes have half the rows
            a, b, offset = y0 >> shift, -(-y1 >> shift), top >> shift
            plane_array(whole)[a:b, :whole.width] = plane_array(part)[a - offset:b - offset, :part.width]

    def band(self, height: int) -> RgbBand:
        if height not in self.bands:
            self.bands[height] = RgbBand(self.width, height)
        return self.bands[height]

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


class RgbBand:
    """A frame of `height` rows in RGB and its converter to the film's YUV (ffmpeg's scaler, kept from frame to
    frame, so it is set up once)."""

    def __init__(self, width: int, height: int):
        import av
        from av.video.reformatter import VideoReformatter
        self.frame = av.VideoFrame(width, height, "rgb0")      # opaque frames: the fourth byte is padding
        self.pixels = plane_array(self.frame.planes[0])[:, :4 * width]
        self.reformatter = VideoReformatter()

    def convert(self, pixels: np.ndarray):
        self.pixels[:] = pixels.reshape(self.pixels.shape)
        return self.reformatter.reformat(self.frame, format=FILM_PIX_FMT, interpolation=FILM_SCALER.upper())


def plane_array(plane) -> np.ndarray:
    """A picture plane's bytes as rows × bytes, with the padding past each row."""
    return np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)


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

        def write_frame(self, pixels, *, repeat: int = 1, rows: list[tuple[int, int]] | None = None) -> None:
            self.encoder.write(pixels, repeat, rows)
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
