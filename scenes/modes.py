"""Part "Modes" (segments 22-24): one trained episode step by step, free play on unseen layouts, and the metrics.

The seed's web tool had three modes (a 7-step tutorial, free exploration, a metrics panel); in the film they become
a beat-by-beat replay of one recorded episode, a string of held-out episodes beside the tally of all held-out results,
and the run's held-out metrics compared with the untrained model's.
"""
from __future__ import annotations

import math

from manim import (DOWN, LEFT, PI, RIGHT, UP, Circle, Create, CurvedArrow, DashedLine, Dot, FadeIn, FadeOut,
                   FadeTransform, GrowFromEdge, Indicate, LaggedStart, RoundedRectangle, Transform,
                   UpdateFromAlphaFunc, VGroup, rate_functions)

from scenes.charts import LineChart, bar_chart
from scenes.icons import red_cross, tick
from scenes.panel import ACTIONS, SUBGOALS
from scenes.segment import SegmentScene
from scenes.style import CONTENT_BOTTOM, CONTENT_TOP, MOTION, PALETTE, SAFE_X, SIZE, mono, pct, text
from scenes.track import WorldTrack, backdrop


def dec1(x: float) -> str:
    return f"{x:.1f}"


def prob(p: float) -> str:
    """A head's probability, truncated to one decimal so that 0.9999 never reads as a certain 100 %."""
    return f"{math.floor(1000 * p) / 10:.1f} %"


def needs_turnaround(layout: list[int]) -> bool:
    """The key lies on the side away from the door: the agent walks to it, then turns around."""
    agent, key_cell, door = layout
    return (key_cell - agent) * (door - agent) < 0


def walkthrough_episode(rec) -> dict:
    """The tutorial's episode: the final snapshot's first solved showcase rollout whose route needs a turn-around."""
    return next(r for r in rec.snapshot("final")["rollouts"] if r["success"] and needs_turnaround(r["layout"]))


# --- small mobjects of this part (candidates for the toolkit) -------------------------------------------------------
class TokenRow(VGroup):
    """All sub-goals (or all actions) as pills in a row; the chosen one lit in its role colour, the others dim."""

    def __init__(self, names: tuple[str, ...], color: str, buff: float = 0.16):
        super().__init__()
        self.names, self.color, self.selected = names, color, None
        self.pills = VGroup(*[self.pill(n, lit=False) for n in names]).arrange(RIGHT, buff=buff)
        self.add(self.pills)

    def pill(self, name: str, lit: bool) -> VGroup:
        label = mono(name, SIZE.small, PALETTE.background if lit else PALETTE.muted)
        box = RoundedRectangle(width=label.width + 0.34, height=0.5, corner_radius=0.18, stroke_width=2,
                               stroke_color=self.color if lit else PALETTE.panel_edge,
                               fill_color=self.color if lit else PALETTE.panel, fill_opacity=1)
        return VGroup(box, label.move_to(box))

    def select(self, name: str) -> list:
        """Animations that light `name` and dim the pill lit before (none if `name` is lit already)."""
        anims = [Transform(pill, self.pill(n, lit=n == name).move_to(pill))
                 for n, pill in zip(self.names, self.pills) if name != self.selected and n in (name, self.selected)]
        self.selected = name
        return anims


