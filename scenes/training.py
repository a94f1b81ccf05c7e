"""Part "Training" (segments 17-21): the two stages, the demonstrations and the layouts kept back, the learning loop,
the model's beliefs, and six models on the same start — every curve, count, probability, weight change and rollout
read from the recording.

17 ends on a real demonstration's track and 18 starts from it; 20 ends on the showcase track and 21 starts from it.
"""
from __future__ import annotations

from manim import (DOWN, LEFT, PI, RIGHT, UP, AnimationGroup, Arrow, Circle, Create, Dot, FadeIn, FadeOut,
                   FadeTransform, GrowFromEdge, LaggedStart, Line, ManimColor, Rectangle, ReplacementTransform,
                   RoundedRectangle, ShowPassingFlash, Succession, Transform, UpdateFromAlphaFunc, VGroup, VMobject,
                   Wait, interpolate_color, rate_functions)

from scenes.charts import LineChart
from scenes.icons import red_cross, tick
from scenes.panel import ACTIONS, SUBGOALS, Module, ProbBars, token
from scenes.segment import SHOWCASE, SegmentScene, behind, cut, drop, settle
from scenes.style import (CONTENT_BOTTOM, CONTENT_TOP, MOTION, PALETTE, SAFE_X, SIZE, mono, outline_flash, pct,
                          switch, text)
from scenes.track import DemoCard, WorldTrack, mini_track, route, settle_steps

# --- Helpers shared by the part (candidates for the toolkit) --------------------------------------------------------

CARD_CELL = 0.58            # the smallest cell whose key lies flat and is 24 px tall (WorldTrack.sized_key)
HANDOFF = (-1.65, -1.65)    # where 17 leaves its real demonstration's track and 18 picks it up as a card
TRACK_20 = (0.0, -1.3, 0.9)  # 20's track (x, y, cell): 21 starts from it


def handoff_demo(rec) -> dict:
    """The real demonstration 17 ends on and 18 starts from: a showcase layout if one is a demonstration (the film
    shows it elsewhere), else the first."""
    train = rec.dataset["train"]
    layouts = [s["layout"] for s in rec.dataset["showcase"] if s["in_train"]]
    return next((d for d in train if layouts and d["layout"] == layouts[0]), train[0])


def first_step(snapshot: dict, planner_ok: bool | None, doer_ok: bool | None) -> tuple[list[int], dict] | None:
    """The first demonstration step (with its layout) on which the snapshot's sub-goal and action verdicts are
    these (None: either), or None."""
    return next(((demo["layout"], s) for demo in snapshot["demos"] for s in demo["steps"]
                 if planner_ok in (None, s["planner_ok"]) and doer_ok in (None, s["doer_ok"])), None)


def wrong_steps(snapshot: dict) -> tuple[int, int]:
    """(wrong sub-goals, wrong actions) of a snapshot on all demonstration steps: the Planner's and the Doer's."""
    steps = [s for demo in snapshot["demos"] for s in demo["steps"]]
    return sum(not s["planner_ok"] for s in steps), sum(not s["doer_ok"] for s in steps)


def recolor_later(scene, at: float, mob, color: str, run_time: float = MOTION.fade) -> None:
    """Brighten `mob` to `color` from scene time `at`, alongside whatever is played then (as SegmentScene.later):
    a highlight is the item itself changing colour, never a lit copy stacked on it."""
    start: list = []

    def update(m, dt):
        alpha = (scene.now - at) / run_time
        if alpha < 0:
            return
        if not start:
            start.append(ManimColor(m.get_color()))
        shown = cut(alpha) if MOTION.reduced else min(alpha, 1.0)   # reduced motion: a cut, as SegmentScene.play
        m.set_color(interpolate_color(start[0], ManimColor(color), shown))
        if alpha >= 1:
            m.remove_updater(update)

    mob.add_updater(update)


def count_to(mob, start: int, end: int, make) -> UpdateFromAlphaFunc:
    """A number that counts from `start` to `end` over the animation (whole numbers only; `make(n)` draws n where
    the number stands)."""
    drawn: dict = {}

    def update(m, alpha):
        n = round(start + (end - start) * alpha)
        if n not in drawn:
            drawn[n] = make(n)
        m.become(drawn[n])
    return UpdateFromAlphaFunc(mob, update)


# --- Segment 17 -----------------------------------------------------------------------------------------------------

class SkillRow(VGroup):
    """One base-stage example as the Doer gets it: the sub-goal it is handed (left), the made-up row (the mark the
    sub-goal names, outlined in the Planner's colour, and a distracting mark of the other kind; a carried key rides
    above the agent) and the action it is taught (right), which `act` plays on the row."""

    def __init__(self, example: dict, n_cells: int, cell: float = CARD_CELL):
        super().__init__()
        self.example = example
        agent, key_cell, door = example["agent"], example["key"], example["door"]
        self.track = WorldTrack([agent, agent if key_cell is None else key_cell, agent if door is None else door],
                                n_cells, cell=cell, numbers=False, chip=False)
        self.track.remove(*([self.track.key] if key_cell is None else []),
                          *([self.track.door] if door is None else []))
        target = key_cell if example["subgoal"] == "go_to_key" else door
        self.target = self.track.cells[target].copy().set_fill(opacity=0).set_stroke(PALETTE.planner, 4)
        self.carried = None
        if example["holding_key"]:
            self.carried = self.track.key.copy().move_to(self.above_head()).set_z_index(3)
        self.subgoal = mono(example["subgoal"], SIZE.small, PALETTE.planner)
        self.action = mono(example["action"], SIZE.small, PALETTE.doer)
        self.add(self.track, self.target, *([self.carried] if self.carried else []))

    def above_head(self):
        return self.track.agent.get_top() + UP * (self.track.key.height / 2 + 0.04)

    def place_tokens(self, subgoal_right: float, action_left: float) -> "SkillRow":
        """Sub-goal right-aligned at x = subgoal_right, action left-aligned at action_left (a table's columns)."""
        y = self.track.get_y()
        self.subgoal.move_to([subgoal_right - self.subgoal.width / 2, y, 0])
        self.action.move_to([action_left + self.action.width / 2, y, 0])
        return self

    def act(self) -> AnimationGroup:
        """The taught action appears and is done on the row: a step, the key picked up, or the door opened."""
        action, track = self.example["action"], self.track
        if action in ("left", "right"):
            shift = (track.cells[1].get_x() - track.cells[0].get_x()) * (RIGHT if action == "right" else LEFT)
            effect = [VGroup(track.agent, *([self.carried] if self.carried else [])).animate.shift(shift)]
        elif action == "pick":
            effect = [track.key.animate.move_to(self.above_head())]
        else:
            # as on the full track: the key is used up and the agent goes through, so the open door shows whole
            effect = [Transform(track.door, track.door.opened()), track.agent.animate.scale(0.6).set_opacity(0),
                      *([self.carried.animate.set_opacity(0)] if self.carried else [])]
        return AnimationGroup(FadeIn(self.action, shift=RIGHT * 0.15), *effect)


