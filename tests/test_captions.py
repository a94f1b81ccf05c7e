"""Captions and YouTube chapters, as data."""
from __future__ import annotations

from dataclasses import replace

import pytest
from media_samples import timed_words

from core.errors import UserError
from core.settings import load_settings
from core.storyboard import Segment
from pipeline import captions, metadata
from pipeline.assemble import Placement

LINES = {
    "12-planner-role": "The Planner thinks in sub-goals, go to the key, go to the door, open the door. "
                       "It never sees the row itself, only what the Doer passes up.",
    "14-hrm-vs-llm": "The H R M in the paper has twenty-seven million parameters, and ours has about seven "
                     "thousand seven hundred. Large language models have billions.",
    "16-trm": "In our small run, T R M solved eighty-nine percent.",
}


def timings_of(lines: dict, seconds: float = 9.0) -> dict:
    return {"segments": [{"id": i, "text": t, "seconds": seconds, "words": timed_words(t, seconds)}
                         for i, t in lines.items()]}


def test_cues_fit_two_short_lines_inside_their_segment_in_word_order():
    timings = timings_of(LINES)
    starts = {"12-planner-role": 4.0, "14-hrm-vs-llm": 13.0, "16-trm": 22.0}
    cues = captions.build_cues(timings, starts)
    assert all(len(c.lines) <= 2 and all(len(line) <= captions.MAX_LINE for line in c.lines) for c in cues)
    assert [w for c in cues for w in c.words] == [w["word"] for s in timings["segments"] for w in s["words"]]
    for c in cues:
        assert any(s <= c.start < c.end <= s + 9.0 for s in starts.values())
    texts = [" ".join(c.lines) for c in cues]
    assert texts[0].endswith("open the door.") and texts[1].startswith("It never")      # a sentence end splits
    assert "twenty-seven million parameters," in texts[2] and texts[3].startswith("and ours")   # so does a comma
    assert not any(line.endswith((" H", " T", " R")) for c in cues for line in c.lines)   # "H R M" stays whole


def test_srt_and_vtt_stamps():
    cue = captions.Cue(3723.4567, 3725.0, ("Hello,", "world."))
    assert captions.srt([cue]) == "1\n01:02:03,457 --> 01:02:05,000\nHello,\nworld.\n\n"
    assert captions.vtt([cue]) == "WEBVTT\n\n01:02:03.457 --> 01:02:05.000\nHello,\nworld.\n\n"


def test_captions_refuse_a_segment_missing_from_the_film():
    with pytest.raises(UserError, match="'16-trm' is not in the film"):
        captions.build_cues(timings_of(LINES), {"12-planner-role": 0.0, "14-hrm-vs-llm": 9.0})


# --- chapters ----------------------------------------------------------------------------------------------------

def segments(*chapters):
    return [Segment(id=f"{i:02d}", part="Intro", chapter=c, visual="scene", scene="x.Y")
            for i, c in enumerate(chapters)]


def placed(*lengths):
    out, at = [], 0.0
    for i, length in enumerate(lengths):
        out.append(Placement(f"{i:02d}", at, length))
        at += length
    return out


def test_chapters_merge_consecutive_titles_and_start_at_zero():
    found = metadata.chapters(placed(4, 8.6, 7, 12.5, 11, 20), segments("A", "A", "B", "B", "C", "D"), 68.1)
    assert found == [metadata.Chapter(0, "A"), metadata.Chapter(12, "B"), metadata.Chapter(32, "C"),
                     metadata.Chapter(43, "D")]
    assert [f"{metadata.stamp(c.start)} {c.title}" for c in found][1] == "0:12 B"
    assert metadata.chapter_problems(found, 68.1) == []


def test_a_short_chapter_joins_the_one_before_it():
    found = metadata.chapters(placed(12, 6, 12, 12), segments("A", "Short", "B", "C"), 42)
    assert [c.title for c in found] == ["A", "B", "C"] and found[1].start == 18


def test_too_few_long_chapters_fail_with_one_line():
    with pytest.raises(UserError, match=r"chapters: only 2 .* YouTube needs 3"):
        metadata.chapters(placed(12, 6, 12), segments("A", "B", "C"), 30)


def test_chapter_problems_name_each_broken_rule():
    problems = metadata.chapter_problems([metadata.Chapter(5, "A"), metadata.Chapter(9, "B")], 30)
    assert any("0:00" in p for p in problems) and any("at least 3" in p for p in problems)
    assert any("'A' at 0:05 lasts 4 s" in p for p in problems)


def test_youtube_md_publishes_chapters_links_and_tags(tmp_path):
    found = [metadata.Chapter(0, "Introduction"), metadata.Chapter(27, "The task"), metadata.Chapter(75, "End")]
    md = metadata.youtube_md(load_settings(), found, tmp_path / "youtube.md")
    text = md.read_text()
    assert metadata.read_chapters(md) == found
    assert "0:27 The task" in text and "1:15 End" in text and "#HRM" in text
    assert "synthetic voice" in text and "synthesised" in text and "https://arxiv.org/abs/2506.21734" in text


def test_youtube_md_links_the_companion_once_it_is_published(tmp_path):
    found = [metadata.Chapter(0, "Introduction"), metadata.Chapter(27, "The task"), metadata.Chapter(75, "End")]
    settings = load_settings()
    unpublished = metadata.youtube_md(replace(settings, links=replace(settings.links, companion="")), found,
                                      tmp_path / "a.md").read_text()
    assert "## Before publishing" in unpublished and "interactive companion" not in unpublished
    url = "https://example.org/hrm/"
    published = metadata.youtube_md(replace(settings, links=replace(settings.links, companion=url)), found,
                                    tmp_path / "b.md").read_text()
    assert "Before publishing" not in published
    assert f"Play with this very model in your browser (the interactive companion): {url}" in published
    assert metadata.read_chapters(tmp_path / "b.md") == found
