"""The text-to-speech rules: each one passes and fails where it should, and the CLI reports like a compiler."""
import re
from pathlib import Path

import pytest

from core.paths import SCRIPTS, STORYBOARD, rel
from core.settings import LintSettings, load_settings
from pipeline import lint
from pipeline.fill import Facts

FAKE_SUMMARY = Path(__file__).parent / "fixtures" / "summary.json"
RULES = LintSettings(max_chars=200, max_sentences=2, warn_words=20, allowed_caps=("AI",))
LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<rule>TTS\d{3}) (?P<message>.+)$")


@pytest.fixture(scope="module")
def facts():
    return Facts(FAKE_SUMMARY)


def rules_broken(text: str, facts: Facts) -> list[str]:
    return [f.rule for f in lint.lint_text(Path("x.txt"), text, facts, RULES)]


@pytest.mark.parametrize("text, broken", [
    # the production plan's own lines
    ("What does an AI actually learn during training. Most explanations skip this part.", []),
    ("The H R M uses two modules. A Planner decides what to do. A Doer figures out how.", ["TTS002"]),
    ("H R Ms are tiny. Twenty-seven million parameters. L L Ms have billions.", ["TTS002"]),
    ("The task is simple. A row of ten cells, a person, a key, and a locked door.", []),
    # TTS001: length
    ("a" * 200, []),
    ("a" * 201, ["TTS001"]),
    # TTS003: only periods and commas
    ("What does it learn?", ["TTS003"]),
    ("It learns!", ["TTS003"]),
    ("The goal: open the door.", ["TTS003"]),
    ("Find the key; open the door.", ["TTS003"]),
    ('The "Planner" decides.', ["TTS003", "TTS003"]),
    ("The Doer (low level) acts.", ["TTS003", "TTS003"]),
    ("The Doer [low level] acts.", ["CUE001"]),     # brackets hold cue marks, and this is not one
    ("Left - then right.", ["TTS003"]),
    ("Left – then right.", ["TTS003"]),
    ("Left—then right.", ["TTS003"]),
    ("The Planner's sub-goal comes first, the Doer's action second.", []),
    ("A dangling- hyphen.", ["TTS003"]),
    # TTS004: acronyms
    ("The HRM has two modules.", ["TTS004"]),
    ("Two HRMs and one LLM.", ["TTS004", "TTS004"]),
    ("An AI and two AIs, each with an H R M.", []),
    ("A tiny model, I think, in Python.", []),
    # TTS006: empty
    ("", ["TTS006"]),
    ("  \n\n ", ["TTS006"]),
    # TTS007: digits, but placeholders are fine
    ("It took 27 steps.", ["TTS007"]),
    ("It took {hrm.heldout_mean_steps|int} steps with {paper.hrm_params|approx} parameters.", []),
    # TTS009: letters the English voice and its aligner cannot read as written
    ("The agent walks to the café.", ["TTS009"]),
    ("The Planner 规划 first.", ["TTS009", "TTS009"]),
    ("The Planner’s sub-goal.", []),           # a typographic apostrophe between letters is fine
    # TTS008: placeholders that cannot be filled
    ("It solved {hrm.nope|pct}.", ["TTS008"]),
    ("It solved {hrm.heldout_success|percent}.", ["TTS008"]),
])
def test_rules(facts, text, broken):
    assert rules_broken(text, facts) == broken


def test_long_sentence_is_a_warning(facts):
    twenty = " ".join(["word"] * 20) + "."
    assert rules_broken(twenty, facts) == []
    findings = lint.lint_text(Path("x.txt"), "word " + twenty, facts, RULES)
    assert [(f.rule, f.warning) for f in findings] == [("TTS005", True)]


def test_lengths_are_measured_after_filling(facts):
    # the template is 199 characters; "{paper.hrm_params}" (18) reads as "twenty-seven million" (20)
    text = "a" * 180 + " {paper.hrm_params}"
    assert len(text) == 199
    assert rules_broken(text, facts) == ["TTS001"]
    # a fill counts as its words: {hrm.params} reads as five ("seven thousand six hundred eighty-nine")
    sentence = " ".join(["{hrm.params}"] * 4) + " end."
    assert [f.rule for f in lint.lint_text(Path("x.txt"), sentence, facts, RULES)] == ["TTS005"]


def test_findings_point_at_line_and_column(facts):
    text = "A first line, fine.\nThen the HRM acts?\n"
    lines = [f.format() for f in lint.lint_text(Path("/tmp/x.txt"), text, facts, RULES)]
    assert lines == ["/tmp/x.txt:2:10: TTS004 acronym 'HRM' not spelled out: write 'H R M'",
                     "/tmp/x.txt:2:18: TTS003 forbidden punctuation '?': use only periods and commas"]


def test_sentence_count_points_at_the_extra_sentence(facts):
    text = "One. Two.\nThree."
    [finding] = lint.lint_text(Path("x.txt"), text, facts, RULES)
    assert (finding.rule, finding.format()) == ("TTS002", "x.txt:2:1: TTS002 3 sentences (max 2)")


