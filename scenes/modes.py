"""Part "Modes" (segments 22-24): one trained episode step by step, the model on unseen layouts, and its metrics.

The seed's web tool had three modes (a 7-step tutorial, free exploration, a metrics panel); in the film they become
a beat-by-beat replay of one recorded episode, six held-out episodes played side by side beside the tally of all
held-out results and of every run, and the seed's summary dashboard: Planner and Doer accuracy, success and steps per
episode over the fine-tuning epochs.
"""
from __future__ import annotations

import math

from manim import (DOWN, LEFT, PI, RIGHT, UP, Circle, Create, CurvedArrow, DashedLine, Dot, FadeIn, FadeOut,
                   FadeTransform, Indicate, LaggedStart, Line, ReplacementTransform, RoundedRectangle, Transform,
                   UpdateFromAlphaFunc, VGroup, rate_functions)

from scenes.charts import LineChart
from scenes.icons import red_cross
from scenes.panel import ACTIONS, SUBGOALS
from scenes.segment import SegmentScene, behind, drop, settle
from scenes.style import CONTENT_BOTTOM, CONTENT_TOP, MOTION, PALETTE, SAFE_X, SIZE, mono, pct, text
from scenes.track import WorldTrack, backdrop, mini_track
from scenes.training import Lanes

MIDDLE = (CONTENT_TOP + CONTENT_BOTTOM) / 2


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
        self.planner_name = text("Planner", SIZE.small, PALETTE.planner, weight="BOLD")
        self.doer_name = text("Doer", SIZE.small, PALETTE.doer, weight="BOLD")
        names = VGroup(text("state", SIZE.small, PALETTE.muted), self.planner_name, self.doer_name)
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

    def __init__(self, items: list[tuple[str, str]], row_gap: float = 0.64):
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


def colour_key() -> VGroup:
    """What the steps' colours mean, one line per module, each with a badge in its colour as the steps have."""
    lines = VGroup()
    for color, name, what in ((PALETTE.planner, "Planner", "sub-goal"), (PALETTE.doer, "Doer", "action")):
        badge = Circle(0.14, stroke_width=0, fill_color=color, fill_opacity=1)
        words = text(f"{name}'s {what}", SIZE.small, PALETTE.muted, t2c={name: color})
        lines.add(VGroup(badge, words.next_to(badge, RIGHT, buff=0.25)))
    return lines.arrange(DOWN, aligned_edge=LEFT, buff=0.22)


class WalkthroughView(VGroup):
    """Segment 22's picture of one episode: the step list with its colour key on the left, the track above the
    decision card on the right. Segment 23 opens on it as segment 22 left it (`play_out`)."""

    # (label, who acts): the Planner picks a sub-goal (violet), the Doer carries it out (teal).
    BEATS = [("Find the key", PALETTE.planner), ("Walk to it", PALETTE.doer), ("Pick it up", PALETTE.doer),
             ("Turn around", PALETTE.planner), ("Walk back", PALETTE.doer), ("At the door", PALETTE.planner),
             ("Open it", PALETTE.doer)]

    def __init__(self, episode: dict):
        super().__init__()
        self.episode, self.steps = episode, episode["steps"]
        self.picked = next(i for i, s in enumerate(self.steps) if s["event"] == "picked")
        self.opened = next(i for i, s in enumerate(self.steps) if s["event"] == "opened")
        self.step_list, self.key = StepList(self.BEATS), colour_key()
        left = VGroup(self.step_list, self.key).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        self.key.shift(RIGHT * (self.step_list.rows[0][0].get_x() - self.key[0][0].get_x()))   # dots under badges
        left.move_to([-SAFE_X + left.width / 2, MIDDLE, 0])
        self.track = WorldTrack(episode["layout"], cell=0.88, chip=False)
        self.card = TrajectoryCard(episode["n_steps"])
        right = VGroup(self.track, self.card).arrange(DOWN, buff=0.8)
        right.move_to([(left.get_right()[0] + 0.5 + SAFE_X) / 2, MIDDLE, 0])
        self.verdict = self.track.solved_mark()
        self.add(self.step_list, self.key, self.track, self.card)

    def result(self) -> VGroup:
        """The card's heading once the door is open."""
        n, best = self.episode["n_steps"], self.episode["optimal_steps"]
        words = f"solved in {n} steps, the shortest route" if n == best else f"solved in {n} steps (shortest {best})"
        return text(words, SIZE.small, PALETTE.success).move_to(self.card.heading, aligned_edge=LEFT)

    def play_out(self) -> None:
        """Jump to the end of the walkthrough: every step lit, every recorded step played, the verdict shown."""
        settle(*self.step_list.light(list(range(len(self.BEATS)))))
        for step in self.steps:
            settle(self.track.step(step))
        settle(*self.card.show(self.steps[self.opened], self.opened + 1))
        self.card.heading.become(self.result())
        self.add(self.verdict)


