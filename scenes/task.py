"""Part 2, the task (segments 06-09): the row, the goal, and the recorded agent before and after training.

The four segments share one track, at one size and place, and each starts from the frame the one before ended on,
so a cut between them changes nothing on screen. Segment 06 opens on segment 05's topic cards: the task's card
gives up its row.
"""
from __future__ import annotations

from dataclasses import dataclass

from manim import (DOWN, LEFT, PI, RIGHT, UP, Circle, Create, CurvedArrow, FadeIn, FadeOut, FadeTransform,
                   LaggedStart, Line, ReplacementTransform, RoundedRectangle, Transform, Triangle, VGroup)

from scenes.intro import TopicCards
from scenes.segment import SHOWCASE, SegmentScene, drop, settle
from scenes.style import MOTION, PALETTE, SAFE_X, SIZE, pct, text
from scenes.track import Replay, WorldTrack, corner_counter, settle_steps

TRACK_CELL = 1.1
TRACK_Y = -0.2        # the height of the track's cells in 06-08; 09 lifts it to make room for the runs below


# --- The pictures that carry over from one segment to the next ------------------------------------------------------

def task_track(layout: list[int], chip: bool = False, y: float = TRACK_Y) -> WorldTrack:
    """The track of part 2, placed by its cells, so that it sits at the same spot with or without its memory chip."""
    track = WorldTrack(layout, cell=TRACK_CELL, chip=chip)
    track.shift(UP * (y - track.cells.get_y()) + LEFT * track.cells.get_x())
    if chip:
        track.chip.shift(UP * 0.35)   # room under it for a failure note
    return track


def world_heading():
    return text("A tiny world", SIZE.heading).to_edge(UP, buff=1.2)


class Goal(VGroup):
    """Segment 07's picture: the four parts of the goal as numbered labels, and the two legs of the way, to the key
    under the row (below its numbers) and on to the door over it. Parts: .labels, .to_key, .to_door."""

    def __init__(self, track: WorldTrack):
        agent, key_cell, door = track.layout
        below, above = DOWN * TRACK_CELL * 0.95, UP * TRACK_CELL * 0.78
        self.to_key = CurvedArrow(track.center_of(agent) + below, track.center_of(key_cell) + below, angle=-1.2,
                                  color=PALETTE.key, stroke_width=6)
        self.to_door = CurvedArrow(track.center_of(key_cell) + above, track.center_of(door) + above, angle=-0.6,
                                   color=PALETTE.door, stroke_width=6)
        self.labels = VGroup(*[text(f"{i}. {s}", SIZE.label, c) for i, (s, c) in enumerate(
            [("walk to the key", PALETTE.key), ("pick it up", PALETTE.key), ("carry it to the door", PALETTE.door),
             ("open it", PALETTE.success)], 1)]).arrange(RIGHT, buff=0.6).to_edge(UP, buff=1.3)
        self.labels.scale_to_fit_width(min(self.labels.width, 2 * SAFE_X - 0.3))
        super().__init__(self.labels, self.to_key, self.to_door)


def shortest_route(layout: list[int]) -> list[dict]:
    """The goal as steps in the recording's format: straight to the key, pick it, straight to the door, open it. This
    is the task's definition, not a model's run, so it holds for any recording (a short smoke-test training too)."""
    agent, key_cell, door = layout
    steps = []
    for target, holding, last in ((key_cell, False, ("pick", "picked")), (door, True, ("open", "opened"))):
        while agent != target:
            action = "right" if target > agent else "left"
            steps.append({"agent": agent, "holding_key": holding, "action": action, "event": "moved"})
            agent += 1 if action == "right" else -1
        steps.append({"agent": agent, "holding_key": holding, "action": last[0], "event": last[1]})
    return steps


def goal_reached(rec) -> tuple[WorldTrack, Goal]:
    """Segment 07's last frame, rebuilt: the goal drawn and the track after the shortest route (door open, agent
    gone through it)."""
    layout = rec.dataset["showcase"][SHOWCASE]["layout"]
    track = task_track(layout)
    settle_steps(track, shortest_route(layout))
    return track, Goal(track)


