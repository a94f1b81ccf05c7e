"""Part 6, the summary (segments 25-29): the task, the model, the recording, the insight, and where to go next.

Each recap reuses a picture from earlier in the film (the track, the Planner/Doer icon, the black box, the thought
bubble) so the summary reads as a look back; every number is the run's own. Every segment after the first opens on
the picture the one before it ended with, built by the same class, so the part flows instead of cutting to an empty
frame.
"""
from __future__ import annotations

import re

from manim import (DOWN, LEFT, PI, RIGHT, UP, ArcBetweenPoints, Create, FadeIn, FadeOut, FadeTransform, Flash,
                   GrowFromCenter, GrowFromEdge, LaggedStart, Line, RoundedRectangle, VGroup,
                   rate_functions)

from core.recordings import citation
from scenes.charts import LineChart, bar_chart, grow_bars, seed_row
from scenes.icons import lightbulb, mystery_box, person, snowflake, split_lid, swing_open
from scenes.panel import planner_doer, token
from scenes.segment import QUICK, SHOWCASE, SegmentScene, ahead, behind, settle
from scenes.style import PALETTE, SAFE_X, SIZE, mono, outline_flash, pct, switch, text
from scenes.track import backdrop, mini_track
from scenes.training import WideBubble

BARS_NOTE = "held-out layouts · rings = single runs"
SWEEP_NOTE = f"{BARS_NOTE} · thin lines = min to max"


def heldout_note(scene: SegmentScene):
    return scene.source(f"held-out layouts, n = {scene.rec.summary['n_heldout']}")


def subgoal_order(episode: dict) -> list[str]:
    """The Planner's sub-goals in the order an episode used them (consecutive repeats merged)."""
    order: list[str] = []
    for step in episode["steps"]:
        if not order or order[-1] != step["subgoal"]:
            order.append(step["subgoal"])
    return order


# Segment 25

class PlanRecap(VGroup):
    """The followed layout's row with the Planner's recorded plan above it and the two stretches of road: under the
    row to the key, over it to the door. Segment 25 builds it up; segment 26 opens on it.
    Parts: .track, .label, .slots, .tokens, .links, .to_key, .to_door."""

    def __init__(self, episode: dict):
        super().__init__()
        agent, key_cell, door = episode["layout"]
        self.track = mini_track(episode["layout"], 1.05).shift(DOWN * 0.7)
        self.tokens = VGroup(*[token(name, PALETTE.planner) for name in subgoal_order(episode)])
        self.tokens.arrange(RIGHT, buff=0.9)
        self.links = VGroup(*[text("→", SIZE.label, PALETTE.muted).move_to((a.get_right() + b.get_left()) / 2)
                              for a, b in zip(self.tokens, self.tokens[1:])])
        self.slots = VGroup(*[RoundedRectangle(width=t.width, height=t.height, corner_radius=0.2,
                                               stroke_color=PALETTE.panel_edge, stroke_width=3).move_to(t)
                              for t in self.tokens])
        self.label = text("plan", SIZE.small, PALETTE.planner).next_to(self.slots, LEFT, buff=0.4)
        VGroup(self.label, self.slots, self.tokens, self.links).move_to(UP * 1.9)
        self.to_key = self.road(agent, key_cell, DOWN, -1.2, PALETTE.key)
        self.to_door = self.road(key_cell, door, UP, -0.6, PALETTE.door)
        self.add(self.track, self.label, self.slots, self.tokens, self.links, self.to_key, self.to_door)

    def road(self, a: int, b: int, side, angle: float, color: str) -> ArcBetweenPoints:
        """A curved arrow from cell a to cell b, just below or above the row, its head in proportion to a cell."""
        arc = ArcBetweenPoints(self.track.center_of(a) + side * 0.65, self.track.center_of(b) + side * 0.65,
                               angle=angle, stroke_color=color, stroke_width=6)
        return arc.add_tip(tip_length=0.24, tip_width=0.24)


