"""Part 3, hierarchical models (segments 10-16): why levels help, our Planner and Doer at work in a recorded
episode, the Doer told to go to the door before it has the key (the recorded intervention), how small these models
are, and how TRM folded the two modules into one.

Segments 10-13 run as one picture: each opens on the last frame of the one before (rebuilt with `settle`), so the
two levels of 10 become the Planner and Doer of 11, and 11's episode goes on in 12 and restarts in 13."""
from __future__ import annotations

import math
import random

import numpy as np
from manim import (DOWN, LEFT, PI, RIGHT, UL, UP, AnimationGroup, Arc, Arrow, Circle, Create, DashedVMobject, Dot,
                   FadeIn, FadeOut, FadeTransform, GrowArrow, GrowFromEdge, LaggedStart, Line, Polygon, Rectangle,
                   ReplacementTransform, Rotate, RoundedRectangle, Succession, Transform, VGroup, VMobject,
                   rate_functions)

from core.recordings import citation
from scenes.charts import bar_chart, grow_bars, log_scale, run_rings
from scenes.icons import Door, brain, red_cross
from scenes.panel import ACTIONS, SUBGOALS, HrmPanel, ProbBars, token
from scenes.segment import SHOWCASE, SegmentScene, behind, settle
from scenes.style import CONTENT_TOP, CONTENT_BOTTOM, FRAME_W, MOTION, PALETTE, SIZE, mono, pct, text
from scenes.task import trained_end
from scenes.track import WorldTrack, mini_track

PANEL_X = -2.1   # the Planner/Doer diagram of segments 11-13: panel over the row on the left, a text column right
CELL = 0.85      # the diagram's cells: the smallest at which a carried key (0.7 of its size) is still 24 px tall
DIM = 0.4        # opacity of what has made its point and steps back
TRM_COLORS = [PALETTE.planner, PALETTE.doer]   # TRM: one network doing both modules' work, drawn as their blend


# Section: small helpers (candidates for the toolkit)

def count_label(n: float) -> str:
    """A parameter count as people say it: 7,689 · 7M · 27M · 1B."""
    for size, suffix in ((1e9, "B"), (1e6, "M")):
        if n >= size:
            return f"{n / size:g}{suffix}"
    return f"{int(n):,}"


def bolt(size: float = 0.6, color: str | None = None) -> Polygon:
    """A lightning bolt: fast."""
    pts = [(0.1, 0.5), (-0.25, -0.05), (0.0, -0.05), (-0.1, -0.5), (0.25, 0.08), (0.0, 0.08)]
    return Polygon(*[np.array([x, y, 0]) for x, y in pts], fill_color=color or PALETTE.key, fill_opacity=1,
                   stroke_width=0).scale_to_fit_height(size)


def weight(size: float = 0.7, color: str | None = None) -> VGroup:
    """A cartoon weight: a trapezoid with a ring on top. Heavy."""
    color = color or PALETTE.muted
    body = Polygon([-0.45, -0.4, 0], [0.45, -0.4, 0], [0.3, 0.2, 0], [-0.3, 0.2, 0], fill_color=color,
                   fill_opacity=1, stroke_width=0)
    ring = Circle(radius=0.13, stroke_color=color, stroke_width=7).next_to(body, UP, buff=-0.02)
    return VGroup(ring, body).scale_to_fit_height(size)


def score_rows(rows: list[tuple], bar_w: float = 2.6, gap: float = 0.3) -> VGroup:
    """Bars on a 0-100 % scale, each over a faint full-length track so the scale stays honest.
    rows: (name, note or None, share 0..1, value label, colour or [colours][, runs]); `runs` are single runs' shares
    (one per seed), drawn as rings on the bar so a mean is never shown without its spread. Each row has .label,
    .bar, .value and .dots (empty without runs)."""
    built = VGroup()
    for name, note, share, value, color, *runs in rows:
        label = VGroup(text(name, SIZE.label, PALETTE.text))
        if note:
            label.add(text(note, SIZE.small, PALETTE.muted))
        label.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        full = Rectangle(width=bar_w, height=0.42, stroke_width=0, fill_color=PALETTE.track, fill_opacity=1)
        bar = Rectangle(width=max(0.02, bar_w * share), height=0.42, stroke_width=0, fill_opacity=1)
        bar.set_fill(color, 1)
        row = VGroup(label, full, bar, text(value, SIZE.label, PALETTE.text))
        row.label, row.full, row.bar, row.value = row
        row.runs, row.dots = (runs[0] if runs else ()), VGroup()
        built.add(row)
    name_w = max(r.label.width for r in built)
    y = 0.0
    for row in built:
        h = max(row.label.height, row.full.height)
        row.label.move_to([0, y - h / 2, 0], aligned_edge=LEFT)
        row.full.move_to([name_w + 0.3 + bar_w / 2, row.label[0].get_y(), 0])
        row.bar.align_to(row.full, LEFT).set_y(row.full.get_y())
        if row.runs:   # added only when there are runs: an empty group would pull the row's bounds to the origin
            x0 = row.full.get_left()[0]
            row.add(row.dots.add(*run_rings([x0 + bar_w * share for share in row.runs], row.full.get_y())))
        row.value.next_to(row.full, RIGHT, buff=0.2)
        y -= h + gap
    return built


def even_pills(tokens: list) -> list:
    """Give token pills in a row one height: `token` sizes each pill to its word, so 'open' (no ascender) sits
    lower than 'left' and a row of them looks ragged."""
    height = max(tok[0].height for tok in tokens)
    for tok in tokens:
        tok[0].stretch_to_fit_height(height)
    return tokens


def glow(outline, color: str, run_time: float = MOTION.move) -> Succession:
    """Brighten an outline (a box, a row of cells) for a moment: highlight by brightening, not by shaking."""
    halo = outline.copy().set_fill(opacity=0).set_stroke(color, 14, opacity=0.8)
    return Succession(FadeIn(halo, run_time=run_time * 0.35), FadeOut(halo, run_time=run_time * 0.65))


def grow_row(row) -> list:
    return [FadeIn(row.label), FadeIn(row.full)] + fill_row(row)


def fill_row(row) -> list:
    """A score row's bar grows over its track, then its value and its runs' rings come in."""
    after = [FadeIn(row.value)] + ([FadeIn(row.dots, lag_ratio=0.2)] if row.runs else [])
    return [AnimationGroup(GrowFromEdge(row.bar, LEFT), AnimationGroup(*after), lag_ratio=0.6)]


