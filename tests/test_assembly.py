"""Segment clips, the film, its captions and chapters, and verification: commands checked as data, then one small
film (4 segments, three of them espeak-ng lines, 320×180, ~33 s) made for real and measured."""
from __future__ import annotations

import json
import subprocess
from dataclasses import replace

import pytest
from media_samples import clip, spoken

from core.errors import UserError
from core.settings import MusicSettings, Settings, VideoSettings
from core.storyboard import Segment
from pipeline import assemble, captions, metadata, verify
from pipeline.assemble import Placement
from pipeline.ffmpeg import measure_loudness, packets, parse_meter, probe
from pipeline.music import synthesize_bed
from pipeline.soundtrack import make_soundtrack, soundtrack_data

SETTINGS = Settings(video=VideoSettings(width=320, height=180, fps=30, crf=28),
                    music=MusicSettings(tail_seconds=2.0))
FRAME = 1 / 30
# id, chapter, narration (None: the silent title), seconds
STORY = [("01-title", "Intro", None, 2.0),
         ("02-hook", "Intro", "What does a model learn. We watch it, step by step.", 9.0),
         ("03-task", "The task", "A row of ten cells, a key, and a door at the end.", 10.0),
         ("04-end", "Summary", "The H R M learned it from ten examples, in one run.", 10.0)]
SEGMENTS = [Segment(id=i, part="Intro", chapter=c, visual="scene", scene="x.Y", narrated=text is not None,
                    seconds=0.0 if text else s) for i, c, text, s in STORY]


# --- commands as data --------------------------------------------------------------------------------------------

PLACED = [Placement("01-title", 0.0, 2.0), Placement("02-hook", 2.0, 9.0)]


def test_segment_clip_command_pads_silence_to_the_sample(tmp_path):
    cmd = assemble.segment_clip_command(tmp_path / "v.mp4", None, 2.5, tmp_path / "o.mp4")
    assert "anullsrc=r=48000:cl=stereo" in cmd
    joined = " ".join(cmd)
    assert "-c:v copy -video_track_timescale 90000" in joined     # encoded once, by the picture's stage
    assert "atrim=end_sample=120000" in cmd[cmd.index("-af") + 1]
    assert cmd[cmd.index("-c:a") + 1] == "aac" and cmd[cmd.index("-ar") + 1] == "48000"
    assert cmd[cmd.index("-ac") + 1] == "2"


def test_the_tail_holds_the_last_frame(tmp_path):
    hold = " ".join(assemble.hold_command(PLACED[-1], 2.0, "tail.mp4", SETTINGS.video))
    assert "tpad=stop_mode=clone:stop_duration=2.0" in hold and "-frames:v 60" in hold


def test_the_meter_summary_is_read():
    stderr = ("[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -14.1 LUFS\n"
              "    Threshold: -24.7 LUFS\n\n  Loudness range:\n    LRA:         3.1 LU\n    Threshold: -34.6 LUFS\n"
              "    LRA low:   -15.6 LUFS\n    LRA high:  -12.5 LUFS\n\n  True peak:\n    Peak:       -1.9 dBFS\n")
    assert parse_meter(stderr, "x") == {"input_i": -14.1, "input_thresh": -24.7, "input_lra": 3.1, "input_tp": -1.9}
    with pytest.raises(UserError, match="x: ffmpeg printed no loudness measurement"):
        parse_meter("no summary", "x")


def test_the_picture_is_joined_by_copy_and_the_film_is_web_ready(tmp_path):
    picture = " ".join(assemble.picture_command(tmp_path / "list.ffconcat", tmp_path / "picture.mp4"))
    assert f"-f concat -safe 0 -auto_convert 0 -i {tmp_path / 'list.ffconcat'} -map 0:v -c copy" in picture
    film = " ".join(assemble.film_command(tmp_path / "picture.mp4", tmp_path / "sound.m4a", tmp_path / "f.mp4"))
    assert "-movflags +faststart" in film and "-c copy" in film and "-map 0:v -map 1:a" in film
    assert f"-i {tmp_path / 'picture.mp4'} -i {tmp_path / 'sound.m4a'}" in film


