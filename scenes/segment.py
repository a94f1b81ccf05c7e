"""The base of every segment's Scene: background, header strip, the narration clock, and an exact ending.

A subclass names its storyboard `segment` and writes `body()`. It learns everything about its segment from the scene
context the render stage wrote (core/context.py): its length, the part it belongs to and the cue marks of its
script. Inside `body()` time is the narration's: `self.cue("mark")` is when the voice starts the word after
`[mark]` in the script, `self.play_until(t, ...)` fits animations to end at t, and the scene is padded (or
flagged) so its length equals the narration's within one frame.
"""
from __future__ import annotations

import inspect
import os
import random
import zlib
from pathlib import Path

from manim import RIGHT, Circle, Scene, VGroup, config, rate_functions
from manim.animation.animation import prepare_animation

from core.context import ERROR_VAR, LAYOUT_VAR, current_context
from core.errors import UserError
from core.paths import rel
from core.recordings import load_recording
from scenes.layout import LayoutLog
from scenes.style import CONTENT_BOTTOM, HEADER_Y, MOTION, PALETTE, SAFE_X, SIZE, text

SHOWCASE = 0             # the showcase layout the film follows (config data.showcase[0]: agent 4, key 1, door 9)
QUICK = 1                # showcase [5, 8, 9]: its trained rollout is short enough to replay in a second or two


def cut(t: float) -> float:
    return float(t >= 0.5)


def ahead(t: float) -> float:
    """A rate that is done in the first 40 % of its play: the old picture leaves before the new one comes."""
    return rate_functions.smooth(min(1.0, 2.5 * t))


def behind(t: float) -> float:
    """A rate that starts after the first 40 % of its play."""
    return rate_functions.smooth(max(0.0, (t - 0.4) / 0.6))


def cut_halfway(animation):
    """Reduced motion: the animation, and each part of a group or succession at its own time, jumps to its end
    half-way through its time. Cutting a flash (a fade in, then out) as one would skip it whole; part by part it
    still shows, as a blink."""
    parts = getattr(animation, "animations", None)
    if parts:
        animation.rate_func = rate_functions.linear
        for part in parts:
            cut_halfway(part)
    else:
        animation.rate_func = cut
    return animation


def settle(*animations) -> None:
    """Put what the animations change into its end state at once, without playing them: how a segment opens on the
    frame the one before it ended on, rebuilt by the same toolkit steps that drew it there."""
    for animation in animations:
        animation = prepare_animation(animation)
        animation.begin()
        animation.finish()


def drop(scene, mob) -> None:
    """Remove a group and all its parts, even where an animation has split it (Scene.remove leaves split parts)."""
    scene.remove(*mob.get_family())


