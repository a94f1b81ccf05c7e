"""Placeholders become number words; every problem names file:line:col."""
import shutil
from pathlib import Path

import pytest

from core.errors import UserError
from pipeline.fill import Facts, fill, fill_script, int_words, placeholders, position, say_number

FAKE_SUMMARY = Path(__file__).parent / "fixtures" / "summary.json"


@pytest.fixture
def facts():
    return Facts(FAKE_SUMMARY)


@pytest.mark.parametrize("n, words", [
    (0, "zero"), (7, "seven"), (13, "thirteen"), (21, "twenty-one"), (40, "forty"), (42, "forty-two"),
    (100, "one hundred"), (105, "one hundred five"), (999, "nine hundred ninety-nine"),
    (1000, "one thousand"), (7689, "seven thousand six hundred eighty-nine"), (2_000_005, "two million five"),
    (27_000_000, "twenty-seven million"), (1_000_000_000, "one billion"), (-3, "minus three"),
])
def test_int_words(n, words):
    assert int_words(n) == words


@pytest.mark.parametrize("x, filter_name, words", [
    (7689, "approx", "seven thousand seven hundred"),
    (27_000_000, "approx", "twenty-seven million"),
    (7_664, "approx", "seven thousand seven hundred"),
    (995, "approx", "one thousand"),
    (0.01234, "approx", "zero point zero one two"),
    (0.98387, "pct", "ninety-eight percent"),
    (0.145, "pct", "fifteen percent"),          # half up on the number as written, not its binary neighbour
    (0.0, "pct", "zero percent"),
    (10.5, "dec1", "ten point five"),
    (10.0, "dec1", "ten"),
    (10.51613, "dec1", "ten point five"),
    (10.5, "int", "eleven"),
    (39.85806, "int", "forty"),
    (62, None, "sixty-two"),
    (44.6, None, "forty-four point six"),
])
def test_filters(x, filter_name, words):
    assert say_number(x, filter_name) == words


def test_placeholders_are_listed_with_filters_and_offsets():
    text = "Solved {hrm.heldout_success|pct} in {hrm.heldout_mean_steps} steps of {paper.hrm_params | approx}."
    found = placeholders(text)
    assert [(p.name, p.filter) for p in found] == [
        ("hrm.heldout_success", "pct"), ("hrm.heldout_mean_steps", None), ("paper.hrm_params", "approx")]
    assert text[found[1].start:found[1].end] == "{hrm.heldout_mean_steps}"


def test_fill_reads_summary_and_paper(facts, tmp_path):
    text = "It solved {hrm.heldout_success|pct} of {n_heldout},\nin {hrm.heldout_mean_steps|dec1} steps, " \
           "with {paper.hrm_params|approx} parameters."
    assert fill(text, facts, tmp_path / "x.txt") == ("It solved ninety-eight percent of sixty-two, in ten point "
                                                      "five steps, with twenty-seven million parameters.")


def test_position_is_one_based():
    assert position("ab\ncd", 0) == (1, 1)
    assert position("ab\ncd", 4) == (2, 2)


@pytest.mark.parametrize("placeholder, message", [
    ("{hrm.nope}", "unknown placeholder {hrm.nope}"),
    ("{hrmm.heldout_success}", "unknown placeholder {hrmm.heldout_success}"),
    ("{hrm.heldout_success|percent}", "unknown placeholder {hrm.heldout_success|percent}"),
    ("{paper.nope}", "unknown placeholder {paper.nope}"),
    ("{hrm heldout}", "unknown placeholder {hrm heldout}"),
    ("{train_layouts}", "placeholder {train_layouts} is not a number"),
])
def test_placeholder_errors_name_file_line_col(facts, tmp_path, placeholder, message):
    script = tmp_path / "07-x.txt"
    script.write_text(f"First line.\nThe model {placeholder} here.\n")
    with pytest.raises(UserError) as err:
        fill_script(script, facts)
    assert str(err.value).startswith(f"{script}:2:11: {message}")
    assert "\n" not in str(err.value)


def test_missing_summary_says_run_train(tmp_path):
    facts = Facts(tmp_path / "summary.json")
    script = tmp_path / "08-x.txt"
    script.write_text("It solved {hrm.heldout_success|pct}.")
    with pytest.raises(UserError, match=r"08-x.txt:1:11: no measured value for \{hrm.heldout_success\|pct\}: "
                                            r"run just train"):
        fill_script(script, facts)
    assert fill("A {paper.trm_params|approx} model.", facts, script) == "A seven million model."


def test_null_field_has_no_measured_value(tmp_path):
    summary = tmp_path / "summary.json"
    shutil.copy(FAKE_SUMMARY, summary)
    summary.write_text(summary.read_text().replace('"n_train": 10', '"n_train": null'))
    with pytest.raises(UserError, match=r"x.txt:1:6: no measured value for \{n_train\}"):
        fill("Just {n_train} demos.", Facts(summary), tmp_path / "x.txt")


def test_corrupt_summary_names_the_file(tmp_path):
    summary = tmp_path / "summary.json"
    summary.write_text('{"hrm": ')
    with pytest.raises(UserError, match=r"summary.json:1: corrupt JSON"):
        Facts(summary)