class TrajectoryCard(VGroup):
    """One recorded decision: the state, the Planner's sub-goal and the Doer's action, each with its probability."""

    ROW = 0.8   # row pitch

    def __init__(self, n_steps: int):
        super().__init__()
        self.n_steps = n_steps
        names = VGroup(text("state", SIZE.small, PALETTE.muted),
                       text("Planner", SIZE.small, PALETTE.planner, weight="BOLD"),
                       text("Doer", SIZE.small, PALETTE.doer, weight="BOLD"))
        self.subgoals, self.actions = TokenRow(SUBGOALS, PALETTE.planner), TokenRow(ACTIONS, PALETTE.doer)
        self.state = text("–", SIZE.small, PALETTE.muted)
        name_w = max(n.width for n in names)
        for i, (name, value) in enumerate(zip(names, (self.state, self.subgoals, self.actions))):
            name.move_to([name_w - name.width / 2, -self.ROW * i, 0])       # names right-aligned
            value.move_to([name_w + 0.4 + value.width / 2, -self.ROW * i, 0])  # values left-aligned
        self.subgoal_p = self.probability(0, PALETTE.planner, self.subgoals).set_opacity(0)
        self.action_p = self.probability(0, PALETTE.doer, self.actions).set_opacity(0)
        self.heading = text(f"step 0 of {n_steps}", SIZE.small, PALETTE.muted)
        self.heading.next_to(names, UP, buff=0.35).align_to(names, LEFT)
        content = VGroup(self.heading, names, self.state, self.subgoals, self.actions, self.subgoal_p, self.action_p)
        self.add(backdrop(content, pad=0.4), content)

    def state_text(self, step: dict) -> VGroup:
        holding = step["holding_key"]
        return VGroup(text(f"cell {step['agent']}  ·", SIZE.small),
                      text("has key" if holding else "no key", SIZE.small, PALETTE.key if holding else PALETTE.muted)
                      ).arrange(RIGHT, buff=0.15)

    def probability(self, p: float, color: str, row: VGroup):
        label = text(prob(p), SIZE.small, color)
        return label.next_to(self.subgoals, RIGHT, buff=0.35).set_y(row.get_y())

    def show(self, step: dict, number: int) -> list:
        """Bring the card to a recorded step (`number` counts from 1): its texts switch at once, like a counter (a
        morph of digits reads as noise), and the returned animations move the lit pills. The probabilities shown
        are those of the recorded choice."""
        planner_p = step["planner_probs"][SUBGOALS.index(step["subgoal"])]
        doer_p = step["doer_probs"][ACTIONS.index(step["action"])]
        targets = ((self.heading, text(f"step {number} of {self.n_steps}", SIZE.small, PALETTE.muted)
                    .move_to(self.heading, aligned_edge=LEFT)),
                   (self.state, self.state_text(step).move_to(self.state, aligned_edge=LEFT)),
                   (self.subgoal_p, self.probability(planner_p, PALETTE.planner, self.subgoals)),
                   (self.action_p, self.probability(doer_p, PALETTE.doer, self.actions)))
        for old, new in targets:
            old.become(new)
        return [*self.subgoals.select(step["subgoal"]), *self.actions.select(step["action"])]


class StepList(VGroup):
    """The tutorial's numbered steps. A soft marker slides to the current step, which lights in its role colour."""

    def __init__(self, items: list[tuple[str, str]], row_gap: float = 0.72):
        super().__init__()
        self.labels, self.colors = [label for label, _ in items], [color for _, color in items]
        self.rows = VGroup()
        for i, (label, _) in enumerate(items):
            badge = Circle(0.24, stroke_color=PALETTE.panel_edge, stroke_width=3, fill_color=PALETTE.panel,
                           fill_opacity=1)
            digit = text(str(i + 1), SIZE.small, PALETTE.muted).move_to(badge)
            words = text(label, SIZE.label, PALETTE.muted).next_to(badge, RIGHT, buff=0.3)
            self.rows.add(VGroup(badge, digit, words).shift(DOWN * row_gap * i))
        self.marker = RoundedRectangle(width=self.rows.width + 0.4, height=row_gap * 0.9, corner_radius=0.2,
                                       stroke_width=0, fill_color=PALETTE.panel, fill_opacity=0).set_z_index(-1)
        self.marker.move_to(self.rows[0]).align_to(self.rows, LEFT).shift(LEFT * 0.2)
        self.add(self.marker, self.rows)
        self.current: int | None = None

    def lit(self, i: int, current: bool) -> VGroup:
        badge, digit, words = self.rows[i]
        return VGroup(badge.copy().set_fill(self.colors[i], 1).set_stroke(self.colors[i]),
                      text(str(i + 1), SIZE.small, PALETTE.background, weight="BOLD").move_to(digit),
                      text(self.labels[i], SIZE.label, PALETTE.text).move_to(words, aligned_edge=LEFT)
                      .set_opacity(1 if current else 0.7))

    def light(self, indices: list[int]) -> list:
        """Animations that light the steps `indices` (in order); the last becomes current, earlier ones recede."""
        anims = [Transform(self.rows[i], self.lit(i, current=i == indices[-1])) for i in indices]
        if self.current is not None and self.current not in indices:
            anims.append(self.rows[self.current][2].animate.set_opacity(0.7))
        self.current = indices[-1]
        return anims + [self.marker.animate.set_fill(opacity=1).set_y(self.rows[self.current].get_y())]


