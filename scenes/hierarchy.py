"""Part 3, hierarchical models (segments 10-16): why levels help, our Planner and Doer at work in a recorded
episode, the Doer told to go to the door before it has the key (the recorded intervention), how small these models
are, and how TRM folded the two modules into one."""
from __future__ import annotations

import math

import numpy as np
from manim import (DOWN, LEFT, PI, RIGHT, UP, AnimationGroup, Arc, Arrow, Circle, Create, DashedVMobject,
                   Dot, FadeIn, FadeOut, FadeTransform, GrowArrow, GrowFromCenter, GrowFromEdge, LaggedStart, Line,
                   Polygon, Rectangle, ReplacementTransform, Rotate, RoundedRectangle, Succession, Transform, VGroup,
                   VMobject)

from core.recordings import citation
from scenes.charts import bar_chart, grow_bars, log_scale, run_rings
from scenes.icons import Door, brain, red_cross
from scenes.panel import ACTIONS, SUBGOALS, HrmPanel, ProbBars, token
from scenes.segment import SHOWCASE, SegmentScene
from scenes.style import CONTENT_BOTTOM, CONTENT_TOP, FRAME_W, MOTION, PALETTE, SIZE, mono, pct, text
from scenes.track import WorldTrack

PANEL_X = -2.7          # the Planner/Doer diagram of segments 11-13 sits left; its right side is for charts
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


# Section: the Planner/Doer diagram shared by segments 11-13

class Diagram(VGroup):
    """The HRM panel over the row, laid out so that everything flowing between levels is symmetric: tokens go down
    on the left (sub-goal from the Planner, action from the Doer), information goes up on the right (z_L from the
    Doer, the row into the Doer). A dashed arrow from the row to the Planner is crossed out: H never sees the input."""

    def __init__(self, layout: list[int]):
        super().__init__()
        self.panel = HrmPanel(gap=1.0)
        box = self.panel.planner.box
        self.panel.shift([PANEL_X - box.get_x(), CONTENT_TOP - 0.1 - box.get_top()[1], 0])
        self.planner, self.doer = self.panel.planner, self.panel.doer
        self.subgoal_arrow, self.state_arrow = self.panel.down_arrow, self.panel.up_arrow
        self.state_label = mono("z_L", SIZE.small, PALETTE.doer).next_to(self.state_arrow, RIGHT, buff=0.15)

        doer_bottom = self.doer.box.get_bottom()
        self.track = WorldTrack(layout, cell=0.5, numbers=False, chip=False)
        self.track.move_to(doer_bottom + DOWN * 1.25, aligned_edge=UP).set_x(PANEL_X)
        top = self.track.cells.get_top()[1] + 0.05
        self.action_arrow = Arrow(doer_bottom + LEFT * 0.9, [doer_bottom[0] - 0.9, top, 0], buff=0.05,
                                  color=PALETTE.doer, stroke_width=5)
        self.row_arrow = Arrow([doer_bottom[0] + 0.9, top, 0], doer_bottom + RIGHT * 0.9, buff=0.05,
                               color=PALETTE.muted, stroke_width=5)
        self.row_label = text("the row", SIZE.small, PALETTE.muted).next_to(self.row_arrow, RIGHT, buff=0.15)
        self.blocked = self._blocked_input()
        self.side_x = self.blocked.arrow.get_right()[0] + 0.5   # where text and charts beside the diagram start
        self.add(self.panel.planner, self.panel.doer, self.subgoal_arrow, self.state_arrow, self.state_label,
                 self.track, self.action_arrow, self.row_arrow, self.row_label, self.blocked)
        self.action: VGroup | None = None

    def _blocked_input(self) -> VGroup:
        """A dashed arrow from the row's right end up to the Planner, with a red cross on it."""
        x = max(self.track.cells.get_right()[0], self.doer.box.get_right()[0]) + 0.4
        track_y, planner_y = self.track.cells.get_y(), self.planner.box.get_y()
        end = self.planner.box.get_right() + RIGHT * 0.08
        path = VMobject().set_points_as_corners([self.track.cells.get_right() + RIGHT * 0.08, [x, track_y, 0],
                                                 [x, planner_y, 0], end])
        dashes = DashedVMobject(path, num_dashes=34, dashed_ratio=0.55).set_stroke(PALETTE.muted, 3)
        tip = Polygon(end, end + RIGHT * 0.22 + UP * 0.12, end + RIGHT * 0.22 + DOWN * 0.12, stroke_width=0,
                      fill_color=PALETTE.muted, fill_opacity=1)
        gap_y = (self.planner.box.get_bottom()[1] + self.doer.box.get_top()[1]) / 2
        cross = red_cross(0.5).move_to([x, gap_y, 0])
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

    def set_goal(self, name: str, run_time: float = MOTION.move):
        """The Planner's sub-goal appears in it and settles beside the down arrow, replacing the last one."""
        return self.panel.emit_subgoal(name, run_time)

    def show_goal(self, name: str) -> VGroup:
        """Put a sub-goal beside the down arrow at once (no travel): for when the Planner is not the subject."""
        new = token(name, PALETTE.planner, SIZE.small).move_to(self.panel.subgoal_slot())
        if self.panel.current_goal is None:
            self.panel.current_goal = new
        else:
            self.panel.current_goal.become(new)
        return self.panel.current_goal

    def pass_up(self) -> LaggedStart:
        """Two teal dots carry z_L from the Doer up the arrow into the Planner."""
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

    def set_action(self, name: str, run_time: float):
        """The Doer's action replaces the last one beside the arrow down to the row."""
        new = token(name, PALETTE.doer, SIZE.small).move_to(self.action_arrow.get_center() + LEFT * 1.3)
        if self.action is None:
            self.action = new
            return FadeIn(new, shift=DOWN * 0.2, run_time=run_time)
        old, self.action = self.action, new
        return FadeTransform(old, new, run_time=run_time)   # a cross-fade: morphing glyphs read as garbage


