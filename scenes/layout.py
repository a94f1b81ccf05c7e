"""Composition checks on what a scene really shows, run after every animation and at every hold.

The items checked are the things a viewer reads: every visible label (a Text), every icon (a group made by an
`@icon` factory of scenes/icons.py) and every arrowhead. Each must
  - lie inside the safe area (the style's 5 % side margins, the header strip on top, the caption band kept free),
  - be large enough to read at 1080p (text of at least MIN_TEXT_PX em height, icons at least MIN_ICON_PX tall),
  - not overlap another item by more than OVERLAP_PX (a label under an arrowhead, two captions on top of each other).
An item that sits on another on purpose (the agent on the key's cell) says so with `stacks_on(item, *others)`.
Findings are written as JSON to the file named by LAYOUT_VAR when the scene ends; the render stage keeps them beside
the clip, `render` and `preview` print them and the scene tests require none.
"""
from __future__ import annotations

import functools
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from manim import DL, UR, ArrowTip, Mobject, Text

from core.context import LAYOUT_VAR
from scenes.style import CONTENT_BOTTOM, FONT_PX, FRAME_H, PX, SAFE_X

MIN_TEXT_PX = 32      # em height (film-style brief: never below 32 px)
MIN_ICON_PX = 24      # drawn height
OVERLAP_PX = 4        # boxes may touch and overlap by about an anti-aliased edge
SAFE_TOP = FRAME_H / 2 - 0.2      # the header strip sits just under the top edge
VISIBLE = 0.05        # opacity below which an item counts as hidden


def icon(factory):
    """Mark what `factory` returns as one icon named after it, for the checks."""
    @functools.wraps(factory)
    def make(*args, **kwargs):
        return named_icon(factory(*args, **kwargs), factory.__name__)
    return make


def named_icon(mob: Mobject, name: str) -> Mobject:
    mob.layout_name = name
    return mob


def stacks_on(item: Mobject, *others: Mobject) -> Mobject:
    """Let `item` overlap `others` (and their copies): a deliberate stack, not a collision."""
    item.layout_stacks = getattr(item, "layout_stacks", ()) + tuple(name_of(o) for o in others)
    return item


@dataclass(frozen=True)
class Finding:
    kind: str        # outside | small | overlap
    what: str        # the item(s), as a viewer would name them
    first: float     # seconds into the segment when first seen
    detail: str


def name_of(mob: Mobject) -> str:
    if isinstance(mob, Text):
        return f"'{mob.original_text[:28]}'"
    if isinstance(mob, ArrowTip):
        return "arrowhead"
    return getattr(mob, "layout_name", type(mob).__name__)


def opacity(mob: Mobject) -> float:
    return max((max(m.get_fill_opacity(), m.get_stroke_opacity()) for m in mob.family_members_with_points()),
               default=0.0)


def items(mobjects: list[Mobject]) -> list[Mobject]:
    """The visible labels, icons and arrowheads among `mobjects` and their families (an icon or a label counts as
    one item: what is inside it is not checked against itself)."""
    found, stack = [], list(reversed(mobjects))
    while stack:
        mob = stack.pop()
        if isinstance(mob, (Text, ArrowTip)) or hasattr(mob, "layout_name"):
            if mob.has_points() or mob.submobjects:
                if opacity(mob) > VISIBLE and mob.width > 0 and mob.height > 0:
                    found.append(mob)
            continue
        stack.extend(reversed(mob.submobjects))
    return found


def box(mob: Mobject) -> tuple[float, float, float, float]:
    (x0, y0, _), (x1, y1, _) = mob.get_corner(DL), mob.get_corner(UR)
    return x0, y0, x1, y1


def overlap_px(a: tuple, b: tuple) -> float:
    """How far two boxes overlap, in pixels, along the axis where they overlap least (0: apart)."""
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, min(dx, dy)) / PX


def stacked(a: Mobject, b: Mobject) -> bool:
    return name_of(b) in getattr(a, "layout_stacks", ()) or name_of(a) in getattr(b, "layout_stacks", ())


def check(mobjects: list[Mobject]) -> list[tuple[str, str, str]]:
    """(kind, what, detail) for every problem on screen now."""
    shown = items(mobjects)
    boxes = [box(m) for m in shown]
    problems = []
    for mob, (x0, y0, x1, y1) in zip(shown, boxes):
        if x0 < -SAFE_X - 1e-3 or x1 > SAFE_X + 1e-3 or y1 > SAFE_TOP + 1e-3 or y0 < CONTENT_BOTTOM - 1e-3:
            problems.append(("outside", name_of(mob), f"box x {x0:.2f}..{x1:.2f}, y {y0:.2f}..{y1:.2f}"))
        if isinstance(mob, Text) and mob.font_size / FONT_PX < MIN_TEXT_PX - 0.5:
            problems.append(("small", name_of(mob), f"{mob.font_size / FONT_PX:.0f} px text"))
        elif hasattr(mob, "layout_name") and mob.height / PX < MIN_ICON_PX - 0.5:
            problems.append(("small", name_of(mob), f"{mob.height / PX:.0f} px tall"))
    for i in range(len(shown)):
        for j in range(i + 1, len(shown)):
            depth = overlap_px(boxes[i], boxes[j])
            if depth > OVERLAP_PX and not stacked(shown[i], shown[j]):
                pair = sorted((name_of(shown[i]), name_of(shown[j])))
                problems.append(("overlap", f"{pair[0]} and {pair[1]}", f"by {depth:.0f} px"))
    return problems


class LayoutLog:
    """The findings of one scene: each problem once, with the time it was first seen."""

    def __init__(self):
        self.findings: dict[tuple[str, str], Finding] = {}

    def look(self, mobjects: list[Mobject], now: float) -> None:
        for kind, what, detail in check(mobjects):
            self.findings.setdefault((kind, what), Finding(kind, what, round(now, 2), detail))

    def write(self) -> None:
        """To the file named by LAYOUT_VAR, if the environment names one."""
        path = os.environ.get(LAYOUT_VAR)
        if path:
            Path(path).write_text(json.dumps([asdict(f) for f in self.findings.values()], indent=1) + "\n")