class RecapTask(SegmentScene):
    """The row once more, its key and door lit on their words; the recorded plan fills in as the voice says it:
    first the key, then the door."""
    segment = "25-recap-task"

    def body(self):
        episode = self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)
        _, key_cell, door = episode["layout"]
        plan = PlanRecap(episode)
        track = plan.track

        # "The key and door task": a new part; the cut opens on the row, its key lit on "key", its door on "door"
        self.add(track)
        self.wait_until_time(self.cue("key"))
        self.play_until(self.cue("door"), track.highlight(key_cell, PALETTE.key))
        self.play_until(self.cue("task") + 0.3, track.highlight(door, PALETTE.door))
        # "simple enough to watch": ten cells, one after another
        self.play_until(self.cue("watch") + 0.5, LaggedStart(*[track.highlight(i, PALETTE.muted)
                                                               for i in range(track.n_cells)], lag_ratio=0.3))
        # "Yet it still needs a plan": empty slots for the Planner's sub-goals
        self.wait_until_time(self.cue("plan") - 0.9)
        self.play_until(self.cue("plan") + 0.2, FadeIn(plan.slots), FadeIn(plan.links), FadeIn(plan.label))
        # "first the key, then the door": the recorded sub-goals fill in, each with its stretch of road
        self.wait_until_time(self.cue("plan_key") - 0.5)
        self.play_until(self.cue("plan_key") + 0.4, FadeIn(plan.tokens[0], scale=0.7), Create(plan.to_key),
                        track.highlight(key_cell, PALETTE.key))
        self.play_until(self.cue("plan_door") + 0.5, LaggedStart(*[FadeIn(t, scale=0.7) for t in plan.tokens[1:]],
                                                                 lag_ratio=0.5),
                        Create(plan.to_door), track.highlight(door, PALETTE.door))


# Segment 26

class SweepChart(VGroup):
    """Held-out success against the number of demonstrations for the HRM and the flat model: the mean over the
    sweep's seeds as a line, every count's min-max range as a thin whisker. The counts (1, 2, 3, 5, 10, 20) are
    evenly spaced categories, labelled; the two series sit a hair apart so their whiskers never cover each other.
    Parts: .axes (axes, ticks, labels, the .note above them), .data (the lines, whiskers and end labels; drawn by
    .grow())."""

    SERIES = (("flat", "flat", PALETTE.text, 1), ("hrm", "HRM", PALETTE.planner, -1))   # key, label, colour, side

    def __init__(self, sweep: dict, width: float, height: float):
        super().__init__()
        counts = sweep["n_train"]
        self.chart = LineChart(len(counts), width=width, height=height, x_label="demonstrations",
                               y_ticks=(0.0, 0.5, 1.0), y_format=pct)
        for i, n in enumerate(counts):
            self.chart.add(text(str(n), SIZE.small, PALETTE.muted).next_to(self.chart.point(i + 0.5, 0), DOWN,
                                                                         buff=0.15))
        self.chart.x_label.shift(DOWN * 0.05)
        self.note = text(f"held-out solved · mean of {len(sweep['seeds'])} runs", SIZE.small, PALETTE.muted)
        self.axes = VGroup(self.chart, self.note.next_to(self.chart, UP, buff=0.3).align_to(self.chart.y_axis, LEFT))
        self.data = VGroup()
        for key, label, color, side in self.SERIES:
            xs = [i + 0.5 + side * 0.06 for i in range(len(counts))]
            runs = [sweep[key][f"n{n}"] for n in counts]
            line = self.chart.line(xs, [r["mean"] for r in runs], color)
            whiskers = VGroup(*[Line(self.chart.to_scene(x, r["min"]), self.chart.to_scene(x, r["max"]),
                                     stroke_color=color, stroke_width=3, stroke_opacity=0.55)
                                for x, r in zip(xs, runs)])
            # the labelled end: flat above its last point, HRM below (both end near 100 %)
            end = text(label, SIZE.small, color, weight="BOLD").next_to(self.chart.to_scene(xs[-1], runs[-1]["mean"]),
                                                                        RIGHT, buff=0.15).shift(UP * side * 0.2)
            self.data.add(VGroup(line, whiskers, end))
        self.add(self.axes, self.data)

    def grow(self) -> list:
        return [anim for line, whiskers, end in self.data
                for anim in (Create(line, rate_func=rate_functions.linear),
                             LaggedStart(*[Create(w) for w in whiskers], lag_ratio=0.3), FadeIn(end))]


