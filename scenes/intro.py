"""Part 1, the intro (segments 02-05): the question, the black box, the box opened on the real run, the road map.

The small helpers at the top (mini tracks, example cards, the mystery box and its lid, card veils) are shared with
scenes/summary.py, which closes the film with the same pictures.
"""
from __future__ import annotations

import math

from manim import (DOWN, LEFT, PI, RIGHT, UP, Arrow, Create, Dot, FadeIn, FadeOut, GrowArrow, GrowFromCenter,
                   LaggedStart, Line, MoveAlongPath, RoundedRectangle, UpdateFromAlphaFunc, VGroup,
                   rate_functions)

from scenes.charts import LineChart
from scenes.icons import brain, mystery_box, split_lid, swing_open
from scenes.panel import planner_doer
from scenes.segment import QUICK, SHOWCASE, SegmentScene
from scenes.style import MOTION, PALETTE, SIZE, switch, text
from scenes.track import DemoCard, StepCounter, WorldTrack, mini_track, play_episode

BOX_W, BOX_H = 3.6, 2.4   # the black box keeps one size and place from 03 to 04, so the cut between them is clean
BOX_AT = DOWN * 0.2


# --- Shared pictures ------------------------------------------------------------------------------------------------

def veiled(content: VGroup, color: str, width: float, height: float) -> VGroup:
    """A topic card whose content starts dimmed under a veil; `light(card)` lifts the veil in the role colour."""
    frame = RoundedRectangle(width=width, height=height, corner_radius=0.25, stroke_color=PALETTE.panel_edge,
                             stroke_width=3, fill_color=PALETTE.panel, fill_opacity=1)
    content.move_to(frame)
    veil = frame.copy().set_stroke(width=0).set_fill(PALETTE.background, 0.72)
    card = VGroup(frame, content, veil)
    card.tint = color   # not `color`: assigning Mobject.color repaints the whole group
    return card


def light(card: VGroup) -> list:
    frame, _, veil = card
    return [FadeOut(veil), frame.animate.set_stroke(card.tint, 4)]


class OrbitingMarks(VGroup):
    """Question marks on an ellipse around a point; `orbit()` turns them as one cheap animation (no updaters)."""

    def __init__(self, center, rx: float, ry: float, n: int = 6):
        super().__init__(*[text("?", SIZE.heading + 8 * (i % 2), PALETTE.planner if i % 3 == 0 else PALETTE.muted,
                                weight="BOLD") for i in range(n)])
        self.pivot, self.rx, self.ry = center, rx, ry   # not `center`: a Mobject method
        self.place(0.0, 1.0)

    def place(self, angle: float, radius: float) -> None:
        for i, mark in enumerate(self):
            a = angle + 2 * PI * i / len(self)
            mark.move_to(self.pivot + radius * (RIGHT * self.rx * math.cos(a) + UP * self.ry * math.sin(a)))
        self.angle, self.radius = angle, radius

    def orbit(self, turn: float, shrink: float = 1.0, fade: bool = False) -> UpdateFromAlphaFunc:
        """Turn by `turn` radians while the ellipse scales to `shrink` (they spiral in), optionally fading out."""
        a0, r0 = self.angle, self.radius

        def update(group, alpha):
            group.place(a0 + turn * alpha, r0 + (shrink - r0) * alpha)
            if fade:
                group.set_opacity(1 - alpha)
        return UpdateFromAlphaFunc(self, update, rate_func=rate_functions.linear)


def shortened(episode: dict, n_steps: int) -> dict:
    """The first n steps of a recorded episode (the rest is summarised by its real step count)."""
    return {**episode, "steps": episode["steps"][:n_steps]}


# --- Segments -------------------------------------------------------------------------------------------------------

