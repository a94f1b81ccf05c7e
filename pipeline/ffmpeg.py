"""ffprobe and ffmpeg as data: `probe` reads a media file; the builders return argument lists that tests check
without running anything; `run` executes one (optionally with a rich progress bar) through `run_tool`;
`decode_mono` hands files' sound to numpy at the analysis rate (what verification hears).

Every builder is pure: the same arguments give the same list, so a command is part of a stage's cache key.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import re
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from core.errors import UserError
from core.paths import rel
from pipeline.common import require_tool, run_tool

AUDIO_RATE = 48000      # every clip and the film carry 48 kHz stereo AAC
CLIP_CRF = 16           # a picture the presenter is drawn onto is encoded once more, so it keeps more detail
# x264 at CRF 18 on a 1080p scene (285 frames), core-seconds of the encode alone and PSNR against the lossless
# frames: fast 9.5 s 56.6 dB, veryfast 5.5 s 53.9 dB, superfast 4.1 s 57.7 dB (1.6× the file), ultrafast 2.3 s
# 64 dB (3.5×: the film is still ~2 Mbit/s, a quarter of what YouTube asks of a 1080p upload). ultrafast, on one
# thread: with two scenes drawing and encoding at once on two cores, more threads only add switching.
CLIP_PRESET = "ultrafast"
TIMESCALE = 90000       # one video time base for every segment clip, so the film can join them without re-encoding
ANALYSIS_RATE = 8000    # Hz, mono: enough for the voice's formants and the music's level, a sixth of the film's data


def ffmpeg(*args, loglevel: str = "error") -> list[str]:
    """An ffmpeg command line: quiet, never interactive, overwriting (outputs are temp names anyway)."""
    return ["ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-y", "-loglevel", loglevel, *map(str, args)]


def x264_options(crf: int, fps: int) -> dict[str, str]:
    """The film's H.264 encoder settings, as libx264 options: the same for every segment clip, whether ffmpeg's
    command line (film_video) or the scene workers' in-process encoder (pipeline/scene_jobs.py) writes it."""
    return {"preset": CLIP_PRESET, "crf": str(crf), "threads": "1", "g": str(2 * fps)}


FILM_PIX_FMT = "yuv420p"     # the pixel format every player accepts
FILM_SCALER = "bicubic"      # ffmpeg's default RGB → YUV scaler: the in-process encoder uses it too (same pixels)


def film_video(crf: int, fps: int) -> list[str]:
    """The encoding of every segment clip: the film's final video. Identical parameters (codec, profile, frame rate,
    keyframe interval, time base) let the film concatenate the clips by stream copy, so a one-segment edit
    re-encodes that segment only."""
    options = [arg for key, value in x264_options(crf, fps).items() for arg in (f"-{key}", value)]
    return ["-c:v", "libx264", *options, "-pix_fmt", FILM_PIX_FMT, "-r", str(fps),
            "-video_track_timescale", str(TIMESCALE)]


def aac(bitrate: str = "192k") -> list[str]:
    """ffmpeg's AAC at 192 kb/s stereo, with its fast coder: the film's 4.4 minutes in 5 s instead of the two-loop
    search's 15 s (measured here), and at this rate the two sound alike (fast keeps 43 dB SNR, two-loop 29 dB, which
    spends its noise where it is masked)."""
    return ["-c:a", "aac", "-aac_coder", "fast", "-b:a", bitrate, "-ar", str(AUDIO_RATE), "-ac", "2"]


def samples(seconds: float) -> int:
    """A duration as a whole number of audio samples: trims are exact, so boundaries never drift."""
    return round(seconds * AUDIO_RATE)


# --- probing -----------------------------------------------------------------------------------------------------