# Section: segment 10's picture, which segment 11 opens on

class Levels(VGroup):
    """One task, two ways: the task card forks into one level (one brain with every sub-goal and action heaped
    around it) and two levels (a brain each, with its own tokens in a row). The tokens are targets: segment 10 flies
    copies of them in. Its parts are its direct members, so a segment can add them one by one and fade some."""

    def __init__(self):
        super().__init__()
        self.task = self.task_card()
        goals = even_pills([token(g, PALETTE.planner, SIZE.small) for g in SUBGOALS])
        actions = even_pills([token(a, PALETTE.doer, SIZE.small) for a in ACTIONS])
        width = VGroup(*[g.copy() for g in goals]).arrange(RIGHT, buff=0.18).width + 1.4
        self.top = self.level(PALETTE.planner, VGroup(*[g.copy() for g in goals]), width)
        self.bottom = self.level(PALETTE.doer, VGroup(*[a.copy() for a in actions]), width)
        levels = VGroup(self.top, self.bottom).arrange(DOWN, buff=0.4)
        self.one_box = RoundedRectangle(width=4.6, height=levels.height, corner_radius=0.3,
                                        stroke_color=PALETTE.muted, stroke_width=3, fill_color=PALETTE.panel,
                                        fill_opacity=1)
        VGroup(self.one_box, levels).arrange(RIGHT, buff=0.6).move_to([0, -1.0, 0])
        self.one_brain, self.heap = self.heaped(goals + actions)
        self.captions = VGroup(text("one level", SIZE.small, PALETTE.muted).next_to(self.one_box, UP, buff=0.2),
                               text("two levels", SIZE.small, PALETTE.muted).next_to(levels, UP, buff=0.2))
        # the forks end well above their captions: a shallow arrow's head reaches down past its point
        self.forks = VGroup(*[Arrow(self.task.get_bottom() + side * 0.8, caption.get_top() + UP * 0.28, buff=0,
                                    color=PALETTE.panel_edge, stroke_width=4)
                              for side, caption in zip((LEFT, RIGHT), self.captions)])
        self.add(self.task, self.forks, self.captions, self.one_box, self.one_brain, *self.heap, *self.top,
                 *self.bottom)

    def finished(self) -> "Levels":
        """The picture as segment 10 leaves it: every token in place, the one level's heap stepped back."""
        for tok in self.heap:
            tok.set_opacity(DIM)
        return self

    @staticmethod
    def task_card() -> VGroup:
        content = VGroup(Door(0.6), text("open the door", SIZE.label)).arrange(RIGHT, buff=0.3)
        card = RoundedRectangle(width=content.width + 0.6, height=content.height + 0.4, corner_radius=0.2,
                                stroke_color=PALETTE.door, stroke_width=3, fill_color=PALETTE.panel,
                                fill_opacity=1).move_to(content)
        return VGroup(card, content).move_to([0, CONTENT_TOP - 0.45, 0])

    @staticmethod
    def level(color: str, content: VGroup, width: float) -> VGroup:
        """One level: a box with its own small brain on the left and its tokens in a row."""
        box = RoundedRectangle(width=width, height=1.45, corner_radius=0.25, stroke_color=color, stroke_width=4,
                               fill_color=PALETTE.panel, fill_opacity=1)
        small_brain = brain(0.75, color).move_to(box.get_left() + RIGHT * 0.65)
        content.arrange(RIGHT, buff=0.18).move_to(box).shift(RIGHT * 0.5)
        level = VGroup(box, small_brain, content)
        level.box, level.brain, level.content = level
        return level

    def heaped(self, tokens: list) -> tuple:
        """The one level: its brain in the top-left spot of a 2 × 4 grid, the tokens on the other seven spots,
        shuffled, jittered and tilted: no order. Seeded by a fixed name, so segment 11 rebuilds the same heap."""
        rng = random.Random("one brain")
        box = self.one_box
        col_w, row_h = box.width / 2, box.height / 4

        def spot(c: int, r: int):
            return box.get_corner(UL) + np.array([col_w * (c + 0.5), -row_h * (r + 0.5), 0])

        spots = [(c, r) for r in range(4) for c in range(2) if (c, r) != (0, 0)]
        rng.shuffle(spots)
        heap = [tok.copy().rotate(rng.uniform(-0.25, 0.25)).move_to(spot(c, r) + [rng.uniform(-0.08, 0.08),
                                                                                 rng.uniform(-0.05, 0.05), 0])
                for tok, (c, r) in zip(tokens, spots)]
        return brain(0.75, PALETTE.muted).move_to(spot(0, 0)), heap


class WhyHierarchy(SegmentScene):
    """One task, two ways: a single level juggling every sub-goal and action at once, and two levels where the
    task splits into sub-goals above and actions below."""
    segment = "10-hierarchy-why"

    def body(self):
        pic = Levels()
        top, bottom = pic.top, pic.bottom
        card, (task_door, task_words) = pic.task
        ended, board = trained_end(self)
        door = board.track.door
        board.track.remove(door)
        self.add(ended, door)                                               # 09's last frame

        # "Why build a hierarchy?": the trained run gives way; its door, the task, becomes the task card's
        self.play_until(self.cue("hierarchy"), FadeOut(ended), FadeTransform(door, task_door),
                        FadeIn(VGroup(card, task_words), rate_func=behind))
        # ...and the two ways of holding it
        self.play_until(self.cue("hierarchy") + 0.6,
                        FadeIn(VGroup(pic.one_box, pic.one_brain, top.box, top.brain, bottom.box, bottom.brain,
                                      pic.captions)),
                        LaggedStart(*[GrowArrow(f) for f in pic.forks], lag_ratio=0.3))

        # One level: everything lands around the one brain, in no order
        self.play_until(self.cue("break") + 0.2, LaggedStart(
            *[self.fly(pic.task, spot) for spot in pic.heap], lag_ratio=0.12))

        # Two levels: the task breaks into sub-goals above…
        self.play_until(self.cue("sub_tasks") + 0.5, LaggedStart(
            *[self.fly(pic.task, target) for target in top.content], lag_ratio=0.3))
        # …and actions below, each level with its own part
        self.play_until(self.cue("focus") + 0.2, LaggedStart(
            *[self.fly(pic.task, target) for target in bottom.content], lag_ratio=0.2))
        self.play_until(self.cue("part") + 0.5, glow(top.box, PALETTE.planner, 1.0),
                        glow(bottom.box, PALETTE.doer, 1.0), VGroup(*pic.heap).animate.set_opacity(DIM))

    @staticmethod
    def fly(source, target):
        """A copy of `target` grows out of the task card and lands where `target` is."""
        start = target.copy().scale(0.3).move_to(source).set_opacity(0)
        return ReplacementTransform(start, target, path_arc=-0.5, run_time=MOTION.move)


