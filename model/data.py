"""Layouts, the train/held-out split, and the tensors the models learn from.

Following the HRM paper's method: base layouts are enumerated and split once with a seeded RNG into a small set of
demonstrations and a disjoint held-out set; augmentation (the mirrored row) is applied to the train side only, so a
mirrored copy of a train layout never leaks into evaluation.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from core.settings import Settings
from model.world import ACTIONS, SUBGOALS, Layout, State, oracle_episode

# Each position of the model's input is a token of features. Token 0 is the memory chip (flagged "memory"); tokens
# 1..N are the cells. The holding_key bit is written on every token, so each cell knows which phase of the task it is
# in. The model has no absolute positions (model/hrm.py): the flag is how the memory token knows it is not a cell.
FEATURES = ("agent", "key", "door", "holding", "memory")
AGENT, KEY, DOOR, HOLDING, MEMORY = range(len(FEATURES))


def base_layouts(n_cells: int) -> list[Layout]:
    """Every start with the door at the right end: agent and key on two distinct other cells."""
    door = n_cells - 1
    return [Layout(a, k, door, n_cells) for a in range(door) for k in range(door) if a != k]


@dataclass(frozen=True)
class Split:
    train: list[Layout]      # the demonstrations, in canonical orientation
    heldout: list[Layout]    # every other base layout
    showcase: list[Layout]   # layouts the film follows through training

    def is_train(self, layout: Layout) -> bool:
        return layout in self.train or layout.mirrored() in self.train


def split(cfg: Settings) -> Split:
    layouts = base_layouts(cfg.world.n_cells)
    random.Random(cfg.seed).shuffle(layouts)
    n = cfg.data.n_train
    train, heldout = sorted(layouts[:n], key=Layout.as_list), sorted(layouts[n:], key=Layout.as_list)
    door = cfg.world.n_cells - 1
    showcase = [Layout(a, k, door, cfg.world.n_cells) for a, k in cfg.data.showcase]
    return Split(train, heldout, showcase)


def check_split(s: Split, cfg: Settings) -> None:
    """The guarantees the film states about its data; raises AssertionError if any is broken."""
    train = set(s.train) | {t.mirrored() for t in s.train}
    assert not train & set(s.heldout), "train and held-out layouts overlap"
    assert len(s.train) == cfg.data.n_train, "wrong number of demonstrations"
    assert len(s.train) + len(s.heldout) == len(base_layouts(cfg.world.n_cells)), "layouts lost in the split"
    for layout in s.train:
        assert len(oracle_episode(layout)) == layout.optimal_steps, f"demonstration {layout} is not optimal"


def empty_tokens(n_cells: int, holding: bool) -> torch.Tensor:
    x = torch.zeros(n_cells + 1, len(FEATURES))
    x[0, MEMORY] = 1.0
    x[:, HOLDING] = float(holding)
    return x


def encode(state: State) -> torch.Tensor:
    """(N+1, F) input tokens for one state. The key disappears from the row once it is held."""
    lay = state.layout
    x = empty_tokens(lay.n_cells, state.holding_key)
    x[1 + state.agent, AGENT] = 1.0
    x[1 + lay.door, DOOR] = 1.0
    if not state.holding_key:
        x[1 + lay.key, KEY] = 1.0
    return x


@dataclass
class Batch:
    x: torch.Tensor         # (B, N+1, F) input tokens
    subgoal: torch.Tensor   # (B,) Planner target, -1 where the stage has none
    action: torch.Tensor    # (B,) Doer target
    told: torch.Tensor      # (B,) sub-goal handed to the HRM's Doer in place of the Planner's, -1 where none is

    def __len__(self) -> int:
        return len(self.action)

    def __getitem__(self, rows) -> Batch:
        return Batch(self.x[rows], self.subgoal[rows], self.action[rows], self.told[rows])


def concat(*batches: Batch) -> Batch:
    return Batch(*(torch.cat([getattr(b, f) for b in batches]) for f in ("x", "subgoal", "action", "told")))


def demonstrations(layouts: list[Layout], mirror: bool) -> Batch:
    """Every (state, sub-goal, action) of the optimal episodes, plus mirrored copies when asked."""
    if mirror:
        layouts = layouts + [lay.mirrored() for lay in layouts]
    rows = [(encode(s), g, a) for lay in layouts for s, g, a in oracle_episode(lay)]
    x, g, a = zip(*rows)
    return Batch(torch.stack(x), torch.tensor(g), torch.tensor(a), torch.full((len(a),), -1))


def skills(n_cells: int, n: int, seed: int, told: bool) -> Batch:
    """The base stage: the Doer's skills, never the task. Each example is one skill on a row with one mark: walk to
    a key and pick it up (go_to_key), walk to a door (go_to_door), or open the door you stand on (open_door). A door
    is only ever drawn inside the row, never at an end, so no example is a state of the real task, and nothing here
    says in which order the skills are used: that is what the demonstrations teach.

    With `told` (the HRM) the Doer is handed the skill's sub-goal, and every row carries a second mark of the other
    kind that the sub-goal says to ignore: so the Doer learns what each sub-goal means, with no Planner involved.
    (With a second mark on only half the rows, two of the three hardest seeds we tried fell below 90 % held-out.)
    Without (flat, TRM, which have no sub-goal input) a row holds only its one mark."""
    rng = random.Random(seed)
    inner = range(1, n_cells - 1)
    rows = []
    for _ in range(n):
        goal = rng.randrange(len(SUBGOALS))
        if goal == SUBGOALS.index("go_to_key"):
            mark, kind, holding = rng.randrange(n_cells), KEY, False
            agent = mark if rng.random() < 0.25 else rng.choice([c for c in range(n_cells) if c != mark])
            action = "pick" if agent == mark else ("right" if mark > agent else "left")
        elif goal == SUBGOALS.index("go_to_door"):
            mark, kind, holding = rng.choice(inner), DOOR, True
            agent = rng.choice([c for c in range(n_cells) if c != mark])
            action = "right" if mark > agent else "left"
        else:
            mark, kind, holding = rng.choice(inner), DOOR, True
            agent, action = mark, "open"
        x = empty_tokens(n_cells, holding)
        x[1 + agent, AGENT] = 1.0
        x[1 + mark, kind] = 1.0
        if told:
            other = DOOR if kind == KEY else KEY
            free = [c for c in (inner if other == DOOR else range(n_cells)) if c not in (agent, mark)]
            x[1 + rng.choice(free), other] = 1.0
        rows.append((x, ACTIONS.index(action), goal if told else -1))
    x, a, g = zip(*rows)
    return Batch(torch.stack(x), torch.full((n,), -1), torch.tensor(a), torch.tensor(g))


def goal_actions(x: torch.Tensor) -> torch.Tensor:
    """(B, 3) the action that carries out each sub-goal in each input state, -1 where the sub-goal has no meaning
    there (go_to_key once the key is held, go_to_door at the door). The oracle's own rule (world.oracle_action),
    read off the input tokens: it lets the Doer be taught every sub-goal in every demonstrated state ("goal
    relabelling"), not only the one the demonstration followed."""
    agent = x[:, 1:, AGENT].argmax(-1)
    key, has_key = x[:, 1:, KEY].argmax(-1), x[:, 1:, KEY].sum(-1) > 0
    door = x[:, 1:, DOOR].argmax(-1)
    left, right, pick, open_ = (ACTIONS.index(a) for a in ("left", "right", "pick", "open"))
    toward = lambda target: torch.where(target > agent, right, left)  # noqa: E731
    to_key = torch.where(agent == key, pick, toward(key)).masked_fill(~has_key, -1)
    to_door = toward(door).masked_fill(agent == door, -1)
    return torch.stack([to_key, to_door, torch.full_like(agent, open_)], dim=1)
