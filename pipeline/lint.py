"""Check narration scripts against the text-to-speech rules, before any audio is made.

    python -m pipeline.lint [FILES…]      (no files: every narrated script of the storyboard)

Rules that depend only on the wording (punctuation, acronyms, digits, sentence count) run on the template itself, so
line:col point into the file; placeholder fills are lowercase number words and cannot break them. Rules that
depend on length run on the filled text. Without build/model/summary.json, a measured placeholder counts as one word
in a sentence, and for the text's length as the fewest to the most characters its filter can spell (an error only
if too long whatever the numbers, a warning where the numbers decide).
Cue marks (`[name]`, pipeline/marks.py) are invisible to those rules; the CUE rules check them against the code of
the segment's scene: every mark it asks for is in the script, every mark in the script is used.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserError
from core.paths import PAPER, SCRIPTS, STORYBOARD, rel
from core.settings import LintSettings, load_settings
from core.storyboard import Segment, load_storyboard
from pipeline.fill import (SUMMARY, Facts, NoMeasurement, Unfillable, mask, placeholders, position,
                           spelled_lengths)
from pipeline.marks import NAME, blank_marks, find_marks, scene_marks, strip_marks

SENTENCE = re.compile(r"[^.?!]+[.?!]*")
WORD = re.compile(r"[A-Za-z]+")
IN_WORD = "-'’"                   # hyphens and apostrophes are fine between two letters: "sub-goal", "Planner's"


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    col: int
    rule: str
    message: str
    warning: bool = False

    @classmethod
    def at(cls, path: Path, text: str, offset: int, rule: str, message: str, warning: bool = False) -> Finding:
        """A finding at a character offset of the file's text."""
        return cls(path, *position(text, offset), rule, message, warning)

    def format(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{rel(self.path)}:{self.line}:{self.col}: {self.rule} {kind}{self.message}"


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) for each sentence: a run of text ending at . ? or ! that holds a letter or digit."""
    return [(m.start() + len(m.group()) - len(m.group().lstrip()), m.group().strip())
            for m in SENTENCE.finditer(text) if any(c.isalnum() for c in m.group())]


def _punctuation(path: Path, text: str) -> list[Finding]:
    found = []
    for i, c in enumerate(text):
        between_letters = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
        if not (c.isalnum() or c.isspace() or c in ".," or (c in IN_WORD and between_letters)):
            found.append(Finding.at(path, text, i, "TTS003",
                                    f"forbidden punctuation '{c}': use only periods and commas"))
    return found


def _letters(path: Path, text: str) -> list[Finding]:
    """TTS009: the English voice, its word aligner and the caption font read ASCII letters; an accented or foreign
    letter would be spoken as something the captions do not show, and lose its word timing."""
    return [Finding.at(path, text, i, "TTS009", f"letter '{c}' outside English ASCII: the voice and its aligner "
                                                "read only a to z (write it in plain English letters)")
            for i, c in enumerate(text) if c.isalnum() and not c.isascii()]


def _acronyms(path: Path, text: str, allowed: tuple) -> list[Finding]:
    found = []
    for m in WORD.finditer(text):
        word = m.group()
        if re.search("[A-Z]{2,}", word) and word not in allowed and word.removesuffix("s") not in allowed:
            spelled = re.sub("[A-Z]{2,}", lambda caps: " ".join(caps.group()), word)
            found.append(Finding.at(path, text, m.start(), "TTS004",
                                    f"acronym '{word}' not spelled out: write '{spelled}'"))
    return found


def _digits(path: Path, text: str) -> list[Finding]:
    return [Finding.at(path, text, m.start(), "TTS007", f"digits '{m.group()}' in the text: write numbers as words "
                                               "or use a placeholder") for m in re.finditer(r"\d+", text)]


def _fills(path: Path, text: str, facts: Facts) -> tuple[dict, list[Finding]]:
    """Each placeholder's words (None without a recording) and the placeholders that cannot be filled."""
    words, found = {}, []
    for ph in placeholders(text):
        try:
            words[ph] = facts.say(ph)
        except NoMeasurement:
            words[ph] = None
        except Unfillable as err:
            found.append(Finding.at(path, text, ph.start, "TTS008", str(err)))
    return words, found


def _marks(path: Path, text: str, seg: Segment | None) -> list[Finding]:
    """CUE001 a malformed or repeated mark; CUE002 a mark the scene asks for that the script lacks (at the scene's
    line); CUE003 a mark no code uses; CUE004 a cue whose name is not a string literal, so it cannot be checked."""
    found, names = [], set()
    for mark in find_marks(text):
        if not NAME.fullmatch(mark.name):
            found.append(Finding.at(path, text, mark.start, "CUE001", f"cue mark [{mark.name}]: use a lowercase name "
                                                                      "of letters, digits and underscores"))
        elif mark.name in names:
            found.append(Finding.at(path, text, mark.start, "CUE001", f"cue mark [{mark.name}] appears twice"))
        names.add(mark.name)
    uses = scene_marks(seg.scene_file, seg.scene_class) if seg and seg.visual == "scene" else []
    where = f"{rel(seg.scene_file)}:{seg.scene_class}" if uses else "any scene"
    for use in uses:
        if use.name is None:
            found.append(Finding(seg.scene_file, use.line, use.col, "CUE004", "the cue's mark must be a string "
                                 "literal, so that this check can see it"))
        elif use.name not in names:
            found.append(Finding(seg.scene_file, use.line, use.col, "CUE002", f"cue mark '{use.name}' is not in "
                                 f"{rel(path)} (its marks: {', '.join(sorted(names)) or 'none'})"))
    used = {use.name for use in uses}
    found += [Finding.at(path, text, mark.start, "CUE003", f"cue mark [{mark.name}] is not used by {where}")
              for mark in find_marks(text) if mark.name not in used and NAME.fullmatch(mark.name)]
    return found


