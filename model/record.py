"""Train every model the film talks about and record what happened: `python -m model.record` (`just train`).

The study (model/study.py) trains every variant on `train.runs` seeds, and the HRM and the flat model again for each
number of demonstrations of the sweep. The film follows one HRM run, chosen by a stated rule (study.median_run),
and its story is recorded in full: a snapshot at random init, after the base stage and after every fine-tuning
epoch, each with rollouts on the showcase layouts (state, sub-goal, action, both probability vectors, ACT segments)
and its predictions on every demonstration step. The other variants of that seed are recorded by their curves and
final rollouts, every run by its final metrics, and the summary gives their spread over seeds. The field-by-field
layout is in docs/recordings.md.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

import torch
from rich.progress import Progress

from core.errors import UserError, machine_faults
from core.lock import build_lock
from core.paths import MODEL_DIR, SETTINGS, rel
from core.settings import Settings, load_settings
from model.data import AGENT, DOOR, HOLDING, KEY
from model.hrm import param_count
from model.rollout import Episode, Intervention
from model.run import SAMPLED_TRIES, Run
from model.study import SWEPT, VARIANTS, median_run, run_study, spread, study_seeds, variant_settings
from model.world import ACTIONS, GO_TO_DOOR, SUBGOALS, State, oracle_action, oracle_episode, oracle_subgoal

# The film's intervention: the Doer is told "go to the door" for three steps from the second one, before the key.
INTERVENTION = Intervention(GO_TO_DOOR, 1, 4)
# A short study for smoke tests: one seed, no sweep, three short epochs.
QUICK = {"train": {"base_steps": 30, "epochs": 3, "steps_per_epoch": 10, "runs": 1, "sweep_runs": 1},
         "data": {"sweep": []}}
SKILL_EXAMPLES = 12   # base-stage examples written to dataset.json for the film
# What the summary keeps of each model's final metrics, and which of them it gives the spread over seeds of.
KEEP = ("params", "heldout_success", "heldout_solved", "heldout_mean_steps", "heldout_optimal_mean_steps",
        "heldout_efficiency", "train_success", "train_mean_steps", "heldout_planner_acc", "heldout_doer_acc",
        "heldout_act_segments", "heldout_novel_layouts", "heldout_novel_success", "heldout_novel_state_share")
SPREAD = ("heldout_success", "heldout_novel_success", "heldout_mean_steps", "heldout_act_segments")


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


def checkpoint(out_dir: Path, cfg: Settings, model, name: str) -> str:
    path = out_dir / "checkpoints" / f"{name}.pt"
    torch.save({"kind": model.kind, "state_dict": model.state_dict(), "config": asdict(cfg)}, path)
    return path.name


def snapshot(run: Run, model, out_dir: Path, index: int, label: str, stage: str, epoch: int) -> dict:
    """One moment of the followed run. Before fine-tuning the agent samples its actions (it wanders); after, it acts
    greedily."""
    name = f"snapshot/{label}" if stage in ("init", "base") else None
    rollouts = run.episodes(model, run.split.showcase, name and name + "/showcase", detail=True)
    return {"index": index, "label": label, "stage": stage, "epoch": epoch,
            "policy": "sample" if name else "greedy", "metrics": run.evaluate(model, name),
            "checkpoint": checkpoint(out_dir, run.cfg, model, f"hrm-{index:02d}-{stage}"),
            "rollouts": [with_oracle(e) for e in rollouts], "demos": run.demo_predictions(model)}


def followed_story(run: Run, result: dict, out_dir: Path) -> list[dict]:
    """The snapshots of the followed HRM run, rebuilt from the weights its job kept after every epoch, each with how
    far the Planner's and the Doer's weights moved since the snapshot before (the film's weight nudge)."""
    model = run.new_model("hrm")
    snaps = [snapshot(run, model, out_dir, 0, "untrained", "init", 0) | {"weight_change": weight_change(model, model)}]
    before = run.new_model("hrm")
    for epoch, weights in enumerate(result["weights"]):
        before.load_state_dict(model.state_dict())
        model.load_state_dict(weights)
        snaps.append(snapshot(run, model, out_dir, 1 + epoch, "after base stage" if epoch == 0 else f"epoch {epoch}",
                              "base" if epoch == 0 else "finetune", epoch)
                     | {"weight_change": weight_change(before, model)})
    return snaps


def weight_change(before, after) -> dict[str, float]:
    """For the Planner and the Doer: the size of the weight update from `before` to `after`, relative to the
    weights' size before (‖Δθ‖ / ‖θ‖)."""
    def flat(params) -> torch.Tensor:
        return torch.cat([p.detach().flatten() for p in params])
    return {part: float((flat(getattr(after, f"{part}_params")) - flat(getattr(before, f"{part}_params"))).norm()
                        / flat(getattr(before, f"{part}_params")).norm()) for part in ("planner", "doer")}


def final_record(cfg: Settings, result: dict, out_dir: Path) -> dict:
    """A fine-tuned model of the followed seed: its parameters, final metrics and greedy showcase episodes (the HRM
    also with the intervention)."""
    job = result["job"]
    run = Run(variant_settings(cfg, job.variant, job.seed, job.n_train))
    model = run.new_model(VARIANTS[job.variant][0])
    model.load_state_dict(result["state_dict"])
    checkpoint(out_dir, run.cfg, model, f"{job.variant}-final")
    record = {"params": param_count(model), "metrics": result["final"],
              "rollouts": [with_oracle(e) for e in run.episodes(model, run.split.showcase, None, detail=True)]}
    if job.variant == "hrm":
        episodes = run.episodes(model, run.split.showcase, None, detail=True, intervention=INTERVENTION)
        record["intervention"] = {"subgoal": SUBGOALS[INTERVENTION.goal], "first_step": INTERVENTION.first,
                                  "last_step": INTERVENTION.last, "rollouts": [with_oracle(e) for e in episodes]}
    return record


def train_all(cfg: Settings, out_dir: Path, workers: int = 2) -> dict:
    """Everything `just train` does; returns the summary."""
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    started = time.perf_counter()
    (out_dir / "checkpoints").mkdir(parents=True)
    with Progress(transient=not sys.stderr.isatty()) as progress:
        bases, results = run_study(cfg, workers, progress)
    main = {(r["job"].variant, r["job"].seed): r for r in results if r["job"].main}
    seeds = study_seeds(cfg)
    hrm_finals = {s: main[("hrm", s)]["final"] for s in seeds}
    followed, rule = median_run(hrm_finals)

    run = Run(variant_settings(cfg, "hrm", followed, cfg.data.n_train))
    snapshots = followed_story(run, main[("hrm", followed)], out_dir)
    finals = {v: final_record(cfg, main[(v, followed)], out_dir) for v in VARIANTS}
    models = {"untrained": snapshots[0]["metrics"], "base": snapshots[1]["metrics"]}
    models |= {v: finals[v]["metrics"] | {"params": finals[v]["params"]} for v in VARIANTS}
    models["untrained"]["params"] = models["base"]["params"] = finals["hrm"]["params"]
    summary = {name: {k: m[k] for k in KEEP if k in m} for name, m in models.items()}
    summary |= {
        "seed": followed, "followed": {"seed": followed, "rule": rule}, "seeds": seeds, "runs": len(seeds),
        "spread": {v: {k: spread([main[(v, s)]["final"][k] for s in seeds]) for k in SPREAD
                       if all(k in main[(v, s)]["final"] for s in seeds)} for v in VARIANTS},
        "sweep": sweep_table(cfg, results),
        "checks": {k: spread([main[("hrm", s)]["checks"][k] for s in seeds])
                   for k in ("planner_grad", "override_changed", "override_follows")},
        "intervention": intervention_summary(finals["hrm"]["intervention"]),
        "n_train": len(run.split.train), "n_heldout": len(run.split.heldout), "n_cells": cfg.world.n_cells,
        "max_steps": cfg.world.max_steps, "epochs": cfg.train.epochs, "sampled_tries": SAMPLED_TRIES,
        "n_demo_states": len(run.demos), "train_layouts": [lay.as_list() for lay in run.split.train],
        "heldout_layouts": [lay.as_list() for lay in run.split.heldout],
        "train_seconds": round(time.perf_counter() - started, 2)}
    curves = {v: main[(v, followed)]["curve"] for v in SWEPT}
    curves |= {f"{base}_base": rows for (base, seed), (_, rows, _) in bases.items() if seed == followed}
    curves["by_seed"] = {v: {str(s): [r["heldout_success"] for r in main[(v, s)]["curve"]] for s in seeds}
                         for v in SWEPT}
    study = {"bases": [{"base": base, "seed": seed, "seconds": seconds}
                       for (base, seed), (_, _, seconds) in sorted(bases.items())],
             "jobs": [{"variant": r["job"].variant, "seed": r["job"].seed, "n_train": r["job"].n_train,
                       "main": r["job"].main, "seconds": r["seconds"],
                       **{k: r["final"][k] for k in KEEP if k in r["final"]}} for r in results]}
    dataset = {"n_cells": cfg.world.n_cells, "actions": list(ACTIONS), "subgoals": list(SUBGOALS),
               "train": [with_oracle(Episode(lay, [{"agent": s.agent, "holding_key": s.holding_key,
                                                     "subgoal": SUBGOALS[g], "action": ACTIONS[a]}
                                                    for s, g, a in oracle_episode(lay)], True))
                         for lay in run.split.train],
               "heldout": [lay.as_list() for lay in run.split.heldout],
               "skills": skill_examples(run.base["told"], SKILL_EXAMPLES),
               "showcase": [{"layout": lay.as_list(), "in_train": run.split.is_train(lay)}
                            for lay in run.split.showcase]}
    for name, obj in (("summary", summary), ("curves", curves), ("snapshots", snapshots), ("finals", finals),
                      ("dataset", dataset), ("study", study)):
        (out_dir / f"{name}.json").write_text(json.dumps(round_floats(obj), indent=1) + "\n")
    return summary


def skill_examples(batch, n: int) -> list[dict]:
    """The first n base-stage examples in words: the sub-goal handed to the Doer, the row, the action taught."""
    rows = []
    for x, goal, action in zip(batch.x[:n], batch.told[:n].tolist(), batch.action[:n].tolist()):
        cells = x[1:]
        where = {name: int(cells[:, f].argmax()) if cells[:, f].any() else None
                 for name, f in (("agent", AGENT), ("key", KEY), ("door", DOOR))}
        rows.append({"subgoal": SUBGOALS[goal], **where, "holding_key": bool(x[0, HOLDING]),
                     "action": ACTIONS[action]})
    return rows


def sweep_table(cfg: Settings, results: list[dict]) -> dict:
    """Held-out success by number of demonstrations, for the swept variants, over the sweep's seeds: the spread for
    n demonstrations is under "n<n>" (so a script can name it: {sweep.flat.n2.mean|pct})."""
    seeds = study_seeds(cfg)[:cfg.train.sweep_runs]
    by = {(r["job"].variant, r["job"].seed, r["job"].n_train): r["final"]["heldout_success"] for r in results}
    counts = sorted(set(cfg.data.sweep) | {cfg.data.n_train})
    return {"n_train": counts, "seeds": seeds,
            **{v: {f"n{n}": spread([by[(v, s, n)] for s in seeds]) for n in counts} for v in SWEPT}}


def intervention_summary(record: dict) -> dict:
    """Over the followed run's showcase episodes: in how many did every told step move toward the door."""
    followed = 0
    for episode in record["rollouts"]:
        told = [s for s in episode["steps"] if s["told"]]
        door = episode["layout"][2]
        followed += bool(told) and all(s["action"] == ("right" if door > s["agent"] else "left") for s in told)
    return {"episodes": len(record["rollouts"]), "followed": followed}


def replace_dir(tmp: Path, final: Path) -> None:
    """Swap a finished directory into place, so readers never see a half-written recording."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def record_into(cfg: Settings, out: Path) -> dict:
    """Train everything into a temporary folder next to `out`, then swap it into place; returns the summary."""
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        summary = train_all(cfg, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    replace_dir(tmp, out)
    return summary


def print_summary(summary: dict, out: Path) -> None:
    for v, metrics in summary["spread"].items():
        m = metrics["heldout_success"]
        print(f"{v:15s} held-out success over {len(m['values'])} seeds: mean {m['mean']:.1%}, "
              f"range {m['min']:.1%}–{m['max']:.1%}")
    print(f"the film follows seed {summary['seed']} ({summary['followed']['rule']}); "
          f"trained in {summary['train_seconds']:.0f} s → {out}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, default=SETTINGS)
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--quick", action="store_true", help="a short run for smoke tests (one seed, 3 short epochs)")
    args = ap.parse_args(argv)
    try:
        cfg = load_settings(args.config, **(QUICK if args.quick else {}))
        # the lock is on the folder the recording is written into (build/ by default)
        with machine_faults(rel(args.out)), build_lock(args.out.parent):
            print_summary(record_into(cfg, args.out), args.out)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
