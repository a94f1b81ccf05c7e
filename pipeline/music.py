"""The music bed: a calm, seeded, synthesised piece (or the file named by settings `music.file`).

`synthesize_bed` plays soft pads over a slow four-chord progression, a low bass and a gentle arpeggio, with a
convolution reverb. Every note has a smooth envelope (no clicks), every choice comes from the seed, and the result
is a stereo 48 kHz 16-bit WAV peaking at -1 dBFS. The film sets its level relative to the narration (settings
`music.volume_db`) and ducks it under the voice (`music.duck_db`).
"""
from __future__ import annotations

import math
import wave
from pathlib import Path

import numpy as np

from core.errors import UserError
from core.files import atomic_output, content_hash
from core.paths import ROOT, SETTINGS, rel
from core.settings import Settings
from pipeline.common import made_once

RATE = 48000
BEAT = 60 / 70                      # 70 beats per minute: unhurried
CHORD = 4 * BEAT                    # one chord per bar
PEAK = 10 ** (-1 / 20)              # -1 dBFS
QUALITIES = {"maj7": (0, 4, 7, 11), "m7": (0, 3, 7, 10), "add9": (0, 4, 7, 14), "sus2": (0, 2, 7, 12)}
# (degree above the key, quality): I–vi–IV–V and I–V–vi–IV, two of pop's calmest loops
PROGRESSIONS = (((0, "maj7"), (9, "m7"), (5, "maj7"), (7, "add9")),
                ((0, "add9"), (7, "sus2"), (9, "m7"), (5, "maj7")))
ARP_PATTERNS = ((0, 1, 2, 3, 2, 1, 2, 3), (0, 2, 1, 3, 0, 2, 3, 2), (3, 2, 1, 0, 1, 2, 1, 3))


BED_UNIT = 60.0     # s: a synthesised bed lasts whole minutes. The film trims it and fades its own tail, so an edit
#                    that changes the film's length by a few seconds finds its bed made (8 s to synthesise 4.5 min)


def bed_for(settings: Settings, seconds: float, cache_dir: Path) -> Path:
    """The film's music, at least `seconds` long: settings `music.file` (relative to the project) when set, else a
    bed synthesised from settings `seed` into `cache_dir` (once per length in whole minutes). The film loops a file
    that is shorter than the film."""
    if settings.music.file:
        path = ROOT / settings.music.file
        if not path.is_file():
            raise UserError(f"{rel(SETTINGS)}: 'music.file' {settings.music.file}: no such file")
        return path
    length = BED_UNIT * math.ceil(seconds / BED_UNIT)
    out = Path(cache_dir) / f"{content_hash('bed-v2', length, settings.seed)}.wav"
    return made_once(out, lambda tmp: synthesize_bed(length, tmp, settings.seed))


def _hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _tone(freq: float, n: int, partials: tuple, phase: float = 0.0) -> np.ndarray:
    """A soft additive tone: a sine and a few quiet harmonics (weights in `partials`)."""
    t = np.arange(n, dtype=np.float32) / np.float32(RATE)    # float32 halves the time; 4 s notes need no more
    return sum(w * np.sin(2 * np.pi * k * freq * t + k * phase) for k, w in enumerate(partials, 1))


def _fade(n: int, fade_in: int, fade_out: int) -> np.ndarray:
    """An envelope that rises and falls along half cosines: smooth at both ends, so nothing clicks."""
    env = np.ones(n)
    env[:fade_in] = 0.5 - 0.5 * np.cos(np.pi * np.arange(fade_in) / fade_in)
    env[n - fade_out:] = 0.5 + 0.5 * np.cos(np.pi * np.arange(fade_out) / fade_out)
    return env


def _add(track: np.ndarray, start: int, sound: np.ndarray, pan: float = 0.0) -> None:
    """Mix a mono sound (or a (n, 2) stereo one) into a stereo track at a sample offset, cut at the track's end;
    pan -1 (left) … 1 (right) at constant power. A sound starting before the track is cut at its start."""
    if start < 0:
        sound, start = sound[-start:], 0
    sound = sound[: len(track) - start]
    if sound.ndim == 1:
        angle = (pan + 1) * np.pi / 4
        sound = np.stack([sound * np.cos(angle), sound * np.sin(angle)], axis=1) * np.sqrt(2)
    track[start:start + len(sound)] += sound