def probe(path: Path) -> dict:
    """Duration and stream facts of a media file:
    {"duration", "size", "video": {fps, frames, width, height, pix_fmt, codec, duration} | None,
     "audio": {rate, channels, codec, duration} | None}. Frames are counted from packets, not guessed."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{rel(path)}: missing media file")
    out = run_tool(["ffprobe", "-v", "error", "-count_packets", "-show_format", "-show_streams", "-of", "json",
                    str(path)], f"{rel(path)}: ffprobe").stdout
    data = json.loads(out)
    streams = data.get("streams", [])
    fmt = data.get("format", {})

    def first(kind):
        return next((s for s in streams if s.get("codec_type") == kind), None)

    def seconds(stream):
        return float(stream.get("duration") or fmt.get("duration") or 0.0)

    video, audio = first("video"), first("audio")
    return {
        "duration": float(fmt.get("duration") or 0.0),
        "size": int(fmt.get("size") or path.stat().st_size),
        "video": video and {
            "fps": float(Fraction(video.get("r_frame_rate", "0/1"))),
            "frames": int(video.get("nb_read_packets") or video.get("nb_frames") or 0),
            "width": video["width"], "height": video["height"],
            "pix_fmt": video.get("pix_fmt"), "codec": video["codec_name"], "duration": seconds(video)},
        "audio": audio and {
            "rate": int(audio["sample_rate"]), "channels": audio["channels"], "codec": audio["codec_name"],
            "duration": seconds(audio)},
    }


# --- sound as numbers ---------------------------------------------------------------------------------------------

def analysis_output(path: Path) -> list[str]:
    """Output options that write a stream as raw mono float32 at ANALYSIS_RATE (read back by `read_analysis`)."""
    return ["-ac", "1", "-ar", str(ANALYSIS_RATE), "-f", "f32le", str(path)]


def read_analysis(path: Path) -> np.ndarray:
    return np.fromfile(path, dtype="<f4")


def decode_mono(paths: list[Path]) -> list[np.ndarray]:
    """Each file's first audio stream, folded to mono, as float32 samples at ANALYSIS_RATE (one ffmpeg for all)."""
    return decode_mono_reporting(paths)[0]


def decode_mono_reporting(paths: list[Path]) -> tuple[list[np.ndarray], list[str]]:
    """decode_mono, with the decoder's error lines: the whole of each stream was decoded, so they are every error
    its sound has (verification needs no other pass over it)."""
    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.is_file():
            raise UserError(f"{rel(path)}: missing media file")
    with tempfile.TemporaryDirectory() as tmp:
        raws = [Path(tmp) / f"{i}.f32" for i in range(len(paths))]
        cmd = ffmpeg(*[arg for path in paths for arg in ("-i", path)],
                     *[arg for i, raw in enumerate(raws) for arg in ("-map", f"{i}:a:0", *analysis_output(raw))])
        proc = run_tool(cmd, f"{rel(paths[0])}{' …' if len(paths) > 1 else ''}: decode audio")
        return [read_analysis(raw) for raw in raws], [line for line in proc.stderr.splitlines() if line.strip()]


# --- loudness ----------------------------------------------------------------------------------------------------

# The EBU R128 meter, with true peak (4x oversampled): what every loudness measurement reads, at the film's 48 kHz
# (loudnorm works at 192 kHz throughout: five times slower to measure, and its linear mode is one gain anyway)
METER = "ebur128=peak=true"
METER_SUMMARY = re.compile(r"Integrated loudness:\s+I:\s+(\S+) LUFS\s+Threshold:\s+(\S+) LUFS\s+"
                           r"Loudness range:\s+LRA:\s+(\S+) LU.*?True peak:\s+Peak:\s+(\S+) dBFS", re.S)


def parse_meter(stderr: str, what: str) -> dict:
    """The summary METER prints at the end of a run: input_i (LUFS), input_thresh (its gate, LUFS), input_lra (LU)
    and input_tp (dBTP), named as loudnorm names them."""
    found = METER_SUMMARY.findall(stderr)
    if not found:
        raise UserError(f"{what}: ffmpeg printed no loudness measurement")
    return dict(zip(("input_i", "input_thresh", "input_lra", "input_tp"), map(float, found[-1])))


def measure_loudness(path: Path) -> dict:
    """Integrated loudness (input_i, LUFS), true peak (input_tp, dBTP) and loudness range of a file's audio."""
    cmd = ffmpeg("-i", path, "-map", "0:a:0", "-af", METER, "-f", "null", "-", loglevel="info")
    return parse_meter(run_tool(cmd, f"{rel(path)}: loudness").stderr, rel(path))


# --- decoding in full ---------------------------------------------------------------------------------------------

# Parse every bit of the stream and decode every macroblock, but skip the two steps that only shape pixels and
# cannot fail (the inverse transform and the deblocking filter): a quarter less work, the same errors reported.
DECODE_CHECK = ("-skip_loop_filter", "all", "-skip_idct", "all", "-threads", "1")


def decode_command(path: Path, stream: str, start: float = 0.0, seconds: float | None = None) -> list[str]:
    """Decode a file's video (`stream` "v") or audio ("a") from `start` (ffmpeg begins at the keyframe before it)
    for `seconds` (None: to the end), writing nothing; any error is printed."""
    span = ("-ss", f"{start:.3f}", *(("-t", f"{seconds:.3f}") if seconds is not None else ()))
    return ffmpeg(*DECODE_CHECK, *span, "-i", path, "-map", f"0:{stream}:0", "-f", "null", "-")


