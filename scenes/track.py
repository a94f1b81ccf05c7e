"""The world track: ten rounded cells with the agent, the key and the door, able to replay a recorded episode.

`WorldTrack(layout)` draws a layout; `track.step(step)` returns the animation of one recorded step (a move, a bump,
a pick, a failed open with its red cross, the door opening), so every scene that shows the agent acting plays the
run's own actions and nothing else. `Replay` plays a recorded episode in stretches fitted to the narration, with a
step counter (`corner_counter`), visit dots and a note on each failed action (`failure_note`).
"""
from __future__ import annotations

from manim import (DOWN, LEFT, PI, RIGHT, UP, AnimationGroup, Arrow, Dot, FadeIn, FadeOut, Rectangle, RoundedRectangle,
                   Succession, Transform, UpdateFromFunc, VGroup, Wiggle, rate_functions)

from scenes.icons import Door, key, person, red_cross, tick
from scenes.layout import MIN_ICON_PX, stacks_on
from scenes.segment import settle
from scenes.style import MOTION, PALETTE, PX, SAFE_X, SIZE, mono, outline_flash, switch, text


class HoldingChip(VGroup):
    """The memory chip of seed 001: 'holding key' lights up gold exactly when the pick succeeds."""

    def __init__(self, scale: float = 1.0):
        self.box = RoundedRectangle(width=2.6, height=0.5, corner_radius=0.25, stroke_color=PALETTE.muted,
                                    stroke_width=2, fill_color=PALETTE.panel, fill_opacity=1)
        self.label = mono("holding_key: no", SIZE.small, PALETTE.muted).move_to(self.box)
        super().__init__(self.box, self.label)
        self.scale(scale)

    def set_holding(self, holding: bool) -> Transform:
        # Transform the whole chip: animating the box alone would lift it above its own label.
        color = PALETTE.key if holding else PALETTE.muted
        target = self.copy()
        target.box.set_stroke(color)
        target.label.become(mono(f"holding_key: {'yes' if holding else 'no'}", SIZE.small, color)
                            .match_height(self.label).move_to(self.label))
        return Transform(self, target)


KEY_SHARE = 0.9     # the widest a key may lie in its cell's box: it never covers a neighbour
KEY_STROKE = 10     # the key icon's stroke width at its default size


def legible(icon, cell: float):
    """An icon at least as tall as the smallest legible one, but never taller than its cell's box."""
    return icon.scale_to_fit_height(min(cell * 0.9, max(icon.height, (MIN_ICON_PX + 1) * PX)))


