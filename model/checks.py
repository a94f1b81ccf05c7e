"""Probes of the mechanism the film describes, measured on a trained model (and tested in tests/test_model.py):
does the action loss reach the Planner, and does the Doer do what the Planner's sub-goal says?"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from model.data import HOLDING, goal_actions
from model.rollout import decide
from model.world import GO_TO_DOOR, GO_TO_KEY, SUBGOALS


def planner_gradient(model, x: torch.Tensor, action: torch.Tensor) -> float:
    """The norm of the gradient that the action loss alone (one segment from the initial state) sends into the
    Planner's parameters. Zero would mean the Planner learns nothing from what the Doer does."""
    model.train()
    model.zero_grad(set_to_none=True)
    _, out = model.segment(model.initial_carry(len(x)), x)
    F.cross_entropy(out.doer, action).backward()
    norm = sum(float(p.grad.norm()) ** 2 for p in model.planner_params if p.grad is not None) ** 0.5
    model.zero_grad(set_to_none=True)
    return norm


@torch.no_grad()
def door_before_key(model, x: torch.Tensor) -> dict:
    """Hand the Doer "go to the door" in every state where the key is not yet held and going to the door means
    another action than going to the key (the key is behind the agent, or under it): how often its action changes,
    and how often it is the step toward the door. (Where both sub-goals mean the same step, obeying is invisible.)"""
    targets = goal_actions(x)
    conflict = (x[:, 0, HOLDING] == 0) & (targets[:, GO_TO_KEY] != targets[:, GO_TO_DOOR])
    x, toward_door = x[conflict], targets[conflict, GO_TO_DOOR]
    model.eval()
    free = decide(model, x).doer.argmax(-1)
    told = decide(model, x, F.one_hot(torch.full((len(x),), GO_TO_DOOR), len(SUBGOALS)).float()).doer.argmax(-1)
    return {"states": len(x), "changed": float((told != free).float().mean()),
            "follows": float((told == toward_door).float().mean())}


def mechanism(model, run) -> dict:
    """Both probes on one HRM run: the gradient on its demonstrations, the intervention on its held-out states."""
    probe = door_before_key(model, run.heldout_states.x)
    return {"planner_grad": planner_gradient(model, run.demos.x, run.demos.action),
            "override_changed": probe["changed"], "override_follows": probe["follows"],
            "override_states": probe["states"]}
