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
from model.world import ACTIONS, Layout, State, oracle_episode

# Each position of the model's input is a token of features. Token 0 is the memory chip; tokens 1..N are the cells.
# The holding_key bit is written on every token, so each cell knows which phase of the task it is in.
FEATURES = ("agent", "key", "door", "holding")
AGENT, KEY, DOOR, HOLDING = range(len(FEATURES))


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


def encode(state: State) -> torch.Tensor:
    """(N+1, F) input tokens for one state. The key disappears from the row once it is held."""
    lay = state.layout
    x = torch.zeros(lay.n_cells + 1, len(FEATURES))
    x[:, HOLDING] = float(state.holding_key)
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

    def __len__(self) -> int:
        return len(self.action)


def demonstrations(layouts: list[Layout], mirror: bool) -> Batch:
    """Every (state, sub-goal, action) of the optimal episodes, plus mirrored copies when asked."""
    if mirror:
        layouts = layouts + [lay.mirrored() for lay in layouts]
    rows = [(encode(s), g, a) for lay in layouts for s, g, a in oracle_episode(lay)]
    x, g, a = zip(*rows)
    return Batch(torch.stack(x), torch.tensor(g), torch.tensor(a))


def walk_to_marker(n_cells: int, n: int, seed: int) -> Batch:
    """The base stage's crude prior: step toward the one marked cell. The mark is drawn as a key or a door at any
    cell, with the memory chip set at random, so what is learned is only "compare where I am with where the mark is"
    — not picking, not opening, not the order of sub-goals. No sub-goal targets."""
    rng = random.Random(seed)
    xs, actions = [], []
    for _ in range(n):
        agent, mark = rng.sample(range(n_cells), 2)
        x = torch.zeros(n_cells + 1, len(FEATURES))
        x[1 + agent, AGENT] = 1.0
        x[1 + mark, rng.choice((KEY, DOOR))] = 1.0
        x[:, HOLDING] = float(rng.random() < 0.5)
        xs.append(x)
        actions.append(ACTIONS.index("right" if mark > agent else "left"))
    return Batch(torch.stack(xs), torch.full((n,), -1), torch.tensor(actions))
