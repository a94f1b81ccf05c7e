"""Manim's Cairo renderer, redrawing each frame only where something moves: the same pixels, a fraction of the work.

Manim draws what an animation leaves alone once per play (its static image), then, every frame, everything from the
first moving mobject onwards in drawing order: a dot running round a loop has the whole panel drawn after it redrawn
thirty times a second. `DirtyRectRenderer` keeps Manim's split and its drawing order and finds, each frame, the cells
of a coarse grid that anything moving covers now (its control points' box, padded by its stroke). Outside those cells
the frame is the play's still image (everything that is not moving, drawn once); inside them it is rebuilt from the
background, every mobject that reaches them drawn again in order, and the still image put back wherever those
painted outside the cells. A mobject that reaches no such cell leaves those pixels alone, so the frame is the one
Manim would draw, pixel for pixel (tests/test_scenes.py checks every frame of every segment against Manim's own
drawing, tests/test_scene_renderer.py the hard cases).

What moves is what Manim itself redraws for: the families of the animations' mobjects, of mobjects with updaters and
of foreground mobjects. A scene whose updater changed some other mobject would already be wrong under Manim's static
image; here it is caught by the same test.
"""
from __future__ import annotations

import numpy as np
from manim.camera.camera import Camera
from manim.mobject.types.vectorized_mobject import VMobject
from manim.renderer.cairo_renderer import CairoRenderer

from core.errors import UserError

GRID = (27, 48)         # rows × columns of dirty cells: 40 px squares at 1080p
MITER = 5.0             # a join reaches at most Cairo's miter limit (10) × half the line width past its point
ANTIALIAS = 2           # pixels of edge smoothing (and rounding) beyond a shape


