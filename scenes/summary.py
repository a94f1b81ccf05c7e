"""Part 6, the summary (segments 25-29): the task, the model, the recording, the insight, and where to go next.

Each recap reuses a picture from earlier in the film (the track, the Planner/Doer icon, the black box) so the summary
reads as a look back; every number is the run's own.
"""
from __future__ import annotations

import re

from manim import (DOWN, LEFT, PI, RIGHT, UP, ArcBetweenPoints, CurvedArrow, Create, FadeIn, FadeOut, Flash,
                   GrowFromCenter, GrowFromEdge, Indicate, LaggedStart, Line, Rectangle, RoundedRectangle, VGroup)

from core.recordings import citation
from scenes.charts import LineChart, bar_chart, grow_bars, seed_row
from scenes.icons import lightbulb, mystery_box, person, snowflake, split_lid, swing_open
from scenes.panel import planner_doer, token
from scenes.segment import QUICK, SHOWCASE, SegmentScene
from scenes.style import PALETTE, SAFE_X, SIZE, mono, pct, text
from scenes.track import backdrop, mini_track


def heldout_note(scene: SegmentScene):
    return scene.source(f"held-out layouts, n = {scene.rec.summary['n_heldout']}")


def subgoal_order(episode: dict) -> list[str]:
    """The Planner's sub-goals in the order an episode used them (consecutive repeats merged)."""
    order: list[str] = []
    for step in episode["steps"]:
        if not order or order[-1] != step["subgoal"]:
            order.append(step["subgoal"])
    return order


class RecapTask(SegmentScene):
    """The row once more; the recorded plan fills in as the voice says it: first the key, then the door."""
    segment = "25-recap-task"

    def body(self):
        episode = self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)
        agent, key_cell, door = episode["layout"]
        track = mini_track(episode["layout"], 1.05).shift(DOWN * 0.7)
        plan = subgoal_order(episode)
        tokens = VGroup(*[token(name, PALETTE.planner) for name in plan]).arrange(RIGHT, buff=0.9)
        links = VGroup(*[text("→", SIZE.label, PALETTE.muted).move_to((a.get_right() + b.get_left()) / 2)
                         for a, b in zip(tokens, tokens[1:])])
        slots = VGroup(*[RoundedRectangle(width=t.width, height=t.height, corner_radius=0.2,
                                          stroke_color=PALETTE.panel_edge, stroke_width=3).move_to(t)
                         for t in tokens])
        plan_label = text("plan", SIZE.small, PALETTE.planner).next_to(slots, LEFT, buff=0.4)
        VGroup(plan_label, slots, tokens, links).move_to(UP * 1.9)
        to_key = CurvedArrow(track.center_of(agent) + DOWN * 0.65, track.center_of(key_cell) + DOWN * 0.65,
                             angle=-1.2, color=PALETTE.key, stroke_width=6)
        to_door = CurvedArrow(track.center_of(key_cell) + UP * 0.65, track.center_of(door) + UP * 0.65,
                              angle=-0.6, color=PALETTE.door, stroke_width=6)

        # "The key and door task": the row, then its key and its door
        self.play_until(self.cue("key"), FadeIn(track, shift=UP * 0.2))
        self.play_until(self.cue("task"), track.highlight(key_cell, PALETTE.key), track.highlight(door, PALETTE.door))
        # "simple enough to watch": ten cells, one after another
        self.play_until(self.cue("watch") + 0.5, LaggedStart(*[track.highlight(i, PALETTE.muted)
                                                               for i in range(track.n_cells)], lag_ratio=0.3))
        # "it still needs a plan": empty slots for the Planner's sub-goals
        self.play_until(self.cue("plan") + 0.3, FadeIn(slots), FadeIn(links), FadeIn(plan_label))
        # "first the key, then the door": the recorded sub-goals fill in, each with its stretch of road
        self.play_until(self.cue("plan_key") + 0.4, FadeIn(tokens[0], scale=0.7), Create(to_key),
                        track.highlight(key_cell, PALETTE.key))
        self.play_until(self.cue("plan_door") + 0.5, LaggedStart(*[FadeIn(t, scale=0.7) for t in tokens[1:]],
                                                                         lag_ratio=0.5),
                        Create(to_door), track.highlight(door, PALETTE.door))


