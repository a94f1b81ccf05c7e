"""Every scene renders from the recording and its context at low resolution, lasts exactly as long as its narration
(render_scene checks the frame count), and stops with a clear line when it asks for a cue mark its script lacks."""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from core.context import read_context, write_context
from core.errors import UserError
from core.settings import load_settings
from core.storyboard import find_segment, load_storyboard
from pipeline import render
from pipeline.ffmpeg import probe
from pipeline.fill import Facts, fill_script
from pipeline.marks import caption_words, mark_positions, mark_times, strip_marks
from pipeline.render import Quality, manim_command, render_scene

LOW = Quality(256, 144, 10)


def timed_line(seg_id: str, facts: Facts) -> dict:
    """A narration entry for a script, its words spread evenly at 2.6 per second (no voice needed)."""
    seg = find_segment(load_storyboard(check_files=False), seg_id)
    filled = fill_script(seg.script, facts)
    words = [{"word": w, "start": 0.3 + i / 2.6, "end": 0.3 + (i + 1) / 2.6}
             for i, w in enumerate(caption_words(strip_marks(filled)))]
    return {"seconds": round(words[-1]["end"] + 0.3, 3), "marks": mark_times(mark_positions(filled), words)}


def context_for(seg_id: str, recording_dir, tmp_path, **changes):
    seg = find_segment(load_storyboard(check_files=False), seg_id)
    narration = timed_line(seg_id, Facts(recording_dir / "summary.json"))
    context = replace(render.scene_context(seg, narration, load_settings()), recording=str(recording_dir), **changes)
    return seg, narration, write_context(tmp_path / f"{seg_id}.json", context)


def test_manim_command_is_plain_cli(tmp_path):
    seg = find_segment(load_storyboard(check_files=False), "06-task-intro")
    cmd = manim_command(seg, LOW, tmp_path, "clip")
    assert cmd[0].endswith("manim") and cmd[-2:] == ["scenes/task.py", "TaskIntro"]
    assert ["-r", "256,144"] == cmd[cmd.index("-r"):cmd.index("-r") + 2] and "--disable_caching" in cmd


def test_the_key_holds_what_the_picture_draws(recording_dir, tmp_path):
    """A context that differs in anything drawn (the header's dots, a mark's time) gives another key."""
    seg, _, base = context_for("13-doer-role", recording_dir, tmp_path)
    _, _, dots = context_for("13-doer-role", recording_dir, tmp_path / "dots",
                             part_segments=("10-hierarchy-why", "13-doer-role"))
    ctx = read_context(base)
    _, _, late = context_for("13-doer-role", recording_dir, tmp_path / "late",
                             marks={**ctx.marks, "told": ctx.marks["told"] + 0.1})
    keys = {render.scene_key(seg, LOW, path) for path in (base, dots, late)}
    assert len(keys) == 3


@pytest.mark.slow
def test_every_scene_renders_at_its_narrations_length(recording_dir, tmp_path):
    """Every Scene of the storyboard runs on the real recording and fills its narration to the frame (two Manim
    processes at a time, at 256×144)."""
    scenes = [seg for seg in load_storyboard(check_files=False) if seg.visual == "scene"]

    def problem(seg) -> str | None:
        _, narration, context = context_for(seg.id, recording_dir, tmp_path / seg.id)
        try:
            info = probe(render_scene(seg, LOW, context, tmp_path / f"{seg.id}.mp4", narration["seconds"]))
        except UserError as err:
            return f"{seg.id}: {err}"
        size = (info["video"]["width"], info["video"]["height"])
        return None if size == (256, 144) else f"{seg.id}: rendered at {size}"

    with ThreadPoolExecutor(2) as pool:
        problems = [p for p in pool.map(problem, scenes) if p]
    assert len(scenes) == 28 and not problems, "\n".join(problems)


@pytest.mark.slow
def test_a_missing_cue_mark_stops_the_render_naming_scene_line_and_script(recording_dir, tmp_path):
    seg, narration, context = context_for("13-doer-role", recording_dir, tmp_path)
    marks = {k: v for k, v in read_context(context).marks.items() if k != "turns"}
    _, _, context = context_for("13-doer-role", recording_dir, tmp_path / "broken", marks=marks)
    with pytest.raises(UserError, match=r"scenes/hierarchy\.py:\d+: cue mark .turns. is not in "
                                        r"scripts/13-doer-role\.txt"):
        render_scene(seg, LOW, context, tmp_path / "13.mp4", narration["seconds"])