# --- one real small film -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def film(tmp_path_factory):
    """Clips, film, captions and chapters of the small story; made once for the module (~10 s on two cores)."""
    d = tmp_path_factory.mktemp("film")
    clips, timing_entries = [], []
    for seg_id, _, text, seconds in STORY:
        wav = None
        if text:
            wav, entry = spoken(d, seg_id, text, seconds)
            timing_entries.append(entry)
        clips.append(assemble.segment_clip(clip(d / f"{seg_id}.video.mp4", seconds), wav, seconds,
                                           d / "clips" / f"{seg_id}.mp4", SETTINGS.video))
    timings = {"segments": timing_entries, "total_seconds": sum(e["seconds"] for e in timing_entries)}
    length = sum(s for *_, s in STORY) + SETTINGS.music.tail_seconds
    bed = synthesize_bed(length, d / "bed.wav", seed=3)
    placements = assemble.concat_film(clips, bed, d / "film.mp4", SETTINGS)
    cues = captions.write_captions(timings, {p.id: p.start for p in placements}, d / "c.srt", d / "c.vtt")
    chapters = metadata.chapters(placements, SEGMENTS, length)
    return {"dir": d, "clips": clips, "film": d / "film.mp4", "placements": placements, "timings": timings,
            "cues": cues, "chapters": chapters, "length": length}


def test_segment_clips_keep_audio_and_video_within_a_frame(film):
    for path, (_, _, _, seconds) in zip(film["clips"], STORY):
        info = probe(path)
        assert info["video"]["codec"] == "h264" and info["audio"]["codec"] == "aac"
        assert info["audio"]["rate"] == 48000 and info["audio"]["channels"] == 2
        assert abs(info["video"]["duration"] - seconds) <= FRAME
        assert abs(info["audio"]["duration"] - info["video"]["duration"]) <= FRAME


def test_film_is_the_segments_plus_the_tail_with_exact_starts(film):
    info = probe(film["film"])
    assert abs(info["video"]["duration"] - film["length"]) <= FRAME
    assert abs(info["audio"]["duration"] - info["video"]["duration"]) <= FRAME
    assert info["video"]["frames"] == round(film["length"] * 30)
    assert [p.start for p in film["placements"]] == pytest.approx([0.0, 2.0, 11.0, 21.0])
    assert info["video"]["pix_fmt"] == "yuv420p" and (info["video"]["width"], info["video"]["height"]) == (320, 180)
    layout = json.loads(assemble.layout_path(film["film"]).read_text())
    # one gain takes the limited mix to its target (on its grid, or a little short where the peaks say so)
    assert layout["loudness"]["gain_db"] == pytest.approx(-14.0 - layout["loudness"]["lufs"], abs=0.1)


def test_film_loudness_is_on_target(film):
    measured = measure_loudness(film["film"])
    assert abs(measured["input_i"] - SETTINGS.music.loudness_lufs) <= 1.0
    assert measured["input_tp"] <= -1.0


def test_captions_sit_inside_their_segments_and_say_the_timed_words(film):
    cues = captions.read_srt(film["dir"] / "c.srt")
    assert [c.lines for c in cues] == [c.lines for c in film["cues"]]
    assert [c.start for c in cues] == pytest.approx([c.start for c in film["cues"]], abs=1e-3)
    assert verify.caption_problems(cues, film["placements"], film["timings"]) == []
    first_word = film["timings"]["segments"][0]["words"][0]["start"]           # 02-hook starts at 2 s
    assert (film["dir"] / "c.vtt").read_text().startswith(f"WEBVTT\n\n00:00:0{2 + first_word:.3f} --> ")


def test_verify_passes_the_film_and_writes_the_report(film, tmp_path):
    report = verify.verify(film["film"], film["placements"], film["timings"], film["chapters"], film["cues"],
                           SETTINGS, SEGMENTS, tmp_path / "report.json", narration_dir=film["dir"])
    written = json.loads((tmp_path / "report.json").read_text())
    assert report["ok"] and written["problems"] == [] and written["av_sync_error_s"] <= FRAME
    assert [s["id"] for s in written["segments"]] == [s[0] for s in STORY]
    assert written["file_bytes"] and -15 <= written["loudness"]["integrated_lufs"] <= -13


