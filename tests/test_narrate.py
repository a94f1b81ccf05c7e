"""The narration stage on a two-line storyboard in a temporary build: audio, padding, word timings and the cache."""
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.errors import UserError
from core.paths import ROOT
from core.settings import load_settings
from pipeline import narrate as stage
from pipeline.tts import EspeakVoice, PiperVoice, read_wav

FAKE_SUMMARY = Path(__file__).parent / "fixtures" / "summary.json"
STORYBOARD = """segments:
  - {id: 01-title, part: Intro, chapter: Intro, visual: still, asset: assets/title.svg, narrated: false, seconds: 4}
  - {id: 02-hook, part: Intro, chapter: Intro, visual: still, asset: assets/title.svg}
  - {id: 03-task, part: The task, chapter: Task, visual: still, asset: assets/title.svg}
"""
LINES = {"02-hook": "What does a tiny model learn.", "03-task": "A row of {n_cells} cells, with a key and a door."}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "scripts").mkdir()
    for seg_id, text in LINES.items():
        (tmp_path / "scripts" / f"{seg_id}.txt").write_text(text + "\n")
    (tmp_path / "storyboard.yaml").write_text(STORYBOARD)
    return tmp_path


@pytest.fixture
def synth_log(monkeypatch):
    """Every line a voice speaks, with the length (s) of the raw speech before padding."""
    log = []
    for cls in (EspeakVoice, PiperVoice):
        def logged(self, text, wav_path, original=cls.synthesize):
            original(self, text, wav_path)
            samples, rate = read_wav(wav_path)
            log.append((text, len(samples) / rate))
        monkeypatch.setattr(cls, "synthesize", logged)
    return log


def run(project, settings=None, **options):
    return stage.narrate(settings or load_settings(), storyboard=project / "storyboard.yaml",
                         scripts_dir=project / "scripts", summary=FAKE_SUMMARY, out_dir=project / "narration",
                         cache_dir=project / "cache", **options)


def check_segment(project, seg, raw_seconds):
    samples, rate = read_wav(project / "narration" / seg["wav"])
    pad = round(0.3 * rate)
    assert seg["seconds"] == pytest.approx(len(samples) / rate, abs=1e-3)
    assert seg["seconds"] == pytest.approx(raw_seconds + 0.6, abs=2e-3)
    assert not samples[:pad].any() and not samples[-pad:].any()          # the padding is silence
    assert 0.3 <= seg["speech_start"] < seg["speech_end"] <= seg["seconds"] - 0.3 + 0.01
    words = seg["words"]
    assert [w["word"] for w in words] == stage.caption_words(seg["text"])
    times = [t for w in words for t in (w["start"], w["end"])]
    assert times == sorted(times) and 0 <= times[0] and times[-1] <= seg["seconds"]
    assert all(w["end"] > w["start"] for w in words)


def test_espeak_end_to_end_then_cached_then_one_line_changed(project, synth_log):
    settings = load_settings()
    timings, spoken = run(project, backend="espeak")
    assert spoken == ["02-hook", "03-task"]
    assert json.loads((project / "narration" / "timings.json").read_text()) == timings
    assert timings["voice"]["backend"] == "espeak-ng"
    segments = timings["segments"]
    assert [s["id"] for s in segments] == ["02-hook", "03-task"]
    assert segments[1]["text"] == "A row of ten cells, with a key and a door."
    assert (segments[0]["pad_start"], segments[0]["pad_end"]) == (settings.voice.pad_start, settings.voice.pad_end)
    for seg, (_, raw_seconds) in zip(segments, synth_log):
        check_segment(project, seg, raw_seconds)
    assert timings["total_seconds"] == pytest.approx(sum(s["seconds"] for s in segments), abs=1e-3)

    # nothing changed: nothing is spoken, the same files are described
    again, spoken = run(project, backend="espeak")
    assert spoken == [] and len(synth_log) == 2 and again == timings

    # one line changed: only that one is spoken
    (project / "scripts" / "03-task.txt").write_text("A row of {n_cells} cells.\n")
    changed, spoken = run(project, backend="espeak")
    assert spoken == ["03-task"] and [text for text, _ in synth_log[2:]] == ["A row of ten cells."]
    assert changed["segments"][0] == timings["segments"][0]
    assert changed["segments"][1]["key"] != timings["segments"][1]["key"]


def test_corrupt_cache_entry_is_rebuilt(project, synth_log):
    timings, _ = run(project, backend="espeak")
    key = timings["segments"][0]["key"]
    wav = project / "cache" / f"{key}.wav"
    wav.write_bytes(wav.read_bytes()[:1000])                     # truncated
    (project / "cache" / f"{timings['segments'][1]['key']}.json").write_text("{")   # unreadable
    again, spoken = run(project, backend="espeak")
    assert spoken == ["02-hook", "03-task"]
    read_wav(wav)
    assert [s["key"] for s in again["segments"]] == [s["key"] for s in timings["segments"]]


