"""Part "Training" (segments 17-21): the two stages, the demonstrations, the learning loop, the model's beliefs,
and the same start before and after — every curve, count, probability and rollout read from the recording."""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Circle, Create, Dot, FadeIn, FadeOut,
                   FadeTransform, GrowArrow, GrowFromEdge, LaggedStart, Line, Rectangle, RoundedRectangle,
                   ShowPassingFlash, Succession, Transform, VGroup, VMobject)

from scenes.charts import LineChart
from scenes.icons import key as key_icon
from scenes.icons import tick
from scenes.panel import ACTIONS, SUBGOALS, HrmPanel, ProbBars
from scenes.segment import SHOWCASE, SegmentScene
from scenes.style import CONTENT_BOTTOM, CONTENT_TOP, MOTION, PALETTE, SAFE_X, SIZE, mono, pct, switch, text
from scenes.track import DemoCard, StepCounter, WorldTrack, backdrop, route

# Helpers (candidates for the toolkit)

def wrong_steps(snapshot: dict) -> tuple[int, int]:
    """(wrong sub-goals, wrong actions) of a snapshot on all demonstration steps: the Planner's and the Doer's."""
    steps = [s for demo in snapshot["demos"] for s in demo["steps"]]
    return sum(not s["planner_ok"] for s in steps), sum(not s["doer_ok"] for s in steps)


class SkillRow(VGroup):
    """One base-stage example as the Doer gets it: the sub-goal it is handed (left), the made-up row (the mark the
    sub-goal names, outlined in the Planner's colour, and a distracting mark of the other kind; a carried key rides
    above the agent) and the action it is taught (right), which `act` plays on the row."""

    def __init__(self, example: dict, n_cells: int, cell: float = 0.3):
        super().__init__()
        self.example = example
        agent, key_cell, door = example["agent"], example["key"], example["door"]
        self.track = WorldTrack([agent, agent if key_cell is None else key_cell, agent if door is None else door],
                                n_cells, cell=cell, numbers=False, chip=False)
        # At this size the icons' fixed stroke widths would blot the key out (as on a DemoCard).
        self.track.key.set_stroke(width=3.5).scale(1.6)
        self.track.agent.scale(1.3)
        self.track.remove(*([self.track.key] if key_cell is None else []),
                          *([self.track.door] if door is None else []))
        target = key_cell if example["subgoal"] == "go_to_key" else door
        self.target = self.track.cells[target].copy().set_fill(opacity=0).set_stroke(PALETTE.planner, 4)
        self.carried = None
        if example["holding_key"]:
            self.carried = self.track.key.copy().scale(0.7).move_to(self.above_head()).set_z_index(3)
        self.subgoal = mono(example["subgoal"], SIZE.small, PALETTE.planner)
        self.action = mono(example["action"], SIZE.small, PALETTE.doer)
        self.add(self.track, self.target, *([self.carried] if self.carried else []))

    def above_head(self):
        return self.track.agent.get_top() + UP * self.track.cell * 0.3

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
            effect = [track.key.animate.scale(0.7).move_to(self.above_head())]
        else:
            # as on the full track: the key is used up and the agent steps aside to show the open door
            effect = [Transform(track.door, track.door.opened()), track.agent.animate.shift(LEFT * track.cell * 0.3),
                      *([self.carried.animate.set_stroke(opacity=0)] if self.carried else [])]
        return AnimationGroup(FadeIn(self.action, shift=RIGHT * 0.15), *effect)


def skill_examples(skills: list[dict]) -> list[dict]:
    """The first recorded base-stage example of each sub-goal, in sub-goal order."""
    return [next(ex for ex in skills if ex["subgoal"] == name) for name in SUBGOALS
            if any(ex["subgoal"] == name for ex in skills)]


def skill_table(examples: list[dict], n_cells: int, row_gap: float = 0.5, buff: float = 0.18) -> VGroup:
    """The examples stacked, rows centred, sub-goals in a right-aligned column on their left and actions in a
    left-aligned column on their right; the whole table centred on the origin."""
    rows = [SkillRow(ex, n_cells) for ex in examples]
    for i, row in enumerate(rows):
        row.move_to([0, -i * row_gap, 0])
    left = rows[0].track.cells.get_left()[0] - buff
    right = rows[0].track.cells.get_right()[0] + buff
    for row in rows:
        row.place_tokens(left, right)
    table = VGroup(*[VGroup(row, row.subgoal, row.action) for row in rows])
    table.shift(-table.get_center())
    table.rows = rows
    return table


