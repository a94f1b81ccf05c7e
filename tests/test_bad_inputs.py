"""Bad inputs: each gives one clear line naming the file (and line), a non-zero exit, no partial output, and keeps
earlier finished work. The CLIs run on a copy of the project, so the real config and scripts are never touched."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.paths import ROOT

IGNORE = shutil.ignore_patterns("build", ".venv", ".git", "__pycache__", "*.egg-info", ".pytest_cache", "media")


@pytest.fixture()
def project(tmp_path, recording_dir):
    """A copy of the project whose build folder already holds the session's recording (with its cache key)."""
    from pipeline.build import model_key
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=IGNORE)
    shutil.copytree(recording_dir, copy / "build" / "model")
    (copy / "build" / "model" / ".key").write_text(model_key(False))
    return copy


def run(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "HRM_BUILD": str(project / "build"), **(env or {})})


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_malformed_yaml_names_file_and_line(project):
    edit(project / "config" / "settings.yaml", "  fps: 30\n", "  fps: [30\n")
    line = one_line_error(run(project, "pipeline", "preview", "06"))
    assert "config/settings.yaml:" in line and "malformed YAML" in line


def test_unknown_segment_id(project):
    line = one_line_error(run(project, "pipeline", "preview", "99-nope"))
    assert "config/storyboard.yaml" in line and "99-nope" in line


def test_unknown_scene_class_names_storyboard_line(project):
    edit(project / "config" / "storyboard.yaml", "scene: task.TaskIntro", "scene: task.NoSuchScene")
    line = one_line_error(run(project, "pipeline", "preview", "06"))
    assert "config/storyboard.yaml:" in line and "NoSuchScene" in line and "scenes/task.py" in line


def test_missing_script(project):
    (project / "scripts" / "07-task-goal.txt").unlink()
    line = one_line_error(run(project, "pipeline", "preview", "07"))
    assert "missing script scripts/07-task-goal.txt" in line


def test_missing_svg(project):
    (project / "assets" / "title.svg").unlink()
    line = one_line_error(run(project, "pipeline", "preview", "01"))
    assert "missing asset assets/title.svg" in line


def test_missing_voice_file_names_the_setting(project):
    edit(project / "config" / "settings.yaml", "piper_model: null", "piper_model: voices/nope.onnx")
    line = one_line_error(run(project, "pipeline.narrate", "--only", "07"))
    assert "voices/nope.onnx" in line and "voice.piper_model" in line
    assert not (project / "build" / "narration").exists()


def test_script_breaking_tts_rules_stops_before_any_audio(project):
    edit(project / "scripts" / "07-task-goal.txt", "The goal is", "What is the goal? It is")
    proc = run(project, "pipeline.narrate")
    assert proc.returncode == 1
    assert "scripts/07-task-goal.txt:1:" in proc.stdout + proc.stderr and "TTS003" in proc.stdout + proc.stderr
    assert not (project / "build" / "narration").exists()


def test_placeholder_without_a_measured_value(project):
    edit(project / "scripts" / "09-task-trained.txt", "{hrm.heldout_success|pct}", "{hrm.no_such_metric|pct}")
    proc = run(project, "pipeline.lint", "scripts/09-task-trained.txt")
    assert proc.returncode == 1
    assert "scripts/09-task-trained.txt:1:" in proc.stdout and "hrm.no_such_metric" in proc.stdout


@pytest.mark.parametrize("command", [["preview", "01"], ["render"]])
def test_missing_ffmpeg_is_found_before_any_work(project, tmp_path, command):
    bin_dir = tmp_path / "bin"                  # a PATH with python and manim but no ffmpeg/ffprobe
    bin_dir.mkdir()
    for tool in ("python3",):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    line = one_line_error(run(project, "pipeline", *command, env={"PATH": str(bin_dir)}))
    assert "ffmpeg" in line and "not found" in line and "just setup" in line
    assert not (project / "build" / "narration").exists() and not (project / "build" / "cache").exists()


def test_corrupt_cache_entry_is_rebuilt(project):
    assert run(project, "pipeline", "preview", "01").returncode == 0
    clips = list((project / "build" / "cache" / "stills").glob("01-title-*.mp4"))
    assert len(clips) == 1
    clips[0].write_bytes(clips[0].read_bytes()[:1000])          # truncated, as by a crash or a bad disk
    assert run(project, "pipeline", "preview", "01").returncode == 0
    assert clips[0].stat().st_size > 1000                        # detected by its seal (size, digest), made again
    assert (project / "build" / "preview" / "01-title.mp4").stat().st_size > 1000


def test_bad_model_config_leaves_the_recording_alone(project):
    before = (project / "build" / "model" / "summary.json").read_bytes()
    edit(project / "config" / "settings.yaml", "  n_cells: 10", "  n_cells: 2")
    line = one_line_error(run(project, "model.record"))
    assert "world.n_cells" in line
    assert (project / "build" / "model" / "summary.json").read_bytes() == before