class Grid:
    """The frame cut into GRID cells; boxes in frame units become cell ranges."""

    def __init__(self, camera: Camera):
        self.camera = camera
        h, w = camera.pixel_height, camera.pixel_width
        self.rows = np.linspace(0, h, GRID[0] + 1).round().astype(int)
        self.cols = np.linspace(0, w, GRID[1] + 1).round().astype(int)
        self.px = w / camera.frame_width          # pixels per frame unit
        self.line_px = camera.cairo_line_width_multiple * self.px

    def cells(self, mobjects: list[VMobject]) -> np.ndarray:
        """Each mobject's cell range as rows (r0, r1, c0, c1), half-open, covering every pixel it may paint."""
        if not mobjects:
            return np.zeros((0, 4), int)
        points = [m.points for m in mobjects]
        starts = np.cumsum([0] + [len(p) for p in points[:-1]])
        xy = np.concatenate(points)[:, :2]
        lo, hi = np.minimum.reduceat(xy, starts), np.maximum.reduceat(xy, starts)
        pad = ANTIALIAS + MITER * self.line_px * np.array(
            [max(m.get_stroke_width(), m.get_stroke_width(background=True)) for m in mobjects])
        c = self.camera
        x0 = (lo[:, 0] - c.frame_center[0]) * self.px + c.pixel_width / 2 - pad
        x1 = (hi[:, 0] - c.frame_center[0]) * self.px + c.pixel_width / 2 + pad
        y0 = c.pixel_height / 2 - (hi[:, 1] - c.frame_center[1]) * self.px - pad     # pixel rows grow downwards
        y1 = c.pixel_height / 2 - (lo[:, 1] - c.frame_center[1]) * self.px + pad
        r0 = np.searchsorted(self.rows, y0, side="right") - 1
        r1 = np.searchsorted(self.rows, y1, side="left")
        c0 = np.searchsorted(self.cols, x0, side="right") - 1
        c1 = np.searchsorted(self.cols, x1, side="left")
        return np.stack([r0.clip(0, GRID[0]), r1.clip(0, GRID[0]), c0.clip(0, GRID[1]), c1.clip(0, GRID[1])], 1)

    def mask(self, cells: np.ndarray) -> np.ndarray:
        mask = np.zeros(GRID, bool)
        for r0, r1, c0, c1 in cells:
            mask[r0:r1, c0:c1] = True
        return mask

    def touching(self, cells: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Which cell ranges reach a marked cell (summed-area table: four look-ups a range)."""
        table = np.zeros((GRID[0] + 1, GRID[1] + 1), int)
        table[1:, 1:] = mask.cumsum(0).cumsum(1)
        r0, r1, c0, c1 = cells.T
        return (table[r1, c1] - table[r0, c1] - table[r1, c0] + table[r0, c0]) > 0

    def row_runs(self, mask: np.ndarray) -> list[tuple[int, int]]:
        """The pixel rows (y0, y1) of each run of rows with a marked cell."""
        return [(int(self.rows[a]), int(self.rows[b])) for a, b in true_runs(mask.any(1))]

    def runs(self, mask: np.ndarray):
        """The marked cells as pixel rectangles (y0, y1, x0, x1): one per run of a row."""
        for r in np.flatnonzero(mask.any(1)):
            for a, b in true_runs(mask[r]):
                yield self.rows[r], self.rows[r + 1], self.cols[a], self.cols[b]


def true_runs(flags: np.ndarray) -> zip:
    """Each run of True in a row of flags, as (start, end), end exclusive."""
    edges = np.flatnonzero(np.diff(np.concatenate([[False], flags, [False]])))
    return zip(edges[::2], edges[1::2])


class Play:
    """One play's still image (Manim's static image with the quiet part of its moving list drawn over it) and what
    it needs to rebuild any cell: the static list and the quiet mobjects, with their cells."""

    def __init__(self, renderer: CairoRenderer, scene, static_mobjects: list):
        camera = renderer.camera
        self.grid = Grid(camera)
        moving = set()
        for anim_mob in animation_mobjects(scene.animations):
            moving.update(map(id, anim_mob.get_family()))
        for mob in [*scene.get_mobject_family_members(), *scene.foreground_mobjects]:
            if mob.updaters or mob in scene.foreground_mobjects:
                moving.update(map(id, mob.get_family()))
        self.static = camera.get_mobjects_to_display(static_mobjects)
        self.quiet = [m for m in camera.get_mobjects_to_display(scene.moving_mobjects) if id(m) not in moving]
        self.drawable = all(plain(m) for m in [*self.static, *self.quiet])
        if not self.drawable:
            return
        self.static_cells, self.quiet_cells = self.grid.cells(self.static), self.grid.cells(self.quiet)
        self.quiet_ids = {id(m): i for i, m in enumerate(self.quiet)}
        if renderer.static_image is not None:
            camera.set_frame_to_background(renderer.static_image)
        else:
            camera.reset()
        camera.capture_mobjects(self.quiet, include_submobjects=False)
        self.image = camera.pixel_array.copy()

    def draw(self, camera: Camera, moving: list, shown: np.ndarray | None) -> np.ndarray | None:
        """Draw this frame into the camera's pixels, which hold this play's image except in the `shown` cells (None:
        anywhere). Returns the cells that now differ from the image, or None when a mobject cannot be clipped (the
        caller then draws the frame whole)."""
        members = camera.get_mobjects_to_display(moving)
        if not all(plain(m) for m in members):
            return None
        grid = self.grid
        present = {self.quiet_ids[id(m)] for m in members if id(m) in self.quiet_ids}
        dirty = [m for m in members if id(m) not in self.quiet_ids]
        gone = [i for i in range(len(self.quiet)) if i not in present]     # a quiet part taken out mid-play
        cells = grid.cells(dirty)
        mask = grid.mask(np.concatenate([cells, self.quiet_cells[gone]]))
        pixels = camera.pixel_array
        if shown is None:
            np.copyto(pixels, self.image)
        else:
            for y0, y1, x0, x1 in grid.runs(shown & ~mask):
                pixels[y0:y1, x0:x1] = self.image[y0:y1, x0:x1]
        if not mask.any():
            return mask
        for y0, y1, x0, x1 in grid.runs(mask):
            pixels[y0:y1, x0:x1] = camera.background[y0:y1, x0:x1]
        static_hit = grid.touching(self.static_cells, mask)
        quiet_hit = grid.touching(self.quiet_cells, mask)
        again = [m for m, hit in zip(self.static, static_hit) if hit]
        again += [m for m in members if id(m) not in self.quiet_ids or quiet_hit[self.quiet_ids[id(m)]]]
        camera.capture_mobjects(again, include_submobjects=False)
        # What was drawn again also painted over the image outside the dirty cells: put the image back there.
        # (Clipping the drawing to the cells instead gives pixels one level off where Cairo composites through
        # the clip.)
        painted = grid.mask(np.concatenate([self.static_cells[static_hit], self.quiet_cells[quiet_hit], cells]))
        for y0, y1, x0, x1 in grid.runs(painted & ~mask):
            pixels[y0:y1, x0:x1] = self.image[y0:y1, x0:x1]
        return mask


def animation_mobjects(animations) -> list:
    """The mobjects of animations and of the animations inside groups (as Manim's get_moving_mobjects counts)."""
    found = []
    for anim in animations:
        found.append(anim.mobject)
        found += animation_mobjects(getattr(anim, "animations", []))
    return found


def plain(mob) -> bool:
    """Drawn by Cairo paths alone, so it paints only inside its cells (images and point clouds are pasted as
    arrays: a play with any is drawn whole, as Manim does)."""
    return isinstance(mob, VMobject) and not mob.get_background_image()


class PathCachingCamera(Camera):
    """Manim's Camera, keeping each mobject's Cairo path while its points stay as they are: a mobject drawn again
    unchanged (everything near what moves, anything fading) has its path appended as it was built, not rebuilt
    curve by curve in Python. A path depends on the points alone, and is kept in frame units (Cairo's user space),
    so it is right whatever pixels it is drawn into."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.paths: dict[int, tuple[np.ndarray, object]] | None = {}    # by id: the points and their path
        self.check = False       # build every kept path again, and fail where it differs

    def set_cairo_context_path(self, ctx, vmobject):
        points, kept = vmobject.points, self.paths and self.paths.get(id(vmobject))
        if kept and kept[0].shape == points.shape and np.array_equal(kept[0], points):
            if self.check:
                super().set_cairo_context_path(ctx, vmobject)
                if list(ctx.copy_path()) != list(kept[1]):
                    raise UserError(f"scene renderer: the kept path of a {type(vmobject).__name__} is not the one "
                                    "its points make")
            ctx.new_path()
            ctx.append_path(kept[1])
            return self
        super().set_cairo_context_path(ctx, vmobject)
        if self.paths is not None and len(points):     # (no points: Manim leaves the path before, keep nothing)
            self.paths[id(vmobject)] = points.copy(), ctx.copy_path()
        return self


class DirtyRectRenderer(CairoRenderer):
    """CairoRenderer drawing each frame of a play only where something moves (with PathCachingCamera), and
    handing frames to the writer without Manim's copy of each (the writer encodes a frame before the next is
    drawn), with the rows they may have changed in since the last (`add_frame`). With `check`, every such frame is
    drawn again the way Manim draws it, and every kept path built again; a difference is an error."""

    def __init__(self, *args, check: bool = False, **kwargs):
        super().__init__(*args, camera_class=PathCachingCamera, **kwargs)
        self.check = self.camera.check = check
        self.play_image: Play | None = None
        self.shown: np.ndarray | None = None     # cells where the camera's pixels differ from the play's image
        self.changed: np.ndarray | None = None   # cells whose pixels changed since the last frame written (None: any)

    def save_static_frame_data(self, scene, static_mobjects):
        self.play_image = None
        image = super().save_static_frame_data(scene, static_mobjects)
        play = Play(self, scene, static_mobjects)
        self.play_image, self.shown, self.changed = (play if play.drawable else None), None, None
        return image

    def update_frame(self, scene, mobjects=None, include_submobjects=True, ignore_skipping=True, **kwargs):
        if self.skip_animations and not ignore_skipping:
            return
        if self.play_image is not None and mobjects is scene.moving_mobjects and include_submobjects and not kwargs:
            before = self.shown
            self.shown = self.play_image.draw(self.camera, mobjects, self.shown)
            if self.shown is not None:
                # the pixels changed only where they differed from the image before or do now
                if before is None or self.changed is None:
                    self.changed = None
                else:
                    self.changed |= before | self.shown
                if self.check:
                    self.compare(scene, mobjects)
                return
        self.shown = self.changed = None
        super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    def compare(self, scene, mobjects) -> None:
        ours, kept = self.camera.pixel_array.copy(), self.camera.paths
        self.camera.paths = None                    # Manim's drawing, every path built afresh
        super().update_frame(scene, mobjects)
        self.camera.paths = kept
        differ = np.flatnonzero((ours != self.camera.pixel_array).any(-1))
        if len(differ):
            y, x = divmod(int(differ[0]), self.camera.pixel_width)
            raise UserError(f"scene renderer: {type(scene).__name__}'s frame at {self.time:.2f} s differs from "
                            f"Manim's own drawing in {len(differ)} pixels, the first at ({x}, {y})")

    def render(self, scene, time, moving_mobjects=None) -> None:
        self.update_frame(scene, moving_mobjects)
        self.add_frame(self.camera.pixel_array)

    def add_frame(self, frame: np.ndarray, num_frames: int = 1) -> None:
        """Manim's add_frame, telling the writer which pixel rows may differ from the frame it was handed last:
        `write_frame(frame, repeat=, rows=[(y0, y1), …] or None for any)`, so it converts only those."""
        if self.skip_animations:
            return
        self.time += num_frames / self.camera.frame_rate
        rows = None if self.changed is None or self.play_image is None else self.play_image.grid.row_runs(self.changed)
        self.file_writer.write_frame(frame, repeat=num_frames, rows=rows)
        self.changed = np.zeros(GRID, bool)