def skill_examples(skills: list[dict]) -> list[dict]:
    """The first recorded base-stage example of each sub-goal, in sub-goal order."""
    return [next(ex for ex in skills if ex["subgoal"] == name) for name in SUBGOALS
            if any(ex["subgoal"] == name for ex in skills)]


def skill_table(examples: list[dict], n_cells: int, row_gap: float = 0.8, buff: float = 0.2) -> VGroup:
    """The examples stacked, sub-goals in a right-aligned column on their left and actions in a left-aligned column
    on their right; the rows' tracks centred on x = 0, the middle row at y = 0."""
    rows = [SkillRow(ex, n_cells) for ex in examples]
    for i, row in enumerate(rows):
        row.shift([-row.track.cells.get_x(), -i * row_gap - row.track.cells.get_y(), 0])
    left = rows[0].track.cells.get_left()[0] - buff
    right = rows[0].track.cells.get_right()[0] + buff
    for row in rows:
        row.place_tokens(left, right)
    table = VGroup(*[VGroup(row, row.subgoal, row.action) for row in rows])
    table.shift(UP * (len(rows) - 1) * row_gap / 2)
    table.rows = rows
    return table


def stage_header(number: str, name: str) -> VGroup:
    """A numbered stage; drawn muted, brightened when the voice names it."""
    badge = Circle(radius=0.27, stroke_color=PALETTE.muted, stroke_width=3)
    digit = text(number, SIZE.small, PALETTE.muted, weight="BOLD").move_to(badge)
    return VGroup(VGroup(badge, digit), text(name, SIZE.label, PALETTE.muted, weight="BOLD")).arrange(RIGHT, buff=0.25)


def percent_chart(x_max: float, x_label: str, width: float = 2.75, height: float = 1.3) -> LineChart:
    """A 0-100 % chart whose axis name sits between its end ticks, on their line (no extra line below)."""
    chart = LineChart(x_max, (0.0, 1.0), width, height, x_label, y_ticks=(0, 1), y_format=pct, x_ticks=(0, x_max))
    chart.x_label.next_to(chart.x_axis, DOWN, buff=0.15)
    return chart


class Overview(SegmentScene):
    """The two stages as two bands, one above the other: the base stage (real skill examples — a sub-goal, a made-up
    row, the action taught — and its real Doer-accuracy curve), then fine-tuning on the demonstrations (a real
    demonstration's route, the real held-out success curve)."""
    segment = "17-viz-overview"
    chart_x = 3.35          # where both charts' plots start
    bands = ((CONTENT_TOP - 0.05, -0.05), (-0.2, -2.7))   # (top, bottom) of each stage's band

    def body(self):
        curves, summary = self.rec.curves, self.rec.summary

        # Section: the two bands, then their numbered names
        panels = VGroup(*[RoundedRectangle(width=2 * SAFE_X, height=top - bottom, corner_radius=0.2,
                                           stroke_color=PALETTE.panel_edge, stroke_width=2, fill_color=PALETTE.panel,
                                           fill_opacity=1).move_to([0, (top + bottom) / 2, 0])
                          for top, bottom in self.bands])
        base_head, fine_head = stage_header("1", "base stage"), stage_header("2", "fine-tuning")
        for head, (top, _) in zip((base_head, fine_head), self.bands):
            head.shift([-SAFE_X + 0.55, top - 0.43, 0] - head[0].get_center())
        # a new part: the cut opens on the two bands and their names, muted; "two stages" counts them
        self.add(panels, base_head, fine_head)
        self.wait_until_time(self.cue("two") - 0.15)
        self.play_until(self.cue("stages") + 0.4, LaggedStart(*[outline_flash(head[0][0], PALETTE.text, 6)
                                                                for head in (base_head, fine_head)], lag_ratio=0.4))

        # Section: the base stage, named; its Doer-accuracy curve drawn as the voice describes it
        base_chart = percent_chart(curves["hrm_base"][-1]["step"], "optimizer steps", height=1.35)
        base_chart.shift([self.chart_x, 0.6, 0] - base_chart.to_scene(0, 0))
        base = curves["hrm_base"]
        self.play_until(self.cue("base") + 0.4, self.brighten(base_head), FadeIn(base_chart))
        base_curve = base_chart.grow("doer_acc", [r["step"] for r in base], [r["doer_acc"] for r in base],
                                     PALETTE.doer)
        self.play_until(self.cue("skills"), *base_curve, FadeIn(self.chart_title("Doer accuracy", PALETTE.doer,
                                                                                 base_chart)))

        # Section: its skills, one recorded example per sub-goal; each taught action is then done on its row
        table = skill_table(skill_examples(self.rec.dataset["skills"]), summary["n_cells"])
        table.shift([HANDOFF[0], 1.1, 0])
        made_up = text("on made-up rows", SIZE.small, PALETTE.muted).next_to(base_head, RIGHT, buff=0.45)
        self.play_until(self.cue("skills") + 0.6, FadeIn(made_up), LaggedStart(*[FadeIn(VGroup(row, row.subgoal))
                                                                 for row in table.rows], lag_ratio=0.3))
        self.play_until(self.cue("then") - 0.1, LaggedStart(*[row.act() for row in table.rows], lag_ratio=0.3))

        # Section: fine-tuning on the demonstrations: a real one's track (18 starts from it), its route, and the
        # held-out success curve
        demo = handoff_demo(self.rec)
        real = mini_track(demo["layout"], CARD_CELL).move_to([*HANDOFF, 0])
        on_demos = text(f"on {summary['n_train']} demonstrations", SIZE.small, PALETTE.muted)
        on_demos.next_to(fine_head, RIGHT, buff=0.45)
        fine_chart = percent_chart(summary["epochs"], "epoch", height=1.2)
        fine_chart.shift([self.chart_x, -2.0, 0] - fine_chart.to_scene(0, 0))
        self.play_until(self.cue("fine_tuning") + 0.4, self.brighten(fine_head), FadeIn(real), FadeIn(on_demos),
                        FadeIn(fine_chart))
        hrm = curves["hrm"]
        fine_curve = fine_chart.grow("heldout_success", [r["epoch"] for r in hrm], [r["heldout_success"] for r in hrm],
                                     PALETTE.success)
        # the end value inside the plot, on the far side from the nearer edge: under a high end (the plot's top edge
        # has the title), over a low one (the axis has the last epoch's tick)
        end = hrm[-1]["heldout_success"]
        end_value = text(pct(end), SIZE.small, PALETTE.success).next_to(
            fine_chart.to_scene(hrm[-1]["epoch"], end), DOWN if end >= 0.5 else UP, buff=0.15, aligned_edge=RIGHT)
        self.play_until(min(self.cue("task") + 0.5, self.length - 0.3), *fine_curve,
                        FadeIn(self.chart_title("held-out solved", PALETTE.success, fine_chart)),
                        Create(route(real, demo["layout"])))
        self.play(FadeIn(end_value), FadeIn(self.source(f"held-out layouts, n = {summary['n_heldout']}")),
                  run_time=self.whole_frames(min(MOTION.fade, self.remaining())))

    @staticmethod
    def brighten(header: VGroup) -> AnimationGroup:
        badge, name = header
        return AnimationGroup(badge[0].animate.set_stroke(PALETTE.text), badge[1].animate.set_color(PALETTE.text),
                              name.animate.set_color(PALETTE.text))

    @staticmethod
    def chart_title(name: str, color: str, chart: LineChart):
        """The series' name just above the plot's top-left corner (labelled lines, no legend)."""
        return text(name, SIZE.small, color).next_to(chart.to_scene(0, 1), UP, buff=0.12, aligned_edge=LEFT)