class TallyGrid(VGroup):
    """n small tiles in rows; `mark(i, ok)` turns one into a green tick or a red cross."""

    def __init__(self, n: int, columns: int = 16, tile: float = 0.42, gap: float = 0.1):
        super().__init__()
        self.tile = tile
        self.tiles = VGroup(*[RoundedRectangle(width=tile, height=tile, corner_radius=0.07, stroke_width=2,
                                               stroke_color=PALETTE.panel_edge, fill_color=PALETTE.panel,
                                               fill_opacity=1) for _ in range(n)])
        self.tiles.arrange_in_grid(cols=columns, buff=gap, flow_order="rd")
        self.add(self.tiles)

    def mark(self, i: int, ok: bool) -> list:
        color = PALETTE.success if ok else PALETTE.planner_error
        sign = (tick(self.tile * 0.5) if ok else red_cross(self.tile * 0.55)).move_to(self.tiles[i])
        return [self.tiles[i].animate.set_fill(color, 0.22).set_stroke(color), FadeIn(sign, scale=0.5)]


def counting(label, bar, value: float, fmt, size: int, color: str) -> UpdateFromAlphaFunc:
    """The value label counts up from 0 while riding the right end of a bar that grows in the same play
    (list the bar's animation first so the label reads the bar's current frame)."""
    def update(mob, alpha):
        mob.become(text(fmt(value * alpha), size, color).next_to(bar, RIGHT, buff=0.2))
    return UpdateFromAlphaFunc(label, update)


# --- scenes ---------------------------------------------------------------------------------------------------------
class AlongScene(SegmentScene):
    """A scene with a second, cue-timed layer (steps lighting, tally tiles filling) that rides along with the main
    action: whatever of the layer falls due during a play joins that play, and `hold_until` plays it in pauses."""

    def next_due(self) -> float | None:
        """Scene time of the layer's next animation (None when it is done)."""
        return None

    def due(self, until: float) -> list:
        """The layer's animations due before scene time `until`, each returned once."""
        return []

    def play_along(self, *anims, run_time: float) -> None:
        run_time = self.whole_frames(run_time)
        anims = [*anims, *self.due(self.now + run_time)]
        if anims:
            self.play(*anims, run_time=run_time)
        else:
            self.wait(run_time)

    def spread(self, items: list, end: float, make) -> None:
        """Play `make(item, run_time)` for each item, evenly until scene time `end`, on whole frames without drift."""
        for k, item in enumerate(items):
            per = (end - self.now) / (len(items) - k)
            self.play_along(*make(item, per), run_time=per)

    def hold_until(self, t: float, beat: float = MOTION.fade) -> None:
        """Wait until t, playing the layer's animations at their own times on the way."""
        while (pending := self.next_due()) is not None and pending < min(t, self.length) - self.frame:
            self.wait_until_time(pending)
            self.play_along(run_time=min(beat, max(self.frame, t - self.now)))
        self.wait_until_time(t)


