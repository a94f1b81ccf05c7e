"""The study behind the film: every model it compares, trained on several seeds, and the demonstration sweep.

A job is one variant trained on one seed with one number of demonstrations. Each seed draws its own split of the
layouts, its own initial weights and its own skills data, so the spread over seeds is the spread a viewer would see
re-running the pipeline with another seed. Jobs run in two phases on a pool of worker processes (one per core):
first the base stages, then every fine-tuning job, each starting from its seed's base weights.

Variants (what each one tests, and how it could fail):
  hrm             the full recipe: skills base stage, then fine-tuning on the demonstrations
  freeze_planner  the Planner (H + sub-goal head) frozen after the base stage: can the Doer alone learn the task?
  freeze_doer     the Doer (L, action head, embeddings) frozen: is what the base stage taught the Doer enough?
  no_base         no base stage, fine-tuned for base + fine-tuning steps: the same number of optimizer steps
  act_off         from the HRM's base stage, one segment per decision while fine-tuning and after: no extra thinking
  flat            two blocks run once, no hierarchy, no recursion (its own, uninstructed base stage)
  trm             the Tiny Recursive Model (its own, uninstructed base stage)
"""
from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, replace

import torch
from rich.progress import Progress

from core.processes import worker_pool
from core.settings import Settings
from model.checks import mechanism
from model.run import Run
from model.train import freeze, mean_logs, measure

# variant → (architecture, base stage it starts from or None, part frozen during fine-tuning or None)
VARIANTS = {
    "hrm": ("hrm", "hrm", None),
    "freeze_planner": ("hrm", "hrm", "planner"),
    "freeze_doer": ("hrm", "hrm", "doer"),
    "no_base": ("hrm", None, None),
    "act_off": ("hrm", "hrm", None),
    "flat": ("flat", "flat", None),
    "trm": ("trm", "trm", None),
}
SWEPT = ("hrm", "flat")   # the variants of the demonstration sweep, and the ones evaluated after every epoch


def variant_settings(cfg: Settings, variant: str, seed: int, n_train: int) -> Settings:
    cfg = replace(cfg, seed=seed, data=replace(cfg.data, n_train=n_train))
    if variant == "act_off":
        cfg = replace(cfg, model=replace(cfg.model, halt_max_steps=1))
    return cfg


@dataclass(frozen=True)
class Job:
    variant: str
    seed: int
    n_train: int
    main: bool        # part of the comparison across variants, not only of the sweep

    @property
    def base(self) -> str | None:
        return VARIANTS[self.variant][1]


def base_job(cfg: Settings, base: str, seed: int) -> tuple[str, int, dict, list[dict], float]:
    """Train one base stage; returns its weights, its curve (a row every 10 optimizer steps) and its seconds."""
    init_threads()
    started = time.perf_counter()
    run = Run(variant_settings(cfg, base, seed, cfg.data.n_train))
    model = run.new_model(VARIANTS[base][0])
    trainer = run.trainer(model, run.base[run.goals_of(model)], f"base/{base}", cfg.train.base_steps)
    rows, logs = [], []
    for step in range(1, cfg.train.base_steps + 1):
        logs.append(trainer.step())
        if step % 10 == 0:
            rows.append({"step": step, **{k: v for k, v in mean_logs(logs).items() if k.startswith("doer")}})
            logs = []
    return base, seed, model.state_dict(), rows, time.perf_counter() - started