# --- Segment 18 -----------------------------------------------------------------------------------------------------

def layout_tile(layout: list[int], n_cells: int, lit: bool, width: float = 0.86, height: float = 0.4) -> VGroup:
    """A layout as a small tile: where the agent (light dot) and the key (gold dot) start, the door a copper bar;
    a demonstration's tile is outlined."""
    box = RoundedRectangle(width=width, height=height, corner_radius=0.07, fill_color=PALETTE.track,
                           fill_opacity=1, stroke_color=PALETTE.text, stroke_width=3 if lit else 0)

    def at(i: int) -> list:
        return [(i + 0.5 - n_cells / 2) * (width - 0.1) / n_cells, 0, 0]

    agent, key_cell, door = layout
    door_bar = Rectangle(width=0.05, height=height * 0.6, stroke_width=0, fill_color=PALETTE.door, fill_opacity=1)
    return VGroup(box, door_bar.move_to(at(door)), Dot(at(agent), radius=0.038, color=PALETTE.agent),
                  Dot(at(key_cell), radius=0.038, color=PALETTE.key))


class TrainingData(SegmentScene):
    """The real demonstration 17 ended on becomes the first of ten cards, each with its shortest route; then the
    cards fold into tiles on the map of every layout (rows: the agent's start, columns: the key's), where the other
    layouts appear and are set aside for testing."""
    segment = "18-training-data"

    def body(self):
        data = self.rec.dataset

        # Section: the demonstration from 17 becomes a card; the other nine are dealt beside it
        first = data["train"].index(handoff_demo(self.rec))
        cards = VGroup(*[DemoCard(demo, cell=CARD_CELL, steps=False) for demo in data["train"]])
        slots = cards.copy().arrange_in_grid(cols=2, buff=(0.35, 0.08)).move_to([0, 0.05, 0])
        lead = cards[first]
        lead.shift([*HANDOFF, 0] - lead.track.get_center())
        dealt = lead.copy().move_to(slots[first])
        lead.panel.set_fill(opacity=0).set_stroke(opacity=0)   # 17 showed the track and route alone
        self.add(lead)
        others = [(card, slot) for card, slot in zip(cards, slots) if card is not lead]
        for card, slot in others:
            card.move_to(slot).route.set_opacity(0)
        self.play_until(self.cue("n_train"), Transform(lead, dealt))
        self.play_until(self.cue("each"), LaggedStart(*[FadeIn(card, shift=UP * 0.2) for card, _ in others],
                                                      lag_ratio=0.1))

        # Section: each card's shortest way
        self.play_until(self.cue("way") + 0.6, LaggedStart(*[Create(card.route.set_opacity(1)) for card, _ in others],
                                                           lag_ratio=0.08))
        self.wait_until_time(self.cue("other") - 0.1)

        # Section: the cards fold into tiles on the map of all layouts; the other layouts appear, then step back
        layouts = LayoutMap(self)
        self.play_until(self.cue("n_heldout") + 0.2,
                        LaggedStart(*[FadeTransform(card, tile) for card, tile in zip(cards, layouts.demos)],
                                    lag_ratio=0.04),
                        FadeIn(layouts.axes), FadeIn(layouts.demos_label))
        self.play_until(self.cue("kept") - 0.1, LaggedStart(*[FadeIn(t, scale=0.6) for t in layouts.held_out],
                                                            lag_ratio=0.03),
                        FadeIn(layouts.held_label), FadeIn(layouts.note))
        self.play_until(self.cue("testing") + 0.3, *layouts.step_back())


class LayoutMap(VGroup):
    """Segment 18's map of every layout, a tile each (rows: where the agent starts, columns: where the key does),
    the demonstrations' tiles outlined; beside it how many of each kind. `finished()` gives the look 18 ends on, the
    held-out layouts stepped back, for 19 to open on. Parts: .demos (in the recording's order), .held_out, .axes,
    .demos_label, .held_label, .testing, .note."""

    pitch = (0.95, 0.56)     # tile columns and rows
    origin = (-4.95, 2.15)   # the tile of agent 0, key 0

    def __init__(self, scene: SegmentScene):
        super().__init__()
        data, summary = scene.rec.dataset, scene.rec.summary
        n_cells = data["n_cells"]
        self.held_out = VGroup(*[layout_tile(layout, n_cells, lit=False).move_to(self.spot(layout))
                                 for layout in data["heldout"]])
        self.demos = VGroup(*[layout_tile(demo["layout"], n_cells, lit=True).move_to(self.spot(demo["layout"]))
                              for demo in data["train"]])
        # numbered along the first row (key in cell i) and the first column (agent in cell i)
        columns = VGroup(*[text(str(i), SIZE.small, PALETTE.muted).move_to(self.spot([0, i]) + UP * 0.45)
                           for i in range(n_cells - 1)])
        rows = VGroup(*[text(str(i), SIZE.small, PALETTE.muted).move_to(self.spot([i, 0]) + LEFT * 0.7)
                        for i in range(n_cells - 1)])
        self.axes = VGroup(columns, rows,
                           text("where the key starts", SIZE.small, PALETTE.muted).next_to(columns, UP, buff=0.15),
                           text("where the agent starts", SIZE.small, PALETTE.muted).rotate(PI / 2)
                           .next_to(rows, LEFT, buff=0.2))
        self.demos_label = VGroup(text(str(summary["n_train"]), SIZE.heading, weight="BOLD"),
                                  text("demonstrations", SIZE.small)).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        self.held_label = VGroup(text(str(summary["n_heldout"]), SIZE.heading, PALETTE.muted, weight="BOLD"),
                                 text("held-out layouts", SIZE.small, PALETTE.muted)).arrange(DOWN, aligned_edge=LEFT,
                                                                                              buff=0.12)
        self.testing = text("kept back for testing", SIZE.small, PALETTE.muted)
        labels_x = self.spot([0, n_cells - 2, 0])[0] + 0.9
        self.demos_label.move_to([labels_x, 1.2, 0], aligned_edge=LEFT)
        self.held_label.move_to([labels_x, -0.6, 0], aligned_edge=LEFT)
        self.testing.next_to(self.held_label, DOWN, buff=0.3, aligned_edge=LEFT)
        self.note = scene.source(f"the followed run's split of all {len(self.held_out) + len(self.demos)} layouts")
        self.add(self.held_out, self.demos, self.axes, self.demos_label, self.held_label, self.testing, self.note)

    def spot(self, layout: list[int]):
        """The centre of a layout's tile ([agent, key, …]): its row is where the agent starts, its column where the
        key does."""
        (dx, dy), (x0, y0) = self.pitch, self.origin
        return [x0 + layout[1] * dx, y0 - layout[0] * dy, 0]

    def step_back(self) -> list:
        """The held-out layouts step back, kept for testing."""
        return [self.held_out.animate.set_opacity(0.4), self.held_label.animate.set_opacity(0.7),
                FadeIn(self.testing)]

    def finished(self) -> "LayoutMap":
        settle(*self.step_back())
        return self