# Section: the Planner/Doer diagram shared by segments 11-13

class Diagram(VGroup):
    """The HRM panel over the row. Tokens go down on the left (the sub-goal from the Planner, the action from the
    Doer); the Doer's state goes up on the right, and the row goes into the Doer. Further right, a dashed arrow
    from the row to the Planner is crossed out beside the Doer: H never sees the input. Scenes add the parts they
    show one by one (a part faded out of a group added whole would come back)."""

    def __init__(self, layout: list[int]):
        super().__init__()
        self.panel = HrmPanel(gap=1.0)
        box = self.panel.planner.box
        self.panel.shift([PANEL_X - box.get_x(), CONTENT_TOP - 0.1 - box.get_top()[1], 0])
        self.planner, self.doer = self.panel.planner, self.panel.doer
        self.subgoal_arrow, self.state_arrow = self.panel.down_arrow, self.panel.up_arrow
        self.gap_y = (self.planner.box.get_bottom()[1] + self.doer.box.get_top()[1]) / 2

        doer_bottom = self.doer.box.get_bottom()
        self.track = WorldTrack(layout, cell=CELL, numbers=False, chip=False)
        self.track.move_to(doer_bottom + DOWN * 1.0, aligned_edge=UP).set_x(PANEL_X)
        top = self.track.cells.get_top()[1] + 0.05
        self.action_arrow = Arrow(doer_bottom + LEFT * 0.9, [doer_bottom[0] - 0.9, top, 0], buff=0.05,
                                  color=PALETTE.doer, stroke_width=5)
        self.row_arrow = Arrow([doer_bottom[0] + 0.9, top, 0], doer_bottom + RIGHT * 0.9, buff=0.05,
                               color=PALETTE.muted, stroke_width=5)
        self.row_label = text("the row", SIZE.small, PALETTE.muted).next_to(self.row_arrow, RIGHT, buff=0.15)
        self.blocked = self._blocked_input(top)
        self.side_x = self.blocked.cross.get_right()[0] + 0.3   # where the text column beside the diagram starts
        self.add(self.planner, self.doer, self.subgoal_arrow, self.state_arrow, self.track, self.action_arrow,
                 self.row_arrow, self.row_label, self.blocked)
        self.action: VGroup | None = None

    def _blocked_input(self, row_top: float) -> VGroup:
        """A dashed arrow up from the row, past the Doer, into the Planner's right side; a red cross on it at the
        Doer's height, away from the arrows between the modules."""
        x = self.doer.box.get_right()[0] + 0.45
        end = self.planner.box.get_right() + RIGHT * 0.08
        path = VMobject().set_points_as_corners([[x, row_top, 0], [x, end[1], 0], end])
        dashes = DashedVMobject(path, num_dashes=26, dashed_ratio=0.55).set_stroke(PALETTE.muted, 3)
        tip = Polygon(end, end + RIGHT * 0.22 + UP * 0.12, end + RIGHT * 0.22 + DOWN * 0.12, stroke_width=0,
                      fill_color=PALETTE.muted, fill_opacity=1)
        cross = red_cross(0.5).move_to([x, self.doer.box.get_y(), 0])
        group = VGroup(VGroup(dashes, tip), cross)
        group.arrow, group.cross = group
        return group

    @staticmethod
    def fade_module(module, opacity: float = 0.35) -> AnimationGroup:
        """Fade a module's outline and words back so the other one holds the eye (1.0 brings it back);
        its box stays opaque."""
        box, name, role = module.submobjects
        return AnimationGroup(box.animate.set_stroke(opacity=opacity), name.animate.set_opacity(opacity),
                              role.animate.set_opacity(opacity))

    def set_goal(self, name: str, run_time: float = MOTION.move) -> AnimationGroup:
        """The Planner's sub-goal comes out at the top of the down arrow and settles beside it, replacing the last
        one. (Not the panel's `emit_subgoal`: its token starts in the Planner's middle, over the word "Planner".)"""
        new = token(name, PALETTE.planner, SIZE.small).move_to(self.panel.subgoal_slot())
        start = new.copy().scale(0.5).move_to(self.subgoal_arrow.get_start()).set_opacity(0)
        anims = [ReplacementTransform(start, new, run_time=run_time)]
        if self.panel.current_goal is not None:
            anims.append(FadeOut(self.panel.current_goal, run_time=run_time * 0.4))
        self.panel.current_goal = new
        return AnimationGroup(*anims)

    def show_goal(self, name: str) -> VGroup:
        """Put a sub-goal beside the down arrow at once (no travel): for when the Planner is not the subject."""
        new = token(name, PALETTE.planner, SIZE.small).move_to(self.panel.subgoal_slot())
        if self.panel.current_goal is None:
            self.panel.current_goal = new
        else:
            self.panel.current_goal.become(new)
        return self.panel.current_goal

    def pass_up(self) -> LaggedStart:
        """Two teal dots carry the Doer's state up the arrow into the Planner."""
        start, end = self.state_arrow.get_start(), self.state_arrow.get_end()
        dots = [Dot(start, radius=0.08, color=PALETTE.doer) for _ in range(2)]
        return LaggedStart(*[Succession(FadeIn(dot, run_time=0.1), dot.animate(run_time=0.5).move_to(end),
                                        FadeOut(dot, run_time=0.1)) for dot in dots], lag_ratio=0.5)

    def pass_down(self, tok: VGroup, run_time: float = MOTION.move) -> AnimationGroup:
        """The sub-goal on the down arrow goes into the Doer: a copy of its token slides into the Doer's box and is
        taken in (the model adds the sub-goal's embedding to the Doer's updates)."""
        copy = tok.copy().set_opacity(1).set_z_index(5)
        into = [self.subgoal_arrow.get_end()[0] - 0.5, self.doer.box.get_top()[1] - 0.3, 0]   # clear of "Doer"
        travel = run_time * 0.6
        # The glow starts by lag, not in a Succession: a Succession puts its later parts on screen from the start
        return AnimationGroup(Succession(copy.animate(run_time=travel).move_to(into).scale(0.6),
                                         FadeOut(copy, scale=0.5, run_time=run_time - travel)),
                              glow(self.doer.box, PALETTE.planner, run_time - travel), lag_ratio=0.6)

    def action_token(self, name: str) -> VGroup:
        return token(name, PALETTE.doer, SIZE.small).move_to(self.action_arrow.get_center() + LEFT * 1.3)

    def set_action(self, name: str, run_time: float):
        """The Doer's action replaces the last one beside the arrow down to the row."""
        new = self.action_token(name)
        if self.action is None:
            self.action = new
            return FadeIn(new, shift=DOWN * 0.2, run_time=run_time)
        old, self.action = self.action, new
        return FadeTransform(old, new, run_time=run_time)   # a cross-fade: morphing glyphs read as garbage