class WorldTrack(VGroup):
    """A row of cells. `layout` is [agent, key, door]; `cell` is the cell width in scene units."""

    def __init__(self, layout: list[int], n_cells: int = 10, cell: float = 1.0, numbers: bool = True,
                 chip: bool = True):
        super().__init__()
        self.n_cells, self.cell = n_cells, cell
        self.layout = list(layout)
        self.cells = VGroup(*[RoundedRectangle(width=cell * 0.9, height=cell * 0.9, corner_radius=cell * 0.12,
                                               stroke_color=PALETTE.panel_edge, stroke_width=2,
                                               fill_color=PALETTE.panel, fill_opacity=1)
                              for _ in range(n_cells)]).arrange(buff=cell * 0.1)
        self.add(self.cells)
        if numbers:
            self.numbers = VGroup(*[text(str(i), SIZE.small, PALETTE.muted).next_to(c, DOWN, buff=0.12)
                                    for i, c in enumerate(self.cells)])
            self.add(self.numbers)
        agent, key_cell, door_cell = layout
        self.door = self.sized_door().move_to(self.cells[door_cell])
        self.key = self.sized_key().move_to(self.cells[key_cell])
        self.agent = legible(person(cell * 0.7), cell).move_to(self.cells[agent]).set_z_index(2)   # above the door
        self.key.set_z_index(3)                                                      # carried above the head
        self.door.set_z_index(1)   # above the cells, even those of a track being transformed into this one
        stacks_on(self.agent, self.key, self.door)   # standing on the key's cell or at the door is the story
        stacks_on(self.key, self.door)               # (and the carried key arrives at the door)
        self.add(self.door, self.key, self.agent)
        self.position, self.holding = agent, False
        self.visits: dict[int, int] = {}
        self.chip = HoldingChip(scale=min(1.0, cell)).next_to(self.cells, UP, buff=cell * 0.5) if chip else None
        if chip:
            self.add(self.chip)

    def sized_key(self) -> VGroup:
        """The key at this track's size, by one rule for every track: lying flat, a third of a cell high, but never
        under the smallest legible icon nor wider than its cell's box; where a cell is too narrow for a flat key that
        tall, it stands on its corner and fills the box. Its strokes thin with it (they are drawn for a key 0.3
        high)."""
        box, least = self.cell * 0.9, (MIN_ICON_PX + 1) * PX
        icon = key(self.cell * 0.5)
        icon.scale_to_fit_height(max(icon.height, least))
        if icon.width > box * KEY_SHARE:
            icon.scale_to_fit_width(box * KEY_SHARE)
        thickness = icon.height   # of the key lying flat, for its strokes
        if thickness < MIN_ICON_PX * PX:
            icon.rotate(PI / 4)
            fill = box * 0.92 / max(icon.width, icon.height)
            icon.scale(fill)
            thickness *= fill
        return icon.set_stroke(width=KEY_STROKE * min(1.0, thickness / 0.3))

    def sized_door(self) -> Door:
        return legible(Door(self.cell * 0.75), self.cell)

    def center_of(self, i: int):
        return self.cells[i].get_center()

    def highlight(self, i: int, color: str) -> Succession:
        """Flash the cell's outline (not its fill, which would swallow a key of the same colour)."""
        return outline_flash(self.cells[i], color, 6, opacity=1)

    def reset(self, layout: list[int]) -> None:
        """Put everything back at a layout's start, without animation (the next episode on the same track)."""
        agent, key_cell, door_cell = layout
        self.layout, self.position, self.holding, self.visits = list(layout), agent, False, {}
        self.agent.move_to(self.cells[agent]).set_opacity(1)
        self.key.become(self.sized_key().move_to(self.cells[key_cell]))
        self.door.become(self.sized_door().move_to(self.cells[door_cell]))
        if self.chip:
            self.chip.become(HoldingChip(scale=min(1.0, self.cell)).move_to(self.chip))

    def step(self, step: dict, run_time: float = MOTION.step, rate_func=rate_functions.smooth):
        """The animation of one recorded step. `step` is a recording entry: it has the action and its event.
        Fast replays pass a linear `rate_func` so the agent glides instead of pulsing from cell to cell."""
        event, action = step["event"], step["action"]
        if event == "moved":
            self.position += 1 if action == "right" else -1
            target = self.center_of(self.position)
            moves = [self.agent.animate.move_to(target)]
            if self.holding:
                moves.append(self.key.animate.move_to(target + UP * self.cell * 0.42))
            return AnimationGroup(*moves, run_time=run_time, rate_func=rate_func)
        if event == "bumped":
            return Wiggle(self.agent, scale_value=1.0, rotation_angle=0.05, run_time=run_time)
        if event == "picked":
            self.holding = True
            # carried above the head at 0.7 of its size, but never smaller than the smallest legible icon
            carried = max(0.7, min(1.0, (MIN_ICON_PX + 1) * PX / self.key.height))
            anims = [self.key.animate.scale(carried).move_to(self.center_of(self.position) + UP * self.cell * 0.42)]
            if self.chip:
                anims.append(self.chip.set_holding(True))
            return AnimationGroup(*anims, run_time=run_time)
        if event == "opened":
            # the key is used up and the agent walks out through the door, so the open door shows whole; both stay
            # in the scene (reset brings them back)
            outward = RIGHT if self.position == self.n_cells - 1 else LEFT
            return AnimationGroup(Transform(self.door, self.door.opened()), self.key.animate.set_opacity(0),
                                  self.agent.animate.shift(outward * self.cell * 0.6).set_opacity(0),
                                  run_time=run_time)
        # A failed pick or open: the action bounces off, with a red cross where it happened.
        at = self.door if event == "locked" and self.position == self.layout[2] else self.agent
        cross = stacks_on(red_cross(self.cell * 0.5).move_to(at.get_center()).set_z_index(4),   # above the agent
                          self.agent, self.door, self.key)
        return Succession(FadeIn(cross, run_time=run_time * 0.4), FadeOut(cross, run_time=run_time * 0.6))

    def visit_dot(self, cell: int) -> Dot:
        """A faint dot under a cell, one per visit, packed in rows of five: where the agent spent its steps."""
        self.visits[cell] = n = self.visits.get(cell, 0) + 1
        row, col = divmod(n - 1, 5)
        offset = RIGHT * self.cell * 0.16 * (col - 2) + DOWN * (self.cell * 1.02 + row * self.cell * 0.14)
        return Dot(self.center_of(cell) + offset, radius=self.cell * 0.035, color=PALETTE.muted)

    def solved_mark(self):
        return tick(self.cell * 0.6).next_to(self.door, UP, buff=0.15)


