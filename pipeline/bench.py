"""`just bench`: how fast the pipeline is, measured on this machine, side by side in one run, as one table.

Runs in a fresh build folder (HRM_BUILD), so the cold numbers are really cold and build/ is left alone: the train
stage (the whole study, with its core-seconds by job), a cold render from the recording (narration, every segment,
the film, its companions, verification), the same scenes rendered as a user would without this pipeline (the Manim
CLI at the film's size, one scene after another, joined by ffmpeg), a re-run with nothing changed, a re-run after
editing one script (restored afterwards), a preview of one segment, and the voice's real-time factor. Peak memory is
the largest resident set of any one process of each run.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from core.paths import ROOT, SCRIPTS

EDITED = "07-task-goal"          # the script the one-edit run changes (a word added, then restored)
PREVIEWED = "06-task-intro"     # in the smoke subset too


def timed(args: list, build: Path, peaks: dict, name: str, env: dict | None = None) -> float:
    """Seconds a command took. Its peak memory (MB: the largest resident set of it or any process it waited for,
    as the kernel reports at wait4) is kept in peaks[name], the largest over every call with that name."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([str(a) for a in args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, "HRM_BUILD": str(build), **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"bench: {' '.join(map(str, args))} failed:\n{err.read().decode()[-2000:]}")
    peaks[name] = max(peaks.get(name, 0.0), usage.ru_maxrss / 1024)
    return seconds


def plain_manim(build: Path, peaks: dict) -> float:
    """The film's scenes as a user would render them without this pipeline: the Manim CLI at 1080p30 with its
    defaults, one process after another, then ffmpeg joining the clips (stream copy). Each scene reads the context
    the pipeline wrote (its narration's length and cue times), so both renders draw the same frames."""
    from core.storyboard import load_storyboard
    python = Path(sys.executable)
    scenes = [s for s in load_storyboard() if s.visual == "scene"]
    media = build / "plain-manim"
    seconds = 0.0
    for seg in scenes:
        export = subprocess.run([python, "-m", "pipeline", "context", seg.id], cwd=ROOT, capture_output=True,
                                text=True, env={**os.environ, "HRM_BUILD": str(build)}, check=True).stdout
        context = export.strip().splitlines()[-1].split("=", 1)[1]
        seconds += timed([python.with_name("manim"), "render", "--progress_bar", "none", "-r", "1920,1080",
                          "--fps", "30", "--media_dir", media, "-o", seg.id, seg.scene_file, seg.scene_class],
                         build, peaks, "plain manim", env={"HRM_SCENE_CONTEXT": context})
    clips = [next(media.glob(f"videos/*/1080p30/{seg.id}.mp4")) for seg in scenes]     # not the partial movies
    listing = media / "clips.txt"
    listing.write_text("".join(f"file '{c}'\n" for c in clips))
    return seconds + timed(["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", listing, "-c",
                            "copy", media / "joined.mp4"], build, peaks, "plain manim")


def measure(build: Path, extra: list[str], baseline: bool, recording: Path | None) -> dict:
    render = [sys.executable, "-m", "pipeline", "render", *extra]
    peaks: dict = {}
    if recording:       # a finished recording: the train stage's time is the one it recorded
        shutil.copytree(recording, build / "model")
        m = {"train": json.loads((build / "model" / "summary.json").read_text())["train_seconds"]}
    else:
        m = {"train": timed([sys.executable, "-m", "model.record", *(["--quick"] if "--quick" in extra else [])],
                            build, peaks, "train")}
    m["train_recorded"] = bool(recording)
    m["study"] = json.loads((build / "model" / "study.json").read_text())
    from pipeline.build import model_key
    (build / "model" / ".key").write_text(model_key("--quick" in extra))   # the recording just made is current
    m["cold"] = timed(render, build, peaks, "cold render")
    m["video"] = json.loads((build / "report.json").read_text())["seconds"]["video"]
    m["speech"] = json.loads((build / "narration" / "timings.json").read_text())["total_seconds"]
    m["again"] = timed(render, build, peaks, "no change")
    script = SCRIPTS / f"{EDITED}.txt"
    original = script.read_text()
    try:
        script.write_text(original.replace("The goal is", "The goal here is", 1))
        m["edit"] = timed(render, build, peaks, "one edit")
    finally:
        script.write_text(original)
    m["preview"] = timed([sys.executable, "-m", "pipeline", "preview", PREVIEWED], build, peaks, "preview")
    m["plain"] = plain_manim(build, peaks) if baseline else None
    m["peaks"] = {k: v for k, v in peaks.items() if not k.startswith("_")}
    return m


