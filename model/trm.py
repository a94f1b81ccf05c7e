"""A Tiny Recursive Model in miniature (Jolicoeur-Martineau 2025), the simpler successor of HRM.

One shared network refines a latent z and an answer y: n times z ← net(x + y + z), then y ← net(y + z); this is
repeated T times, the first T-1 without gradient and the last with full backpropagation through its n+1 steps.
Only a halt head (no continue value): it learns whether the current answer is right.
Here T = h_cycles and n = l_cycles; each net call runs both blocks, so a TRM segment makes 12 block applications,
twice the HRM's 6.
"""
from __future__ import annotations

import torch
from torch import nn

from core.settings import ModelConfig
from model.hrm import Carry, Embedding, Output, Readout, fixed_state, halting_head, two_blocks


class TRM(nn.Module):
    kind = "trm"

    def __init__(self, cfg: ModelConfig, n_tokens: int, n_features: int):
        super().__init__()
        d = cfg.hidden
        self.cfg = cfg
        self.halt_max_steps = cfg.halt_max_steps
        self.embed = Embedding(n_features, d)
        self.net = two_blocks(n_tokens, cfg)
        self.readout = Readout(d)
        self.q_head = halting_head(d, 1)   # q_halt only
        g = torch.Generator().manual_seed(0)
        # The carry reuses HRM's two slots: z_H holds the answer y, z_L the latent z.
        self.register_buffer("y0", fixed_state(d, g))
        self.register_buffer("z0", fixed_state(d, g))
        self.n_tokens = n_tokens

    def initial_carry(self, batch_size: int) -> Carry:
        shape = (batch_size, self.n_tokens, -1)
        return Carry(self.y0.expand(shape), self.z0.expand(shape))

    def reset(self, carry: Carry, halted: torch.Tensor) -> Carry:
        h = halted.view(-1, 1, 1)
        return Carry(torch.where(h, self.y0, carry.z_H), torch.where(h, self.z0, carry.z_L))

    def recursion(self, x: torch.Tensor, y: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        for _ in range(self.cfg.l_cycles):
            z = self.net(x + y + z)
        return self.net(y + z), z

    def segment(self, carry: Carry, x: torch.Tensor) -> tuple[Carry, Output]:
        inp = self.embed(x)
        y, z = carry
        with torch.no_grad():
            for _ in range(self.cfg.h_cycles - 1):
                y, z = self.recursion(inp, y, z)
        y, z = self.recursion(inp, y, z)
        out = Output(*self.readout(y, y, x), self.q_head(y[:, 0])[:, 0], None)
        return Carry(y.detach(), z.detach()), out
