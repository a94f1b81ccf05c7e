"""The film's sound, checked by listening to it: a small film (a music-only title, then three segments narrated by
espeak-ng) is assembled by the real code under a real music bed and verified by the real verifier; then films
broken the ways a mix breaks (two clips' audio swapped, one line a few frames late, no music) must each be reported,
by the segment's id or as "music". First, the duck and the search on their own."""
from __future__ import annotations

import json
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from media_samples import clip, spoken

from core.errors import UserError
from core.settings import MusicSettings, Settings, VideoSettings
from core.storyboard import Segment
from pipeline import assemble, captions, metadata, soundtrack, verify
from pipeline.soundtrack import LEVEL_WINDOW
from pipeline.ffmpeg import ANALYSIS_RATE, decode_mono
from pipeline.music import synthesize_bed

SETTINGS = Settings(video=VideoSettings(width=320, height=180, fps=30, crf=28),
                    music=MusicSettings(tail_seconds=3.0, volume_db=-9.0))
FRAME = 1 / 30
# s: every narrated segment lasts the same, so swapping two clips' audio keeps every length right; each line fills
# its segment but for a short silence, as the narration stage pads it, and the middle chapter lasts 10 s
LINE = 9.8
# id, chapter, narration (None: music only), seconds, colour
STORY = [("01-title", "Intro", None, 3.0, "navy"),
         ("02-hook", "Intro", "What does a model learn while it trains. Most explanations skip that part, so today "
                              "we will watch it happen in front of us, one small step at a time.", LINE, "teal"),
         ("03-task", "The task", "A row of ten cells holds an agent, a key and a door. The agent has to pick up "
                                 "the key first, and only then may it walk over to the door at the far end.", LINE,
          "olive"),
         ("04-end", "Summary", "The H R M learned all of this from only ten examples. It is one small model and one "
                               "short run, and every step of it is shown right here on the screen.", LINE, "maroon")]
SEGMENTS = [Segment(id=i, part="Intro", chapter=c, visual="scene", scene="x.Y", narrated=text is not None,
                    seconds=0.0 if text else s) for i, c, text, s, _ in STORY]
SHIFT = 3 * FRAME   # the late line's delay: a few frames, more than the one frame verification allows


# --- the duck and the search, on their own ----------------------------------------------------------------------

def test_the_duck_dips_by_duck_db_through_short_pauses_and_swells_back_in_long_ones():
    voice = np.full(round(12 / LEVEL_WINDOW), -120.0)       # 12 s: silence, speech 2-4 s and 4.5-6 s, silence
    for start, end in ((2.0, 4.0), (4.5, 6.0)):
        voice[round(start / LEVEL_WINDOW):round(end / LEVEL_WINDOW)] = -20.0
    gain_db = 20 * np.log10(soundtrack.duck_gain(voice, 12.0, len(voice)))

    def at(t):
        return gain_db[round(t / LEVEL_WINDOW)]

    assert at(1.0) == pytest.approx(0.0)                     # before: the bed at full level
    assert at(3.0) == pytest.approx(-12.0)                   # under the voice: duck_db down
    assert at(4.2) == pytest.approx(-12.0)                   # a half-second pause: held down
    assert at(6.0 + soundtrack.DUCK_HOLD - 0.2) == pytest.approx(-12.0)
    assert at(6.0 + soundtrack.DUCK_HOLD + soundtrack.DUCK_RAMP + 0.1) == pytest.approx(0.0)    # swelled back
    assert -12.0 < at(2.0 - soundtrack.DUCK_LEAD) < 0.0        # dipping before the first word
    released = 20 * np.log10(soundtrack.duck_gain(voice, 12.0, round(6.3 / LEVEL_WINDOW)))
    assert released[round(6.5 / LEVEL_WINDOW):] == pytest.approx(0.0)  # the tail is the music's: no hold into it


def test_correlation_finds_a_line_in_noise_and_not_another_line():
    rng = np.random.default_rng(1)
    line, other = (rng.standard_normal(2 * ANALYSIS_RATE) for _ in range(2))
    film = 0.3 * rng.standard_normal(6 * ANALYSIS_RATE)
    film[ANALYSIS_RATE:3 * ANALYSIS_RATE] += line
    at, peak = verify.locate(line, film)
    assert at == pytest.approx(1.0) and peak > 0.9
    assert verify.locate(other, film)[1] < 0.1
    assert verify.locate(line, film[:ANALYSIS_RATE])[1] == 0.0          # no room for enough of it: not compared


# --- one real small film, and broken ones ------------------------------------------------------------------------