class HrmVsFlat(VGroup):
    """Segment 26's measurements: held-out success of the HRM and of the flat model (mean over seeds, a ring per
    run) with both parameter counts, and on the left the demonstration sweep. Parts: .heading, .bars (.hrm, .flat
    rows), .sizes, .sweep; light_flat() brightens the flat row."""

    def __init__(self, summary: dict):
        super().__init__()
        self.bars = bar_chart([seed_row(summary, "hrm", "HRM", PALETTE.planner, None),
                               seed_row(summary, "flat", "flat model", PALETTE.muted, None)], lambda v: 3.0 * v,
                              gap=0.55)
        self.hrm, self.flat = self.bars
        self.heading = text(f"held-out layouts solved · mean of {summary['runs']} runs", SIZE.small, PALETTE.muted)
        self.sizes = text(f"weights: HRM {summary['hrm']['params']:,} · flat {summary['flat']['params']:,}",
                          SIZE.small, PALETTE.muted)
        VGroup(self.heading, self.bars, self.sizes).arrange(DOWN, aligned_edge=LEFT, buff=0.45).move_to([3.0, 0.2, 0])
        self.sweep = SweepChart(summary["sweep"], width=4.0, height=2.6).move_to([-3.8, 0, 0])
        self.sweep.shift(UP * (self.heading.get_y() - self.sweep.note.get_y()))     # both headings on one line
        self.add(self.heading, self.bars, self.sizes, self.sweep)

    def light_flat(self) -> list:
        row = self.flat
        return [row.bar.animate.set_fill(PALETTE.text), row.name.animate.set_color(PALETTE.text),
                row.value.animate.set_color(PALETTE.text)]