class DiagramScene(SegmentScene):
    """Segments 11-13 share the diagram over a recorded episode of the showcase layout, and the text column beside
    it; each opens on the frame the one before ended on."""

    def setup(self):
        super().setup()
        self.episode = self.recorded_episode()
        self.diagram = Diagram(self.episode["layout"])

    def showcase_episode(self) -> dict:
        """The trained model's own episode (the final snapshot): 11 takes its first step, 12 plays the rest."""
        return self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)

    def recorded_episode(self) -> dict:
        return self.showcase_episode()

    def role_captions(self) -> tuple:
        """Segment 11's column: what each module is for, level with it."""
        d = self.diagram
        what = text("what to do next", SIZE.label, PALETTE.planner)
        how = text("how to do it", SIZE.label, PALETTE.doer)
        what.move_to([d.side_x, d.planner.get_y(), 0], aligned_edge=LEFT)
        how.move_to([d.side_x, d.doer.get_y(), 0], aligned_edge=LEFT)
        return what, how

    def planner_column(self) -> tuple:
        """Segment 12's column: the Planner's bars level with it; what it hears level with the arrow up to it; what
        it never sees level with the red cross."""
        d = self.diagram
        bars = ProbBars(SUBGOALS, PALETTE.planner).move_to([d.side_x, d.planner.get_y(), 0], aligned_edge=LEFT)
        heard = text("only what the Doer passes up", SIZE.label, PALETTE.doer)   # the colour of the arrow up
        heard.move_to([d.side_x, d.gap_y, 0], aligned_edge=LEFT)
        never = text("the Planner never sees the row", SIZE.label, PALETTE.text)
        never.move_to([d.side_x, d.blocked.cross.get_y(), 0], aligned_edge=LEFT)
        return bars, heard, never

    def panel_parts(self) -> list:
        """The parts of the diagram that stay on screen from segment 11 on."""
        d = self.diagram
        return [d.planner, d.doer, d.subgoal_arrow, d.action_arrow, d.row_arrow, d.row_label]


# Section: segment 11

class PlannerDoer(DiagramScene):
    """Segment 10's two levels become the two modules over the row; the Planner decides the next sub-goal and
    passes it down into the Doer, whose action takes the episode's first recorded step."""
    segment = "11-planner-doer"

    def body(self):
        d = self.diagram
        first = self.episode["steps"][0]
        what, how = self.role_captions()
        pic = Levels().finished()
        self.add(*pic)

        # The two levels become our two modules, over the row they act in; the rest of 10's picture goes
        staying = (pic.top.box, pic.bottom.box)
        for level in (pic.top, pic.bottom):   # a box being transformed is drawn on top: keep its contents above it
            VGroup(level.brain, level.content).set_z_index(1)
        words = [m for module in (d.planner, d.doer) for m in (module.title, module.role)]
        self.play_until(self.cue("modules") + 0.3, AnimationGroup(
            AnimationGroup(*[FadeOut(m) for m in pic if m not in staying]),
            AnimationGroup(ReplacementTransform(pic.top.box, d.planner.box),
                           ReplacementTransform(pic.bottom.box, d.doer.box)),
            AnimationGroup(*[FadeIn(m) for m in words], FadeIn(d.track)), lag_ratio=0.5))

        # The Planner decides what to do next…
        self.play_until(self.cue("planner") + 0.3, glow(d.planner.box, PALETTE.planner))
        self.play_until(self.cue("decides") + 0.35, FadeIn(what, shift=LEFT * 0.2))
        self.play_until(self.cue("next") + 0.35, GrowArrow(d.subgoal_arrow), d.set_goal(first["subgoal"]))
        # …and passes that sub-goal down into the Doer
        self.wait_until_time(self.cue("next") + 0.5)
        self.play_until(self.cue("doer") + 0.1, d.pass_down(d.panel.current_goal, self.cue("doer") + 0.1 - self.now))

        # The Doer, which reads the row, works out how: the first recorded action, taken on the row
        self.play_until(self.cue("doer") + 0.6, GrowArrow(d.row_arrow), FadeIn(d.row_label),
                        GrowArrow(d.action_arrow), FadeIn(how, shift=LEFT * 0.2))
        self.play_until(min(self.cue("it") + 0.2, self.length - 0.1),
                        d.set_action(first["action"], MOTION.fade), d.track.step(first, MOTION.step))


# Section: segment 12