def _filled(text: str, words: dict) -> str:
    """The spoken text: each placeholder replaced by its words, without cue marks."""
    for ph in sorted(words, key=lambda p: -p.start):   # from the end, so earlier offsets stay valid
        text = text[:ph.start] + words[ph] + text[ph.end:]
    return strip_marks(text)


def _length(path: Path, text: str, words: dict, max_chars: int) -> list[Finding]:
    """TTS001 on the filled text. A placeholder without a measured value (no recording yet) counts from the fewest
    to the most characters its filter can spell: too long even at the fewest is an error, short enough even at the
    most passes, and in between a warning says the length is not yet known; so it never disagrees with the rule on
    the filled text."""
    unmeasured = [ph for ph, w in words.items() if w is None]
    stand_in = len(_filled(text, {ph: w or "x" for ph, w in words.items()})) - len(unmeasured)   # "x": one word
    spans = [spelled_lengths(ph.filter) for ph in unmeasured]
    fewest = stand_in + sum(low for low, _ in spans)
    most = None if any(high is None for _, high in spans) else stand_in + sum(high for _, high in spans)
    if fewest > max_chars:
        what = f"at least {fewest} characters after filling, whatever the numbers" if unmeasured else \
            f"{fewest} characters after filling"
        return [Finding.at(path, text, 0, "TTS001", f"too long: {what} (max {max_chars})")]
    if most is not None and most <= max_chars:
        return []
    reach = f"{fewest} to {most}" if most is not None else f"at least {fewest}"
    return [Finding.at(path, text, 0, "TTS001", f"length unknown until the numbers are measured: {reach} "
                       f"characters after filling (max {max_chars}); run just train to check it", warning=True)]


def lint_text(path: Path, text: str, facts: Facts, rules: LintSettings, seg: Segment | None = None) -> list[Finding]:
    """Every finding of one script; `seg`, the storyboard segment it narrates, adds the checks of its cue marks."""
    if not strip_marks(text):
        return [Finding.at(path, text, 0, "TTS006", "empty script")]
    words, found = _fills(path, text, facts)
    found += _marks(path, text, seg)
    template = blank_marks(mask(text))
    found += (_punctuation(path, template) + _letters(path, template) + _acronyms(path, template, rules.allowed_caps)
              + _digits(path, template))
    raw_sentences = sentences(template)
    if len(raw_sentences) > rules.max_sentences:
        offset = raw_sentences[rules.max_sentences][0]
        found.append(Finding.at(path, text, offset, "TTS002",
                                f"{len(raw_sentences)} sentences (max {rules.max_sentences})"))
    if any(f.rule == "TTS008" for f in found):
        return found              # lengths are meaningless until every placeholder can be filled
    found += _length(path, text, words, rules.max_chars)
    filled = _filled(text, {ph: w or ph.raw for ph, w in words.items()})   # unmeasured: one word each
    # fills hold no sentence ends, so filled and template sentences pair up one to one
    for (offset, _), (_, sentence) in zip(raw_sentences, sentences(filled)):
        n_words = len(sentence.split())
        if n_words > rules.warn_words:
            found.append(Finding.at(path, text, offset, "TTS005", f"sentence of {n_words} words "
                                                                  f"(keep it to {rules.warn_words})", warning=True))
    return sorted(found, key=lambda f: (f.line, f.col))


def narrated_scripts(storyboard: Path, scripts_dir: Path) -> list[tuple[Segment, Path]]:
    """Each narrated segment with its script, in film order; a missing script is an error naming the segment."""
    pairs = []
    for seg in load_storyboard(storyboard, check_files=False):
        script = Path(scripts_dir) / f"{seg.id}.txt"
        if seg.narrated and not script.exists():
            raise UserError(f"{rel(storyboard)}: segment '{seg.id}': missing script {rel(script)}")
        if seg.narrated:
            pairs.append((seg, script))
    return pairs


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _read(path: Path) -> str:
    try:
        return Path(path).read_text()
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"{rel(path)}: cannot read script ({type(err).__name__})") from None


def report(scripts: list[tuple[Path, Segment | None]], facts: Facts, rules: LintSettings, out=None) -> int:
    """Lint the scripts (each with the segment it narrates, if known), print one line per finding and a summary;
    return the number of errors."""
    out = out or sys.stdout
    if not facts.measured:
        print(f"note: {rel(facts.summary_path)} is missing, so measured placeholders were checked as single words "
              "and lengths by the numbers' shortest and longest spellings (run just train to lint the filled text)",
              file=out)
    errors = warnings = 0
    for path, seg in scripts:
        for finding in lint_text(Path(path), _read(path), facts, rules, seg):
            print(finding.format(), file=out)
            warnings += finding.warning
            errors += not finding.warning
    print(f"{_plural(len(scripts), 'file')} checked: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}",
          file=out)
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="scripts to check (default: every narrated script)")
    ap.add_argument("--summary", type=Path, default=SUMMARY, help="the recording whose numbers fill placeholders")
    args = ap.parse_args(argv)
    try:
        rules = load_settings().lint
        facts = Facts(args.summary, PAPER)
        narrated = {script.resolve(): seg for seg, script in narrated_scripts(STORYBOARD, SCRIPTS)}
        scripts = [(path, narrated.get(path.resolve())) for path in args.files] or \
            [(script, seg) for script, seg in narrated.items()]
        return 1 if report(scripts, facts, rules) else 0
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
