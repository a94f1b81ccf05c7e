"""`just bench`: how fast the pipeline is, measured on this machine, as one table.

Runs in a fresh build folder (HRM_BUILD), so the cold numbers are really cold and build/ is left alone: the train
stage (the whole study, with its core-seconds by job), a cold full render (with narration), a re-run with nothing
changed, a re-run after editing one script (restored afterwards), a preview of one segment, and the voice's
real-time factor.
"""
from __future__ import annotations

import argparse
import json
import os
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


def timed(args: list[str], build: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, env={**os.environ, "HRM_BUILD": str(build)},
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return time.perf_counter() - started


def measure(build: Path, extra: list[str]) -> dict:
    render = ["-m", "pipeline", "render", *extra]
    m = {"train": timed(["-m", "model.record"], build)}
    m["study"] = json.loads((build / "model" / "study.json").read_text())
    (build / "model" / ".key").unlink(missing_ok=True)     # render re-checks the recording through its own key
    m["cold"] = timed(render, build)
    report = json.loads((build / "report.json").read_text())
    m["video"] = report["seconds"]["video"]
    timings = json.loads((build / "narration" / "timings.json").read_text())
    m["speech"] = timings["total_seconds"]
    m["again"] = timed(render, build)
    script = SCRIPTS / f"{EDITED}.txt"
    original = script.read_text()
    try:
        script.write_text(original.replace("The goal is", "The goal here is", 1))
        m["edit"] = timed(render, build)
    finally:
        script.write_text(original)
    m["preview"] = timed(["-m", "pipeline", "preview", PREVIEWED], build)
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
    for col in ("measure", "value", "goal", "met"):
        t.add_column(col)
    rows = [
        ("train stage (the whole study)", f"{m['train']:.0f} s", "< 180 s", m["train"] < 180),
        ("cold full render", f"{m['cold']:.0f} s = {m['cold'] / m['video']:.2f} × video ({m['video']:.0f} s)",
         "≤ 0.5 × video", m["cold"] <= 0.5 * m["video"]),
        ("no-change re-run", f"{m['again']:.1f} s", "≤ 5 s", m["again"] <= 5),
        ("one script edited", f"{m['edit']:.1f} s = {m['edit'] / m['cold']:.0%} of cold", "≤ 10 % of cold",
         m["edit"] <= 0.1 * m["cold"]),
        (f"preview {PREVIEWED}", f"{m['preview']:.1f} s", "≤ 10 s", m["preview"] <= 10),
        ("voice real-time factor", f"{rtf:.2f} s per s of speech", "—", True),
    ]
    for name, value, goal, met in rows:
        t.add_row(name, value, goal, "yes" if met else "no")
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
    args = ap.parse_args(argv)
    extra = ["--quick", "--preview-quality", "--only", "01", "06", "07", "10", "11", "17", "18", "30"] \
        if args.smoke else []
    with tempfile.TemporaryDirectory(prefix="hrm-bench-") as tmp:
        build = Path(tmp)
        m = measure(build, extra)
        rtf = voice_rtf(build)
    console = Console()
    console.print(table(m, rtf))
    console.print(study_table(m["study"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
