"""The narration stage: lint → fill → strip cue marks → speak → pad → word timings and mark times, per segment.

    python -m pipeline.narrate [--only ID ...] [--backend espeak]

Each line is cached under build/cache/narration/<key>.wav (+ <key>.json with its word timings), the key being a hash
of everything that changes the audio: the filled text without its cue marks, the voice's identity, the padding and
FORMAT. A line whose key is cached is never spoken again (so moving a mark re-times its scene without re-speaking).
build/narration/<id>.wav links to the cache entry, build/narration/<id>.json holds its word and mark times, and
build/narration/timings.json lists the segments whose audio is up to date, in film order.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from contextlib import nullcontext
from functools import cached_property
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from core.errors import UserError, machine_faults
from core.files import atomic_output, content_hash, read_json, write_json
from core.lock import build_lock
from core.paths import BUILD, NARRATION_DIR, PAPER, SCRIPTS, STORYBOARD, rel
from core.settings import Settings, VoiceSettings, load_settings
from core.storyboard import Segment, find_segment
from pipeline.fill import SUMMARY, Facts, fill_script
from pipeline.lint import narrated_scripts, report
from pipeline.marks import caption_words, mark_positions, mark_times, strip_marks
from pipeline.tts import Voice, make_voice, read_wav, write_wav

CACHE_DIR = BUILD / "cache" / "narration"
FORMAT = 1                        # bump when the cached audio or timings change meaning: it invalidates every entry
ALIGN_RATE = 16000                # pocketsphinx's acoustic model wants 16 kHz
FRAMES_PER_SECOND = 100           # pocketsphinx reports segments in 10 ms frames
SPEECH_DB = -35.0                 # a 10 ms window louder than this (relative to the loudest) is speech


# --- word timings --------------------------------------------------------------------------------------------------

def speech_span(samples: np.ndarray, rate: int) -> tuple[float, float]:
    """First and last moment (s) of a window louder than SPEECH_DB below the loudest one."""
    hop = rate // FRAMES_PER_SECOND
    n = len(samples) // hop
    rms = np.sqrt(np.mean(samples[:n * hop].astype(np.float64).reshape(n, hop) ** 2, axis=1)) + 1e-9
    loud = np.flatnonzero(20 * np.log10(rms / rms.max()) > SPEECH_DB)
    if not len(loud):
        return 0.0, len(samples) / rate
    return loud[0] / FRAMES_PER_SECOND, (loud[-1] + 1) / FRAMES_PER_SECOND


def estimate(words: list[str], span: tuple[float, float]) -> list[tuple[float, float]]:
    """Share the speech span among the words in proportion to their length (a fallback when alignment fails)."""
    weights = np.array([len(w) + 1 for w in words], dtype=float)      # +1: the gap each word brings
    edges = span[0] + (span[1] - span[0]) * np.concatenate([[0], np.cumsum(weights)]) / weights.sum()
    return [(float(a), float(b)) for a, b in zip(edges[:-1], edges[1:])]


class Aligner:
    """Forced alignment with pocketsphinx: where each known word is said. The decoder is made once, when needed."""

    def _parts(self, words: list[str]) -> list[list[str]] | None:
        """The dictionary entries each caption word is said as ("twenty-seven" → twenty, seven); None if one is
        not in the dictionary."""
        parts = [[p for p in w.lower().split("-") if p] for w in words]
        known = all(self.decoder.lookup_word(p) is not None for word in parts for p in word)
        return parts if known else None

    @cached_property
    def decoder(self):
        from pocketsphinx import Decoder
        return Decoder(samprate=ALIGN_RATE, loglevel="FATAL")

    def align(self, words: list[str], samples: np.ndarray, rate: int) -> list[tuple[float, float]] | None:
        parts = self._parts(words)
        if parts is None:
            return None
        # linear resampling is crude (no anti-alias filter) but speech below 8 kHz survives it, and that is
        # all the acoustic model listens to
        n = int(len(samples) * ALIGN_RATE / rate)
        audio = np.interp(np.arange(n) * rate / ALIGN_RATE, np.arange(len(samples)), samples).astype(np.int16)
        try:
            self.decoder.set_align_text(" ".join(p for word in parts for p in word))
            self.decoder.start_utt()
            self.decoder.process_raw(audio.tobytes(), full_utt=True)
            self.decoder.end_utt()
            said = [(s.word.split("(")[0], s.start_frame, s.end_frame) for s in self.decoder.seg() or ()
                    if not s.word.startswith(("<", "[", "+"))]      # silences, sentence marks, fillers
            #                                         (no segments at all: the audio held no speech it could find)
        except RuntimeError:
            return None
        if [w for w, _, _ in said] != [p for word in parts for p in word]:
            return None
        times, i = [], 0
        for word in parts:
            first, last = said[i], said[i + len(word) - 1]
            times.append((first[1] / FRAMES_PER_SECOND, (last[2] + 1) / FRAMES_PER_SECOND))
            i += len(word)
        return times


def word_timings(text: str, samples: np.ndarray, rate: int, aligner: Aligner) -> tuple[list[dict], str, tuple]:
    """(words with start/end in seconds, "aligned" or "estimated", speech span) for a padded line."""
    words, span = caption_words(text), speech_span(samples, rate)
    times, source = aligner.align(words, samples, rate), "aligned"
    if times is None:
        times, source = estimate(words, span), "estimated"
    duration = len(samples) / rate
    return ([{"word": w, "start": round(min(a, duration), 3), "end": round(min(b, duration), 3)}
             for w, (a, b) in zip(words, times)], source, span)


# --- cache ---------------------------------------------------------------------------------------------------------

def cached(cache_dir: Path, key: str) -> dict | None:
    """A cache entry's timings if both its files are whole and agree, else None (it will be rebuilt)."""
    try:
        entry = read_json(cache_dir / f"{key}.json")
        samples, rate = read_wav(cache_dir / f"{key}.wav")
        intact = entry["key"] == key and abs(entry["seconds"] - len(samples) / rate) < 1e-3 and entry["words"]
    except (UserError, KeyError, TypeError):
        return None
    return entry if intact else None


