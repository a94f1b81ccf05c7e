"""Part 6, the summary (segments 25-29): the task, the model, the recording, the insight, and where to go next."""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, Create, CurvedArrow, Dot, FadeIn, FadeOut, Indicate, LaggedStart,
                   MoveAlongPath, RoundedRectangle, VGroup, rate_functions)

from pipeline.settings import load_settings
from scenes.charts import LineChart, bar_chart, grow_bars
from scenes.icons import black_box, lightbulb, tick
from scenes.panel import HrmPanel, token
from scenes.segment import SegmentScene
from scenes.style import MOTION, PALETTE, SIZE, mono, text
from scenes.track import WorldTrack, backdrop

SHOWCASE = 0


def pct(x: float) -> str:
    return f"{round(100 * x)} %"


def success_bars(rec, names: list[tuple[str, str]], highlight: str, width: float = 5.0) -> VGroup:
    """Held-out success of several recorded models as bars (0-100 % over `width`), the highlighted one green."""
    rows = [(label, rec.summary[name]["heldout_success"], pct(rec.summary[name]["heldout_success"]),
             PALETTE.success if name == highlight else PALETTE.muted) for name, label in names]
    return bar_chart(rows, lambda v: width * v)


class RecapTask(SegmentScene):
    """The row once more; the plan appears as two sub-goal tokens, lit in order: first the key, then the door."""
    segment = "25-recap-task"

    def body(self):
        layout = self.rec.dataset["showcase"][SHOWCASE]["layout"]
        track = WorldTrack(layout, cell=1.0, chip=False).shift(DOWN * 0.6)
        self.play(FadeIn(track), run_time=MOTION.move)
        first = token("1  go_to_key", PALETTE.planner).next_to(track.key, UP, buff=1.0)
        then = token("2  go_to_door", PALETTE.planner).next_to(track.door, UP, buff=1.0)
        to_key = CurvedArrow(track.agent.get_top() + UP * 0.1, track.key.get_top() + UP * 0.1, angle=0.9,
                             color=PALETTE.key, stroke_width=5)
        to_door = CurvedArrow(track.key.get_top() + UP * 0.1, track.door.get_top() + UP * 0.1, angle=-0.5,
                              color=PALETTE.door, stroke_width=5)
        self.play_until(self.cue("plan"), Indicate(track.key, color=PALETTE.key), Indicate(track.door,
                                                                                           color=PALETTE.door))
        self.play_until(self.cue("key", after=self.cue("plan")), FadeIn(first, shift=DOWN * 0.2), Create(to_key))
        self.play_until(self.cue("door", after=self.cue("plan")), FadeIn(then, shift=DOWN * 0.2), Create(to_door),
                        first.animate.set_opacity(0.6))
        self.play(Indicate(then, color=PALETTE.text), run_time=MOTION.move)


class RecapHrm(SegmentScene):
    """Planner and Doer pulse as planning and doing are named; then the measured comparison with a flat model."""
    segment = "26-recap-hrm"

    def body(self):
        panel = HrmPanel(width=3.8, gap=1.0).scale(0.75).to_edge(LEFT, buff=0.9).shift(UP * 0.4)
        self.play(FadeIn(panel), run_time=MOTION.move)
        self.play_until(self.cue("planning"), panel.planner.pulse(PALETTE.planner))
        self.play_until(self.cue("doing"), panel.doer.pulse(PALETTE.doer))
        bars = success_bars(self.rec, [("hrm", "HRM (ours)"), ("flat", "flat, same size"), ("trm", "TRM"),
                                       ("scratch", "HRM, no warm-up")], "hrm", width=3.0)
        bars.next_to(panel, RIGHT, buff=1.0).shift(UP * 0.5)
        title = text("held-out layouts solved", SIZE.label, PALETTE.muted).next_to(bars, UP, buff=0.5)
        title.align_to(bars, LEFT)
        self.play_until(self.cue("flat"), FadeIn(title))
        self.play(grow_bars(bars, run_time=1.2), run_time=1.2)
        self.play_until(self.cue("close", after=self.cue("flat")) + 0.5, Indicate(bars[1], color=PALETTE.text),
                        FadeIn(self.source(f"held-out layouts, n = {self.rec.summary['n_heldout']}")))


class RecapViz(SegmentScene):
    """The black box opens into the run's own record: held-out success at every snapshot, drawn one at a time."""
    segment = "27-recap-viz"

    def body(self):
        box = black_box(4.0, 2.4)
        self.play(FadeIn(box, scale=0.9), run_time=MOTION.move)
        self.play_until(self.cue("opens"), box[1].animate.shift(UP * 0.6).set_opacity(0),
                        box[0].animate.set_fill(PALETTE.panel, 1))
        snaps = self.rec.snapshots
        chart = LineChart(len(snaps) - 1, (0, 1), width=8.0, height=3.4, x_label="snapshot of the run",
                          y_ticks=(0, 1), y_format=lambda v: pct(v), x_ticks=(0, len(snaps) - 1))
        chart.shift(DOWN * 0.3)
        self.play(FadeOut(box, scale=1.4), FadeIn(chart), run_time=MOTION.move)
        xs = list(range(len(snaps)))
        ys = [s["metrics"]["heldout_success"] for s in snaps]
        line = chart.grow("success", xs, ys, PALETTE.success, "held-out solved")
        dot = chart.marker(0, ys[0], PALETTE.success)
        self.add(dot)
        self.play_until(self.cue("step", after=self.cue("happen")), *line,
                        MoveAlongPath(dot, chart.series["success"], rate_func=rate_functions.linear))
        steps = VGroup(*[Dot(chart.to_scene(x, y), radius=0.06, color=PALETTE.success) for x, y in zip(xs, ys)])
        self.play(LaggedStart(*[FadeIn(d, scale=2) for d in steps], lag_ratio=0.1), run_time=MOTION.move * 2)