class DiagramScene(SegmentScene):
    """Segments 11-13 share the diagram over a recorded episode of the showcase layout."""

    def setup(self):
        super().setup()
        self.episode = self.recorded_episode()
        self.diagram = Diagram(self.episode["layout"])

    def recorded_episode(self) -> dict:
        """The trained model's own episode (the final snapshot)."""
        return self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)


# Section: segment 10

class WhyHierarchy(SegmentScene):
    """One task, two ways: a single level juggling every sub-goal and action at once, and two levels where the
    task splits into sub-goals above and actions below."""
    segment = "10-hierarchy-why"

    def body(self):
        task = self.task_card()
        goals = even_pills([token(g, PALETTE.planner, SIZE.small) for g in SUBGOALS])
        actions = even_pills([token(a, PALETTE.doer, SIZE.small) for a in ACTIONS])
        width = max(VGroup(*goals).arrange(RIGHT, buff=0.18).width, VGroup(*actions).arrange(RIGHT).width) + 1.4
        top = self.level_box(PALETTE.planner, VGroup(*[g.copy() for g in goals]), width)
        bottom = self.level_box(PALETTE.doer, VGroup(*[a.copy() for a in actions]), width)
        levels = VGroup(top, bottom).arrange(DOWN, buff=0.4)
        one_box = RoundedRectangle(width=4.6, height=levels.height, corner_radius=0.3, stroke_color=PALETTE.muted,
                                   stroke_width=3, fill_color=PALETTE.panel, fill_opacity=1)
        VGroup(one_box, levels).arrange(RIGHT, buff=0.7).move_to([0, -0.75, 0])
        one_brain = brain(2.2, PALETTE.panel_edge).move_to(one_box)
        captions = VGroup(text("one level", SIZE.small, PALETTE.muted).next_to(one_box, UP, buff=0.2),
                          text("two levels", SIZE.small, PALETTE.muted).next_to(levels, UP, buff=0.2))
        forks = VGroup(*[Arrow(task.get_bottom(), c.get_top(), buff=0.15, color=PALETTE.panel_edge, stroke_width=4)
                         for c in captions])

        # The task, and the two ways of holding it
        self.play_until(self.cue("hierarchy") + 0.4, FadeIn(task, shift=DOWN * 0.2),
                        FadeIn(VGroup(one_box, one_brain, top.frame, bottom.frame, captions)),
                        LaggedStart(*[GrowArrow(f) for f in forks], lag_ratio=0.3))

        # One level: everything lands in the same place, in no order
        jumble = self.jumbled(goals + actions, one_box)
        self.play_until(self.cue("break") + 0.2, LaggedStart(
            *[self.fly(task, spot) for spot in jumble], lag_ratio=0.12))

        # Two levels: the task breaks into sub-goals above…
        self.play_until(self.cue("sub_tasks") + 0.5, LaggedStart(
            *[self.fly(task, target) for target in top.content], lag_ratio=0.3))
        # …and actions below, each level with its own part
        self.play_until(self.cue("focus") + 0.2, LaggedStart(
            *[self.fly(task, target) for target in bottom.content], lag_ratio=0.2))
        self.play_until(self.cue("part") + 0.5, glow(top.box, PALETTE.planner, 1.0),
                        glow(bottom.box, PALETTE.doer, 1.0), VGroup(*jumble).animate.set_opacity(0.4))

    def task_card(self) -> VGroup:
        door = Door(0.6)
        label = text("open the door", SIZE.label)
        content = VGroup(door, label).arrange(RIGHT, buff=0.3)
        card = RoundedRectangle(width=content.width + 0.6, height=content.height + 0.4, corner_radius=0.2,
                                stroke_color=PALETTE.door, stroke_width=3, fill_color=PALETTE.panel,
                                fill_opacity=1).move_to(content)
        return VGroup(card, content).move_to([0, CONTENT_TOP - 0.45, 0])

    def level_box(self, color: str, content: VGroup, width: float) -> VGroup:
        """One level: a box with its own small brain, and spots for its tokens (targets only: the tokens that
        fly there are copies). `.frame` is what is drawn before the tokens arrive."""
        box = RoundedRectangle(width=width, height=1.45, corner_radius=0.25, stroke_color=color, stroke_width=4,
                               fill_color=PALETTE.panel, fill_opacity=1)
        small_brain = brain(0.75, color).move_to(box.get_left() + RIGHT * 0.65)
        content.arrange(RIGHT, buff=0.18).move_to(box).shift(RIGHT * 0.5)
        level = VGroup(box, small_brain, content)
        level.box, level.frame, level.content = box, VGroup(box, small_brain), content
        return level

    def jumbled(self, tokens: list, box) -> list:
        """The tokens placed inside `box` on a shuffled, jittered grid with small tilts (seeded): no order."""
        spots = [(c, r) for c in range(2) for r in range(4)]
        self.rng.shuffle(spots)
        placed = []
        for tok, (c, r) in zip(tokens, spots):
            x = (c - 0.5) * box.width * 0.46 + self.rng.uniform(-0.2, 0.2)
            y = (1.5 - r) * box.height * 0.21 + self.rng.uniform(-0.05, 0.05)
            placed.append(tok.copy().rotate(self.rng.uniform(-0.3, 0.3)).move_to(box.get_center() + [x, y, 0]))
        return placed

    def fly(self, source, target):
        """A copy of `target` grows out of the task card and lands where `target` is."""
        start = target.copy().scale(0.3).move_to(source).set_opacity(0)
        return ReplacementTransform(start, target, path_arc=-0.5, run_time=MOTION.move)