@dataclass(frozen=True)
class Variant:
    """Which recording a rollout segment replays, and how it names the result."""
    snapshot: str         # snapshot label
    model: str            # the summary block holding its held-out result
    heading: str
    label: str            # the result line's name for the model
    label_color: str
    track_y: float = TRACK_Y
    result_y: float | None = None   # the result line's height; by default low, above the source line


BEFORE = Variant("untrained", "untrained", "Before training", "untrained", PALETTE.text)
AFTER = Variant("final", "hrm", "After training", "this run", PALETTE.success, track_y=0.5, result_y=-1.05)


class Board:
    """All that a rollout segment shows for one variant, built in place: the track with its memory chip, heading,
    step counter and limit line; then the verdict on this episode and the held-out result with its source."""

    def __init__(self, scene: SegmentScene, v: Variant):
        rec = scene.rec
        self.episode = rec.showcase(rec.snapshot(v.snapshot), SHOWCASE)
        self.track = task_track(self.episode["layout"], chip=True, y=v.track_y)
        self.counter = corner_counter(rec.summary["max_steps"])
        self.limit = text(f"optimal: {self.episode['optimal_steps']}  ·  limit: {rec.summary['max_steps']}",
                          SIZE.small, PALETTE.muted).next_to(self.counter, DOWN).to_edge(RIGHT, buff=0.9)
        self.heading = text(v.heading, SIZE.heading).to_corner(UP + LEFT, buff=0.9).shift(DOWN * 0.3)
        self.solved = self.episode["success"]
        self.verdict = text("solved" if self.solved else "not solved", SIZE.heading,
                            PALETTE.success if self.solved else PALETTE.planner_error)
        self.verdict.next_to(self.heading, DOWN, aligned_edge=LEFT)
        m = rec.summary[v.model]
        self.result = text(f"{v.label}: {pct(m['heldout_success'])} of new layouts solved, "
                           f"{m['heldout_mean_steps']:.1f} steps on average", SIZE.label, t2c={v.label: v.label_color})
        if v.result_y is None:
            self.result.to_edge(DOWN, buff=1.5)
        else:
            self.result.move_to(UP * v.result_y)
        self.note = scene.source(f"held-out layouts, n = {rec.summary['n_heldout']}")

    def start(self) -> VGroup:
        return VGroup(self.track, self.heading, self.counter, self.limit)

    def ended(self) -> VGroup:
        """The board as its segment ends, built without playing it: for the next segment to start from."""
        settle_steps(self.track, self.episode["steps"])
        self.trail = VGroup(*[self.track.visit_dot(step["agent"]) for step in self.episode["steps"]])
        settle(self.counter.set(len(self.episode["steps"])))
        marks = [self.track.solved_mark()] if self.solved else []
        return VGroup(self.start(), self.trail, self.verdict, self.result, self.note, *marks)


def speed_badge(times: int) -> VGroup:
    """'▶▶ ×5': a replay is running that many times faster than its telling steps."""
    arrows = VGroup(*[Triangle(fill_color=PALETTE.text, fill_opacity=1, stroke_width=0).rotate(-PI / 2)
                      .scale_to_fit_height(0.2) for _ in range(2)]).arrange(RIGHT, buff=0.0)
    badge = VGroup(arrows, text(f"×{times}", SIZE.label)).arrange(RIGHT, buff=0.15)
    pill = RoundedRectangle(width=badge.width + 0.4, height=badge.height + 0.22, corner_radius=0.2,
                            stroke_color=PALETTE.muted, stroke_width=2, fill_color=PALETTE.panel, fill_opacity=1)
    return VGroup(pill, badge.move_to(pill))


# --- Segments -------------------------------------------------------------------------------------------------------

