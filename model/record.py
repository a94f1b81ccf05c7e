"""Train every model the film talks about, and record what happened: `python -m model.record` (`just train`).

The HRM's story is recorded in full: a snapshot at random init, after the base stage and after every fine-tuning
epoch, each with rollouts on the showcase layouts (state, sub-goal, action, both probability vectors, ACT segments)
and its predictions on every demonstration step. TRM, flat, scratch and the two freeze ablations are trained on the
same data and recorded as curves and final rollouts. The field-by-field layout is in docs/recordings.md.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import sys
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from queue import Empty

import torch
from rich.progress import Progress

from core.errors import UserError
from core.paths import MODEL_DIR, SETTINGS
from core.settings import Settings, load_settings
from model.data import FEATURES, Batch, Split, check_split, demonstrations, split, walk_to_marker
from model.flat import Flat
from model.hrm import HRM, param_count
from model.rollout import Episode, decide, run_episodes, score
from model.train import Trainer, freeze, mean_logs, measure
from model.trm import TRM
from model.world import ACTIONS, SUBGOALS, State, oracle_action, oracle_episode, oracle_subgoal

SAMPLED_TRIES = 5   # a sampling (untrained) policy is scored over this many seeded tries per layout
VARIANTS = {"hrm": HRM, "trm": TRM, "flat": Flat}


def derived_seed(seed: int, name: str) -> int:
    """A stable seed for one named random process, so adding a process never shifts another's randomness."""
    return zlib.crc32(f"{seed}/{name}".encode())


def generator(seed: int, name: str) -> torch.Generator:
    return torch.Generator().manual_seed(derived_seed(seed, name))


class Run:
    """One training run: the config, the split and the tensors every model learns from."""

    def __init__(self, cfg: Settings):
        self.cfg = cfg
        self.split: Split = split(cfg)
        check_split(self.split, cfg)
        self.demos = demonstrations(self.split.train, cfg.data.mirror)
        self.demo_states = demonstrations(self.split.train, mirror=False)
        self.heldout_states = demonstrations(self.split.heldout, mirror=False)
        self.base = walk_to_marker(cfg.world.n_cells, cfg.train.base_examples, derived_seed(cfg.seed, "base-data"))

    def new_model(self, kind: str):
        torch.manual_seed(derived_seed(self.cfg.seed, f"init/{kind}"))
        return VARIANTS[kind](self.cfg.model, self.cfg.world.n_cells + 1, len(FEATURES))

    def trainer(self, model, batch: Batch, name: str) -> Trainer:
        return Trainer(model, batch, self.cfg.train, self.cfg.model.halt_exploration, generator(self.cfg.seed, name))

    def episodes(self, model, layouts, name: str | None, detail: bool = False) -> list[Episode]:
        """Greedy when name is None; otherwise sampled with a generator of that name."""
        gen = None if name is None else generator(self.cfg.seed, name)
        return run_episodes(model, layouts, self.cfg.world.max_steps, gen, detail)

    def evaluate(self, model, sample_name: str | None = None) -> dict:
        """Success and steps on the demonstration layouts and the held-out layouts, and per-state accuracy of both
        heads against the oracle. A sampling policy is scored over SAMPLED_TRIES tries per layout."""
        tries = SAMPLED_TRIES if sample_name else 1
        train = score(self.episodes(model, self.split.train * tries, sample_name and sample_name + "/train"))
        held = score(self.episodes(model, self.split.heldout * tries, sample_name and sample_name + "/heldout"))
        metrics = {"train_success": train["success"], "train_mean_steps": train["mean_steps"],
                   "heldout_success": held["success"], "heldout_solved": held["solved"],
                   "heldout_mean_steps": held["mean_steps"],
                   "heldout_optimal_mean_steps": held["optimal_mean_steps"], "heldout_efficiency": held["efficiency"]}
        for name, states in (("train", self.demo_states), ("heldout", self.heldout_states)):
            d = decide(model, states.x)
            metrics[f"{name}_planner_acc"] = float((d.planner.argmax(-1) == states.subgoal).float().mean())
            metrics[f"{name}_doer_acc"] = float((d.doer.argmax(-1) == states.action).float().mean())
            metrics[f"{name}_act_segments"] = float(d.segments.float().mean())
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


