"""The Planner/Doer panel and the thought bubble: the model's two modules and what they believe at a step.

The panel stacks the Planner (H, violet) over the Doer (L, teal). Sub-goal tokens flow down from the Planner to the
Doer; action tokens flow out of the Doer; only the Doer has an arrow from the input row (the Planner never sees it).
The bubble shows the recorded probability vectors of both heads as bars.
"""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Circle, FadeIn, FadeOut, Flash, Rectangle,
                   RoundedRectangle, Succession, Transform, VGroup)

from scenes.style import MOTION, PALETTE, SIZE, mono, outline_flash, switch, text

SUBGOALS = ("go_to_key", "go_to_door", "open_door")
ACTIONS = ("left", "right", "pick", "open")


def token(name: str, color: str, size: int = SIZE.token) -> VGroup:
    """A pill with a token in the mono face: a sub-goal (violet) or an action (teal)."""
    label = mono(name, size, PALETTE.background)
    pill = RoundedRectangle(width=label.width + 0.4, height=label.height + 0.3, corner_radius=0.2,
                            fill_color=color, fill_opacity=1, stroke_width=0)
    return VGroup(pill, label.move_to(pill))


class Module(VGroup):
    """One rounded module box with a title and a role line. (Attributes avoid Mobject's own `name` and `color`:
    assigning `color` would repaint the whole group.)"""

    def __init__(self, title: str, role: str, tint: str, width: float = 4.2, height: float = 1.5):
        self.box = RoundedRectangle(width=width, height=height, corner_radius=0.25, stroke_color=tint,
                                    stroke_width=4, fill_color=PALETTE.panel, fill_opacity=1)
        self.title = text(title, SIZE.heading, tint, weight="BOLD")
        self.role = text(role, SIZE.small, PALETTE.muted)
        VGroup(self.title, self.role).arrange(DOWN, buff=0.12).move_to(self.box)
        super().__init__(self.box, self.title, self.role)
        self.tint = tint

    def pulse(self, color: str) -> AnimationGroup:
        """A credit pulse: the box flashes in `color` (red: the Planner was wrong; orange: the Doer was)."""
        return outline_flash(self.box, color, 14, rise=0.15, fall=0.45)


class HrmPanel(VGroup):
    """Planner above Doer with the arrows between them, the input arrow into the Doer and the output arrow."""

    def __init__(self, width: float = 4.2, gap: float = 1.3):
        super().__init__()
        self.planner = Module("Planner", "H module · picks sub-goals", PALETTE.planner, width)
        self.doer = Module("Doer", "L module · picks actions", PALETTE.doer, width)
        self.doer.next_to(self.planner, DOWN, buff=gap)
        # Sub-goals go down on the left; the Doer's state goes up on the right (H only hears from L).
        self.down_arrow = Arrow(self.planner.box.get_bottom() + LEFT * 0.9, self.doer.box.get_top() + LEFT * 0.9,
                                buff=0.05, color=PALETTE.planner, stroke_width=5)
        self.up_arrow = Arrow(self.doer.box.get_top() + RIGHT * 0.9, self.planner.box.get_bottom() + RIGHT * 0.9,
                              buff=0.05, color=PALETTE.doer, stroke_width=5)
        self.input_arrow = Arrow(self.doer.box.get_bottom() + DOWN * 1.0, self.doer.box.get_bottom(), buff=0.05,
                                 color=PALETTE.muted, stroke_width=5)
        self.input_label = text("the row", SIZE.small, PALETTE.muted).next_to(self.input_arrow, LEFT, buff=0.15)
        self.output_arrow = Arrow(self.doer.box.get_right(), self.doer.box.get_right() + RIGHT * 1.2, buff=0.05,
                                  color=PALETTE.doer, stroke_width=5)
        self.add(self.planner, self.doer, self.down_arrow, self.up_arrow, self.input_arrow, self.input_label,
                 self.output_arrow)
        self.current_goal: VGroup | None = None

    def subgoal_slot(self):
        return self.down_arrow.get_center() + LEFT * 1.3

    def emit_subgoal(self, name: str, run_time: float = MOTION.move) -> AnimationGroup:
        """A sub-goal token appears in the Planner and settles beside the down arrow (replacing the last one)."""
        new = token(name, PALETTE.planner, SIZE.small).move_to(self.planner.box.get_center())
        target = new.copy().move_to(self.subgoal_slot())
        anims = [Succession(FadeIn(new, scale=0.6, run_time=run_time * 0.3),
                            new.animate(run_time=run_time * 0.7).move_to(target))]
        if self.current_goal is not None:
            anims.append(FadeOut(self.current_goal, run_time=run_time * 0.3))
        self.current_goal = new
        return AnimationGroup(*anims)

    def emit_action(self, name: str, run_time: float = MOTION.move) -> Succession:
        """An action token leaves the Doer along the output arrow and fades."""
        tok = token(name, PALETTE.doer, SIZE.small).move_to(self.doer.box.get_right() + LEFT * 0.7)
        return Succession(FadeIn(tok, run_time=run_time * 0.25),
                          tok.animate(run_time=run_time * 0.5).move_to(self.output_arrow.get_end() + RIGHT * 0.9),
                          FadeOut(tok, run_time=run_time * 0.25))