class RecapHrm(SegmentScene):
    """From segment 25's plan: the plan goes into the Planner of the Planner/Doer icon, which passes its recorded
    first sub-goal down; the Doer sends its first action out and the agent takes that step. Then the measured
    comparison with the flat model (mean over seeds, a ring per run) and the demonstration sweep, where the flat
    model needs fewer examples."""
    segment = "26-recap-hrm"

    def body(self):
        episode = self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)
        first = episode["steps"][0]
        plan = PlanRecap(episode)
        self.add(plan)   # the picture segment 25 ended on
        icon = planner_doer(box_w=3.2, box_h=1.0, size=SIZE.label, gap=1.0).move_to(UP * 0.55)
        subgoal = token(first["subgoal"], PALETTE.planner, SIZE.small).next_to(icon.arrow, LEFT, buff=0.25)
        action = token(first["action"], PALETTE.doer, SIZE.small).next_to(icon.doer, RIGHT, buff=0.25)
        measured = HrmVsFlat(self.rec.summary)
        bars_note = self.source(BARS_NOTE)

        # "A hierarchical model splits thinking": the plan gathers and fades where the Planner appears around it
        # (the model is drawn over the tokens); the row steps down out of the way. The rest fades part by part: a
        # new group around the parts would be drawn over the tokens.
        leaving = (plan.label, plan.slots, plan.links, plan.to_key, plan.to_door)
        self.play_until(self.cue("splits"), *[FadeOut(part, rate_func=ahead) for part in leaving],
                        plan.tokens.animate.arrange(RIGHT, buff=-0.8).scale(0.6).move_to(icon.planner)
                        .set_opacity(0),
                        plan.track.animate.shift(DOWN * 1.65), FadeIn(icon, rate_func=behind))
        self.remove(plan.tokens)
        # "into planning": the Planner's outline lights and its recorded first sub-goal comes down beside the arrow
        self.wait_until_time(self.cue("planning") - 0.3)
        self.play_until(self.cue("planning") + 0.4, outline_flash(icon.planner[0], PALETTE.planner, 12),
                        FadeIn(subgoal, target_position=icon.planner.get_bottom(), scale=0.5))
        # "and doing": the Doer's outline lights, its recorded first action goes out, the agent takes that step
        self.wait_until_time(self.cue("doing") - 0.2)
        self.play_until(self.cue("doing") + 0.45, outline_flash(icon.doer[0], PALETTE.doer, 12),
                        FadeIn(action, target_position=icon.doer.get_right(), scale=0.5), plan.track.step(first))
        # "Here a flat model": the row and the action go, the icon steps aside, the comparison is named
        self.play_until(self.cue("flat") + 0.45, FadeOut(plan.track, shift=DOWN * 0.3), FadeOut(action),
                        VGroup(icon, subgoal).animate.shift(LEFT * 4.1), FadeIn(measured.heading),
                        *[FadeIn(row.name) for row in measured.bars])
        # "of the same size": both parameter counts
        self.wait_until_time(self.cue("size") - 0.4)
        self.play_until(self.cue("size") + 0.3, FadeIn(measured.sizes, shift=UP * 0.1))
        # "did as well, at 100 %": both bars grow to the number, then their runs and values land on it
        self.wait_until_time(self.cue("flat_score") - 1.0)
        self.play_until(self.cue("flat_score"), *[GrowFromEdge(row.bar, LEFT) for row in measured.bars])
        self.play_until(self.cue("flat_score") + 0.5, FadeIn(bars_note),
                        *[anim for row in measured.bars
                          for anim in (FadeIn(row.dots, lag_ratio=0.2), FadeIn(row.value, scale=1.2))])
        # the flat row lights up while the icon leaves; the sweep's axes take its place
        self.play_until(self.cue("flat_score") + 1.0, *measured.light_flat(), FadeOut(VGroup(icon, subgoal)))
        self.play_until(self.cue("fewer") - 0.05, FadeIn(measured.sweep.axes),
                        FadeTransform(bars_note, self.source(SWEEP_NOTE)))
        # "learned from fewer examples": both lines grow, flat on top
        self.play_until(min(self.length - 0.2, self.cue("fewer") + 1.3), *measured.sweep.grow())


# Segment 27

