"""Part 6, the summary (segments 25-29): the task, the model, the recording, the insight, and where to go next.

Each recap reuses a picture from earlier in the film (the track, the Planner/Doer icon, the black box) so the summary
reads as a look back; every number is the run's own.
"""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, CurvedArrow, Circle, Create, FadeIn, FadeOut, Flash,
                   GrowFromCenter, Indicate, LaggedStart, Line, Rectangle, RoundedRectangle, VGroup)

from scenes.charts import bar_chart, grow_bars
from scenes.icons import lightbulb, mystery_box, person, red_cross, split_lid, swing_open
from scenes.panel import planner_doer, token
from scenes.segment import QUICK, SHOWCASE, SegmentScene
from scenes.style import PALETTE, SAFE_X, SIZE, mono, pct, text
from scenes.track import DemoCard, backdrop, mini_track, play_episode


def success_bars(rec, rows: list[tuple[str, str]], highlight: str, width: float) -> VGroup:
    """Held-out success of recorded models as bars (100 % = `width`); the highlighted model in green."""
    return bar_chart([(label, rec.summary[name]["heldout_success"], pct(rec.summary[name]["heldout_success"]),
                       PALETTE.success if name == highlight else PALETTE.muted) for name, label in rows],
                     lambda v: width * v, gap=0.3)


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
    """The Planner/Doer icon passes a sub-goal down and an action out; then the measured comparison of models."""
    segment = "26-recap-hrm"

    def body(self):
        first = self.rec.showcase(self.rec.snapshot("final"), SHOWCASE)["steps"][0]
        icon = planner_doer(box_w=3.2, box_h=1.0, size=SIZE.label, gap=1.0)
        subgoal = token(first["subgoal"], PALETTE.planner, SIZE.small)
        action = token(first["action"], PALETTE.doer, SIZE.small)
        s = self.rec.summary
        bars = success_bars(self.rec, [("hrm", "HRM"), ("flat", "flat model"), ("trm", "TRM"),
                                       ("scratch", "HRM, no warm-up")], "hrm", width=3.0)
        bars.move_to(RIGHT * 2.3 + DOWN * 0.1)
        heading = text("held-out layouts solved", SIZE.small, PALETTE.muted).next_to(bars, UP, buff=0.45)
        heading.align_to(bars, LEFT)
        sizes = text(f"weights: HRM {s['hrm']['params']:,} · flat {s['flat']['params']:,}", SIZE.small,
                     PALETTE.muted).next_to(bars, DOWN, buff=0.45).align_to(bars, LEFT)
        flat_row = bars[1]

        # "A hierarchical model splits thinking into planning and doing"
        self.play_until(self.cue("splits"), FadeIn(icon, scale=0.9))
        # the Planner's recorded first sub-goal comes down beside the arrow; the Doer's first action goes out
        subgoal.next_to(icon.planner, DOWN, buff=0.1).align_to(icon.planner, LEFT).shift(LEFT * 0.4)
        self.play_until(self.cue("planning") + 0.5, FadeIn(subgoal, shift=DOWN * 0.3),
                        Indicate(icon.planner[0], color=PALETTE.planner, scale_factor=1.05))
        action.next_to(icon.doer, RIGHT, buff=0.2)
        self.play_until(self.cue("doing") + 0.4, Indicate(icon.doer[0], color=PALETTE.doer, scale_factor=1.05),
                        FadeIn(action, shift=RIGHT * 0.5))
        # "On a task this small": the icon steps aside for the measured comparison
        self.play_until(self.cue("small") + 0.4, VGroup(icon, subgoal).animate.move_to(LEFT * 4.6 + DOWN * 0.1),
                        FadeOut(action, shift=RIGHT * 0.3, rate_func=lambda t: min(1.0, 3 * t)))
        self.play_until(self.cue("flat"), grow_bars(bars, lag=0.25), FadeIn(heading), FadeIn(heldout_note(self)))
        # "a flat model of the same size came close": its row lights up, with both parameter counts
        self.play_until(self.cue("size") + 0.4, flat_row.bar.animate.set_fill(PALETTE.text),
                        flat_row.name.animate.set_color(PALETTE.text), FadeIn(sizes))
        self.play_until(self.cue("flat_score") + 0.3,
                        flat_row.value.animate.set_color(PALETTE.text).scale(1.15, about_edge=LEFT))


class RecapViz(SegmentScene):
    """The black box opens and the run comes out of it as a strip of snapshots: held-out success, one at a time."""
    segment = "27-recap-viz"

    def body(self):
        box = mystery_box().scale(0.55).move_to(UP * 1.2)
        box[1].set_opacity(1)
        flaps = split_lid(box)
        self.add(box)
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

        # "Recording the run opens the black box"
        self.play_until(self.cue("opens") + 0.4, *swing_open(flaps), FadeOut(box[1]))
        # "...learning happen one step at a time": the snapshots leave the box one after another
        fly = [FadeIn(tile, scale=0.3, target_position=box.get_center()) for tile in tiles]
        self.play_until(self.cue("learning"), LaggedStart(*fly[:4], lag_ratio=0.35))
        self.play_until(self.length - 0.3, LaggedStart(*fly[4:], lag_ratio=0.35), FadeIn(ends), FadeIn(caption),
                        FadeIn(heldout_note(self)))

    @staticmethod
    def thumbnail(snapshot: dict, width: float = 0.72, height: float = 1.6) -> VGroup:
        frame = RoundedRectangle(width=width, height=height, corner_radius=0.1, stroke_color=PALETTE.panel_edge,
                                 stroke_width=2, fill_color=PALETTE.panel, fill_opacity=1)
        value = snapshot["metrics"]["heldout_success"]
        bar = Rectangle(width=width * 0.55, height=max(0.04, (height - 0.24) * value), stroke_width=0,
                        fill_color=PALETTE.success if value > 0 else PALETTE.muted, fill_opacity=1)
        return VGroup(frame, bar.align_to(frame, DOWN).shift(UP * 0.12))


