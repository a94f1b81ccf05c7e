"""Check the finished film as published, and write build/report.json.

    python -m pipeline.verify [--film build/hrm-explainer.mp4] [--report build/report.json]

Reads only the film, the narration (build/narration/timings.json and the WAVs it lists) and the film's layout
(build/hrm-explainer.json), and checks what is in the film, whatever made it:

- the file: every frame and sound packet decodes without an error, no segment missing (length = segments + tail),
  audio and video the same length (within a frame), loudness on target (±1 LU), true peak ≤ -1 dBTP;
- the sound, decoded once: each narrated segment's own WAV is looked for around its planned start (normalised
  cross-correlation) and must be found there within one frame; no narration may be heard on a music-only segment
  (the title) or in the tail; the music bed must play there and under the narration's pauses, at the levels the
  settings `music.volume_db` and `music.duck_db` set relative to the voice's level;
- chapters by YouTube's rules, and captions that sit inside their segments, say exactly the timed words, and start
  and end with their words as the film plays them.

Each problem is one line; the report holds the numbers either way.
"""
from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from core.errors import UserError, machine_faults
from core.files import read_json, write_json
from core.paths import BUILD, NARRATION_DIR, rel
from core.settings import Settings, load_settings
from core.storyboard import Segment, load_storyboard
from pipeline.assemble import FILM, Placement, read_layout
from pipeline.captions import SRT, VTT, Cue, read_srt
from pipeline.ffmpeg import (ANALYSIS_RATE, audio_packets, decode_command, decode_errors, decode_mono_reporting,
                             measure_loudness, probe, stretch_digests)
from pipeline.metadata import THUMBNAIL, YOUTUBE_MD, Chapter, chapter_problems, read_chapters
from pipeline.soundtrack import DUCK_HOLD, LEVEL_WINDOW, level_db, speech_windows, window_levels

REPORT = BUILD / "report.json"
LOUDNESS_TOLERANCE = 1.0    # LU around the target
TRUE_PEAK_LIMIT = -1.0      # dBTP: YouTube's ceiling
ROUNDING = 0.0015           # s: captions are written to the millisecond
SEARCH = 3.0                # s either side of a segment's planned start searched for its narration
# Normalised cross-correlation at which a narration WAV counts as heard, calibrated on films of espeak-ng lines
# (tests/test_film_content.py) and of Piper lines (a 3:47 film of the real scripts) over the synthesised bed: a line
# where the film plays it peaks at 0.95 (espeak) and 0.88-0.94 (Piper: the compressor, the limiter, AAC and the
# ducked bed are all that differ); the next segment's line in its place peaks at 0.02-0.10, and the best of all
# lines against the music-only title or tail at 0.04-0.13. Half-way leaves a wide margin either side.
MIN_PEAK = 0.5
MIN_OVERLAP = 1.5           # s: a WAV is compared only where at least this much of it (by its energy) overlaps
FLOOR_POWER = 1e-9          # -90 dBFS: a stretch of film quieter than this holds nothing to compare with
QUIET_DB = -50.0            # a narration window this far below the narration's loudest holds no voice: the film
#                             there holds the bed alone
# dB around the level the settings set for the bed. The music's own level wanders from its median over a few
# seconds (chords, arpeggio notes), and the limiter takes a little off the voice it is measured against: on the
# films above the title came within 0.7 dB of its level, all pauses together within 1.2 dB, one segment's pauses
# within 2.3 dB. Wide enough for that, far narrower than the duck (12 dB) or a missing bed (-90 dB and below).
BED_TOLERANCE = 3.0
DECODE_ERRORS_KEPT = 20     # of the decoder's error lines, the report keeps the first few (one damage gives several)


class VerifyError(UserError):
    """The film failed checks; `problems` holds one line per problem."""

    def __init__(self, film: Path, problems: list[str], report: Path):
        self.problems = problems
        super().__init__(f"{rel(film)}: {len(problems)} problem(s), first: {problems[0]} (see {rel(report)})")


# --- where a narration is ---------------------------------------------------------------------------------------------