def test_voice_settings_are_part_of_the_key(project, synth_log):
    settings = load_settings()
    run(project, settings, backend="espeak")
    slower = replace(settings, voice=replace(settings.voice, length_scale=1.25))
    _, spoken = run(project, slower, backend="espeak")
    assert spoken == ["02-hook", "03-task"]
    padded = replace(settings, voice=replace(settings.voice, pad_end=0.5))
    _, spoken = run(project, padded, backend="espeak")
    assert spoken == ["02-hook", "03-task"]


def test_only_speaks_one_segment(project, synth_log):
    timings, spoken = run(project, backend="espeak", only=["3"])
    assert spoken == ["03-task"] and [s["id"] for s in timings["segments"]] == ["03-task"]
    assert sorted(p.name for p in (project / "narration").glob("*.wav")) == ["03-task.wav"]


def test_only_no_segment_speaks_nothing(project, synth_log):
    """`render --only 01` (a still without narration) asks for no line: none is spoken, none is published."""
    timings, spoken = run(project, backend="espeak", only=[])
    assert spoken == [] and synth_log == [] and timings["segments"] == []


def test_lint_error_stops_before_any_audio(project, synth_log, capsys):
    (project / "scripts" / "02-hook.txt").write_text("What does the HRM learn?\n")
    with pytest.raises(UserError, match="text-to-speech rules"):
        run(project, backend="espeak")
    out = capsys.readouterr().out
    assert "02-hook.txt:1:15: TTS004" in out and "02-hook.txt:1:24: TTS003" in out
    assert synth_log == [] and not (project / "narration").exists() and not (project / "cache").exists()


def test_missing_script_names_the_segment(project):
    (project / "scripts" / "03-task.txt").unlink()
    with pytest.raises(UserError, match=r"segment '03-task': missing script .*03-task.txt"):
        run(project, backend="espeak")


def test_missing_recording_names_the_placeholder(project, synth_log):
    with pytest.raises(UserError, match=r"03-task.txt:1:10: no measured value for \{n_cells\}: run just train"):
        stage.narrate(load_settings(), storyboard=project / "storyboard.yaml", scripts_dir=project / "scripts",
                      summary=project / "missing.json", out_dir=project / "narration", cache_dir=project / "cache",
                      backend="espeak")
    assert synth_log == []


def test_missing_piper_model_names_the_setting(project):
    settings = load_settings()
    settings = replace(settings, voice=replace(settings.voice, piper_model=str(project / "voice.onnx")))
    with pytest.raises(UserError, match=r"voice.onnx: Piper voice file not found \(set by 'voice.piper_model'"):
        run(project, settings)


def test_piper_end_to_end(project, synth_log):
    timings, spoken = run(project, backend="piper")
    assert spoken == ["02-hook", "03-task"]
    assert timings["voice"]["backend"] == "piper" and len(timings["voice"]["model_sha256"]) == 64
    for seg, (_, raw_seconds) in zip(timings["segments"], synth_log):
        assert read_wav(project / "narration" / seg["wav"])[1] == 22050
        assert seg["word_source"] == "aligned"
        check_segment(project, seg, raw_seconds)


def test_unknown_words_fall_back_to_estimated_timings():
    rate = 16000
    samples = np.zeros(3 * rate, dtype=np.int16)
    samples[rate // 2: 5 * rate // 2] = (8000 * np.sin(np.arange(2 * rate) * 0.3)).astype(np.int16)
    words, source, span = stage.word_timings("Zorblax quibbled, wugs.", samples, rate, stage.Aligner())
    assert source == "estimated" and span == pytest.approx((0.5, 2.5), abs=0.011)
    assert [w["word"] for w in words] == ["Zorblax", "quibbled", "wugs"]
    assert words[0]["start"] == pytest.approx(0.5, abs=0.011) and words[-1]["end"] == pytest.approx(2.5, abs=0.011)
    assert words[0]["end"] - words[0]["start"] > words[2]["end"] - words[2]["start"]    # longer word, longer time


SPEAK = """
import sys
from pathlib import Path
from core.settings import VoiceSettings
from pipeline.tts import make_voice
voice = make_voice(VoiceSettings())
for i, text in enumerate(sys.argv[2:]):
    voice.synthesize(text, Path(sys.argv[1]) / f"{i}.wav")
"""


def test_piper_gives_the_same_samples_across_lines_and_cold_runs(tmp_path):
    """One line spoken twice with another between, in two cold processes (ONNX Runtime seeds a process at random
    unless told): all four syntheses are identical, sample for sample."""
    line = "A row of ten cells."
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        subprocess.run([sys.executable, "-c", SPEAK, str(tmp_path / run), line, "Something else first.", line],
                       cwd=ROOT, check=True, capture_output=True)
    heard = [read_wav(tmp_path / run / f"{i}.wav")[0] for run in ("a", "b") for i in (0, 2)]
    assert all(len(h) == len(heard[0]) and (h == heard[0]).all() for h in heard[1:])
