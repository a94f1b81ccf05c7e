"""Trained checkpoints as JSON the companion page can run: every tensor as base64 float32 beside the config.

The page's forward pass (assets/companion/hrm.js) reads these specs and checks every tensor's name and shape as it
loads them; tests/test_companion_model.py checks that it reproduces the PyTorch model on every state. This stage reads
the checkpoint files only (docs/recordings.md, `checkpoints/`), never the model's code.
"""
from __future__ import annotations

import base64
import pickle
from pathlib import Path

from core.errors import UserError
from core.paths import rel

KINDS = ("hrm", "trm", "flat")      # the models the page's forward pass knows
SPEC_CONFIG = ("hidden", "groups", "expansion", "h_cycles", "l_cycles")   # what the forward pass needs of the config


def read_checkpoint(checkpoint: Path) -> dict:
    """A checkpoint's {kind, state_dict, config}, with one-line errors naming the file."""
    import torch            # here, not above: a run whose page is up to date never pays its import (1-2 s)
    checkpoint = Path(checkpoint)
    try:
        saved = torch.load(checkpoint, weights_only=True)
    except FileNotFoundError:
        raise UserError(f"{rel(checkpoint)}: missing checkpoint (run `just train`)") from None
    except (RuntimeError, pickle.UnpicklingError, EOFError) as err:
        raise UserError(f"{rel(checkpoint)}: not a readable checkpoint ({err})") from None
    if saved.get("kind") not in KINDS:
        raise UserError(f"{rel(checkpoint)}: unknown model kind {saved.get('kind')!r} (known: {', '.join(KINDS)})")
    return saved


def tensor_spec(t) -> dict:
    """A torch tensor as {shape, data: base64 of little-endian float32}."""
    data = t.detach().float().contiguous().numpy().astype("<f4").tobytes()
    return {"shape": list(t.shape), "data": base64.b64encode(data).decode("ascii")}


def model_spec(checkpoint: Path) -> dict:
    """One checkpoint as {kind, n_cells, config, weights}: every tensor of its state dict (buffers too) by name.
    `halt_max_steps` is the number of ACT segments the model really runs: one for the flat model, a single pass
    whatever its config says (docs/recordings.md)."""
    saved = read_checkpoint(checkpoint)
    model, kind = saved["config"]["model"], saved["kind"]
    config = {name: model[name] for name in SPEC_CONFIG} | {"halt_max_steps": 1 if kind == "flat" else
                                                              model["halt_max_steps"]}
    return {"kind": kind, "n_cells": saved["config"]["world"]["n_cells"], "config": config,
            "weights": {name: tensor_spec(t) for name, t in saved["state_dict"].items()}}


def model_specs(model_dir: Path) -> dict[str, dict]:
    """Every checkpoint of a recording, keyed by file stem (hrm-00-init, …, hrm-final, flat-final, trm-final)."""
    checkpoints = sorted((Path(model_dir) / "checkpoints").glob("*.pt"))
    if not checkpoints:
        raise UserError(f"{rel(Path(model_dir) / 'checkpoints')}: no checkpoints (run `just train`)")
    return {path.stem: model_spec(path) for path in checkpoints}