# --- Segment 19 -----------------------------------------------------------------------------------------------------

class ModuleStats(VGroup):
    """Beside a module: how many demonstration steps it still gets wrong (a number that counts as passes go by) and
    how far its weights moved in the last pass, ‖Δθ‖ / ‖θ‖, as a bar (the weight nudge) with its value."""

    def __init__(self, errors: str, error_color: str, tint: str, wrong: int, full: float, bar_w: float = 2.1):
        super().__init__()
        self.error_color, self.tint, self.full, self.shown = error_color, tint, full, wrong
        self.name = text(errors, SIZE.small, PALETTE.muted)
        self.count = self.number(wrong)
        self.weights = text("weights moved", SIZE.small, PALETTE.muted)
        self.track = Rectangle(width=bar_w, height=0.24, stroke_width=0, fill_color=PALETTE.track, fill_opacity=1)
        self.bar = Rectangle(width=0.001, height=0.24, stroke_width=0, fill_color=tint, fill_opacity=1)
        self.value = text("0 %", SIZE.small, PALETTE.muted)
        VGroup(self.weights, self.track, self.value).arrange(RIGHT, buff=0.25)
        self.name.next_to(self.weights, UP, buff=0.42, aligned_edge=LEFT)
        self.count.next_to(self.name, RIGHT, buff=0.3).align_to(self.name, DOWN)
        self.bar.align_to(self.track, LEFT).set_y(self.track.get_y())
        self.add(self.name, self.count, self.weights, self.track, self.bar, self.value)

    def number(self, n: int):
        made = text(str(n), SIZE.label, self.error_color, weight="BOLD")
        if hasattr(self, "count"):
            made.move_to(self.count, aligned_edge=LEFT).align_to(self.count, DOWN)
        return made

    def count_to(self, n: int) -> UpdateFromAlphaFunc:
        start, self.shown = self.shown, n
        return count_to(self.count, start, n, self.number)

    def nudge(self, change: float) -> AnimationGroup:
        """The bar moves to this pass's weight change and its value follows."""
        bar = Rectangle(width=max(0.001, self.track.width * change / self.full), height=self.track.height,
                        stroke_width=0, fill_color=self.tint, fill_opacity=1).align_to(self.track, LEFT)
        bar.set_y(self.track.get_y())
        value = text(pct(change), SIZE.small, PALETTE.text).move_to(self.value, aligned_edge=LEFT)
        return AnimationGroup(Transform(self.bar, bar), switch(self.value, value))

    def light(self) -> AnimationGroup:
        return AnimationGroup(self.name.animate.set_color(self.error_color),
                              self.weights.animate.set_color(PALETTE.text))


