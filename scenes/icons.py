"""Flat icons drawn from Manim primitives, sized by height in scene units. Colours come from the palette roles."""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, PI, RIGHT, UP, Arc, Circle, Cross, Line, Polygon, Rectangle, Rotate,
                   RoundedRectangle, VGroup, VMobject)

from scenes.layout import icon, named_icon
from scenes.style import PALETTE, SIZE, text


@icon
def person(height: float = 0.7, color: str | None = None) -> VGroup:
    """The agent: a round head over rounded shoulders."""
    color = color or PALETTE.agent
    head = Circle(radius=0.2, fill_color=color, fill_opacity=1, stroke_width=0)
    body = RoundedRectangle(width=0.56, height=0.42, corner_radius=0.2, fill_color=color, fill_opacity=1,
                            stroke_width=0).next_to(head, DOWN, buff=0.05)
    return VGroup(head, body).scale_to_fit_height(height)


@icon
def key(height: float = 0.5, color: str | None = None) -> VGroup:
    """A key lying on its side: ring, shaft, two teeth."""
    color = color or PALETTE.key
    ring = Circle(radius=0.16, stroke_color=color, stroke_width=10)
    shaft = Line(ring.get_right(), ring.get_right() + RIGHT * 0.5, stroke_color=color, stroke_width=10)
    teeth = VGroup(*[Line(shaft.get_end() + LEFT * dx, shaft.get_end() + LEFT * dx + DOWN * 0.14,
                          stroke_color=color, stroke_width=10) for dx in (0.02, 0.16)])
    return VGroup(ring, shaft, teeth).scale_to_fit_height(height * 0.6)


class Door(VGroup):
    """A door with a keyhole; `opened()` gives its open, green look."""

    def __init__(self, height: float = 0.8):
        frame = RoundedRectangle(width=0.55, height=0.85, corner_radius=0.08, fill_color=PALETTE.door,
                                 fill_opacity=1, stroke_width=0)
        hole = VGroup(Circle(radius=0.05, fill_color=PALETTE.background, fill_opacity=1, stroke_width=0),
                      Polygon([-0.03, 0, 0], [0.03, 0, 0], [0.05, -0.12, 0], [-0.05, -0.12, 0],
                              fill_color=PALETTE.background, fill_opacity=1, stroke_width=0))
        hole.move_to(frame.get_center() + RIGHT * 0.12)
        super().__init__(frame, hole)
        self.scale_to_fit_height(height)
        named_icon(self, "door")

    def opened(self) -> VGroup:
        """Target for Transform: the door swung open (a narrow green leaf on a dark doorway)."""
        doorway = self[0].copy().set_fill(PALETTE.panel, 1).set_stroke(PALETTE.success, 3)
        leaf = self[0].copy().stretch(0.3, 0).set_fill(PALETTE.success, 1).align_to(doorway, LEFT)
        return VGroup(doorway, leaf)


@icon
def red_cross(size: float = 0.5) -> VMobject:
    return Cross(stroke_color=PALETTE.planner_error, stroke_width=8, scale_factor=1).scale_to_fit_height(size)


@icon
def tick(size: float = 0.5, color: str | None = None) -> VMobject:
    mark = VMobject(stroke_color=color or PALETTE.success, stroke_width=10)
    mark.set_points_as_corners([np.array([-0.5, 0, 0]), np.array([-0.15, -0.35, 0]), np.array([0.5, 0.4, 0])])
    return mark.scale_to_fit_height(size)


@icon
def brain(height: float = 1.6, color: str | None = None) -> VGroup:
    """A stylised brain: overlapping lobes with a centre fold."""
    color = color or PALETTE.text
    lobes = VGroup(*[Circle(radius=r, stroke_color=color, stroke_width=6).shift(RIGHT * x + UP * y)
                     for x, y, r in ((-0.45, 0.15, 0.45), (0.0, 0.35, 0.5), (0.45, 0.15, 0.45),
                                     (-0.25, -0.25, 0.4), (0.25, -0.25, 0.4))])
    fold = Arc(radius=0.5, start_angle=np.pi * 0.6, angle=-np.pi * 0.5, stroke_color=color, stroke_width=6)
    return VGroup(lobes, fold).scale_to_fit_height(height)


def black_box(width: float = 3.0, height: float = 2.0) -> VGroup:
    box = Rectangle(width=width, height=height, fill_color="#05070A", fill_opacity=1, stroke_color=PALETTE.muted,
                    stroke_width=3)
    lid = Line(box.get_corner(UP + LEFT), box.get_corner(UP + RIGHT), stroke_color=PALETTE.muted, stroke_width=6)
    return VGroup(box, lid)


@icon
def lightbulb(height: float = 1.6, color: str | None = None) -> VGroup:
    color = color or PALETTE.key
    glass = Circle(radius=0.5, stroke_color=color, stroke_width=8, fill_color=color, fill_opacity=0.15)
    base = VGroup(*[Line(LEFT * 0.22, RIGHT * 0.22, stroke_color=PALETTE.muted, stroke_width=8).shift(DOWN * dy)
                    for dy in (0.62, 0.74, 0.86)])
    filament = VMobject(stroke_color=color, stroke_width=5).set_points_smoothly(
        [np.array([x, 0.08 * (-1) ** i, 0]) for i, x in enumerate(np.linspace(-0.2, 0.2, 6))])
    return VGroup(glass, base, filament).scale_to_fit_height(height)


def mystery_box(width: float = 3.6, height: float = 2.4) -> VGroup:
    """The black box with a question mark on its front: [body, lid], mark. The mark starts hidden."""
    box = black_box(width, height)
    mark = text("?", SIZE.title, PALETTE.text, weight="BOLD").move_to(box).set_opacity(0)
    return VGroup(box, mark)


def split_lid(box: VGroup) -> VGroup:
    """Replace the box's lid by two flaps hinged at its corners (one long lid would swing out of the frame)."""
    lid = box[0][1]
    flaps = VGroup(*[Line(corner, lid.get_center(), stroke_color=PALETTE.muted, stroke_width=6)
                     for corner in (lid.get_start(), lid.get_end())])
    box[0].remove(lid).add(flaps)
    return flaps


def swing_open(flaps: VGroup) -> list:
    """Both flaps swing up and outwards about their hinges."""
    return [Rotate(flap, angle=sign * 0.62 * PI, about_point=flap.get_start())
            for flap, sign in zip(flaps, (1, -1))]


@icon
def snowflake(size: float = 0.6, color: str | None = None) -> VGroup:
    """Six spokes with a small chevron on each: the sign for 'frozen'."""
    arms = VGroup()
    for i in range(6):
        arm = VGroup(Line(ORIGIN, UP * 0.5),
                     Line(UP * 0.32, UP * 0.42 + LEFT * 0.1), Line(UP * 0.32, UP * 0.42 + RIGHT * 0.1))
        arms.add(arm.rotate(i * PI / 3, about_point=ORIGIN))
    return arms.set_stroke(color or PALETTE.text, 4).scale_to_fit_height(size)
