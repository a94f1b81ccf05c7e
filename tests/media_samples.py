"""Small synthetic media for the film-stage tests: test-pattern clips, a speech-like voice, its word timings."""
from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np

VOICE_RATE = 22050          # the narration stage's WAV format: mono 16-bit 22050 Hz
PAD = 0.3                   # silence before and after each line, as the narration stage pads


def clip(path: Path, seconds: float, width: int = 320, height: int = 180, fps: int = 30) -> Path:
    """A video-only H.264 test pattern of exactly round(seconds × fps) frames."""
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=s={width}x{height}:r={fps}",
                    "-frames:v", str(round(seconds * fps)), "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", str(path)], check=True)
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


def narrated(folder: Path, seg_id: str, text: str, seconds: float) -> tuple[Path, dict]:
    """A segment's narration WAV and its timings.json entry."""
    words = timed_words(text, seconds)
    return (voice(folder / f"{seg_id}.wav", words, seconds),
            {"id": seg_id, "text": text, "seconds": seconds, "words": words})