class RecapHrm(SegmentScene):
    """The Planner/Doer icon passes a sub-goal down and an action out; then the measured comparison with the flat
    model (mean over seeds, a ring per run) and the demonstration sweep, where the flat model needs fewer examples."""
    segment = "26-recap-hrm"

    def body(self):
        s = self.rec.summary
        first = self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)["steps"][0]
        icon = planner_doer(box_w=3.2, box_h=1.0, size=SIZE.label, gap=1.0)
        subgoal = token(first["subgoal"], PALETTE.planner, SIZE.small)
        action = token(first["action"], PALETTE.doer, SIZE.small)
        bars = bar_chart([seed_row(s, "hrm", "HRM", PALETTE.planner, None),
                          seed_row(s, "flat", "flat model", PALETTE.muted, None)], lambda v: 3.0 * v, gap=0.55)
        heading = text(f"held-out layouts solved · mean of {s['runs']} runs", SIZE.small, PALETTE.muted)
        sizes = text(f"weights: HRM {s['hrm']['params']:,} · flat {s['flat']['params']:,}", SIZE.small,
                     PALETTE.muted)
        VGroup(heading, bars, sizes).arrange(DOWN, aligned_edge=LEFT, buff=0.45).move_to([3.0, 0.2, 0])
        flat_row = bars[1]
        sweep = SweepChart(s["sweep"], width=4.0, height=2.6).move_to([-3.8, 0, 0])   # where the icon was
        sweep.shift(UP * (heading.get_y() - sweep.note.get_y()))                     # both headings on one line

        # "A hierarchical model splits thinking into planning and doing"
        self.play_until(self.cue("splits"), FadeIn(icon, scale=0.9))
        # the Planner's recorded first sub-goal comes down beside the arrow; the Doer's first action goes out
        subgoal.next_to(icon.planner, DOWN, buff=0.1).align_to(icon.planner, LEFT).shift(LEFT * 0.4)
        self.play_until(self.cue("planning") + 0.5, FadeIn(subgoal, shift=DOWN * 0.3),
                        Indicate(icon.planner[0], color=PALETTE.planner, scale_factor=1.05))
        action.next_to(icon.doer, RIGHT, buff=0.2)
        self.play_until(self.cue("doing") + 0.4, Indicate(icon.doer[0], color=PALETTE.doer, scale_factor=1.05),
                        FadeIn(action, shift=RIGHT * 0.5))
        # "Here a flat model": the icon steps aside for the measured comparison
        self.play_until(self.cue("flat") + 0.3, VGroup(icon, subgoal).animate.move_to(LEFT * 4.3 + DOWN * 0.1),
                        FadeOut(action, shift=RIGHT * 0.3, rate_func=lambda t: min(1.0, 3 * t)))
        self.play_until(self.cue("size") - 0.1, grow_bars(bars, lag=0.25), FadeIn(heading),
                        FadeIn(self.source("held-out layouts · rings = single runs · thin lines = min to max")))
        # "of the same size": both parameter counts; "did as well, at 100 %": the flat row lights up
        self.play_until(self.cue("size") + 0.5, FadeIn(sizes, shift=UP * 0.1))
        self.play_until(self.cue("flat_score") + 0.4, flat_row.bar.animate.set_fill(PALETTE.text),
                        flat_row.name.animate.set_color(PALETTE.text), flat_row.value.animate.set_color(PALETTE.text))
        # the sweep's axes wait below the bars, then "learned from fewer examples": both lines grow, flat on top
        self.play_until(self.cue("flat_score") + 0.8, FadeOut(VGroup(icon, subgoal)))
        self.play_until(self.cue("fewer") - 0.1, FadeIn(sweep.axes))
        self.play_until(min(self.length - 0.2, self.cue("fewer") + 1.3), *sweep.grow())