class Tally(VGroup):
    """A bucket of training targets: a titled box with one bar per token, its length the token's count."""

    def __init__(self, title: str, names: tuple[str, ...], counts: dict, color: str, width: float = 3.3,
                 height: float = 2.75, bar_max: float = 0.9):
        super().__init__()
        self.title = text(title, SIZE.small, color, weight="BOLD")
        self.rows = VGroup()
        peak = max(counts.values())
        for name in names:
            label = mono(name, SIZE.small, PALETTE.text)
            bar = Rectangle(width=max(0.02, bar_max * counts.get(name, 0) / peak), height=0.24, stroke_width=0,
                            fill_color=color, fill_opacity=1)
            self.rows.add(VGroup(label, bar, text(str(counts.get(name, 0)), SIZE.small, PALETTE.muted)))
        label_w = max(r[0].width for r in self.rows)
        for i, (label, bar, count) in enumerate(self.rows):
            y = -i * 0.42
            label.move_to([label_w - label.width / 2, y, 0])
            bar.move_to([label_w + 0.2 + bar.width / 2, y, 0])
            count.next_to(bar, RIGHT, buff=0.12)
        content = VGroup(self.title, self.rows).arrange(DOWN, buff=0.3)
        self.box = RoundedRectangle(width=width, height=height, corner_radius=0.2, stroke_color=color,
                                    stroke_width=3, fill_color=PALETTE.panel, fill_opacity=1)
        content.move_to(self.box).align_to(self.box.get_top() + DOWN * 0.35, UP)
        self.add(self.box, self.title, self.rows)

    def fill(self) -> AnimationGroup:
        """The bars grow from their left ends and their counts appear."""
        return AnimationGroup(*[AnimationGroup(GrowFromEdge(bar, LEFT), FadeIn(count)) for _, bar, count in self.rows])

    def empty(self) -> VGroup:
        """Everything but the bars and counts: what is shown before the targets arrive."""
        return VGroup(self.box, self.title, *[label for label, _, _ in self.rows])


def held_out_grid(layouts: list[list[int]], n_cells: int, columns: int = 9, width: float = 0.42) -> VGroup:
    """One small grey tile per held-out layout: where the agent (light) and the key (dark) start."""
    tiles = VGroup()
    for agent, key_cell, _ in layouts:
        tile = RoundedRectangle(width=width, height=0.22, corner_radius=0.05, stroke_width=0,
                                fill_color=PALETTE.panel_edge, fill_opacity=1)
        def x(i: int) -> float:
            return tile.get_left()[0] + 0.03 + (i + 0.5) * (width - 0.06) / n_cells

        tiles.add(VGroup(tile, Dot([x(agent), 0, 0], radius=0.035, color=PALETTE.text),
                         Dot([x(key_cell), 0, 0], radius=0.035, color=PALETTE.muted)))
    return tiles.arrange_in_grid(cols=columns, buff=(0.08, 0.08))


