"""Part 1, the intro (segments 02-05): the question, the black box, opening it, and the road map."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Indicate, LaggedStart, Rotate, VGroup

from scenes.charts import LineChart
from scenes.icons import black_box, brain
from scenes.panel import token
from scenes.segment import SegmentScene
from scenes.style import MOTION, PALETTE, SIZE, mono, text
from scenes.track import WorldTrack, backdrop, play_episode

SHOWCASE = 0


def example_card(i: int) -> VGroup:
    """A small card standing for one training example."""
    card = backdrop(VGroup(text(f"example {i}", SIZE.small, PALETTE.muted)), pad=0.18)
    return VGroup(card, text(f"example {i}", SIZE.small, PALETTE.muted).move_to(card))


class Hook(SegmentScene):
    """A brain ringed by question marks; on "watch", a real trained rollout appears beneath it."""
    segment = "02-hook"

    def body(self):
        mind = brain(2.4, PALETTE.text).shift(UP * 1.0)
        marks = VGroup(*[text("?", SIZE.heading, color, weight="BOLD").move_to(
            mind.get_center() + 1.9 * np.array([np.cos(a), np.sin(a), 0]))
            for a, color in zip(np.linspace(0, 2 * np.pi, 5, endpoint=False),
                                (PALETTE.planner, PALETTE.doer, PALETTE.key, PALETTE.door, PALETTE.muted))])
        self.play_until(self.cue("learn"), FadeIn(mind, scale=0.8), LaggedStart(*[FadeIn(m) for m in marks]))
        self.play_until(self.cue("skip"), Rotate(marks, angle=np.pi / 2, about_point=mind.get_center()),
                        Indicate(mind, color=PALETTE.key, scale_factor=1.05))
        self.play_until(self.cue("today"), marks.animate.set_opacity(0.25), mind.animate.set_stroke(opacity=0.5))
        episode = self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)
        # left of centre: the presenter sits in the bottom-right corner of this segment
        track = WorldTrack(episode["layout"], cell=0.8, chip=False).next_to(mind, DOWN, buff=0.9).set_x(-1.2)
        self.play(FadeOut(marks), FadeIn(track, shift=UP * 0.3), run_time=MOTION.move)
        play_episode(self, track, episode, end=self.length - 0.3)


class BlackBox(SegmentScene):
    """Examples fly into a closed box, a model comes out, and the middle stays dark."""
    segment = "03-problem"

    def body(self):
        box = black_box(3.6, 2.4)
        label = text("training", SIZE.label, PALETTE.muted).next_to(box, UP, buff=0.3)
        self.play_until(self.cue("Examples"), FadeIn(box, scale=0.9), FadeIn(label))
        cards = VGroup(*[example_card(i) for i in range(1, 4)]).arrange(DOWN, buff=0.25).to_edge(LEFT, buff=1.2)
        self.play_until(self.cue("model"), LaggedStart(*[FadeIn(c, shift=RIGHT) for c in cards], lag_ratio=0.3))
        self.play(LaggedStart(*[c.animate.move_to(box).scale(0.3).set_opacity(0) for c in cards], lag_ratio=0.2),
                  run_time=MOTION.move * 1.5)
        model = token("model", PALETTE.doer).move_to(box)
        self.play(FadeIn(model, scale=0.5), run_time=MOTION.fade)
        self.play_until(self.cue("everything"), model.animate.next_to(box, RIGHT, buff=1.4))
        hidden = text("?", SIZE.title, PALETTE.planner_error, weight="BOLD").move_to(box)
        self.play_until(self.cue("hidden") + 0.6, FadeIn(hidden, scale=1.6), Indicate(box[0], color=PALETTE.muted))


class OpenTheBox(SegmentScene):
    """The lid comes off; inside, the recorded agent wanders before training and walks straight after."""
    segment = "04-solution"

    def body(self):
        box = black_box(10.5, 3.4).shift(DOWN * 0.2)
        self.add(box)
        lid = box[1]
        self.play_until(self.cue("recorded"), lid.animate.shift(UP * 0.8).set_opacity(0),
                        box[0].animate.set_fill(PALETTE.panel, 1))
        snapshots = self.rec.snapshots
        strip = VGroup(*[mono(str(i), SIZE.small, PALETTE.muted) for i in range(len(snapshots))])
        strip.arrange(RIGHT, buff=0.35).next_to(box, UP, buff=0.6)
        strip_label = text("snapshots of one real run", SIZE.small, PALETTE.muted).next_to(strip, UP, buff=0.2)
        self.play_until(self.cue("Watch"), LaggedStart(*[FadeIn(s) for s in strip], lag_ratio=0.1),
                        FadeIn(strip_label))
        before = self.rec.showcase(self.rec.snapshot("untrained"), SHOWCASE)
        track = WorldTrack(before["layout"], cell=0.85, chip=False).move_to(box[0])
        self.play(FadeIn(track), strip[0].animate.set_color(PALETTE.planner_error), run_time=MOTION.fade)
        wandering = {**before, "steps": before["steps"][:12]}          # a taste: the whole walk is segment 08's
        play_episode(self, track, wandering, end=self.cue("clean"))
        after = self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)
        track.reset(after["layout"])
        self.play(strip[0].animate.set_color(PALETTE.muted), strip[-1].animate.set_color(PALETTE.success),
                  run_time=MOTION.fade)
        play_episode(self, track, after, end=self.length - 0.3)


class Preview(SegmentScene):
    """Three icons for the three parts, each lit as the voice names it."""
    segment = "05-preview"

    def body(self):
        task = WorldTrack(self.rec.dataset["showcase"][SHOWCASE]["layout"], cell=0.36, numbers=False, chip=False)
        model = VGroup(*[backdrop(text(name, SIZE.label, color, weight="BOLD"), pad=0.25).set_stroke(color, 3)
                         for name, color in (("Planner", PALETTE.planner), ("Doer", PALETTE.doer))])
        model = VGroup(*[VGroup(box, text(name, SIZE.label, box.get_stroke_color(), weight="BOLD").move_to(box))
                         for box, name in zip(model, ("Planner", "Doer"))]).arrange(DOWN, buff=0.35)
        curve = self.rec.curves["hrm"]
        chart = LineChart(len(curve) - 1, (0, 1), width=2.6, height=1.6, x_label="")
        icons = VGroup(task, model, chart).arrange(RIGHT, buff=1.2).shift(UP * 0.3)
        names = ["the task", "the model", "the training"]
        cards = VGroup()
        for icon, name in zip(icons, names):
            label = text(name, SIZE.label, PALETTE.muted).next_to(icon, DOWN, buff=0.45)
            cards.add(VGroup(backdrop(VGroup(icon, label), pad=0.35), icon, label))
        cards.arrange(RIGHT, buff=0.5).shift(UP * 0.3)
        self.play(LaggedStart(*[FadeIn(c, shift=UP * 0.2) for c in cards], lag_ratio=0.2), run_time=MOTION.move)
        line = chart.grow("heldout", [r["epoch"] for r in curve], [r["heldout_success"] for r in curve],
                          PALETTE.success)
        for card, cue in zip(cards, ("task", "hierarchical", "training")):
            self.wait_until_time(self.cue(cue))
            lit = [card[0].animate.set_stroke(PALETTE.text, 3), card[2].animate.set_color(PALETTE.text)]
            if card is cards[2]:
                lit += line
            self.play(*lit, run_time=MOTION.move if card is not cards[2] else 1.5)
        self.wait_until_time(self.cue("recordings"))
        self.play(FadeIn(text("all replayed from one recorded run", SIZE.label).next_to(cards, DOWN, buff=0.7)),
                  run_time=MOTION.move)