class Hook(SegmentScene):
    """An AI brain circled by question marks; they sink into it and the task comes out, with the trained agent."""
    segment = "02-hook"

    def body(self):
        center = DOWN * 0.2
        mind = brain(2.8, PALETTE.text).move_to(center)
        marks = OrbitingMarks(center, rx=3.1, ry=1.75)
        question = text("What does an AI learn?", SIZE.heading).move_to(UP * 2.55)

        # The brain draws itself; the question marks gather around it
        self.play_until(self.cue("learn"), Create(mind, lag_ratio=0.2),
                        LaggedStart(*[FadeIn(m, scale=0.4) for m in marks], lag_ratio=0.2))
        self.play_until(self.cue("trains"), FadeIn(question, shift=DOWN * 0.2), marks.orbit(0.5))
        # "Most explanations skip that part": the marks keep circling, unanswered
        self.play_until(self.cue("skip"), marks.orbit(0.6))
        # ...then sink into the brain, where a hint of the task appears
        episode = self.rec.showcase(self.rec.snapshot("final"), QUICK)
        track = mini_track(episode["layout"], 0.26).move_to(center)
        self.play_until(self.cue("today"), marks.orbit(1.2, shrink=0.05, fade=True), FadeIn(track, scale=0.3),
                        mind.animate.set_stroke(opacity=0.35))
        self.remove(marks)

        # "we will watch it happen": the task grows out of the brain and the trained agent sets off
        self.play_until(self.cue("watch"), mind.animate.scale(0.7).move_to(UP * 0.95).set_stroke(opacity=0.6),
                        track.animate.scale(0.78 / 0.26).move_to(DOWN * 1.35))
        steps = max(1, min(4, int(self.remaining(0.2) / 0.3)))
        play_episode(self, track, shortened(episode, steps), end=self.length - 0.2)


class BlackBox(SegmentScene):
    """Real demonstration cards disappear into a black box; a model comes out; the middle stays hidden."""
    segment = "03-problem"

    def body(self):
        box = mystery_box().move_to(BOX_AT).set_z_index(20)   # above every card of the deck
        label = text("training", SIZE.label, PALETTE.muted).next_to(box, UP, buff=0.3)
        deck = VGroup(*[DemoCard(d, cell=0.26, steps=False) for d in self.rec.dataset["train"]])
        for i, card in enumerate(deck):   # a fanned deck: the first demonstration on top
            card.move_to(LEFT * 4.9 + BOX_AT + (UP + RIGHT) * 0.05 * i).set_z_index(len(deck) - i)
        deck_label = text(f"{self.rec.summary['n_train']} examples", SIZE.label, PALETTE.key)
        deck_label.next_to(deck, DOWN, buff=0.35)
        model = brain(1.7, PALETTE.doer).move_to(box)
        model_spot = RIGHT * 4.75 + BOX_AT
        model_label = text("model", SIZE.label, PALETTE.doer).move_to(model_spot + DOWN * 1.3)
        arrow_in = Arrow(deck[0].get_right(), box.get_left(), color=PALETTE.muted, stroke_width=5)
        arrow_out = Arrow(box.get_right(), model_spot + LEFT * 1.2, color=PALETTE.muted, stroke_width=5)

        # "a black box"
        self.play_until(self.cue("box") + 0.2, GrowFromCenter(box), FadeIn(label))
        # "Examples go in": the deck appears, then drains into the box card by card
        self.play_until(self.cue("go"), FadeIn(deck, shift=RIGHT * 0.4), FadeIn(deck_label), GrowArrow(arrow_in))
        swallow = [card.animate.scale(0.3).move_to(box).set_opacity(0) for card in deck]
        self.play_until(self.cue("model"), FadeOut(deck_label), LaggedStart(*swallow, lag_ratio=0.3))
        self.remove(deck)
        # "a model comes out"
        self.play_until(self.cue("out") + 0.4, model.animate.move_to(model_spot), GrowArrow(arrow_out),
                        FadeIn(model_label))
        # "everything in between stays hidden"
        self.play_until(self.cue("hidden") + 0.3, box[1].animate.set_opacity(1),
                        box[0][0].animate.set_stroke(PALETTE.text), label.animate.set_color(PALETTE.text))