class LearningLoop(VGroup):
    """Segment 19's picture: the model (Planner over Doer), the arrow that brings a demonstration step's row into the
    Doer, and beside each module its stats (ModuleStats) with the pass clock between them. `forward` shows a pass at
    work on a recorded step, `after_pass` its result; `finished()` gives the look 19 ends on, for 20 to open on.
    Parts: .planner, .doer, .down, .up, .out, .row_in, .row_label, .stats, .clock, .note (the source line),
    .reach (what the gradient check measured)."""

    spots = {"planner": (-3.7, 2.3), "doer": (-3.7, -0.2), "stats_x": 1.2, "row": (-3.45, -2.3)}

    def __init__(self, scene: SegmentScene):
        super().__init__()
        rec = scene.rec
        # snaps[e] is the model after e passes; snaps[0], the base stage's result, is where fine-tuning starts
        self.snaps = snaps = [rec.snapshot("after base stage")] + [s for s in rec.snapshots if s["stage"] == "finetune"]
        self.epochs = len(snaps) - 1
        self.wrong = [dict(zip(("planner", "doer"), wrong_steps(s))) for s in snaps]
        self.moved = [s["weight_change"] for s in snaps]        # moved[e]: during pass e (e ≥ 1)
        full = max(max(m.values()) for m in self.moved[1:])
        self.planner = Module("Planner", "H module · picks sub-goals", PALETTE.planner, 4.0, 1.3)
        self.doer = Module("Doer", "L module · picks actions", PALETTE.doer, 4.0, 1.3)
        self.planner.move_to([*self.spots["planner"], 0])
        self.doer.move_to([*self.spots["doer"], 0])
        self.down = Arrow(self.planner.box.get_bottom() + LEFT * 1.5, self.doer.box.get_top() + LEFT * 1.5, buff=0.05,
                          color=PALETTE.planner, stroke_width=5)
        self.up = Arrow(self.doer.box.get_top() + RIGHT * 1.5, self.planner.box.get_bottom() + RIGHT * 1.5,
                        buff=0.05, color=PALETTE.doer, stroke_width=5)
        self.row_in = Arrow([self.spots["planner"][0], -1.72, 0], self.doer.box.get_bottom(), buff=0.05,
                            color=PALETTE.muted, stroke_width=5)
        self.row_label = text("a demonstration step", SIZE.small, PALETTE.muted).next_to(self.row_in, RIGHT, buff=0.2)
        self.out = Arrow(self.doer.box.get_right(), self.doer.box.get_right() + RIGHT * 0.9, buff=0.05,
                         color=PALETTE.doer, stroke_width=5)
        self.stats = {name: ModuleStats(errors, error, tint, self.wrong[0][name], full)
                      for name, errors, error, tint in (
                          ("planner", "wrong sub-goals", PALETTE.planner_error, PALETTE.planner),
                          ("doer", "wrong actions", PALETTE.doer_error, PALETTE.doer))}
        for name, stats in self.stats.items():
            stats.move_to([self.spots["stats_x"], self.spots[name][1], 0], aligned_edge=LEFT)
        self.clock = self.clock_at(1)
        n_steps = sum(len(d["steps"]) for d in snaps[0]["demos"])
        self.note = scene.source(f"demonstration steps, n = {n_steps}")
        grads = rec.summary["checks"]["planner_grad"]["values"]
        self.reach = VGroup(text("the action loss reaches the Planner:", SIZE.small, PALETTE.muted),
                            text(f"gradient > 0 in {sum(g > 0 for g in grads)} of {len(grads)} runs", SIZE.small,
                                 PALETTE.muted)).arrange(DOWN, aligned_edge=RIGHT, buff=0.12)
        self.reach.move_to([SAFE_X - self.reach.width / 2, -1.75, 0])
        self.row, self.shown = None, []
        self.add(self.planner, self.doer, self.down, self.up, self.out, *self.stats.values())

    def clock_at(self, epoch: int):
        clock = text(f"pass {epoch} of {self.epochs}", SIZE.label)
        return clock.move_to([self.spots["stats_x"], 1.05, 0], aligned_edge=LEFT)

    @property
    def worked(self) -> int:
        """The pass shown at work on two steps, a wrong sub-goal and a wrong action: the one after which the most
        errors are gone (of those whose model gets both kinds wrong)."""
        snaps, wrong = self.snaps, self.wrong
        both = [e for e in range(2, self.epochs + 1)
                if first_step(snaps[e - 1], False, True) and first_step(snaps[e - 1], True, False)]
        fall = {e: sum(wrong[e - 1].values()) - sum(wrong[e].values()) for e in range(2, self.epochs + 1)}
        return max(both or fall, key=lambda e: (fall[e], -e))

    def pulse(self, module: str, color: str | None = None):
        """A credit pulse on a module: red for the Planner's errors, orange for the Doer's."""
        default = PALETTE.planner_error if module == "planner" else PALETTE.doer_error
        return getattr(self, module).pulse(color or default)

    def step_row(self, snapshot: dict, planner_ok: bool, doer_ok: bool) -> tuple[WorldTrack, dict]:
        """The model going in (`snapshot`) on its first demonstration step with these verdicts (or, in a recording
        without one, the first where the module named wrong is): the step and its state on the row below the
        Doer."""
        relaxed = (None if planner_ok else False, None if doer_ok else False)
        layout, step = (first_step(snapshot, planner_ok, doer_ok) or first_step(snapshot, *relaxed)
                        or first_step(snapshot, None, None))
        row = mini_track(layout, CARD_CELL).move_to([*self.spots["row"], 0])
        row.agent.move_to(row.center_of(step["agent"]))
        row.position = step["agent"]
        if step["holding_key"]:
            row.holding = True
            row.key.move_to(row.agent.get_top() + UP * (row.key.height / 2 + 0.03))
        return row, step

    def forward(self, snapshot: dict, planner_ok: bool, doer_ok: bool, epoch: int = 1) -> list:
        """Pass `epoch` at work on a step (`step_row`): its state on the row, the sub-goal the Planner picks sliding
        down to the Doer, the action the Doer picks leaving it, each ticked or crossed as recorded. Two animations, to
        play one after the other: the state and the sub-goal, then the action."""
        row, step = self.step_row(snapshot, planner_ok, doer_ok)
        goal = token(step["predicted_subgoal"], PALETTE.planner, SIZE.small)
        goal.move_to([self.spots["planner"][0] - 0.15, (self.planner.get_bottom()[1] + self.doer.get_top()[1]) / 2, 0])
        action = token(step["predicted_action"], PALETTE.doer, SIZE.small).next_to(self.doer.box, RIGHT, buff=1.05)
        marks = VGroup(*[(tick(0.3) if ok else red_cross(0.3).set_stroke(error)).next_to(tok, RIGHT, buff=0.15)
                         for tok, ok, error in ((goal, step["planner_ok"], PALETTE.planner_error),
                                                (action, step["doer_ok"], PALETTE.doer_error))])
        # each token fades in inside the module that picks it and slides out to where it is shown
        from_planner = goal.get_center() - self.planner.box.get_center()
        from_doer = action.get_center() - (self.doer.box.get_right() + LEFT * 0.6)
        # one FadeOut per item: a FadeOut of a new group around them would leave them in the scene (Manim removes only
        # the group), restored to full opacity when it ends
        leaving = [*self.shown, *([self.row] if self.row else [])]
        self.row, self.shown = row, [goal, action, *marks]
        return [AnimationGroup(switch(self.clock, self.clock_at(epoch)), Succession(
                    AnimationGroup(*[FadeOut(m) for m in leaving] or [Wait()], run_time=0.2), FadeIn(row, run_time=0.3),
                    FadeIn(goal, shift=from_planner, run_time=0.45), FadeIn(marks[0], scale=0.6, run_time=0.15))),
                Succession(FadeIn(action, shift=from_doer, run_time=0.45), FadeIn(marks[1], scale=0.6, run_time=0.15))]

    def after_pass(self, epoch: int, modules: tuple = ("planner", "doer")) -> list:
        """After pass `epoch`: the modules' weights move by its recorded change and their counts count to its
        result."""
        return [switch(self.clock, self.clock_at(epoch)),
                *[self.stats[name].nudge(self.moved[epoch][name]) for name in modules],
                *[self.stats[name].count_to(self.wrong[epoch][name]) for name in modules]]

    def finished(self) -> "LearningLoop":
        """Every pass run: the last step shown at work still on the row, both modules' stats lit at their result."""
        self.row = self.step_row(self.snaps[self.worked - 1], True, False)[0]
        for stats in self.stats.values():
            settle(stats.light())
        settle(*self.after_pass(self.epochs))
        return self.add(self.row_in, self.row_label, self.clock, self.note, self.reach, self.row)


