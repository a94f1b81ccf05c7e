"""Faults a careful user meets: a cache entry damaged in place, a film that does not decode, two runs on one build
folder, a retrain that only took another time, a killed training run. Each by its mechanism, with real files and
real processes, in a few seconds."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from media_samples import clip

from core.context import SceneContext, write_context
from core.lock import build_lock
from core.paths import ROOT
from core.recordings import RECORDING_FILES, load_recording
from core.settings import MusicSettings, Settings, VideoSettings
from core.storyboard import load_storyboard
from pipeline import render, verify
from pipeline.assemble import Placement, concat_list, picture_command
from pipeline.common import made_once
from pipeline.ffmpeg import decode_mono_reporting

FAKE_SUMMARY = Path(__file__).parent / "fixtures" / "summary.json"


def keep_stat(path: Path, data: bytes) -> None:
    """Rewrite a file in place keeping its size and modification time, as bit rot or a bad copy would."""
    stat = path.stat()
    assert len(data) == stat.st_size
    path.write_bytes(data)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def flipped(data: bytes, at: int, count: int = 64) -> bytes:
    return data[:at] + bytes(b ^ 0xFF for b in data[at:at + count]) + data[at + count:]


# --- cache entries sealed by their digest ------------------------------------------------------------------------

def test_a_cache_entry_with_flipped_bytes_is_rebuilt_though_size_and_mtime_are_kept(tmp_path):
    made = []

    def make(out: Path) -> None:
        made.append(out)
        out.write_bytes(b"a clip " * 1000)

    entry = tmp_path / "clip.mp4"
    made_once(entry, make)
    made_once(entry, make)
    assert len(made) == 1                                   # an intact entry is reused
    keep_stat(entry, flipped(entry.read_bytes(), 3000))
    made_once(entry, make)
    assert len(made) == 2 and entry.read_bytes() == b"a clip " * 1000


# --- the film decoded in full, a segment at a time ------------------------------------------------------------

SEGMENTS = [Placement("01-title", 0.0, 2.0), Placement("02-hook", 2.0, 2.0), Placement("03-task", 4.0, 2.0)]


def joined(clips: list[Path], out: Path) -> Path:
    """A film's picture as the film stage joins one: segment clips, each starting on a keyframe, by stream copy."""
    listing = out.with_suffix(".txt")
    listing.write_text(concat_list(clips))
    subprocess.run(picture_command(listing, out), check=True)
    return out


@pytest.fixture(scope="module")
def film(tmp_path_factory) -> Path:
    """6 s in three segments of 2 s, in CAVLC (x264 ultrafast), in which ffmpeg reports nearly every damaged block
    (19 of 20 flips of 64 bytes). In CABAC, as the film is encoded, it notices only about half (8 of 20 at
    superfast, 11 at fast): which is why cache entries are sealed by their digest, and decoding is the second
    check, not the only one."""
    d = tmp_path_factory.mktemp("decode")
    return joined([clip(d / f"{i}.mp4", 2.0, width=640, height=360, preset="ultrafast") for i in range(3)],
                  d / "film.mp4")


def damaged(film: Path, out: Path, where: float) -> Path:
    """The film with bytes flipped at a share `where` of its picture data."""
    data = film.read_bytes()
    start = data.index(b"mdat") + 8
    out.write_bytes(flipped(data, start + round(where * (len(data) - start - 200))))
    return out


def check(path: Path, report: Path) -> dict:
    return verify.decode_check(path, SEGMENTS, 6.0, report)


def test_a_clean_film_decodes_without_errors_a_segment_at_a_time(film, tmp_path):
    found = check(film, tmp_path / "report.json")
    # the three segments are the same picture: one stretch, decoded once
    assert found["count"] == 0 and found["decoded"] == 1 and len(found["stretches"]) == 1


@pytest.mark.parametrize("where", [0.15, 0.5, 0.85])       # one in each segment
def test_damage_in_any_segment_is_found(film, tmp_path, where):
    bad = damaged(film, tmp_path / "bad.mp4", where)
    found = check(bad, tmp_path / "report.json")
    assert found["count"] > 0 and found["errors"]