def round_floats(obj):
    """Round every float so the JSON is small and byte-identical across runs."""
    if isinstance(obj, float):
        return round(obj, 5)
    if isinstance(obj, dict):
        return {k: round_floats(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [round_floats(v) for v in obj]
    return obj


def with_oracle(episode: Episode) -> dict:
    """An episode's JSON, each step annotated with what the oracle would have done in that state."""
    out = episode.to_json()
    for s in out["steps"]:
        state = State(episode.layout, s["agent"], s["holding_key"])
        s["oracle_subgoal"], s["oracle_action"] = SUBGOALS[oracle_subgoal(state)], ACTIONS[oracle_action(state)]
    return out


class Recorder:
    """Collects one job's snapshots, curves and final rollouts; checkpoints go straight to disk."""

    def __init__(self, run: Run, out_dir: Path, report=lambda job, n: None):
        self.run, self.dir, self.report = run, out_dir, report
        self.snapshots: list[dict] = []
        self.curves: dict[str, list[dict]] = {}
        self.finals: dict[str, dict] = {}

    def checkpoint(self, model, name: str) -> str:
        path = self.dir / "checkpoints" / f"{name}.pt"
        torch.save({"kind": model.kind, "state_dict": model.state_dict(), "config": asdict(self.run.cfg)}, path)
        return path.name

    def snapshot(self, model, label: str, stage: str, epoch: int, sampled: bool) -> dict:
        index = {"init": 0, "base": 1}.get(stage, 1 + epoch)   # fine-tuning epoch e is snapshot 1 + e
        name = f"snapshot/{label}" if sampled else None
        rollouts = self.run.episodes(model, self.run.split.showcase, name and name + "/showcase", detail=True)
        snap = {"index": index, "label": label, "stage": stage, "epoch": epoch,
                "policy": "sample" if sampled else "greedy", "metrics": self.run.evaluate(model, name),
                "checkpoint": self.checkpoint(model, f"hrm-{index:02d}-{stage}"),
                "rollouts": [with_oracle(e) for e in rollouts], "demos": self.run.demo_predictions(model)}
        self.snapshots.append(snap)
        return snap

    def curve_row(self, name: str, model, epoch: int, losses: dict) -> None:
        self.curves.setdefault(name, []).append({"epoch": epoch, **losses, **self.run.evaluate(model)})

    def final(self, name: str, model) -> None:
        rollouts = self.run.episodes(model, self.run.split.showcase, None, detail=True)
        self.finals[name] = {"params": param_count(model), "metrics": self.curves[name][-1],
                             "rollouts": [with_oracle(e) for e in rollouts]}
        self.checkpoint(model, f"{name}-final")

    def base_stage(self, model, name: str) -> None:
        """The crude prior: walk to a marked cell. Its curve gets a row every 10 steps."""
        trainer = self.run.trainer(model, self.run.base, f"base/{name}")
        rows, logs = [], []
        for step in range(1, self.run.cfg.train.base_steps + 1):
            logs.append(trainer.step())
            if step % 10 == 0:
                rows.append({"step": step, **{k: v for k, v in mean_logs(logs).items() if k.startswith("doer")}})
                logs = []
                self.report(f"{name}: base stage", 10)
        self.curves[f"{name}_base"] = rows

    def fine_tune(self, model, name: str, on_epoch=None) -> None:
        """Fine-tune on the demonstrations; a curve row (and optionally a snapshot) after every epoch."""
        run = self.run
        trainer = run.trainer(model, run.demos, f"finetune/{name}")
        self.curve_row(name, model, 0, losses_of(asdict(measure(model, run.demos))))
        for epoch in range(1, run.cfg.train.epochs + 1):
            logs = [trainer.step() for _ in range(run.cfg.train.steps_per_epoch)]
            self.curve_row(name, model, epoch, losses_of(mean_logs(logs)))
            if on_epoch:
                on_epoch(epoch)
            self.report(f"{name}: fine-tune", 1)
        self.final(name, model)


def losses_of(log) -> dict:
    return {k: v for k, v in log.items() if k.endswith("_loss")}


# Fine-tuning jobs after the HRM's base stage; they are independent, so they run in parallel.
JOBS = ("hrm", "trm", "freeze_planner", "freeze_doer", "scratch", "flat")


def run_job(name: str, cfg: Settings, base_weights: dict, out_dir: Path, queue=None) -> dict:
    """Train one model of the comparison and return what the recorder collected."""
    torch.set_num_threads(1)   # tiny models: one thread is faster, and results do not depend on the thread count
    torch.use_deterministic_algorithms(True)
    run = Run(cfg)
    rec = Recorder(run, out_dir, report=(lambda job, n: queue.put((job, n))) if queue else lambda job, n: None)
    if name in ("trm", "flat"):        # other architectures get their own base stage
        model = run.new_model(name)
        rec.base_stage(model, name)
    else:
        model = run.new_model("hrm")
        if name != "scratch":          # scratch: no base stage, to show what the prior is worth
            model.load_state_dict(base_weights)
    if name.startswith("freeze_"):
        freeze(model.planner_params if name == "freeze_planner" else model.doer_params)
    on_epoch = (lambda e: rec.snapshot(model, f"epoch {e}", "finetune", e, sampled=False)) if name == "hrm" else None
    rec.fine_tune(model, name, on_epoch)
    return {"snapshots": rec.snapshots, "curves": rec.curves, "finals": rec.finals}


def progress_totals(cfg: Settings) -> dict[str, int]:
    totals = {"hrm: base stage": cfg.train.base_steps}
    for name in JOBS:
        if name in ("trm", "flat"):
            totals[f"{name}: base stage"] = cfg.train.base_steps
        totals[f"{name}: fine-tune"] = cfg.train.epochs
    return totals


def train_all(cfg: Settings, out_dir: Path, workers: int = 2) -> dict:
    """Everything `just train` does; returns the summary."""
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    run, started = Run(cfg), time.perf_counter()
    (out_dir / "checkpoints").mkdir(parents=True)
    snapshots, curves, finals = [], {}, {}

    with Progress(transient=not sys.stderr.isatty()) as progress:
        tasks = {name: progress.add_task(name, total=total) for name, total in progress_totals(cfg).items()}
        rec = Recorder(run, out_dir, report=lambda job, n: progress.advance(tasks[job], n))
        hrm = run.new_model("hrm")
        rec.snapshot(hrm, "untrained", "init", 0, sampled=True)
        rec.base_stage(hrm, "hrm")
        rec.snapshot(hrm, "after base stage", "base", 0, sampled=True)
        base_weights = hrm.state_dict()
        results = [{"snapshots": rec.snapshots, "curves": rec.curves, "finals": {}}]

        ctx = multiprocessing.get_context("spawn")
        with ctx.Manager() as manager, ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            queue = manager.Queue()
            futures = [pool.submit(run_job, name, cfg, base_weights, out_dir, queue) for name in JOBS]
            while not all(f.done() for f in futures) or not queue.empty():
                try:
                    job, n = queue.get(timeout=0.1)
                    progress.advance(tasks[job], n)
                except Empty:
                    pass
            results += [f.result() for f in futures]

    for r in results:
        snapshots += r["snapshots"]
        curves |= r["curves"]
        finals |= r["finals"]
    snapshots.sort(key=lambda s: s["index"])
    models = {"untrained": snapshots[0]["metrics"] | {"params": finals["hrm"]["params"]},
              "base": snapshots[1]["metrics"] | {"params": finals["hrm"]["params"]}}
    models |= {name: final["metrics"] | {"params": final["params"]} for name, final in finals.items()}
    keep = ("params", "heldout_success", "heldout_solved", "heldout_mean_steps", "heldout_optimal_mean_steps",
            "heldout_efficiency", "train_success", "train_mean_steps", "heldout_planner_acc", "heldout_doer_acc",
            "heldout_act_segments")
    summary = {name: {k: m[k] for k in keep} for name, m in models.items()}
    summary |= {"seed": cfg.seed, "n_train": len(run.split.train), "n_heldout": len(run.split.heldout),
                "n_cells": cfg.world.n_cells, "max_steps": cfg.world.max_steps, "epochs": cfg.train.epochs,
                "sampled_tries": SAMPLED_TRIES, "n_demo_states": len(run.demos),
                "train_layouts": [lay.as_list() for lay in run.split.train],
                "heldout_layouts": [lay.as_list() for lay in run.split.heldout],
                "train_seconds": round(time.perf_counter() - started, 2)}
    dataset = {"n_cells": cfg.world.n_cells, "actions": list(ACTIONS), "subgoals": list(SUBGOALS),
               "train": [with_oracle(Episode(lay, [{"agent": s.agent, "holding_key": s.holding_key,
                                                     "subgoal": SUBGOALS[g], "action": ACTIONS[a]}
                                                    for s, g, a in oracle_episode(lay)], True))
                         for lay in run.split.train],
               "heldout": [lay.as_list() for lay in run.split.heldout],
               "showcase": [{"layout": lay.as_list(), "in_train": run.split.is_train(lay)}
                            for lay in run.split.showcase]}
    for name, obj in (("summary", summary), ("curves", curves), ("snapshots", snapshots),
                      ("finals", finals), ("dataset", dataset)):
        (out_dir / f"{name}.json").write_text(json.dumps(round_floats(obj), indent=1) + "\n")
    return summary


def replace_dir(tmp: Path, final: Path) -> None:
    """Swap a finished directory into place, so readers never see a half-written recording."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, default=SETTINGS)
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--quick", action="store_true", help="a short run for smoke tests (3 epochs, few steps)")
    args = ap.parse_args(argv)
    overrides = {"train": {"base_steps": 30, "epochs": 3, "steps_per_epoch": 10}} if args.quick else {}
    try:
        cfg = load_settings(args.config, **overrides)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    tmp = args.out.with_name(args.out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        summary = train_all(cfg, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    replace_dir(tmp, args.out)
    hrm = summary["hrm"]
    print(f"HRM ({hrm['params']} parameters): {hrm['heldout_success']:.0%} of {summary['n_heldout']} held-out layouts "
          f"in {hrm['heldout_mean_steps']:.1f} steps (optimal {hrm['heldout_optimal_mean_steps']:.1f}); "
          f"untrained {summary['untrained']['heldout_success']:.0%}; trained in {summary['train_seconds']:.0f} s "
          f"→ {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