class OpenTheBox(SegmentScene):
    """The box opens onto the track; the recorded agent wanders (untrained), then solves it (trained)."""
    segment = "04-solution"

    def body(self):
        box = mystery_box().move_to(BOX_AT)
        box[1].set_opacity(1)   # the box as segment 03 left it
        flaps = split_lid(box)
        self.add(box)
        untrained = self.rec.showcase(self.rec.snapshot("untrained"), SHOWCASE)
        trained = self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)
        track = WorldTrack(untrained["layout"], cell=1.05, chip=False).move_to(BOX_AT + DOWN * 0.1)
        counter = StepCounter().to_corner(UP + RIGHT, buff=0.9).shift(DOWN * 0.3)
        stage = text("untrained", SIZE.heading, PALETTE.muted).to_corner(UP + LEFT, buff=0.9).shift(DOWN * 0.3)
        rec_dot = Dot(radius=0.11, color=PALETTE.planner_error)
        rec_chip = VGroup(rec_dot, text("recorded", SIZE.small, PALETTE.muted)).arrange(RIGHT, buff=0.15)
        rec_chip.move_to(UP * 2.55)

        # "a tiny model for real": the lid opens, the question goes, and the track comes out of the box
        self.play_until(self.cue("tiny"), *swing_open(flaps), FadeOut(box[1]))
        self.play_until(self.cue("real") + 0.3, FadeOut(box, rate_func=lambda t: min(1.0, 2.5 * t)),
                        FadeIn(track, scale=0.3, target_position=box.get_center()))
        self.play_until(self.cue("recorded") + 0.3, FadeIn(stage), FadeIn(counter), FadeIn(rec_chip))

        # The untrained agent wanders: as many recorded steps as fit before "to clean", then its real total
        switch_at = self.cue("clean") - 0.3
        shown = max(4, min(untrained["n_steps"], int((switch_at - 0.5 - self.now) / 0.3)))
        trail = play_episode(self, track, shortened(untrained, shown), end=switch_at - 0.5, counter=counter,
                             trail=True, max_step_time=0.3)
        verdict = text("solved" if untrained["success"] else "not solved", SIZE.small,
                       PALETTE.success if untrained["success"] else PALETTE.planner_error)
        verdict.next_to(counter, DOWN, aligned_edge=RIGHT)
        self.play_until(switch_at, counter.set(untrained["n_steps"]), FadeIn(verdict))

        # The trained agent on the same start: the shortest route
        clean = WorldTrack(trained["layout"], cell=1.05, chip=False).move_to(track)
        trained_stage = text("trained", SIZE.heading, PALETTE.success).move_to(stage, aligned_edge=LEFT)
        self.play(FadeOut(track), FadeOut(trail), FadeIn(clean), switch(stage, trained_stage), FadeOut(verdict),
                  counter.set(0), run_time=MOTION.fade)
        self.remove(track)
        play_episode(self, clean, trained, end=self.length - 0.5, counter=counter, trail=True, max_step_time=0.3)
        if trained["success"]:
            self.play_until(self.length - 0.1, FadeIn(clean.solved_mark(), scale=0.6))


class Preview(SegmentScene):
    """Three topic cards light up as named: the task, the hierarchical model, the training replayed."""
    segment = "05-preview"

    def body(self):
        w, h = 3.7, 3.0
        task_card = veiled(mini_track(self.rec.dataset["showcase"][SHOWCASE]["layout"], 0.33), PALETTE.key, w, h)
        model_icon = planner_doer()
        model_card = veiled(model_icon, PALETTE.planner, w, h)
        curve = self.rec.curves["hrm"]
        chart = LineChart(curve[-1]["epoch"], width=2.8, height=1.5)
        chart_card = veiled(chart, PALETTE.success, w, h)
        cards = VGroup(task_card, model_card, chart_card).arrange(RIGHT, buff=0.45).move_to(UP * 0.35)
        names = VGroup(*[text(s, SIZE.label, PALETTE.muted).next_to(card, DOWN, buff=0.3) for s, card in
                         zip(("The task", "The model", "Training"), cards)])
        growth = chart.grow("hrm", [r["epoch"] for r in curve], [r["heldout_success"] for r in curve],
                            PALETTE.success)

        self.play_until(self.cue("first"), LaggedStart(*[FadeIn(c, shift=UP * 0.2) for c in cards], lag_ratio=0.2),
                        FadeIn(names))
        # Each card lights up as the voice names it
        for card, name, named_at in zip(cards[:2], names, (self.cue("task"), self.cue("hierarchical"))):
            self.play_until(named_at + 0.4, *light(card), name.animate.set_color(card.tint))
        # "that learns it": a sub-goal travels down from the Planner to the Doer
        arrow = model_icon.arrow
        subgoal = Dot(arrow.get_start(), radius=0.1, color=PALETTE.planner)
        self.play_until(self.cue("learns") + 0.5, MoveAlongPath(subgoal, Line(arrow.get_start(), arrow.get_end())))
        self.play_until(self.cue("training") + 0.4, *light(chart_card), names[2].animate.set_color(PALETTE.success),
                        FadeOut(subgoal))
        self.play_until(self.cue("replayed"), *growth)
        # "replayed from the recordings": the current-epoch dot runs along the measured curve
        dot = chart.marker(0, curve[0]["heldout_success"], PALETTE.text)
        self.play_until(self.cue("recordings") + 0.5, MoveAlongPath(dot, chart.series["hrm"]))