class ErrorStrip(VGroup):
    """One module's wrong steps on the demonstrations, one bar per epoch, with the latest count beside its name.
    The name starts muted and is lit when the voice comes to it."""

    def __init__(self, name: str, color: str, counts: list[int], peak: int, bar_w: float = 0.15,
                 bar_gap: float = 0.07, max_h: float = 0.95):
        super().__init__()
        self.color, self.counts = color, counts
        self.name = text(name, SIZE.small, PALETTE.muted)
        self.value = text(str(counts[0]), SIZE.label, color, weight="BOLD")
        n = len(counts)
        self.baseline = Line(LEFT * (n * (bar_w + bar_gap) / 2), RIGHT * (n * (bar_w + bar_gap) / 2),
                             stroke_color=PALETTE.muted, stroke_width=2)
        self.bar_w, self.bar_gap = bar_w, bar_gap
        self.bars = [Rectangle(width=bar_w, height=max(0.001, max_h * c / peak), stroke_width=0, fill_color=color,
                               fill_opacity=1) for c in counts]
        self.name.next_to(self.baseline, UP, buff=max_h + 0.2).align_to(self.baseline, LEFT)
        self.value.next_to(self.name, RIGHT, buff=0.3).align_to(self.name, DOWN)
        self.add(self.baseline, self.place(0), self.name, self.value)

    def place(self, epoch: int) -> Rectangle:
        """Epoch `epoch`'s bar on the baseline, wherever the strip now is (later bars join the group as they
        grow)."""
        slot = self.baseline.get_left() + RIGHT * ((epoch + 0.5) * (self.bar_w + self.bar_gap))
        return self.bars[epoch].move_to(slot, aligned_edge=DOWN)

    def show(self, epoch: int) -> AnimationGroup:
        """Epoch `epoch`'s bar grows and the count changes to it."""
        new = text(str(self.counts[epoch]), SIZE.label, self.color, weight="BOLD")
        new.move_to(self.value, aligned_edge=LEFT)
        self.add(self.place(epoch))
        return AnimationGroup(GrowFromEdge(self.bars[epoch], DOWN), switch(self.value, new))

    def light(self) -> AnimationGroup:
        return self.name.animate.set_color(self.color)


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
    voice names (`levels`), and what the bars are underneath. Bars start muted; `mark` lights one bar and its tick."""

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
                                  stroke_color=PALETTE.panel_edge, stroke_width=1) for v in levels])
        self.ticks = {v: text(act_format(v), SIZE.small, PALETTE.muted)
                      .next_to([left, max_h * v / peak, 0], LEFT, buff=0.12) for v in levels}
        self.title = VGroup(text("thinking steps", SIZE.small), text("per move (ACT)", SIZE.small),
                            text(source, SIZE.small, PALETTE.muted)).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        self.labels = self.stage_labels(snapshots)
        body = VGroup(*self.ticks.values(), self.baseline, self.labels, self.bars)
        self.title.next_to(body, LEFT, buff=0.4)
        # Highlights made now, at full height, and moved with the chart (which is shown piece by piece, never
        # whole): a bar's own .animate would fight its growth in `ThoughtBubbles`.
        self.lit = VGroup(*[bar.copy() for bar in self.bars])
        self.lit_ticks = {v: tick_mark.copy() for v, tick_mark in self.ticks.items()}
        self.add(self.grid, self.baseline, *self.ticks.values(), self.title, self.labels, self.bars, self.lit,
                 *self.lit_ticks.values())

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

    def mark(self, i: int, color: str) -> list:
        """Bar i and the tick of its level lit in `color`: single animations, to run with `later`."""
        anims = [FadeIn(self.lit[i].set_fill(color))]
        if self.values[i] in self.lit_ticks:
            anims.append(FadeIn(self.lit_ticks[self.values[i]].set_color(color)))
        return anims


class Lane(VGroup):
    """One side of the synchronized comparison: a heading, where the episode comes from, a track, a step counter and
    a reference number, on a panel of its own."""

    def __init__(self, episode: dict, heading: str, origin: str, reference: str, width: float = 11.6):
        super().__init__()
        self.episode = episode
        self.track = WorldTrack(episode["layout"], cell=0.9, numbers=False, chip=False)
        self.heading = text(heading, SIZE.label, weight="BOLD")
        self.origin = text(origin, SIZE.small, PALETTE.muted)
        self.counter = StepCounter()
        self.reference = text(reference, SIZE.small, PALETTE.muted)
        top = VGroup(VGroup(self.heading, self.origin).arrange(RIGHT, buff=0.35, aligned_edge=DOWN),
                     VGroup(self.counter, self.reference).arrange(RIGHT, buff=0.35, aligned_edge=DOWN))
        top[1].next_to(top[0], RIGHT, buff=width - top[0].width - top[1].width)
        content = VGroup(top, self.track).arrange(DOWN, buff=0.4)
        # Room below the track for the visit dots of a long episode.
        self.panel = RoundedRectangle(width=width + 0.7, height=content.height + 1.3, corner_radius=0.2,
                                      stroke_color=PALETTE.panel_edge, stroke_width=2, fill_color=PALETTE.panel,
                                      fill_opacity=0.5).move_to(content).shift(DOWN * 0.32)
        self.add(self.panel, content)

    def advance(self, i: int) -> list:
        """Step i of the episode (0-based) with its count, or nothing once the episode has ended."""
        if i >= len(self.episode["steps"]):
            return []
        return [self.track.step(self.episode["steps"][i]), self.counter.set(i + 1)]


def later(scene, at: float, animation) -> None:
    """Start `animation` (a single one, not a group) at scene time `at` and let it run alongside whatever is played
    then, across many short plays. Progress is read from the scene clock: Manim's own turn_animation_into_updater
    counts frame deltas, which lose a frame at the start of every play and fall seconds behind over forty plays."""
    animation.suspend_mobject_updating = False
    animation.begin()

    def update(mob, dt):
        alpha = (scene.now - at) / animation.get_run_time()
        if alpha >= 1:
            animation.finish()
            mob.remove_updater(update)
        elif alpha >= 0:
            animation.interpolate(alpha)

    animation.mobject.add_updater(update)
    scene.add(animation.mobject)


def stage_header(number: str, name: str) -> VGroup:
    """A numbered stage on the timeline; drawn muted, brightened when the voice names it."""
    badge = Circle(radius=0.27, stroke_color=PALETTE.muted, stroke_width=3)
    digit = text(number, SIZE.small, PALETTE.muted, weight="BOLD").move_to(badge)
    return VGroup(VGroup(badge, digit), text(name, SIZE.label, PALETTE.muted, weight="BOLD")).arrange(RIGHT, buff=0.25)


def percent_chart(x_max: float, x_label: str, width: float = 4.2, height: float = 1.5) -> LineChart:
    return LineChart(x_max, (0.0, 1.0), width, height, x_label, y_ticks=(0, 1), y_format=pct,
                     x_ticks=(0, x_max))


# Segment 17

class Overview(SegmentScene):
    """The two stages as a timeline: the base stage (real skill examples — a sub-goal, a made-up row, the action
    taught — and its real Doer-accuracy curve), then fine-tuning on the demonstrations (a real demonstration's
    route, the real held-out success curve)."""
    segment = "17-viz-overview"
    column_x = 3.3

    def body(self):
        curves, summary = self.rec.curves, self.rec.summary

        # Section: the timeline and two empty stage panels
        base_head, fine_head = stage_header("1", "base stage"), stage_header("2", "fine-tuning")
        for head, x in ((base_head, -self.column_x), (fine_head, self.column_x)):
            head.move_to([x, 0, 0]).shift(UP * (2.55 - head[0].get_y()))   # badges level, whatever the letters
        timeline = Arrow(base_head.get_right(), fine_head.get_left(), buff=0.35, color=PALETTE.muted,
                         stroke_width=4)
        panels = VGroup(*[RoundedRectangle(width=6.1, height=4.7, corner_radius=0.2, stroke_color=PALETTE.panel_edge,
                                           stroke_width=2, fill_color=PALETTE.panel, fill_opacity=1)
                          .move_to([x, -0.35, 0]) for x in (-self.column_x, self.column_x)])
        base_chart = percent_chart(curves["hrm_base"][-1]["step"], "optimizer steps", height=1.2)
        fine_chart = percent_chart(summary["epochs"], "epoch", height=1.2)
        for chart, x in ((base_chart, -self.column_x), (fine_chart, self.column_x)):
            chart.shift([x + 0.35, -1.15, 0] - chart.to_scene(chart.x_max / 2, 0.5))   # plots level, centred
        self.play_until(self.cue("two"), FadeIn(VGroup(base_head, fine_head)), GrowArrow(timeline))
        self.play_until(self.cue("stages") + 0.4, FadeIn(VGroup(panels, base_chart, fine_chart)))

        # Section: the base stage, named; its Doer-accuracy curve drawn as the voice describes it
        self.play_until(self.cue("base") + 0.5, self.brighten(base_head))
        base = curves["hrm_base"]
        base_curve = base_chart.grow("doer_acc", [r["step"] for r in base], [r["doer_acc"] for r in base],
                                     PALETTE.doer)
        base_title = self.chart_title("Doer accuracy", PALETTE.doer, base_chart)
        self.play_until(self.cue("skills"), *base_curve, FadeIn(base_title))

        # Section: its skills, one recorded example per sub-goal; each taught action is then done on its row
        table = skill_table(skill_examples(self.rec.dataset["skills"]), summary["n_cells"])
        table.move_to([-self.column_x, 0.67, 0])
        made_up = text("on made-up rows", SIZE.small).move_to([-self.column_x, 1.68, 0])
        self.play_until(self.cue("skills") + 0.6, FadeIn(made_up), LaggedStart(*[FadeIn(VGroup(row, row.subgoal))
                                                                 for row in table.rows], lag_ratio=0.3))
        self.play_until(self.cue("then") - 0.1, LaggedStart(*[row.act() for row in table.rows], lag_ratio=0.3))

        # Section: fine-tuning on the demonstrations, and a preview of its held-out success curve
        demo = self.demonstration()
        real = WorldTrack(demo["layout"], cell=0.5, numbers=False, chip=False).move_to([self.column_x, 0.95, 0])
        on_demos = text(f"on {summary['n_train']} demonstrations", SIZE.small).move_to([self.column_x, 1.68, 0])
        self.play_until(self.cue("fine_tuning") + 0.4, self.brighten(fine_head), FadeIn(real), FadeIn(on_demos))
        hrm = curves["hrm"]
        fine_curve = fine_chart.grow("heldout_success", [r["epoch"] for r in hrm], [r["heldout_success"] for r in hrm],
                                     PALETTE.success)
        fine_title = self.chart_title("held-out solved", PALETTE.success, fine_chart)
        end_value = text(pct(hrm[-1]["heldout_success"]), SIZE.small, PALETTE.success).next_to(
            fine_chart.to_scene(hrm[-1]["epoch"], hrm[-1]["heldout_success"]), UP, buff=0.15, aligned_edge=RIGHT)
        self.play_until(min(self.cue("task") + 0.5, self.length - 0.3), *fine_curve, FadeIn(fine_title),
                        Create(route(real, demo["layout"])))
        self.play(FadeIn(end_value), FadeIn(self.source(f"held-out layouts, n = {summary['n_heldout']}")),
                  run_time=self.whole_frames(min(MOTION.fade, self.remaining())))

    def brighten(self, header: VGroup) -> AnimationGroup:
        badge, name = header
        return AnimationGroup(badge[0].animate.set_stroke(PALETTE.text), badge[1].animate.set_color(PALETTE.text),
                              name.animate.set_color(PALETTE.text))

    @staticmethod
    def chart_title(name: str, color: str, chart: LineChart):
        """The series' name just above the plot's top-left corner (labelled lines, no legend)."""
        return text(name, SIZE.small, color).next_to(chart.to_scene(0, 1), UP, buff=0.12, aligned_edge=LEFT)

    def demonstration(self) -> dict:
        """A real demonstration, preferably of a layout the film also shows elsewhere (a showcase layout)."""
        train = self.rec.dataset["train"]
        layouts = [s["layout"] for s in self.rec.dataset["showcase"] if s["in_train"]]
        return next((d for d in train if layouts and d["layout"] == layouts[0]), train[0])


# Segment 18

class TrainingData(SegmentScene):
    """The real demonstrations dealt as cards, their step-by-step targets poured into a Planner bucket and a Doer
    bucket, and the held-out layouts set aside as grey tiles."""
    segment = "18-training-data"

    def body(self):
        data, summary = self.rec.dataset, self.rec.summary

        # Section: the deck of demonstrations, dealt onto the table
        cards = VGroup(*[DemoCard(demo) for demo in data["train"]])
        table = cards.copy().arrange_in_grid(rows=2, buff=(0.2, 0.18)).move_to([0, 1.72, 0])
        for card in cards:
            card.route.set_opacity(0)
            card.steps.set_opacity(0)
        deck = VGroup(*[card.move_to(UP * 0.3 + (RIGHT + DOWN) * 0.04 * i) for i, card in enumerate(cards)])
        self.play(FadeIn(VGroup(*reversed(deck)), shift=UP * 0.3), run_time=MOTION.move)   # card 0 on top
        self.wait_until_time(self.cue("n_train"))
        self.play_until(self.cue("each"), LaggedStart(*[card.animate.move_to(spot) for card, spot in zip(cards, table)],
                                                      lag_ratio=0.12))

        # Section: each card's shortest route, and the two buckets of targets
        planner = Tally("Planner targets", SUBGOALS, self.count(data["train"], "subgoal"), PALETTE.planner)
        doer = Tally("Doer targets", ACTIONS, self.count(data["train"], "action"), PALETTE.doer)
        grid = held_out_grid(data["heldout"], data["n_cells"])
        grid_title = text(f"{summary['n_heldout']} held-out layouts", SIZE.small, PALETTE.text)
        testing = text("kept back for testing", SIZE.small, PALETTE.muted)
        held_out = VGroup(grid_title, grid, testing).arrange(DOWN, buff=0.15)
        # The bottom row spans the table's width: buckets under its left part, the held-out tiles at its right.
        gap = (table.width - planner.width - doer.width - held_out.width) / 2
        VGroup(planner, doer, held_out).arrange(RIGHT, buff=gap, aligned_edge=UP).set_x(table.get_x())
        VGroup(planner, doer, held_out).align_to(table.get_bottom() + DOWN * 0.4, UP)
        self.play_until(self.cue("way") + 0.25, *[Create(card.route.set_opacity(1)) for card in cards],
                        *[FadeIn(card.steps.set_opacity(1)) for card in cards],
                        FadeIn(VGroup(planner.empty(), doer.empty())))
        self.play_until(self.cue("other"), self.pour(cards, planner, PALETTE.planner),
                        self.pour(cards, doer, PALETTE.doer), planner.fill(), doer.fill())

        # Section: the held-out layouts, set aside for testing
        self.play_until(min(self.cue("n_heldout") + 0.9, self.cue("kept")), FadeIn(grid_title),
                        LaggedStart(*[FadeIn(tile, scale=0.6) for tile in grid], lag_ratio=0.03))
        self.wait_until_time(self.cue("kept"))
        self.play_until(min(self.cue("testing") + 0.5, self.length - 0.2), FadeIn(testing),
                        # a veil dims all tiles at once (cheaper than fading 186 mobjects)
                        FadeIn(backdrop(grid, pad=0.05).set_stroke(width=0).set_fill(PALETTE.background, 0.5)),
                        FadeIn(self.source(f"mirrored copies double the targets: {summary['n_demo_states']} states")))

    @staticmethod
    def count(demos: list[dict], field: str) -> dict:
        counts: dict = {}
        for demo in demos:
            for step in demo["steps"]:
                counts[step[field]] = counts.get(step[field], 0) + 1
        return counts

    @staticmethod
    def pour(cards: VGroup, bucket: Tally, color: str) -> LaggedStart:
        """One token per card flies into the bucket and dissolves there: the card's targets, delivered."""
        def token_flight(card):
            dot = Dot(card.get_center(), radius=0.1, color=color)
            return Succession(FadeIn(dot, scale=0.5), dot.animate.move_to(bucket.rows.get_center()), FadeOut(dot))
        return LaggedStart(*[token_flight(card) for card in cards], lag_ratio=0.1)