class RunReplay(VGroup):
    """What the recording holds, one snapshot at a time: segment 20's thought bubble over the followed layout's
    start state (the Planner's and the Doer's recorded probabilities there, the same state in every snapshot) and
    the held-out success curve drawn up to the snapshot, its current point marked. `shown` is the snapshot it is
    built at; advance(i) animates snapshot i. Segment 27 plays it; segment 28 opens on its last snapshot."""

    def __init__(self, rec, shown: int = 0):
        super().__init__()
        self.snapshots = rec.snapshots
        self.starts = [rec.showcase(snap, SHOWCASE)["steps"][0] for snap in self.snapshots]
        self.values = [snap["metrics"]["heldout_success"] for snap in self.snapshots]
        last = len(self.snapshots) - 1
        self.track = mini_track(rec.showcase(self.snapshots[0], SHOWCASE)["layout"], 0.62).move_to([-2.3, -1.75, 0])
        self.bubble = WideBubble(bar_width=1.2).move_to([-2.3, 1.2, 0])
        self.bubble.point_at(self.track.agent.get_top() + UP * 0.12)
        self.stage = self.stage_label(shown)
        self.chart = LineChart(last, width=3.0, height=2.0, y_ticks=(0.0, 1.0), y_format=pct,
                               x_label=f"{self.snapshots[0]['label']} → {self.snapshots[-1]['label']}")
        self.chart.move_to([4.5, 0.3, 0])
        self.title = text("held-out solved", SIZE.small, PALETTE.success)
        self.title.next_to(self.chart.to_scene(0, 1), UP, buff=0.3, aligned_edge=LEFT)
        self.curve = VGroup(*[self.piece(i) for i in range(1, shown + 1)])
        self.dot = self.chart.marker(shown, self.values[shown], PALETTE.text)
        settle(self.bubble.set(self.starts[shown]))
        self.add(self.bubble, self.track, self.stage, self.chart, self.title, self.curve, self.dot)

    def stage_label(self, i: int):
        color = PALETTE.success if i == len(self.snapshots) - 1 else PALETTE.muted
        label = text(self.snapshots[i]["label"], SIZE.small, color)
        return label.next_to(self.bubble.cloud, DOWN, buff=0.3).align_to(self.bubble.cloud, LEFT).shift(RIGHT * 0.3)

    def piece(self, i: int) -> Line:
        """The curve from snapshot i - 1 to snapshot i."""
        return Line(self.chart.to_scene(i - 1, self.values[i - 1]), self.chart.to_scene(i, self.values[i]),
                    stroke_color=PALETTE.success, stroke_width=5)

    def advance(self, i: int) -> list:
        piece = self.piece(i)
        self.curve.add(piece)
        return [self.bubble.set(self.starts[i]), Create(piece), switch(self.stage, self.stage_label(i)),
                self.dot.animate.move_to(self.chart.to_scene(i, self.values[i]))]