class TaskIntro(SegmentScene):
    """Segment 05's topic cards give way to the task's: its small row grows, cell by cell, into the track; person, key
    and door arrive as the voice names them."""
    segment = "06-task-intro"

    def body(self):
        layout = self.rec.dataset["showcase"][SHOWCASE]["layout"]
        track = task_track(layout)
        topics = TopicCards(self.rec).finished()
        row = topics.row
        self.add(topics)                                                    # 05's last frame
        # "The task is simple.": the cards go but the task's row, which waits, empty, for "row"
        leaving = [*topics.cards[1:], *topics.names, topics.drawn, topics.cards[0][0], row.door, row.key, row.agent]
        self.play_until(1.0, *[FadeOut(m) for m in leaving], FadeIn(world_heading()))
        self.wait_until_time(self.cue("row"))
        self.play_until(self.cue("row") + 1.1, LaggedStart(*[ReplacementTransform(small, big) for small, big in
                                                             zip(row.cells, track.cells)], lag_ratio=0.15),
                        LaggedStart(*[FadeIn(n) for n in track.numbers], lag_ratio=0.15))
        self.wait_until_time(self.cue("person"))
        self.play_until(self.cue("person") + 0.5, FadeIn(track.agent, shift=DOWN * 0.3))
        self.wait_until_time(self.cue("key"))
        self.play_until(self.cue("key") + 0.5, FadeIn(track.key, scale=0.5), track.highlight(layout[1], PALETTE.key))
        self.wait_until_time(self.cue("locked"))
        self.play_until(self.cue("locked") + 0.5, FadeIn(track.door, shift=LEFT * 0.2))
        # "...at the end": the last cell
        self.wait_until_time(self.cue("end"))
        self.play_until(self.cue("end") + 0.6, track.highlight(layout[2], PALETTE.door))


class TaskGoal(SegmentScene):
    """The four parts of the goal, each labelled and walked on the shortest route as the voice says it."""
    segment = "07-task-goal"

    def body(self):
        layout = self.rec.dataset["showcase"][SHOWCASE]["layout"]
        track = task_track(layout)
        goal = Goal(track)
        heading = world_heading()
        self.add(track, heading)                                            # as 06 left them
        steps = shortest_route(layout)
        picked = next(i for i, s in enumerate(steps) if s["event"] == "picked")
        replay = Replay(self, track, {"layout": layout, "steps": steps})
        self.play_until(0.6, FadeOut(heading))
        self.wait_until_time(self.cue("walk"))
        replay.play(picked, self.cue("pick"), alongside=(FadeIn(goal.labels[0]), Create(goal.to_key)))
        replay.play(1, self.cue("pick") + 0.4, alongside=(FadeIn(goal.labels[1]),))
        self.wait_until_time(self.cue("carry"))
        self.play_until(self.cue("carry") + 0.3, FadeIn(goal.labels[2]), Create(goal.to_door))
        replay.play(replay.left - 1, self.cue("open"))
        replay.play(1, self.cue("open") + 0.4, alongside=(FadeIn(goal.labels[3]),))


class Untrained(SegmentScene):
    """Before training: the world resets from 07's open door; the sampled rollout's first steps at a readable pace,
    each failed action labelled as it happens (a pick where no key is, "tries the door without the key"), then the
    wandering rest fast-forwarded, marked as such, while the held-out result comes in."""
    segment = "08-task-untrained"

    def body(self):
        board = Board(self, BEFORE)
        track, steps = board.track, board.episode["steps"]
        ended, goal = goal_reached(self.rec)
        self.add(ended, goal)                                               # 07's last frame
        # "Before training": the world resets
        self.play_until(0.7, FadeOut(goal), Transform(ended.door, track.door.copy()), FadeIn(track.key),
                        FadeIn(track.agent), FadeIn(track.chip), FadeIn(board.heading), FadeIn(board.counter),
                        FadeIn(board.limit))
        drop(self, ended)
        self.add(track)
        replay = Replay(self, track, board.episode, counter=board.counter, trail=True)
        # The telling start, readable: through the first try of the door without the key, at "door"
        tried = next(i for i, s in enumerate(steps) if s["event"] == "locked" and not s["holding_key"]) + 1
        slow = replay.play(tried, self.cue("door") + 0.35, explain=True)
        # The note stays through "...without the key"; then the dull rest, faster and badged, to "forty steps"
        fast_at, done_at = self.cue("door") + 1.1, self.cue("mean_steps")   # the count reads its total on the number
        badge = speed_badge(round(slow * replay.left / (done_at - fast_at))).next_to(board.counter, LEFT, buff=0.4)
        self.wait_until_time(fast_at - MOTION.fade)
        self.play_until(fast_at, *replay.clear_note(), FadeIn(badge))
        # "It solved 0 % of new puzzles": the held-out result fades in while the replay runs on
        self.later(self.cue("solved"), FadeIn(VGroup(board.result, board.note), run_time=0.6))
        replay.play(replay.left, done_at)
        self.play_until(self.length - 0.3, FadeOut(badge), FadeIn(board.verdict, scale=0.8))