class TallyGrid(VGroup):
    """n small tiles in rows; `mark(i, ok)` fills one green (solved) or red (not solved). Too small for icons: the
    count beside the grid says what the colour means."""

    def __init__(self, n: int, columns: int = 16, tile: float = 0.26, gap: float = 0.07):
        super().__init__()
        self.tiles = VGroup(*[RoundedRectangle(width=tile, height=tile, corner_radius=0.05, stroke_width=2,
                                               stroke_color=PALETTE.panel_edge, fill_color=PALETTE.panel,
                                               fill_opacity=1) for _ in range(n)])
        self.tiles.arrange_in_grid(cols=columns, buff=gap, flow_order="rd")
        self.add(self.tiles)

    def mark(self, i: int, ok: bool) -> list:
        color = PALETTE.success if ok else PALETTE.planner_error
        return [self.tiles[i].animate.set_fill(color, 0.85).set_stroke(color)]


class RunPills(VGroup):
    """Every run's held-out success as a pill in seed order; the run the film follows is marked 'this run'."""

    def __init__(self, values: list[float], seeds: list[int], followed: int):
        super().__init__()
        self.values, self.pills = values, VGroup()
        for v in values:
            label = text(pct(v), SIZE.small, PALETTE.success if v == 1 else PALETTE.text)
            box = RoundedRectangle(width=label.width + 0.4, height=0.56, corner_radius=0.2, stroke_width=2,
                                   stroke_color=PALETTE.panel_edge, fill_color=PALETTE.panel, fill_opacity=1)
            self.pills.add(VGroup(box, label.move_to(box)))
        self.pills.arrange(RIGHT, buff=0.18)
        self.this_run = text("this run", SIZE.small, PALETTE.muted).next_to(self.pills[seeds.index(followed)], DOWN,
                                                                            buff=0.15)
        self.add(self.pills, self.this_run)

    def weakest(self) -> VGroup:
        return self.pills[self.values.index(min(self.values))]


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
    """Seven beats of one recorded trained episode: a step list lights beat by beat in the colour of the module
    that acts (the colour key says which), the agent replays that beat's recorded steps and a card shows each
    decision with the Planner's and the Doer's probability."""
    segment = "22-tutorial-mode"

    def body(self):
        self.view = view = WalkthroughView(walkthrough_episode(self.rec))
        steps, picked, opened = view.steps, view.picked, view.opened
        self.track, self.card = track, card = view.track, view.card
        cue = [self.cue("find"), self.cue("walk"), self.cue("pick"), self.cue("turn"), self.cue("walk_back"),
               self.cue("door"), self.cue("open")]       # when the voice names each beat
        self.lights = sorted((t, i) for i, t in enumerate(cue))

        # 21's last frame: the lanes go but the HRM's row, which becomes this episode's track (reset to its start)
        lanes = Lanes(self).finished()
        hrm = lanes.by_variant["hrm"]
        row = hrm.track
        self.add(lanes)
        leaving = [lane for lane in lanes.lanes if lane is not hrm] + [lanes.note, row.door, row.key, row.agent,
                                                                        *[m for m in hrm if m is not row]]
        self.play(*[FadeOut(m) for m in leaving],
                  LaggedStart(*[ReplacementTransform(small, big) for small, big in zip(row.cells, track.cells)],
                              lag_ratio=0.04),
                  *[FadeIn(m, rate_func=behind) for m in (track.numbers, track.door, track.key, track.agent, card)],
                  run_time=MOTION.move * 1.5)
        drop(self, lanes)
        # Here is one episode, step by step: the seven steps, still unlit.
        self.play_until(self.cue("violet") - 0.1, LaggedStart(*[FadeIn(r, shift=RIGHT * 0.2)
                                                                for r in view.step_list.rows], lag_ratio=0.12))
        self.add(view.step_list.marker)
        # ...violet for the Planner, teal for the Doer: the colour key, each line with its row on the card.
        for at, line, name in ((self.cue("violet"), view.key[0], card.planner_name),
                               (self.cue("teal"), view.key[1], card.doer_name)):
            self.wait_until_time(at)
            self.play(FadeIn(line, shift=UP * 0.1), Indicate(name, color=name.get_color(), scale_factor=1.25),
                      run_time=MOTION.move)

        # 1 Find the key: the Planner picks go_to_key and the key lights up.
        self.hold_until(cue[0])
        self.play_along(Indicate(track.key, color=PALETTE.key, scale_factor=1.4), *card.show(steps[0], 1),
                        run_time=min(MOTION.move, cue[1] - self.now))
        # 2 Walk to it, 3 pick it up: the walk ends as the voice says "pick".
        self.replay(steps, 0, picked, end=cue[2])
        self.replay(steps, picked, picked + 1, end=cue[2] + MOTION.step)
        self.hold_until(cue[3])

        # 4 Turn around: the Planner switches to go_to_door; 5 walk back, arriving just after "door". The turn arrow
        # arcs over the key the agent now carries.
        top = VGroup(track.agent, track.key).get_top() + UP * 0.2
        turn = CurvedArrow(top + LEFT * 0.35, top + RIGHT * 0.35, angle=-PI * 0.9, color=PALETTE.planner,
                           stroke_width=5)
        self.play_along(FadeIn(turn, scale=0.6), *card.show(steps[picked + 1], picked + 2), run_time=MOTION.fade)
        walk_back = opened - picked - 1
        arrive = min(max(cue[5] + 0.3, self.now + 0.2 * walk_back), cue[6] - 0.3)
        self.replay(steps, picked + 1, opened, end=arrive, extra={min(1, walk_back - 1): [FadeOut(turn)]})

        # 6 At the door: the Planner's new sub-goal is open_door; 7 the Doer opens it.
        self.play_along(*card.show(steps[opened], opened + 1), Indicate(track.door, color=PALETTE.door),
                        run_time=min(MOTION.move, max(self.frame, cue[6] - self.now)))
        self.hold_until(cue[6])
        self.play_along(track.step(steps[opened], MOTION.move), FadeIn(view.verdict, shift=DOWN * 0.1),
                        FadeTransform(card.heading, view.result()), run_time=min(MOTION.move, self.remaining(0.1)))

    def replay(self, steps: list[dict], start: int, stop: int, end: float, extra: dict | None = None) -> None:
        """Replay the recorded steps[start:stop] evenly until scene time `end`, the card following each decision;
        `extra` adds animations to the k-th step of the run."""
        self.spread(list(range(start, stop)), end, lambda k, per: [
            self.track.step(steps[k], per), *self.card.show(steps[k], k + 1), *(extra or {}).get(k - start, [])])

    def next_due(self) -> float | None:
        return self.lights[0][0] if self.lights else None

    def due(self, until: float) -> list:
        ready = []
        while self.lights and self.lights[0][0] < until:
            ready.append(self.lights.pop(0)[1])
        return self.view.step_list.light(ready) if ready else []


