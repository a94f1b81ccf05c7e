"""Every scene renders from the recording and its context at low resolution, lasts exactly as long as its narration
(render_scene checks the frame count), and stops with a clear line when it asks for a cue mark its script lacks."""
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.context import read_context, write_context
from core.errors import UserError
from core.settings import load_settings
from core.storyboard import find_segment, load_storyboard
from pipeline import render
from pipeline.ffmpeg import probe
from pipeline.fill import Facts, fill_script
from pipeline.marks import caption_words, mark_positions, mark_times, strip_marks
from pipeline.render import Quality, layout_lines, render_scene
from pipeline.review import frame_at

LOW = Quality(256, 144, 10)
CRF = 18
FRAMES = Path(__file__).parent / "fixtures" / "frames"   # control frames of every scene (just refresh-frames)
REFRESH_VAR = "HRM_REFRESH_FRAMES"
PIXEL_TOLERANCE = 48     # of 255, in the channel that differs most
CHANGED_SHARE = 0.01     # of the frame's pixels


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


@pytest.fixture(scope="module")
def workers():
    """Two long-lived scene workers, as a render has."""
    with render.scene_workers(load_settings()) as pool:
        yield pool


def test_the_key_holds_what_the_picture_draws(recording_dir, tmp_path):
    """A context that differs in anything drawn (the header's dots, a mark's time) gives another key."""
    seg, _, base = context_for("13-doer-role", recording_dir, tmp_path)
    _, _, dots = context_for("13-doer-role", recording_dir, tmp_path / "dots",
                             part_segments=("10-hierarchy-why", "13-doer-role"))
    ctx = read_context(base)
    _, _, late = context_for("13-doer-role", recording_dir, tmp_path / "late",
                             marks={**ctx.marks, "told": ctx.marks["told"] + 0.1})
    keys = {render.scene_key(seg, LOW, path, CRF) for path in (base, dots, late)}
    assert len(keys) == 3


def test_the_key_follows_every_scene_module_a_scene_imports(tmp_path):
    """A scene's key holds the scene modules it imports, directly or through another, and no others."""
    scene = tmp_path / "demo.py"
    scene.write_text("import math\nfrom scenes.layout import stacks_on\n")
    names = {p.name for p in render.scene_modules(scene)}
    assert names == {"demo.py", "layout.py", "style.py"}    # layout imports style; neither imports track


def picture_changes(seg_id: str, clip, seconds: float) -> list[str]:
    """Compare the clip's control frames (at a quarter, half and three quarters of its length) with the stored ones
    in tests/fixtures/frames/; with REFRESH_VAR set, store them instead. A frame has changed when more than
    CHANGED_SHARE of its pixels differ by more than PIXEL_TOLERANCE in some channel (anti-aliasing noise is not)."""
    changes = []
    for i, fraction in enumerate((0.25, 0.5, 0.75)):
        frame = np.asarray(frame_at(clip, seconds * fraction, LOW.width), dtype=np.int16)
        ref_path = FRAMES / f"{seg_id}-{i}.png"
        if os.environ.get(REFRESH_VAR):
            FRAMES.mkdir(parents=True, exist_ok=True)
            Image.fromarray(frame.astype(np.uint8)).save(ref_path)
            continue
        if not ref_path.exists():
            changes.append(f"{seg_id}: no control frame {ref_path.name} (refresh them: just refresh-frames)")
            continue
        ref = np.asarray(Image.open(ref_path).convert("RGB"), dtype=np.int16)
        changed = float((np.abs(frame - ref).max(axis=-1) > PIXEL_TOLERANCE).mean()) if ref.shape == frame.shape else 1
        if changed > CHANGED_SHARE:
            changes.append(f"{seg_id}: control frame {i} at {seconds * fraction:.1f} s changed in {changed:.1%} of "
                           f"its pixels (if deliberate: just refresh-frames)")
    return changes


@pytest.mark.slow
def test_every_scene_renders_at_its_narrations_length_and_looks_as_it_did(recording_dir, tmp_path, workers):
    """Every Scene of the storyboard runs on the real recording, fills its narration to the frame, draws every
    frame as Manim's own renderer would (the render's redraws only where something moves), its control frames
    match the stored ones, and its composition checks find nothing (two scene workers, at 256×144)."""
    scenes = [seg for seg in load_storyboard(check_files=False) if seg.visual == "scene"]

    def problem(seg) -> list[str]:
        _, narration, context = context_for(seg.id, recording_dir, tmp_path / seg.id)
        try:
            clip = render_scene(seg, LOW, context, tmp_path / f"{seg.id}.mp4", narration["seconds"], CRF, workers,
                                check=True)
        except UserError as err:
            return [f"{seg.id}: {err}"]
        info = probe(clip)
        size = (info["video"]["width"], info["video"]["height"])
        return ([] if size == (256, 144) else [f"{seg.id}: rendered at {size}"]) + \
            picture_changes(seg.id, clip, narration["seconds"]) + \
            layout_lines(seg.id, clip)

    with ThreadPoolExecutor(2) as pool:
        problems = [p for found in pool.map(problem, scenes) for p in found]
    assert len(scenes) == 28 and not problems, "\n".join(problems)


@pytest.mark.slow
def test_a_missing_cue_mark_stops_the_render_naming_scene_line_and_script(recording_dir, tmp_path, workers):
    seg, narration, context = context_for("13-doer-role", recording_dir, tmp_path)
    marks = {k: v for k, v in read_context(context).marks.items() if k != "turns"}
    _, _, context = context_for("13-doer-role", recording_dir, tmp_path / "broken", marks=marks)
    with pytest.raises(UserError, match=r"scenes/hierarchy\.py:\d+: cue mark .turns. is not in "
                                        r"scripts/13-doer-role\.txt"):
        render_scene(seg, LOW, context, tmp_path / "13.mp4", narration["seconds"], CRF, workers)
    assert not (tmp_path / "13.mp4").exists()