def test_verification_decodes_only_the_segments_it_has_not_seen(film, tmp_path):
    """The report keeps each segment's answer under the digest of its packets: the same bytes again decode
    nothing, and a film with one segment changed decodes that segment only."""
    report = tmp_path / "report.json"
    first = check(film, report)
    report.write_text(json.dumps({"decoding": first}))
    assert check(film, report) == {**first, "decoded": 0}
    d = tmp_path / "edit"
    d.mkdir()
    other = clip(d / "new.mp4", 2.0, width=640, height=360, preset="ultrafast", color="navy")
    originals = sorted(film.parent.glob("[0-9].mp4"))
    edited = check(joined([originals[0], other, originals[2]], d / "edited.mp4"), report)
    assert edited["decoded"] == 1 and edited["count"] == 0
    assert set(first["stretches"]) < set(edited["stretches"])
    # a segment that only moved (the one before it got longer) keeps its digest: only the longer one is decoded
    longer = clip(d / "longer.mp4", 3.0, width=640, height=360, preset="ultrafast", color="olive")
    moved = [Placement("01-title", 0.0, 3.0), Placement("02-hook", 3.0, 2.0), Placement("03-task", 5.0, 2.0)]
    shifted = verify.decode_check(joined([longer, originals[1], originals[2]], d / "moved.mp4"), moved, 7.0, report)
    assert shifted["decoded"] == 1 and list(shifted["stretches"])[1:] == list(first["stretches"])
    bad = damaged(film, tmp_path / "bad.mp4", 0.5)
    assert check(bad, report)["count"] > 0          # damaged bytes are other bytes: decoded afresh
    # what was decoded ahead (the render decodes the picture before the film is muxed) counts for the same packets
    # only: with no report at all, the film decodes nothing more, and a damaged one is still decoded and caught
    ahead = first["stretches"]
    assert verify.decode_check(film, SEGMENTS, 6.0, tmp_path / "none.json", ahead)["decoded"] == 0
    assert verify.decode_check(bad, SEGMENTS, 6.0, tmp_path / "none.json", ahead)["count"] > 0


def test_the_clips_decoded_as_they_are_made_are_the_films_stretches(film, tmp_path):
    """The render decodes each clip as soon as it is made; the join copies their packets as they are, so those
    decodings stand for the film's stretches and the film stage decodes nothing more, while a damaged clip is
    caught when it is decoded."""
    d = tmp_path / "edit"
    d.mkdir()
    clips = [sorted(film.parent.glob("[0-9].mp4"))[0],
             clip(d / "new.mp4", 2.0, width=640, height=360, preset="ultrafast", color="navy")]
    edited = joined([clips[0], clips[1], clips[0]], d / "edited.mp4")
    known = {**verify.clip_decoding(clips[0]), **verify.clip_decoding(clips[1])}
    assert verify.decode_check(edited, SEGMENTS, 6.0, tmp_path / "none.json", known)["decoded"] == 0
    bad = damaged(clips[1], d / "bad.mp4", 0.5)
    assert sum(found["count"] for found in verify.clip_decoding(bad).values()) > 0


def test_verify_fails_a_film_that_does_not_decode(film, tmp_path):
    settings = Settings(video=VideoSettings(width=640, height=360, fps=30), music=MusicSettings(tail_seconds=0.0))

    def problems(path: Path) -> list[str]:
        try:
            verify.verify(path, SEGMENTS, {"segments": []}, [], [], settings,
                          report_path=tmp_path / f"{path.stem}.json")
        except verify.VerifyError as err:
            return err.problems
        return []

    assert not [p for p in problems(film) if "decode error" in p]
    bad = damaged(film, tmp_path / "bad.mp4", 0.5)
    assert [p for p in problems(bad) if "decode error(s), first: [h264" in p]


def test_damaged_sound_is_a_decode_error(tmp_path):
    """The sound is decoded once, for listening; the errors of that pass are the film's sound's errors."""
    sound = tmp_path / "sound.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=6", "-c:a", "aac", str(sound)],
                   check=True)
    clean = decode_mono_reporting([sound])[1]
    data = sound.read_bytes()
    start = data.index(b"mdat") + 8
    bad = tmp_path / "bad.m4a"
    bad.write_bytes(flipped(flipped(data, start + 2000), start + 9000))
    assert clean == [] and decode_mono_reporting([bad])[1]