def speak(voice: Voice, text: str, key: str, pads: VoiceSettings, cache_dir: Path, aligner: Aligner) -> dict:
    """Synthesise one line into the cache: the WAV first, then the JSON that marks the entry complete."""
    with tempfile.TemporaryDirectory(dir=cache_dir) as work:
        raw = Path(work) / "speech.wav"
        voice.synthesize(text, raw)
        speech, rate = read_wav(raw)
    silence = [np.zeros(round(pad * rate), dtype=np.int16) for pad in (pads.pad_start, pads.pad_end)]
    samples = np.concatenate([silence[0], speech, silence[1]])
    words, source, span = word_timings(text, samples, rate, aligner)
    with atomic_output(cache_dir / f"{key}.wav") as tmp:
        write_wav(tmp, samples, rate)
    entry = {"key": key, "text": text, "seconds": round(len(samples) / rate, 4),
             "speech_start": span[0], "speech_end": span[1], "word_source": source, "words": words}
    write_json(cache_dir / f"{key}.json", entry)
    return entry


def publish(src: Path, dest: Path) -> None:
    """Put a cache file at `dest` as a hard link (a copy across file systems), atomically."""
    if dest.exists() and dest.samefile(src):
        return
    with atomic_output(dest) as tmp:
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)


def publish_segment(seg_id: str, entry: dict, marks: dict[str, int], cache_dir: Path, out_dir: Path,
                    pads: VoiceSettings) -> dict:
    """Put a line's audio at build/narration/<id>.wav and its timing at <id>.json, with the times of its cue marks
    (what its scene is timed by, available before the whole narration is done)."""
    wav = out_dir / f"{seg_id}.wav"
    publish(cache_dir / f"{entry['key']}.wav", wav)
    samples, rate = read_wav(wav)
    timing = {"id": seg_id, "text": entry["text"], "seconds": round(len(samples) / rate, 4),
              "marks": mark_times(marks, entry["words"]),
              "speech_start": entry["speech_start"], "speech_end": entry["speech_end"],
              "pad_start": pads.pad_start, "pad_end": pads.pad_end, "wav": wav.name, "key": entry["key"],
              "word_source": entry["word_source"], "words": entry["words"]}
    write_json(out_dir / f"{seg_id}.json", timing)
    return timing


# --- the stage -----------------------------------------------------------------------------------------------------