class LearningProcess(SegmentScene):
    """Fine-tuning, pass by pass. Two passes are shown at work, on recorded demonstration steps: the model (Planner
    over Doer) gets the step's state, the sub-goal the Planner picks slides down to the Doer and the action the Doer
    picks leaves it, each ticked or crossed against the demonstration; the module that was wrong pulses (red: the
    Planner, orange: the Doer) and its weights move by the pass's recorded ‖Δθ‖ / ‖θ‖ while its wrong-step count
    counts to the pass's result. The passes between and after run by faster; meanwhile the Doer's error travels back
    up the sub-goal arrow into the Planner: the action loss's gradient reaches it (measured on every seed,
    summary.checks.planner_grad). It opens on 18's map, whose demonstrations run into the model."""
    segment = "19-learning-process"

    def body(self):
        self.loop = loop = LearningLoop(self)
        snaps, epochs = loop.snaps, loop.epochs

        # Section: 18's map: its held-out layouts go; the demonstrations run into the model, where the steps come in
        layouts = LayoutMap(self).finished()
        self.add(layouts)                                                   # 18's last frame
        inlet = [*loop.spots["row"], 0]
        self.play_until(self.cue("pass") + 0.4, *[FadeOut(m) for m in layouts if m is not layouts.demos],
                        LaggedStart(*[tile.animate(rate_func=rate_functions.ease_in_sine).move_to(inlet).scale(0.6)
                                      .set_opacity(0) for tile in layouts.demos], lag_ratio=0.06),
                        FadeIn(loop, rate_func=behind))
        drop(self, layouts)

        # Section: the first pass at work on a step both modules get wrong; both modules are nudged
        state, action = loop.forward(snaps[0], False, False)
        self.play_until((self.cue("pass") + self.cue("nudges")) / 2, state,
                        FadeIn(VGroup(loop.row_in, loop.row_label, loop.clock)), FadeIn(loop.note))
        self.play_until(self.cue("nudges") - 0.1, action)
        self.play_until(self.cue("nudges") + 0.5, loop.pulse("planner"), loop.pulse("doer"))
        self.play_until(self.cue("nudges") + 1.1, *loop.after_pass(1))

        # Section: one pass at work on two steps, a wrong sub-goal, then a wrong action; the passes between run by
        worked = loop.worked
        self.quick(range(2, worked), self.cue("subgoal") - 0.1)
        state, action = loop.forward(snaps[worked - 1], False, True, worked)
        self.play_until((self.cue("subgoal") + self.cue("planner")) / 2, state, loop.stats["planner"].light())
        self.play_until(self.cue("planner"), action)
        self.play_until(self.cue("planner") + 0.45, loop.pulse("planner"))
        # the pass moves both modules at once; each one's share is shown right after its own error
        state, action = loop.forward(snaps[worked - 1], True, False, worked)
        self.play_until(self.cue("action"), state, *loop.after_pass(worked, ("planner",)))
        self.play_until(self.cue("doer"), action, loop.stats["doer"].light())
        self.play_until(self.cue("doer") + 0.45, loop.pulse("doer"))
        self.play_until(self.cue("doer") + 1.0, *loop.after_pass(worked, ("doer",)))

        # Section: the passes left run by; meanwhile the Doer's error flows back up the sub-goal arrow (against it,
        # as the gradient does) into the Planner, with the measurement that says it really arrives
        at_doer, at_planner = loop.down.get_end(), loop.down.get_start()
        error = Dot(at_doer, radius=0.14, color=PALETTE.doer_error).set_z_index(5)
        trail = Line(at_doer, at_planner, stroke_color=PALETTE.doer_error, stroke_width=12)
        flows = self.cue("flows")
        self.later(flows, loop.pulse("doer"))
        self.later(flows + 0.45, Succession(FadeIn(error, run_time=0.1),
                                            error.animate(run_time=0.6).move_to(at_planner).build(),
                                            FadeOut(error, run_time=0.2)))
        self.later(flows + 0.45, ShowPassingFlash(trail, time_width=0.8, run_time=0.7))
        self.later(flows + 0.45, FadeIn(loop.reach, run_time=MOTION.fade))
        self.later(flows + 1.1, loop.pulse("planner", PALETTE.doer_error))
        self.quick(range(worked + 1, epochs + 1), self.length - 0.3)

    def quick(self, passes: range, end: float) -> None:
        """Passes run by without being shown at work, evenly until `end`; the last step shown at work fades from
        beside the modules (its row stays)."""
        loop, start = self.loop, self.now
        fading = [FadeOut(m) for m in loop.shown]
        loop.shown = []
        if not passes:
            self.play_until(end, *fading)
        for i, epoch in enumerate(passes):
            self.play_until(start + (end - start) * (i + 1) / len(passes), *loop.after_pass(epoch),
                            *(fading if i == 0 else []))


# --- Segment 20 -----------------------------------------------------------------------------------------------------

class WideBubble(VGroup):
    """The thought bubble laid out wide — Planner bars beside Doer bars — so it fits above a full-size track, with a
    tail that can follow the agent along the row while the cloud stays put."""

    def __init__(self, bar_width: float = 1.9):
        super().__init__()
        self.planner_bars = ProbBars(SUBGOALS, PALETTE.planner, width=bar_width)
        self.doer_bars = ProbBars(ACTIONS, PALETTE.doer, width=bar_width)
        halves = VGroup(*[VGroup(text(name, SIZE.small, color, weight="BOLD"), bars).arrange(DOWN, aligned_edge=LEFT,
                                                                                               buff=0.25)
                          for name, color, bars in (("Planner", PALETTE.planner, self.planner_bars),
                                                    ("Doer", PALETTE.doer, self.doer_bars))])
        halves.arrange(RIGHT, buff=0.9, aligned_edge=UP)
        # Room on the right for "100%", wider than the "0%" the bars start with.
        self.cloud = RoundedRectangle(width=halves.width + 1.3, height=halves.height + 0.7, corner_radius=0.6,
                                      stroke_color=PALETTE.text, stroke_width=3, fill_color=PALETTE.panel,
                                      fill_opacity=1).move_to(halves).shift(RIGHT * 0.2)
        self.tail = VGroup(*[Circle(radius=r, stroke_color=PALETTE.text, stroke_width=3, fill_color=PALETTE.panel,
                                    fill_opacity=1) for r in (0.17, 0.1)])
        self.add(self.tail, self.cloud, halves)

    def set(self, step: dict) -> AnimationGroup:
        """Show a recorded step's probabilities."""
        return AnimationGroup(self.planner_bars.set(step["planner_probs"]), self.doer_bars.set(step["doer_probs"]))

    def tail_targets(self, point) -> list:
        """Where the tail's two circles go so that it points from the cloud down at `point` (the agent's head)."""
        bottom = self.cloud.get_bottom()[1]
        x = min(max(point[0], self.cloud.get_left()[0] + 0.8), self.cloud.get_right()[0] - 0.8)
        big = [x, bottom - 0.28, 0]
        small = [(x + point[0]) / 2, (bottom - 0.28 + point[1]) / 2, 0]
        return [big, small]

    def point_at(self, point) -> "WideBubble":
        for circle, spot in zip(self.tail, self.tail_targets(point)):
            circle.move_to(spot)
        return self

    def follow(self, point) -> AnimationGroup:
        return AnimationGroup(*[c.animate.move_to(spot) for c, spot in zip(self.tail, self.tail_targets(point))])


def act_format(v: float) -> str:
    """A mean number of thinking steps as the voice reads it (one decimal): 1.0 → '1', 1.3 → '1.3'."""
    return f"{v:.1f}".removesuffix(".0")


