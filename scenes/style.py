"""The film's visual language in one place: palette by role, type, sizes, motion (docs: film-style brief).

Scenes never hard-code a colour or a font; they ask for a role (`PALETTE.planner`) or a size (`SIZE.label`).
The high-contrast and reduced-motion variants are switched in config/settings.yaml (section `scenes`) and reach
the scene in its context.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from manim import FadeIn, FadeOut, Succession, Text, UpdateFromFunc

from core.context import current_context
from core.palette import palette

FONT = "Inter"             # every word on screen
MONO = "JetBrains Mono"    # only tokens: go_to_key, left, pick…
PX = 1 / 135               # scene units per pixel at 1080p (the frame is 8 units tall)
FONT_PX = 1 / 1.876        # Manim font_size per pixel of em height (measured for Inter at 1080p)


@dataclass(frozen=True)
class Sizes:
    """Text sizes in pixels of em height at 1080p (brief: titles 72-96, labels 40-48, never below 32)."""
    title: int = 84
    heading: int = 60
    label: int = 44
    token: int = 40
    small: int = 34


@dataclass(frozen=True)
class Motion:
    """Durations in seconds. Reduced motion keeps the timing but replaces travel by fades (see `travel`)."""
    move: float = 0.6          # most moves
    step: float = 0.4          # one agent step: a 10-step episode in ~4 s
    fade: float = 0.3          # transitions stay short
    reduced: bool = False


def _theme():
    """The variant of the segment this process renders (settings `scenes`, passed in its scene context)."""
    context = current_context()
    return palette(context.theme), replace(Motion(), reduced=context.reduced_motion)


PALETTE, MOTION = _theme()
SIZE = Sizes()

# Layout: 5 % safe margin on each side; the bottom 12 % is kept for captions; a header strip on top.
FRAME_W, FRAME_H = 14.222, 8.0
SAFE_X = FRAME_W / 2 * 0.90
HEADER_Y = FRAME_H / 2 - 0.45
CONTENT_TOP = HEADER_Y - 0.45
CONTENT_BOTTOM = -FRAME_H / 2 + FRAME_H * 0.12


_typeset: dict[tuple, Text] = {}


def typeset(s: str, **options) -> Text:
    """A new Text, copied from the first one made with these options: Pango's layout and the SVG parse take ~30 ms
    a text, a copy ~2 ms, and scenes set the same words many times (a counter, a label on every card). The copy is
    cheap because each glyph drops its parsed SVG path (svgelements), which is read only while its points are made
    and was most of what every copy of a text (a fade's, a transform's) deep-copied."""
    key = (s, repr(sorted(options.items())))
    if key not in _typeset:
        made = Text(s, **options)
        for glyph in made.family_members_with_points():
            glyph.path_obj = None
        _typeset[key] = made
    return _typeset[key].copy()


def text(s: str, size: int = SIZE.label, color: str | None = None, weight: str = "NORMAL", **kw) -> Text:
    """Sans text at a pixel size from SIZE."""
    return typeset(s, font=FONT, font_size=size * FONT_PX, color=color or PALETTE.text, weight=weight, **kw)


def mono(s: str, size: int = SIZE.token, color: str | None = None, **kw) -> Text:
    """A token in the mono face: sub-goals, actions."""
    return typeset(s, font=MONO, font_size=size * FONT_PX, color=color or PALETTE.text, **kw)


def title(s: str, color: str | None = None) -> Text:
    return text(s, SIZE.title, color, weight="BOLD")


def pct(x: float) -> str:
    """A share as the film writes it: 0.98387 → '98 %'."""
    return f"{round(100 * x)} %"


def switch(old: Text, new: Text) -> UpdateFromFunc:
    """Replace a changing text (a count, an epoch) at once: a Transform between different glyphs reads as garbage
    half-way."""
    return UpdateFromFunc(old, lambda m: m.become(new))


def outline_flash(mob, color: str, width: float, opacity: float = 0.9, rise: float = 0.2,
                  fall: float = 0.5) -> Succession:
    """Flash `mob`'s outline in `color`: a copy with no fill, so what is inside stays readable (a credit pulse, a
    highlighted cell)."""
    glow = mob.copy().set_fill(opacity=0).set_stroke(color, width, opacity=opacity)
    return Succession(FadeIn(glow, run_time=rise), FadeOut(glow, run_time=fall))