class RecapViz(SegmentScene):
    """What the ARC Prize team found (cited from config/paper.yaml), each part as the voice tells it: HRM's outer
    loop mattered more than its hierarchy. Then the black box of segment 03 opens and the recording comes out of it:
    the thought bubble over the row and the held-out curve, replayed snapshot by snapshot, untrained to final."""
    segment = "27-recap-viz"

    def body(self):
        measured = HrmVsFlat(self.rec.summary)   # the picture segment 26 ended on
        settle(*measured.light_flat())
        before = VGroup(measured, self.source(SWEEP_NOTE))
        self.add(before)
        card = self.finding(self.context.paper["arc_prize_transformer_gap"])
        icon = card.model.icon
        box = mystery_box().move_to(DOWN * 0.2)   # where segments 03 and 04 showed it
        box[1].set_opacity(1)
        flaps = split_lid(box)
        replay = RunReplay(self.rec)

        # "On ARC puzzles, the ARC Prize team found": the measurements give way to the finding's card, cited
        self.play_until(self.cue("puzzles") + 0.4, FadeOut(before, rate_func=ahead),
                        *[FadeIn(part, rate_func=behind) for part in (card.frame, card.model, card.cited)])
        # "that HRM's": its Planner and Doer light up; "outer loop": the loop lights up with what it did
        self.wait_until_time(self.cue("hrm") - 0.2)
        self.play_until(self.cue("hrm") + 0.5, outline_flash(icon.planner[0], PALETTE.planner, 12),
                        outline_flash(icon.doer[0], PALETTE.doer, 12))
        self.wait_until_time(self.cue("loop") - 0.1)
        self.play_until(self.cue("loop") + 0.5, card.loop.animate.set_stroke(PALETTE.text, 7),
                        card.loop_label.animate.set_color(PALETTE.text), FadeIn(card.gain, shift=UP * 0.1))
        # "more than its hierarchy": Planner and Doer dim, and a same-size transformer without them came close
        self.wait_until_time(self.cue("hierarchy") - 0.5)
        self.play_until(self.cue("hierarchy") + 0.5, icon.animate.set_opacity(0.3),
                        FadeIn(card.transformer, shift=UP * 0.1))
        # "Recording our run opens the black box": the card makes way for the box, which opens on its word
        self.play_until(self.cue("recording") + 0.2, FadeOut(card))
        self.play_until(self.cue("opens") - 0.1, FadeIn(box, scale=0.8))
        # as the lid opens, what the recording holds comes out of the box and the box's body fades behind it;
        # then its open lid goes
        self.play_until(self.cue("opens") + 0.6, *swing_open(flaps), FadeOut(box[1]),
                        FadeOut(box[0][0], rate_func=behind),
                        *[FadeIn(part, scale=0.3, target_position=box.get_center()) for part in replay])
        self.play_until(self.cue("opens") + 0.9, FadeOut(flaps), FadeIn(heldout_note(self)))
        # "so we watch learning happen": every snapshot in turn, untrained to final
        start, end = self.now, min(self.length - 0.25, self.cue("learning") + 0.9)
        steps = len(replay.snapshots) - 1
        for i in range(1, steps + 1):
            self.play_until(start + (end - start) * i / steps, *replay.advance(i))

    @staticmethod
    def finding(fact: dict) -> VGroup:
        """A citation card: HRM as its Planner over its Doer with the outer refinement loop around them, and the
        finding in a few words, its number and source from the paper entry. Parts: .frame, .model (.icon), .loop,
        .loop_label, .cited (who, when, where), .gain (what the loop did), .transformer (the same-size transformer's
        result): each is told when the voice gets there."""
        icon = planner_doer(box_w=2.2, box_h=0.7, gap=0.55)
        loop = ArcBetweenPoints(icon.doer.get_right() + RIGHT * 0.1, icon.planner.get_right() + RIGHT * 0.1,
                                angle=PI * 0.9, stroke_color=PALETTE.muted, stroke_width=5)
        loop.add_tip(tip_length=0.2, tip_width=0.2)
        loop_label = text("outer loop", SIZE.small, PALETTE.muted).next_to(loop, RIGHT, buff=0.15)
        model = VGroup(icon, loop, loop_label)
        model.icon = icon
        # the source names its address and date in brackets: "(arcprize.org/blog/hrm-analysis, 15 Aug 2025)"
        link, date = re.search(r"\(([^,()]+), \d* ?([^()]*)\)", fact["source"]).groups()
        who = text(f"{citation(fact)}, {date}", SIZE.label, weight="BOLD")
        gain = text("the outer loop drove most of the gain", SIZE.small)
        transformer = VGroup(text("ARC-AGI-1: a same-size transformer", SIZE.small),
                             text(f"came within ~{fact['value']:g} points of HRM", SIZE.small))
        transformer.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        where = text(link, SIZE.small, PALETTE.muted)
        words = VGroup(who, gain, transformer, where).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        content = VGroup(model, words).arrange(RIGHT, buff=0.8).move_to(UP * 0.1)
        card = VGroup(backdrop(content, pad=0.45), content)
        card.frame, card.model, card.loop, card.loop_label = card[0], model, loop, loop_label
        card.cited, card.gain, card.transformer = VGroup(who, where), gain, transformer
        return card


# Segment 28

class InsightChart(VGroup):
    """Segment 28's picture: a lightbulb and the claim; below, mean over seeds with a ring per run: with the Planner
    frozen during fine-tuning few runs solve the task, with the Doer frozen most do; the usual recipe and the run
    without the base stage sit quietly below as the reference. Parts: .bulb, .claim, .heading, .bars (Planner
    frozen, Doer frozen, then the reference rows), .frost (a snowflake per frozen row)."""

    def __init__(self, summary: dict):
        super().__init__()
        self.bulb = lightbulb(0.9)
        self.claim = text(f"{summary['n_train']} examples mostly teach the plan", SIZE.heading,
                          t2c={"the plan": PALETTE.planner})
        VGroup(self.bulb, self.claim).arrange(RIGHT, buff=0.4).move_to(UP * 2.45)
        self.bars = bar_chart([seed_row(summary, "freeze_planner", "Planner frozen", PALETTE.planner, None),
                               seed_row(summary, "freeze_doer", "Doer frozen", PALETTE.doer, None),
                               seed_row(summary, "hrm", "trained as usual", PALETTE.track, None),
                               seed_row(summary, "no_base", "no base stage", PALETTE.track, "same steps")],
                              lambda v: 4.6 * v, gap=0.32)
        for row in self.bars[2:]:   # the reference rows sit a little apart, in quiet grey
            row.shift(DOWN * 0.2)
            row.name.set_color(PALETTE.muted)
            row.value.set_color(PALETTE.muted)
        self.frost = VGroup(*[snowflake(0.42, color).next_to(row.name, LEFT, buff=0.2)
                              for row, color in zip(self.bars[:2], (PALETTE.planner, PALETTE.doer))])
        self.heading = text(f"held-out layouts solved · mean of {summary['runs']} runs", SIZE.small, PALETTE.muted)
        chart = VGroup(self.heading, VGroup(self.bars, self.frost)).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        chart.next_to(self.claim, DOWN, buff=0.6).set_x(0)
        self.add(self.bulb, self.claim, chart)


