"""Part 1, the intro (segments 02-05): the question, the black box, the box opened on the real run, the road map.

Segment 04 opens the box exactly as 03 left it (`TrainingPicture`), so the cut between them changes nothing.
"""
from __future__ import annotations

import math

from manim import (DOWN, LEFT, PI, RIGHT, UP, ArcBetweenPoints, Arrow, Create, Dot, FadeIn, FadeOut, GrowArrow,
                   GrowFromCenter, LaggedStart, Line, MoveAlongPath, RoundedRectangle, UpdateFromAlphaFunc, VGroup,
                   rate_functions)

from scenes.charts import LineChart
from scenes.icons import brain, mystery_box, split_lid, swing_open
from scenes.panel import planner_doer
from scenes.segment import QUICK, SHOWCASE, SegmentScene, drop, settle
from scenes.style import MOTION, PALETTE, SIZE, switch, text
from scenes.track import DemoCard, Replay, WorldTrack, corner_counter, mini_track

BOX_AT = DOWN * 0.2       # the black box keeps one size and place from 03 to 04
DECK_AT = LEFT * 4.7 + BOX_AT
MODEL_AT = RIGHT * 4.75 + BOX_AT
CARD_CELL = 0.28          # small cards, their icons still 24 px tall (WorldTrack sizes them)


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


class Deck(VGroup):
    """The demonstrations as a deck of cards: the first face up, the edges of the others behind it."""

    def __init__(self, demos: list[dict]):
        self.top = DemoCard(demos[0], cell=CARD_CELL, steps=False)
        backs = [self.top.panel.copy().shift(UP * 0.06 * i) for i in range(len(demos) - 1, 0, -1)]
        super().__init__(*backs, self.top)


def dealt(card: DemoCard, into) -> UpdateFromAlphaFunc:
    """A card lifts off the deck, arcs over the arrow and drops into the box, shrinking; it is seen only on the way
    (so the cards waiting their turn on the deck stay hidden, and none is left inside the box)."""
    start, path = card.copy(), ArcBetweenPoints(card.get_center(), into, angle=-PI / 2)

    def update(m, a):
        m.become(start).scale(1 - 0.7 * a).move_to(path.point_from_proportion(a))
        m.fade(1 - min(1.0, 8 * a, 4 * (1 - a)))
    return UpdateFromAlphaFunc(card, update, rate_func=rate_functions.smooth)


class TrainingPicture:
    """Segment 03's picture: the examples → the black box, labelled "training" → the model. Built in its final
    places; `hidden()` gives the box its last look (the question mark, brighter edges)."""

    def __init__(self, rec):
        self.box = mystery_box().move_to(BOX_AT).set_z_index(20)   # above the cards dealt into it
        self.label = text("training", SIZE.label, PALETTE.muted).next_to(self.box, UP, buff=0.3)
        self.demos = rec.dataset["train"]
        self.deck = Deck(self.demos).move_to(DECK_AT)
        self.deck_label = text(f"{rec.summary['n_train']} examples", SIZE.label, PALETTE.key)
        self.deck_label.next_to(self.deck, DOWN, buff=0.35)
        self.model = brain(1.7, PALETTE.doer).move_to(MODEL_AT)
        self.model_label = text("model", SIZE.label, PALETTE.doer).next_to(self.model, DOWN, buff=0.3)
        self.arrow_in = Arrow(self.deck.get_right(), self.box.get_left(), color=PALETTE.muted, stroke_width=5)
        self.arrow_out = Arrow(self.box.get_right(), self.model.get_left(), color=PALETTE.muted, stroke_width=5)

    def hidden(self) -> list:
        return [self.box[1].animate.set_opacity(1), self.box[0][0].animate.set_stroke(PALETTE.text),
                self.label.animate.set_color(PALETTE.text)]

    def around_box(self) -> VGroup:
        return VGroup(self.deck, self.deck_label, self.arrow_in, self.arrow_out, self.model_label, self.label)


# --- Segments -------------------------------------------------------------------------------------------------------