# Section: segment 11

class PlannerDoer(DiagramScene):
    """The diagram built up as the voice speaks: two modules, the row feeding only the Doer, z_L passed up, the
    Planner's sub-goal passed down into the Doer, the Doer's action taking the first real step."""
    segment = "11-planner-doer"

    def body(self):
        d = self.diagram
        first = self.episode["steps"][0]
        what = text("what to do next", SIZE.label, PALETTE.planner)
        how = text("how to do it", SIZE.label, PALETTE.doer)
        what.move_to([d.side_x, d.planner.get_y(), 0], aligned_edge=LEFT)
        how.move_to([d.side_x, d.doer.get_y(), 0], aligned_edge=LEFT)

        # Two modules, over the row they act in
        self.play_until(self.cue("modules") + 0.3, FadeIn(d.track),
                        LaggedStart(GrowFromCenter(d.planner), GrowFromCenter(d.doer), lag_ratio=0.4))
        # Only the Doer reads the row; the way to the Planner is crossed out
        self.play_until(self.cue("planner") - 0.05, GrowArrow(d.row_arrow), FadeIn(d.row_label),
                        Create(d.blocked.arrow))
        self.play_until(self.cue("planner") + 0.25, FadeIn(d.blocked.cross, scale=1.5))

        # The Planner hears the Doer's state and decides what to do next
        self.play_until(self.cue("decides") + 0.1, GrowArrow(d.state_arrow), FadeIn(d.state_label),
                        d.planner.pulse(PALETTE.planner))
        self.play_until(self.cue("next") + 0.35, GrowArrow(d.subgoal_arrow), d.set_goal(first["subgoal"]),
                        FadeIn(what, shift=LEFT * 0.2))
        # …and passes that sub-goal down into the Doer
        self.wait_until_time(self.cue("next") + 0.5)
        self.play_until(self.cue("doer") + 0.1, d.pass_down(d.panel.current_goal, self.cue("doer") + 0.1 - self.now))

        # The Doer works out how: the first recorded action, taken on the row
        self.play_until(self.cue("doer") + 0.6, GrowArrow(d.action_arrow), FadeIn(how, shift=LEFT * 0.2))
        self.play_until(min(self.cue("it") + 0.2, self.length - 0.1),
                        d.set_action(first["action"], MOTION.fade), d.track.step(first, MOTION.step))