class KeyInsight(SegmentScene):
    """A lightbulb over an equation of pictures (a crude prior + ten examples → behaviour), then the evidence:
    the same model without the warm-up."""
    segment = "28-key-insight"

    def body(self):
        bulb = lightbulb(1.3).to_edge(UP, buff=1.1)
        self.play(FadeIn(bulb, scale=0.7), run_time=MOTION.move)
        prior = VGroup(WorldTrack([1, 8, 9], cell=0.32, numbers=False, chip=False)[0:1],
                       text("walk to a mark", SIZE.small, PALETTE.muted))
        prior[0].add(Dot(prior[0][0][6].get_center(), radius=0.08, color=PALETTE.key))
        prior.arrange(DOWN, buff=0.2)
        cards = VGroup(*[RoundedRectangle(width=0.5, height=0.34, corner_radius=0.06, stroke_color=PALETTE.key,
                                          stroke_width=2, fill_color=PALETTE.panel, fill_opacity=1)
                         for _ in range(self.rec.summary["n_train"])]).arrange_in_grid(2, 5, buff=0.08)
        examples = VGroup(cards, text(f"{self.rec.summary['n_train']} examples", SIZE.small, PALETTE.muted))
        examples.arrange(DOWN, buff=0.2)
        episode = self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)
        behaviour = VGroup(WorldTrack(episode["layout"], cell=0.32, numbers=False, chip=False),
                           text("behaviour", SIZE.small, PALETTE.muted)).arrange(DOWN, buff=0.2)
        plus, arrow = text("+", SIZE.heading), text("→", SIZE.heading)
        equation = VGroup(prior, plus, examples, arrow, behaviour).arrange(RIGHT, buff=0.45).shift(UP * 0.4)
        self.play_until(self.cue("crude"), Indicate(bulb, color=PALETTE.key))
        self.play_until(self.cue("examples"), FadeIn(prior, shift=RIGHT * 0.2), FadeIn(plus))
        self.play_until(self.cue("behavior"), LaggedStart(*[FadeIn(c) for c in cards], lag_ratio=0.1),
                        FadeIn(examples[1]), FadeIn(arrow))
        self.play(FadeIn(behaviour, shift=LEFT * 0.2), run_time=MOTION.move)
        bars = success_bars(self.rec, [("hrm", "with warm-up"), ("scratch", "without")], "hrm", width=5.0)
        bars.next_to(equation, DOWN, buff=0.9)
        self.play_until(self.cue("Without"), equation.animate.set_opacity(0.5))
        self.play(grow_bars(bars, run_time=1.0), run_time=1.0)
        self.play_until(self.cue("only") + 0.8, Indicate(bars[1], color=PALETTE.text),
                        FadeIn(self.source(f"held-out layouts, n = {self.rec.summary['n_heldout']}")))


class CallToAction(SegmentScene):
    """The links from the settings as readable rows, then thanks (the presenter sits in the bottom-right corner)."""
    segment = "29-cta"

    def body(self):
        links = load_settings().links
        rows = VGroup()
        for label, url, color in (("Try it", links.demo, PALETTE.success), ("HRM paper", links.hrm_paper,
                                  PALETTE.planner), ("TRM paper", links.trm_paper, PALETTE.doer),
                                  ("BabyAI paper", links.babyai_paper, PALETTE.key)):
            row = VGroup(Dot(radius=0.09, color=color), text(label, SIZE.label, color, weight="BOLD"),
                         mono(url.removeprefix("https://"), SIZE.small, PALETTE.text)).arrange(RIGHT, buff=0.35)
            rows.add(row)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.45).shift(UP * 0.6 + LEFT * 1.2)
        card = backdrop(rows, pad=0.5)
        heading = text("Links below", SIZE.heading, weight="BOLD").next_to(card, UP, buff=0.4).align_to(card, LEFT)
        self.play(FadeIn(card), FadeIn(heading), run_time=MOTION.move)
        self.play_until(self.cue("links"), LaggedStart(*[FadeIn(r, shift=RIGHT * 0.2) for r in rows],
                                                       lag_ratio=0.25))
        thanks = VGroup(tick(0.5), text("Thanks for watching", SIZE.heading, PALETTE.success, weight="BOLD"))
        thanks.arrange(RIGHT, buff=0.3).next_to(card, DOWN, buff=0.6).align_to(card, LEFT)
        self.play_until(self.cue("Thanks") + 0.5, FadeIn(thanks, shift=UP * 0.2))
