"""Captions (SRT and WebVTT) from the narration's word timings and each segment's start in the film.

A cue holds at most two lines of at most MAX_LINE characters, never spans two segments, ends at a sentence end,
and splits a long sentence (or wraps a cue's two lines) where the halves are most even, preferring a comma or the
gap before a conjunction, and never inside a spelled-out acronym ("H R M"). Cue times are the first word's start
and the last word's end, shifted by the segment's start in the film.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserError
from core.files import write_text
from core.paths import BUILD, rel

SRT = BUILD / "hrm-explainer.srt"
VTT = BUILD / "hrm-explainer.vtt"
MAX_LINE = 42
MAX_LINES = 2
COMMA_BONUS = 40    # characters of imbalance a split after a comma may cost before an even word gap wins
CONJUNCTION_BONUS = 12  # the same for a split before one of CONJUNCTIONS
CONJUNCTIONS = {"and", "but", "or", "so", "yet", "while", "where", "when", "because", "which", "then"}
PUNCTUATION = ".,;:!?\"'()"


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]

    @property
    def words(self) -> list[str]:
        """The cue's words without punctuation, as the timings spell them."""
        return [w for w in (t.strip(PUNCTUATION) for line in self.lines for t in line.split()) if w]


def gaps(tokens: list[str]) -> list[int]:
    """Where tokens may be split (before index k): anywhere but between the letters of "H R M"."""
    return [k for k in range(1, len(tokens)) if not (len(tokens[k - 1]) == 1 == len(tokens[k]))] or [len(tokens) // 2]


def split_cost(tokens: list[str], k: int) -> int:
    """How bad splitting before token k is: the halves' imbalance in characters, less the bonuses."""
    imbalance = abs(len(" ".join(tokens[:k])) - len(" ".join(tokens[k:])))
    return (imbalance - (COMMA_BONUS if tokens[k - 1].endswith(",") else 0)
            - (CONJUNCTION_BONUS if tokens[k].lower() in CONJUNCTIONS else 0))


def wrap(tokens: list[str]) -> tuple[str, ...] | None:
    """The tokens as one line, or as the best two lines that fit; None if they do not fit."""
    text = " ".join(tokens)
    if len(text) <= MAX_LINE:
        return (text,)
    fitting = [k for k in gaps(tokens)
               if max(len(" ".join(tokens[:k])), len(" ".join(tokens[k:]))) <= MAX_LINE]
    if not fitting:
        return None
    k = min(fitting, key=lambda k: split_cost(tokens, k))
    return " ".join(tokens[:k]), " ".join(tokens[k:])


def split_sentence(tokens: list[str]) -> list[list[str]]:
    """Token groups of one sentence, each fitting a cue, split recursively at the best gap."""
    if wrap(tokens) or len(tokens) == 1:
        return [tokens]
    k = min(gaps(tokens), key=lambda k: split_cost(tokens, k))
    return split_sentence(tokens[:k]) + split_sentence(tokens[k:])


def display_tokens(segment: dict) -> list[str]:
    """The words as shown: the script's tokens (with their punctuation) when they match the timed words one to
    one, else the timed words themselves."""
    tokens = segment.get("text", "").split()
    words = [w["word"] for w in segment["words"]]
    return tokens if [t.strip(PUNCTUATION) for t in tokens] == words else words


def segment_cues(segment: dict, offset: float) -> list[Cue]:
    """The cues of one narrated segment starting at `offset` seconds into the film."""
    tokens, timed = display_tokens(segment), segment["words"]
    sentences, current = [], []
    for token in tokens:
        current.append(token)
        if token.endswith((".", "!", "?")):
            sentences.append(current)
            current = []
    sentences += [current] if current else []
    cues, i = [], 0
    for sentence in sentences:
        for group in split_sentence(sentence):
            first, last = timed[i], timed[i + len(group) - 1]
            cues.append(Cue(offset + first["start"], offset + last["end"], wrap(group) or (" ".join(group),)))
            i += len(group)
    return cues


def build_cues(timings: dict, starts: dict[str, float]) -> list[Cue]:
    """Every cue of the film, in order. `starts` maps segment ids to their start in the film (seconds)."""
    cues = []
    for segment in timings["segments"]:
        if segment["id"] not in starts:
            raise UserError(f"captions: narrated segment '{segment['id']}' is not in the film")
        cues += segment_cues(segment, starts[segment["id"]])
    return sorted(cues, key=lambda c: c.start)


def _stamp(seconds: float, separator: str) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{separator}{ms % 1000:03d}"


def srt(cues: list[Cue]) -> str:
    return "".join(f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n" + "\n".join(c.lines) + "\n\n"
                   for i, c in enumerate(cues, 1))


def vtt(cues: list[Cue]) -> str:
    return "WEBVTT\n\n" + "".join(f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n" + "\n".join(c.lines) + "\n\n"
                                  for c in cues)


def write_captions(timings: dict, starts: dict[str, float], srt_path: Path = SRT, vtt_path: Path = VTT) -> list[Cue]:
    cues = build_cues(timings, starts)
    write_text(srt_path, srt(cues))
    write_text(vtt_path, vtt(cues))
    return cues


TIME_LINE = re.compile(r"(\d+):(\d\d):(\d\d)[,.](\d{3}) --> (\d+):(\d\d):(\d\d)[,.](\d{3})")


def read_srt(path: Path) -> list[Cue]:
    """Cues of an SRT file (what verification checks: the file as published)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{rel(path)}: missing captions")
    cues = []
    for n, block in enumerate(path.read_text().strip().split("\n\n"), 1):
        lines = block.strip().splitlines()
        match = TIME_LINE.fullmatch(lines[1].strip()) if len(lines) >= 3 else None
        if not match:
            raise UserError(f"{rel(path)}: cue {n} is not an SRT cue")
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
        cues.append(Cue(h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000,
                        tuple(lines[2:])))
    return cues