def test_without_a_recording_placeholders_count_as_words(tmp_path, capsys):
    facts = Facts(tmp_path / "missing.json")
    script = tmp_path / "s.txt"
    script.write_text("It solved {hrm.heldout_success|pct} of {n_heldout}. A {paper.nope} figure.")
    assert lint.report([(script, None)], facts, RULES) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("note: ") and "missing.json" in out[0] and "single words" in out[0]
    assert out[1] == f"{script}:1:55: TTS008 unknown placeholder {{paper.nope}} (no figure 'nope' in config/paper.yaml)"
    assert out[2] == "1 file checked: 1 error, 0 warnings"


def verdict(findings: list) -> str:
    """What the length rule says: an error, a warning (not decided), or nothing."""
    found = [f for f in findings if f.rule == "TTS001"]
    return "pass" if not found else "warning" if found[0].warning else "error"


@pytest.mark.parametrize("prefix", range(160, 200, 3))
def test_without_a_recording_the_length_rule_never_disagrees_with_the_filled_text(tmp_path, prefix):
    """A share is spelled in 11 to 21 characters ("one percent" … "seventy-seven percent"): the rule without a
    recording is an error only if every share is too long, passes only if every share fits, else warns."""
    text = "a" * prefix + " {share|pct}."
    unmeasured = verdict(lint.lint_text(Path("x.txt"), text, Facts(tmp_path / "missing.json"), RULES))
    filled = set()
    for share in (0.0, 0.01, 0.5, 0.77, 1.0):
        summary = tmp_path / f"{share}.json"
        summary.write_text(f'{{"share": {share}}}')
        filled.add(verdict(lint.lint_text(Path("x.txt"), text, Facts(summary), RULES)))
    assert filled <= {"pass", "error"}
    assert unmeasured == ("warning" if filled == {"pass", "error"} else filled.pop())


def test_without_a_recording_a_whole_number_leaves_the_length_to_the_filled_text(tmp_path):
    facts = Facts(tmp_path / "missing.json")
    [finding] = lint.lint_text(Path("x.txt"), "It took {steps|int} steps.", facts, RULES)
    assert finding.warning and finding.format() == ("x.txt:1:1: TTS001 warning: length unknown until the numbers "
                                                    "are measured: at least 18 characters after filling (max 200); "
                                                    "run just train to check it")
    assert verdict(lint.lint_text(Path("x.txt"), "a" * 197 + " {steps}.", facts, RULES)) == "error"   # 202 at "one"


def test_a_share_outside_zero_to_one_cannot_be_read_as_a_percent(tmp_path):
    summary = tmp_path / "summary.json"
    summary.write_text('{"share": 1.5}')
    [finding] = lint.lint_text(Path("x.txt"), "It solved {share|pct}.", Facts(summary), RULES)
    assert finding.rule == "TTS008" and "not a share between 0 and 1" in finding.message


def test_a_fresh_clone_passes_the_length_rule(tmp_path):
    scripts = [(script, seg) for seg, script in lint.narrated_scripts(STORYBOARD, SCRIPTS)]
    facts = Facts(tmp_path / "missing.json")
    rules = load_settings().lint
    errors = [f.format() for path, seg in scripts for f in lint.lint_text(path, path.read_text(), facts, rules)
              if f.rule == "TTS001" and not f.warning]
    assert errors == []


# --- the command line ----------------------------------------------------------------------------------------------

def run_cli(capsys, *args):
    code = lint.main([*map(str, args), "--summary", str(FAKE_SUMMARY)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_cli_reports_errors_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("Does the HRM learn? Yes.")
    good = tmp_path / "good.txt"
    good.write_text("It learns, step by step.")
    code, lines, _ = run_cli(capsys, bad, good)
    assert code == 1
    assert [LINE.match(line)["rule"] for line in lines[:-1]] == ["TTS004", "TTS003"]
    assert all(LINE.match(line)["path"] == str(bad) for line in lines[:-1])
    assert lines[-1] == "2 files checked: 2 errors, 0 warnings"


def test_cli_passes_clean_and_warning_only_files(tmp_path, capsys):
    script = tmp_path / "long.txt"
    script.write_text(" ".join(["word"] * 25) + ".")
    code, lines, _ = run_cli(capsys, script)
    assert code == 0
    assert LINE.match(lines[0])["rule"] == "TTS005" and "warning" in lines[0]
    assert lines[-1] == "1 file checked: 0 errors, 1 warning"


def test_cli_missing_file_is_one_line_error(tmp_path, capsys):
    code, lines, err = run_cli(capsys, tmp_path / "nope.txt")
    assert code == 1 and lines == []
    assert err.count("\n") == 1 and "nope.txt: cannot read script" in err


def test_project_scripts_lint_clean(capsys):
    scripts = [(script, seg) for seg, script in lint.narrated_scripts(STORYBOARD, SCRIPTS)]
    assert len(scripts) >= 28
    errors = lint.report(scripts, Facts(FAKE_SUMMARY), load_settings().lint)
    out = capsys.readouterr().out
    assert errors == 0, out
    assert rel(scripts[0][0]) == "scripts/02-hook.txt"