def mini_track(layout: list[int], cell: float) -> WorldTrack:
    """The recurring track as an icon: no cell numbers, no memory chip."""
    return WorldTrack(layout, cell=cell, numbers=False, chip=False)


class StepCounter(VGroup):
    """'steps: 7' with an optional reference (the optimum), updated as an episode plays."""

    def __init__(self, label: str = "steps", color: str | None = None):
        super().__init__()
        self.label, self.tint, self.value = label, color or PALETTE.text, 0
        self.text = text(f"{label}: 0", SIZE.label, self.tint)
        self.add(self.text)

    def set(self, value: int) -> UpdateFromFunc:
        self.value = value
        new = text(f"{self.label}: {value}", SIZE.label, self.tint).move_to(self.text, aligned_edge=DOWN)
        return switch(self.text, new.align_to(self.text, direction=[-1, 0, 0]))


def backdrop(mob, pad: float = 0.3) -> Rectangle:
    """A panel behind a group of mobjects."""
    return RoundedRectangle(width=mob.width + 2 * pad, height=mob.height + 2 * pad, corner_radius=0.2,
                            stroke_color=PALETTE.panel_edge, stroke_width=2, fill_color=PALETTE.panel,
                            fill_opacity=1).move_to(mob)


def route(track: WorldTrack, layout: list[int], stroke: float = 4) -> VGroup:
    """The shortest way through a layout as two arrows: to the key above the row (gold), then to the door below it
    (copper). Two levels, because the second leg often runs back over the first."""
    agent, key_cell, door = layout
    lift = UP * track.cell * 0.62

    def leg(a: int, b: int, side, color: str) -> Arrow:
        return Arrow(track.center_of(a) + side, track.center_of(b) + side, buff=track.cell * 0.2, color=color,
                     stroke_width=stroke, tip_length=track.cell * 0.3, max_tip_length_to_length_ratio=0.5)

    return VGroup(leg(agent, key_cell, lift, PALETTE.key), leg(key_cell, door, -lift, PALETTE.door))



class DemoCard(VGroup):
    """One demonstration as a card: its layout on a small track, its shortest route, and its step count."""

    def __init__(self, demo: dict, cell: float = 0.2, steps: bool = True):
        super().__init__()
        self.track = mini_track(demo["layout"], cell)
        # stacked cards must hide each other's icons
        VGroup(self.track.agent, self.track.key, self.track.door).set_z_index(0)
        self.route = route(self.track, demo["layout"], stroke=3)
        self.steps = text(f"{demo['optimal_steps']} steps", SIZE.small, PALETTE.muted)
        self.steps.next_to(self.track, DOWN, buff=cell * 0.9)
        content = VGroup(self.track, self.route, *([self.steps] if steps else []))
        self.panel = backdrop(content, pad=0.14)
        self.add(self.panel, *content)



