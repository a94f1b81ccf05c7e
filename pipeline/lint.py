"""Check narration scripts against the text-to-speech rules, before any audio is made.

    python -m pipeline.lint [FILES…]      (no files: every narrated script of the storyboard)

Rules that depend only on the wording (punctuation, acronyms, digits, sentence count) run on the template itself, so
line:col point into the file; placeholder fills are lowercase number words and cannot break them. Rules that
depend on length run on the filled text. Without build/model/summary.json, measured placeholders count as one word.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.common import SCRIPTS, PipelineError, rel
from pipeline.fill import SUMMARY, Facts, NoMeasurement, Unfillable, mask, placeholders, position, spoken
from pipeline.settings import PAPER, STORYBOARD, LintSettings, Segment, load_settings, load_storyboard

SENTENCE = re.compile(r"[^.?!]+[.?!]*")
WORD = re.compile(r"[A-Za-z]+")
IN_WORD = "-'’"                   # hyphens and apostrophes are fine between two letters: "sub-goal", "Planner's"


@dataclass(frozen=True)
class Finding:
    path: Path
    offset: int                   # character offset in the file, for line:col
    rule: str
    message: str
    warning: bool = False

    def format(self, text: str) -> str:
        line, col = position(text, self.offset)
        return f"{rel(self.path)}:{line}:{col}: {self.rule} {'warning: ' if self.warning else ''}{self.message}"


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) for each sentence: a run of text ending at . ? or ! that holds a letter or digit."""
    return [(m.start() + len(m.group()) - len(m.group().lstrip()), m.group().strip())
            for m in SENTENCE.finditer(text) if any(c.isalnum() for c in m.group())]


def _punctuation(path: Path, text: str) -> list[Finding]:
    found = []
    for i, c in enumerate(text):
        between_letters = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
        if not (c.isalnum() or c.isspace() or c in ".," or (c in IN_WORD and between_letters)):
            found.append(Finding(path, i, "TTS003", f"forbidden punctuation '{c}': use only periods and commas"))
    return found


def _acronyms(path: Path, text: str, allowed: tuple) -> list[Finding]:
    found = []
    for m in WORD.finditer(text):
        word = m.group()
        if re.search("[A-Z]{2,}", word) and word not in allowed and word.removesuffix("s") not in allowed:
            spelled = re.sub("[A-Z]{2,}", lambda caps: " ".join(caps.group()), word)
            found.append(Finding(path, m.start(), "TTS004", f"acronym '{word}' not spelled out: write '{spelled}'"))
    return found


def _digits(path: Path, text: str) -> list[Finding]:
    return [Finding(path, m.start(), "TTS007", f"digits '{m.group()}' in the text: write numbers as words "
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
            found.append(Finding(path, ph.start, "TTS008", str(err)))
    return words, found


def lint_text(path: Path, text: str, facts: Facts, rules: LintSettings) -> list[Finding]:
    if not text.strip():
        return [Finding(path, 0, "TTS006", "empty script")]
    words, found = _fills(path, text, facts)
    template = mask(text)
    found += _punctuation(path, template) + _acronyms(path, template, rules.allowed_caps) + _digits(path, template)
    raw_sentences = sentences(template)
    if len(raw_sentences) > rules.max_sentences:
        offset = raw_sentences[rules.max_sentences][0]
        found.append(Finding(path, offset, "TTS002", f"{len(raw_sentences)} sentences (max {rules.max_sentences})"))
    if any(f.rule == "TTS008" for f in found):
        return found              # lengths are meaningless until every placeholder can be filled
    filled = text
    for ph in sorted(words, key=lambda p: -p.start):   # from the end, so earlier offsets stay valid
        filled = filled[:ph.start] + (words[ph] or ph.raw) + filled[ph.end:]
    filled = spoken(filled)
    if len(filled) > rules.max_chars:
        found.append(Finding(path, 0, "TTS001", f"too long: {len(filled)} characters after filling "
                                                f"(max {rules.max_chars})"))
    # fills hold no sentence ends, so filled and template sentences pair up one to one
    for (offset, _), (_, sentence) in zip(raw_sentences, sentences(filled)):
        n_words = len(sentence.split())
        if n_words > rules.warn_words:
            found.append(Finding(path, offset, "TTS005", f"sentence of {n_words} words "
                                                         f"(keep it to {rules.warn_words})", warning=True))
    return sorted(found, key=lambda f: f.offset)


def narrated_scripts(storyboard: Path, scripts_dir: Path) -> list[tuple[Segment, Path]]:
    """Each narrated segment with its script, in film order; a missing script is an error naming the segment."""
    pairs = []
    for seg in load_storyboard(storyboard, check_files=False):
        script = Path(scripts_dir) / f"{seg.id}.txt"
        if seg.narrated and not script.exists():
            raise PipelineError(f"{rel(storyboard)}: segment '{seg.id}': missing script {rel(script)}")
        if seg.narrated:
            pairs.append((seg, script))
    return pairs


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _read(path: Path) -> str:
    try:
        return Path(path).read_text()
    except (OSError, UnicodeDecodeError) as err:
        raise PipelineError(f"{rel(path)}: cannot read script ({type(err).__name__})") from None


def report(paths: list[Path], facts: Facts, rules: LintSettings, out=None) -> int:
    """Lint the files, print one line per finding and a summary; return the number of errors."""
    out = out or sys.stdout
    if not facts.measured:
        print(f"note: {rel(facts.summary_path)} is missing, so measured placeholders were checked as single words "
              "(run just train to lint the filled text)", file=out)
    errors = warnings = 0
    for path, text in [(Path(p), _read(p)) for p in paths]:
        for finding in lint_text(path, text, facts, rules):
            print(finding.format(text), file=out)
            warnings += finding.warning
            errors += not finding.warning
    print(f"{_plural(len(paths), 'file')} checked: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}",
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
        paths = args.files or [script for _, script in narrated_scripts(STORYBOARD, SCRIPTS)]
        return 1 if report(paths, facts, rules) else 0
    except PipelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
