"""Charts fed from the recorded curves: thin lines with labelled ends and a moving epoch dot, and bar comparisons.

Axes are drawn with plain lines (no LaTeX): tick labels are Text in the film's font.
"""
from __future__ import annotations

import math

from manim import (DOWN, LEFT, RIGHT, AnimationGroup, Circle, Create, Dot, FadeIn, GrowFromEdge, Line, Rectangle,
                   VGroup, VMobject, rate_functions)

from scenes.style import PALETTE, SIZE, pct, text


class LineChart(VGroup):
    """x from 0 to x_max, y from y_min to y_max; series are added by name and drawn with `grow`."""

    def __init__(self, x_max: float, y_range: tuple[float, float] = (0.0, 1.0), width: float = 7.0,
                 height: float = 4.0, x_label: str = "epoch", y_ticks: tuple = (), y_format=lambda v: f"{v:g}",
                 x_ticks: tuple = ()):
        super().__init__()
        self.x_max, (self.y_min, self.y_max) = x_max, y_range
        self.w, self.h = width, height
        axis = dict(stroke_color=PALETTE.muted, stroke_width=2)
        self.x_axis = Line(self.point(0, self.y_min), self.point(x_max, self.y_min), **axis)
        self.y_axis = Line(self.point(0, self.y_min), self.point(0, self.y_max), **axis)
        self.add(self.x_axis, self.y_axis)
        for v in y_ticks:
            grid = Line(self.point(0, v), self.point(x_max, v), stroke_color=PALETTE.track, stroke_width=1)
            self.add(grid, text(y_format(v), SIZE.small, PALETTE.muted).next_to(self.point(0, v), LEFT, buff=0.15))
        for v in x_ticks:
            self.add(text(f"{v:g}", SIZE.small, PALETTE.muted).next_to(self.point(v, self.y_min), DOWN, buff=0.15))
        self.x_label = text(x_label, SIZE.small, PALETTE.muted).next_to(self.x_axis, DOWN, buff=0.55)
        self.add(self.x_label)
        self.series: dict[str, VMobject] = {}

    def point(self, x: float, y: float):
        y = min(max(y, self.y_min), self.y_max)
        return [(x / self.x_max - 0.5) * self.w, ((y - self.y_min) / (self.y_max - self.y_min) - 0.5) * self.h, 0]

    def to_scene(self, x: float, y: float):
        """A data point in scene coordinates, wherever the chart has been moved."""
        origin = self.x_axis.get_start() - self.point(0, self.y_min)
        return origin + self.point(x, y)

    def line(self, xs, ys, color: str, width: float = 5) -> VMobject:
        curve = VMobject(stroke_color=color, stroke_width=width)
        curve.set_points_as_corners([self.to_scene(x, y) for x, y in zip(xs, ys)])
        return curve

    def grow(self, name: str, xs, ys, color: str, label: str | None = None) -> list:
        """Animations that draw a series left to right and name it at its right end (labelled ends, no legend).
        Play them together with a run_time; the label fades in alongside."""
        curve = self.line(xs, ys, color)
        self.series[name] = curve
        anims = [Create(curve, rate_func=rate_functions.linear)]
        if label:
            anims.append(FadeIn(text(label, SIZE.small, color).next_to(self.to_scene(xs[-1], ys[-1]), RIGHT,
                                                                       buff=0.15)))
        return anims

    def marker(self, x: float, y: float, color: str) -> Dot:
        """The current-epoch dot."""
        return Dot(self.to_scene(x, y), radius=0.09, color=color)


def run_rings(xs: list[float], y: float, radius: float = 0.065) -> list[Circle]:
    """One ring per run at x along a bar's axis at height y. Runs with (nearly) the same value would hide each other
    on one spot, so a ring that would overlap one already placed moves a little above or below the axis (a small
    beeswarm): five runs at 100 % read as five rings, not one. Returned in the order of xs."""
    step, placed = radius * 1.7, {}
    for i in sorted(range(len(xs)), key=lambda i: xs[i]):
        dy = next(dy for dy in (k * sign * step for k in range(len(xs)) for sign in (1, -1))
                  if all(math.hypot(xs[i] - px, y + dy - py) >= step for px, py in placed.values()))
        placed[i] = (xs[i], y + dy)
    return [Circle(radius=radius, stroke_color=PALETTE.text, stroke_width=3, fill_color=PALETTE.background,
                   fill_opacity=1).move_to([*placed[i], 0]) for i in range(len(xs))]


