"""The world track: ten rounded cells with the agent, the key and the door, able to replay a recorded episode.

`WorldTrack(layout)` draws a layout; `track.step(step)` returns the animation of one recorded step (a move, a bump,
a pick, a failed open with its red cross, the door opening), so every scene that shows the agent acting plays the
run's own actions and nothing else.
"""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Dot, FadeIn, FadeOut, Rectangle, RoundedRectangle,
                   Succession, Transform, UpdateFromFunc, VGroup, Wiggle, rate_functions)

from scenes.icons import Door, key, person, red_cross, tick
from scenes.layout import MIN_ICON_PX, stacks_on
from scenes.style import MOTION, PALETTE, PX, SIZE, mono, outline_flash, switch, text


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
        self.door = Door(cell * 0.75).move_to(self.cells[door_cell])
        self.key = key(cell * 0.5).move_to(self.cells[key_cell])
        self.agent = person(cell * 0.7).move_to(self.cells[agent]).set_z_index(2)   # always above the door
        self.key.set_z_index(3)                                                      # carried above the head
        stacks_on(self.agent, self.key, self.door)   # standing on the key's cell or at the door is the story
        stacks_on(self.key, self.door)               # (and the carried key arrives at the door)
        self.add(self.door, self.key, self.agent)
        self.position, self.holding = agent, False
        self.visits: dict[int, int] = {}
        self.chip = HoldingChip(scale=min(1.0, cell)).next_to(self.cells, UP, buff=cell * 0.5) if chip else None
        if chip:
            self.add(self.chip)

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
        self.key.become(key(self.cell * 0.5).move_to(self.cells[key_cell]))
        self.door.become(Door(self.cell * 0.75).move_to(self.cells[door_cell]))
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
        self.track = WorldTrack(demo["layout"], cell=cell, numbers=False, chip=False)
        # At card size the icons' fixed stroke widths would blot the key out: thinner strokes, larger icons.
        self.track.key.set_stroke(width=3.5).scale(2.2)
        self.track.agent.scale(1.3)
        VGroup(self.track.agent, self.track.key).set_z_index(0)   # stacked cards must hide each other's icons
        self.route = route(self.track, demo["layout"], stroke=3)
        self.steps = text(f"{demo['optimal_steps']} steps", SIZE.small, PALETTE.muted)
        self.steps.next_to(self.track, DOWN, buff=cell * 0.9)
        content = VGroup(self.track, self.route, *([self.steps] if steps else []))
        self.panel = backdrop(content, pad=0.14)
        self.add(self.panel, *content)



def play_episode(scene, track: WorldTrack, episode: dict, end: float, counter: StepCounter | None = None,
                 max_step_time: float = MOTION.step, trail: bool = False) -> VGroup:
    """Replay a recorded episode so that it ends by time `end` (scene time); steps speed up to fit.
    With `trail`, every step leaves a visit dot under the cell it started from; the dots are returned."""
    dots = VGroup()
    steps = episode["steps"]
    per = scene.whole_frames(min(max_step_time, (end - scene.now) / max(1, len(steps))))
    glide = rate_functions.linear if per < MOTION.step * 0.75 else rate_functions.smooth
    for i, s in enumerate(steps, 1):
        anims = [track.step(s, run_time=per, rate_func=glide)]
        if counter:
            anims.append(counter.set(i))
        if trail:
            dots.add(track.visit_dot(s["agent"]))
            anims.append(FadeIn(dots[-1], run_time=per))
        scene.play(*anims, run_time=per)
    return dots