class SweepChart(VGroup):
    """Held-out success against the number of demonstrations for the HRM and the flat model: the mean over the
    sweep's seeds as a line, every count's min-max range as a thin whisker. The counts (1, 2, 3, 5, 10, 20) are
    evenly spaced categories, labelled; the two series sit a hair apart so their whiskers never cover each other.
    Parts: .axes (axes, ticks, labels, the .note above them); the data is drawn by .grow()."""

    SERIES = (("flat", "flat", PALETTE.text, 1), ("hrm", "HRM", PALETTE.planner, -1))   # key, label, colour, side

    def __init__(self, sweep: dict, width: float, height: float):
        super().__init__()
        self.sweep, self.counts = sweep, sweep["n_train"]
        self.chart = LineChart(len(self.counts), width=width, height=height, x_label="demonstrations",
                               y_ticks=(0.0, 0.5, 1.0), y_format=pct)
        for i, n in enumerate(self.counts):
            self.chart.add(text(str(n), SIZE.small, PALETTE.muted).next_to(self.chart.point(i + 0.5, 0), DOWN,
                                                                         buff=0.15))
        self.chart.x_label.shift(DOWN * 0.05)
        self.note = text(f"held-out solved · mean of {len(sweep['seeds'])} runs", SIZE.small, PALETTE.muted)
        self.axes = VGroup(self.chart, self.note.next_to(self.chart, UP, buff=0.3).align_to(self.chart.y_axis, LEFT))
        self.add(self.axes)

    def grow(self) -> list:
        anims = []
        for key, label, color, side in self.SERIES:
            xs = [i + 0.5 + side * 0.06 for i in range(len(self.counts))]
            runs = [self.sweep[key][f"n{n}"] for n in self.counts]
            whiskers = VGroup(*[Line(self.chart.to_scene(x, r["min"]), self.chart.to_scene(x, r["max"]),
                                     stroke_color=color, stroke_width=3, stroke_opacity=0.55)
                                for x, r in zip(xs, runs)])
            anims += self.chart.grow(key, xs, [r["mean"] for r in runs], color)
            anims.append(LaggedStart(*[Create(w) for w in whiskers], lag_ratio=0.3))
            # the labelled end: flat above its last point, HRM below (both end near 100 %)
            end = self.chart.to_scene(xs[-1], runs[-1]["mean"])
            anims.append(FadeIn(text(label, SIZE.small, color, weight="BOLD")
                                .next_to(end, RIGHT, buff=0.15).shift(UP * side * 0.2)))
        return anims