class KeyInsight(SegmentScene):
    """Segment 27's replay gives way to a lightbulb and the claim; then the evidence, each frozen row named on
    "freeze" and its bar landing on its number."""
    segment = "28-key-insight"

    def body(self):
        before = VGroup(RunReplay(self.rec, shown=len(self.rec.snapshots) - 1), heldout_note(self))   # 27's end
        self.add(before)
        picture = InsightChart(self.rec.summary)
        bulb, bars, frost = picture.bulb, picture.bars, picture.frost

        # "The key insight is that ten examples mostly teach the plan"
        self.play_until(self.cue("insight") - 0.1, FadeOut(before))
        self.play_until(self.cue("insight") + 0.3, GrowFromCenter(bulb))
        self.play_until(self.cue("insight") + 1.0, Flash(bulb[0], color=PALETTE.key, flash_radius=0.7),
                        FadeIn(picture.claim, shift=LEFT * 0.2))
        # the reference rows arrive quietly before the voice turns to freezing
        self.play_until(self.cue("freeze_planner") - 0.2, FadeIn(picture.heading),
                        grow_bars(VGroup(*bars[2:]), lag=0.3), FadeIn(self.source(BARS_NOTE)))
        # "Freeze the Planner while fine-tuning and it solves 25 %", then "freeze the Doer and it still solves 90 %":
        # each row is named on "freeze", its bar grows as the voice comes to the number, its runs land on the number
        beats = ((bars[0], frost[0], self.cue("freeze_planner"), self.cue("planner_score")),
                 (bars[1], frost[1], self.cue("freeze_doer"), self.cue("doer_score")))
        for row, flake, freeze, score in beats:
            self.wait_until_time(freeze - 0.2)
            self.play_until(freeze + 0.4, FadeIn(row.name), FadeIn(flake, scale=0.5))
            self.wait_until_time(score - 1.0)
            self.play_until(score, GrowFromEdge(row.bar, LEFT))
            self.play_until(score + 0.5, FadeIn(row.dots, lag_ratio=0.2), FadeIn(row.value, scale=1.2))


# Segment 29