class ThinkingSteps(VGroup):
    """ACT's thinking steps per move at every snapshot — untrained, after the base stage, after each fine-tuning
    epoch — one bar each, its height the held-out mean; its name and source on the left, a tick for each level the
    voice names (`levels`), and what the bars are underneath. Bars and ticks start muted; `lit(i)` names bar i and
    the tick of its level, to brighten when the voice comes to them."""

    def __init__(self, snapshots: list[dict], levels: tuple[float, ...], source: str, pitch: float = 0.46,
                 bar_w: float = 0.28, max_h: float = 0.55):
        super().__init__()
        self.values = [s["metrics"]["heldout_act_segments"] for s in snapshots]
        peak = max(self.values)
        self.bars = VGroup(*[Rectangle(width=bar_w, height=max(0.001, max_h * v / peak), stroke_width=0,
                                       fill_color=PALETTE.muted, fill_opacity=1)
                             .move_to([i * pitch, 0, 0], aligned_edge=DOWN) for i, v in enumerate(self.values)])
        left, right = -pitch / 2, (len(self.values) - 0.5) * pitch
        self.baseline = Line([left, 0, 0], [right, 0, 0], stroke_color=PALETTE.muted, stroke_width=2)
        self.grid = VGroup(*[Line([left, max_h * v / peak, 0], [right, max_h * v / peak, 0],
                                  stroke_color=PALETTE.track, stroke_width=1) for v in levels])
        self.ticks = {v: text(act_format(v), SIZE.small, PALETTE.muted)
                      .next_to([left, max_h * v / peak, 0], LEFT, buff=0.12) for v in levels}
        self.title = VGroup(text("thinking steps", SIZE.small), text("per move (ACT)", SIZE.small),
                            text(source, SIZE.small, PALETTE.muted)).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        self.labels = self.stage_labels(snapshots)
        body = VGroup(*self.ticks.values(), self.baseline, self.labels, self.bars)
        self.title.next_to(body, LEFT, buff=0.4)
        self.add(self.grid, self.baseline, *self.ticks.values(), self.title, self.labels, self.bars)

    def stage_labels(self, snapshots: list[dict]) -> VGroup:
        """'untrained' ending under its bar, 'base' starting under its bar, and the fine-tuning epochs under a thin
        bracket across theirs."""
        labels, y = VGroup(), -0.33
        epochs = [i for i, s in enumerate(snapshots) if s["stage"] == "finetune"]
        for i, snap in enumerate(snapshots):
            if snap["stage"] == "init":
                label = text("untrained", SIZE.small, PALETTE.muted)
                labels.add(label.move_to([self.bars[i].get_right()[0] - label.width / 2, y, 0]))
            elif snap["stage"] == "base":
                label = text("base", SIZE.small, PALETTE.muted)
                labels.add(label.move_to([self.bars[i].get_left()[0] + label.width / 2, y, 0]))
        if epochs:
            first, last = self.bars[epochs[0]], self.bars[epochs[-1]]
            x0, x1, y0 = first.get_left()[0], last.get_right()[0], -0.14
            bracket = VMobject(stroke_color=PALETTE.muted, stroke_width=2)
            bracket.set_points_as_corners([[x0, y0 + 0.07, 0], [x0, y0, 0], [x1, y0, 0], [x1, y0 + 0.07, 0]])
            name = text(f"epochs {snapshots[epochs[0]]['epoch']}–{snapshots[epochs[-1]]['epoch']}", SIZE.small,
                        PALETTE.muted)
            labels.add(bracket, name.move_to([(x0 + x1) / 2, y, 0]))
        return labels

    def lit(self, i: int) -> list:
        """Bar i and, if the voice names its level, that level's tick."""
        return [self.bars[i], *([self.ticks[self.values[i]]] if self.values[i] in self.ticks else [])]


class ThoughtBubbles(SegmentScene):
    """The recorded probabilities at one start state, untrained then trained: the bars sharpen. Then the trained
    agent walks its recorded episode and the bubble follows it, updating at every step, while ACT's thinking steps
    per move are charted over the whole run, untrained to final. It opens on 19's last frame, whose row becomes the
    showcase's."""
    segment = "20-thought-bubbles"

    def body(self):
        rec = self.rec
        final = rec.snapshot("final")
        episode = rec.showcase(final, SHOWCASE)
        # The untrained model at the very same start state: step 0 of its episode on the same layout.
        untrained_start = rec.showcase(rec.snapshot("untrained"), episode["layout"])["steps"][0]

        # Section: the row, then the bubble with the untrained model's probabilities
        x, y, cell = TRACK_20
        track = WorldTrack(episode["layout"], cell=cell, numbers=False, chip=False).move_to([x, y, 0])
        bubble = WideBubble().move_to([0, 1.45, 0])

        def above_agent():   # where the agent stands once the step being built has been played
            return track.center_of(track.position) + UP * (track.agent.height / 2 + 0.12)

        bubble.point_at(above_agent())
        who = text("untrained", SIZE.label, PALETTE.muted).next_to(bubble.cloud, DOWN, buff=0.3)
        who.align_to(bubble.cloud, LEFT).shift(RIGHT * 0.3)
        # 19's last frame: the model and its stats go; the row of its last step shown becomes the showcase's row
        loop = LearningLoop(self).finished()
        row = loop.row
        self.add(loop)
        self.play_until(self.cue("bubbles") + 0.1, *[FadeOut(m) for m in loop if m is not row],
                        *[FadeOut(m) for m in (row.agent, row.key, row.door)],
                        LaggedStart(*[ReplacementTransform(small, big) for small, big in zip(row.cells, track.cells)],
                                    lag_ratio=0.04),
                        *[FadeIn(m, rate_func=behind) for m in (track.door, track.key, track.agent)])
        drop(self, loop)
        self.play_until(self.cue("bubbles") + 0.6, FadeIn(bubble, scale=0.9), FadeIn(who))
        self.play_until(self.cue("probabilities") + 0.6, bubble.set(untrained_start))

        # Section: the same state after training: the bars sharpen
        trained = text("trained", SIZE.label, PALETTE.success).move_to(who, aligned_edge=LEFT)
        self.play_until(self.cue("training") + 0.6, bubble.set(episode["steps"][0]),
                        FadeTransform(who, trained))   # a cross-fade: a morphing word reads as garbage half-way

        # ACT's story, set to run alongside the episode: at "thinks" the bars of every snapshot grow and then the
        # final model's brightens; at "four" the untrained model's.
        untrained, now = rec.summary["untrained"]["heldout_act_segments"], rec.summary["hrm"]["heldout_act_segments"]
        chart = ThinkingSteps(rec.snapshots, (now, untrained), f"held-out, n = {rec.summary['n_heldout']}")
        chart.move_to([0, 0, 0]).shift(UP * (-2.55 - chart.baseline.get_y()))
        thinks, four = self.cue("thinks"), self.cue("four")
        self.later(thinks, FadeIn(VGroup(chart.grid, chart.baseline, *chart.ticks.values(), chart.title, chart.labels),
                                   run_time=MOTION.fade))
        for i, bar in enumerate(chart.bars):
            self.later(thinks + 0.04 * i, GrowFromEdge(bar, DOWN, run_time=MOTION.fade))
        grown = thinks + 0.04 * len(chart.bars) + MOTION.fade   # a colour change must not fight a bar's growth
        for mob in chart.lit(len(chart.bars) - 1):
            recolor_later(self, grown, mob, PALETTE.success)
        for mob in chart.lit(0):
            recolor_later(self, max(four, grown), mob, PALETTE.text)

        # Section: the trained episode; the bubble follows the agent and shows each decision
        steps = episode["steps"]
        start, end = self.now, self.length - 0.35
        for i, step in enumerate(steps):
            until = start + (end - start) * (i + 1) / len(steps)
            anims = [track.step(step, run_time=until - self.now)]
            if i + 1 < len(steps):
                anims += [bubble.set(steps[i + 1]), bubble.follow(above_agent())]
            self.play_until(until, *anims)


# --- Segment 21 -----------------------------------------------------------------------------------------------------