class RecapViz(SegmentScene):
    """What the ARC Prize team found (cited from config/paper.yaml): HRM's outer loop mattered more than its
    hierarchy. Then the black box opens and the run comes out of it as a strip of snapshots: held-out success, one
    at a time."""
    segment = "27-recap-viz"

    def body(self):
        card = self.finding(self.context.paper["arc_prize_transformer_gap"])
        box = mystery_box().scale(0.55).move_to(UP * 1.2)
        box[1].set_opacity(1)
        flaps = split_lid(box)
        snapshots = self.rec.snapshots
        tiles = VGroup(*[self.thumbnail(snap) for snap in snapshots]).arrange(RIGHT, buff=0.12)
        tiles.move_to(DOWN * 1.05)
        for i in (0, len(tiles) - 1):   # the first and the last value, written above their bars
            value = snapshots[i]["metrics"]["heldout_success"]
            tiles[i].add(text(pct(value), SIZE.small, PALETTE.success if value > 0.5 else PALETTE.muted)
                         .next_to(tiles[i], UP, buff=0.12))
        ends = VGroup(*[text(snapshots[i]["label"], SIZE.small, PALETTE.muted).next_to(tiles[i], DOWN, buff=0.15)
                        for i in (0, -1)])
        caption = text("held-out success at every snapshot", SIZE.small, PALETTE.text).next_to(ends, DOWN, buff=0.25)

        # "On ARC puzzles, the ARC Prize team found": the finding, cited
        self.play_until(self.cue("puzzles") + 0.5, FadeIn(card.frame), FadeIn(card.words, shift=UP * 0.15),
                        FadeIn(card.model))
        # "...outer loop": the loop lights up with what it did; "...more than its hierarchy": Planner and Doer dim
        self.wait_until_time(self.cue("loop") - 0.1)
        self.play_until(self.cue("loop") + 0.5, card.loop.animate.set_stroke(PALETTE.text, 7),
                        card.loop_label.animate.set_color(PALETTE.text), FadeIn(card.gain, shift=UP * 0.1))
        self.play_until(self.cue("loop") + 1.5, card.model.icon.animate.set_opacity(0.3))
        # "Recording our run opens the black box": the card makes way for the box, which opens on its word
        self.wait_until_time(self.cue("opens") - 1.0)
        self.play_until(self.cue("opens") - 0.7, FadeOut(card))
        self.play_until(self.cue("opens") - 0.35, FadeIn(box))
        self.play_until(self.cue("opens") + 0.4, *swing_open(flaps), FadeOut(box[1]))
        # "...learning happen": the snapshots leave the box one after another
        fly = [FadeIn(tile, scale=0.3, target_position=box.get_center()) for tile in tiles]
        self.play_until(self.cue("learning"), LaggedStart(*fly[:4], lag_ratio=0.35))
        self.play_until(self.length - 0.3, LaggedStart(*fly[4:], lag_ratio=0.35), FadeIn(ends), FadeIn(caption),
                        FadeIn(heldout_note(self)))

    @staticmethod
    def finding(fact: dict) -> VGroup:
        """A citation card: HRM as its Planner over its Doer with the outer refinement loop around them, and the
        finding in a few words, its number and source from the paper entry. Parts: .frame, .model (.icon),
        .loop, .loop_label, .words, .gain."""
        icon = planner_doer(box_w=2.2, box_h=0.7, gap=0.55)
        loop = ArcBetweenPoints(icon.doer.get_right() + RIGHT * 0.1, icon.planner.get_right() + RIGHT * 0.1,
                                angle=PI * 0.9, stroke_color=PALETTE.muted, stroke_width=5)
        loop.add_tip(tip_length=0.2, tip_width=0.2)
        loop_label = text("outer loop", SIZE.small, PALETTE.muted).next_to(loop, RIGHT, buff=0.15)
        model = VGroup(icon, loop, loop_label)
        model.icon = icon
        # the source names its address and date in brackets: "(arcprize.org/blog/hrm-analysis, 15 Aug 2025)"
        link, date = re.search(r"\(([^,()]+), \d* ?([^()]*)\)", fact["source"]).groups()
        words = VGroup(text(f"{citation(fact)}, {date}", SIZE.label, weight="BOLD"),
                       text("ARC-AGI-1: a same-size transformer", SIZE.small),
                       text(f"came within ~{fact['value']:g} points of HRM", SIZE.small),
                       text("the outer loop drove most of the gain", SIZE.small),
                       text(link, SIZE.small, PALETTE.muted)).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        words[3].shift(DOWN * 0.1)    # a second finding: its own line, a little apart
        words[4].shift(DOWN * 0.22)
        content = VGroup(model, words).arrange(RIGHT, buff=0.8).move_to(UP * 0.1)
        card = VGroup(backdrop(content, pad=0.45), content)
        card.frame, card.model, card.loop, card.loop_label = card[0], model, loop, loop_label
        card.words, card.gain = VGroup(*words[:3], words[4]), words[3]   # the gain is told when the voice gets there
        return card

    @staticmethod
    def thumbnail(snapshot: dict, width: float = 0.72, height: float = 1.6) -> VGroup:
        frame = RoundedRectangle(width=width, height=height, corner_radius=0.1, stroke_color=PALETTE.panel_edge,
                                 stroke_width=2, fill_color=PALETTE.panel, fill_opacity=1)
        value = snapshot["metrics"]["heldout_success"]
        bar = Rectangle(width=width * 0.55, height=max(0.04, (height - 0.24) * value), stroke_width=0,
                        fill_color=PALETTE.success if value > 0 else PALETTE.muted, fill_opacity=1)
        return VGroup(frame, bar.align_to(frame, DOWN).shift(UP * 0.12))