class ProbBars(VGroup):
    """Horizontal bars for one probability vector, labelled with tokens and percentages."""

    def __init__(self, names: tuple[str, ...], tint: str, width: float = 2.4, bar_h: float = 0.3):
        super().__init__()
        self.names, self.tint, self.bar_h = names, tint, bar_h   # not `color`/`width`: Mobject properties
        self.rows = VGroup()
        for name in names:
            label = mono(name, SIZE.small, PALETTE.text)
            track = Rectangle(width=width, height=bar_h, stroke_width=0, fill_color=PALETTE.track, fill_opacity=1)
            bar = Rectangle(width=0.001, height=bar_h, stroke_width=0, fill_color=tint, fill_opacity=1)
            value = text("0%", SIZE.small, PALETTE.muted)
            row = VGroup(label, track, bar, value)
            self.rows.add(row)
        label_w = max(r[0].width for r in self.rows)
        for i, row in enumerate(self.rows):
            label, track, bar, value = row
            y = -i * (bar_h + 0.28)
            label.move_to([label_w - label.width / 2, y, 0])   # labels right-aligned against the bars
            track.move_to([label_w + 0.25 + width / 2, y, 0])
            bar.align_to(track, LEFT).set_y(y)
            value.next_to(track, RIGHT, buff=0.15)
        self.add(self.rows)

    def set(self, probs: list[float]) -> AnimationGroup:
        anims = []
        best = max(range(len(probs)), key=lambda i: probs[i])
        for i, (row, p) in enumerate(zip(self.rows, probs)):
            label, track, bar, value = row
            new_bar = Rectangle(width=max(0.001, track.width * p), height=self.bar_h, stroke_width=0,
                                fill_color=self.tint, fill_opacity=1 if i == best else 0.45).align_to(track, LEFT)
            new_bar.set_y(track.get_y())
            new_value = text(f"{round(p * 100)}%", SIZE.small, PALETTE.text if i == best else PALETTE.muted)
            new_value.next_to(track, RIGHT, buff=0.15)
            anims += [Transform(bar, new_bar), switch(value, new_value)]   # a morphing number reads as garbage
        return AnimationGroup(*anims)


class ThoughtBubble(VGroup):
    """A bubble with the Planner's bars over the three sub-goals and the Doer's over the four actions."""

    def __init__(self, width: float = 5.6):
        super().__init__()
        self.planner_bars = ProbBars(SUBGOALS, PALETTE.planner)
        self.doer_bars = ProbBars(ACTIONS, PALETTE.doer)
        planner_title = text("Planner", SIZE.small, PALETTE.planner, weight="BOLD")
        doer_title = text("Doer", SIZE.small, PALETTE.doer, weight="BOLD")
        content = VGroup(VGroup(planner_title, self.planner_bars).arrange(DOWN, aligned_edge=LEFT, buff=0.2),
                         VGroup(doer_title, self.doer_bars).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
                         ).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        self.cloud = RoundedRectangle(width=max(width, content.width + 0.8), height=content.height + 0.7,
                                      corner_radius=0.6, stroke_color=PALETTE.text, stroke_width=3,
                                      fill_color=PALETTE.panel, fill_opacity=1).move_to(content)
        self.tail = VGroup(*[Circle(radius=r, stroke_color=PALETTE.text, stroke_width=3, fill_color=PALETTE.panel,
                                    fill_opacity=1) for r in (0.16, 0.1)])
        self.tail[0].next_to(self.cloud, DOWN + LEFT, buff=-0.05).shift(RIGHT * 0.6)
        self.tail[1].next_to(self.tail[0], DOWN + LEFT, buff=0.05)
        self.add(self.cloud, self.tail, content)

    def set(self, step: dict) -> AnimationGroup:
        """Show a recorded step's probabilities (a rollout or demo step with planner_probs and doer_probs)."""
        return AnimationGroup(self.planner_bars.set(step["planner_probs"]), self.doer_bars.set(step["doer_probs"]))

    def point_tail_at(self, point) -> "ThoughtBubble":
        """Move the bubble so its tail ends just above `point` (the agent's head)."""
        self.shift(point + UP * 0.15 - self.tail[1].get_center())
        return self


def flash_at(mob, color: str) -> Flash:
    return Flash(mob, color=color, line_length=0.25, flash_radius=0.45, run_time=0.5)


def planner_doer(box_w: float = 2.6, box_h: float = 0.75, size: int = SIZE.small, gap: float = 0.6) -> VGroup:
    """The hierarchical model as an icon: a Planner box over a Doer box with the sub-goal arrow between them
    (the full HrmPanel, scaled down, would shrink its text below the smallest size). Parts: .planner, .doer, .arrow."""
    def box(name: str, color: str) -> VGroup:
        frame = RoundedRectangle(width=box_w, height=box_h, corner_radius=0.16, stroke_color=color, stroke_width=4,
                                 fill_color=PALETTE.panel, fill_opacity=1)
        return VGroup(frame, text(name, size, color, weight="BOLD").move_to(frame))
    icon = VGroup(box("Planner", PALETTE.planner), box("Doer", PALETTE.doer))
    icon.planner, icon.doer = icon
    icon.doer.next_to(icon.planner, DOWN, buff=gap)
    icon.arrow = Arrow(icon.planner.get_bottom(), icon.doer.get_top(), buff=0.05, color=PALETTE.planner,
                       stroke_width=5)
    return icon.add(icon.arrow)