def decode_errors(commands: list[list[str]], parallel: int) -> list[list[str]]:
    """Run decode commands `parallel` at a time (one per core: a single decoder's frame threads took 70 % more core
    time for a smaller speed-up); each command's error lines, in order."""
    require_tool("ffmpeg")

    def errors(cmd: list[str]) -> list[str]:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        return lines or ([f"ffmpeg exit {proc.returncode}"] if proc.returncode else [])

    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(errors, commands))


def packets(path: Path, stream: str) -> tuple[list[str], list[str]]:
    """A file's first `stream` ("v" or "a") as ffmpeg's framemd5 of its packets, copied (one demuxing pass, no
    decoding): the setup lines (time base, codec, size, extradata) and a line per packet."""
    lines = run_tool(ffmpeg("-i", path, "-map", f"0:{stream}:0", "-c", "copy", "-f", "framemd5", "-"),
                     f"{rel(path)}: {'video' if stream == 'v' else 'audio'} packets").stdout.splitlines()
    return [line for line in lines if line.startswith("#")], [line for line in lines if line and line[0] != "#"]


def stretch_digests(path: Path, cuts: list[float]) -> list[str]:
    """A digest of each stretch [cuts[k], cuts[k + 1]) of a file's video packets (by presentation time, the last to
    the end), with the stream's codec setup: two stretches with the same digest decode alike. Each packet's
    timestamps count from its stretch's first, so a segment that only moved (an earlier one got longer) keeps its
    digest; its duration, which the decoder does not read, is left out (a join stretches a clip's last packet to
    the clip's length)."""
    setup, lines = packets(path, "v")
    base = Fraction(next(line.split(":", 1)[1].strip() for line in setup if line.startswith("#tb")))
    fields = [line.split(",") for line in lines]         # stream, dts, pts, duration, size, md5
    first = min((int(f[2]) for f in fields), default=0)  # the stream's start delay (B-frames): cuts are from its first
    stretch_of = [max(bisect.bisect_right(cuts, float((int(f[2]) - first) * base) + 1e-6) - 1, 0) for f in fields]
    origin: dict[int, int] = {}
    for k, f in zip(stretch_of, fields):
        origin[k] = min(origin.get(k, int(f[2])), int(f[2]))
    stretches = [hashlib.sha256("\n".join(setup).encode()) for _ in cuts]
    for k, f in zip(stretch_of, fields):
        o = origin[k]
        stretches[k].update(f"{int(f[1]) - o},{int(f[2]) - o},{','.join(f[4:])}\n".encode())
    return [h.hexdigest() for h in stretches]


def audio_packets(path: Path) -> str:
    """A digest of a file's audio packets, their bytes only: the same for a soundtrack and a film that copied it."""
    return hashlib.sha256("".join(line.rsplit(",", 1)[-1] for line in packets(path, "a")[1]).encode()).hexdigest()


# --- running -----------------------------------------------------------------------------------------------------

def run(cmd: list[str], what: str, seconds: float | None = None, label: str | None = None):
    """Run an ffmpeg command; returns the finished process (its stderr holds any measurements). Given the
    output's length in `seconds`, show a progress bar on a terminal: ffmpeg reports its position into a file
    (`-progress`) that is polled while `run_tool` works in a thread."""
    console = Console(stderr=True)
    if seconds is None or not console.is_terminal:
        return run_tool(cmd, what)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "progress"
        outcome: dict = {}

        def work():
            try:
                outcome["done"] = run_tool([cmd[0], "-progress", str(report), *cmd[1:]], what)
            except UserError as err:
                outcome["error"] = err

        thread = threading.Thread(target=work)
        thread.start()
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn(), console=console,
                      transient=True) as bar:
            task = bar.add_task(label or what, total=seconds)
            while thread.is_alive():
                thread.join(0.5)
                done = re.findall(r"out_time_us=(\d+)", report.read_text()) if report.exists() else []
                if done:
                    bar.update(task, completed=int(done[-1]) / 1e6)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["done"]


def run_piped(cmd: list[str], chunks, what: str) -> None:
    """Run an ffmpeg command that reads its input from stdin, feeding it `chunks` (bytes, e.g. raw frames).
    stderr goes to a file, so a chatty ffmpeg can never block on a full pipe while we write."""
    require_tool(cmd[0])
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log)
        try:
            for chunk in chunks:
                proc.stdin.write(chunk)
            proc.stdin.close()
        except BrokenPipeError:
            pass        # ffmpeg stopped reading: its exit code and log say why
        except BaseException:
            proc.kill()
            raise
        if proc.wait() != 0:
            log.seek(0)
            lines = [line for line in log.read().decode(errors="replace").splitlines() if line.strip()]
            raise UserError(f"{what}: ffmpeg failed ({lines[-1] if lines else f'exit {proc.returncode}'})")
