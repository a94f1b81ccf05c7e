"""A Hierarchical Reasoning Model in miniature, faithful in structure to sapientinc/HRM (Wang et al. 2025).

Two recurrent modules share one block design:
  H, the Planner: slow, updated once per L_cycles; it never sees the raw input, only the Doer's state z_L.
  L, the Doer: fast; it receives the input embedding plus the Planner's state z_H (input injection).
One "segment" runs H_cycles × L_cycles updates from a carry (z_H, z_L). Only the final L and H updates carry
gradient (the one-step gradient approximation), and the carry is detached between segments (deep supervision).
An ACT Q-head on z_H scores halting against continuing, trained as in the paper.

Readouts: the Planner head reads z_H and names a sub-goal; the Doer head reads z_L and names an action.
The blocks here are reused by the TRM and flat baselines.
"""
from __future__ import annotations

import math
from typing import NamedTuple

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
        self.up = nn.Linear(d, 2 * expansion * d, bias=False)   # SwiGLU: gate and value in one matmul
        self.down = nn.Linear(expansion * d, d, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, d = x.shape
        mix = self.offsets[:, self.offset_index]                                   # (g, T, T)
        grouped = x.view(B, T, self.groups, d // self.groups).permute(2, 1, 0, 3).reshape(self.groups, T, -1)
        mixed = torch.bmm(mix, grouped).view(self.groups, T, B, -1).permute(2, 1, 0, 3).reshape(B, T, d)
        x = F.rms_norm(x + mixed, (d,))
        gate, value = self.up(x).chunk(2, dim=-1)
        return F.rms_norm(x + self.down(F.silu(gate) * value), (d,))


class Readout(nn.Module):
    """Sub-goal logits from the memory token (position 0) of the planning state; action logits from the agent's own
    cell in the acting state, so "the key is in my cell, pick it" means the same thing wherever the agent stands."""

    def __init__(self, d: int):
        super().__init__()
        self.planner = nn.Linear(d, len(SUBGOALS))
        self.doer = nn.Linear(d, len(ACTIONS))

    def forward(self, plan: torch.Tensor, act: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        agent_token = 1 + x[:, 1:, AGENT].argmax(-1)                 # (B,) position of the agent's cell token
        at_agent = act[torch.arange(len(act)), agent_token]          # (B, d)
        return self.planner(plan[:, 0]), self.doer(at_agent)


class Embedding(nn.Module):
    """Token features → vectors, plus a learned position per token (cells are ordered; the order is the task)."""

    def __init__(self, n_tokens: int, n_features: int, d: int):
        super().__init__()
        self.features = nn.Linear(n_features, d)
        self.position = nn.Parameter(torch.randn(n_tokens, d) * 0.5)
        self.scale = math.sqrt(d)   # HRM scales embeddings so they are not drowned by the unit-RMS latents

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * (self.features(x) + self.position) / math.sqrt(2)


class Output(NamedTuple):
    planner: torch.Tensor      # (B, 3) sub-goal logits
    doer: torch.Tensor         # (B, 4) action logits
    q_halt: torch.Tensor | None      # (B,) ACT: value of stopping now (None: the model cannot halt)
    q_continue: torch.Tensor | None  # (B,) ACT: value of thinking one more segment (HRM only)


class Carry(NamedTuple):
    z_H: torch.Tensor  # (B, T, d) Planner state
    z_L: torch.Tensor  # (B, T, d) Doer state


def fixed_state(n_tokens: int, d: int, generator: torch.Generator) -> torch.Tensor:
    """A fixed (not learned) initial latent, truncated-normal like HRM's H_init / L_init."""
    return nn.init.trunc_normal_(torch.empty(n_tokens, d), std=1.0, a=-2.0, b=2.0, generator=generator)


class HRM(nn.Module):
    kind = "hrm"

    def __init__(self, cfg: ModelConfig, n_tokens: int, n_features: int):
        super().__init__()
        d = cfg.hidden
        self.cfg = cfg
        self.halt_max_steps = cfg.halt_max_steps
        self.embed = Embedding(n_tokens, n_features, d)
        self.H = Block(n_tokens, d, cfg.groups, cfg.expansion)
        self.L = Block(n_tokens, d, cfg.groups, cfg.expansion)
        self.readout = Readout(d)
        self.q_head = halting_head(d, 2)   # q_halt, q_continue
        g = torch.Generator().manual_seed(0)
        self.register_buffer("z_H0", fixed_state(n_tokens, d, g))
        self.register_buffer("z_L0", fixed_state(n_tokens, d, g))

    @property
    def planner_params(self) -> list[nn.Parameter]:
        return [*self.H.parameters(), *self.readout.planner.parameters()]

    @property
    def doer_params(self) -> list[nn.Parameter]:
        return [*self.L.parameters(), *self.readout.doer.parameters(), *self.embed.parameters()]

    def initial_carry(self, batch_size: int) -> Carry:
        return Carry(self.z_H0.expand(batch_size, -1, -1), self.z_L0.expand(batch_size, -1, -1))

    def reset(self, carry: Carry, halted: torch.Tensor) -> Carry:
        """Restart the examples that halted from the fixed initial state; the others keep thinking."""
        h = halted.view(-1, 1, 1)
        return Carry(torch.where(h, self.z_H0, carry.z_H), torch.where(h, self.z_L0, carry.z_L))

    def segment(self, carry: Carry, x: torch.Tensor) -> tuple[Carry, Output]:
        """One deep-supervision segment on input tokens x (B, T, F)."""
        inp = self.embed(x)
        z_H, z_L = carry
        with torch.no_grad():  # all but the last L and H updates run without gradient (one-step gradient)
            for h in range(self.cfg.h_cycles):
                for step in range(self.cfg.l_cycles):
                    if (h, step) != (self.cfg.h_cycles - 1, self.cfg.l_cycles - 1):
                        z_L = self.L(z_L + z_H + inp)   # the Doer sees the Planner and the input
                if h != self.cfg.h_cycles - 1:
                    z_H = self.H(z_H + z_L)             # the Planner sees only the Doer
        z_L = self.L(z_L + z_H + inp)
        z_H = self.H(z_H + z_L)
        q = self.q_head(z_H[:, 0])
        out = Output(*self.readout(z_H, z_L, x), q[:, 0], q[:, 1])
        return Carry(z_H.detach(), z_L.detach()), out


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
