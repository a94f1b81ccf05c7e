"""Part 2, the task (segments 06-09): the row, the goal, and the recorded agent before and after training."""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, Circle, CurvedArrow, FadeIn, FadeOut, GrowFromCenter, Indicate,
                   LaggedStart, Line, Triangle, VGroup)

from scenes.segment import SHOWCASE, SegmentScene
from scenes.style import MOTION, PALETTE, SIZE, pct, text
from scenes.track import StepCounter, WorldTrack, play_episode


class TaskIntro(SegmentScene):
    """The row appears cell by cell; person, key and door arrive as the voice names them."""
    segment = "06-task-intro"

    def body(self):
        layout = self.rec.dataset["showcase"][SHOWCASE]["layout"]
        track = WorldTrack(layout, cell=1.15, chip=False).shift(DOWN * 0.3)
        self.play_until(self.cue("row"), FadeIn(text("A tiny world", SIZE.heading).to_edge(UP, buff=1.2)))
        self.play_until(self.cue("person"), LaggedStart(*[GrowFromCenter(c) for c in track.cells], lag_ratio=0.15),
                        LaggedStart(*[FadeIn(n) for n in track.numbers], lag_ratio=0.15))
        self.play_until(self.cue("key"), FadeIn(track.agent, shift=DOWN * 0.3))
        self.play_until(self.cue("locked"), FadeIn(track.key, scale=0.5), Indicate(track.cells[layout[1]],
                                                                                   color=PALETTE.key))
        self.play_until(self.cue("end") + 0.4, FadeIn(track.door, shift=LEFT * 0.2),
                        Indicate(track.cells[layout[2]], color=PALETTE.door))


class TaskGoal(SegmentScene):
    """The four parts of the goal, each drawn as the voice says it: walk, pick up, carry, open."""
    segment = "07-task-goal"

    def body(self):
        agent, key_cell, door = self.rec.dataset["showcase"][SHOWCASE]["layout"]
        track = WorldTrack([agent, key_cell, door], cell=1.15, chip=False).shift(DOWN * 0.5)
        self.add(track)
        to_key = CurvedArrow(track.center_of(agent) + DOWN * 0.7, track.center_of(key_cell) + DOWN * 0.7,
                             angle=-1.2, color=PALETTE.key, stroke_width=6)
        to_door = CurvedArrow(track.center_of(key_cell) + UP * 0.7, track.center_of(door) + UP * 0.7,
                              angle=-0.6, color=PALETTE.door, stroke_width=6)
        steps = VGroup(*[text(f"{i}. {s}", SIZE.label, c) for i, (s, c) in enumerate(
            [("walk to the key", PALETTE.key), ("pick it up", PALETTE.key), ("carry it to the door", PALETTE.door),
             ("open it", PALETTE.success)], 1)]).arrange(RIGHT, buff=0.6).to_edge(UP, buff=1.3)
        steps.scale_to_fit_width(min(steps.width, 12.5))
        self.play_until(self.cue("walk"), Indicate(track.agent, color=PALETTE.agent))
        self.play_until(self.cue("pick"), FadeIn(steps[0]), GrowFromCenter(to_key),
                        Indicate(track.key, color=PALETTE.key))
        track.position = key_cell
        self.play_until(self.cue("carry"), FadeIn(steps[1]), track.agent.animate.move_to(track.center_of(key_cell)),
                        track.step({"event": "picked", "action": "pick"}))
        self.play_until(self.cue("open"), FadeIn(steps[2]), GrowFromCenter(to_door))
        open_at = min(self.length - 0.3, self.cue("open") + 1.2)
        self.play_until(open_at - MOTION.step, FadeIn(steps[3]), track.agent.animate.move_to(track.center_of(door)),
                        track.key.animate.move_to(track.center_of(door) + UP * 0.48))
        # the door opens after the walk: a step's animation starts from where the agent stands when it is built
        self.play_until(open_at, track.step({"event": "opened", "action": "open"}))


class RolloutScene(SegmentScene):
    """A recorded showcase episode on the track with a step counter, then the measured held-out result.
    Variants set `snapshot` (which recording), `model` (which summary block states the result) and may add to the
    end in `after_result`."""
    snapshot = "final"
    model = "hrm"
    heading = ""
    label_color = PALETTE.text
    track_y = -0.2          # the track's height; a variant with more to show below lifts it
    result_y = None         # the result line's height; by default it sits low, above the source line

    def body(self):
        episode = self.rec.showcase(self.rec.snapshot(self.snapshot), SHOWCASE)
        track = WorldTrack(episode["layout"], cell=1.1).shift(UP * self.track_y)
        counter = StepCounter().to_corner(UP + RIGHT, buff=0.9).shift(DOWN * 0.3)
        limit = text(f"optimal: {episode['optimal_steps']}  ·  limit: {self.rec.summary['max_steps']}",
                     SIZE.small, PALETTE.muted).next_to(counter, DOWN, aligned_edge=RIGHT)
        heading = text(self.heading, SIZE.heading).to_corner(UP + LEFT, buff=0.9).shift(DOWN * 0.3)
        self.play(FadeIn(track), FadeIn(counter), FadeIn(limit), FadeIn(heading), run_time=MOTION.fade * 2)
        verdict_at = self.cue("solved")
        play_episode(self, track, episode, end=verdict_at - 0.6, counter=counter, trail=True)
        solved = episode["success"]
        verdict = text("solved" if solved else "not solved", SIZE.heading,
                       PALETTE.success if solved else PALETTE.planner_error).next_to(heading, DOWN, aligned_edge=LEFT)
        self.play(FadeIn(verdict, scale=0.8), *( [FadeIn(track.solved_mark())] if solved else []),
                  run_time=MOTION.move)
        self.wait_until_time(verdict_at)
        self.note = self.source(f"held-out layouts, n = {self.rec.summary['n_heldout']}")
        self.play_until(verdict_at + 1.0, FadeIn(self.result_line(), shift=UP * 0.2), FadeIn(self.note))
        self.after_result()

    def result_line(self) -> VGroup:
        m = self.rec.summary[self.model]
        line = text(f"{self.label}: {pct(m['heldout_success'])} of new layouts solved, "
                    f"{m['heldout_mean_steps']:.1f} steps on average", SIZE.label,
                    t2c={self.label: self.label_color})
        return line.to_edge(DOWN, buff=1.5) if self.result_y is None else line.move_to(UP * self.result_y)

    def after_result(self) -> None:
        pass