class Lane(VGroup):
    """One model's run in the synchronized comparison: its name, the track, and a step counter that ends in the
    verdict."""

    def __init__(self, name: str, episode: dict, cell: float = 0.6):
        super().__init__()
        self.episode = episode
        self.name = text(name, SIZE.label, PALETTE.muted)
        self.track = mini_track(episode["layout"], cell)
        self.count = self.counter(0)
        self.add(self.name, self.track, self.count)

    def counter(self, n: int):
        made = text(f"steps: {n}", SIZE.label)
        return made.move_to(self.count, aligned_edge=LEFT) if hasattr(self, "count") else made

    def place(self, name_right: float, track_x: float, count_left: float, y: float) -> "Lane":
        self.track.move_to([track_x, y, 0])
        self.name.move_to([name_right - self.name.width / 2, y, 0])
        self.count.move_to([count_left + self.count.width / 2, y, 0])
        return self

    def advance(self, i: int, run_time: float, fast: bool = False) -> list:
        """Step i of the episode (0-based) with its count, or nothing once the episode has ended. `fast`: the agent
        glides, and a failed pick or open leaves no cross (in a fast-forward it would only flicker)."""
        if i >= len(self.episode["steps"]):
            return []
        step = self.episode["steps"][i]
        anims = [switch(self.count, self.counter(i + 1))]
        if not (fast and step["event"] in ("pick_failed", "locked")):
            anims.append(self.track.step(step, run_time, rate_functions.linear if fast else rate_functions.smooth))
        return anims

    def verdict_mark(self) -> VGroup:
        """'solved' with a tick, or a red 'failed', after the counter."""
        if self.episode["success"]:
            word = text("solved", SIZE.label, PALETTE.success)
            mark = VGroup(tick(0.3).next_to(word, LEFT, buff=0.15), word)
        else:
            mark = text("failed", SIZE.label, PALETTE.planner_error)
        return mark.next_to(self.count, RIGHT, buff=0.45)

    def verdict(self) -> FadeIn:
        return FadeIn(self.verdict_mark(), scale=0.8, run_time=MOTION.fade)

    def ended(self) -> "Lane":
        """The lane once its episode is over: the track as it leaves it, the count at its total, the name lit, the
        verdict shown."""
        settle_steps(self.track, self.episode["steps"])
        self.count.become(self.counter(len(self.episode["steps"])))
        self.name.set_color(PALETTE.text)
        return self.add(self.verdict_mark())


class Lanes(VGroup):
    """Segment 21's picture: a lane per model, top to bottom, all on the first showcase layout, and the source line.
    `finished()` gives 21's last frame, for 22 to open on. Parts: .lanes (in MODELS order), .by_variant, .note."""

    MODELS = (("untrained", "untrained"), ("hrm", "HRM"), ("flat", "flat"), ("trm", "TRM"),
              ("freeze_doer", "frozen Doer"), ("freeze_planner", "frozen Planner"))

    def __init__(self, scene: SegmentScene):
        super().__init__()
        rec = scene.rec
        episodes = {"untrained": rec.showcase(rec.snapshot("untrained"), SHOWCASE)}
        episodes |= {v: rec.showcase(rec.finals[v], SHOWCASE) for v, _ in self.MODELS[1:]}
        self.lanes = [Lane(name, episodes[v]) for v, name in self.MODELS]
        self.by_variant = dict(zip((v for v, _ in self.MODELS), self.lanes))
        top, bottom = CONTENT_TOP - 0.5, CONTENT_BOTTOM + 0.75     # lane centres: room for a carried key above
        for i, lane in enumerate(self.lanes):                        # the first, the source line below the last
            lane.place(-3.95, -0.7, 2.55, top - i * (top - bottom) / (len(self.lanes) - 1))
        self.note = scene.source("first showcase layout · trained models greedy, untrained sampled")
        self.add(*self.lanes, self.note)

    def finished(self) -> "Lanes":
        for lane in self.lanes:
            lane.ended()
        return self


class BeforeAfter(SegmentScene):
    """Six models on the same start, one lane each, stepping in sync, one recorded step per tick: the untrained HRM
    (sampled) and the fine-tuned HRM, flat model, TRM, frozen-Doer and frozen-Planner HRMs (greedy), all on the first
    showcase layout. Four fetch the key and open the door on the shortest route; the other two fail, and a
    labelled fast-forward takes them to the step limit. It opens on 20's track, reset to the start."""
    segment = "21-before-after"

    def body(self):
        picture = Lanes(self)
        lanes, by_variant = picture.lanes, picture.by_variant

        # Section: 20's track, reset, becomes the HRM's lane; the other lanes join it
        hrm = by_variant["hrm"]
        x, y, cell = TRACK_20
        end_place = hrm.track.copy()
        hrm.track.scale(cell / hrm.track.cell).move_to([x, y, 0])
        self.add(hrm.track)
        self.play_until(self.cue("start"), Transform(hrm.track, end_place))   # alone: it passes the other lanes
        self.play_until(self.cue("start") + 0.6,
                        LaggedStart(*[FadeIn(lane.track) for lane in lanes if lane is not hrm], lag_ratio=0.1),
                        FadeIn(VGroup(*[VGroup(lane.name, lane.count) for lane in lanes])),
                        FadeIn(picture.note))

        # Section: one tick per recorded step, paced so the four that solve it pick up the key at "key" and open the
        # door at "door"; their names light at "four", the failures' as the voice names them
        solved = [lane for lane in lanes if lane.episode["success"]]
        failed = [lane for lane in lanes if not lane.episode["success"]]
        steps = hrm.episode["steps"]
        pick = next((i for i, s in enumerate(steps) if s["event"] == "picked"), len(steps) // 3) + 1   # key held
        tick_time = (self.cue("door") - self.cue("key")) / (len(steps) - pick)
        start = self.cue("key") - pick * tick_time
        self.wait_until_time(start)
        lights = {self.cue("four"): [lane.name.animate.set_color(PALETTE.text) for lane in solved],
                  self.cue("untrained"): [by_variant["untrained"].name.animate.set_color(PALETTE.text)],
                  self.cue("frozen"): [by_variant["freeze_planner"].name.animate.set_color(PALETTE.text)]}
        ticks = max((len(lane.episode["steps"]) for lane in solved), default=len(steps))
        for i in range(ticks):
            until = start + (i + 1) * tick_time
            anims = [a for lane in lanes for a in lane.advance(i, tick_time)]
            anims += [a for t in sorted(lights) if t < until for a in lights.pop(t)]
            anims += [lane.verdict() for lane in solved if len(lane.episode["steps"]) == i + 1]
            self.play_until(until, *anims)

        # Section: a labelled fast-forward takes the two that fail to the step limit as the voice names it
        labels = [text("fast-forward", SIZE.small, PALETTE.muted).next_to(lane.count, RIGHT, buff=0.45)
                  for lane in failed]
        self.play(*[FadeIn(label) for label in labels], run_time=self.whole_frames(MOTION.fade))
        rest = range(ticks, max(len(lane.episode["steps"]) for lane in failed))
        start, end = self.now, min(self.cue("limit"), self.length - 0.5)   # at the limit as the voice says it
        plays = max(1, min(len(rest), int((end - start) / self.frame)))
        for k in range(plays):
            chunk = rest[len(rest) * k // plays:len(rest) * (k + 1) // plays]
            self.play_until(start + (end - start) * (k + 1) / plays,
                            *[a for lane in failed for j in chunk for a in lane.advance(j, self.frame, fast=True)])
        self.play_until(self.now + MOTION.fade, *[FadeOut(label) for label in labels],
                        *[lane.verdict() for lane in failed])