class Hook(SegmentScene):
    """An AI brain circled by question marks; they sink into it and the task grows out of it, with the trained
    agent solving it."""
    segment = "02-hook"

    def body(self):
        center = DOWN * 0.2
        mind = brain(2.4, PALETTE.text).move_to(center)
        marks = OrbitingMarks(center, rx=3.2, ry=1.9)   # wide enough to clear the brain's box all the way round
        question = text("What does an AI learn?", SIZE.heading).move_to(UP * 2.55)

        # The brain draws itself; the question marks gather around it
        self.play_until(self.cue("learn"), Create(mind, lag_ratio=0.2),
                        LaggedStart(*[FadeIn(m, scale=0.4) for m in marks], lag_ratio=0.2))
        self.play_until(self.cue("trains"), FadeIn(question, shift=DOWN * 0.2), marks.orbit(0.5))
        # "Most explanations skip that part": the marks keep circling, unanswered
        self.play_until(self.cue("skip"), marks.orbit(0.6))
        # ...then sink into the brain
        self.play_until(self.cue("today"), marks.orbit(1.2, shrink=0.05, fade=True),
                        mind.animate.set_stroke(opacity=0.5))
        self.remove(marks)

        # "today we will watch it happen": the task grows out of the brain and the trained agent solves it
        episode = self.rec.showcase(self.rec.snapshot("final"), QUICK)
        track = mini_track(episode["layout"], 0.9).move_to(DOWN * 1.35)   # the carried key still 24 px tall
        self.play_until(self.cue("watch"), mind.animate.scale(0.7).move_to(UP * 0.95).set_stroke(opacity=0.6),
                        FadeIn(track, scale=0.3, target_position=center))
        replay = Replay(self, track, episode)
        replay.play(replay.left, self.length - 0.2)


class BlackBox(SegmentScene):
    """Real demonstration cards are dealt into a black box; a model comes out; the middle stays hidden."""
    segment = "03-problem"

    def body(self):
        picture = TrainingPicture(self.rec)
        box = picture.box
        # "a black box"
        self.play_until(self.cue("box") + 0.2, GrowFromCenter(box), FadeIn(picture.label))
        # "Examples go in": the deck, then its cards dealt into the box one after another (the first on top)
        self.play_until(self.cue("go"), FadeIn(picture.deck, shift=RIGHT * 0.4), FadeIn(picture.deck_label),
                        GrowArrow(picture.arrow_in))
        cards = [DemoCard(d, cell=CARD_CELL, steps=False).move_to(picture.deck.top) for d in picture.demos]
        self.add(*reversed(cards))
        self.play_until(self.cue("model"), LaggedStart(*[dealt(c, box.get_center()) for c in cards],
                                                       lag_ratio=0.15))
        self.remove(*cards)
        # "a model comes out"
        model_spot = picture.model.get_center()
        picture.model.move_to(box)
        self.play_until(self.cue("out") + 0.4, picture.model.animate.move_to(model_spot),
                        GrowArrow(picture.arrow_out), FadeIn(picture.model_label))
        # "everything in between stays hidden"
        self.play_until(self.cue("hidden") + 0.3, *picture.hidden())


class OpenTheBox(SegmentScene):
    """From 03's picture the model goes back into the box; the box opens onto the track; the recorded agent wanders
    (untrained, its failed actions labelled), then solves it (trained)."""
    segment = "04-solution"

    def body(self):
        picture = TrainingPicture(self.rec)
        for look in picture.hidden():
            settle(look)
        box, surround = picture.box, picture.around_box()
        self.add(surround, picture.model, box)                              # 03's last frame
        flaps = split_lid(box).set_z_index(box.z_index)   # the new flaps, like the box, over the model going in
        untrained = self.rec.showcase(self.rec.snapshot("untrained"), SHOWCASE)
        trained = self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)
        track = WorldTrack(untrained["layout"], cell=1.05, chip=False).move_to(BOX_AT + DOWN * 0.1)
        counter = corner_counter(self.rec.summary["max_steps"])
        stage = text("untrained", SIZE.heading, PALETTE.muted).to_corner(UP + LEFT, buff=0.9).shift(DOWN * 0.3)
        rec_dot = Dot(radius=0.11, color=PALETTE.planner_error)
        rec_chip = VGroup(rec_dot, text("recorded", SIZE.small, PALETTE.muted)).arrange(RIGHT, buff=0.15)
        rec_chip.move_to(UP * 2.55)

        # "So we trained...": all but the box goes, the model back inside it
        self.play_until(self.cue("tiny"), FadeOut(surround),
                        picture.model.animate.scale(0.4).move_to(box).set_opacity(0))
        drop(self, picture.model)
        # "a tiny model for real": the lid opens, the question goes, and the track comes out of the box
        self.play_until(self.cue("tiny") + 0.5, *swing_open(flaps), FadeOut(box[1]))
        self.play_until(self.cue("real") + 0.3, FadeOut(box, rate_func=lambda t: min(1.0, 2.5 * t)),
                        FadeIn(track, scale=0.3, target_position=box.get_center()))
        self.play_until(self.cue("recorded") + 0.3, FadeIn(stage), FadeIn(counter), FadeIn(rec_chip))

        # The untrained agent wanders: as many recorded steps as fit before "to clean", then its real total
        switch_at = self.cue("clean") - 0.3
        shown = max(4, min(untrained["n_steps"], int((switch_at - 0.5 - self.now) / 0.3)))
        wander = Replay(self, track, untrained, counter=counter, trail=True)
        wander.play(shown, switch_at - 0.5, explain=True)
        verdict = text("solved" if untrained["success"] else "not solved", SIZE.small,
                       PALETTE.success if untrained["success"] else PALETTE.planner_error)
        verdict.next_to(counter, DOWN, aligned_edge=LEFT)
        self.play_until(switch_at, counter.set(untrained["n_steps"]), FadeIn(verdict), *wander.clear_note())

        # The trained agent on the same start: the shortest route
        clean = WorldTrack(trained["layout"], cell=1.05, chip=False).move_to(track)
        trained_stage = text("trained", SIZE.heading, PALETTE.success).move_to(stage, aligned_edge=LEFT)
        self.play(FadeOut(track), FadeOut(wander.trail), FadeIn(clean), switch(stage, trained_stage),
                  FadeOut(verdict), counter.set(0), run_time=MOTION.fade)
        self.remove(track)
        solve = Replay(self, clean, trained, counter=counter, trail=True)
        solve.play(solve.left, self.length - 0.5)
        if trained["success"]:
            self.play_until(self.length - 0.1, FadeIn(clean.solved_mark(), scale=0.6))


