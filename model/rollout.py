"""Letting a model act in the world: one decision per state (with ACT halting), and whole episodes in lockstep."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from model.data import encode
from model.world import ACTIONS, SUBGOALS, Layout, State, start, step


@dataclass
class Decision:
    planner: torch.Tensor   # (B, 3) sub-goal probabilities of the segment that halted
    doer: torch.Tensor      # (B, 4) action probabilities of that segment
    segments: torch.Tensor  # (B,) ACT segments ("thinking steps") used


def wants_to_halt(out) -> torch.Tensor:
    """HRM halts when the value of stopping beats the value of continuing; TRM when its halt logit is positive."""
    if out.q_halt is None:
        return torch.ones(len(out.doer), dtype=torch.bool)
    if out.q_continue is None:
        return out.q_halt > 0
    return out.q_halt > out.q_continue


@torch.no_grad()
def decide(model, x: torch.Tensor, told: torch.Tensor | None = None) -> Decision:
    """Think for up to halt_max_steps segments; each example keeps the outputs of the segment where it halted.
    `told` (B, 3) one-hot rows hand the HRM's Doer a sub-goal in place of the Planner's (an intervention)."""
    B = len(x)
    carry = model.initial_carry(B)
    planner, doer = torch.zeros(B, len(SUBGOALS)), torch.zeros(B, len(ACTIONS))
    segments = torch.zeros(B, dtype=torch.long)
    active = torch.ones(B, dtype=torch.bool)
    limit = model.halt_max_steps
    for m in range(1, limit + 1):
        carry, out = model.segment(carry, x) if told is None else model.segment(carry, x, told)
        stop = active & (wants_to_halt(out) | (m == limit))
        planner[stop], doer[stop] = out.planner[stop].softmax(-1), out.doer[stop].softmax(-1)
        segments[stop] = m
        active &= ~stop
        if not active.any():
            break
    return Decision(planner, doer, segments)


@dataclass
class Episode:
    layout: Layout
    steps: list[dict] = field(default_factory=list)
    success: bool = False

    def to_json(self) -> dict:
        return {"layout": self.layout.as_list(), "optimal_steps": self.layout.optimal_steps,
                "success": self.success, "n_steps": len(self.steps), "steps": self.steps}


def policy_table(model, layouts: list[Layout], told: int | None = None) -> dict[tuple, tuple]:
    """The model's decision in every state these layouts can reach, from one batched forward pass, keyed by
    (key, door, agent, holding). Inference is deterministic given the state (where the agent started is not part of
    it), so an episode is then a walk through this table."""
    puzzles = {(lay.key, lay.door): lay for lay in layouts}
    states = [State(lay, agent, holding) for lay in puzzles.values()
              for agent in range(lay.n_cells) for holding in (False, True)]
    x = torch.stack([encode(s) for s in states])
    d = decide(model, x, None if told is None else F.one_hot(torch.full((len(x),), told), len(SUBGOALS)).float())
    return {(s.layout.key, s.layout.door, s.agent, s.holding_key): (d.planner[i], d.doer[i], int(d.segments[i]))
            for i, s in enumerate(states)}


@dataclass(frozen=True)
class Intervention:
    """Hand the Doer `goal` in place of the Planner's sub-goal for the steps first ≤ i < last of an episode."""
    goal: int
    first: int
    last: int


def run_episodes(model, layouts: list[Layout], max_steps: int, generator: torch.Generator | None = None,
                 detail: bool = False, intervention: Intervention | None = None) -> list[Episode]:
    """Play every layout to the end. With a generator the Doer samples its action from its probabilities (an
    untrained agent wanders); without, it acts greedily. The sub-goal recorded is the one the Doer was handed: the
    Planner's argmax, or the intervention's."""
    model.eval()
    tables = {None: policy_table(model, layouts)}
    if intervention:
        tables[intervention.goal] = policy_table(model, layouts, told=intervention.goal)
    episodes = []
    for lay in layouts:
        episode, state = Episode(lay), start(lay)
        for i in range(max_steps):
            told = intervention.goal if intervention and intervention.first <= i < intervention.last else None
            planner, doer, segments = tables[told][(lay.key, lay.door, state.agent, state.holding_key)]
            goal = int(planner.argmax()) if told is None else told
            action = int(doer.argmax()) if generator is None else int(torch.multinomial(doer, 1, generator=generator))
            result = step(state, action)
            record = {"agent": state.agent, "holding_key": state.holding_key,
                      "subgoal": SUBGOALS[goal], "action": ACTIONS[action], "event": result.event}
            if intervention:
                record["told"] = told is not None
            if detail:
                record |= {"planner_probs": [round(p, 4) for p in planner.tolist()],
                           "doer_probs": [round(p, 4) for p in doer.tolist()], "act_segments": segments}
            episode.steps.append(record)
            state = result.state
            if result.done:
                episode.success = True
                break
        episodes.append(episode)
    return episodes


def score(episodes: list[Episode]) -> dict:
    """Success rate; mean steps over all episodes (a failure counts its full step limit) beside the optimum for the
    same layouts; efficiency = optimal / taken."""
    n = len(episodes)
    taken = sum(len(e.steps) for e in episodes) / n
    optimal = sum(e.layout.optimal_steps for e in episodes) / n
    solved = sum(e.success for e in episodes)
    return {"success": solved / n, "solved": solved, "mean_steps": taken, "optimal_mean_steps": optimal,
            "efficiency": optimal / taken}
