"""Cue marks: `[name]` in a narration script names the moment the voice starts the word after it, so a scene can
time a move to it with `self.cue("name")`.

    The Doer thinks in actions. [freeze]Freeze the Doer while fine-tuning, and …

Marks are stripped before the voice, the captions and the text-to-speech rules see the text; their times come from
the line's word timings (a mark after the last word is the end of the last word). `just lint-scripts` checks
statically that every mark a scene's code asks for is in its script and that every mark in a script is used
(`scene_marks` reads the scene's source without running it), so a reworded script can never silently move or
collapse an animation.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.common import python_tree

MARK = re.compile(r"\[([^\[\]\n]*)\]")
NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Mark:
    name: str
    start: int                    # character offset of "[" in the text
    end: int                      # offset just past "]"


def find_marks(text: str) -> list[Mark]:
    return [Mark(m.group(1), m.start(), m.end()) for m in MARK.finditer(text)]


def strip_marks(text: str) -> str:
    """The text without its marks (and without the gap a mark leaves between words)."""
    return " ".join(MARK.sub(" ", text).split())


def blank_marks(text: str) -> str:
    """The text with every mark replaced by spaces of its length, so offsets and columns still match."""
    return MARK.sub(lambda m: " " * len(m.group()), text)


def caption_words(text: str) -> list[str]:
    """The words as they are timed and captioned: whitespace-separated, without the punctuation around them."""
    return [w for w in (token.strip(".,") for token in text.split()) if w]


def mark_positions(text: str) -> dict[str, int]:
    """Each mark's name → the index of the word it stands before (len(words) for a mark after the last word).
    Names must be unique and lowercase identifiers; the lint reports them with line and column, so here a bad one
    is a plain ValueError."""
    positions = {}
    for mark in find_marks(text):
        if not NAME.fullmatch(mark.name) or mark.name in positions:
            raise ValueError(f"bad or repeated cue mark [{mark.name}]")
        positions[mark.name] = len(caption_words(strip_marks(text[:mark.start])))
    return positions


def mark_times(positions: dict[str, int], words: list[dict]) -> dict[str, float]:
    """Mark name → seconds: the start of the word it stands before, or the end of the last word."""
    if any(index > len(words) for index in positions.values()) or (positions and not words):
        raise ValueError(f"cue marks {positions} do not fit a line of {len(words)} timed words")
    return {name: words[i]["start"] if i < len(words) else words[-1]["end"] for name, i in positions.items()}


@dataclass(frozen=True)
class MarkUse:
    """One `self.cue(...)` call in a scene's source."""
    name: str | None              # None when the argument is not a string literal (the lint rejects that)
    line: int
    col: int


def scene_marks(scene_file: Path, class_name: str) -> list[MarkUse]:
    """Every `self.cue(...)` in the Scene class and in the base classes defined in the same file, read from the
    source (nothing is imported or run)."""
    tree = python_tree(scene_file)
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    uses, todo, seen = [], [class_name], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in classes:
            continue
        seen.add(name)
        todo += [base.id for base in classes[name].bases if isinstance(base, ast.Name)]
        for node in ast.walk(classes[name]):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "cue"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"):
                arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
                literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                uses.append(MarkUse(arg.value if literal else None, node.lineno, node.col_offset + 1))
    return sorted(uses, key=lambda u: (u.line, u.col))
