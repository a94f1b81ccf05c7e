"""Readers of what the model stage recorded (build/model/*.json, docs/recordings.md) and of the figures cited from
the papers (config/paper.yaml). Plain data: nothing here trains or recomputes."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.config import read_yaml
from core.files import read_json
from core.paths import MODEL_DIR, PAPER

RECORDING_FILES = ("summary", "curves", "snapshots", "finals", "dataset")
# What a recording holds that the run measured about itself rather than learned: how long it took. It differs between
# two identical runs, so it is left out of what the scenes read, and with it out of their cache keys (which hold
# only what a picture can draw). study.json (each job's seconds) is not read by the scenes at all.
TIMING_FIELDS = {"summary": ("train_seconds",)}


@dataclass(frozen=True)
class Recording:
    summary: dict
    curves: dict
    snapshots: list
    finals: dict
    dataset: dict

    def snapshot(self, label: str) -> dict:
        """A snapshot by label: 'untrained', 'after base stage', 'epoch 3'…; 'final' is the last one."""
        if label == "final":
            return self.snapshots[-1]
        for snap in self.snapshots:
            if snap["label"] == label:
                return snap
        raise KeyError(label)

    def showcase(self, snapshot: dict, layout: list[int] | int = 0) -> dict:
        """The rollout of one showcase layout (by index or [agent, key, door]) in a snapshot or final block."""
        rollouts = snapshot["rollouts"]
        if isinstance(layout, int):
            return rollouts[layout]
        return next(r for r in rollouts if r["layout"] == list(layout))


def recording_paths(directory: Path = MODEL_DIR) -> list[Path]:
    return [Path(directory) / f"{name}.json" for name in RECORDING_FILES]


def read_recording_file(path: Path):
    """One recording file as the scenes read it: without its timing fields."""
    data = read_json(path, "recording (run `just train`)")
    timing = TIMING_FIELDS.get(path.stem, ())
    return {k: v for k, v in data.items() if k not in timing} if timing else data


@cache
def load_recording(directory: Path = MODEL_DIR) -> Recording:
    return Recording(**{path.stem: read_recording_file(path) for path in recording_paths(directory)})


def recording_content(directory: Path = MODEL_DIR) -> list:
    """What the scenes can read of a recording, for a cache key: the files without timing fields as their content,
    the others as paths (content_hash digests them without parsing)."""
    return [read_recording_file(path) if path.stem in TIMING_FIELDS else path for path in recording_paths(directory)]


def load_paper(path: Path = PAPER) -> dict:
    """Figures quoted from the papers, each with its value and source."""
    return read_yaml(path)


def citation(fact: dict) -> str:
    """'Wang et al. 2025, Hierarchical Reasoning Model, arXiv…' → 'Wang et al. 2025'."""
    return fact["source"].split(",")[0].split(":")[0]