def _reverb(track: np.ndarray, rng: np.random.Generator, seconds: float = 2.2, wet: float = 0.28) -> np.ndarray:
    """A room: convolution with decaying noise (a different noise per side widens the image), by overlap-add."""
    n_ir = int(seconds * RATE)
    decay = np.exp(-np.arange(n_ir) / (0.45 * RATE))
    ir = rng.standard_normal((n_ir, 2)) * decay[:, None]
    ir /= np.sqrt((ir ** 2).sum(axis=0))
    block = 1 << 18
    size = 1 << int(np.ceil(np.log2(block + n_ir)))
    spectrum = np.fft.rfft(ir, size, axis=0)
    out = np.zeros((len(track) + n_ir, 2))
    for start in range(0, len(track), block):
        part = np.fft.irfft(np.fft.rfft(track[start:start + block], size, axis=0) * spectrum, size, axis=0)
        end = min(start + size, len(out))
        out[start:end] += part[: end - start]
    return (1 - wet) * track + wet * out[: len(track)]


def synthesize_bed(seconds: float, out_wav: Path, seed: int) -> Path:
    """Write `seconds` of music to `out_wav` (stereo, 48 kHz, 16-bit); the same seed gives the same file."""
    rng = np.random.default_rng([seed, 20250])
    n = int(round(seconds * RATE))
    track = np.zeros((n, 2))
    key = 50 + int(rng.integers(0, 7))                    # D3 … G#3
    progression = PROGRESSIONS[int(rng.integers(len(PROGRESSIONS)))]
    overlap = int(1.2 * RATE)                             # chords cross-fade over 1.2 s
    chord_len = int(CHORD * RATE)
    step = int(BEAT / 2 * RATE)                           # arpeggio in eighth notes
    note_len = int(1.6 * RATE)
    for bar, start in enumerate(range(0, n, chord_len)):
        degree, quality = progression[bar % len(progression)]
        root = key + degree - (12 if degree > 6 else 0)   # keep the roots within an octave
        pitches = [root + offset for offset in QUALITIES[quality]]
        length = chord_len + overlap
        at = start - overlap // 2
        env = _fade(length, overlap, overlap)
        for pitch in pitches:                             # pads: two voices detuned ±5 cents, one per side
            left, right = (_tone(_hz(pitch + d), length, (1, 0.25, 0.08), rng.uniform(0, 2 * np.pi))
                           for d in (-0.05, 0.05))
            _add(track, at, np.stack([left, right], axis=1) * (0.10 * env)[:, None])
        _add(track, at, _tone(_hz(root - 12), length, (1, 0.3)) * 0.16 * env)
        pattern = ARP_PATTERNS[int(rng.integers(len(ARP_PATTERNS)))]
        for i, index in enumerate(pattern):               # arpeggio an octave up, a soft bell, panned to and fro
            note_at = start + i * step
            if note_at >= n:
                break
            decay = np.exp(-np.arange(note_len) / (0.35 * RATE)) * _fade(note_len, int(0.008 * RATE),
                                                                       int(0.05 * RATE))
            velocity = 0.07 * rng.uniform(0.8, 1.0)
            _add(track, note_at, _tone(_hz(pitches[index] + 12), note_len, (1, 0.2, 0.05)) * decay * velocity,
                 pan=0.35 if i % 2 else -0.35)
    track = _reverb(track, rng)
    track *= _fade(n, min(int(2 * RATE), n // 3), min(int(3 * RATE), n // 3))[:, None]
    track *= PEAK / max(np.abs(track).max(), 1e-9)
    with atomic_output(out_wav) as tmp, wave.open(str(tmp), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.round(track * 32767).astype("<i2").tobytes())
    return Path(out_wav)