class FreePlay(AlongScene):
    """Segment 22's track becomes one of six: held-out showcase layouts, the key on the way in one column and behind
    the agent in the other, played side by side (the final model's greedy rollouts). Then the tally of all held-out
    episodes fills to the recorded count, and every run's held-out success is shown with the weakest named."""
    segment = "23-freeplay-mode"

    ROWS = 3         # layouts per column
    CELL = 0.58

    def body(self):
        summary = self.rec.summary
        n, solved = summary["n_heldout"], summary["hrm"]["heldout_solved"]
        held_out = [r for r in self.rec.finals["hrm"]["rollouts"] if r["layout"] in summary["heldout_layouts"]]
        columns = [[r for r in held_out if needs_turnaround(r["layout"]) == behind][:self.ROWS]
                   for behind in (False, True)]

        # Layout: two columns of tracks on top, each under its heading; the tally and the runs below.
        headings = [text("key on the way", SIZE.small, PALETTE.muted),
                    text("key behind the agent", SIZE.small, PALETTE.muted)]
        tracks = [[mini_track(ep["layout"], self.CELL) for ep in column] for column in columns]
        stacks = VGroup(*[VGroup(heading, *column).arrange(DOWN, buff=0.52, aligned_edge=LEFT)
                          for heading, column in zip(headings, tracks)]).arrange(RIGHT, buff=0.9, aligned_edge=UP)
        stacks.move_to([0, CONTENT_TOP - stacks.height / 2 - 0.1, 0])
        self.grid = TallyGrid(n)
        self.count = text(str(n), SIZE.title, PALETTE.success, weight="BOLD")   # laid out at its widest
        tally = VGroup(VGroup(self.count, text(f"of {n} held-out layouts solved", SIZE.small, PALETTE.muted))
                       .arrange(RIGHT, buff=0.25, aligned_edge=DOWN), self.grid).arrange(DOWN, aligned_edge=LEFT,
                                                                                          buff=0.25)
        self.count.become(text("0", SIZE.title, PALETTE.success, weight="BOLD").move_to(self.count,
                                                                                        aligned_edge=RIGHT))
        spread = summary["spread"]["hrm"]["heldout_success"]
        runs = RunPills(spread["values"], summary["seeds"], summary["seed"])
        runs_title = text(f"held-out solved, each of {len(spread['values'])} runs", SIZE.small, PALETTE.muted)
        runs_block = VGroup(runs_title, runs).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        bottom = VGroup(tally, runs_block).arrange(RIGHT, buff=1.0, aligned_edge=UP)
        bottom.next_to(stacks, DOWN, buff=0.55)
        # The tracks start in the middle of the frame and make room for the tally when it comes.
        lift = UP * (stacks.get_y() - MIDDLE)
        stacks.shift(-lift)
        source = self.source(f"held-out layouts, n = {n}")

        # Open on segment 22's last frame; its track becomes the first layout with the key behind the agent.
        before = WalkthroughView(walkthrough_episode(self.rec))
        before.play_out()
        self.add(before)
        first = tracks[1][0]
        others = [t for column in tracks for t in column if t is not first]
        self.play(FadeOut(VGroup(before.step_list, before.key, before.card, before.verdict, before.track.numbers,
                                 before.track.door)),
                  ReplacementTransform(before.track.cells, first.cells), FadeIn(source), run_time=MOTION.move)
        self.remove(before)
        self.play(FadeIn(VGroup(*headings)), *[FadeIn(t.cells) for t in others],
                  *[FadeIn(VGroup(t.door, t.key, t.agent), scale=0.9) for column in tracks for t in column],
                  run_time=MOTION.fade)

        # Now layouts it never trained on: all six at once, step by step; each verdict as its episode ends. The
        # key-behind column's heading lights in the key's colour as the voice says it.
        self.lit_heading = (self.cue("behind"), headings[1])
        episodes = [(t, ep) for column, column_tracks in zip(columns, tracks) for t, ep in zip(column_tracks, column)]
        longest = max(ep["n_steps"] for _, ep in episodes)
        self.tiles, self.verdicts = [], VGroup()
        self.spread(list(range(longest + 1)), self.cue("solved") - 0.1,
                    lambda k, per: [anim for t, ep in episodes for anim in self.beat(t, ep, k, per)])

        # It solved N of the N: the tally fills up to the voice's count, solved tiles first.
        for group in (stacks, self.verdicts):   # their parts entered one by one: now each moves as one
            self.remove(group)
            self.add(group)
        self.play(VGroup(stacks, self.verdicts).animate.shift(lift), FadeIn(tally, shift=lift),
                  run_time=MOTION.move)
        start, counted = self.now, self.cue("of")
        self.tiles = [(start + (i + 1) / solved * (counted - start), i, True) for i in range(solved)]
        self.tiles += [(counted + 0.5 * (k + 1) / (n - solved), solved + k, False) for k in range(n - solved)]
        self.solved_so_far = 0
        self.hold_until(self.cue("weakest"))

        # ...and the weakest of the runs: every run's pill, then the weakest lights as its number is spoken.
        self.play_until(self.cue("weakest") + 0.6, FadeIn(runs_title),
                        LaggedStart(*[FadeIn(p, shift=UP * 0.1) for p in runs.pills], lag_ratio=0.15),
                        FadeIn(runs.this_run))
        self.hold_until(self.cue("least"))
        weakest = runs.weakest()
        self.play(weakest[0].animate.set_stroke(PALETTE.text, 4), Indicate(weakest[1], color=PALETTE.text),
                  run_time=min(MOTION.move, self.remaining(0.1)))

    def beat(self, track: WorldTrack, episode: dict, k: int, per: float) -> list:
        """Global step k of one track: its k-th recorded step, or its verdict just after its last step."""
        if k < episode["n_steps"]:
            return [track.step(episode["steps"][k], per, rate_func=rate_functions.linear)]
        if k == episode["n_steps"]:
            mark = track.solved_mark() if episode["success"] else red_cross(self.CELL * 0.6).next_to(track.door, UP,
                                                                                                      buff=0.15)
            self.verdicts.add(mark)
            return [FadeIn(mark, scale=0.6)]
        return []

    def next_due(self) -> float | None:
        times = [self.tiles[0][0]] if self.tiles else []
        if self.lit_heading:
            times.append(self.lit_heading[0])
        return min(times) if times else None

    def due(self, until: float) -> list:
        anims = []
        if self.lit_heading and self.lit_heading[0] < until:
            anims.append(self.lit_heading[1].animate.set_color(PALETTE.key))
            self.lit_heading = None
        if self.tiles and self.tiles[0][0] < until:
            while self.tiles and self.tiles[0][0] < until:
                _, i, ok = self.tiles.pop(0)
                anims += self.grid.mark(i, ok)
                self.solved_so_far += ok
            # The count switches at once, like a counter: a morph of digits reads as noise.
            self.count.become(text(str(self.solved_so_far), SIZE.title, PALETTE.success, weight="BOLD")
                              .move_to(self.count, aligned_edge=RIGHT))
        return anims