class KeyInsight(SegmentScene):
    """A lightbulb; an equation of pictures (warm-up prior + the examples → behaviour); then the evidence: the same
    model without the warm-up."""
    segment = "28-key-insight"

    def body(self):
        n_train = self.rec.summary["n_train"]
        bulb = lightbulb(1.0)
        claim = text("Training is not magic", SIZE.heading)
        VGroup(bulb, claim).arrange(RIGHT, buff=0.4).move_to(UP * 2.45)
        prior, examples, behaviour = self.prior(), self.examples(n_train), self.behaviour()
        plus, arrow = text("+", SIZE.title, PALETTE.muted), text("→", SIZE.title, PALETTE.muted)
        equation = VGroup(prior, plus, examples, arrow, behaviour).arrange(RIGHT, buff=0.35).move_to(UP * 0.45)
        for term in (prior, examples, behaviour):   # one baseline for the three captions
            term[1].align_to(equation, DOWN)
        cross = red_cross(1.2).move_to(prior[0])
        bars = success_bars(self.rec, [("hrm", "with warm-up"), ("scratch", "without warm-up")], "hrm", width=4.2)
        bars.move_to(DOWN * 1.95)

        # "The key insight": the bulb lights
        self.play_until(self.cue("insight") + 0.3, GrowFromCenter(bulb))
        self.play_until(self.cue("magic") + 0.4, Flash(bulb[0], color=PALETTE.key, flash_radius=0.75),
                        FadeIn(claim, shift=LEFT * 0.2))
        # "a crude prior plus ten examples becoming behavior": the terms arrive as they are named
        self.play_until(self.cue("plus"), FadeIn(prior, shift=UP * 0.2))
        self.play_until(self.cue("examples") + 0.3, FadeIn(plus),
                        LaggedStart(*[FadeIn(c, scale=0.6) for c in examples[0]], lag_ratio=0.15),
                        FadeIn(examples[1]))
        self.play_until(self.cue("behavior"), FadeIn(arrow), FadeIn(behaviour, shift=LEFT * 0.2))
        episode = self.rec.showcase(self.rec.snapshot("final"), QUICK)
        play_episode(self, behaviour[0], episode, end=self.cue("without") - 0.1)
        # "Without the warm-up, the same model solved only ...": strike the prior, show both measured results
        self.play_until(self.cue("warm_up") + 0.3, FadeIn(cross, scale=1.3),
                        prior.animate.set_opacity(0.4))
        self.play_until(self.cue("solved") + 0.3, grow_bars(bars, lag=0.3), FadeIn(heldout_note(self)))
        self.play_until(self.cue("scratch_score") + 0.3, Indicate(bars[1].value, color=PALETTE.text),
                        bars[1].name.animate.set_color(PALETTE.text))

    @staticmethod
    def prior() -> VGroup:
        """The base stage as a picture: the agent and a marked cell (no key, no door), and an arrow to the mark."""
        track = mini_track([2, 0, 9], 0.25)
        track.remove(track.key, track.door)
        mark = Circle(radius=0.1, stroke_width=0, fill_color=PALETTE.doer, fill_opacity=1).move_to(track.center_of(7))
        walk = CurvedArrow(track.center_of(2) + UP * 0.25, track.center_of(7) + UP * 0.25, angle=-0.9,
                           color=PALETTE.doer, stroke_width=4)
        caption = VGroup(text("warm-up", SIZE.label, PALETTE.doer), text("walk to a mark", SIZE.small, PALETTE.muted))
        return VGroup(VGroup(track, mark, walk), caption.arrange(DOWN, buff=0.1)).arrange(DOWN, buff=0.35)

    def examples(self, n: int) -> VGroup:
        """The demonstrations as a fanned deck of real example cards."""
        cards = VGroup(*[DemoCard(d, cell=0.19, steps=False) for d in self.rec.dataset["train"][:n]])
        for i, card in enumerate(cards):   # a fanned deck, the first example on top
            card.shift((UP + RIGHT) * 0.045 * i).set_z_index(n - i)
        caption = VGroup(text(f"{n} examples", SIZE.label, PALETTE.key), text("shortest routes", SIZE.small,
                                                                              PALETTE.muted))
        return VGroup(cards, caption.arrange(DOWN, buff=0.1)).arrange(DOWN, buff=0.35)

    def behaviour(self) -> VGroup:
        episode = self.rec.showcase(self.rec.snapshot("final"), QUICK)
        caption = VGroup(text("behavior", SIZE.label, PALETTE.success), text("new layouts solved", SIZE.small,
                                                                            PALETTE.muted))
        return VGroup(mini_track(episode["layout"], 0.25), caption.arrange(DOWN, buff=0.1)).arrange(DOWN, buff=0.35)


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
