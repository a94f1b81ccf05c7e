"""Check the finished film as published, and write build/report.json.

    python -m pipeline.verify [--film build/film.mp4] [--report build/report.json]

Reads the film with ffprobe and measures its loudness, then checks: no segment missing (length = segments + tail),
audio and video the same length (within a frame), loudness on target (±1 LU) and true peak ≤ -1 dBTP, chapters by
YouTube's rules, and captions that sit inside their segments and say exactly the timed words. Each problem is one
line; the report holds the numbers either way.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from pipeline.assemble import FILM, Placement, read_layout
from pipeline.captions import SRT, VTT, Cue, read_srt
from pipeline.common import BUILD, NARRATION_DIR, PipelineError, read_json, rel, write_json
from pipeline.ffmpeg import measure_loudness, probe
from pipeline.metadata import THUMBNAIL, YOUTUBE_MD, Chapter, chapter_problems, read_chapters
from pipeline.settings import Segment, Settings, load_settings, load_storyboard

REPORT = BUILD / "report.json"
LOUDNESS_TOLERANCE = 1.0    # LU around the target
TRUE_PEAK_LIMIT = -1.0      # dBTP: YouTube's ceiling
ROUNDING = 0.0015           # s: captions are written to the millisecond


class VerifyError(PipelineError):
    """The film failed checks; `problems` holds one line per problem."""

    def __init__(self, film: Path, problems: list[str], report: Path):
        self.problems = problems
        super().__init__(f"{rel(film)}: {len(problems)} problem(s), first: {problems[0]} (see {rel(report)})")


def caption_problems(cues: list[Cue], placements: list[Placement], timings: dict) -> list[str]:
    """Cues outside one segment, and segments whose cue words differ from their timed words."""
    problems, heard = [], {p.id: [] for p in placements}
    for cue in cues:
        home = next((p for p in placements
                     if p.start - ROUNDING <= cue.start and cue.end <= p.start + p.seconds + ROUNDING), None)
        if home is None:
            problems.append(f"captions: cue at {cue.start:.3f} s '{' '.join(cue.lines)}' is not inside one segment")
        else:
            heard[home.id] += cue.words
    for segment in timings["segments"]:
        said = [w["word"] for w in segment["words"]]
        shown = heard.get(segment["id"], [])
        if shown != said:
            at = next((i for i, (a, b) in enumerate(zip(shown, said)) if a != b), min(len(shown), len(said)))
            problems.append(f"captions: segment {segment['id']} shows {len(shown)} words, its timings have "
                            f"{len(said)}; first difference at word {at + 1}")
    return problems


def verify(film: Path, segments_expected: list[Placement], timings: dict, chapters: list[Chapter],
           captions: list[Cue], settings: Settings | None = None, storyboard: list[Segment] | None = None,
           report_path: Path = REPORT, files: list[Path] = ()) -> dict:
    """Check the film; write the report; raise VerifyError (one line per problem in `.problems`) if any fail."""
    settings = settings or load_settings()
    film, fps = Path(film), settings.video.fps
    frame = 1 / fps
    info = probe(film)
    video, audio = info["video"], info["audio"]
    problems = [f"{rel(film)}: no {kind} stream" for kind, s in (("video", video), ("audio", audio)) if s is None]
    length = video["duration"] if video else info["duration"]
    expected = sum(p.seconds for p in segments_expected) + settings.music.tail_seconds
    if abs(length - expected) > frame:
        problems.append(f"{rel(film)}: lasts {length:.3f} s but its segments and tail add up to {expected:.3f} s"
                        + (" (a segment is missing)" if length < expected else ""))
    placed = {p.id: p for p in segments_expected}
    problems += [f"{rel(film)}: segment {s.id} is missing" for s in storyboard or [] if s.id not in placed]
    narration = {s["id"]: s["seconds"] for s in timings["segments"]}
    problems += [f"segment {i}: lasts {placed[i].seconds:.3f} s in the film but its narration {seconds:.3f} s"
                 for i, seconds in narration.items() if i in placed and abs(placed[i].seconds - seconds) > frame]
    sync_error = abs(audio["duration"] - video["duration"]) if video and audio else None
    if sync_error is not None and sync_error > frame:
        problems.append(f"{rel(film)}: audio lasts {audio['duration']:.3f} s, video {video['duration']:.3f} s "
                        f"(A/V drift {sync_error:.3f} s > one frame)")
    loudness = measure_loudness(film) if audio else {}
    target = settings.music.loudness_lufs
    if audio and abs(loudness["input_i"] - target) > LOUDNESS_TOLERANCE:
        problems.append(f"{rel(film)}: loudness {loudness['input_i']:.1f} LUFS, target {target} ± "
                        f"{LOUDNESS_TOLERANCE}")
    if audio and loudness["input_tp"] > TRUE_PEAK_LIMIT:
        problems.append(f"{rel(film)}: true peak {loudness['input_tp']:.1f} dBTP, above {TRUE_PEAK_LIMIT}")
    problems += chapter_problems(chapters, length)
    problems += caption_problems(captions, segments_expected, timings)
    report = {
        "film": rel(film), "ok": not problems, "problems": problems,
        "seconds": {"video": video and video["duration"], "audio": audio and audio["duration"], "expected": expected},
        "av_sync_error_s": sync_error,
        "loudness": loudness and {"integrated_lufs": loudness["input_i"], "true_peak_dbtp": loudness["input_tp"],
                                  "range_lu": loudness["input_lra"]},
        "segments": [{**asdict(p), "narration_seconds": narration.get(p.id)} for p in segments_expected],
        "chapters": [asdict(c) for c in chapters],
        "caption_cues": len(captions),
        "file_bytes": {rel(f): Path(f).stat().st_size for f in [film, *files] if Path(f).is_file()},
    }
    write_json(report_path, report)
    if problems:
        raise VerifyError(film, problems, report_path)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.verify", description=__doc__.splitlines()[0])
    parser.add_argument("--film", type=Path, default=FILM)
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    try:
        placements = read_layout(args.film)
        report = verify(args.film, placements, read_json(NARRATION_DIR / "timings.json", "word timings"),
                        read_chapters(YOUTUBE_MD), read_srt(SRT), load_settings(),
                        load_storyboard(check_files=False), args.report, [SRT, VTT, YOUTUBE_MD, THUMBNAIL])
    except VerifyError as err:
        print("\n".join(err.problems), file=sys.stderr)
        return 1
    except PipelineError as err:
        print(err, file=sys.stderr)
        return 2
    minutes, seconds = divmod(round(report["seconds"]["video"]), 60)
    print(f"{report['film']}: {minutes}:{seconds:02d}, {len(placements)} segments, "
          f"{report['loudness']['integrated_lufs']:.1f} LUFS, {report['loudness']['true_peak_dbtp']:.1f} dBTP, "
          f"A/V {report['av_sync_error_s'] * 1000:.0f} ms: ok ({rel(args.report)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