class SegmentScene(Scene):
    segment: str = ""

    def render(self, *args, **kwargs):
        """Render; a user's error (a missing cue mark, a wrong context) also goes to the file the render stage
        named, as the one line to show."""
        try:
            super().render(*args, **kwargs)
        except UserError as err:
            if os.environ.get(ERROR_VAR):
                Path(os.environ[ERROR_VAR]).write_text(str(err))
            raise

    def setup(self):
        self.context = current_context()
        if self.context.segment != self.segment:
            raise UserError(f"{rel(inspect.getfile(type(self)))}: {type(self).__name__} draws segment "
                            f"'{self.segment}' but its scene context is for '{self.context.segment}'")
        self.length = self.context.seconds
        self.rec = load_recording(Path(self.context.recording))
        self.rng = random.Random(zlib.crc32(f"{self.context.seed}/{self.segment}".encode()))
        self.camera.background_color = PALETTE.background
        self.layout = LayoutLog() if os.environ.get(LAYOUT_VAR) else None   # composition checks (scenes/layout.py)

    def construct(self):
        self.add(self.header())
        self.body()
        self.finish()

    def body(self):
        raise NotImplementedError

    # --- the header strip --------------------------------------------------------------------------------------
    def header(self) -> VGroup:
        """Part name on the left; one dot per segment of this part on the right, the current one lit."""
        name = text(self.context.part.upper(), SIZE.small, PALETTE.muted)
        name.move_to([-SAFE_X + name.width / 2, HEADER_Y, 0])
        dots = VGroup(*[Circle(0.06, stroke_width=0, fill_opacity=1,
                               fill_color=PALETTE.text if sibling == self.segment else PALETTE.track)
                        for sibling in self.context.part_segments]).arrange(RIGHT, buff=0.16)
        dots.move_to([SAFE_X - dots.width / 2, HEADER_Y, 0])
        return VGroup(name, dots)

    def source(self, note: str) -> VGroup:
        """The subtle source line of the honesty rule ("held-out layouts, n = 62"), bottom right above captions."""
        label = text(note, SIZE.small, PALETTE.muted)
        return label.move_to([SAFE_X - label.width / 2, CONTENT_BOTTOM + label.height / 2, 0])

    def play(self, *animations, **kwargs):
        """Reduced motion (settings `scenes.reduced_motion`): every move, bounce and fade becomes a cut half-way
        through its time (`cut_halfway`), so the timing and the story stay and the travel goes."""
        if MOTION.reduced:
            kwargs.pop("rate_func", None)
            animations = [cut_halfway(prepare_animation(a)) for a in animations]
        super().play(*animations, **kwargs)
        self.look()

    def wait(self, *args, **kwargs):
        self.look()
        super().wait(*args, **kwargs)

    def later(self, at: float, animation) -> None:
        """Start `animation` (a single one, not a group) at scene time `at` and let it run alongside whatever is
        played then, across many short plays (an episode's steps, each too short to carry a fade of its own). Its
        progress is read from the scene clock: Manim's own turn_animation_into_updater counts frame deltas, which
        lose a frame at the start of every play and fall seconds behind over forty plays. Reduced motion cuts it
        half-way, as `play` does."""
        if MOTION.reduced:
            cut_halfway(animation)
        animation.suspend_mobject_updating = False
        animation._setup_scene(self)
        animation.begin()

        def update(mob, dt):
            alpha = (self.now - at) / animation.get_run_time()
            if alpha >= 1:
                animation.finish()
                mob.remove_updater(update)
            elif alpha >= 0:
                animation.interpolate(alpha)

        animation.mobject.add_updater(update)
        self.add(animation.mobject)

    def look(self) -> None:
        """Check the composition of what is on screen now (when the render stage asks for it)."""
        if self.layout is not None:
            self.layout.look(self.mobjects, self.now)

    # --- the narration clock -----------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.renderer.time

    @property
    def frame(self) -> float:
        return 1 / config.frame_rate

    def whole_frames(self, seconds: float) -> float:
        """Round a duration down to whole frames (at least one), so many short animations do not drift."""
        return max(1, int(seconds * config.frame_rate + 1e-6)) / config.frame_rate

    def cue(self, mark: str) -> float:
        """When the voice starts the word that follows `[mark]` in the script. A mark the script does not have is an
        error naming the scene's file and line and the script (`just lint-scripts` finds it before any render)."""
        try:
            return self.context.marks[mark]
        except KeyError:
            caller = inspect.stack()[1]
            known = ", ".join(sorted(self.context.marks)) or "none"
            raise UserError(f"{rel(caller.filename)}:{caller.lineno}: cue mark '{mark}' is not in "
                            f"{self.context.script or 'the segment (it has no narration)'} (its marks: {known})"
                            ) from None

    def at_fraction(self, f: float) -> float:
        """A time as a share of the segment: 0.5 is the middle."""
        return f * self.length

    def play_until(self, t: float, *animations, **kwargs) -> None:
        """Play `animations` so they end at time t (at least one frame, at most the segment's end)."""
        self.play(*animations, run_time=self.whole_frames(min(t, self.length) - self.now), **kwargs)

    def wait_until_time(self, t: float) -> None:
        frames = round((min(t, self.length) - self.now) * config.frame_rate)
        if frames > 0:
            self.wait(frames / config.frame_rate)

    def remaining(self, reserve: float = 0.0) -> float:
        """Seconds left before the end, minus `reserve`."""
        return max(self.frame, self.length - reserve - self.now)

    def finish(self) -> None:
        """Hold the last frame until the narration ends; a scene that runs long is a bug, not a silent stretch."""
        overrun = self.now - self.length
        if overrun > self.frame:
            raise UserError(f"scenes: {type(self).__name__} ({self.segment}) runs {overrun:.2f} s past its "
                                f"narration of {self.length:.2f} s")
        self.wait_until_time(self.length)
        if self.layout is not None:
            self.look()
            self.layout.write()
