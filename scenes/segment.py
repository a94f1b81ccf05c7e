"""The base of every segment's Scene: background, header strip, the narration clock, and an exact ending.

A subclass names its storyboard `segment` and writes `body()`. Inside it, time is the narration's: `self.cue("key")`
is when the voice starts saying "key", `self.play_until(t, ...)` fits animations to end at t, and the scene is
padded (or flagged) so its length equals the narration's within one frame.
"""
from __future__ import annotations

import random
import zlib

from manim import RIGHT, Circle, Scene, VGroup, config

from pipeline.common import PipelineError
from pipeline.settings import load_settings, load_storyboard
from scenes.recording import load_narration, load_recording
from scenes.style import CONTENT_BOTTOM, HEADER_Y, MOTION, PALETTE, SAFE_X, SIZE, text


def cut(t: float) -> float:
    return float(t >= 0.5)


class SegmentScene(Scene):
    segment: str = ""

    def setup(self):
        storyboard = load_storyboard(check_files=False)
        seg = next(s for s in storyboard if s.id == self.segment)
        self.storyboard, self.seg = storyboard, seg
        self.narration = load_narration(seg.id, None if seg.narrated else seg.seconds)
        self.length = self.narration.seconds
        self.rec = load_recording()
        self.rng = random.Random(zlib.crc32(f"{load_settings().seed}/{seg.id}".encode()))
        self.camera.background_color = PALETTE.background

    def construct(self):
        self.add(self.header())
        self.body()
        self.finish()

    def body(self):
        raise NotImplementedError

    # --- the header strip --------------------------------------------------------------------------------------
    def header(self) -> VGroup:
        """Part name on the left; one dot per segment of this part on the right, the current one lit."""
        part = self.seg.part
        name = text(part.upper(), SIZE.small, PALETTE.muted)
        name.move_to([-SAFE_X + name.width / 2, HEADER_Y, 0])
        siblings = [s for s in self.storyboard if s.part == part]
        dots = VGroup(*[Circle(0.06, stroke_width=0, fill_opacity=1,
                               fill_color=PALETTE.text if s.id == self.seg.id else PALETTE.panel_edge)
                        for s in siblings]).arrange(RIGHT, buff=0.16)
        dots.move_to([SAFE_X - dots.width / 2, HEADER_Y, 0])
        return VGroup(name, dots)

    def source(self, note: str) -> VGroup:
        """The subtle source line of the honesty rule ("held-out layouts, n = 62"), bottom right above captions."""
        label = text(note, SIZE.small, PALETTE.muted)
        return label.move_to([SAFE_X - label.width / 2, CONTENT_BOTTOM + label.height / 2, 0])

    def play(self, *animations, **kwargs):
        """Reduced motion (settings `scenes.reduced_motion`): every move, bounce and fade becomes a cut half-way
        through its time, so the timing and the story stay and the travel goes."""
        if MOTION.reduced:
            kwargs["rate_func"] = cut
        super().play(*animations, **kwargs)

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

    def cue(self, word: str, occurrence: int = 1, after: float = 0.0) -> float:
        """When the voice starts saying `word` (its n-th occurrence after `after` seconds)."""
        return self.narration.time_of(word, occurrence, after)

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
            raise PipelineError(f"scenes: {type(self).__name__} ({self.segment}) runs {overrun:.2f} s past its "
                                f"narration of {self.length:.2f} s")
        self.wait_until_time(self.length)
