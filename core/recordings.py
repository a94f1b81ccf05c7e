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


@cache
def load_recording(directory: Path = MODEL_DIR) -> Recording:
    files = {path.stem: read_json(path, "recording (run `just train`)") for path in recording_paths(directory)}
    return Recording(**files)


def load_paper(path: Path = PAPER) -> dict:
    """Figures quoted from the papers, each with its value and source."""
    return read_yaml(path)


def citation(fact: dict) -> str:
    """'Wang et al. 2025, Hierarchical Reasoning Model, arXiv…' → 'Wang et al. 2025'."""
    return fact["source"].split(",")[0].split(":")[0]