class Trained(SegmentScene):
    """After training: the world rewinds from 08's last frame (the track lifts to make room); the same start is
    solved on the shortest path; then this run among all the study's runs, one dot per seed on a 0-100 % strip, the
    followed (median) run in green and the mean marked."""
    segment = "09-task-trained"
    strip_y = -2.35

    def body(self):
        before, board = Board(self, BEFORE), Board(self, AFTER)
        ended = before.ended()
        self.add(ended)                                                     # 08's last frame
        # "After training": the same start again (the agent walks back, the key drops back), the track lifted
        old, new = before.track, board.track
        self.play_until(0.9, *[Transform(getattr(old, p), getattr(new, p)) for p in ("cells", "numbers", "door",
                                                                                     "key", "agent")],
                        FadeTransform(old.chip, new.chip), FadeTransform(before.heading, board.heading),
                        FadeTransform(before.counter, board.counter),
                        *[FadeOut(m) for m in (before.trail, before.verdict, before.result, before.note)])
        drop(self, ended)
        self.add(board.start())
        replay = Replay(self, new, board.episode, counter=board.counter, trail=True)
        replay.play(replay.left, self.cue("solved") - 0.1)
        marks = [FadeIn(new.solved_mark(), scale=0.6)] if board.solved else []
        self.play_until(self.cue("solved") + 0.4, FadeIn(board.verdict, scale=0.8), *marks)
        self.play_until(self.cue("solved") + 1.0, FadeIn(board.result, shift=UP * 0.2), FadeIn(board.note))
        self.runs(board.note)

    def runs(self, held_out_note) -> None:
        runs = SeedRuns(self, self.strip_y)
        strip = runs.strip
        # "...and five runs": the strip, then the dots drop in one per seed; the source line now covers them all
        self.wait_until_time(self.cue("runs") - 0.3)
        self.play_until(self.cue("runs") + 0.3, FadeIn(strip.axis), FadeIn(strip.ends), FadeIn(runs.name),
                        FadeOut(held_out_note), FadeIn(runs.note))
        self.play_until(self.cue("mean") - 0.1, LaggedStart(*[FadeIn(d, shift=DOWN * 0.2) for d in strip.dots],
                                                            lag_ratio=0.3))
        # "...averaged 99 %": the mean's marker under the axis
        self.play_until(self.cue("mean") + 0.5, FadeIn(runs.mean, shift=UP * 0.15))


def trained_end(scene: SegmentScene) -> tuple[VGroup, Board]:
    """Segment 09's last frame, rebuilt (for segment 10 to open on): the board after the trained episode, its
    held-out source line given way to the runs', and every run of the study on its strip."""
    board = Board(scene, AFTER)
    ended = board.ended()
    ended.remove(board.note)
    return VGroup(ended, SeedRuns(scene, Trained.strip_y)), board


class SeedRuns(VGroup):
    """Every run of the study as a dot on a 0-100 % strip with its name on the left, centred as a whole with the axis
    (not the stacked dots) at height y; the mean's marker and the source line for all the runs. Parts: .name,
    .strip, .mean, .note."""

    def __init__(self, scene: SegmentScene, y: float):
        super().__init__()
        s = scene.rec.summary
        spread = s["spread"]["hrm"]["heldout_success"]
        self.strip = SeedStrip(spread["values"], s["seeds"].index(s["seed"]), width=7.0)
        self.name = text(f"{s['runs']} runs", SIZE.label).next_to(self.strip.zero, LEFT, buff=0.4)
        row = VGroup(self.name, self.strip)
        row.shift(LEFT * row.get_x() + UP * (y - self.strip.axis.get_y()))
        self.mean = self.strip.mean_mark(spread["mean"])
        self.note = scene.source(f"held-out layouts · {s['runs']} runs · the film follows the median run")
        self.add(self.name, self.strip, self.mean, self.note)


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
