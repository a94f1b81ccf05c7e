"""The flat baseline: the same blocks stacked once, no hierarchy, no recursion, no halting.

It has the HRM's parameter budget (two blocks) and reads both sub-goal and action from one final state, so any gap to
the HRM comes from structure and repeated computation, not size.
"""
from __future__ import annotations

import torch
from torch import nn

from core.settings import ModelConfig
from model.hrm import Embedding, Output, Readout, two_blocks


class Flat(nn.Module):
    kind = "flat"
    halt_max_steps = 1  # a single pass: nothing to halt

    def __init__(self, cfg: ModelConfig, n_tokens: int, n_features: int):
        super().__init__()
        d = cfg.hidden
        self.embed = Embedding(n_features, d)
        self.net = two_blocks(n_tokens, cfg)
        self.readout = Readout(d)

    def initial_carry(self, batch_size: int) -> None:
        return None

    def reset(self, carry: None, halted: torch.Tensor) -> None:
        return None

    def segment(self, carry: None, x: torch.Tensor) -> tuple[None, Output]:
        h = self.net(self.embed(x))
        return None, Output(*self.readout(h, h, x), None, None)
