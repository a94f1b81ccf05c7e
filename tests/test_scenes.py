"""Scenes render from the recording at low resolution and last exactly as long as their narration."""
import pytest

from pipeline.ffmpeg import probe
from pipeline.render import Quality, manim_command, render_scene
from pipeline.settings import load_storyboard
from scenes.recording import load_narration

LOW = Quality(256, 144, 10)


@pytest.fixture()
def build_dir(recording_dir, monkeypatch):
    """A build folder holding the session's recording; scenes rendered in a subprocess read it via HRM_BUILD."""
    monkeypatch.setenv("HRM_BUILD", str(recording_dir.parent))
    return recording_dir.parent


def test_manim_command_is_plain_cli(tmp_path):
    seg = next(s for s in load_storyboard(check_files=False) if s.id == "06-task-intro")
    cmd = manim_command(seg, LOW, tmp_path, "clip")
    assert cmd[0].endswith("manim") and cmd[-2:] == ["scenes/task.py", "TaskIntro"]
    assert ["-r", "256,144"] == cmd[cmd.index("-r"):cmd.index("-r") + 2] and "--disable_caching" in cmd


@pytest.mark.slow
@pytest.mark.parametrize("seg_id", ["06-task-intro", "08-task-untrained"])
def test_scene_fills_its_narration_exactly(build_dir, tmp_path, seg_id):
    seg = next(s for s in load_storyboard(check_files=False) if s.id == seg_id)
    seconds = load_narration(seg_id, None, build_dir / "narration").seconds
    out = render_scene(seg, LOW, tmp_path / f"{seg_id}.mp4", seconds)
    info = probe(out)
    assert abs(info["video"]["frames"] - round(seconds * LOW.fps)) <= 1
    assert (info["video"]["width"], info["video"]["height"]) == (256, 144)