class Walkthrough(AlongScene):
    """Seven beats of one recorded trained episode: a step list lights beat by beat, the agent replays that beat's
    recorded steps and a card shows each decision with the Planner's and the Doer's probability."""
    segment = "22-tutorial-mode"

    # (label, who acts): the Planner picks a sub-goal (violet), the Doer carries it out (teal).
    BEATS = [("Find the key", PALETTE.planner), ("Walk to it", PALETTE.doer), ("Pick it up", PALETTE.doer),
             ("Turn around", PALETTE.planner), ("Walk back", PALETTE.doer), ("At the door", PALETTE.planner),
             ("Open it", PALETTE.doer)]

    def body(self):
        episode = walkthrough_episode(self.rec)
        steps = episode["steps"]
        picked = next(i for i, s in enumerate(steps) if s["event"] == "picked")
        opened = next(i for i, s in enumerate(steps) if s["event"] == "opened")
        cue = [self.cue("find"), self.cue("walk"), self.cue("pick"), self.cue("turn"), self.cue("walk_back"),
               self.cue("door"), self.cue("open")]       # when the voice names each beat
        self.lights = sorted((t, i) for i, t in enumerate(cue))

        # Layout: the step list on the left; the track above the decision card on the right.
        self.step_list = StepList(self.BEATS)
        middle = (CONTENT_TOP + CONTENT_BOTTOM) / 2
        self.step_list.move_to([-SAFE_X + self.step_list.width / 2, middle, 0])
        self.track = track = WorldTrack(episode["layout"], cell=0.88, chip=False)
        self.card = TrajectoryCard(episode["n_steps"])
        right = VGroup(track, self.card).arrange(DOWN, buff=0.8)
        right.move_to([(self.step_list.get_right()[0] + 0.5 + SAFE_X) / 2, middle, 0])

        # Here is one episode, step by step.
        self.play(FadeIn(track), FadeIn(self.card), run_time=MOTION.fade * 2)
        self.play_until(cue[0] - 0.1, LaggedStart(*[FadeIn(r, shift=RIGHT * 0.2) for r in self.step_list.rows],
                                                  lag_ratio=0.12))
        self.add(self.step_list.marker)

        # 1 Find the key: the Planner picks go_to_key and the key lights up.
        self.play_along(Indicate(track.key, color=PALETTE.key, scale_factor=1.4), *self.card.show(steps[0], 1),
                        run_time=min(MOTION.move, cue[1] - self.now))
        # 2 Walk to it, 3 pick it up: the walk ends as the voice says "pick".
        self.replay(steps, 0, picked, end=cue[2])
        self.replay(steps, picked, picked + 1, end=cue[2] + MOTION.step)
        self.hold_until(cue[3])

        # 4 Turn around: the Planner switches to go_to_door; 5 walk back, arriving just after "door".
        top = track.agent.get_top() + UP * 0.12
        turn = CurvedArrow(top + LEFT * 0.35, top + RIGHT * 0.35, angle=-PI * 0.9, color=PALETTE.planner,
                           stroke_width=5)
        self.play_along(FadeIn(turn, scale=0.6), *self.card.show(steps[picked + 1], picked + 2),
                        run_time=MOTION.fade)
        walk_back = opened - picked - 1
        arrive = min(max(cue[5] + 0.3, self.now + 0.2 * walk_back), cue[6] - 0.3)
        self.replay(steps, picked + 1, opened, end=arrive, extra={min(1, walk_back - 1): [FadeOut(turn)]})

        # 6 At the door: the Planner's new sub-goal is open_door; 7 the Doer opens it.
        self.play_along(*self.card.show(steps[opened], opened + 1), Indicate(track.door, color=PALETTE.door),
                        run_time=min(MOTION.move, max(self.frame, cue[6] - self.now)))
        self.hold_until(cue[6])
        self.play_along(track.step(steps[opened], MOTION.move), FadeIn(track.solved_mark(), shift=DOWN * 0.1),
                        self.result(episode), run_time=min(MOTION.move, self.remaining(0.1)))

    def replay(self, steps: list[dict], start: int, stop: int, end: float, extra: dict | None = None) -> None:
        """Replay the recorded steps[start:stop] evenly until scene time `end`, the card following each decision;
        `extra` adds animations to the k-th step of the run."""
        self.spread(list(range(start, stop)), end, lambda k, per: [
            self.track.step(steps[k], per), *self.card.show(steps[k], k + 1), *(extra or {}).get(k - start, [])])

    def result(self, episode: dict) -> FadeTransform:
        n, best = episode["n_steps"], episode["optimal_steps"]
        words = f"solved in {n} steps, the shortest route" if n == best else f"solved in {n} steps (shortest {best})"
        return FadeTransform(self.card.heading, text(words, SIZE.small, PALETTE.success)
                             .move_to(self.card.heading, aligned_edge=LEFT))

    def next_due(self) -> float | None:
        return self.lights[0][0] if self.lights else None

    def due(self, until: float) -> list:
        ready = []
        while self.lights and self.lights[0][0] < until:
            ready.append(self.lights.pop(0)[1])
        return self.step_list.light(ready) if ready else []


