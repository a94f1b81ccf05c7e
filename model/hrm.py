"""A Hierarchical Reasoning Model in miniature, built like sapientinc/HRM (Wang et al. 2025) where the paper's
mechanics matter, and changed where the film's claim needs it (each change is listed in docs/recordings.md).

Two recurrent modules share one block design:
  H, the Planner: slow, one update per l_cycles Doer updates; it never sees the raw input, only the Doer's state.
  L, the Doer: fast; it receives the input embedding plus the Planner's state (input injection) and sub-goal.
One "segment" runs h_cycles × (one H update, then l_cycles L updates) from a carry (z_H, z_L). Only the last H and
the last L update carry gradient (the one-step gradient approximation), and the carry is detached between segments
(deep supervision). An ACT Q-head on z_H scores halting against continuing, trained as in the paper.

The Planner's sub-goal is what the Doer acts on: after each H update the sub-goal head names a sub-goal, handed on
as a straight-through one-hot (the forward pass commits to the argmax, the backward pass sees the softmax), embedded
and added to the L updates that follow. The last H update feeds the last L update, so the action loss trains the
Planner too, and handing the Doer another sub-goal changes what it does (model/checks.py measures both).
The blocks here are reused by the TRM and flat baselines.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from core.settings import ModelConfig
from model.data import AGENT
from model.world import ACTIONS, SUBGOALS


class Block(nn.Module):
    """Post-norm block with parameter-free RMSNorm (HRM's norm placement): x = norm(x + mix(x)); norm(x + mlp(x)).

    Token mixing uses relative positions only, as HRM's rotary attention does: channel group g moves information
    from token j to token i with weight w_g[j - i]. So "how much key lies to my right" is the same computation in
    every cell, and what is learned about one layout carries over to layouts never seen. (On this 2-core CPU a fixed
    mixing matrix is also several times faster than attention over 11 tokens.)"""

    def __init__(self, n_tokens: int, d: int, groups: int, expansion: int):
        super().__init__()
        self.groups = groups
        self.offsets = nn.Parameter(torch.randn(groups, 2 * n_tokens - 1) / n_tokens)  # w_g[j - i]
        i = torch.arange(n_tokens)
        self.register_buffer("offset_index", i[None, :] - i[:, None] + n_tokens - 1, persistent=False)  # (T, T)
        self.gate = nn.Linear(d, expansion * d, bias=False)     # SwiGLU; two matmuls rather than one split in
        self.value = nn.Linear(d, expansion * d, bias=False)    # two, whose strided halves make silu 4x slower
        self.down = nn.Linear(expansion * d, d, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, d = x.shape
        mix = self.offsets[:, self.offset_index]                                   # (g, T, T)
        grouped = x.view(B, T, self.groups, d // self.groups).permute(2, 1, 0, 3).reshape(self.groups, T, -1)
        mixed = torch.bmm(mix, grouped).view(self.groups, T, B, -1).permute(2, 1, 0, 3).reshape(B, T, d)
        x = F.rms_norm(x + mixed, (d,))
        return F.rms_norm(x + self.down(F.silu(self.gate(x)) * self.value(x)), (d,))


class Readout(nn.Module):
    """Both heads read the agent's own cell: sub-goal logits from the planning state, action logits from the acting
    state, so "the key is in my cell, pick it" means the same thing wherever the agent stands. (Read from the memory
    token instead, the Planner never learned to tell "at the door" from "on the way", on any seed.)"""

    def __init__(self, d: int):
        super().__init__()
        self.planner = nn.Linear(d, len(SUBGOALS))
        self.doer = nn.Linear(d, len(ACTIONS))

    @staticmethod
    def at_agent(z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return z[torch.arange(len(z)), 1 + x[:, 1:, AGENT].argmax(-1)]   # (B, d): the agent's cell token

    def plan(self, z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return self.planner(self.at_agent(z, x))

    def act(self, z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return self.doer(self.at_agent(z, x))

    def forward(self, plan: torch.Tensor, act: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.plan(plan, x), self.act(act, x)


class Embedding(nn.Module):
    """Token features → vectors. No absolute position: the blocks' relative mixing carries the order of the cells (as
    HRM's rotary embedding does), so nothing the model learns can be tied to one cell number — with a learned
    position per token, ten demonstrations were enough to memorise "pick at the cells where keys were seen"."""

    def __init__(self, n_features: int, d: int):
        super().__init__()
        self.features = nn.Linear(n_features, d)
        self.scale = math.sqrt(d)   # HRM scales embeddings so they are not drowned by the unit-RMS latents

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * self.features(x)


class Output(NamedTuple):
    planner: torch.Tensor      # (B, 3) sub-goal logits
    doer: torch.Tensor         # (B, 4) action logits
    q_halt: torch.Tensor | None      # (B,) ACT: value of stopping now (None: the model cannot halt)
    q_continue: torch.Tensor | None  # (B,) ACT: value of thinking one more segment (HRM only)
    act_given: Callable | None = None  # HRM: (rows, sub-goals) → action logits of the last Doer update, re-run
    #                                    for those examples under those sub-goals (goal relabelling)


class Carry(NamedTuple):
    z_H: torch.Tensor  # (B, T, d) Planner state
    z_L: torch.Tensor  # (B, T, d) Doer state


def fixed_state(d: int, generator: torch.Generator) -> torch.Tensor:
    """A fixed (not learned) initial latent, truncated-normal like HRM's H_init / L_init: one vector, the same at
    every token."""
    return nn.init.trunc_normal_(torch.empty(d), std=1.0, a=-2.0, b=2.0, generator=generator)


class HRM(nn.Module):
    kind = "hrm"

    def __init__(self, cfg: ModelConfig, n_tokens: int, n_features: int):
        super().__init__()
        d = cfg.hidden
        self.cfg, self.n_tokens = cfg, n_tokens
        self.halt_max_steps = cfg.halt_max_steps
        self.embed = Embedding(n_features, d)
        self.H = Block(n_tokens, d, cfg.groups, cfg.expansion)
        self.L = Block(n_tokens, d, cfg.groups, cfg.expansion)
        self.readout = Readout(d)
        self.q_head = halting_head(d, 2)   # q_halt, q_continue
        self.goal_embed = nn.Linear(len(SUBGOALS), d, bias=False)   # the sub-goal as the Doer reads it
        nn.init.normal_(self.goal_embed.weight, std=1.0)
        g = torch.Generator().manual_seed(0)
        self.register_buffer("z_H0", fixed_state(d, g))
        self.register_buffer("z_L0", fixed_state(d, g))

    @property
    def planner_params(self) -> list[nn.Parameter]:
        return [*self.H.parameters(), *self.readout.planner.parameters()]

    @property
    def doer_params(self) -> list[nn.Parameter]:
        return [*self.L.parameters(), *self.readout.doer.parameters(), *self.embed.parameters(),
                *self.goal_embed.parameters()]

    def initial_carry(self, batch_size: int) -> Carry:
        shape = (batch_size, self.n_tokens, -1)
        return Carry(self.z_H0.expand(shape), self.z_L0.expand(shape))

    def reset(self, carry: Carry, halted: torch.Tensor) -> Carry:
        """Restart the examples that halted from the fixed initial state; the others keep thinking."""
        h = halted.view(-1, 1, 1)
        return Carry(torch.where(h, self.z_H0, carry.z_H), torch.where(h, self.z_L0, carry.z_L))

    def plan(self, z_H: torch.Tensor, x: torch.Tensor, told: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        """Read the Planner: its sub-goal logits, and the sub-goal the Doer is handed as a (B, 3) straight-through
        one-hot — the forward pass commits to the argmax, the backward pass sees the softmax, so the action loss
        can teach the Planner. Rows of `told` that hold a one-hot replace the Planner's choice (zero rows keep it)."""
        logits = self.readout.plan(z_H, x)
        p = logits.softmax(-1)
        goal = F.one_hot(p.argmax(-1), len(SUBGOALS)).to(p) + p - p.detach()
        if told is not None:
            goal = torch.where(told.sum(-1, keepdim=True) > 0, told, goal)
        return logits, goal

    def do(self, z_L: torch.Tensor, z_H: torch.Tensor, goal: torch.Tensor, inp: torch.Tensor) -> torch.Tensor:
        """One Doer update: it sees its own state, the Planner's state, the sub-goal (on every token) and the input."""
        return self.L(z_L + z_H + self.goal_embed(goal)[:, None, :] + inp)

    def lead(self, carry: Carry, x: torch.Tensor, told: torch.Tensor | None) -> tuple[torch.Tensor, ...]:
        """The start of a segment: the input embedding, then all but the last cycle, without gradient (the
        one-step gradient): h_cycles - 1 × (one Planner update, whose sub-goal drives l_cycles Doer updates)."""
        inp = self.embed(x)
        z_H, z_L = carry
        with torch.no_grad():
            for _ in range(self.cfg.h_cycles - 1):
                z_H = self.H(z_H + z_L)                 # the Planner sees only the Doer
                _, goal = self.plan(z_H, x, told)
                for _ in range(self.cfg.l_cycles):
                    z_L = self.do(z_L, z_H, goal, inp)
        return inp, z_H, z_L

    def segment(self, carry: Carry, x: torch.Tensor, told: torch.Tensor | None = None) -> tuple[Carry, Output]:
        """One deep-supervision segment on input tokens x (B, T, F): h_cycles × (one Planner update, whose sub-goal
        drives the next l_cycles Doer updates). `told` (B, 3) imposes sub-goals instead of the Planner's."""
        inp, z_H, z_L = self.lead(carry, x, told)
        z_H = self.H(z_H + z_L)                         # the last H update feeds the last L update, so the
        planner, goal = self.plan(z_H, x, told)            # action loss reaches the Planner
        with torch.no_grad():
            for _ in range(self.cfg.l_cycles - 1):
                z_L = self.do(z_L, z_H, goal, inp)
        z_L_last = self.do(z_L, z_H, goal, inp)
        q = self.q_head(z_H[:, 0])

        def act_given(rows: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
            """The last Doer update again for examples `rows`, handed the sub-goals `other` (R, 3) instead; the
            Planner's state is detached, so a loss on this trains only the Doer (goal relabelling in train.py)."""
            return self.readout.act(self.do(z_L[rows], z_H[rows].detach(), other, inp[rows]), x[rows])

        out = Output(planner, self.readout.act(z_L_last, x), q[:, 0], q[:, 1], act_given)
        return Carry(z_H.detach(), z_L_last.detach()), out

    @torch.no_grad()
    def q_next(self, carry: Carry, x: torch.Tensor, told: torch.Tensor | None = None) -> torch.Tensor:
        """(B, 2) ACT values of the segment after `carry`, for the bootstrapped Q target. They are read from the
        last Planner state, so the Doer updates after it are skipped: 4 of the segment's 6 block calls."""
        _, z_H, z_L = self.lead(carry, x, told)
        return self.q_head(self.H(z_H + z_L)[:, 0])


def halting_head(d: int, values: int) -> nn.Linear:
    """The ACT head. HRM starts it at "never halt" (every value ≈ sigmoid(-5)), so early training thinks for all
    segments."""
    head = nn.Linear(d, values)
    nn.init.zeros_(head.weight)
    nn.init.constant_(head.bias, -5.0)
    return head


def two_blocks(n_tokens: int, cfg: ModelConfig) -> nn.Sequential:
    """The single network of TRM and the flat baseline: two blocks, the parameter budget of HRM's H plus L."""
    return nn.Sequential(*[Block(n_tokens, cfg.hidden, cfg.groups, cfg.expansion) for _ in range(2)])


def param_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
