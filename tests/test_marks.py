"""Cue marks: parsed and timed exactly, checked against the scenes' code by the lint, and fatal when missing."""
from pathlib import Path

import pytest

from core.settings import LintSettings, load_settings
from core.storyboard import Segment
from pipeline import lint, narrate
from pipeline.fill import Facts
from pipeline.marks import mark_positions, mark_times, scene_marks, strip_marks

FAKE_SUMMARY = Path(__file__).parent / "fixtures" / "summary.json"
RULES = LintSettings()
WORDS = [{"word": w, "start": 0.3 + i, "end": 0.8 + i} for i, w in enumerate("Freeze the Doer and see".split())]


def test_marks_are_stripped_and_name_the_word_after_them():
    text = "[freeze]Freeze the [doer]Doer, and see. [end]"
    assert strip_marks(text) == "Freeze the Doer, and see."
    assert mark_positions(text) == {"freeze": 0, "doer": 2, "end": 5}
    assert mark_times(mark_positions(text), WORDS) == {"freeze": 0.3, "doer": 2.3, "end": 4.8}


def test_a_placeholder_counts_as_the_words_it_is_filled_with():
    # positions are taken on the filled text: "sixty-two" is one word, "ninety eight percent" three
    assert mark_positions("about sixty-two [a]layouts and ninety eight percent [b]solved") == {"a": 2, "b": 7}


@pytest.mark.parametrize("text", ["[Freeze]Freeze", "[a]one [a]two", "[two words]x"])
def test_bad_marks_are_refused(text):
    with pytest.raises(ValueError):
        mark_positions(text)


def test_marks_that_do_not_fit_the_timed_words_are_refused():
    with pytest.raises(ValueError):
        mark_times({"late": 9}, WORDS)


SCENE = '''
from scenes.segment import SegmentScene


class Base(SegmentScene):
    def shared(self):
        self.wait_until_time(self.cue("doer"))


class Demo(Base):
    segment = "99-demo"

    def body(self):
        self.play_until(self.cue("freeze"))
        self.play_until(self.cue("missing"))
        name = "doer"
        self.play_until(self.cue(name))
'''


@pytest.fixture()
def demo(tmp_path, monkeypatch) -> tuple[Segment, Path]:
    """A segment whose scene file and script live in tmp_path."""
    scene = tmp_path / "demo.py"
    scene.write_text(SCENE)
    script = tmp_path / "99-demo.txt"
    script.write_text("[freeze]Freeze the [doer]Doer, and [unused]see.")
    monkeypatch.setattr(Segment, "scene_file", property(lambda self: scene))
    return Segment(id="99-demo", part="Intro", chapter="Demo", visual="scene", scene="demo.Demo"), script


def test_scene_marks_reads_the_class_and_its_bases_without_running_them(demo):
    seg, _ = demo
    assert [u.name for u in scene_marks(seg.scene_file, "Demo")] == ["doer", "freeze", "missing", None]


def test_lint_checks_marks_against_the_scene(demo):
    seg, script = demo
    findings = lint.lint_text(script, script.read_text(), Facts(FAKE_SUMMARY), RULES, seg)
    got = {(f.rule, Path(f.path).name, f.line) for f in findings}
    assert ("CUE002", "demo.py", 15) in got              # 'missing' is not in the script
    assert ("CUE004", "demo.py", 17) in got              # a name the lint cannot read
    assert ("CUE003", "99-demo.txt", 1) in got           # [unused] is used by no code
    assert len(findings) == 3



@pytest.mark.slow
def test_narration_times_each_mark_at_its_word_and_never_speaks_it(tmp_path, monkeypatch):
    scene = tmp_path / "demo.py"
    scene.write_text("class Demo(SegmentScene):\n    def body(self):\n"
                     "        self.cue('door')\n        self.cue('end')\n")
    monkeypatch.setattr(Segment, "scene_file", property(lambda self: scene))
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "02-demo.txt").write_text("Walk to the [door]door and open it. [end]\n")
    (tmp_path / "storyboard.yaml").write_text(
        "segments:\n  - {id: 02-demo, part: Intro, chapter: Intro, visual: scene, scene: demo.Demo}\n")
    timings, _ = narrate.narrate(load_settings(), storyboard=tmp_path / "storyboard.yaml",
                                 scripts_dir=tmp_path / "scripts", summary=FAKE_SUMMARY,
                                 out_dir=tmp_path / "narration", cache_dir=tmp_path / "cache", backend="espeak")
    [line] = timings["segments"]
    assert line["text"] == "Walk to the door and open it."
    words = {w["word"]: w for w in line["words"]}
    assert line["marks"] == {"door": words["door"]["start"], "end": words["it"]["end"]}
