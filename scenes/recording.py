"""What a scene may know: the run's recordings (build/model/) and its narration timings (build/narration/).

Scenes get plain data from here and never train or recompute anything. When narration has not been made yet (a quick
preview), a segment's length and word times are estimated from its script so the scene still renders.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pipeline.common import MODEL_DIR, NARRATION_DIR, SCRIPTS, read_json
from pipeline.settings import PAPER

SHOWCASE = 0             # the showcase layout the film follows (config data.showcase[0]: agent 4, key 1, door 9)
QUICK = 1                # showcase [5, 8, 9]: its trained rollout is short enough to replay in a second or two
WORDS_PER_SECOND = 2.6   # Piper's joe voice at length_scale 1 speaks about this fast (measured)
PAD = 0.3


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


@cache
def load_recording(directory: Path = MODEL_DIR) -> Recording:
    files = {name: read_json(directory / f"{name}.json", "recording (run `just train`)")
             for name in ("summary", "curves", "snapshots", "finals", "dataset")}
    return Recording(**files)


def load_paper() -> dict:
    """Figures quoted from the papers (config/paper.yaml), each with its source."""
    return yaml.safe_load(PAPER.read_text())


def citation(fact: dict) -> str:
    """'Wang et al. 2025, Hierarchical Reasoning Model, arXiv…' → 'Wang et al. 2025'."""
    return fact["source"].split(",")[0].split(":")[0]


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float


@dataclass(frozen=True)
class Narration:
    id: str
    seconds: float
    words: tuple[Word, ...]
    estimated: bool = False

    def time_of(self, word: str, occurrence: int = 1, after: float = 0.0) -> float:
        """Start time of the n-th spoken word that begins with `word` (case-insensitive) after `after` seconds.
        Falls back to `after` if the word is not spoken, so a reworded script never breaks a render."""
        target = word.lower()
        seen = 0
        for w in self.words:
            if w.start >= after and w.word.lower().strip(".,").startswith(target):
                seen += 1
                if seen == occurrence:
                    return w.start
        return after

    @property
    def speech_end(self) -> float:
        return self.words[-1].end if self.words else self.seconds


def _estimate(seg_id: str, seconds: float | None) -> Narration:
    """Word times spread evenly over an estimated speaking time (before the voice exists)."""
    script = SCRIPTS / f"{seg_id}.txt"
    words = re.sub(r"\{[^}]*\}", "number", script.read_text()).split() if script.exists() else []
    speech = len(words) / WORDS_PER_SECOND
    total = seconds if seconds is not None else speech + 2 * PAD
    per = speech / max(1, len(words))
    timed = tuple(Word(w.strip(".,"), PAD + i * per, PAD + (i + 1) * per) for i, w in enumerate(words))
    return Narration(seg_id, round(total, 3), timed, estimated=True)


@cache
def load_narration(seg_id: str, seconds: float | None = None, directory: Path = NARRATION_DIR) -> Narration:
    """The segment's measured narration (build/narration/<id>.json, written as soon as its line is spoken);
    a music-only segment passes its fixed `seconds`; before any voice exists, an estimate from the script."""
    if seconds is not None:
        return Narration(seg_id, seconds, ())
    path = directory / f"{seg_id}.json"
    if not path.exists():
        return _estimate(seg_id, None)
    timing = read_json(path, "narration timing (run `just narrate`)")
    words = tuple(Word(w["word"], w["start"], w["end"]) for w in timing["words"])
    return Narration(seg_id, timing["seconds"], words)