class FreePlay(AlongScene):
    """Unseen layouts solved one after another on one track (the final model's greedy showcase rollouts), while a
    tally of all held-out episodes fills tile by tile up to the recorded count."""
    segment = "23-freeplay-mode"

    RESET = 0.15     # the cut to the next layout
    VERDICT = 0.25   # the tick over the door
    FASTEST = 0.13   # the quickest step worth showing; fewer episodes rather than faster ones

    def body(self):
        summary = self.rec.summary
        n, solved = summary["n_heldout"], summary["hrm"]["heldout_solved"]
        unseen = [s["layout"] for s in self.rec.dataset["showcase"] if not s["in_train"]]
        shown_before = walkthrough_episode(self.rec)["layout"]
        episodes = [r for r in self.rec.finals["hrm"]["rollouts"]
                    if r["layout"] in unseen and r["layout"] != shown_before]

        # Layout: the track on top, the tally grid and its count below.
        track = WorldTrack(episodes[0]["layout"], cell=0.9, chip=False)
        tag = self.tag(1).next_to(track.cells, UP, buff=0.3).align_to(track.cells, LEFT)
        self.grid = TallyGrid(n)
        self.count = text("0", SIZE.title, PALETTE.success, weight="BOLD")
        tally = VGroup(self.count, text(f"of {n} solved", SIZE.small, PALETTE.muted)).arrange(DOWN,
                                                                                             aligned_edge=LEFT)
        VGroup(self.grid, tally).arrange(RIGHT, buff=0.6).next_to(track, DOWN, buff=0.8)
        note = text("a tally: tiles are not in layout order", SIZE.small, PALETTE.muted)
        note.next_to(self.grid, DOWN, buff=0.25).align_to(self.grid, LEFT)
        VGroup(tag, track, self.grid, tally, note).move_to([0, (CONTENT_TOP + CONTENT_BOTTOM) / 2 + 0.2, 0])
        source = self.source(f"held-out layouts, n = {n}")
        self.play(FadeIn(track), FadeIn(tag), FadeIn(self.grid), FadeIn(tally), FadeIn(note), FadeIn(source),
                  run_time=MOTION.fade)

        # The tally: solved tiles fill steadily until the voice reaches "of", then the unsolved ones.
        start, counted = self.now, self.cue("of")
        self.tiles = [(start + (i + 1) / solved * (counted - start), i, True) for i in range(solved)]
        self.tiles += [(counted + 0.5 * (k + 1) / (n - solved), solved + k, False) for k in range(n - solved)]
        self.solved_so_far = 0

        # Episodes one after another, as many as fit before the count is spoken, each step at least FASTEST.
        window, chosen = counted - self.now, []
        for ep in episodes:
            n_steps = sum(e["n_steps"] for e in chosen) + ep["n_steps"]
            if chosen and n_steps * self.FASTEST + (len(chosen) + 1) * (self.RESET + self.VERDICT) > window:
                break
            chosen.append(ep)
        total = sum(e["n_steps"] for e in chosen)
        per = min(MOTION.step / 2, (window - len(chosen) * (self.RESET + self.VERDICT)) / total)
        verdict = None
        for i, ep in enumerate(chosen):
            if i:
                track.reset(ep["layout"])
                self.play_along(*[FadeIn(m, scale=0.9) for m in (track.agent, track.key, track.door)],
                                FadeOut(verdict), Transform(tag, self.tag(i + 1).move_to(tag, aligned_edge=LEFT)),
                                run_time=self.RESET)
            self.spread(ep["steps"], self.now + per * ep["n_steps"], lambda step, rt: [track.step(step, rt)])
            verdict = track.solved_mark() if ep["success"] else red_cross(0.5).next_to(track.door, UP, buff=0.15)
            self.play_along(FadeIn(verdict, scale=0.6), run_time=self.VERDICT)
        self.hold_until(self.length)

    def tag(self, i: int):
        return text(f"unseen layout {i}", SIZE.small, PALETTE.muted)

    def next_due(self) -> float | None:
        return self.tiles[0][0] if self.tiles else None

    def due(self, until: float) -> list:
        anims = []
        while self.tiles and self.tiles[0][0] < until:
            _, i, ok = self.tiles.pop(0)
            anims += self.grid.mark(i, ok)
            self.solved_so_far += ok
        # The count switches at once, like a counter: a morph of digits reads as noise.
        self.count.become(text(str(self.solved_so_far), SIZE.title, PALETTE.success, weight="BOLD")
                          .move_to(self.count, aligned_edge=LEFT))
        return anims