# Segment 19

class LearningProcess(SegmentScene):
    """Epoch by epoch: the Planner box pulses red and the Doer box orange where the model still got demonstration
    steps wrong, their wrong-step counts fall to zero, and the real loss and held-out curves follow. Then the
    Doer's error travels back up the sub-goal arrow into the Planner: the action loss's gradient reaches the
    Planner through the sub-goal (measured on every seed, summary.checks.planner_grad)."""
    segment = "19-learning-process"

    def body(self):
        rec = self.rec
        rows = rec.curves["hrm"]
        epochs = len(rows) - 1
        # Snapshot e is the model after e epochs; epoch 0 is the base stage's result, where fine-tuning starts.
        snaps = [rec.snapshot("after base stage")] + [s for s in rec.snapshots if s["stage"] == "finetune"]
        wrong = [wrong_steps(s) for s in snaps]

        # Section: the panel, the two error strips, the two charts, all at epoch 0
        panel = HrmPanel()
        panel.remove(panel.output_arrow)
        panel.move_to([-4.3, 0.3, 0])
        peak = max(max(w) for w in wrong)
        planner_strip = ErrorStrip("wrong sub-goals", PALETTE.planner_error, [w[0] for w in wrong], peak)
        doer_strip = ErrorStrip("wrong actions", PALETTE.doer_error, [w[1] for w in wrong], peak)
        planner_strip.move_to([-0.4, panel.planner.get_y(), 0])
        doer_strip.move_to([-0.4, panel.doer.get_y(), 0])
        loss_max = max(max(r["planner_loss"], r["doer_loss"]) for r in rows)
        loss = LineChart(epochs, (0, loss_max), 3.8, 1.45, "epoch", y_ticks=(0, 1), x_ticks=())
        loss.remove(loss.x_label)   # the chart below names the shared epoch axis
        loss.move_to([4.45, 1.6, 0])
        solved = LineChart(epochs, (0, 1), 3.8, 1.45, "epoch", y_ticks=(0, 1), y_format=pct, x_ticks=(0, epochs))
        solved.move_to([4.45, -1.15, 0])
        series = [(loss, "planner_loss", PALETTE.planner), (loss, "doer_loss", PALETTE.doer),
                  (solved, "heldout_success", PALETTE.success)]
        dots = [chart.marker(0, rows[0][field], color) for chart, field, color in series]
        titles = VGroup(
            VGroup(text("Planner loss", SIZE.small, PALETTE.planner), text("Doer loss", SIZE.small, PALETTE.doer))
            .arrange(RIGHT, buff=0.4).next_to(loss.to_scene(0, loss_max), UP, buff=0.2, aligned_edge=LEFT),
            text("held-out solved", SIZE.small, PALETTE.success).next_to(solved.to_scene(0, 1), UP, buff=0.2,
                                                                          aligned_edge=LEFT))
        clock = text(f"epoch 0 / {epochs}", SIZE.label).move_to([-0.4, -2.1, 0])
        self.play_until(self.cue("pass"), FadeIn(panel), FadeIn(VGroup(planner_strip, doer_strip)),
                        FadeIn(VGroup(loss, solved, titles, clock, *dots)))

        # Section: the passes. Pass e corrects the mistakes the model made going in (snapshot e-1) and leaves
        # the counts of snapshot e; each strip's name lights up as the voice comes to it.
        start, end = self.now, min(self.cue("doer") + 0.4, self.cue("flows") - 0.3)
        lights = {self.cue("planner"): planner_strip.light(), self.cue("action"): doer_strip.light()}
        for e in range(1, epochs + 1):
            until = start + (end - start) * e / epochs
            anims = [planner_strip.show(e), doer_strip.show(e),
                     switch(clock, text(f"epoch {e} / {epochs}", SIZE.label).move_to(clock))]
            if wrong[e - 1][0]:
                anims.append(panel.planner.pulse(PALETTE.planner_error))
            if wrong[e - 1][1]:
                anims.append(panel.doer.pulse(PALETTE.doer_error))
            for chart, field, color in series:
                anims.append(Create(chart.line([e - 1, e], [rows[e - 1][field], rows[e][field]], color)))
            anims += [dot.animate.move_to(chart.to_scene(e, rows[e][field]))
                      for dot, (chart, field, _) in zip(dots, series)]
            anims += [lights.pop(t) for t in sorted(lights) if t < until]
            self.play_until(until, *anims)
        n_steps = sum(len(d["steps"]) for d in snaps[0]["demos"])
        self.play_until(self.cue("flows") - 0.75, FadeIn(self.source(f"demonstration steps, n = {n_steps}")),
                        *lights.values())

        # Section: the Doer's error flows back up the sub-goal arrow (against it, as the gradient does) into the
        # Planner, with the measurement that says it really arrives
        grads = rec.summary["checks"]["planner_grad"]["values"]
        note = text(f"action loss → Planner: gradient > 0 in {sum(g > 0 for g in grads)} of {len(grads)} runs",
                    SIZE.small, PALETTE.muted)
        note.move_to([-SAFE_X + note.width / 2, CONTENT_BOTTOM + note.height / 2, 0])
        at_doer, at_planner = panel.down_arrow.get_end(), panel.down_arrow.get_start()
        error = Dot(at_doer, radius=0.14, color=PALETTE.doer_error).set_z_index(5)
        trail = Line(at_doer, at_planner, stroke_color=PALETTE.doer_error, stroke_width=12)
        self.play_until(self.cue("flows"), panel.doer.pulse(PALETTE.doer_error))
        self.add(error)   # leaves the Doer as its pulse ends
        self.play_until(self.cue("flows") + 0.6, error.animate.move_to(at_planner),
                        ShowPassingFlash(trail, time_width=0.8), FadeIn(note))
        self.play_until(self.cue("flows") + 1.2, panel.planner.pulse(PALETTE.doer_error), FadeOut(error))