class BarRow(VGroup):
    """A horizontal bar with a name on the left and its value label on the right; value on a log or linear scale.
    `dots` are the values of single runs (one per seed), drawn as small rings on the bar's axis, so a mean is never
    shown without its spread."""

    def __init__(self, name: str, value: float, value_label: str, color: str, scale, bar_h: float = 0.5,
                 note: str | None = None, dots: tuple = ()):
        super().__init__()
        self.name = text(name, SIZE.label, PALETTE.text)
        self.bar = Rectangle(width=max(0.02, scale(value)), height=bar_h, fill_color=color, fill_opacity=1,
                             stroke_width=0)
        self.value = text(value_label, SIZE.label, color)
        self.add(self.name, self.bar, self.value)
        self.note = text(note, SIZE.small, PALETTE.muted) if note else None
        if self.note:
            self.add(self.note)
        self.offsets = [scale(v) for v in dots]
        self.dots = VGroup(*run_rings(self.offsets, 0.0))
        if dots:
            self.add(self.dots)

    def place(self, name_w: float, y: float) -> "BarRow":
        self.name.move_to([name_w - self.name.width / 2, y, 0])
        self.bar.move_to([name_w + 0.3 + self.bar.width / 2, y, 0])
        for dot, ring in zip(self.dots, run_rings(self.offsets, y)):
            dot.move_to(ring.get_center() + RIGHT * (name_w + 0.3))
        self.value.next_to(self.bar, RIGHT, buff=0.2)
        if self.note:
            self.note.next_to(self.value, RIGHT, buff=0.25)
        return self

    def value_at(self, x: float) -> None:
        """Move the value label (and note) to a column starting at x."""
        shift = x - self.value.get_left()[0]
        self.value.shift(RIGHT * shift)
        if self.note:
            self.note.shift(RIGHT * shift)


def log_scale(lo: float, hi: float, width: float):
    """A bar-length function: log10(value) mapped from [lo, hi] onto [0, width]."""
    return lambda v: width * (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))


def bar_chart(rows: list[tuple], scale, gap: float = 0.35) -> VGroup:
    """rows: (name, value, value_label, colour[, note[, dots]]). Returns a VGroup of placed BarRows, top to
    bottom."""
    bars = [BarRow(*row[:4], scale=scale, note=row[4] if len(row) > 4 else None, dots=row[5] if len(row) > 5 else ())
            for row in rows]
    name_w = max(b.name.width for b in bars)
    for i, b in enumerate(bars):
        b.place(name_w, -i * (b.bar.height + gap))
    if any(len(b.dots) for b in bars):
        # with single runs drawn, a label right after the bar would sit among the rings: one column past them all
        column = max(m.get_right()[0] for b in bars for m in (b.bar, *b.dots)) + 0.25
        for b in bars:
            b.value_at(column)
    return VGroup(*bars)


def grow_bars(chart: VGroup, run_time: float = 1.0, lag: float = 0.2) -> AnimationGroup:
    """Bars grow from their left edge, one after another."""
    return AnimationGroup(*[AnimationGroup(GrowFromEdge(b.bar, LEFT), FadeIn(b.value), FadeIn(b.name),
                                           *([FadeIn(b.note)] if b.note else []),
                                           *([FadeIn(b.dots, lag_ratio=0.2)] if len(b.dots) else []))
                            for b in chart], lag_ratio=lag, run_time=run_time)


def seed_row(summary: dict, variant: str, name: str, color: str, note: str | None = "", metric: str = "heldout_success"
             ) -> tuple:
    """A bar_chart row for one variant of the study: the mean over seeds, labelled, with every seed as a ring. The
    note defaults to "N runs"; None drops it (when the chart's heading already says how many)."""
    s = summary["spread"][variant][metric]
    note = f"{len(s['values'])} runs" if note == "" else note
    return (name, s["mean"], pct(s["mean"]), color, note, tuple(s["values"]))
