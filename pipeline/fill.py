"""Fill a script's placeholders with measured numbers, spelled as words the voice reads well.

A placeholder is `{name}` or `{name|filter}`. `name` is a dotted path into build/model/summary.json
(`hrm.heldout_success`, `n_train`) or `paper.<key>`, the `value` of a figure in config/paper.yaml. Filters:
`pct` (a share from 0 to 1 → whole percent), `int` (round half up), `dec1` (one decimal), `approx` (two significant
digits); no filter reads an integral value as `int` and any other as `dec1`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from core.config import read_yaml
from core.errors import UserError
from core.files import read_json
from core.paths import MODEL_DIR, PAPER, ROOT, rel

SUMMARY = MODEL_DIR / "summary.json"

PLACEHOLDER = re.compile(r"\{([^{}\n]*)\}")
NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")

# --- numbers as words ---------------------------------------------------------------------------------------------

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
SCALES = ((10 ** 12, "trillion"), (10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand"))


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(TENS[tens] + (f"-{ONES[ones]}" if ones else ""))
    elif rest or not hundreds:
        words.append(ONES[rest])
    return " ".join(words)


def int_words(n: int) -> str:
    """42 → "forty-two", 105 → "one hundred five", 27000000 → "twenty-seven million" (American, no "and")."""
    if n < 0:
        return "minus " + int_words(-n)
    words = []
    for scale, name in SCALES:
        count, n = divmod(n, scale)
        if count:
            words.append(f"{int_words(count)} {name}")
    if n or not words:
        words.append(_below_thousand(n))
    return " ".join(words)


def decimal_words(d: Decimal) -> str:
    """10.5 → "ten point five", 0.05 → "zero point zero five": digits after the point are read one by one."""
    sign, d = ("minus ", -d) if d < 0 else ("", d)
    whole, _, frac = f"{d:f}".partition(".")
    frac = frac.rstrip("0")
    spoken = int_words(int(whole)) + (" point " + " ".join(ONES[int(c)] for c in frac) if frac else "")
    return sign + spoken


def _round(x: float, exponent: str, scale: int = 1) -> Decimal:
    # Decimal(str(x)) rounds the number as written (10.45 → 10.5), not its binary approximation (10.4499…).
    return (Decimal(str(x)) * scale).quantize(Decimal(exponent), rounding=ROUND_HALF_UP)


def approx(x: float) -> Decimal:
    """Two significant digits: 7689 → 7700, 0.01234 → 0.012."""
    if x == 0:
        return Decimal(0)
    second_digit = Decimal(str(x)).adjusted() - 1    # the exponent of the second significant digit
    return _round(x, f"1E{second_digit}")


FILTERS = {
    "pct": lambda x: decimal_words(_round(x, "1", scale=100)) + " percent",
    "int": lambda x: decimal_words(_round(x, "1")),
    "dec1": lambda x: decimal_words(_round(x, "0.1")),
    "approx": lambda x: decimal_words(approx(x)),
}


def say_number(x: float, filter_name: str | None = None) -> str:
    if filter_name is None:
        filter_name = "int" if float(x).is_integer() else "dec1"
    return FILTERS[filter_name](x)


# Every spelling is one or more of the words above, and no word is shorter than "one"
SHORTEST_NUMBER = min(len(word) for word in ONES + TENS if word != "_")


def spelled_lengths(filter_name: str | None) -> tuple[int, int | None]:
    """The fewest and most characters a number can be spelled in by a filter, whatever its value (None: no most,
    as for any whole number). A share (pct, which only takes 0 to 1) spans "one percent" to "seventy-seven
    percent" (11 to 21 characters)."""
    if filter_name == "pct":
        spelled = [len(FILTERS["pct"](k / 100)) for k in range(101)]
        return min(spelled), max(spelled)
    return SHORTEST_NUMBER, None


# --- placeholders ---------------------------------------------------------------------------------------------------