class KeyInsight(SegmentScene):
    """A lightbulb and the claim; then the evidence, mean over seeds with a ring per run: with the Planner frozen
    during fine-tuning few runs solve the task, with the Doer frozen most do; the usual recipe and the run without
    the base stage stay quietly below as the reference."""
    segment = "28-key-insight"

    def body(self):
        s = self.rec.summary
        bulb = lightbulb(0.9)
        claim = text(f"{s['n_train']} examples mostly teach the plan", SIZE.heading,
                     t2c={"the plan": PALETTE.planner})
        VGroup(bulb, claim).arrange(RIGHT, buff=0.4).move_to(UP * 2.45)
        bars = bar_chart([seed_row(s, "freeze_planner", "Planner frozen", PALETTE.planner, None),
                          seed_row(s, "freeze_doer", "Doer frozen", PALETTE.doer, None),
                          seed_row(s, "hrm", "trained as usual", PALETTE.panel_edge, None),
                          seed_row(s, "no_base", "no base stage", PALETTE.panel_edge, "same steps")],
                         lambda v: 4.6 * v, gap=0.32)
        for row in bars[2:]:   # the reference rows sit a little apart, in quiet grey
            row.shift(DOWN * 0.2)
            row.name.set_color(PALETTE.muted)
            row.value.set_color(PALETTE.muted)
        frost = VGroup(*[snowflake(0.42, color).next_to(row.name, LEFT, buff=0.2)
                         for row, color in zip(bars[:2], (PALETTE.planner, PALETTE.doer))])
        heading = text(f"held-out layouts solved · mean of {s['runs']} runs", SIZE.small,
                       PALETTE.muted)
        chart = VGroup(heading, VGroup(bars, frost)).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        chart.next_to(claim, DOWN, buff=0.6).set_x(0)
        planner_row, doer_row = bars[0], bars[1]

        # "The key insight is that ten examples mostly teach the plan"
        self.play_until(self.cue("insight") + 0.3, GrowFromCenter(bulb))
        self.play_until(self.cue("insight") + 1.0, Flash(bulb[0], color=PALETTE.key, flash_radius=0.7),
                        FadeIn(claim, shift=LEFT * 0.2))
        # the reference rows arrive quietly before the voice turns to freezing
        self.play_until(self.cue("freeze_planner") - 0.2, FadeIn(heading), grow_bars(VGroup(*bars[2:]), lag=0.3),
                        FadeIn(self.source("held-out layouts · rings = single runs")))
        # "Freeze the Planner while fine-tuning and it solves 25 %", then "freeze the Doer and it still solves 90 %":
        # each row is named on "freeze", its bar grows as the voice comes to the number, its runs land on the number
        beats = ((planner_row, frost[0], self.cue("freeze_planner"), self.cue("planner_score")),
                 (doer_row, frost[1], self.cue("freeze_doer"), self.cue("doer_score")))
        for row, flake, freeze, score in beats:
            self.wait_until_time(freeze - 0.2)
            self.play_until(freeze + 0.4, FadeIn(row.name), FadeIn(flake, scale=0.5))
            self.wait_until_time(score - 1.0)
            self.play_until(score, GrowFromEdge(row.bar, LEFT))
            self.play_until(score + 0.5, FadeIn(row.dots, lag_ratio=0.2), FadeIn(row.value, scale=1.2))