def fine_tune_job(cfg: Settings, job: Job, base_weights: dict | None) -> dict:
    """Fine-tune one variant on its seed's demonstrations. The main HRM and flat jobs evaluate after every epoch
    (their curves), the HRM's also keep the weights of every epoch (the film may follow this run) and run the
    mechanism checks; every other job is evaluated once, at the end."""
    init_threads()
    started = time.perf_counter()
    arch, base, frozen = VARIANTS[job.variant]
    run = Run(variant_settings(cfg, job.variant, job.seed, job.n_train))
    model = run.new_model(arch)
    if base_weights is not None:
        model.load_state_dict(base_weights)
    if frozen:
        freeze(model.planner_params if frozen == "planner" else model.doer_params)
    steps = cfg.train.epochs * cfg.train.steps_per_epoch + (0 if base else cfg.train.base_steps)
    ends = [round(e * steps / cfg.train.epochs) for e in range(cfg.train.epochs + 1)]   # no_base: longer epochs
    batch = run.finetune[run.goals_of(model)]
    trainer = run.trainer(model, batch, f"finetune/{job.variant}", steps)
    keep = job.main and job.variant == "hrm"
    every_epoch = job.main and job.variant in SWEPT
    curve = [{"epoch": 0, **losses_of(asdict(measure(model, run.demos))), **run.evaluate(model)}] if every_epoch else []
    weights = [clone(model.state_dict())] if keep else []
    for epoch in range(1, cfg.train.epochs + 1):
        logs = [trainer.step() for _ in range(ends[epoch] - ends[epoch - 1])]
        if every_epoch or (job.main and epoch == cfg.train.epochs):
            curve.append({"epoch": epoch, **losses_of(mean_logs(logs)), **run.evaluate(model)})
        if keep:
            weights.append(clone(model.state_dict()))
    final = curve[-1] if job.main else {"epoch": cfg.train.epochs, **run.evaluate(model)}
    return {"job": job, "curve": curve, "final": final, "weights": weights, "state_dict": model.state_dict(),
            "checks": mechanism(model, run) if keep else None, "seconds": time.perf_counter() - started}


def clone(state: dict) -> dict:
    return {k: v.clone() for k, v in state.items()}


def losses_of(log: dict) -> dict:
    return {k: v for k, v in log.items() if k.endswith("_loss")}


def init_threads() -> None:
    torch.set_num_threads(1)   # tiny models: one thread per process is fastest, and results do not depend on it
    torch.use_deterministic_algorithms(True)


def plan(cfg: Settings) -> list[Job]:
    seeds = study_seeds(cfg)
    jobs = [Job(v, s, cfg.data.n_train, True) for s in seeds for v in VARIANTS]
    jobs += [Job(v, s, n, False) for n in cfg.data.sweep if n != cfg.data.n_train
             for s in seeds[:cfg.train.sweep_runs] for v in SWEPT]
    return jobs


def study_seeds(cfg: Settings) -> list[int]:
    """The seeds of the study: the config's seed and the ones after it."""
    return [cfg.seed + i for i in range(cfg.train.runs)]


def run_study(cfg: Settings, workers: int, progress: Progress) -> tuple[dict, list[dict]]:
    """Every base stage, then every fine-tuning job, on `workers` processes. Returns the base stages
    {(base, seed): (weights, curve)} and the fine-tuning results in plan order."""
    jobs = plan(cfg)
    bases = sorted({(j.base, j.seed) for j in jobs if j.base})
    with worker_pool(workers) as pool:      # spawned workers that die with this process
        task = progress.add_task("base stages", total=len(bases))
        base_results = {}
        for base, seed, weights, rows, seconds in pool.map(base_job, [cfg] * len(bases), *zip(*bases)):
            base_results[(base, seed)] = (weights, rows, seconds)
            progress.advance(task)
        task = progress.add_task("fine-tuning jobs", total=len(jobs))
        futures = [pool.submit(fine_tune_job, cfg, j, base_results[(j.base, j.seed)][0] if j.base else None)
                   for j in jobs]
        results = []
        for f in futures:
            results.append(f.result())
            progress.advance(task)
    return base_results, results


def spread(values: list[float]) -> dict:
    """Mean, standard deviation (0 for one value), range and the values themselves, in seed order."""
    return {"mean": statistics.fmean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
            "min": min(values), "max": max(values), "values": values}


def median_run(finals: dict[int, dict]) -> tuple[int, str]:
    """The rule that picks the run the film follows: the HRM seeds ranked by held-out success (ties: more held-out
    steps rank lower, then the seed number), and the one in the middle (the lower middle for an even count). Never
    the best run: the film shows a typical one."""
    ranked = sorted(finals, key=lambda s: (finals[s]["heldout_success"], -finals[s]["heldout_mean_steps"], -s))
    return ranked[(len(ranked) - 1) // 2], ("median HRM run: seeds ranked by held-out success, then by fewer "
                                            "steps; the lower middle one")