FAILED = ("pick_failed", "locked")   # the events of an action that bounces off


def settle_steps(track: WorldTrack, steps: list[dict]) -> None:
    """Put a track in the state an episode leaves it in. Only moves, the pick and the opening change the world; a
    bump or a failed action leaves it as it was (and its animation, a flash, needs a scene to run)."""
    for step in steps:
        if step["event"] in ("moved", "picked", "opened"):
            settle(track.step(step))


def inside(mob, margin: float = 0.1):
    """Shift a mobject sideways into the safe area."""
    mob.shift(RIGHT * max(0.0, -SAFE_X + margin - mob.get_left()[0]))
    return mob.shift(LEFT * max(0.0, mob.get_right()[0] - SAFE_X + margin))


def corner_counter(most: int) -> StepCounter:
    """A step counter in the top-right corner. It keeps its left edge as it counts, so it is placed for its longest
    count (`most`) to end where a short one would."""
    counter = StepCounter().to_corner(UP + RIGHT, buff=0.9).shift(DOWN * 0.3)
    return counter.shift(LEFT * (text(f"{counter.label}: {most}", SIZE.label).width - counter.width))


def failure_note(track: WorldTrack, step: dict) -> VGroup:
    """What a red cross means, said where it appears: '✗ pick failed: no key here', above the agent's cell."""
    if step["event"] == "pick_failed":
        why = "it already has the key" if step["holding_key"] else "no key here"
    else:
        why = "no door here" if step["holding_key"] else "no key"
    note = VGroup(red_cross(0.26), mono(step["action"], SIZE.small, PALETTE.doer),
                  text(f"failed: {why}", SIZE.small)).arrange(RIGHT, buff=0.15)
    return inside(note.next_to(track.cells[step["agent"]], UP, buff=0.22))


class Replay:
    """A recorded episode played on a track in stretches, each fitted to a moment of the narration: the telling
    steps at a readable pace, a dull stretch faster. The counter shows the real step numbers; with `trail` every
    step leaves a visit dot; `explain=True` puts a failure note on each failed action of a stretch (it stays about
    a second, long enough to read, then goes with the next step, the next note or `clear_note`)."""

    NOTE_TIME = 0.9

    def __init__(self, scene, track: WorldTrack, episode: dict, counter: StepCounter | None = None,
                 trail: bool = False):
        self.scene, self.track, self.counter = scene, track, counter
        self.steps, self.done = episode["steps"], 0
        self.trail = VGroup() if trail else None
        self.note, self.note_until = None, 0.0

    @property
    def left(self) -> int:
        return len(self.steps) - self.done

    def play(self, n: int, end: float, explain: bool = False, alongside: tuple = ()) -> float:
        """Play the next n steps, the last ending at scene time `end` (`alongside` joins the first); returns the
        time per step. Each step ends on its own mark of an even grid, so frame rounding never drifts."""
        scene, start = self.scene, self.scene.now
        per = (end - start) / n
        glide = rate_functions.linear if per < MOTION.step * 0.75 else rate_functions.smooth
        for k in range(1, n + 1):
            step = self.steps[self.done]
            self.done += 1
            run = scene.whole_frames(start + k * per - scene.now)
            anims = [self.track.step(step, run_time=run, rate_func=glide), *(alongside if k == 1 else ())]
            if self.counter:
                anims.append(self.counter.set(self.done))
            if self.trail is not None:
                self.trail.add(self.track.visit_dot(step["agent"]))
                anims.append(FadeIn(self.trail[-1]))
            if explain and step["event"] in FAILED:
                anims += self.clear_note()
                self.note, self.note_until = failure_note(self.track, step), scene.now + self.NOTE_TIME
                anims.append(FadeIn(self.note))
            elif self.note and scene.now >= self.note_until:
                anims += self.clear_note()
            scene.play(*anims, run_time=run)
        return per

    def clear_note(self) -> list:
        note, self.note = self.note, None
        return [FadeOut(note)] if note else []