class TopicCards(VGroup):
    """Segment 05's picture: a card for each part to come (the task's row, the Planner/Doer icon, the training
    curve), each dimmed under a veil until the voice names it, its name under it. `finished()` gives the look 05 ends
    on, for 06 to open on. Parts: .cards (task, model, training), .names, .row, .model, .chart (and, finished, .drawn:
    the curve and its dot)."""

    def __init__(self, rec):
        super().__init__()
        w, h = 3.7, 3.0
        self.row = mini_track(rec.dataset["showcase"][SHOWCASE]["layout"], 0.33)
        self.model = planner_doer()
        self.curve = rec.curves["hrm"]
        self.chart = LineChart(self.curve[-1]["epoch"], width=2.8, height=1.5)
        self.cards = VGroup(*[veiled(content, tint, w, h) for content, tint in (
            (self.row, PALETTE.key), (self.model, PALETTE.planner), (self.chart, PALETTE.success))])
        self.cards.arrange(RIGHT, buff=0.45).move_to(UP * 0.35)
        self.names = VGroup(*[text(s, SIZE.label, PALETTE.muted).next_to(card, DOWN, buff=0.3) for s, card in
                              zip(("The task", "The model", "Training"), self.cards)])
        self.add(self.cards, self.names)

    def light(self, i: int) -> list:
        """Card i's veil lifts and its outline and name take its colour."""
        return [*light(self.cards[i]), self.names[i].animate.set_color(self.cards[i].tint)]

    def growth(self) -> list:
        """The measured held-out curve drawn left to right."""
        return self.chart.grow("hrm", [r["epoch"] for r in self.curve], [r["heldout_success"] for r in self.curve],
                               PALETTE.success)

    def epoch_dot(self, at_end: bool = False):
        row = self.curve[-1 if at_end else 0]
        return self.chart.marker(row["epoch"], row["heldout_success"], PALETTE.text)

    def finished(self) -> "TopicCards":
        """Every card lit, the curve drawn, the epoch dot at its end: how segment 05 ends."""
        for i in range(len(self.cards)):
            settle(*self.light(i))
        settle(*self.growth())
        self.drawn = VGroup(self.chart.series["hrm"], self.epoch_dot(at_end=True))
        return self.add(self.drawn)


class Preview(SegmentScene):
    """Three topic cards light up as named: the task, the hierarchical model, the training replayed."""
    segment = "05-preview"

    def body(self):
        topics = TopicCards(self.rec)
        cards, names = topics.cards, topics.names

        self.play_until(self.cue("first"), LaggedStart(*[FadeIn(c, shift=UP * 0.2) for c in cards], lag_ratio=0.2),
                        FadeIn(names))
        # Each card lights up as the voice names it
        for i, named_at in enumerate((self.cue("task"), self.cue("hierarchical"))):
            self.play_until(named_at + 0.4, *topics.light(i))
        # "that learns it": a sub-goal travels down from the Planner to the Doer
        arrow = topics.model.arrow
        subgoal = Dot(arrow.get_start(), radius=0.1, color=PALETTE.planner)
        self.play_until(self.cue("learns") + 0.5, MoveAlongPath(subgoal, Line(arrow.get_start(), arrow.get_end())))
        self.play_until(self.cue("training") + 0.4, *topics.light(2), FadeOut(subgoal))
        self.play_until(self.cue("replayed"), *topics.growth())
        # "replayed from the recordings": the current-epoch dot runs along the measured curve
        self.play_until(self.cue("recordings") + 0.5, MoveAlongPath(topics.epoch_dot(), topics.chart.series["hrm"]))