class Metrics(SegmentScene):
    """Held-out steps and efficiency of the trained model beside the untrained one's, the shortest-route line, and
    the efficiency curve over the fine-tuning epochs with its epoch dot."""
    segment = "24-metrics"

    BAR_W = 3.0   # the longest bar: max_steps, or efficiency 100 %

    def body(self):
        summary = self.rec.summary
        curve = self.rec.curves["hrm"]
        middle = (CONTENT_TOP + CONTENT_BOTTOM) / 2

        # Left: steps per episode and efficiency, untrained (grey) against trained (green).
        steps = self.comparison("heldout_mean_steps", dec1, 1 / summary["max_steps"])
        efficiency = self.comparison("heldout_efficiency", pct, 1)
        steps_title = text("steps per episode", SIZE.label)
        efficiency_title = text("efficiency", SIZE.label)
        left = VGroup(VGroup(steps_title, steps).arrange(DOWN, aligned_edge=LEFT, buff=0.4),
                      VGroup(efficiency_title, efficiency).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
                      ).arrange(DOWN, aligned_edge=LEFT, buff=1.1)
        left.move_to([-SAFE_X + left.width / 2 + 0.1, middle + 0.1, 0])
        optimal = summary["hrm"]["heldout_optimal_mean_steps"]
        x_optimal = steps[0].bar.get_left()[0] + self.BAR_W * optimal / summary["max_steps"]
        shortest = DashedLine([x_optimal, steps.get_top()[1] + 0.15, 0], [x_optimal, steps.get_bottom()[1] - 0.15, 0],
                              color=PALETTE.text, stroke_width=3, dash_length=0.1)
        shortest_label = text(f"shortest route {dec1(optimal)}", SIZE.small).next_to(shortest, DOWN, buff=0.1)
        shortest_label.align_to(shortest, LEFT).shift(LEFT * 0.15)

        # Right: efficiency per fine-tuning epoch.
        epochs, values = [r["epoch"] for r in curve], [r["heldout_efficiency"] for r in curve]
        chart = LineChart(x_max=epochs[-1], y_range=(0, 1), width=3.8, height=3.6, x_label="fine-tuning epoch",
                          y_ticks=(0, 0.5, 1), y_format=pct, x_ticks=tuple(range(0, epochs[-1] + 1, 4)))
        chart_title = text("efficiency by epoch", SIZE.label)
        right = VGroup(chart_title, chart).arrange(DOWN, buff=0.5)
        right.move_to([SAFE_X - 1.0 - chart.width / 2, 0, 0]).align_to(left, UP)
        grow_curve = chart.grow("hrm", epochs, values, PALETTE.success)
        dot = chart.marker(epochs[0], values[0], PALETTE.success).set_opacity(0)
        end_label = text(pct(values[-1]), SIZE.label, PALETTE.success, weight="BOLD")
        end_label.next_to(chart.to_scene(epochs[-1], values[-1]), RIGHT, buff=0.2)

        # On held-out layouts: the frames, and the untrained model for reference.
        self.play(FadeIn(steps_title), FadeIn(efficiency_title), FadeIn(chart), FadeIn(chart_title),
                  *[FadeIn(row.name) for row in (*steps, *efficiency)],
                  FadeIn(self.source(f"held-out layouts, n = {summary['n_heldout']}")), run_time=MOTION.fade)
        self.play_until(self.cue("averaged"), *self.grow(steps[0]), *self.grow(efficiency[0]))
        # ...it averaged N steps...
        self.play_until(self.cue("steps") + 0.3, *self.grow(steps[1]))
        # ...where the shortest routes average M.
        self.wait_until_time(self.cue("shortest"))
        self.play_until(self.cue("that") - 0.15, Create(shortest), FadeIn(shortest_label, shift=UP * 0.1))
        # That is an efficiency of P: the bar, and the curve with its epoch dot, both arrive on the number.
        self.wait_until_time(self.cue("that"))
        self.play_until(self.cue("efficiency"), *self.grow(efficiency[1]), *grow_curve,
                        self.follow(dot, chart, epochs, values))
        self.play(FadeIn(end_label, shift=LEFT * 0.1), run_time=min(MOTION.fade, self.remaining(0.1)))

    def comparison(self, field: str, fmt, unit: float) -> VGroup:
        """Two bars of one summary field: the untrained model (grey) over the trained one (green).
        `unit` maps a value to a share of the longest bar."""
        rows = [(name, self.rec.summary[model][field], fmt(self.rec.summary[model][field]), color)
                for name, model, color in (("untrained", "untrained", PALETTE.muted),
                                           ("trained", "hrm", PALETTE.success))]
        chart = bar_chart(rows, scale=lambda v: self.BAR_W * v * unit, gap=0.45)
        for row, (_, value, _, _) in zip(chart, rows):
            row.counted = (value, fmt)
        return chart

    @staticmethod
    def grow(row) -> list:
        """A bar grows from its left edge while its value counts up at its end."""
        value, fmt = row.counted
        return [GrowFromEdge(row.bar, LEFT), counting(row.value, row.bar, value, fmt, SIZE.label,
                                                       row.bar.get_fill_color())]

    @staticmethod
    def follow(dot: Dot, chart: LineChart, xs: list, ys: list) -> UpdateFromAlphaFunc:
        """The epoch dot rides the tip of a curve drawn with Create (linear): one segment per epoch."""
        def update(mob, alpha):
            pos = alpha * (len(xs) - 1)
            i = min(int(pos), len(xs) - 2)
            f = pos - i
            mob.move_to(chart.to_scene(xs[i] + f * (xs[i + 1] - xs[i]), ys[i] + f * (ys[i + 1] - ys[i])))
            mob.set_opacity(1)
        return UpdateFromAlphaFunc(dot, update, rate_func=rate_functions.linear)