def correlate(template: np.ndarray, signal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalised cross-correlation of `template` placed at each lag (in samples) into `signal`, over their overlap,
    at the lags where at least MIN_OVERLAP of the template (by its energy) overlaps. Returns (lags, correlations)."""
    m, n = len(template), len(signal)
    if not m or not n:
        return np.zeros(0, int), np.zeros(0)
    size = 1 << (m + n - 1).bit_length()
    products = np.fft.irfft(np.fft.rfft(signal, size) * np.conj(np.fft.rfft(template, size)), size)
    lags = np.arange(-(m - 1), n)
    first, last = np.maximum(0, -lags), np.minimum(m, n - lags)         # the template's overlapping samples
    template_energy = np.concatenate([[0], np.cumsum(np.square(template, dtype=np.float64))])
    signal_energy = np.concatenate([[0], np.cumsum(np.square(signal, dtype=np.float64))])
    overlap = template_energy[last] - template_energy[first]
    heard = signal_energy[lags + last] - signal_energy[lags + first]
    keep = ((overlap >= template_energy[-1] * min(1.0, MIN_OVERLAP * ANALYSIS_RATE / m))
            & (heard > FLOOR_POWER * (last - first)))
    lags = lags[keep]
    return lags, products[lags % size] / np.sqrt(overlap[keep] * heard[keep])


def locate(template: np.ndarray, signal: np.ndarray, near: tuple[float, float] | None = None
           ) -> tuple[float | None, float]:
    """Where (s into `signal`) `template` matches best (only between `near`'s two times, if given), and how well
    (the peak correlation; 0 when it cannot fit)."""
    lags, scores = correlate(template, signal)
    if near:
        keep = (lags >= near[0] * ANALYSIS_RATE) & (lags <= near[1] * ANALYSIS_RATE)
        lags, scores = lags[keep], scores[keep]
    if not len(lags):
        return None, 0.0
    best = int(np.argmax(scores))
    return lags[best] / ANALYSIS_RATE, float(scores[best])


def stretch(audio: np.ndarray, start: float, end: float) -> tuple[np.ndarray, float]:
    """The film's audio from `start` to `end` seconds (clipped to the film), and where that piece starts."""
    first = min(max(0, round(start * ANALYSIS_RATE)), len(audio))
    return audio[first:max(first, round(end * ANALYSIS_RATE))], first / ANALYSIS_RATE


@dataclass(frozen=True)
class Heard:
    """Where a narrated segment's WAV is in the film."""
    id: str
    planned_start: float
    found_start: float | None       # None: it does not fit in the film
    peak: float                     # its correlation there
    neighbour: str | None           # the next (or previous) segment's WAV, for comparison:
    neighbour_peak: float | None    # its best correlation within a frame of where this one was found

    @property
    def found(self) -> bool:
        return self.found_start is not None and self.peak >= MIN_PEAK

    def report(self) -> dict:
        offset = None if self.found_start is None else round((self.found_start - self.planned_start) * 1000, 1)
        return {"id": self.id, "planned_start": self.planned_start,
                "found_start": None if self.found_start is None else round(self.found_start, 4), "offset_ms": offset,
                "peak": round(self.peak, 3), "neighbour": self.neighbour,
                "neighbour_peak": None if self.neighbour_peak is None else round(self.neighbour_peak, 3)}


def hear(audio: np.ndarray, placed: Placement, wav: np.ndarray, neighbour: tuple[str, np.ndarray] | None,
         frame: float) -> Heard:
    """Look for a segment's WAV within SEARCH of its planned start; and, to show the search tells lines apart, for
    its neighbour's WAV in the same place."""
    piece, offset = stretch(audio, placed.start - SEARCH, placed.start + len(wav) / ANALYSIS_RATE + SEARCH)
    at, peak = locate(wav, piece)
    here = placed.start - offset if at is None else at
    rival = locate(neighbour[1], piece, (here - frame, here + frame))[1] if neighbour else None
    return Heard(placed.id, placed.start, None if at is None else offset + at, peak,
                 neighbour and neighbour[0], rival)


def hear_all(audio: np.ndarray, narrated: list[Placement], wavs: dict[str, np.ndarray], frame: float) -> list[Heard]:
    """Every narrated segment heard, each compared with the next segment's line (the last with the one before)."""
    neighbours = [narrated[k + 1] if k + 1 < len(narrated) else narrated[k - 1] if k else None
                  for k in range(len(narrated))]
    with ThreadPoolExecutor(2) as pool:          # numpy's FFTs let go of the interpreter: two lines at once
        return list(pool.map(lambda p, q: hear(audio, p, wavs[p.id], q and (q.id, wavs[q.id]), frame),
                             narrated, neighbours))


def narration_problems(heard: list[Heard], frame: float) -> list[str]:
    problems = []
    for h in heard:
        where = "nowhere" if h.found_start is None else f"{h.found_start:.3f} s"
        if not h.found:
            problems.append(f"segment {h.id}: its narration is not in the film near {h.planned_start:.3f} s (best "
                            f"match {where}, correlation {h.peak:.2f} < {MIN_PEAK})")
        elif abs(h.found_start - h.planned_start) > frame:
            problems.append(f"segment {h.id}: narration planned at {h.planned_start:.3f} s is heard at {where} "
                            f"({(h.found_start - h.planned_start) * 1000:+.0f} ms)")
    return problems


def music_only_regions(placements: list[Placement], wavs: dict, tail_seconds: float) -> list[tuple[str, float, float]]:
    """The stretches that must hold music only: the segments without narration (the title), and the tail."""
    end = sum(p.seconds for p in placements)
    return [(p.id, p.start, p.start + p.seconds) for p in placements if p.id not in wavs] + [
        ("tail", end, end + tail_seconds)]


def stray_problems(strays: list[dict]) -> list[str]:
    return [f"{'the tail' if s['region'] == 'tail' else 'segment ' + s['region'] + ' (music only)'}: narration of "
            f"{s['narration']} heard at {s['at']:.3f} s (correlation {s['peak']:.2f})"
            for s in strays if s["peak"] >= MIN_PEAK]


def stray_narration(audio: np.ndarray, region: tuple[str, float, float], wavs: dict[str, np.ndarray]) -> dict:
    """The narration WAV that best matches a stretch that should hold music only, where and how well."""
    name, start, end = region
    piece, offset = stretch(audio, start, end)
    best = {"region": name, "start": start, "end": end, "narration": None, "at": None, "peak": 0.0}
    for seg_id, wav in wavs.items():
        at, peak = locate(wav, piece)
        if at is not None and peak > best["peak"]:
            best.update(narration=seg_id, at=round(offset + at, 3), peak=round(peak, 3))
    return best


# --- the music bed's level --------------------------------------------------------------------------------------------

def windows(start: float, end: float, count: int) -> slice:
    """The level windows that lie inside [start, end] seconds."""
    return slice(min(count, int(np.ceil(start / LEVEL_WINDOW - 1e-9))), min(count, int(end / LEVEL_WINDOW + 1e-9)))


def narration_track(heard: list[Heard], wavs: dict[str, np.ndarray], windows_count: int) -> np.ndarray:
    """The narration alone as the film should hold it: each WAV where it was heard (where planned, if not found)."""
    track = np.zeros(windows_count * round(LEVEL_WINDOW * ANALYSIS_RATE), np.float32)
    for h in heard:
        first = round((h.found_start if h.found else h.planned_start) * ANALYSIS_RATE)
        part = wavs[h.id][max(0, -first):max(0, len(track) - first)]
        track[max(0, first):max(0, first) + len(part)] += part
    return track


def pauses(said: np.ndarray) -> np.ndarray:
    """The windows of the narration's pauses: silent windows (QUIET_DB, and their neighbours too) in a stretch
    without speech no longer than DUCK_HOLD, through which the bed stays ducked (in a longer one it swells back)."""
    speech = speech_windows(said)
    edges = np.flatnonzero(np.diff(np.concatenate([[1], speech.astype(np.int8), [1]])))
    held = np.zeros(len(said), bool)
    for first, end in zip(edges[::2], edges[1::2]):         # the runs without speech
        if end - first <= round(DUCK_HOLD / LEVEL_WINDOW):
            held[first:end] = True
    quiet = said < said.max() + QUIET_DB
    return held & quiet & np.roll(quiet, 1) & np.roll(quiet, -1)


def music_level(film: np.ndarray, name: str, start: float, end: float) -> float | None:
    """The level of a music-only stretch (from the film's level windows): a segment's over its second half (at
    the film's start the music fades in over the first), the tail's by its loudest tenth (the bed swells back as
    the last segment ends, then fades out)."""
    levels = film[windows(start if name == "tail" else (start + end) / 2, end, len(film))]
    if not len(levels):
        return None
    return float(np.percentile(levels, 90) if name == "tail" else np.median(levels))


def bed_levels(audio: np.ndarray, heard: list[Heard], wavs: dict[str, np.ndarray], placements: list[Placement],
               regions: list[tuple[str, float, float]]) -> dict:
    """Levels (dB) in the film: the voice where its narration speaks, the bed in the narration's pauses (per
    segment and all together) and in each music-only stretch. The narration's own WAVs, placed where they were
    heard, say which windows are speech and which pauses."""
    film = window_levels(audio)
    said = window_levels(narration_track(heard, wavs, len(film)))
    music_only = {name: music_level(film, name, start, end) for name, start, end in regions}
    if not len(said) or said.max() <= -120:
        return {"voice_db": None, "pause_db": None, "pause_db_by_segment": {}, "music_only_db": music_only}
    pause = pauses(said)
    narrated = {h.id for h in heard}
    spans = {p.id: windows(p.start, p.start + p.seconds, len(film)) for p in placements if p.id in narrated}
    in_narration = np.zeros(len(film), bool)
    for span in spans.values():
        in_narration[span] = True
    return {"voice_db": level_db(film[speech_windows(said)]), "pause_db": level_db(film[in_narration & pause]),
            "pause_db_by_segment": {i: level_db(film[span][pause[span]]) for i, span in spans.items()},
            "music_only_db": music_only}


def expected_levels(voice_db: float | None, volume_db: float, duck_db: float) -> dict:
    """What the settings make of the voice's level: the bed where no one speaks, and ducked."""
    bed = None if voice_db is None else voice_db + volume_db
    return {"expected_bed_db": bed, "expected_ducked_db": None if bed is None else bed - duck_db,
            "tolerance_db": BED_TOLERANCE}


def level_problems(levels: dict, volume_db: float, duck_db: float) -> list[str]:
    """The bed must play `volume_db` relative to the voice where no one speaks and `duck_db` lower in the
    narration's pauses (all of them together); each segment's pauses and the tail must lie in between."""
    voice = levels["voice_db"]
    if voice is None:
        return ["music: no narration is heard in the film, so the bed's level cannot be checked"]
    expected = expected_levels(voice, volume_db, duck_db)
    bed, ducked = expected["expected_bed_db"], expected["expected_ducked_db"]
    problems, low, high = [], ducked - BED_TOLERANCE, bed + BED_TOLERANCE

    def show(level):
        return "nothing" if level is None else f"{level:.1f} dB"

    for name, level in levels["music_only_db"].items():
        if name != "tail" and (level is None or abs(level - bed) > BED_TOLERANCE):
            problems.append(f"music: segment {name} (music only) plays at {show(level)}, the bed should be at "
                            f"{bed:.1f} ± {BED_TOLERANCE} (voice {voice:.1f} dB + volume_db {volume_db})")
    tail = levels["music_only_db"].get("tail")
    if tail is None or not low <= tail <= high:
        problems.append(f"music: the tail plays at {show(tail)}, the bed should be between {low:.1f} and "
                        f"{high:.1f} dB")
    paused = levels["pause_db"]
    if paused is None or abs(paused - ducked) > BED_TOLERANCE:
        problems.append(f"music: the narration's pauses play at {show(paused)}, the ducked bed should be at "
                        f"{ducked:.1f} ± {BED_TOLERANCE} (voice {voice:.1f} dB + volume_db {volume_db} - duck_db "
                        f"{duck_db})")
    for seg_id, level in levels["pause_db_by_segment"].items():
        if level is not None and not low <= level <= high:
            problems.append(f"music: segment {seg_id}: its pauses play at {level:.1f} dB, the bed should be "
                            f"between {low:.1f} and {high:.1f} dB")
    return problems


# --- captions ---------------------------------------------------------------------------------------------------------

def caption_problems(cues: list[Cue], placements: list[Placement], timings: dict,
                     heard: dict[str, float] | None = None, tolerance: float = ROUNDING) -> list[str]:
    """Cues outside one segment, segments whose cue words differ from their timed words, and (given where each
    segment's narration is `heard`) cues that do not start and end with their first and last word as played, within
    `tolerance` (and the millisecond the captions are written to)."""
    problems, shown = [], {p.id: [] for p in placements}
    for cue in cues:
        home = next((p for p in placements
                     if p.start - ROUNDING <= cue.start and cue.end <= p.start + p.seconds + ROUNDING), None)
        if home is None:
            problems.append(f"captions: cue at {cue.start:.3f} s '{' '.join(cue.lines)}' is not inside one segment")
        else:
            shown[home.id].append(cue)
    for segment in timings["segments"]:
        said = segment["words"]
        words = [w for cue in shown.get(segment["id"], []) for w in cue.words]
        if words != [w["word"] for w in said]:
            at = next((i for i, (a, b) in enumerate(zip(words, said)) if a != b["word"]), min(len(words), len(said)))
            problems.append(f"captions: segment {segment['id']} shows {len(words)} words, its timings have "
                            f"{len(said)}; first difference at word {at + 1}")
        elif heard and heard.get(segment["id"]) is not None:
            problems += cue_timing_problems(shown[segment["id"]], said, segment["id"], heard[segment["id"]],
                                            tolerance + ROUNDING)
    return problems


def cue_timing_problems(cues: list[Cue], words: list[dict], seg_id: str, start: float, tolerance: float) -> list[str]:
    """A segment's cues against its words as played: the narration heard at `start`, plus each word's time."""
    problems, i = [], 0
    for cue in cues:
        first, last = start + words[i]["start"], start + words[i + len(cue.words) - 1]["end"]
        i += len(cue.words)
        if abs(cue.start - first) > tolerance or abs(cue.end - last) > tolerance:
            problems.append(f"captions: segment {seg_id}: cue '{' '.join(cue.lines)}' shows {cue.start:.3f}-"
                            f"{cue.end:.3f} s, its words are heard {first:.3f}-{last:.3f} s")
    return problems


# --- decoding ---------------------------------------------------------------------------------------------------------

def decode_check(film: Path, placements: list[Placement], seconds: float, report_path: Path,
                 known: dict | None = None) -> dict:
    """The decoder's errors over the film's picture (`seconds` long), decoded stretch by stretch: a segment each
    (it begins with a keyframe) and the tail, each named by the digest of its packets. A stretch the report of an
    earlier film already holds (an unchanged segment, even one that moved) is not decoded again, nor one the same
    as another, so after a one-segment edit only that segment is, and `just verify` after `just render` decodes no
    picture at all. (The sound is decoded by `listen`.)
    `known` adds stretches decoded ahead (the render decodes each clip as it is made, `clip_decoding`).
    Returns {"stretches": {digest: {count, errors}}, "decoded", "count", "errors"}."""
    total = sum(p.seconds for p in placements)
    cuts = [p.start for p in placements] + ([total] if seconds - total > 1e-3 else [])    # (and the tail)
    digests = stretch_digests(film, cuts)
    try:
        earlier = read_json(report_path).get("decoding", {}).get("stretches", {}) if Path(report_path).exists() else {}
    except UserError:
        earlier = {}            # an unreadable report is rewritten below
    earlier = {**earlier, **(known or {})}
    todo = [k for k, digest in enumerate(digests) if digest not in earlier and digest not in digests[:k]]
    ends = [*cuts[1:], seconds]
    found = decode_errors([decode_command(film, "v", cuts[k], ends[k] - cuts[k] if k < len(cuts) - 1 else None)
                           for k in todo], os.cpu_count() or 1)
    stretches = {**{d: earlier[d] for d in digests if d in earlier},
                 **{digests[k]: {"count": len(e), "errors": e[:DECODE_ERRORS_KEPT]} for k, e in zip(todo, found)}}
    errors = [e for d in digests for e in stretches[d]["errors"]]
    count = sum(stretches[d]["count"] for d in digests)
    return {"stretches": {d: stretches[d] for d in digests}, "decoded": len(todo), "count": count,
            "errors": errors[:DECODE_ERRORS_KEPT]}


def clip_decoding(clip: Path) -> dict:
    """A segment clip's picture decoded as soon as the clip is made, as decode_check's stretches ({digest: {count,
    errors}}): the film's stretch with the same packets is then known (`known`) and not decoded at the end."""
    digest, = stretch_digests(clip, [0.0])
    errors, = decode_errors([decode_command(clip, "v")], 1)
    return {digest: {"count": len(errors), "errors": errors[:DECODE_ERRORS_KEPT]}}


# --- the whole film ---------------------------------------------------------------------------------------------------

def narration_wavs(timings: dict, narration_dir: Path) -> dict[str, Path]:
    """Every narrated segment's WAV, as timings.json names it."""
    listing = rel(Path(narration_dir) / "timings.json")
    wavs = {}
    for segment in timings["segments"]:
        if not segment.get("wav"):
            raise UserError(f"{listing}: segment '{segment['id']}' names no 'wav'")
        wavs[segment["id"]] = Path(narration_dir) / segment["wav"]
    return wavs


def sound_problems(film: Path, placements: list[Placement], timings: dict, narration_dir: Path,
                   settings: Settings, storyboard: list[Segment] | None) -> tuple[list[str], dict, dict, list[str]]:
    """Where each narration is heard, what the music-only stretches hold, and the bed's levels. Returns the
    problems, the report's entries, where each narration found was heard, and the decoder's errors."""
    frame, music = 1 / settings.video.fps, settings.music
    named = narration_wavs(timings, narration_dir)
    (audio, *voices), decode_errors_found = decode_mono_reporting([film, *named.values()])
    wavs = dict(zip(named, voices))
    placed = {p.id for p in placements}
    should_speak = {s.id for s in storyboard or [] if s.narrated}
    problems = [f"segment {i}: narrated (it has a WAV) but not in the film" for i in wavs if i not in placed]
    problems += [f"segment {p.id}: narrated in the storyboard but has no narration in timings.json"
                 for p in placements if p.id in should_speak and p.id not in wavs]
    heard = hear_all(audio, [p for p in placements if p.id in wavs], wavs, frame)
    regions = music_only_regions(placements, wavs, music.tail_seconds)
    strays = [stray_narration(audio, region, wavs) for region in regions]
    levels = bed_levels(audio, heard, wavs, placements, regions)
    problems += narration_problems(heard, frame) + stray_problems(strays)
    problems += level_problems(levels, music.volume_db, music.duck_db)
    report = {"narration": [h.report() for h in heard],
              "music_only": [{**s, "level_db": levels["music_only_db"].get(s["region"])} for s in strays],
              "levels": {**levels, **expected_levels(levels["voice_db"], music.volume_db, music.duck_db)}}
    return problems, report, {h.id: h.found_start for h in heard if h.found}, decode_errors_found


def listen(sound: Path, placements: list[Placement], timings: dict, settings: Settings,
           storyboard: list[Segment] | None, narration_dir: Path = NARRATION_DIR) -> dict:
    """Everything verification hears of `sound`: the decoder's errors, the loudness meter, where each line is, the
    music-only stretches and the bed's levels."""
    with ThreadPoolExecutor(1) as pool:         # the loudness meter beside the listening
        loudness = pool.submit(measure_loudness, sound)
        problems, content, heard, errors = sound_problems(sound, placements, timings, narration_dir, settings,
                                                          storyboard)
        return {"decode_errors": errors, "loudness": loudness.result(), "problems": problems, "content": content,
                "heard": heard}


def listen_ahead(soundtrack: Path, placements: list[Placement], timings: dict, settings: Settings,
                 storyboard: list[Segment] | None, narration_dir: Path = NARRATION_DIR) -> dict:
    """`listen` to the soundtrack a film will carry (the render does it while it joins the film), with the digest
    of its audio packets: `verify` accepts what was heard for a film whose packets are these."""
    return {**listen(soundtrack, placements, timings, settings, storyboard, narration_dir),
            "packets": audio_packets(soundtrack)}


def verify(film: Path, segments_expected: list[Placement], timings: dict, chapters: list[Chapter],
           captions: list[Cue], settings: Settings | None = None, storyboard: list[Segment] | None = None,
           report_path: Path = REPORT, files: list[Path] = (), narration_dir: Path = NARRATION_DIR,
           heard: dict | None = None, decoded_ahead: dict | None = None) -> dict:
    """Check the film; write the report; raise VerifyError (one line per problem in `.problems`) if any fail.
    `heard` is what `listen_ahead` heard of the soundtrack the film was made with (its audio packets must be that
    soundtrack's); without it, the film is listened to here. `decoded_ahead` is a `decode_check` of the picture the
    film was made with: its stretches stand for the film's that have the same packets (any other is decoded here)."""
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
    with ThreadPoolExecutor(1) as pool:
        decoding = pool.submit(decode_check, film, segments_expected, length, report_path,
                               decoded_ahead and decoded_ahead["stretches"])
        if audio and heard is None:
            heard = listen(film, segments_expected, timings, settings, storyboard, narration_dir)
        elif audio and audio_packets(film) != heard["packets"]:
            problems.append(f"{rel(film)}: its sound is not the soundtrack that was listened to")
        decoded = decoding.result()
    heard = heard if audio else {"decode_errors": [], "loudness": {}, "problems": [], "content": {}, "heard": {}}
    decoded = {**decoded, "count": decoded["count"] + len(heard["decode_errors"]),
               "errors": (decoded["errors"] + heard["decode_errors"])[:DECODE_ERRORS_KEPT]}
    loudness, sound, content = heard["loudness"], heard["problems"], heard["content"]
    if decoded["count"]:
        problems.append(f"{rel(film)}: {decoded['count']} decode error(s), first: {decoded['errors'][0]}")
    target = settings.music.loudness_lufs
    if audio and abs(loudness["input_i"] - target) > LOUDNESS_TOLERANCE:
        problems.append(f"{rel(film)}: loudness {loudness['input_i']:.1f} LUFS, target {target} ± "
                        f"{LOUDNESS_TOLERANCE}")
    if audio and loudness["input_tp"] > TRUE_PEAK_LIMIT:
        problems.append(f"{rel(film)}: true peak {loudness['input_tp']:.1f} dBTP, above {TRUE_PEAK_LIMIT}")
    problems += sound
    problems += chapter_problems(chapters, length)
    problems += caption_problems(captions, segments_expected, timings, heard["heard"], frame)
    report = {
        "film": rel(film), "ok": not problems, "problems": problems,
        "seconds": {"video": video and video["duration"], "audio": audio and audio["duration"], "expected": expected},
        "av_sync_error_s": sync_error,
        "decoding": {**decoded, "decoded_ahead": decoded_ahead and decoded_ahead["decoded"]},
        "loudness": loudness and {"integrated_lufs": loudness["input_i"], "true_peak_dbtp": loudness["input_tp"],
                                  "range_lu": loudness["input_lra"]},
        "segments": [{**asdict(p), "narration_seconds": narration.get(p.id)} for p in segments_expected],
        **content,
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
        with machine_faults(rel(args.report)):
            placements = read_layout(args.film)
            report = verify(args.film, placements, read_json(NARRATION_DIR / "timings.json", "word timings"),
                            read_chapters(YOUTUBE_MD), read_srt(SRT), load_settings(),
                            load_storyboard(check_files=False), args.report, [SRT, VTT, YOUTUBE_MD, THUMBNAIL])
    except VerifyError as err:
        print("\n".join(err.problems), file=sys.stderr)
        return 1
    except UserError as err:
        print(err, file=sys.stderr)
        return 2
    minutes, seconds = divmod(round(report["seconds"]["video"]), 60)
    print(f"{report['film']}: {minutes}:{seconds:02d}, {len(placements)} segments, "
          f"{report['loudness']['integrated_lufs']:.1f} LUFS, {report['loudness']['true_peak_dbtp']:.1f} dBTP, "
          f"A/V {report['av_sync_error_s'] * 1000:.0f} ms, every line within a frame of its start: ok "
          f"({rel(args.report)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