def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


@dataclass(frozen=True)
class Placeholder:
    raw: str                      # as written, braces included: "{hrm.heldout_success|pct}"
    name: str
    filter: str | None
    start: int                    # character offset in the script
    end: int


def placeholders(text: str) -> list[Placeholder]:
    found = []
    for m in PLACEHOLDER.finditer(text):
        name, _, filter_name = m.group(1).strip().partition("|")
        found.append(Placeholder(m.group(), name.strip(), filter_name.strip() or None, m.start(), m.end()))
    return found


def mask(text: str) -> str:
    """The text with each placeholder replaced by one lowercase word of the same length, so columns still match."""
    return PLACEHOLDER.sub(lambda m: "x" * len(m.group()), text)


class Unfillable(Exception):
    """Why one placeholder cannot be filled (the caller adds file, line and column)."""


class NoMeasurement(Unfillable):
    """The name may be fine, but there is no recording to read it from."""


class Facts:
    """Where placeholder values come from: the model's summary (optional until filling) and the paper figures."""

    def __init__(self, summary_path: Path = SUMMARY, paper_path: Path = PAPER):
        self.summary_path = Path(summary_path)
        self.summary = read_json(self.summary_path, "summary") if self.summary_path.exists() else None
        try:
            self.paper = read_yaml(paper_path)
        except UserError as err:
            raise UserError(str(err).replace(str(ROOT) + "/", "")) from None

    @property
    def measured(self) -> bool:
        return self.summary is not None

    def value(self, ph: Placeholder) -> float:
        if not NAME.fullmatch(ph.name):
            raise Unfillable(f"unknown placeholder {ph.raw}")
        head, _, key = ph.name.partition(".")
        if head == "paper":
            entry = self.paper.get(key)
            if not isinstance(entry, dict) or "value" not in entry:
                raise Unfillable(f"unknown placeholder {ph.raw} (no figure '{key}' in {rel(PAPER)})")
            value = entry["value"]
        elif self.summary is None:
            raise NoMeasurement(f"no measured value for {ph.raw}: run just train ({rel(self.summary_path)} is missing)")
        else:
            value = self.summary
            for part in ph.name.split("."):
                if not isinstance(value, dict) or part not in value:
                    raise Unfillable(f"unknown placeholder {ph.raw} (not in {rel(self.summary_path)})")
                value = value[part]
            if value is None:
                raise NoMeasurement(f"no measured value for {ph.raw}: run just train")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Unfillable(f"placeholder {ph.raw} is not a number ({type(value).__name__})")
        return value

    def say(self, ph: Placeholder) -> str:
        """The placeholder's words. The filter is checked first, so a bad one shows even without a recording."""
        if ph.filter is not None and ph.filter not in FILTERS:
            raise Unfillable(f"unknown placeholder {ph.raw} (filter '{ph.filter}'; known: {', '.join(FILTERS)})")
        value = self.value(ph)
        if ph.filter == "pct" and not 0 <= value <= 1:    # what spelled_lengths assumes of a share
            raise Unfillable(f"placeholder {ph.raw} is {value}, not a share between 0 and 1")
        return say_number(value, ph.filter)


def spoken(text: str) -> str:
    """What the voice gets: one line, single spaces."""
    return " ".join(text.split())


def fill(text: str, facts: Facts, path: Path) -> str:
    """The text with every placeholder spelled out; the first problem is a UserError at path:line:col."""
    out, last = [], 0
    for ph in placeholders(text):
        try:
            words = facts.say(ph)
        except Unfillable as err:
            line, col = position(text, ph.start)
            raise UserError(f"{rel(path)}:{line}:{col}: {err}") from None
        out += [text[last:ph.start], words]
        last = ph.end
    return spoken("".join(out) + text[last:])


def fill_script(path: Path, facts: Facts) -> str:
    return fill(Path(path).read_text(), facts, path)
