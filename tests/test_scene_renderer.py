"""The render's renderer (pipeline/scene_renderer.py) redraws a frame only where something moves; these scenes check
that its frames are Manim's own, pixel for pixel, in the cases that could break that: drawing order across z-index,
thick strokes and mitred joins reaching past a shape's points, a part taken out mid-play, holds, a text replaced
each frame. The check itself must catch a scene that moves what Manim is not told about. (Every real segment is
drawn with the check on in tests/test_scenes.py.)"""
import hashlib

import numpy as np
import pytest
from manim import (DOWN, LEFT, RIGHT, UP, Circle, FadeIn, FadeOut, Line, Polygon, Rectangle, Scene, Square, Text,
                   Transform, UpdateFromFunc, VGroup, tempconfig)
from manim.camera.camera import Camera
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter

from core.errors import UserError
from pipeline.scene_jobs import FilmEncoder, SceneJob
from pipeline.scene_renderer import DirtyRectRenderer, PathCachingCamera, Play


class FrameDigests(SceneFileWriter):
    """Keeps a digest of every frame instead of writing a movie, and whether it changed only in the rows the
    renderer said it might (DirtyRectRenderer's `rows`)."""
    digests: list

    def __init__(self, settings):
        super().__init__(settings)
        self.digests, self.hinted, self.last = [], [], None

    def is_already_cached(self, hash_invocation):
        return False

    def add_partial_movie_file(self, hash_animation):
        pass

    def begin_animation(self, allow_write=False, **kwargs):
        pass

    def end_animation(self, allow_write=False):
        pass

    def write_frame(self, pixels, *, repeat=1, rows=None):
        self.digests += [hashlib.sha1(np.ascontiguousarray(pixels)).hexdigest()] * repeat
        if rows is not None:
            outside = np.ones(len(pixels), bool)
            for y0, y1 in rows:
                outside[y0:y1] = False
            self.hinted.append((sum(y1 - y0 for y0, y1 in rows), np.array_equal(pixels[outside], self.last[outside])))
        self.last = pixels.copy()

    def finish(self):
        pass


def frames(scene_class, renderer_class, tmp_path, **renderer_args) -> FrameDigests:
    with tempconfig({"pixel_width": 320, "pixel_height": 180, "frame_rate": 15, "media_dir": str(tmp_path),
                     "disable_caching": True, "progress_bar": "none", "verbosity": "WARNING"}):
        scene = scene_class(renderer=renderer_class(file_writer_class=FrameDigests, **renderer_args))
        scene.render()
        return scene.renderer.file_writer


class Busy(Scene):
    def construct(self):
        panel = Rectangle(width=9, height=5, fill_color="#334455", fill_opacity=1, stroke_width=0)
        box = Square(2, fill_color="#aa5500", fill_opacity=1).set_z_index(5)     # drawn above what moves under it
        spike = Polygon(LEFT * 3, UP * 0.1, RIGHT * 3, stroke_width=30, stroke_color="#ffffff")   # long mitres
        count = Text("0", font_size=40).to_corner(UP + RIGHT)
        self.add(panel, box, spike, count)
        dot = Circle(0.3, fill_color="#00ff88", fill_opacity=0.6).shift(LEFT * 4)
        self.play(FadeIn(dot), spike.animate.shift(DOWN), run_time=0.5)
        self.play(dot.animate.shift(RIGHT * 8), UpdateFromFunc(count, lambda m: m.become(
            Text(str(round(dot.get_x() + 4)), font_size=40).move_to(m))), run_time=1)
        self.wait(0.4)
        line = Line(LEFT * 6, RIGHT * 6, stroke_width=12).set_z_index(-1)
        dot.add_updater(lambda m, dt: m.shift(UP * dt))
        self.play(FadeIn(line), Transform(count, Text("done", font_size=40).to_corner(UP + RIGHT)), run_time=0.6)
        dot.clear_updaters()
        group = VGroup(Square(0.5).shift(LEFT * 2), Square(0.5).shift(RIGHT * 2))
        self.add(group)
        group.add_updater(lambda m, dt: m.remove(m.submobjects[-1]) if len(m) > 1 else None)
        self.play(FadeOut(box), run_time=0.4)        # a part of a still group leaves mid-play
        self.wait(0.3)