class CallToAction(SegmentScene):
    """The links from the settings as rows with small icons; the trained agent opens the door on "thanks".
    The bottom-right corner stays empty for the presenter."""
    segment = "29-cta"

    def body(self):
        links = self.context.links
        rows = VGroup(*[self.link_row(icon, label, url) for icon, label, url in (
            (self.demo_icon(), "Try the demo", links["demo"]),
            (self.paper_icon(PALETTE.planner), "HRM paper", links["hrm_paper"]),
            (self.paper_icon(PALETTE.doer), "TRM paper", links["trm_paper"]),
            (self.paper_icon(PALETTE.key), "BabyAI paper", links["babyai_paper"]))])
        label_w = max(row[1].width for row in rows)
        for i, (icon, name, address) in enumerate(rows):   # three columns: icons, names, addresses
            y = -i * 0.8
            icon.move_to([0.3, y, 0])
            name.move_to([0.75 + name.width / 2, y, 0])
            address.move_to([0.75 + label_w + 0.5 + address.width / 2, y, 0])
        rows.move_to(DOWN * 0.05).to_edge(LEFT, buff=1.05)
        card = backdrop(rows, pad=0.4)
        heading = text("Try it yourself", SIZE.heading, weight="BOLD").next_to(card, UP, buff=0.35)
        heading.align_to(card, LEFT)
        thanks = text("Thanks for watching", SIZE.heading, PALETTE.success, weight="BOLD")
        thanks.next_to(card, DOWN, buff=0.45).align_to(card, LEFT)

        # The last step of the trained run, waiting at the door with the key: it opens on "thanks"
        episode = self.rec.showcase(self.rec.snapshot("final"), QUICK)
        last = episode["steps"][-1]
        track = mini_track(episode["layout"], 0.42)
        track.move_to([SAFE_X - track.width / 2, heading.get_y(), 0])
        track.position, track.holding = last["agent"], last["holding_key"]
        track.agent.move_to(track.center_of(last["agent"]))
        if last["holding_key"]:
            track.key.scale(0.7).move_to(track.center_of(last["agent"]) + UP * track.cell * 0.42)

        # "Try the visualization yourself": the demo first
        self.play_until(self.cue("visualization"), FadeIn(heading, shift=RIGHT * 0.2), FadeIn(track))
        self.play_until(self.cue("yourself") + 0.4, FadeIn(card), FadeIn(rows[0], shift=RIGHT * 0.3))
        # "the links are below": the papers
        self.play_until(self.cue("below") + 0.4, LaggedStart(*[FadeIn(r, shift=RIGHT * 0.3) for r in rows[1:]],
                                                             lag_ratio=0.3))
        # "Thanks for watching": the door opens
        self.play_until(self.cue("thanks") + 0.5, track.step(last), FadeIn(thanks, shift=UP * 0.2))
        if episode["success"]:
            self.play_until(self.cue("watching") + 0.4, FadeIn(track.solved_mark(), scale=0.6))

    @staticmethod
    def link_row(icon: VGroup, label: str, url: str) -> VGroup:
        name = text(label, SIZE.label, weight="BOLD")
        address = mono(url.removeprefix("https://"), SIZE.small, PALETTE.muted)
        return VGroup(icon, name, address)

    @staticmethod
    def demo_icon() -> VGroup:
        frame = RoundedRectangle(width=0.55, height=0.55, corner_radius=0.1, stroke_color=PALETTE.success,
                                 stroke_width=3)
        return VGroup(frame, person(0.36).move_to(frame))

    @staticmethod
    def paper_icon(color: str) -> VGroup:
        sheet = RoundedRectangle(width=0.44, height=0.56, corner_radius=0.06, stroke_color=color, stroke_width=3)
        lines = VGroup(*[Line(LEFT * 0.12, RIGHT * 0.12, stroke_color=color, stroke_width=3) for _ in range(3)])
        lines.arrange(DOWN, buff=0.09).move_to(sheet)
        return VGroup(sheet, lines)