def voice_rtf(build: Path) -> float:
    """Seconds of synthesis per second of speech, on three lines spoken anew."""
    from core.settings import load_settings
    from pipeline.tts import make_voice, read_wav
    voice = make_voice(load_settings().voice)
    lines = [(SCRIPTS / f"{n}.txt").read_text().strip() for n in ("07-task-goal", "10-hierarchy-why", "29-cta")]
    spent = heard = 0.0
    for i, line in enumerate(lines):
        wav = build / f"rtf-{i}.wav"
        started = time.perf_counter()
        voice.synthesize(line, wav)
        spent += time.perf_counter() - started
        samples, rate = read_wav(wav)
        heard += len(samples) / rate
    return spent / heard


def table(m: dict, rtf: float) -> Table:
    t = Table(title="just bench (2 cores)")
    for col in ("measure", "value", "ratio", "goal", "met"):
        t.add_column(col)
    cold, video = m["cold"], m["video"]
    rows = [
        ("train stage (the whole study)" + (", as recorded" if m["train_recorded"] else ""), f"{m['train']:.0f} s",
         "—", "< 180 s (issue 10: blocked)", m["train"] < 180),
        ("cold render from the recording", f"{cold:.0f} s", f"{cold / video:.2f} × the film ({video:.0f} s)",
         "≤ 0.8 × the film", cold <= 0.8 * video),
    ]
    if m["plain"] is not None:
        rows.append(("the same scenes, plain manim + ffmpeg", f"{m['plain']:.0f} s",
                     f"cold render = {cold / m['plain']:.2f} × this", "—", True))
    rows += [
        ("no-change re-run", f"{m['again']:.1f} s", "—", "≤ 3 s", m["again"] <= 3),
        ("one script edited, rebuilt and verified", f"{m['edit']:.1f} s", f"{m['edit'] / cold:.0%} of cold",
         "≤ 12 % of cold", m["edit"] <= 0.12 * cold),
        (f"preview {PREVIEWED}", f"{m['preview']:.1f} s", "—", "≤ 10 s", m["preview"] <= 10),
        ("voice real-time factor", f"{rtf:.2f}", "s per s of speech", "—", True),
        *[(f"peak memory: {name}", f"{mb:.0f} MB", "largest process", "—", True) for name, mb in m["peaks"].items()],
    ]
    for name, value, ratio, goal, met in rows:
        t.add_row(name, value, ratio, goal, "yes" if met else "no")
    return t


def study_table(study: dict) -> Table:
    """Where the train stage's time goes: core-seconds per kind of job (two workers share two cores)."""
    t = Table(title="train stage: core-seconds by job")
    for col in ("jobs", "count", "core-s", "share"):
        t.add_column(col)
    groups: dict[str, list[float]] = {}
    for b in study["bases"]:
        groups.setdefault(f"base stage: {b['base']}", []).append(b["seconds"])
    for j in study["jobs"]:
        kind = "fine-tune" if j["main"] else "sweep"
        groups.setdefault(f"{kind}: {j['variant']}", []).append(j["seconds"])
    total = sum(sum(v) for v in groups.values())
    for name, secs in sorted(groups.items(), key=lambda kv: -sum(kv[1])):
        t.add_row(name, str(len(secs)), f"{sum(secs):.0f}", f"{sum(secs) / total:.0%}")
    t.add_row("all", str(sum(len(v) for v in groups.values())), f"{total:.0f}", "100%")
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="a few segments at preview quality (minutes, not tens)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the plain-manim render of every scene")
    ap.add_argument("--recording", type=Path, help="start from this finished recording instead of training")
    args = ap.parse_args(argv)
    extra = ["--quick", "--preview-quality", "--only", "01", "06", "07", "10", "11", "17", "18", "30"] \
        if args.smoke else []
    with tempfile.TemporaryDirectory(prefix="hrm-bench-") as tmp:
        build = Path(tmp)
        m = measure(build, extra, not (args.smoke or args.no_baseline), args.recording)
        rtf = voice_rtf(build)
    console = Console()
    console.print(table(m, rtf))
    console.print(study_table(m["study"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