class CallToAction(SegmentScene):
    """Segment 28's chart gives way to the links, as rows with small icons, while the trained agent walks its
    recorded episode on the quick layout; on "thanks" it opens the door and walks out. The bottom-right corner
    stays empty for the presenter."""
    segment = "29-cta"

    def body(self):
        before = VGroup(InsightChart(self.rec.summary), self.source(BARS_NOTE))   # the picture segment 28 ended on
        self.add(before)
        links = self.context.links
        rows = VGroup(*[self.link_row(icon, label, url) for icon, label, url in (
            (self.companion_icon(), "Play with this model",
             links["companion"] or "in your browser: the link is below"),
            (self.paper_icon(PALETTE.planner), "HRM paper", links["hrm_paper"]),
            (self.paper_icon(PALETTE.doer), "TRM paper", links["trm_paper"]),
            (self.paper_icon(PALETTE.key), "BabyAI paper", links["babyai_paper"]))])
        label_w = max(row[1].width for row in rows)
        for i, (icon, name, address) in enumerate(rows):   # three columns: icons, names, addresses
            y = -i * 0.8
            icon.move_to([0.3, y, 0])
            name.move_to([0.75 + name.width / 2, y, 0])
            address.move_to([0.75 + label_w + 0.5 + address.width / 2, y, 0])
        pad = 0.4
        rows.move_to(DOWN * 0.05).shift(RIGHT * (-SAFE_X + pad - rows.get_left()[0]))   # the card on the margin
        card = backdrop(rows, pad=pad)
        heading = text("Try it yourself", SIZE.heading, weight="BOLD").next_to(card, UP, buff=0.35)
        heading.align_to(card, LEFT)
        thanks = text("Thanks for watching", SIZE.heading, PALETTE.success, weight="BOLD")
        thanks.next_to(card, DOWN, buff=0.45).align_to(card, LEFT)
        # The trained run on the quick layout, beside the heading. Its cells are large enough that the key, carried
        # over the agent's head, is still 24 px tall.
        episode = self.rec.showcase(self.rec.snapshot("final"), QUICK)
        track = mini_track(episode["layout"], 0.86)
        track.move_to([SAFE_X - track.width / 2, heading.get_y(), 0])

        # 28's chart gives way; "Try the visualization": the heading and the row with the trained agent
        self.play_until(self.cue("visualization"), FadeOut(before, rate_func=ahead),
                        FadeIn(heading, shift=RIGHT * 0.2, rate_func=behind), FadeIn(track, rate_func=behind))
        # The agent walks its recorded steps while the links arrive on their words: the companion on "yourself", the
        # papers on "below"; each arrival rides along the step during which its word is said
        arrivals = [(self.cue("yourself"), [FadeIn(card), FadeIn(rows[0], shift=RIGHT * 0.3)]),
                    (self.cue("below"), [LaggedStart(*[FadeIn(row, shift=RIGHT * 0.3) for row in rows[1:]],
                                                     lag_ratio=0.3)])]
        *walk, door_step = episode["steps"]
        start, end = self.now, self.cue("thanks") - 0.05
        for i, step in enumerate(walk):
            until = start + (end - start) * (i + 1) / len(walk)
            due = [a for a in arrivals if a[0] <= until or i == len(walk) - 1]
            arrivals = [a for a in arrivals if a not in due]
            self.play_until(until, track.step(step), *[anim for _, anims in due for anim in anims])
        # "Thanks for watching": the last recorded step, the door opens and the agent walks out
        self.play_until(self.cue("watching") + 0.3, track.step(door_step), FadeIn(thanks, shift=UP * 0.2))

    @staticmethod
    def link_row(icon: VGroup, label: str, url: str) -> VGroup:
        name = text(label, SIZE.label, weight="BOLD")
        address = (mono(url.removeprefix("https://"), SIZE.small, PALETTE.muted) if url.startswith("https://")
                   else text(url, SIZE.small, PALETTE.muted))          # a note where no address is set yet
        return VGroup(icon, name, address)

    @staticmethod
    def companion_icon() -> VGroup:
        frame = RoundedRectangle(width=0.55, height=0.55, corner_radius=0.1, stroke_color=PALETTE.success,
                                 stroke_width=3)
        return VGroup(frame, person(0.36).move_to(frame))

    @staticmethod
    def paper_icon(color: str) -> VGroup:
        sheet = RoundedRectangle(width=0.44, height=0.56, corner_radius=0.06, stroke_color=color, stroke_width=3)
        lines = VGroup(*[Line(LEFT * 0.12, RIGHT * 0.12, stroke_color=color, stroke_width=3) for _ in range(3)])
        lines.arrange(DOWN, buff=0.09).move_to(sheet)
        return VGroup(sheet, lines)