# --- one run per build folder ------------------------------------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from core.lock import build_lock
with build_lock(Path(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(60)
"""


def holder(folder: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_a_second_run_on_the_build_folder_stops_naming_the_first_runs_pid(tmp_path):
    first = holder(tmp_path)
    try:
        second = subprocess.run([sys.executable, "-m", "pipeline", "preview", "01"], cwd=ROOT, capture_output=True,
                                text=True, env={**os.environ, "HRM_BUILD": str(tmp_path)}, timeout=60)
        lines = [line for line in second.stderr.splitlines() if line.strip()]
        assert second.returncode == 1 and len(lines) == 1, second.stderr
        assert f"another run (PID {first.pid})" in lines[0] and str(tmp_path) in lines[0]
        assert not (tmp_path / "preview").exists() and not (tmp_path / "cache").exists()   # it did nothing
    finally:
        first.kill()
        first.wait()


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path):
    killed = holder(tmp_path)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert (tmp_path / ".lock").read_text().strip() == str(killed.pid)      # the file stays behind
    with build_lock(tmp_path):
        assert (tmp_path / ".lock").read_text().strip() == str(os.getpid())
        with build_lock(tmp_path):                       # re-entrant: the chain may call a stage that locks
            pass
        other = subprocess.run([sys.executable, "-c", HOLD, str(tmp_path)], cwd=ROOT, capture_output=True,
                               text=True, timeout=30)
        assert other.returncode != 0 and f"another run (PID {os.getpid()})" in other.stderr
    second = holder(tmp_path)                           # released when the block ends
    second.kill()
    second.wait()


# --- scene keys hold what pictures draw --------------------------------------------------------------------------

def fake_recording(folder: Path) -> Path:
    folder.mkdir()
    summary = json.loads(FAKE_SUMMARY.read_text())
    (folder / "summary.json").write_text(json.dumps({**summary, "train_seconds": 417.98}))
    for name in RECORDING_FILES[1:]:
        (folder / f"{name}.json").write_text(json.dumps({"drawn": name}))
    (folder / "study.json").write_text(json.dumps({"jobs": [{"variant": "hrm", "seconds": 16.1}]}))
    return folder


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_a_retrain_that_only_took_longer_keeps_every_scene_key_and_a_drawn_number_changes_it(tmp_path):
    recording = fake_recording(tmp_path / "model")
    seg = next(s for s in load_storyboard(check_files=False) if s.visual == "scene")
    context = write_context(tmp_path / "context.json", SceneContext(
        segment=seg.id, part=seg.part, part_segments=(seg.id,), seconds=5.0, script=None, marks={}, theme="dark",
        reduced_motion=False, seed=7, recording=str(recording), links={}, paper={}))
    quality = render.Quality(854, 480, 15)

    def key() -> str:
        return render.scene_key(seg, quality, context, 18)

    before = key()
    edit_json(recording / "summary.json", lambda s: s.update(train_seconds=612.5))
    edit_json(recording / "study.json", lambda s: s["jobs"][0].update(seconds=20.3))
    assert key() == before
    assert "train_seconds" not in load_recording(recording).summary        # so no scene can draw it
    edit_json(recording / "summary.json", lambda s: s["hrm"].update(heldout_success=0.5))
    assert key() != before


# --- training workers die with their parent ----------------------------------------------------------------------

POOL = """
import multiprocessing, time
from core.processes import worker_pool
with worker_pool(2) as pool:
    jobs = [pool.submit(time.sleep, 120) for _ in range(2)]
    while len(multiprocessing.active_children()) < 2:
        time.sleep(0.05)
    print(*[p.pid for p in multiprocessing.active_children()], flush=True)
    time.sleep(120)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")                      # a zombie has ended, it only waits to be reaped


def killing_the_parent_ends(parent: subprocess.Popen, workers: list[int]) -> None:
    """Kill the pool's parent with -9: its workers must end within 5 s (and are killed here if they do not)."""
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:                                     # do not leave them behind if the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == []


def test_killing_the_parent_of_a_worker_pool_ends_its_workers(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", POOL], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2 and all(alive(pid) for pid in workers)
    killing_the_parent_ends(parent, workers)


# --- the machine's faults as one line ----------------------------------------------------------------------------

def test_machine_faults_name_the_file_or_the_folder_and_leave_other_errors_alone():
    import errno

    from core.errors import UserError, machine_faults
    with pytest.raises(UserError, match=r"^build/cache/x\.wav: not permitted"):
        with machine_faults("build"):
            raise PermissionError(errno.EPERM, "Operation not permitted", str(ROOT / "build" / "cache" / "x.wav"))
    with pytest.raises(UserError, match=r"^build/narration: no space left on the device"):
        with machine_faults("build/narration"):
            raise OSError(errno.ENOSPC, "No space left on device")       # a write names no file
    with pytest.raises(FileNotFoundError):                              # a bug, not the machine: its traceback stays
        with machine_faults("build"):
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", "x")


THREAD_POOL = """
import multiprocessing, threading, time
from core.processes import worker_pool
with worker_pool(2) as pool:
    def submit():               # workers started by a thread that then ends, as the render's segment threads do
        global jobs
        jobs = [pool.submit(time.sleep, 1.5) for _ in range(2)]
    starter = threading.Thread(target=submit)
    starter.start()
    starter.join()
    time.sleep(0.5)
    print(*[job.result() is None for job in jobs], flush=True)       # they outlive the thread that started them
    print(*[p.pid for p in multiprocessing.active_children()], flush=True)
    time.sleep(120)
"""


def test_workers_outlive_the_thread_that_started_them_but_not_their_parent():
    parent = subprocess.Popen([sys.executable, "-c", THREAD_POOL], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert parent.stdout.readline().split() == ["True", "True"]
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2 and all(alive(pid) for pid in workers)
    killing_the_parent_ends(parent, workers)