def late(wav: Path, seconds: float, out: Path) -> Path:
    """The WAV delayed by `seconds`, as long as before (its closing silence shortened)."""
    with wave.open(str(wav)) as w:
        params, pcm = w.getparams(), np.frombuffer(w.readframes(w.getnframes()), "<i2")
    shift = round(seconds * params.framerate)
    with wave.open(str(out), "wb") as w:
        w.setparams(params)
        w.writeframes(np.concatenate([np.zeros(shift, "<i2"), pcm[:-shift]]).tobytes())
    return out


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """The narration WAVs, their timings, the video-only pictures and the music bed of the small film."""
    d = tmp_path_factory.mktemp("content")
    wavs, entries, videos = {}, [], {}
    for seg_id, _, text, seconds, colour in STORY:
        if text:
            wavs[seg_id], entry = spoken(d, seg_id, text, seconds)
            entries.append(entry)
        videos[seg_id] = clip(d / f"{seg_id}.video.mp4", seconds, color=colour)
    length = sum(s for _, _, _, s, _ in STORY) + SETTINGS.music.tail_seconds
    return {"dir": d, "wavs": wavs, "videos": videos, "timings": {"segments": entries},
            "bed": synthesize_bed(length, d / "bed.wav", seed=5), "length": length}


def segment_clips(story: dict, voices: dict[str, Path | None], pool: ThreadPoolExecutor) -> list[Path]:
    """The film's segment clips, each picture with the narration `voices` gives it (encoded once per pairing)."""
    made = story.setdefault("clips", {})
    for seg_id, _, _, seconds, _ in STORY:
        voice = voices.get(seg_id)
        if (seg_id, voice) not in made:
            out = story["dir"] / "clips" / (voice.stem if voice else "silence") / f"{seg_id}.mp4"
            made[seg_id, voice] = pool.submit(assemble.segment_clip, story["videos"][seg_id], voice, seconds, out,
                                              SETTINGS.video)
    return [made[seg_id, voices.get(seg_id)].result() for seg_id, *_ in STORY]


@pytest.fixture(scope="module")
def films(story):
    """The good film and the broken ones, assembled by the real code two at a time (about 25 s on two cores)."""
    wavs = story["wavs"]
    shifted = late(wavs["04-end"], SHIFT, story["dir"] / "04-end.late.wav")
    variants = {
        "good": (wavs, SETTINGS),
        "swapped": ({**wavs, "02-hook": wavs["03-task"], "03-task": wavs["02-hook"]}, SETTINGS),
        "late": ({**wavs, "04-end": shifted}, SETTINGS),
        # the bed turned down to nothing: the mix the numbering bug made, as far as music goes
        "no music": (wavs, replace(SETTINGS, music=replace(SETTINGS.music, volume_db=-100.0))),
    }
    films = {name: story["dir"] / name / "film.mp4" for name in variants}
    with ThreadPoolExecutor(2) as pool:
        clips = {name: segment_clips(story, voices, pool) for name, (voices, _) in variants.items()}
        for made in [pool.submit(assemble.concat_film, clips[name], story["bed"], films[name], settings)
                     for name, (_, settings) in variants.items()]:
            made.result()
    return films


def check(story: dict, film: Path, report: Path) -> tuple[dict, list[str]]:
    """Verify a film as `just verify` does, against the good film's narration; the report and the problems."""
    placements = assemble.read_layout(film)
    cues = captions.build_cues(story["timings"], {p.id: p.start for p in placements})
    chapters = metadata.chapters(placements, SEGMENTS, story["length"])
    try:
        verify.verify(film, placements, story["timings"], chapters, cues, SETTINGS, SEGMENTS, report,
                      narration_dir=story["dir"])
        problems = []
    except verify.VerifyError as err:
        problems = err.problems
    return json.loads(report.read_text()), problems


@pytest.mark.slow
def test_the_good_film_passes_with_every_line_at_its_start_and_the_bed_at_its_levels(story, films, tmp_path):
    report, problems = check(story, films["good"], tmp_path / "report.json")
    assert problems == [] and report["ok"]
    for line in report["narration"]:
        assert abs(line["offset_ms"]) <= 1.0                                  # found where planned, to the ms
        assert line["peak"] > 0.9
        assert line["neighbour_peak"] < 0.3                                  # the next line there would not pass
    assert {s["region"] for s in report["music_only"]} == {"01-title", "tail"}
    assert all(s["peak"] < 0.3 for s in report["music_only"])                # no line on the title or in the tail
    levels = report["levels"]
    bed, ducked = levels["expected_bed_db"], levels["expected_ducked_db"]
    assert abs(levels["music_only_db"]["01-title"] - bed) <= verify.BED_TOLERANCE
    assert abs(levels["pause_db"] - ducked) <= verify.BED_TOLERANCE
    assert all(abs(level - ducked) <= verify.BED_TOLERANCE for level in levels["pause_db_by_segment"].values())


