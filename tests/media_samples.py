"""Small media for the film-stage tests: test-pattern or plain-colour clips, a speech-like voice or a line spoken
by espeak-ng, and their word timings as the narration stage writes them."""
from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np

from core.settings import VoiceSettings
from pipeline.ffmpeg import film_video
from pipeline.narrate import caption_words, estimate, speech_span
from pipeline.tts import make_voice, read_wav, write_wav

VOICE_RATE = 22050          # the narration stage's WAV format: mono 16-bit 22050 Hz
PAD = 0.3                   # silence before and after each line, as the narration stage pads


def clip(path: Path, seconds: float, width: int = 320, height: int = 180, fps: int = 30,
         color: str | None = None, preset: str | None = None) -> Path:
    """A video-only H.264 test pattern (or a plain `color`) of exactly round(seconds × fps) frames, encoded as the
    picture stages encode: in the film's video format (`preset` overrides its x264 preset)."""
    source = f"color=c={color}:s={width}x{height}:r={fps}" if color else f"testsrc2=s={width}x{height}:r={fps}"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source,
                    "-frames:v", str(round(seconds * fps)), *film_video(28, fps),
                    *(["-preset", preset] if preset else []), str(path)], check=True)
    return path


def timed_words(text: str, seconds: float) -> list[dict]:
    """Word timings spread over the line between its pads, as the narration stage would report them."""
    words = [w for w in (t.strip(".,") for t in text.split()) if w]
    edges = np.linspace(PAD, seconds - PAD, len(words) + 1)
    return [{"word": w, "start": round(a, 3), "end": round(b - 0.05, 3)} for w, a, b in zip(words, edges, edges[1:])]


def voice(path: Path, words: list[dict], seconds: float, level: float = 0.5) -> Path:
    """A speech-like buzz (a 120 Hz voice with falling harmonics, shaped into syllables) during each word."""
    t = np.arange(round(seconds * VOICE_RATE)) / VOICE_RATE
    buzz = sum(np.sin(2 * np.pi * 120 * k * t) / k for k in range(1, 12))
    envelope = np.zeros_like(t)
    for w in words:
        inside = (t >= w["start"]) & (t < w["end"])
        envelope[inside] = np.sin(np.pi * (t[inside] - w["start"]) / (w["end"] - w["start"])) ** 2
    pcm = np.round(buzz * envelope / np.abs(buzz).max() * level * 32767).astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(VOICE_RATE)
        f.writeframes(pcm.tobytes())
    return path


def spoken(folder: Path, seg_id: str, text: str, seconds: float) -> tuple[Path, dict]:
    """A segment's narration as the narration stage makes it with the espeak voice: the line, PAD of silence before
    it and silence after it up to `seconds`, as <seg_id>.wav; and its timings.json entry (the stage's fallback word
    timings: the speech span shared by word length)."""
    raw = folder / f"{seg_id}.speech.wav"
    make_voice(VoiceSettings(), backend="espeak").synthesize(text, raw)
    speech, rate = read_wav(raw)
    before, total = round(PAD * rate), round(seconds * rate)
    if before + len(speech) + round(PAD * rate) > total:
        raise ValueError(f"'{text}' takes {len(speech) / rate:.2f} s: too long for {seconds} s with its pads")
    samples = np.concatenate([np.zeros(before, np.int16), speech, np.zeros(total - before - len(speech), np.int16)])
    write_wav(folder / f"{seg_id}.wav", samples, rate)
    words = caption_words(text)
    times = estimate(words, speech_span(samples, rate))
    return folder / f"{seg_id}.wav", {
        "id": seg_id, "text": text, "seconds": round(total / rate, 4), "wav": f"{seg_id}.wav",
        "words": [{"word": w, "start": round(a, 3), "end": round(b, 3)} for w, (a, b) in zip(words, times)]}