class Sneaky(Scene):
    """An updater on one mobject that moves another, which Manim's renderer redraws (it follows the mover) but
    nothing marks as moving: the kind of scene code the check exists to catch."""
    def construct(self):
        mover, other = Circle(0.3).shift(LEFT * 3), Square(0.6).shift(RIGHT * 3)
        self.add(mover, other)
        mover.add_updater(lambda m, dt: other.shift(DOWN * dt))
        self.wait(0.5)


def test_its_frames_are_manims_own(tmp_path, monkeypatch):
    drawn, built, paths = [], [], []
    by_cells, build_path, path = Play.draw, Camera.set_cairo_context_path, PathCachingCamera.set_cairo_context_path
    monkeypatch.setattr(Play, "draw", lambda *args: drawn.append(by_cells(*args)) or drawn[-1])
    monkeypatch.setattr(Camera, "set_cairo_context_path", lambda *args: built.append(1) or build_path(*args))
    monkeypatch.setattr(PathCachingCamera, "set_cairo_context_path", lambda *args: paths.append(1) or path(*args))
    ours = frames(Busy, DirtyRectRenderer, tmp_path / "ours")
    assert len(built) < 0.5 * len(paths)       # most paths drawn were kept from a frame before, not built again
    assert ours.digests == frames(Busy, CairoRenderer, tmp_path / "manim").digests
    assert len(set(ours.digests)) > 20        # the scene really moves
    assert sum(cells is not None and 0 < cells.mean() < 0.5 for cells in drawn) > 20    # and few cells were redrawn
    # the writer was told, for most frames, the few rows they changed in, and they changed nowhere else
    assert all(same for _, same in ours.hinted) and len(ours.hinted) > 0.6 * len(ours.digests)
    assert sum(rows < 90 for rows, _ in ours.hinted) > 10


def test_with_the_check_every_kept_path_and_frame_is_compared(tmp_path):
    checked = frames(Busy, DirtyRectRenderer, tmp_path / "checked", check=True)
    assert checked.digests == frames(Busy, DirtyRectRenderer, tmp_path / "ours").digests


def test_the_check_catches_a_mobject_moved_behind_the_renderers_back(tmp_path):
    with pytest.raises(UserError, match=r"Sneaky's frame at [\d.]+ s differs from Manim's own drawing in \d+ pixels"):
        frames(Sneaky, DirtyRectRenderer, tmp_path, check=True)


def encoder(tmp_path, check: bool, width: int = 320, height: int = 184) -> FilmEncoder:
    return FilmEncoder(SceneJob("t", "m", "C", "ctx", width, height, 15, 18, "code", str(tmp_path / "t.mp4"),
                                str(tmp_path / "t.json"), check))


@pytest.mark.parametrize("rows", [[(0, 20)], [(40, 80), (120, 160)], [(7, 33)], [(150, 184)], []])
def test_the_encoder_converts_only_the_rows_named_and_gets_the_whole_frames_yuv(tmp_path, rows):
    rng = np.random.default_rng(1)
    first = rng.integers(0, 256, (184, 320, 4), np.uint8)
    second = first.copy()
    for y0, y1 in rows:
        second[y0:y1] = rng.integers(0, 256, (y1 - y0, 320, 4), np.uint8)
    ours = encoder(tmp_path, check=True)       # fails if any plane differs from converting the frame whole
    ours.write(first, 1)
    ours.write(second, 2, rows)
    ours.close()
    assert ours.frames == 3


def test_the_encoder_check_catches_a_frame_changed_outside_its_rows(tmp_path):
    frame = np.zeros((184, 320, 4), np.uint8)
    ours = encoder(tmp_path, check=True)
    ours.write(frame, 1)
    frame[100:110] = 255
    with pytest.raises(UserError, match="frame 1 changed outside the rows the renderer named"):
        ours.write(frame, 1, [(0, 40)])
    ours.abandon()