# Segment 20

class ThoughtBubbles(SegmentScene):
    """The recorded probabilities at one start state, untrained then trained: the bars sharpen. Then the trained
    agent walks its recorded episode and the bubble follows it, updating at every step, while ACT's thinking steps
    per move are charted over the whole run, untrained to final."""
    segment = "20-thought-bubbles"

    def body(self):
        rec = self.rec
        final = rec.snapshot("final")
        episode = rec.showcase(final, SHOWCASE)
        # The untrained model at the very same start state: step 0 of its episode on the same layout.
        untrained_start = rec.showcase(rec.snapshot("untrained"), episode["layout"])["steps"][0]

        # Section: the row, then the bubble with the untrained model's probabilities
        track = WorldTrack(episode["layout"], cell=0.8, numbers=False, chip=False).move_to([0, -1.3, 0])
        bubble = WideBubble().move_to([0, 1.45, 0])

        def above_agent():   # where the agent stands once the step being built has been played
            return track.center_of(track.position) + UP * (track.agent.height / 2 + 0.12)

        bubble.point_at(above_agent())
        who = text("untrained", SIZE.label, PALETTE.muted).next_to(bubble.cloud, DOWN, buff=0.3)
        who.align_to(bubble.cloud, LEFT).shift(RIGHT * 0.3)
        self.play_until(self.cue("bubbles"), FadeIn(track))
        self.play_until(self.cue("bubbles") + 0.5, FadeIn(bubble, scale=0.9), FadeIn(who))
        self.play_until(self.cue("probabilities") + 0.6, bubble.set(untrained_start))

        # Section: the same state after training: the bars sharpen
        trained = text("trained", SIZE.label, PALETTE.success).move_to(who, aligned_edge=LEFT)
        self.play_until(self.cue("training") + 0.6, bubble.set(episode["steps"][0]),
                        FadeTransform(who, trained))   # a cross-fade: a morphing word reads as garbage half-way

        # ACT's story, set to run alongside the episode: at "thinks" the bars of every snapshot grow and the final
        # model's lights up; at "four" the untrained model's.
        untrained, now = rec.summary["untrained"]["heldout_act_segments"], rec.summary["hrm"]["heldout_act_segments"]
        chart = ThinkingSteps(rec.snapshots, (now, untrained), f"held-out, n = {rec.summary['n_heldout']}")
        chart.move_to([0, 0, 0]).shift(UP * (-2.55 - chart.baseline.get_y()))
        thinks, four = self.cue("thinks"), self.cue("four")
        later(self, thinks, FadeIn(VGroup(chart.grid, chart.baseline, *chart.ticks.values(), chart.title, chart.labels),
                                   run_time=MOTION.fade))
        for i, bar in enumerate(chart.bars):
            later(self, thinks + 0.04 * i, GrowFromEdge(bar, DOWN, run_time=MOTION.fade))
        for anim in chart.mark(len(chart.bars) - 1, PALETTE.success):
            later(self, thinks + 0.45, anim.set_run_time(MOTION.fade))
        for anim in chart.mark(0, PALETTE.text):
            later(self, four, anim.set_run_time(MOTION.fade))

        # Section: the trained episode; the bubble follows the agent and shows each decision
        steps = episode["steps"]
        start, end = self.now, self.length - 0.35
        for i, step in enumerate(steps):
            until = start + (end - start) * (i + 1) / len(steps)
            anims = [track.step(step, run_time=until - self.now)]
            if i + 1 < len(steps):
                anims += [bubble.set(steps[i + 1]), bubble.follow(above_agent())]
            self.play_until(until, *anims)