class PlannerRole(DiagramScene):
    """The episode of segment 11 goes on: the Planner's real sub-goals, changing exactly at the steps where they
    changed, with its probabilities; then what it never sees (the row, crossed out) and the only thing it hears:
    the Doer's state, passed up."""
    segment = "12-planner-role"

    def body(self):
        d = self.diagram
        steps = self.episode["steps"]
        roles = self.open_on_segment_11(steps[0])
        bars, heard, never = self.planner_column()
        for row in bars.rows:
            row[3].set_opacity(0)   # no values before the first decision

        # The Planner holds the eye: 11's captions and the Doer's action step back
        self.play_until(self.cue("planner") + 0.3, *[FadeOut(m) for m in (*roles, d.action)],
                        d.fade_module(d.doer), glow(d.planner.box, PALETTE.planner))
        self.play_until(self.cue("sub_goals") + 0.5, LaggedStart(*[FadeIn(row[:3], shift=LEFT * 0.2)
                                                                   for row in bars.rows], lag_ratio=0.3))

        # The rest of the episode, one run of steps per sub-goal; each run starts as the voice names its sub-goal
        spoken = {"go_to_key": self.cue("go_to_key"), "go_to_door": self.cue("go_to_door"),
                  "open_door": self.cue("open_door")}
        runs = goal_runs(steps[1:])   # segment 11 took the first step
        anchors = [spoken[goal] - 0.15 for goal, _ in runs] + [self.cue("never") - 0.3]
        shown = steps[0]["subgoal"]
        for (goal, run), start, next_start in zip(runs, anchors, anchors[1:]):
            self.wait_until_time(start)
            per = self.whole_frames(min(MOTION.step, max(0.12, (next_start - start) / len(run))))
            glide = rate_functions.linear if per < MOTION.step * 0.75 else rate_functions.smooth
            for i, step in enumerate(run):
                anims = [d.track.step(step, per, rate_func=glide), bars.set(step["planner_probs"])]
                if i == 0:   # the run's sub-goal: a new one comes down; the one 11 left there lights up
                    anims.append(d.set_goal(goal, per) if goal != shown else
                                 glow(d.panel.current_goal[0], PALETTE.text, per))
                    shown = goal
                self.play(*anims, run_time=per)

        # It never sees the row: a way from the row up to the Planner, crossed out
        self.wait_until_time(self.cue("never") - 0.15)
        self.play_until(self.cue("never") + 0.5, Create(d.blocked.arrow))
        self.play_until(self.cue("row") + 0.3, FadeIn(d.blocked.cross, scale=1.5), FadeIn(never, shift=RIGHT * 0.2),
                        glow(d.track.cells, PALETTE.text, 0.8))
        # …only what the Doer passes up: the arrow from the Doer appears, and its state travels up it
        self.wait_until_time(self.cue("only") - 0.15)
        self.play_until(self.cue("doer") + 0.1, FadeIn(heard, shift=RIGHT * 0.2), GrowArrow(d.state_arrow),
                        d.fade_module(d.doer, 1.0), d.blocked.animate.set_opacity(DIM), never.animate.set_opacity(DIM))
        self.play_until(min(self.cue("up") + 0.6, self.length - 0.1), d.pass_up(), glow(d.planner.box, PALETTE.doer))

    def open_on_segment_11(self, first: dict) -> tuple:
        """Segment 11's last frame: its first step taken, its sub-goal and action beside the arrows, its captions.
        Returns the captions."""
        d = self.diagram
        settle(d.track.step(first))
        d.show_goal(first["subgoal"])
        d.action = d.action_token(first["action"])
        roles = self.role_captions()
        self.add(*self.panel_parts(), d.track, d.panel.current_goal, d.action, *roles)
        return roles


def goal_runs(steps: list) -> list[tuple[str, list]]:
    """Consecutive steps under the same sub-goal, in order: [(go_to_key, [4 steps]), (go_to_door, […]), …]."""
    runs = []
    for step in steps:
        if runs and runs[-1][0] == step["subgoal"]:
            runs[-1][1].append(step)
        else:
            runs.append((step["subgoal"], [step]))
    return runs


# Section: segment 13