def test_verify_names_every_problem_of_a_broken_film(film, tmp_path):
    broken = tmp_path / "broken.mp4"    # 3 s of picture, 2 s of quiet sound: drift, a missing segment, quiet
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=3", "-f", "lavfi",
                    "-i", "sine=f=440:d=2", "-af", "volume=-40dB", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", str(broken)], check=True)
    with pytest.raises(verify.VerifyError) as err:
        verify.verify(broken, film["placements"], film["timings"], film["chapters"][:2], film["cues"], SETTINGS,
                      SEGMENTS + [replace(SEGMENTS[0], id="05-lost")], tmp_path / "report.json",
                      narration_dir=film["dir"])
    problems = err.value.problems
    assert "\n" not in str(err.value) and all("\n" not in p for p in problems)
    for expected in ("A/V drift", "a segment is missing", "segment 05-lost is missing", "loudness", "chapters: 2"):
        assert any(expected in p for p in problems), expected
    assert not json.loads((tmp_path / "report.json").read_text())["ok"]


def test_verify_cli_fails_in_one_line_without_a_film(tmp_path, capsys):
    assert verify.main(["--film", str(tmp_path / "none.mp4"), "--report", str(tmp_path / "r.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert "none.json" in err and "\n" not in err


def test_segment_clip_refuses_a_narration_longer_than_the_video(film, tmp_path):
    with pytest.raises(UserError, match=r"segment 02-hook: narration .* differ by more than one frame"):
        assemble.segment_clip(film["dir"] / "03-task.video.mp4", film["dir"] / "02-hook.wav", 10.0,
                              tmp_path / "02-hook.mp4", SETTINGS.video)
    assert not (tmp_path / "02-hook.mp4").exists()


def test_film_refuses_a_clip_of_the_wrong_size(film, tmp_path):
    wide = assemble.segment_clip(clip(tmp_path / "wide.video.mp4", 2.0, width=640, height=360), None, 2.0,
                                 tmp_path / "wide.mp4", SETTINGS.video)
    with pytest.raises(UserError, match=r"wide.mp4: 640x360 at 30 fps, but settings 'video' ask for 320x180"):
        assemble.concat_film([wide], film["dir"] / "bed.wav", tmp_path / "f.mp4", SETTINGS)


def test_the_film_carries_the_soundtrack_made_for_its_lengths_and_refuses_a_clip_of_another(film, tmp_path):
    """The render makes the sound from the narration alone while the pictures are drawn: the film copies it
    packet for packet, and a clip that came out a frame longer than its segment's sound is an error naming it."""
    placements = film["placements"]
    voices = [c if text else None for c, (_, _, text, _) in zip(film["clips"], STORY)]
    sound = make_soundtrack(voices, placements, film["dir"] / "bed.wav", tmp_path / "sound.m4a", SETTINGS,
                            tmp_path / "cache")
    assert sound["loudness"]["gain_db"] and soundtrack_data(tmp_path / "sound.m4a").exists()
    assemble.join_film(film["clips"], placements, tmp_path / "sound.m4a", tmp_path / "film.mp4", SETTINGS)

    def digests(path):      # each audio packet's digest
        return [line.split(",")[-1] for line in packets(path, "a")[1]]
    assert digests(tmp_path / "film.mp4") == digests(tmp_path / "sound.m4a")
    # what was heard of the soundtrack (while the film was joined) stands for the film's sound, and only for it
    heard = verify.listen_ahead(tmp_path / "sound.m4a", placements, film["timings"], SETTINGS, SEGMENTS, film["dir"])
    checks = (tmp_path / "film.mp4", placements, film["timings"], film["chapters"], film["cues"], SETTINGS, SEGMENTS,
              tmp_path / "report.json")
    assert verify.verify(*checks, narration_dir=film["dir"], heard=heard)["ok"]
    with pytest.raises(verify.VerifyError, match="its sound is not the soundtrack that was listened to"):
        verify.verify(*checks, narration_dir=film["dir"], heard={**heard, "packets": "another"})
    longer = [*placements[:-1], assemble.Placement(placements[-1].id, placements[-1].start,
                                                   placements[-1].seconds - FRAME)]
    with pytest.raises(UserError, match=rf"{STORY[-1][0]}.mp4: lasts [\d.]+ s, but the film's sound gives its segment"):
        assemble.join_film(film["clips"], longer, tmp_path / "sound.m4a", tmp_path / "film2.mp4", SETTINGS)
    assert not (tmp_path / "film2.mp4").exists()