def check_scripts(scripts: list[tuple[Path, Segment]], facts: Facts, settings: Settings, console: Console) -> None:
    """Lint every narrated script; on any error print the findings and stop before any audio is made."""
    findings = io.StringIO()
    if report(scripts, facts, settings.lint, findings):
        console.print(findings.getvalue().rstrip(), markup=False, highlight=False, soft_wrap=True)
        raise UserError("scripts break the text-to-speech rules (listed above): no audio made")


def narrate(settings: Settings, *, storyboard: Path = STORYBOARD, scripts_dir: Path = SCRIPTS,
            summary: Path = SUMMARY, paper: Path = PAPER, out_dir: Path = NARRATION_DIR,
            cache_dir: Path = CACHE_DIR, only: list[str] | None = None, backend: str | None = None,
            console: Console | None = None, progress: Progress | None = None,
            on_ready=lambda entry: None) -> tuple[dict, list[str]]:
    """Narrate the storyboard (or the segments `only`); return timings.json's content and the ids spoken anew.
    `on_ready(entry)` hears of each line as soon as its audio is in place, so later stages can start on it while
    the voice goes on; `progress` is a live display to add the narration bar to (rich allows only one)."""
    console = console or Console()
    lines = narrated_scripts(storyboard, scripts_dir)
    facts = Facts(summary, paper)
    check_scripts([(script, seg) for seg, script in lines], facts, settings, console)
    segs = [seg for seg, _ in lines]
    wanted = {find_segment(segs, o).id for o in only} if only is not None else {seg.id for seg in segs}
    voice = make_voice(settings.voice, backend)
    identity, pads = voice.identity(), settings.voice
    filled = {seg.id: fill_script(script, facts) for seg, script in lines}    # every fill error before any audio
    marks = {seg_id: mark_positions(text) for seg_id, text in filled.items()}  # the lint has vetted them
    texts = {seg_id: strip_marks(text) for seg_id, text in filled.items()}
    cache_dir.mkdir(parents=True, exist_ok=True)
    aligner, segments, spoken = Aligner(), [], []
    columns = (TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with nullcontext(progress) if progress else Progress(*columns, console=console, transient=True) as bars:
        task = bars.add_task("narration", total=len(texts))
        for seg_id, text in texts.items():
            bars.update(task, description=f"narration {seg_id}")
            key = content_hash(text, identity, pads.pad_start, pads.pad_end, FORMAT)
            entry = cached(cache_dir, key)
            if entry is None and seg_id in wanted:
                entry = speak(voice, text, key, pads, cache_dir, aligner)
                spoken.append(seg_id)
            if entry is not None:     # with --only, other lines appear only if their audio is up to date
                segments.append(publish_segment(seg_id, entry, marks[seg_id], cache_dir, out_dir, pads))
                on_ready(segments[-1])
            bars.advance(task)
    current = {out_dir / name for s in segments for name in (s["wav"], f"{s['id']}.json")} | {out_dir / "timings.json"}
    for stale in (set(out_dir.glob("*.wav")) | set(out_dir.glob("*.json"))) - current:
        stale.unlink()            # audio or timing of a segment renamed, removed or out of date
    timings = {"voice": identity, "segments": segments,
               "total_seconds": round(sum(s["seconds"] for s in segments), 3)}
    write_json(out_dir / "timings.json", timings)
    return timings, spoken


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", metavar="ID", nargs="+", help="narrate these segments (ids, prefixes or numbers)")
    ap.add_argument("--backend", choices=("piper", "espeak"), help="override voice.backend of settings.yaml")
    args = ap.parse_args(argv)
    console, started = Console(), time.monotonic()
    try:
        with machine_faults(rel(NARRATION_DIR)), build_lock():
            timings, spoken = narrate(load_settings(), only=args.only, backend=args.backend, console=console)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    segments = timings["segments"]
    total = timings["total_seconds"]
    console.print(f"{len(segments)} segments: {len(spoken)} synthesised, {len(segments) - len(spoken)} reused; "
                  f"narration {total:.1f} s ({int(total // 60)}:{total % 60:04.1f}) in "
                  f"{time.monotonic() - started:.1f} s → {rel(NARRATION_DIR / 'timings.json')}",
                  highlight=False, soft_wrap=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
