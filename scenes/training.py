"""Part "Training" (segments 17-21): the two stages, the demonstrations, the learning loop, the model's beliefs,
and the same start before and after — every curve, count, probability and rollout read from the recording."""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Circle, Create, Dot, FadeIn, FadeOut, GrowArrow,
                   GrowFromEdge, LaggedStart, Line, Rectangle, RoundedRectangle, Succession, Transform, VGroup)

from scenes.charts import LineChart
from scenes.icons import key as key_icon
from scenes.icons import tick
from scenes.panel import ACTIONS, SUBGOALS, HrmPanel, ProbBars
from scenes.segment import SHOWCASE, SegmentScene
from scenes.style import CONTENT_TOP, MOTION, PALETTE, SIZE, mono, pct, switch, text
from scenes.track import DemoCard, StepCounter, WorldTrack, backdrop, route

# Helpers (candidates for the toolkit)

def moved(action: str) -> dict:
    """A step record for an illustrative move (the warm-up's marked-cell walk has no recorded episode)."""
    return {"event": "moved", "action": action}


def wrong_steps(snapshot: dict) -> tuple[int, int]:
    """(wrong sub-goals, wrong actions) of a snapshot on all demonstration steps: the Planner's and the Doer's."""
    steps = [s for demo in snapshot["demos"] for s in demo["steps"]]
    return sum(not s["planner_ok"] for s in steps), sum(not s["doer_ok"] for s in steps)


class MarkedCellWalk(VGroup):
    """The warm-up's whole skill: a track with only the agent and one marked cell, and the steps that reach it."""

    def __init__(self, agent: int, mark: int, cell: float = 0.5):
        super().__init__()
        self.track = WorldTrack([agent, mark, mark], cell=cell, numbers=False, chip=False)
        self.track.remove(self.track.key, self.track.door)
        self.mark_cell = self.track.cells[mark]
        self.target = VGroup(Circle(radius=cell * 0.3, stroke_color=PALETTE.text, stroke_width=4),
                             Dot(radius=cell * 0.1, color=PALETTE.text)).move_to(self.mark_cell)
        self.add(self.track, self.target)
        self.steps = [moved("right" if mark > agent else "left")] * abs(mark - agent)

    def arrived(self) -> AnimationGroup:
        """On arrival the mark gives way to a green cell."""
        return AnimationGroup(FadeOut(self.target), self.mark_cell.animate.set_stroke(PALETTE.success, 4))


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
    The name starts muted and is lit when the voice names the module."""

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
    """The two stages as a timeline: the warm-up (walk to a marked cell, its real Doer-accuracy curve), then
    fine-tuning on the demonstrations (a real demonstration's route, the real held-out success curve)."""
    segment = "17-viz-overview"
    column_x = 3.3

    def body(self):
        curves, summary = self.rec.curves, self.rec.summary

        # Section: the timeline and two empty stage panels
        warm_head, fine_head = stage_header("1", "warm-up"), stage_header("2", "fine-tuning")
        for head, x in ((warm_head, -self.column_x), (fine_head, self.column_x)):
            head.move_to([x, 0, 0]).shift(UP * (2.55 - head[0].get_y()))   # badges level, whatever the letters
        timeline = Arrow(warm_head.get_right(), fine_head.get_left(), buff=0.35, color=PALETTE.muted,
                         stroke_width=4)
        panels = VGroup(*[RoundedRectangle(width=6.1, height=4.7, corner_radius=0.2, stroke_color=PALETTE.panel_edge,
                                           stroke_width=2, fill_color=PALETTE.panel, fill_opacity=1)
                          .move_to([x, -0.35, 0]) for x in (-self.column_x, self.column_x)])
        warm_chart = percent_chart(curves["hrm_base"][-1]["step"], "optimizer steps").move_to([-2.95, -1.15, 0])
        fine_chart = percent_chart(summary["epochs"], "epoch").move_to([self.column_x + 0.35, -1.15, 0])
        self.play_until(self.cue("two"), FadeIn(VGroup(warm_head, fine_head)), GrowArrow(timeline))
        self.play_until(self.cue("stages") + 0.4, FadeIn(VGroup(panels, warm_chart, fine_chart)))

        # Section: the warm-up, named; its Doer-accuracy curve drawn as the voice describes it
        walk = self.marked_cell_walk().move_to([-self.column_x, 1.0, 0])
        self.play_until(self.cue("warm_up") + 0.5, self.brighten(warm_head), FadeIn(walk))
        base = curves["hrm_base"]
        warm_curve = warm_chart.grow("doer_acc", [r["step"] for r in base], [r["doer_acc"] for r in base],
                                     PALETTE.doer)
        warm_title = self.chart_title("Doer accuracy", PALETTE.doer, warm_chart)
        self.play_until(self.cue("walking"), *warm_curve, FadeIn(warm_title))

        # Section: walking to a marked cell, step by step
        goal = text("walk to a marked cell", SIZE.small, PALETTE.text).move_to([-self.column_x, 1.68, 0])
        steps = walk.steps
        step_end = self.cue("then") - 0.15
        per = self.whole_frames((step_end - self.now) / len(steps))
        for i, step in enumerate(steps, 1):
            extra = [FadeIn(goal)] if i == 1 else [walk.arrived()] if i == len(steps) else []
            self.play(walk.track.step(step, run_time=per), *extra, run_time=per)

        # Section: fine-tuning on the demonstrations, and a preview of its held-out success curve
        demo = self.demonstration()
        real = WorldTrack(demo["layout"], cell=0.5, numbers=False, chip=False).move_to([self.column_x, 1.0, 0])
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

    def marked_cell_walk(self) -> "MarkedCellWalk":
        """The warm-up's example: two random cells, as the warm-up drew its own, far enough apart to read as a walk."""
        while True:
            agent, mark = self.rng.sample(range(self.rec.summary["n_cells"]), 2)
            if 3 <= abs(mark - agent) <= 4:
                return MarkedCellWalk(agent, mark)

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
    steps wrong, their wrong-step counts fall to zero, and the real loss and held-out curves follow."""
    segment = "19-learning-process"

    def body(self):
        rec = self.rec
        rows = rec.curves["hrm"]
        epochs = len(rows) - 1
        # Snapshot e is the model after e epochs; epoch 0 is the warm-up's result, where fine-tuning starts.
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
        # the counts of snapshot e; the names light up as the voice names each module.
        start, end = self.now, min(self.cue("action") + 0.4, self.length - 0.5)
        lights = {self.cue("planner"): planner_strip.light(), self.cue("doer"): doer_strip.light()}
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
        self.play_until(self.length - 0.2, FadeIn(self.source(f"demonstration steps, n = "
                                                                f"{sum(len(d['steps']) for d in snaps[0]['demos'])}")),
                        *lights.values())


# Segment 20

class ThoughtBubbles(SegmentScene):
    """The recorded probabilities at one start state, untrained then trained: the bars sharpen. Then the trained
    agent walks its recorded episode and the bubble follows it, updating at every step."""
    segment = "20-thought-bubbles"

    def body(self):
        final = self.rec.snapshot("final")
        episode = self.rec.showcase(final, SHOWCASE)
        # The untrained model at the very same start state: step 0 of its episode on the same layout.
        untrained_start = self.rec.showcase(self.rec.snapshot("untrained"), episode["layout"])["steps"][0]

        # Section: the row, then the bubble with the untrained model's probabilities
        track = WorldTrack(episode["layout"], cell=1.0, chip=False).move_to([0, -1.85, 0])
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
        self.play_until(self.cue("training") + 0.6, bubble.set(episode["steps"][0]), Transform(who, trained))

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
