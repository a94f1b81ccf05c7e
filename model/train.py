"""Training with deep supervision and ACT, as in the HRM recipe, for any of the three models.

Every optimizer step runs one segment for the whole batch. The carry persists between steps, so an example keeps
thinking across steps until it halts; a halted example restarts from the fixed initial state. Losses per step:
  planner CE (sub-goal) + doer CE (action) + ½ (BCE(q_halt, answer is right) + BCE(q_continue, bootstrapped target)).
  + goal relabelling for the HRM's Doer (below).
The learning rate warms up linearly, then decays along a cosine to LR_MIN_RATIO of its peak at the last step (the
HRM configs keep it constant; on ten demonstrations the constant rate left the recorded weights mid-oscillation).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from core.settings import TrainConfig
from model.data import Batch, goal_actions
from model.rollout import wants_to_halt
from model.world import SUBGOALS

LR_MIN_RATIO = 0.05    # final learning rate / peak
RELABEL_WEIGHT = 1.0   # weight of the goal-relabelling loss


@dataclass
class StepLog:
    planner_loss: float
    doer_loss: float
    q_loss: float
    planner_acc: float    # share of supervised states whose sub-goal (argmax) is right this step
    doer_acc: float       # same for the action


def make_optimizer(params, cfg: TrainConfig, total_steps: int
                   ) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler]:
    """AdamW; linear warmup over cfg.warmup_steps, then a cosine decay to LR_MIN_RATIO × lr at total_steps."""
    opt = torch.optim.AdamW([p for p in params if p.requires_grad], lr=cfg.lr, weight_decay=cfg.weight_decay,
                            betas=(0.9, 0.95))
    warm = max(1, cfg.warmup_steps)

    def schedule(i: int) -> float:
        if i < warm:
            return (i + 1) / warm
        t = min(1.0, (i - warm) / max(1, total_steps - warm))
        return LR_MIN_RATIO + (1 - LR_MIN_RATIO) * 0.5 * (1 + math.cos(math.pi * t))

    return opt, torch.optim.lr_scheduler.LambdaLR(opt, schedule)


class Trainer:
    """Holds the optimizer and the ACT carry for one model on one batch of examples."""

    def __init__(self, model, batch: Batch, cfg: TrainConfig, exploration: float, generator: torch.Generator,
                 total_steps: int):
        self.model, self.batch, self.cfg = model, batch, cfg
        self.exploration, self.gen = exploration, generator
        self.opt, self.sched = make_optimizer(model.parameters(), cfg, total_steps)
        B = len(batch)
        self.carry = model.initial_carry(B)
        self.steps = torch.zeros(B, dtype=torch.long)
        self.halted = torch.ones(B, dtype=torch.bool)

    def step(self) -> StepLog:
        """One optimizer step: one segment for every example, then halting decides who restarts."""
        model, b = self.model, self.batch
        model.train()
        carry = model.reset(self.carry, self.halted)
        self.steps = torch.where(self.halted, 0, self.steps) + 1
        carry, out, loss, log = segment_loss(model, carry, b, last=self.steps >= model.halt_max_steps)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.sched.step()

        with torch.no_grad():
            halted = self.steps >= model.halt_max_steps
            if model.halt_max_steps > 1 and out.q_halt is not None:
                # Exploration: sometimes force a random minimum number of segments before halting is allowed.
                explore = torch.rand(len(b), generator=self.gen) < self.exploration
                min_steps = explore * torch.randint(2, model.halt_max_steps + 1, (len(b),), generator=self.gen)
                halted = halted | (wants_to_halt(out) & (self.steps >= min_steps))
        self.carry, self.halted = carry, halted
        return log


def told_goals(told: torch.Tensor) -> torch.Tensor | None:
    """(B, 3) one-hot rows for the examples that hand the Doer a sub-goal, zero rows for the others; None if none
    does (and the model need not take sub-goals at all)."""
    if not (told >= 0).any():
        return None
    return F.one_hot(told.clamp(min=0), len(SUBGOALS)).float() * (told >= 0)[:, None]


def segment_loss(model, carry, b: Batch, last: torch.Tensor):
    """Run one segment and compute the HRM losses. `last` marks examples on their final allowed segment."""
    told = told_goals(b.told)
    carry, out = model.segment(carry, b.x, told) if told is not None else model.segment(carry, b.x)
    has_goal = b.subgoal >= 0
    planner_loss = F.cross_entropy(out.planner, b.subgoal, ignore_index=-1) if has_goal.any() else out.planner.sum() * 0
    doer_loss = F.cross_entropy(out.doer, b.action)
    goal_ok = (out.planner.argmax(-1) == b.subgoal) | ~has_goal
    action_ok = out.doer.argmax(-1) == b.action

    q_loss = torch.zeros(())
    if out.q_halt is not None and model.halt_max_steps > 1:   # with one segment allowed there is nothing to decide
        q_loss = F.binary_cross_entropy_with_logits(out.q_halt, (goal_ok & action_ok).float())
        if out.q_continue is not None:
            # Q-learning target for continuing: the value of the best choice one segment later (HRM's bootstrap).
            q_halt, q_continue = model.q_next(carry, b.x, told).unbind(-1)
            target = torch.where(last, q_halt, torch.maximum(q_halt, q_continue)).sigmoid()
            q_loss = q_loss + F.binary_cross_entropy_with_logits(out.q_continue, target)

    relabel_loss = torch.zeros(())
    if RELABEL_WEIGHT and out.act_given is not None and has_goal.any():
        # Goal relabelling: on every demonstrated state the Doer is also handed each other sub-goal that means
        # something there and taught the action that carries it out, so it learns to follow its instruction (and
        # cannot bypass the Planner by reading the whole task off the input).
        targets = goal_actions(b.x)
        other = (targets >= 0) & has_goal[:, None] & (torch.arange(len(SUBGOALS)) != b.subgoal[:, None])
        rows, goals = other.nonzero(as_tuple=True)
        logits = out.act_given(rows, F.one_hot(goals, len(SUBGOALS)).float())
        relabel_loss = F.cross_entropy(logits, targets[rows, goals]) * (len(SUBGOALS) - 1)   # one CE per other goal

    loss = planner_loss + doer_loss + RELABEL_WEIGHT * relabel_loss + 0.5 * q_loss
    log = StepLog(planner_loss.item(), doer_loss.item(), q_loss.item(),
                  float(goal_ok[has_goal].float().mean()) if has_goal.any() else 0.0, float(action_ok.float().mean()))
    return carry, out, loss, log


@torch.no_grad()
def measure(model, b: Batch) -> StepLog:
    """The training losses of a fresh first segment, without an update: the "before" point of a loss curve."""
    model.eval()
    return segment_loss(model, model.initial_carry(len(b)), b, last=torch.zeros(len(b), dtype=torch.bool))[3]


def freeze(params) -> None:
    for p in params:
        p.requires_grad_(False)


def mean_logs(logs: list[StepLog]) -> dict:
    keys = StepLog.__dataclass_fields__
    return {k: sum(getattr(log, k) for log in logs) / len(logs) for k in keys}
