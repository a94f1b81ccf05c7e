"""The soundtrack's machinery on its own: the AAC chunks splice into one stream as clean as a whole encode and
exactly as long, an edit re-encodes only the chunks it changed, the limiter lets no sample through its ceiling and
touches nothing far from a peak, and the loudness meter reads what ffmpeg's reads. (The mix itself is heard in
tests/test_film_content.py, where films are verified by listening to them.)"""
from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from core.settings import MusicSettings, Settings
from pipeline import soundtrack
from pipeline.assemble import Placement
from pipeline.ffmpeg import AUDIO_RATE, measure_loudness, probe
from pipeline.music import synthesize_bed
from pipeline.tts import write_wav

RATE = AUDIO_RATE


def music_like(seconds: float, seed: int = 0) -> np.ndarray:
    """Stereo float32: chords of decaying notes with sharp onsets (the AAC encoder's short windows) over noise."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    t = np.arange(n) / RATE
    out = 0.01 * rng.standard_normal((n, 2))
    for onset in np.arange(0.0, seconds, 0.37):
        at = round(onset * RATE)
        span = t[: n - at]
        note = np.sin(2 * np.pi * rng.uniform(110, 1760) * span) * np.exp(-span * rng.uniform(2, 12))
        out[at:, 0] += 0.2 * note
        out[at:, 1] += 0.2 * np.roll(note, 7)
    return out.astype(np.float32)


def decode(path: Path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "2", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32).reshape(-1, 2)


def snr_db(reference: np.ndarray, heard: np.ndarray) -> float:
    return float(10 * np.log10(np.sum(reference.astype(np.float64) ** 2) / np.sum((heard - reference) ** 2)))


@pytest.fixture
def short_chunks(monkeypatch):
    monkeypatch.setattr(soundtrack, "CHUNK_FRAMES", 60)          # 1.28 s: many splices in a short sound
    return 60 * soundtrack.AAC_FRAME


def test_chunks_splice_into_one_stream_as_clean_as_a_whole_encode_and_as_long(tmp_path, short_chunks):
    sound = music_like(9.3)                                     # not a whole number of AAC frames
    chunks = [soundtrack.encode_chunk(sound, s, tmp_path / "aac", "t") for s in soundtrack.chunk_starts(len(sound))]
    soundtrack.write_m4a(b"".join(chunks), len(sound), tmp_path / "spliced.m4a")
    (tmp_path / "in.f32").write_bytes(sound.tobytes())
    subprocess.run(["ffmpeg", "-v", "error", "-f", "f32le", "-ar", str(RATE), "-ac", "2", "-i",
                    str(tmp_path / "in.f32"), *soundtrack.aac(), str(tmp_path / "whole.m4a")], check=True)
    spliced, whole = decode(tmp_path / "spliced.m4a")[:len(sound)], decode(tmp_path / "whole.m4a")[:len(sound)]
    assert probe(tmp_path / "spliced.m4a")["duration"] == pytest.approx(len(sound) / RATE, abs=1e-3)
    # in step with the sound to the sample (a frame off would leave no likeness at all: SNR below 0 dB)
    assert snr_db(sound, spliced) > snr_db(sound, whole) - 1.0 > 15.0
    for start in soundtrack.chunk_starts(len(sound))[1:]:
        around = slice(start - 2048, start + 2048)
        assert snr_db(sound[around], spliced[around]) > snr_db(sound[around], whole[around]) - 6.0, start / RATE


def test_an_edit_re_encodes_only_the_chunks_that_hear_it(tmp_path, short_chunks):
    sound = music_like(8.0)
    starts = soundtrack.chunk_starts(len(sound))
    first = [soundtrack.encode_chunk(sound, s, tmp_path, "t") for s in starts]
    edited = sound.copy()
    middle = starts[3] + short_chunks // 2
    edited[middle:middle + 100] *= 0.5
    second = [soundtrack.encode_chunk(edited, s, tmp_path, "t") for s in starts]
    assert [a == b for a, b in zip(first, second)] == [k != 3 for k in range(len(starts))]
    assert len(list(tmp_path.glob("*.aac"))) == len(starts) + 1


def test_the_limiter_lets_no_sample_through_and_leaves_what_is_far_from_a_peak():
    rng = np.random.default_rng(3)
    mix = (0.1 * rng.standard_normal((RATE * 3, 2))).astype(np.float32)
    spikes = [20000, 20050, 90001, 140000]
    for at in spikes:
        mix[at, at % 2] = 0.9
    ceiling = 0.5
    before = mix.copy()
    gain = soundtrack.limiter_gain(soundtrack.block_peaks(mix), ceiling)
    soundtrack.limit(mix, gain)
    assert np.abs(mix).max() <= ceiling * (1 + 1e-6)
    released = int(np.ceil(20 * np.log10(0.9 / ceiling) / soundtrack.LIMITER_RELEASE_DB))    # blocks to recover
    reach = (2 * soundtrack.LIMITER_ATTACK + 3 + released) * soundtrack.LIMITER_BLOCK
    far = np.ones(len(mix), bool)
    for at in spikes:
        far[max(0, at - reach):at + reach] = False
    assert np.array_equal(mix[far], before[far]) and far.sum() > len(mix) // 2
    assert soundtrack.limiter_gain(soundtrack.block_peaks(before), 0.95) is None


def test_the_loudness_meter_reads_what_ffmpegs_reads(tmp_path):
    quiet_then_loud = music_like(12.0, seed=5)
    quiet_then_loud[:RATE * 4] *= 0.05          # a quiet start, for the relative gate to leave out
    path = tmp_path / "x.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.round(np.clip(quiet_then_loud, -1, 1) * 32767).astype("<i2").tobytes())
    ours = soundtrack.integrated_loudness(soundtrack.hop_powers(quiet_then_loud))
    assert ours == pytest.approx(measure_loudness(path)["input_i"], abs=0.1)


@pytest.mark.slow
def test_the_soundtrack_reaches_its_loudness_and_an_edit_leaves_the_other_segments_encoded(tmp_path, short_chunks):
    """Three segments of tone-burst 'speech' over a synthesised bed; then the middle one's voice replaced by
    the same played backwards (as long, as loud, at the same level): the chunks wholly before it (and its bed's dip)
    are reused as they were."""
    settings = Settings(music=MusicSettings(tail_seconds=2.0))
    placements = [Placement("a", 0.0, 6.0), Placement("b", 6.0, 6.0), Placement("c", 12.0, 6.0)]

    def voice(name: str, seed: int, backwards: bool = False) -> Path:
        rng = np.random.default_rng(seed)
        rate, n = 22050, 6 * 22050
        t = np.arange(n) / rate
        speech = np.sin(2 * np.pi * rng.uniform(150, 250) * t) * (np.sin(2 * np.pi * rng.uniform(2, 4) * t) > 0)
        speech[: rate // 2] = speech[-rate // 2:] = 0
        speech = speech[::-1] if backwards else speech
        write_wav(tmp_path / name, np.round(0.3 * speech * 32767), rate)
        return tmp_path / name

    bed = synthesize_bed(60, tmp_path / "bed.wav", 1)
    voices = [voice("a.wav", 1), voice("b.wav", 2), voice("c.wav", 3)]
    data = soundtrack.make_soundtrack(voices, placements, bed, tmp_path / "one.m4a", settings, tmp_path / "cache")
    heard = measure_loudness(tmp_path / "one.m4a")
    assert heard["input_i"] == pytest.approx(settings.music.loudness_lufs, abs=0.3)
    assert heard["input_tp"] <= settings.music.true_peak_db
    assert data["loudness"]["peak_db"] <= settings.music.true_peak_db - soundtrack.LIMIT_MARGIN_DB + 1.0
    encoded = set((tmp_path / "cache" / "aac").glob("*.aac"))
    voices[1] = voice("b2.wav", 2, backwards=True)
    again = soundtrack.make_soundtrack(voices, placements, bed, tmp_path / "two.m4a", settings, tmp_path / "cache")
    assert again["levels"]["bed_gain_db"] == data["levels"]["bed_gain_db"]
    assert again["loudness"]["gain_db"] == data["loudness"]["gain_db"]
    new = set((tmp_path / "cache" / "aac").glob("*.aac")) - encoded
    starts = soundtrack.chunk_starts(20 * RATE)
    before = sum(start + short_chunks <= 5.0 * RATE for start in starts)     # b's dip starts 0.2 s before 6.0 s
    assert before >= 3 and 0 < len(new) <= len(starts) - before