class DoerRole(DiagramScene):
    """The Doer acts on the sub-goal it is handed, shown with the recorded intervention on the showcase layout: a
    new episode starts on segment 12's diagram; the Doer follows the Planner's sub-goal for a step, is then told
    "go_to_door" from outside the model in place of the Planner's sub-goal and walks toward the door; released, it
    gets the Planner's sub-goal back and turns back to the key. Beside it, the measured share of such states in
    which the order sent the Doer toward the door."""
    segment = "13-doer-role"

    def recorded_episode(self) -> dict:
        return self.rec.showcase(self.rec.finals["hrm"]["intervention"], SHOWCASE)

    def body(self):
        d = self.diagram
        steps = self.episode["steps"]
        told = [i for i, step in enumerate(steps) if step["told"]]
        first, during, released = steps[told[0] - 1], steps[told[0]:told[-1] + 1], steps[told[-1] + 1]
        bars = ProbBars(ACTIONS, PALETTE.doer).move_to([d.side_x, d.doer.get_y(), 0], aligned_edge=LEFT)
        for row in bars.rows:
            row[3].set_opacity(0)   # no values before the first decision
        left_over = self.open_on_segment_12()

        # A new episode on the same layout: 12's column goes, the row is set up again, the Planner starts afresh
        self.play_until(MOTION.move, *[FadeOut(m) for m in left_over],
                        *[FadeIn(m) for m in (d.track.door, d.track.key, d.track.agent)])
        # The Doer thinks in actions: its four, each as the voice names it
        self.play_until(self.cue("left") - 0.1, glow(d.doer.box, PALETTE.doer, 1.0), d.set_goal(first["subgoal"]))
        own = d.panel.current_goal
        spoken = (self.cue("left"), self.cue("right"), self.cue("pick"), self.cue("open"))   # in ACTIONS order
        for row, at in zip(bars.rows, spoken):
            self.play_until(at + 0.3, FadeIn(row, shift=LEFT * 0.2))
        # …and follows its sub-goal: the Planner's, passed down, then the recorded step taken on it
        self.wait_until_time(self.cue("follows") - 0.1)
        self.play_until(self.cue("follows") + 0.5, d.pass_down(own))
        self.play_until(self.cue("told") - 0.1, *self.act(first, bars))

        # Told from outside: "go_to_door" slides in beside the arrow; the Planner's own sub-goal goes back into it
        order = self.order_token(self.rec.finals["hrm"]["intervention"]["subgoal"])
        self.play_until(self.cue("told") + 0.7, order.animate.shift(d.panel.subgoal_slot() - order[0].get_center()),
                        own.animate.move_to(d.planner.box).set_opacity(0))
        self.play_until(self.cue("told") + 1.3, d.pass_down(order[0]))
        # The Doer's answer to the order, before it moves: its bars swing to the door's side
        self.play_until(self.cue("told") + 1.6, *self.act(during[0], bars, move=False))
        follows = self.rec.summary["checks"]["override_follows"]
        # the probe's states: held-out, before the key, where obeying shows (going to the door is another step)
        result = VGroup(text(f"{pct(follows['mean'])} toward the door", SIZE.label, PALETTE.text),
                        text("new states, key behind or under the agent", SIZE.small, PALETTE.muted)
                        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        result.move_to([d.side_x, d.planner.get_y(), 0], aligned_edge=LEFT)
        spread = f"mean of {len(follows['values'])} runs, {pct(follows['min'])} to {pct(follows['max'])}"
        self.play_until(self.cue("told") + 2.1, FadeIn(result, shift=UP * 0.15), FadeIn(self.source(spread)))

        # It turns toward the door, one recorded step at a time
        door, start = self.cue("door"), self.cue("turns") - 0.05
        per = self.frame * math.ceil((door + 0.15 - start) / self.frame / len(during))   # they cover [door]
        at_door = min(len(during) - 1, int((door - start) // per))
        self.wait_until_time(start)
        for i, step in enumerate(during):
            anims = self.act(step, bars)
            if i == at_door:   # the door brightens as the voice says "door"
                anims.append(glow(d.track.cells[self.episode["layout"][2]], PALETTE.door))
            self.play(*anims, run_time=per)
        # Released: the Planner's own sub-goal goes back on the arrow and the agent turns back to the key
        d.show_goal(released["subgoal"]).move_to(d.planner.box).set_opacity(0)
        self.play_until(self.length - 0.1, FadeOut(order),
                        own.animate.move_to(d.panel.subgoal_slot()).set_opacity(1), *self.act(released, bars))

    def open_on_segment_12(self) -> list:
        """Segment 12's last frame: its episode played out (door open, agent gone), its column beside the diagram.
        Returns what only 12 needed, for this segment to clear."""
        d = self.diagram
        episode = self.showcase_episode()
        ended = d.track.copy()   # the row as 12 left it; this segment's own row (d.track) starts afresh
        for step in episode["steps"]:
            settle(ended.step(step))
        bars, heard, never = self.planner_column()
        settle(bars.set(episode["steps"][-1]["planner_probs"]))
        d.blocked.set_opacity(DIM)
        never.set_opacity(DIM)
        d.show_goal(episode["steps"][-1]["subgoal"])
        left_over = [bars, heard, never, d.blocked, ended.door, ended.key, ended.agent]
        self.add(*self.panel_parts(), d.state_arrow, d.track.cells, d.panel.current_goal, *left_over)
        return left_over

    def act(self, step: dict, bars: ProbBars, move: bool = True) -> list:
        """One recorded decision: the Doer's probabilities, its action and (unless `move` is off) the step on the
        row. Only call with `move` once per step: the track keeps the agent's position."""
        d = self.diagram
        anims = [bars.set(step["doer_probs"]), d.set_action(step["action"], MOTION.fade)]
        return anims + ([d.track.step(step, MOTION.step)] if move else [])

    def order_token(self, name: str) -> VGroup:
        """A sub-goal that comes from outside the model: the Planner's pill in a dashed white rim, tagged 'told' on
        its left, waiting beyond the left edge of the frame."""
        pill = token(name, PALETTE.planner, SIZE.small)
        rim = DashedVMobject(RoundedRectangle(width=pill.width + 0.2, height=pill.height + 0.2, corner_radius=0.28),
                             num_dashes=26).set_stroke(PALETTE.text, 3).move_to(pill)
        tag = text("told", SIZE.small, PALETTE.text).next_to(rim, LEFT, buff=0.12)
        order = VGroup(VGroup(pill, rim), tag).set_z_index(4)
        return order.move_to([-FRAME_W / 2 - order.width, self.diagram.subgoal_arrow.get_y(), 0])


class SizeComparison(SegmentScene):
    """Parameter counts on a log scale (a tick for every ×10): our measured model, HRM from its paper, and LLMs as
    an order of magnitude. (TRM's size waits for segment 16, where TRM is introduced.)"""
    segment = "14-hrm-vs-llm"
    bar_w = 7.8

    def body(self):
        paper = self.context.paper
        ours, hrm, llm = self.rec.summary["hrm"]["params"], paper["hrm_params"], paper["llm_params"]
        scale = log_scale(1, 1e10, self.bar_w)
        chart = bar_chart([("ours", ours, f"{ours:,}", PALETTE.key, "counted in our run"),
                           ("HRM", hrm["value"], count_label(hrm["value"]), PALETTE.planner, citation(hrm)),
                           ("LLMs", llm["value"], count_label(llm["value"]) + "+", PALETTE.llm, "order of magnitude")],
                          scale, gap=0.9)
        ours_row, hrm_row, llm_row = chart
        # "billions": the LLM bar fades on past 1B instead of stopping at one model's size
        beyond = Rectangle(width=scale(10 ** 9.6) - scale(1e9), height=llm_row.bar.height, stroke_width=0,
                           fill_opacity=1).set_fill([PALETTE.llm, PALETTE.background], 1)
        beyond.next_to(llm_row.bar, RIGHT, buff=0)
        llm_row.value.next_to(beyond, RIGHT, buff=0.2)
        llm_row.note.next_to(llm_row.value, RIGHT, buff=0.25)
        axis = self.log_axis(chart, scale)
        VGroup(chart, beyond, axis).move_to([0, (CONTENT_TOP + CONTENT_BOTTOM) / 2, 0])

        def grow(row):   # a row's name, bar, value and note (the citation) together
            return grow_bars(VGroup(row))

        self.play_until(self.cue("paper") + 0.2, FadeIn(axis))
        self.wait_until_time(self.cue("has") - 0.1)
        self.play_until(self.cue("parameters") + 0.2, grow(hrm_row))
        self.wait_until_time(self.cue("ours") - 0.1)
        self.play_until(self.cue("ours") + 1.2, grow(ours_row))
        self.wait_until_time(self.cue("large") - 0.1)
        self.play_until(self.cue("billions") + 0.6, grow(llm_row), GrowFromEdge(beyond, LEFT))

    def log_axis(self, chart: VGroup, scale) -> VGroup:
        """Grid lines at 1, 1k, 1M, 1B behind the bars, a tick at every power of ten, and a caption."""
        x0 = chart[0].bar.get_left()[0]
        top, bottom = chart.get_top()[1] + 0.15, chart.get_bottom()[1] - 0.2
        axis = VGroup(Line([x0, bottom, 0], [x0 + scale(10 ** 9.7), bottom, 0], stroke_color=PALETTE.muted,
                           stroke_width=2))
        for exponent in range(10):
            x = x0 + scale(10 ** exponent)
            if exponent % 3 == 0:
                axis.add(Line([x, bottom, 0], [x, top, 0], stroke_color=PALETTE.track, stroke_width=2),
                         text({0: "1", 3: "1k", 6: "1M", 9: "1B"}[exponent], SIZE.small, PALETTE.muted)
                         .next_to([x, bottom, 0], DOWN, buff=0.15))
            else:
                axis.add(Line([x, bottom, 0], [x, bottom + 0.12, 0], stroke_color=PALETTE.muted, stroke_width=2))
        axis.add(text("parameters, log scale: each tick ×10", SIZE.small, PALETTE.muted)
                 .next_to(axis, DOWN, buff=0.2).set_x(x0 + scale(10 ** 4.5)))
        return axis


class Tradeoff(SegmentScene):
    """A see-saw: a small model that zips through our task (a real recorded episode, played fast) against a big
    LLM that holds many kinds of task; the heavy side goes down."""
    segment = "15-tradeoff"
    tilt = 0.07

    def body(self):
        pivot = np.array([0, -1.6, 0])
        fulcrum = Polygon(pivot, pivot + [-0.7, -1.0, 0], pivot + [0.7, -1.0, 0], stroke_width=0,
                          fill_color=PALETTE.track, fill_opacity=1)   # quiet in both themes
        plank = RoundedRectangle(width=11.4, height=0.16, corner_radius=0.08, stroke_width=0,
                                 fill_color=PALETTE.muted, fill_opacity=1).move_to(pivot + UP * 0.08)
        small, episode_track = self.small_model()
        small.next_to(plank, UP, buff=0).set_x(-3.55)
        big, tasks = self.big_model()
        VGroup(big, tasks).next_to(plank, UP, buff=0).set_x(3.0)
        fast = VGroup(bolt(0.55), text("fast specialist", SIZE.label)).arrange(RIGHT, buff=0.2)
        fast.next_to(small, UP, buff=0.35)
        heavy = VGroup(weight(0.55), text("heavy generalist", SIZE.label)).arrange(RIGHT, buff=0.2)
        heavy.next_to(big, UP, buff=0.35)

        # The tradeoff: two models on one beam
        self.play_until(self.cue("tradeoff") + 0.5, FadeIn(VGroup(fulcrum, plank)),
                        FadeIn(small, shift=DOWN * 0.4), FadeIn(big, shift=DOWN * 0.4))
        # Small and fast, at one task: the trained model's own episode, replayed quickly
        self.wait_until_time(self.cue("small") - 0.1)
        self.play(FadeIn(fast, shift=DOWN * 0.2), run_time=self.whole_frames(MOTION.fade))
        steps = self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)["steps"]
        per = self.whole_frames(min(0.15, (self.cue("while") - self.now) / len(steps)))
        for step in steps:
            self.play(episode_track.step(step, per), run_time=per)
        # Large and general: many kinds of task, and the weight that comes with them
        self.play_until(self.cue("heavy") - 0.1, LaggedStart(*[FadeIn(t, scale=0.6) for t in tasks], lag_ratio=0.25))
        on_beam = VGroup(plank, small, big, tasks)
        self.play_until(min(self.cue("generalists") + 0.8, self.length - 0.1), FadeIn(heavy, shift=DOWN * 0.2),
                        Rotate(on_beam, angle=-self.tilt, about_point=pivot),
                        fast.animate.shift(self.beam_shift(fast, pivot)),
                        heavy.animate.shift(self.beam_shift(heavy, pivot) + DOWN * 0.2))

    def beam_shift(self, mob, pivot) -> np.ndarray:
        """How far a label above the beam moves when the beam tilts (it stays upright)."""
        dx = mob.get_x() - pivot[0]
        return np.array([0, -dx * math.sin(self.tilt), 0])

    def small_model(self) -> tuple[VGroup, WorldTrack]:
        """The small model's card: its name over its one task, the row."""
        name = text("small model", SIZE.label, PALETTE.planner)
        track = mini_track(self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)["layout"], 0.34)
        content = VGroup(name, track).arrange(DOWN, buff=0.35)
        card = RoundedRectangle(width=content.width + 0.6, height=content.height + 0.7, corner_radius=0.25,
                                stroke_color=PALETTE.planner, stroke_width=4, fill_color=PALETTE.panel,
                                fill_opacity=1).move_to(content)
        return VGroup(card, name, track), track

    def big_model(self) -> tuple[VGroup, VGroup]:
        """The LLM block, and apart from it (they arrive later) the tiles of the kinds of task it takes on."""
        block = RoundedRectangle(width=5.0, height=3.3, corner_radius=0.3, stroke_color=PALETTE.llm,
                                 stroke_width=4, fill_color=PALETTE.panel, fill_opacity=1)
        name = text("LLM", SIZE.heading, PALETTE.llm, weight="BOLD")
        # Kinds of task, as glyphs: writing, code, arithmetic, questions (generic, no claim of skill)
        tasks = VGroup(*[VGroup(RoundedRectangle(width=1.0, height=0.8, corner_radius=0.15, stroke_width=2,
                                                 stroke_color=PALETTE.llm, fill_opacity=0),
                                mono(glyph, SIZE.small, PALETTE.text))
                         for glyph in ("Aa", "</>", "2+2", "?")]).arrange(RIGHT, buff=0.2)
        for tile in tasks:
            tile[1].move_to(tile[0])
        VGroup(name, tasks).arrange(DOWN, buff=0.45).move_to(block)
        return VGroup(block, name), tasks


class TrmEvolution(SegmentScene):
    """HRM's two modules fold into TRM's one network that loops on itself (paper sizes, cited), a dot running round
    its loop to the end; the papers' ARC-AGI-1 scores, where TRM is ahead; then our own measured runs, the mean over
    seeds with every run as a ring, where TRM is ahead too."""
    segment = "16-trm-evolution"

    def body(self):
        paper = self.context.paper
        summary = self.rec.summary
        hrm, trm, top_y = self.hrm_stack(), self.trm_box(), 1.85
        hrm.move_to([-2.4, top_y, 0])
        trm.move_to([2.7, top_y, 0])
        arrow = Arrow(hrm.get_right(), trm.box.get_left(), buff=0.4, color=PALETTE.muted, stroke_width=6)
        hrm_name = text("HRM", SIZE.heading, PALETTE.planner, weight="BOLD").next_to(hrm, LEFT, buff=0.4)
        hrm_size = self.size_note(paper["hrm_params"]).next_to(hrm, DOWN, buff=0.3)
        trm_size = self.size_note(paper["trm_params"]).next_to(trm.box, DOWN, buff=0.3).set_y(hrm_size.get_y())

        # HRM: two modules…
        self.play_until(self.cue("paper") + 0.3, FadeIn(hrm), FadeIn(hrm_name), FadeIn(hrm_size))
        # …shrunk to one tiny network that runs again on its own output
        halves = [module[0].copy() for module in hrm.modules]
        self.play_until(self.cue("tiny") + 0.1, GrowArrow(arrow),
                        *[Transform(half, trm.box.copy(), path_arc=-0.4) for half in halves])
        self.remove(*halves)
        self.add(trm.box)
        self.play_until(self.cue("of") + 0.1, FadeIn(trm.label), Create(trm.loop))
        runner = Dot(trm.loop.get_start(), radius=0.1, color=PALETTE.text)
        self.run_round(runner, trm.path)
        self.add(runner)
        self.play_until(self.cue("parameters") + 0.3, FadeIn(trm_size, shift=UP * 0.15))

        # The papers: TRM scored higher on ARC-AGI-1
        reported = score_rows([("HRM", None, paper["hrm_arc_agi_1"]["value"] / 100,
                                f"{paper['hrm_arc_agi_1']['value']:g} %", PALETTE.planner),
                               ("TRM", None, paper["trm_arc_agi_1"]["value"] / 100,
                                f"{paper['trm_arc_agi_1']['value']:g} %", TRM_COLORS)], bar_w=2.6)
        spread = {model: summary["spread"][model]["heldout_success"] for model in ("hrm", "trm")}
        ours = score_rows([("HRM", f"{summary['hrm']['params']:,} params", spread["hrm"]["mean"],
                            pct(spread["hrm"]["mean"]), PALETTE.planner, spread["hrm"]["values"]),
                           ("TRM", f"{summary['trm']['params']:,} params", spread["trm"]["mean"],
                            pct(spread["trm"]["mean"]), TRM_COLORS, spread["trm"]["values"])], bar_w=2.6)
        for rows in (reported, ours):
            rows[1].bar.set_sheen_direction(RIGHT)
        left = VGroup(text("ARC-AGI-1, in the papers", SIZE.small, PALETTE.muted), reported)
        runs = len(spread["hrm"]["values"])
        right = VGroup(text(f"our key→door runs: mean of {runs}, ○ one run", SIZE.small, PALETTE.muted), ours)
        for block in (left, right):
            block.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        VGroup(left, right).arrange(RIGHT, buff=1.2, aligned_edge=UP).move_to([0, -1.6, 0])
        self.wait_until_time(self.cue("scored") - 0.2)
        self.play_until(self.cue("higher") + 0.4, FadeIn(left[0]), *grow_row(reported[0]), *grow_row(reported[1]))

        # Our runs, each bar the mean over the seeds and each ring one seed: the rows in the papers' order, filled
        # in the order the voice names them (TRM, then our HRM)
        self.wait_until_time(self.cue("our") - 0.1)
        self.play_until(self.cue("our") + 0.6, FadeIn(right[0]), *[FadeIn(VGroup(row.label, row.full)) for row in ours],
                        FadeIn(self.source(f"held-out layouts, n = {summary['n_heldout']} per run")))
        self.wait_until_time(self.cue("solved") - 0.2)
        self.play_until(self.cue("solved") + 0.8, *fill_row(ours[1]))
        self.wait_until_time(self.cue("hrm") - 0.1)
        self.play_until(min(self.cue("hrm_score") + 0.6, self.length - 0.1), *fill_row(ours[0]))

    def hrm_stack(self) -> VGroup:
        """HRM in miniature: H over L with a sub-goal going down and the state going up."""
        h = self.mini_box("H", PALETTE.planner)
        low = self.mini_box("L", PALETTE.doer).next_to(h, DOWN, buff=0.55)
        down = Arrow(h.get_bottom() + LEFT * 0.35, low.get_top() + LEFT * 0.35, buff=0.05, color=PALETTE.planner,
                     stroke_width=4, max_tip_length_to_length_ratio=0.35)
        up = Arrow(low.get_top() + RIGHT * 0.35, h.get_bottom() + RIGHT * 0.35, buff=0.05, color=PALETTE.doer,
                   stroke_width=4, max_tip_length_to_length_ratio=0.35)
        stack = VGroup(h, low, down, up)
        stack.modules = VGroup(h, low)
        return stack

    @staticmethod
    def mini_box(letter: str, color) -> VGroup:
        box = RoundedRectangle(width=2.0, height=0.8, corner_radius=0.18, stroke_color=color, stroke_width=4,
                               fill_color=PALETTE.panel, fill_opacity=1)
        return VGroup(box, text(letter, SIZE.label, color, weight="BOLD").move_to(box))

    def trm_box(self) -> VGroup:
        """One network whose output goes back into it: a box with a loop on its right side."""
        box = RoundedRectangle(width=2.0, height=1.2, corner_radius=0.2, stroke_width=4, fill_color=PALETTE.panel,
                               fill_opacity=1).set_stroke(TRM_COLORS).set_sheen_direction(RIGHT)
        label = text("TRM", SIZE.heading, weight="BOLD").set_color_by_gradient(*TRM_COLORS).move_to(box)
        loop = Arc(radius=0.55, start_angle=PI * 0.75, angle=-PI * 1.5, stroke_color=PALETTE.doer, stroke_width=4)
        loop.move_to(box.get_right() + RIGHT * 0.5)
        path = loop.copy()   # the bare arc, for the dot that runs round it
        loop.add_tip(tip_length=0.2, tip_width=0.2)
        group = VGroup(box, label, loop, path)   # never added whole: `path` is only a guide
        group.box, group.label, group.loop, group.path = box, label, loop, path
        return group

    @staticmethod
    def size_note(fact: dict) -> VGroup:
        return VGroup(text(f"{count_label(fact['value'])} parameters", SIZE.small, PALETTE.text),
                      text(citation(fact), SIZE.small, PALETTE.muted)).arrange(DOWN, buff=0.1)

    @staticmethod
    def run_round(dot: Dot, path: Arc) -> None:
        """Keep `dot` running round `path` (one lap a second) until its updater is cleared. With reduced motion it
        waits at the loop's start: travel is what reduced motion takes away."""
        if MOTION.reduced:
            return
        state = {"t": 0.0}

        def run(mob, dt):
            state["t"] = (state["t"] + dt) % 1.0
            mob.move_to(path.point_from_proportion(state["t"]))

        dot.add_updater(run)
