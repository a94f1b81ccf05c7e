"""One seed's world (`Run`): its split of the layouts, the demonstrations and skills the models learn from, and
how a model is scored on it. Everything random derives from the seed through a named stream (`derived_seed`)."""
from __future__ import annotations

import zlib

import torch

from core.settings import Settings
from model.data import FEATURES, Batch, Split, check_split, concat, demonstrations, encode, skills, split
from model.flat import Flat
from model.hrm import HRM
from model.rollout import Episode, Intervention, decide, run_episodes, score
from model.train import Trainer
from model.trm import TRM
from model.world import ACTIONS, SUBGOALS, oracle_episode

SAMPLED_TRIES = 5   # a sampling (untrained) policy is scored over this many seeded tries per layout
ARCHITECTURES = {"hrm": HRM, "trm": TRM, "flat": Flat}


def derived_seed(seed: int, name: str) -> int:
    """A stable seed for one named random process, so adding a process never shifts another's randomness."""
    return zlib.crc32(f"{seed}/{name}".encode())


def generator(seed: int, name: str) -> torch.Generator:
    return torch.Generator().manual_seed(derived_seed(seed, name))


class Run:
    """One seed's world: the config, the split, the tensors every model learns from, and the evaluation."""

    def __init__(self, cfg: Settings):
        self.cfg = cfg
        self.split: Split = split(cfg)
        check_split(self.split, cfg)
        self.demos = demonstrations(self.split.train, cfg.data.mirror)
        self.demo_states = demonstrations(self.split.train, mirror=False)
        self.heldout_states = demonstrations(self.split.heldout, mirror=False)
        told = skills(cfg.world.n_cells, cfg.train.base_examples, derived_seed(cfg.seed, "base-data"), told=True)
        plain = skills(cfg.world.n_cells, cfg.train.base_examples, derived_seed(cfg.seed, "base-data"), told=False)
        # Fine-tuning rehearses the base stage, so the skills are not forgotten while the few demonstrations are
        # learned (without it, held-out episodes fail at start cells the demonstrations never used).
        self.base = {"told": told, "plain": plain}
        self.finetune = {k: concat(self.demos, b) for k, b in self.base.items()}
        # Held-out layouts whose optimal route passes a state no demonstration (or its mirror) contains: on the
        # others, every decision the model must make was already shown to it.
        seen = {tuple(x.flatten().tolist()) for x in self.demos.x}
        self.novel = [lay for lay in self.split.heldout
                      if any(tuple(encode(s).flatten().tolist()) not in seen for s, _, _ in oracle_episode(lay))]
        self.novel_states = torch.tensor([tuple(x.flatten().tolist()) not in seen for x in self.heldout_states.x])

    @staticmethod
    def goals_of(model) -> str:
        """Which base data a model learns from: the HRM's Doer is handed sub-goals, flat and TRM have no input
        for them."""
        return "told" if model.kind == "hrm" else "plain"

    def new_model(self, kind: str):
        torch.manual_seed(derived_seed(self.cfg.seed, f"init/{kind}"))
        return ARCHITECTURES[kind](self.cfg.model, self.cfg.world.n_cells + 1, len(FEATURES))

    def trainer(self, model, batch: Batch, name: str, total_steps: int) -> Trainer:
        return Trainer(model, batch, self.cfg.train, self.cfg.model.halt_exploration, generator(self.cfg.seed, name),
                       total_steps)

    def episodes(self, model, layouts, name: str | None, detail: bool = False,
                 intervention: Intervention | None = None) -> list[Episode]:
        """Greedy when name is None; otherwise sampled with a generator of that name."""
        gen = None if name is None else generator(self.cfg.seed, name)
        return run_episodes(model, layouts, self.cfg.world.max_steps, gen, detail, intervention)

    def evaluate(self, model, sample_name: str | None = None) -> dict:
        """Success and steps on the demonstration layouts and the held-out layouts, and per-state accuracy of both
        heads against the oracle. A sampling policy is scored over SAMPLED_TRIES tries per layout."""
        tries = SAMPLED_TRIES if sample_name else 1
        train = score(self.episodes(model, self.split.train * tries, sample_name and sample_name + "/train"))
        held = score(self.episodes(model, self.split.heldout * tries, sample_name and sample_name + "/heldout"))
        metrics = {"train_success": train["success"], "train_mean_steps": train["mean_steps"],
                   "heldout_success": held["success"], "heldout_solved": held["solved"],
                   "heldout_mean_steps": held["mean_steps"],
                   "heldout_optimal_mean_steps": held["optimal_mean_steps"], "heldout_efficiency": held["efficiency"],
                   "heldout_novel_layouts": len(self.novel), "heldout_novel_state_share":
                   float(self.novel_states.float().mean())}
        if self.novel:
            novel = score(self.episodes(model, self.novel * tries, sample_name and sample_name + "/novel"))
            metrics["heldout_novel_success"] = novel["success"]
        for name, states in (("train", self.demo_states), ("heldout", self.heldout_states)):
            d = decide(model, states.x)
            metrics[f"{name}_planner_acc"] = float((d.planner.argmax(-1) == states.subgoal).float().mean())
            metrics[f"{name}_doer_acc"] = float((d.doer.argmax(-1) == states.action).float().mean())
            metrics[f"{name}_act_segments"] = float(d.segments.float().mean())
            if name == "heldout" and self.novel_states.any():
                ok = d.doer.argmax(-1) == states.action
                metrics["heldout_novel_doer_acc"] = float(ok[self.novel_states].float().mean())
        return metrics

    def demo_predictions(self, model) -> list[dict]:
        """What the model says at every step of every demonstration: the source of the film's credit pulses."""
        d = decide(model, self.demo_states.x)
        rows, i = [], 0
        for layout in self.split.train:
            steps = []
            for state, goal, action in oracle_episode(layout):
                p_goal, p_act = d.planner[i], d.doer[i]
                steps.append({"agent": state.agent, "holding_key": state.holding_key,
                              "subgoal": SUBGOALS[goal], "action": ACTIONS[action],
                              "predicted_subgoal": SUBGOALS[int(p_goal.argmax())],
                              "predicted_action": ACTIONS[int(p_act.argmax())],
                              "planner_ok": int(p_goal.argmax()) == goal, "doer_ok": int(p_act.argmax()) == action,
                              "planner_probs": rounded(p_goal), "doer_probs": rounded(p_act)})
                i += 1
            rows.append({"layout": layout.as_list(), "steps": steps})
        return rows


def rounded(t: torch.Tensor) -> list[float]:
    return [round(v, 4) for v in t.tolist()]