# Segment 21

class BeforeAfter(SegmentScene):
    """Seed 003's synchronized comparison: the untrained and the trained model start from the same state and step
    together, one recorded step per tick. The trained one opens the door and shows its route; the untrained one
    wanders until the step limit."""
    segment = "21-before-after"

    def body(self):
        rec = self.rec
        before = rec.showcase(rec.snapshot("untrained"), SHOWCASE)
        after = rec.showcase(rec.snapshot("final"), SHOWCASE)
        limit = rec.summary["max_steps"]
        top = Lane(before, "Before training", "untrained · sampled", f"limit: {limit}")
        bottom = Lane(after, "After training", "trained · greedy", f"optimal: {after['optimal_steps']}")
        top.shift(UP * (CONTENT_TOP - 0.08 - top.panel.get_top()[1]))
        bottom.shift(UP * (top.panel.get_bottom()[1] - 0.2 - bottom.panel.get_top()[1]))

        # Section: the same start, twice
        self.play_until(self.cue("start") + 0.3, FadeIn(top), FadeIn(bottom))

        # Section: both step together, one recorded step per tick; the wandering leaves dots under its cells
        # The trained route is drawn as the voice follows it: to the key, then to the door.
        legs = route(bottom.track, after["layout"])
        # By then the key is in the opened door: a faint key marks where the route picked it up.
        faint_key = key_icon(bottom.track.cell * 0.5).move_to(bottom.track.center_of(after["layout"][1]))
        later(self, self.cue("key"), Create(legs[0], run_time=MOTION.move))
        later(self, self.cue("key"), FadeIn(faint_key.set_stroke(opacity=0.45), run_time=MOTION.move))
        later(self, self.cue("door"), Create(legs[1], run_time=MOTION.move))
        ticks = max(len(before["steps"]), len(after["steps"]))
        start, end = self.now, self.length - 0.55
        for i in range(ticks):
            anims = top.advance(i) + bottom.advance(i)
            if i < len(before["steps"]):
                anims.append(FadeIn(top.track.visit_dot(before["steps"][i]["agent"])))
            if i + 1 == len(after["steps"]):
                later(self, start + (end - start) * (i + 1) / ticks, self.verdict(bottom))
            self.play_until(start + (end - start) * (i + 1) / ticks, *anims)
        self.play_until(self.length - 0.1, self.verdict(top))

    @staticmethod
    def verdict(lane: Lane):
        """'solved' with a tick, or a red 'not solved', after the lane's heading."""
        if lane.episode["success"]:
            word = text("solved", SIZE.small, PALETTE.success)
            mark = VGroup(word, tick(0.35).next_to(word, RIGHT, buff=0.15))
        else:
            mark = text("not solved", SIZE.small, PALETTE.planner_error)
        mark.next_to(lane.origin, RIGHT, buff=0.4).align_to(lane.origin, DOWN)
        return FadeIn(mark, scale=0.7, run_time=MOTION.fade)