@pytest.mark.slow
def test_the_bed_dips_by_exactly_duck_db_in_the_narrations_pauses(story, films):
    """The film against the bed file itself, window by window: on the title the film is the bed times one gain
    (whatever the level and loudness passes chose); in the narration's pauses, that gain less duck_db."""
    film, bed = (soundtrack.window_levels(audio) for audio in decode_mono([films["good"], story["bed"]]))
    gain = film - bed[:len(film)]
    title = np.median(gain[round(1.2 / LEVEL_WINDOW):round(2.6 / LEVEL_WINDOW)])    # after the film's fade-in
    placed = [p for p in assemble.read_layout(films["good"]) if p.id in story["wavs"]]
    wavs = dict(zip(story["wavs"], decode_mono(list(story["wavs"].values()))))
    said = soundtrack.window_levels(verify.narration_track(
        [verify.Heard(p.id, p.start, p.start, 1.0, None, None) for p in placed], wavs, len(film)))
    pauses = verify.pauses(said)
    assert pauses.sum() >= 20                                   # between sentences and across the segments' pads
    assert gain[pauses] - title == pytest.approx(np.full(pauses.sum(), -SETTINGS.music.duck_db), abs=0.5)


@pytest.mark.slow
def test_the_music_fades_in_under_the_title_and_out_at_the_end(story, films):
    levels = soundtrack.window_levels(decode_mono([films["good"]])[0])
    seconds = len(levels) * LEVEL_WINDOW
    title, tail = levels[:round(3.0 / LEVEL_WINDOW)], levels[-round(SETTINGS.music.tail_seconds / LEVEL_WINDOW):]
    assert title[0] < title.max() - 20 and title[-10:].min() > -60          # it rises, and plays (not -91 dB)
    assert tail[-3:].max() < tail.max() - 20                                 # it fades to nothing at the end
    assert seconds == pytest.approx(story["length"], abs=FRAME)


@pytest.mark.slow
def test_swapped_clip_audio_is_reported_for_both_segments(story, films, tmp_path):
    _, problems = check(story, films["swapped"], tmp_path / "report.json")
    lines = [p for p in problems if "narration" in p and p.startswith("segment ")]
    assert {p.split()[1].rstrip(":") for p in lines} == {"02-hook", "03-task"}
    assert not any("04-end" in p for p in problems)


@pytest.mark.slow
def test_a_line_a_few_frames_late_is_reported_with_its_offset(story, films, tmp_path):
    report, problems = check(story, films["late"], tmp_path / "report.json")
    late_line = next(line for line in report["narration"] if line["id"] == "04-end")
    assert late_line["offset_ms"] == pytest.approx(SHIFT * 1000, abs=1.0)
    assert [p for p in problems if p.startswith("segment ")] == [
        f"segment 04-end: narration planned at 22.600 s is heard at {22.6 + SHIFT:.3f} s (+{SHIFT * 1000:.0f} ms)"]
    assert any(p.startswith("captions: segment 04-end:") for p in problems)
    assert not any(seg in p for p in problems for seg in ("02-hook", "03-task"))


@pytest.mark.slow
def test_a_film_without_music_is_reported_as_music(story, films, tmp_path):
    report, problems = check(story, films["no music"], tmp_path / "report.json")
    music = [p for p in problems if p.startswith("music:")]
    assert any("segment 01-title (music only)" in p for p in music)
    assert any("the tail" in p for p in music) and any("pauses" in p for p in music)
    assert report["levels"]["music_only_db"]["01-title"] < -90
    assert not any(p.startswith("segment ") for p in problems)              # the narration itself is right


@pytest.mark.slow
def test_a_silent_music_bed_is_refused(story, films, tmp_path):
    silent = tmp_path / "silent.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(bytes(4 * 48000 * 5))
    clips = [story["clips"][seg_id, story["wavs"].get(seg_id)].result() for seg_id, *_ in STORY]
    with pytest.raises(UserError, match=r"silent.wav: the music bed is silent"):
        assemble.concat_film(clips, silent, tmp_path / "film.mp4", SETTINGS)
    assert not (tmp_path / "film.mp4").exists()