class PlannerRole(DiagramScene):
    """The Planner's real sub-goals over the recorded episode, changing exactly at the steps where they changed,
    with its probabilities; then the crossed-out input and the only thing it does hear: z_L from the Doer."""
    segment = "12-planner-role"

    def body(self):
        d = self.diagram
        bars = ProbBars(SUBGOALS, PALETTE.planner)
        bars.move_to([d.side_x, d.planner.get_y(), 0], aligned_edge=LEFT)
        caption = text("never sees the row", SIZE.label, PALETTE.text)
        caption.move_to([d.side_x, d.blocked.cross.get_y(), 0], aligned_edge=LEFT)
        self.add(d)
        for row in bars.rows:
            row[3].set_opacity(0)   # no values before the first decision
        self.play_until(self.cue("planner") + 0.3, d.fade_module(d.doer), glow(d.planner.box, PALETTE.planner))
        self.play_until(self.cue("sub_goals") + 0.5, LaggedStart(*[FadeIn(row[:3], shift=LEFT * 0.2)
                                                                   for row in bars.rows], lag_ratio=0.3))

        # The episode, one run of steps per sub-goal; each run starts as the voice names its sub-goal
        spoken = {"go_to_key": self.cue("go_to_key"), "go_to_door": self.cue("go_to_door"),
                  "open_door": self.cue("open_door")}
        runs = goal_runs(self.episode["steps"])
        anchors = [spoken[goal] - 0.15 for goal, _ in runs] + [self.cue("never") - 0.3]
        for (goal, steps), start, next_start in zip(runs, anchors, anchors[1:]):
            self.wait_until_time(start)
            per = self.whole_frames(min(MOTION.step, max(0.2, (next_start - start) / len(steps))))
            for i, step in enumerate(steps):
                anims = [d.track.step(step, per), bars.set(step["planner_probs"])]
                if i == 0:
                    anims.append(d.set_goal(goal, per))
                self.play(*anims, run_time=per)

        # It never sees the row…
        self.wait_until_time(self.cue("never") - 0.15)
        self.play_until(self.cue("row") + 0.3, FadeIn(caption, shift=RIGHT * 0.2),
                        d.blocked.cross.animate.scale(1.4), glow(d.track.cells, PALETTE.text, 1.0))
        # …only what the Doer passes up
        self.wait_until_time(self.cue("only") - 0.15)
        self.play_until(self.cue("doer") + 0.1, FadeTransform(caption, text(
            "only what the Doer passes up", SIZE.label, PALETTE.text).move_to(caption, aligned_edge=LEFT)),
                        d.blocked.cross.animate.scale(1 / 1.4), d.fade_module(d.doer, 1.0))
        self.play_until(min(self.cue("up") + 0.6, self.length - 0.1), d.pass_up(), d.state_label.animate.scale(1.3),
                        glow(d.planner.box, PALETTE.doer))