class Untrained(RolloutScene):
    """Before training: the sampled, wandering rollout, with red crosses where it tries the locked door."""
    segment = "08-task-untrained"
    snapshot = "untrained"
    model = "untrained"
    heading = "Before training"
    label = "untrained"


class Trained(RolloutScene):
    """After training: the same start, solved on the shortest path; then this run among all the study's runs, one
    dot per seed on a 0-100 % strip, the followed (median) run in green and the mean marked."""
    segment = "09-task-trained"
    snapshot = "final"
    model = "hrm"
    heading = "After training"
    label = "this run"
    label_color = PALETTE.success    # the colour of the followed run's dot on the strip
    track_y = 0.5
    result_y = -1.05
    strip_y = -2.35

    def after_result(self) -> None:
        s = self.rec.summary
        spread = s["spread"][self.model]["heldout_success"]
        strip = SeedStrip(spread["values"], s["seeds"].index(s["seed"]), width=7.0)
        runs = text(f"{s['runs']} runs", SIZE.label).next_to(strip.zero, LEFT, buff=0.4)
        # centred as a whole, with the axis (not the stacked dots) at a fixed height
        VGroup(runs, strip).shift(LEFT * VGroup(runs, strip).get_x() + UP * (self.strip_y - strip.axis.get_y()))
        mean = strip.mean_mark(spread["mean"])
        note = self.source(f"held-out layouts · {s['runs']} runs · the film follows the median run")
        # "...and five runs": the strip, then the dots drop in one per seed; the source line now covers them all
        self.wait_until_time(self.cue("runs") - 0.3)
        self.play_until(self.cue("runs") + 0.3, FadeIn(strip.axis), FadeIn(strip.ends), FadeIn(runs),
                        FadeOut(self.note), FadeIn(note))
        self.play_until(self.cue("mean") - 0.1, LaggedStart(*[FadeIn(d, shift=DOWN * 0.2) for d in strip.dots],
                                                            lag_ratio=0.3))
        # "...averaged 99 %": the mean's marker under the axis
        self.play_until(self.cue("mean") + 0.5, FadeIn(mean, shift=UP * 0.15))


class SeedStrip(VGroup):
    """A 0-100 % axis with one dot per run; runs closer than a dot's width stack upwards, so equal results stay
    countable. The run at `highlight` is filled green, the others are rings. Parts: .axis, .ends, .zero, .dots."""

    def __init__(self, values: list[float], highlight: int, width: float = 7.0, radius: float = 0.09):
        super().__init__()
        self.axis = Line(LEFT * width / 2, RIGHT * width / 2, stroke_color=PALETTE.muted, stroke_width=3)
        ticks = VGroup(*[Line(UP * 0.08, DOWN * 0.08, stroke_color=PALETTE.muted, stroke_width=3)
                         .move_to(self.x_of(v)) for v in (0.0, 0.5, 1.0)])
        self.zero = text("0 %", SIZE.small, PALETTE.muted).next_to(self.axis, LEFT, buff=0.2)
        self.ends = VGroup(ticks, self.zero, text("100 %", SIZE.small, PALETTE.muted)
                           .next_to(self.axis, RIGHT, buff=0.2))
        self.dots = VGroup()
        placed: list[float] = []
        for i, v in enumerate(values):
            x = self.x_of(v)[0]
            level = sum(1 for px in placed if abs(px - x) < 2.2 * radius)
            placed.append(x)
            on = i == highlight
            self.dots.add(Circle(radius=radius, stroke_color=PALETTE.success if on else PALETTE.text,
                                 stroke_width=3, fill_color=PALETTE.success if on else PALETTE.background,
                                 fill_opacity=1).move_to([x, radius + 0.06 + level * 2.2 * radius, 0]))
        self.add(self.axis, self.ends, self.dots)

    def x_of(self, v: float):
        return self.axis.point_from_proportion(v)

    def mean_mark(self, mean: float) -> VGroup:
        """An upward triangle under the axis at the mean, labelled to its left ("mean 99 %")."""
        tip = Triangle(fill_color=PALETTE.text, fill_opacity=1, stroke_width=0).scale_to_fit_width(0.2)
        tip.next_to(self.x_of(mean), DOWN, buff=0.06)
        label = text(f"mean {pct(mean)}", SIZE.small).next_to(tip, LEFT, buff=0.15)
        return VGroup(tip, label)