@pytest.mark.parametrize("old, new, command, key", [
    ("  jobs: 2 ", "  jobs: 0 ", ["render"], "'video.jobs' must be at least 1"),
    ("  preview_width: 854", "  preview_width: 0", ["preview", "06"], "'video.preview_width' must be at least 2"),
    ("  fps: 30\n", "  fps: 0\n", ["render"], "'video.fps' must be at least 1"),
    ("  width: 1920", "  width: 1921", ["render"], "'video.width' must be even"),
    ("  n_cells: 10", "  n_cells: 2", ["train"], "'world.n_cells' must be at least 3"),
    ("  showcase: [[4, 1], [5, 8], [4, 7], [5, 2], [0, 6], [8, 3], [2, 5], [7, 1]]", "  showcase: []", ["train"],
     "'data.showcase' must list at least one"),
    ("  crf: 18\n", "  crf: 18\n  fps: 24\n", ["render"], "duplicate key 'video.fps'"),
])
def test_a_bad_setting_is_one_line_naming_it_and_its_line_before_any_work(project, old, new, command, key):
    settings = project / "config" / "settings.yaml"
    edit(settings, old, new)
    line = one_line_error(run(project, "pipeline", *command))
    assert key in line and re.search(r"config/settings.yaml:\d+: ", line), line
    number = int(re.search(r"settings.yaml:(\d+)", line)[1])
    assert key.split("'")[1].split(".")[-1] in settings.read_text().splitlines()[number - 1]    # the right line
    assert not (project / "build" / "narration").exists() and not (project / "build" / "cache").exists()


# --- the machine's faults: a full disk, a folder that cannot be written ----------------------------------------

@pytest.fixture()
def small_disk(tmp_path):
    """A 100 kB file system (tmpfs), the size of a disk about to fill up; skipped where mounting is not allowed."""
    where = tmp_path / "disk"
    where.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=100k", "tmpfs", str(where)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root and a mount namespace")
    yield where
    subprocess.run(["umount", str(where)], check=True)


def test_a_full_disk_is_one_line_leaves_nothing_half_written_and_a_rerun_with_room_recovers(project, small_disk):
    build = small_disk / "build"
    (build / "model").mkdir(parents=True)
    for name in ("summary.json", ".key"):            # what narration reads: the numbers its lines say
        shutil.copy(project / "build" / "model" / name, build / "model" / name)
    narrate = ("pipeline.narrate", "--only", "05", "--backend", "espeak")
    line = one_line_error(run(project, *narrate, env={"HRM_BUILD": str(build)}))
    assert line.startswith(f"error: {build / 'narration'}: no space left on the device")
    assert not [p for p in build.rglob("*") if ".partial" in p.name]
    subprocess.run(["mount", "-o", "remount,size=20m", str(small_disk)], check=True)
    again = run(project, *narrate, env={"HRM_BUILD": str(build)})
    assert again.returncode == 0, again.stderr
    assert (build / "narration" / "05-preview.wav").stat().st_size > 0


@pytest.mark.parametrize("command", [("pipeline", "preview", "05"), ("pipeline.narrate", "--only", "05")])
def test_an_immutable_build_folder_is_one_line_naming_it(project, command):
    build = project / "build"
    if subprocess.run(["chattr", "+i", str(build)], capture_output=True).returncode:
        pytest.skip("chattr +i is not supported on this file system")
    try:
        line = one_line_error(run(project, *command))
    finally:
        subprocess.run(["chattr", "-i", str(build)], check=True)
    assert line == "error: build: cannot lock the build folder (Operation not permitted)"


def test_an_immutable_cache_folder_is_one_line_naming_the_file(project):
    cache = project / "build" / "cache" / "narration"
    cache.mkdir(parents=True)
    subprocess.run(["chattr", "+i", str(cache)], check=True)
    try:
        line = one_line_error(run(project, "pipeline.narrate", "--only", "05", "--backend", "espeak"))
    finally:
        subprocess.run(["chattr", "-i", str(cache)], check=True)
    assert re.fullmatch(r"error: build/cache/narration/\S+: not permitted .*", line), line


def test_a_smoke_render_leaves_the_finished_film_alone(project):
    """Smoke flags in the default build folder build in build/smoke/ instead, from a copy of the recording."""
    film = project / "build" / "hrm-explainer.mp4"
    film.write_bytes(b"the finished film")
    env = {k: v for k, v in os.environ.items() if k != "HRM_BUILD"}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "render", "--preview-quality", "--only", "01", "02"],
                          cwd=project, capture_output=True, text=True, env=env)
    assert "building in build/smoke/" in proc.stderr    # (a two-segment film then fails verify's chapter rule)
    assert film.read_bytes() == b"the finished film"
    assert (project / "build" / "smoke" / "model" / "summary.json").exists()
    assert (project / "build" / "smoke" / "hrm-explainer.mp4").exists()