def goal_runs(steps: list) -> list[tuple[str, list]]:
    """Consecutive steps under the same sub-goal, in order: [(go_to_key, [4 steps]), (go_to_door, […]), …]."""
    runs = []
    for step in steps:
        if runs and runs[-1][0] == step["subgoal"]:
            runs[-1][1].append(step)
        else:
            runs.append((step["subgoal"], [step]))
    return runs


class DoerRole(DiagramScene):
    """The Doer acts on the sub-goal it is handed, shown with the recorded intervention on the showcase layout: it
    follows the Planner's sub-goal for a step, is then told "go_to_door" from outside the model in place of the
    Planner's sub-goal and walks toward the door; released, it gets the Planner's sub-goal back and turns back to the
    key. Beside it, the measured share of states in which such an order changed the Doer's action."""
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
        own = d.show_goal(first["subgoal"])
        self.add(d, own)

        # The Doer thinks in actions: its four, one by one as the voice lists them
        # (the script has no marks on the four words: they fill the ~2.5 s before [follows])
        self.play_until(max(self.cue("follows") - 2.6, MOTION.move), glow(d.doer.box, PALETTE.doer))
        self.play_until(self.cue("follows") - 0.3,
                        LaggedStart(*[FadeIn(row, shift=LEFT * 0.2) for row in bars.rows], lag_ratio=0.6))
        # …and follows its sub-goal: the Planner's, passed down, then the recorded step taken on it
        self.play_until(self.cue("follows") + 0.5, d.pass_down(own))
        self.play_until(self.cue("told") - 0.1, *self.act(first, bars))

        # Told from outside: "go_to_door" slides in onto the arrow; the Planner's own sub-goal goes back into it
        order = self.order_token(self.rec.finals["hrm"]["intervention"]["subgoal"])
        onto_arrow = d.subgoal_arrow.get_center() - order[0].get_center()
        self.play_until(self.cue("told") + 0.7, order.animate.shift(onto_arrow),
                        own.animate.move_to(d.planner.box).set_opacity(0))
        self.play_until(self.cue("told") + 1.3, d.pass_down(order[0]))
        # The Doer's answer to the order, before it moves: its bars swing to the door's side
        self.play_until(self.cue("told") + 1.6, *self.act(during[0], bars, move=False))
        follows = self.rec.summary["checks"]["override_follows"]
        result = VGroup(text("told “go_to_door” before the key, the Doer", SIZE.small, PALETTE.text),
                        text(f"stepped toward the door in {pct(follows['mean'])} of states", SIZE.small,
                             PALETTE.text)).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        result.move_to([d.side_x, d.planner.get_y(), 0], aligned_edge=LEFT)
        self.play_until(self.cue("told") + 2.1, FadeIn(result, shift=UP * 0.15), FadeIn(self.source(
            f"mean of {len(follows['values'])} runs · held-out states without the key where the two sub-goals "
            f"mean different steps")))

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

    def act(self, step: dict, bars: ProbBars, move: bool = True) -> list:
        """One recorded decision: the Doer's probabilities, its action and (unless `move` is off) the step on the
        row. Only call with `move` once per step: the track keeps the agent's position."""
        d = self.diagram
        anims = [bars.set(step["doer_probs"]), d.set_action(step["action"], MOTION.fade)]
        return anims + ([d.track.step(step, MOTION.step)] if move else [])

    def order_token(self, name: str) -> VGroup:
        """A sub-goal that comes from outside the model: the Planner's pill in a dashed white rim, tagged 'told',
        waiting beyond the left edge of the frame."""
        pill = token(name, PALETTE.planner, SIZE.small)
        rim = DashedVMobject(RoundedRectangle(width=pill.width + 0.2, height=pill.height + 0.2, corner_radius=0.28),
                             num_dashes=26).set_stroke(PALETTE.text, 3).move_to(pill)
        tag = text("told", SIZE.small, PALETTE.text).next_to(rim, RIGHT, buff=0.12)
        order = VGroup(VGroup(pill, rim), tag).set_z_index(4)
        return order.move_to([-FRAME_W / 2 - order.width, self.diagram.subgoal_arrow.get_y(), 0])