class Metrics(SegmentScene):
    """The seed's summary dashboard, on held-out layouts over the fine-tuning epochs: Planner and Doer accuracy
    with the success line under them, then steps per episode against the shortest routes, and efficiency defined
    as their ratio."""
    segment = "24-metrics"

    WIDTH, HEIGHT = 4.6, 1.9    # the two main charts

    def body(self):
        summary, rows = self.rec.summary, self.rec.curves["hrm"]
        last, max_steps = rows[-1]["epoch"], summary["max_steps"]
        ticks = tuple(range(0, last + 1, 4))

        # Left: how often each module chose right, and held-out success under it on the same epochs.
        accuracy = LineChart(last, (0, 1), self.WIDTH, self.HEIGHT, "fine-tuning epoch", y_ticks=(0, 0.5, 1),
                             y_format=pct, x_ticks=ticks)
        accuracy_title = text("Planner and Doer accuracy", SIZE.label,
                              t2c={"Planner": PALETTE.planner, "Doer": PALETTE.doer})
        solved = LineChart(last, (0, 1), self.WIDTH, 0.7, y_ticks=(0, 1), y_format=pct)
        solved.remove(solved.x_label)   # the chart above names the shared epoch axis
        solved_title = text("held-out solved", SIZE.small, PALETTE.success)
        accuracy_note = text("right choices on held-out states", SIZE.small, PALETTE.muted)
        left = VGroup(VGroup(accuracy_title, accuracy_note).arrange(DOWN, aligned_edge=LEFT, buff=0.12), accuracy,
                      solved_title, solved).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        solved_title.shift(UP * 0.1)
        solved.shift(RIGHT * (accuracy.x_axis.get_start()[0] - solved.x_axis.get_start()[0]))   # epochs line up
        # Right: steps per episode (a failed one counts the step limit) against the shortest routes' mean.
        steps = LineChart(last, (0, max_steps), self.WIDTH, self.HEIGHT, "fine-tuning epoch",
                          y_ticks=(0, max_steps / 2, max_steps), x_ticks=ticks)
        steps_title = text("steps per episode", SIZE.label)
        steps_note = text(f"a failed episode counts the limit, {max_steps}", SIZE.small, PALETTE.muted)
        ratio = self.efficiency_formula()
        right = VGroup(VGroup(steps_title, steps_note).arrange(DOWN, aligned_edge=LEFT, buff=0.12), steps, ratio
                       ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        VGroup(left, right).arrange(RIGHT, buff=1.1, aligned_edge=UP).move_to([0, MIDDLE + 0.25, 0])
        ratio.set_y(solved.get_y())   # the formula on the sparkline's row

        optimal = summary["hrm"]["heldout_optimal_mean_steps"]
        shortest = DashedLine(steps.to_scene(0, optimal), steps.to_scene(last, optimal), color=PALETTE.text,
                              stroke_width=3, dash_length=0.1)
        shortest_label = text(f"shortest routes {dec1(optimal)}", SIZE.small).next_to(shortest, DOWN, buff=0.12)
        shortest_label.align_to(shortest, RIGHT)
        taken, success = rows[-1]["heldout_mean_steps"], rows[-1]["heldout_success"]
        taken_label = text(dec1(taken), SIZE.small, PALETTE.success)
        taken_label.next_to(steps.to_scene(last, taken), UP, buff=0.15, aligned_edge=RIGHT)
        success_label = text(pct(success), SIZE.small, PALETTE.success)
        success_label.next_to(solved.to_scene(last, success), RIGHT, buff=0.15)

        # The frames, with the held-out source.
        self.play(FadeIn(VGroup(accuracy_title, accuracy_note, accuracy, solved_title, solved, steps_title,
                                steps_note, steps)),
                  FadeIn(self.source(f"held-out layouts, n = {summary['n_heldout']}")), run_time=MOTION.fade)

        # Planner and Doer learned to choose right on held-out states: both curves and the success line under
        # them, each with its epoch dot.
        self.wait_until_time(self.cue("planner"))
        self.play_until(self.cue("averaged") - 0.2, *self.draw(rows, (accuracy, "heldout_planner_acc", PALETTE.planner),
                                                               (accuracy, "heldout_doer_acc", PALETTE.doer),
                                                               (solved, "heldout_success", PALETTE.success)))
        self.play(FadeIn(success_label, shift=LEFT * 0.1), run_time=MOTION.fade)
        # ...and it averaged N steps: the steps curve falls from the step limit, its value at its end.
        self.wait_until_time(self.cue("averaged"))
        self.play_until(self.cue("steps"), *self.draw(rows, (steps, "heldout_mean_steps", PALETTE.success)))
        self.play(FadeIn(taken_label, shift=DOWN * 0.1), run_time=MOTION.fade)
        # The shortest routes take M: the dashed line the curve came down to.
        self.wait_until_time(self.cue("shortest"))
        self.play(Create(shortest), FadeIn(shortest_label, shift=UP * 0.1), run_time=MOTION.move * 1.5)
        # ...an efficiency of P: shortest over taken, in place as the voice says "efficiency", and the value as it
        # says the number.
        words, value = ratio
        self.wait_until_time(self.cue("ratio") - MOTION.move)
        self.play_until(self.cue("ratio"), FadeIn(words, shift=UP * 0.1))
        self.wait_until_time(self.cue("efficiency") - MOTION.fade)
        self.play_until(self.cue("efficiency"), FadeIn(value, scale=1.2))

    def efficiency_formula(self) -> VGroup:
        """'efficiency = shortest route / steps taken' and its value, the two parts as they are shown."""
        fraction = VGroup(text("shortest route", SIZE.small), text("steps taken", SIZE.small)).arrange(DOWN, buff=0.24)
        bar = Line(LEFT, RIGHT, stroke_width=3, color=PALETTE.text).set_width(fraction.width + 0.1).move_to(fraction)
        words = VGroup(text("efficiency =", SIZE.label), VGroup(fraction, bar)).arrange(RIGHT, buff=0.25)
        value = text(f"= {pct(self.rec.summary['hrm']['heldout_efficiency'])}", SIZE.label, PALETTE.success,
                     weight="BOLD").next_to(words, RIGHT, buff=0.25)
        return VGroup(words, value)

    def draw(self, rows: list[dict], *drawn: tuple) -> list:
        """Animations that draw each (chart, curve field, colour) over the epochs, its epoch dot riding the tip."""
        anims = []
        xs = [r["epoch"] for r in rows]
        for chart, field, color in drawn:
            ys = [r[field] for r in rows]
            dot = chart.marker(xs[0], ys[0], color).set_opacity(0)
            anims += [*chart.grow(field, xs, ys, color), self.follow(dot, chart, xs, ys)]
        return anims

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
