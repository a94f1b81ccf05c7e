"""The key→door world: a row of cells with an agent, a key and a locked door, and the oracle that solves it.

The agent must walk to the key, pick it up, walk to the door and open it. The Planner's vocabulary is the three
sub-goals below; the Doer's is the four actions.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

ACTIONS = ("left", "right", "pick", "open")
SUBGOALS = ("go_to_key", "go_to_door", "open_door")
LEFT, RIGHT, PICK, OPEN = range(4)
GO_TO_KEY, GO_TO_DOOR, OPEN_DOOR = range(3)


@dataclass(frozen=True)
class Layout:
    """Where things start. The door is at one end of the row; agent and key on two other, distinct cells."""
    agent: int
    key: int
    door: int
    n_cells: int

    def __post_init__(self):
        cells = (self.agent, self.key, self.door)
        if len(set(cells)) != 3 or not all(0 <= c < self.n_cells for c in cells):
            raise ValueError(f"invalid layout {self}")

    def mirrored(self) -> Layout:
        """The same puzzle seen in a mirror: cell i becomes cell n-1-i, so the door moves to the other end."""
        last = self.n_cells - 1
        return Layout(last - self.agent, last - self.key, last - self.door, self.n_cells)

    @property
    def optimal_steps(self) -> int:
        # walk to the key, pick, walk to the door, open
        return abs(self.agent - self.key) + 1 + abs(self.door - self.key) + 1

    def as_list(self) -> list[int]:
        return [self.agent, self.key, self.door]


@dataclass(frozen=True)
class State:
    layout: Layout
    agent: int
    holding_key: bool = False


def start(layout: Layout) -> State:
    return State(layout, layout.agent, False)


@dataclass(frozen=True)
class Step:
    state: State      # the state after the action
    event: str        # what happened: moved, bumped, picked, pick_failed, opened, locked
    done: bool        # the door is open


def step(state: State, action: int) -> Step:
    """Apply one action. Every action costs a step, even one that changes nothing."""
    lay = state.layout
    if action in (LEFT, RIGHT):
        target = state.agent + (1 if action == RIGHT else -1)
        if not 0 <= target < lay.n_cells:
            return Step(state, "bumped", False)
        return Step(replace(state, agent=target), "moved", False)
    if action == PICK:
        if state.agent == lay.key and not state.holding_key:
            return Step(replace(state, holding_key=True), "picked", False)
        return Step(state, "pick_failed", False)
    if action == OPEN:
        if state.agent == lay.door and state.holding_key:
            return Step(state, "opened", True)
        return Step(state, "locked", False)
    raise ValueError(f"unknown action {action}")


def oracle_subgoal(state: State) -> int:
    if not state.holding_key:
        return GO_TO_KEY
    return OPEN_DOOR if state.agent == state.layout.door else GO_TO_DOOR


def toward(agent: int, target: int) -> int:
    return RIGHT if target > agent else LEFT


def oracle_action(state: State) -> int:
    """The optimal action: it depends on the sub-goal, which is what makes the task hierarchical."""
    goal = oracle_subgoal(state)
    lay = state.layout
    if goal == GO_TO_KEY:
        return PICK if state.agent == lay.key else toward(state.agent, lay.key)
    if goal == GO_TO_DOOR:
        return toward(state.agent, lay.door)
    return OPEN


def oracle_episode(layout: Layout) -> list[tuple[State, int, int]]:
    """The optimal demonstration: (state, sub-goal, action) for every step until the door opens."""
    state, steps = start(layout), []
    while True:
        goal, action = oracle_subgoal(state), oracle_action(state)
        steps.append((state, goal, action))
        result = step(state, action)
        if result.done:
            return steps
        state = result.state