class SizeComparison(SegmentScene):
    """Parameter counts on a log scale (each grid mark ×1000): our measured model, TRM and HRM from their papers,
    and LLMs as an order of magnitude."""
    segment = "14-hrm-vs-llm"
    bar_w = 7.2

    def body(self):
        paper = self.context.paper
        ours = self.rec.summary["hrm"]["params"]
        scale = log_scale(1, 1e10, self.bar_w)
        chart = bar_chart([("ours", ours, f"{ours:,}", PALETTE.key),
                           ("TRM", paper["trm_params"]["value"], count_label(paper["trm_params"]["value"]),
                            TRM_COLORS[0], citation(paper["trm_params"])),
                           ("HRM", paper["hrm_params"]["value"], count_label(paper["hrm_params"]["value"]),
                            PALETTE.planner, citation(paper["hrm_params"])),
                           ("LLMs", paper["llm_params"]["value"], count_label(paper["llm_params"]["value"]) + "+",
                            PALETTE.llm, "order of magnitude")], scale, gap=0.6)
        ours_row, trm_row, hrm_row, llm_row = chart
        trm_row.bar.set_fill(TRM_COLORS, 1).set_sheen_direction(RIGHT)   # bar_chart takes one colour a row
        trm_row.value.set_color_by_gradient(*TRM_COLORS)
        # "billions": the LLM bar fades on past 1B instead of stopping at one model's size
        beyond = Rectangle(width=scale(10 ** 9.6) - scale(1e9), height=llm_row.bar.height, stroke_width=0,
                           fill_opacity=1).set_fill([PALETTE.llm, PALETTE.background], 1)
        beyond.next_to(llm_row.bar, RIGHT, buff=0)
        llm_row.value.next_to(beyond, RIGHT, buff=0.2)
        llm_row.note.next_to(llm_row.value, RIGHT, buff=0.25)
        axis = self.log_axis(chart, scale)
        VGroup(chart, beyond, axis).move_to([0, (CONTENT_TOP + CONTENT_BOTTOM) / 2, 0])

        def grow(row):   # grow_bars leaves a row's note (here: the citation) out
            return [grow_bars(VGroup(row))] + ([FadeIn(row.note)] if row.note else [])

        self.play_until(self.cue("paper") + 0.2, FadeIn(axis))
        self.wait_until_time(self.cue("has") - 0.1)
        self.play_until(self.cue("parameters") + 0.2, *grow(hrm_row))
        self.play_until(self.cue("ours") - 0.1, *grow(trm_row))
        self.play_until(self.cue("ours") + 1.2, *grow(ours_row))
        self.wait_until_time(self.cue("large") - 0.1)
        self.play_until(self.cue("billions") + 0.6, *grow(llm_row), GrowFromEdge(beyond, LEFT))

    def log_axis(self, chart: VGroup, scale) -> VGroup:
        """Grid marks at 1, 1k, 1M, 1B behind the bars, fainter marks at the decades between, and a caption."""
        x0 = chart[0].bar.get_left()[0]
        top, bottom = chart.get_top()[1] + 0.15, chart.get_bottom()[1] - 0.2
        axis = VGroup(Line([x0, bottom, 0], [x0 + scale(10 ** 9.7), bottom, 0], stroke_color=PALETTE.muted,
                           stroke_width=2))
        for exponent in range(10):
            x = x0 + scale(10 ** exponent)
            if exponent % 3 == 0:
                axis.add(Line([x, bottom, 0], [x, top, 0], stroke_color=PALETTE.panel_edge, stroke_width=2),
                         text({0: "1", 3: "1k", 6: "1M", 9: "1B"}[exponent], SIZE.small, PALETTE.muted)
                         .next_to([x, bottom, 0], DOWN, buff=0.15))
            else:
                axis.add(Line([x, bottom, 0], [x, bottom + 0.12, 0], stroke_color=PALETTE.muted, stroke_width=2))
        axis.add(text("parameters, log scale: each mark is ×1000", SIZE.small, PALETTE.muted)
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
                          fill_color=PALETTE.panel_edge, fill_opacity=1)
        plank = RoundedRectangle(width=10.6, height=0.16, corner_radius=0.08, stroke_width=0,
                                 fill_color=PALETTE.muted, fill_opacity=1).move_to(pivot + UP * 0.08)
        small, episode_track = self.small_model()
        small.next_to(plank, UP, buff=0).set_x(-3.7)
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
        card = RoundedRectangle(width=3.4, height=1.9, corner_radius=0.25, stroke_color=PALETTE.planner,
                                stroke_width=4, fill_color=PALETTE.panel, fill_opacity=1)
        name = text("small model", SIZE.label, PALETTE.planner)
        track = WorldTrack(self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)["layout"], cell=0.28,
                           numbers=False, chip=False)
        VGroup(name, track).arrange(DOWN, buff=0.35).move_to(card)
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
    """HRM's two modules fold into TRM's one network that loops on itself (paper sizes, cited); the papers'
    ARC-AGI-1 scores, where TRM is ahead; then our own measured runs, the mean over seeds with every run as a ring,
    where TRM is ahead too."""
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
        runner.clear_updaters()
        self.play(FadeOut(runner), run_time=self.whole_frames(MOTION.fade))

        # Our runs, each bar the mean over the seeds and each ring one seed: the rows in the papers' order, filled
        # in the order the voice names them (TRM, then our HRM)
        self.wait_until_time(self.cue("our") - 0.1)
        self.play_until(self.cue("our") + 0.6, FadeIn(right[0]), *[FadeIn(VGroup(row.label, row.full)) for row in ours],
                        FadeIn(self.source(f"held-out layouts, n = {summary['n_heldout']} per run")))
        self.wait_until_time(self.cue("solved") - 0.2)
        self.play_until(self.cue("solved") + 0.8, *fill_row(ours[1]))
        self.wait_until_time(self.cue("hrm_score") - 0.2)
        self.play_until(min(self.cue("hrm_score") + 0.8, self.length - 0.1), *fill_row(ours[0]))

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
        """Keep `dot` running round `path` (one lap a second) until its updater is cleared."""
        state = {"t": 0.0}

        def run(mob, dt):
            state["t"] = (state["t"] + dt) % 1.0
            mob.move_to(path.point_from_proportion(state["t"]))

        dot.add_updater(run)
