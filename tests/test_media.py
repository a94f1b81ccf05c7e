"""Stills with Ken Burns motion, the music bed, the presenter, the thumbnail and the GIF."""
from __future__ import annotations

import subprocess
import wave

import numpy as np
import pytest
from media_samples import clip, voice

from core.errors import UserError
from core.paths import ASSETS
from core.settings import AvatarSettings, MusicSettings, Settings
from pipeline import avatar, metadata, music, stills
from pipeline.ffmpeg import probe


def frames_of(path, width, height):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3).astype(float)


# --- stills ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, size", [("title", (1920, 1080)), ("epilog", (1920, 1080)),
                                        ("thumbnail", (1280, 720))])
def test_assets_draw_at_their_size(tmp_path, name, size):
    png = stills.svg_to_png(ASSETS / f"{name}.svg", tmp_path / f"{name}.png", *size)
    assert probe(png)["video"]["width"] == size[0] and probe(png)["video"]["height"] == size[1]


def test_bad_or_missing_svg_is_one_line_naming_the_file(tmp_path):
    bad = tmp_path / "bad.svg"
    bad.write_text("<svg xmlns='http://www.w3.org/2000/svg'><rect")
    with pytest.raises(UserError, match=r"bad.svg: not a drawable SVG"):
        stills.svg_to_png(bad, tmp_path / "bad.png", 320, 180)
    with pytest.raises(UserError, match=r"none.svg: missing SVG"):
        stills.svg_to_png(tmp_path / "none.svg", tmp_path / "none.png", 320, 180)
    assert not list(tmp_path.glob("*.png"))


def test_ken_burns_zoom_eases_from_one_to_the_end():
    zooms = [stills.zoom_at(i, 60) for i in range(60)]
    assert zooms[0] == 1.0 and zooms[-1] == pytest.approx(stills.ZOOM_END)
    steps = np.diff(zooms)
    assert (steps > 0).all() and steps[0] < steps[30] > steps[-1]      # slow, faster, slow


def test_ken_burns_clip_has_exact_frames_and_moves(tmp_path):
    out = stills.still_clip(ASSETS / "title.svg", 1.5, tmp_path / "title.mp4", 320, 180, 30, 18)
    info = probe(out)
    assert info["video"]["frames"] == 45 and info["audio"] is None and info["video"]["pix_fmt"] == "yuv420p"
    frames = frames_of(out, 320, 180)
    assert np.abs(frames[0] - frames[-1]).mean() > 1.0
    assert "-pix_fmt" in stills.raw_video_command(out, 320, 180, 30, 45, 18)


# --- music -------------------------------------------------------------------------------------------------------

def read_pcm(path):
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 48000)
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, 2) / 32768


def test_music_bed_is_seeded_stereo_and_click_free(tmp_path):
    a = music.synthesize_bed(6.0, tmp_path / "a.wav", seed=1)
    assert a.read_bytes() == music.synthesize_bed(6.0, tmp_path / "b.wav", seed=1).read_bytes()
    assert a.read_bytes() != music.synthesize_bed(6.0, tmp_path / "c.wav", seed=2).read_bytes()
    pcm = read_pcm(a)
    assert len(pcm) == 6 * 48000 and np.abs(pcm).max() <= 10 ** (-1 / 20) + 1e-4
    spectrum = np.abs(np.fft.rfft(pcm[:, 0])) ** 2
    high = spectrum[np.fft.rfftfreq(len(pcm), 1 / 48000) > 8000].sum() / spectrum.sum()
    assert high < 1e-5          # no clicks: nothing but the notes' soft partials (all below 5 kHz)


def test_missing_music_file_names_the_setting(tmp_path):
    settings = Settings(music=MusicSettings(file="assets/none.mp3"))
    with pytest.raises(UserError, match=r"settings.yaml: 'music.file' assets/none.mp3: no such file"):
        music.bed_for(settings, 5.0, tmp_path)


# --- the presenter -----------------------------------------------------------------------------------------------

def test_concat_list_shows_each_state_for_its_frames():
    pictures = {0: "closed.png", 1: "open.png"}
    script = avatar.concat_list([0, 0, 0, 1, 1, 0], pictures, 30)
    lines = script.splitlines()
    assert lines[0] == "ffconcat version 1.0" and lines[-1] == "file 'closed.png'"
    durations = [float(line.split()[1]) for line in lines if line.startswith("duration")]
    assert durations == pytest.approx([0.1, 2 / 30, 1 / 30], abs=1e-6) and sum(durations) == pytest.approx(0.2)


def test_mouth_is_closed_in_silence_and_opens_with_the_voice():
    levels = np.array([-90.0] * 5 + [-20.0, -6.0, -3.0, -3.0] + [-90.0] * 5)
    mouths = avatar.mouth_openings(levels)
    assert (mouths[:5] == 0).all() and mouths[7] >= 3 and mouths[-1] == 0
    shut = avatar.blinks(600, 30, seed=7)
    assert shut.any() and shut.mean() < 0.1 and (shut == avatar.blinks(600, 30, seed=7)).all()


def test_presenter_sits_in_the_chosen_corner():
    right = avatar.placement(AvatarSettings(corner="bottom_right", scale=0.22), 1920, 1080)
    left = avatar.placement(AvatarSettings(corner="bottom_left", scale=0.22), 1920, 1080)
    assert right == (1920 - 238 - 96, 1080 - 238 - 54, 238) and left[0] == 96


def test_avatar_composite_keeps_frames_and_moves_the_mouth(tmp_path):
    video = clip(tmp_path / "scene.mp4", 2.0, 640, 360)
    wav = voice(tmp_path / "voice.wav", [{"start": 1.0, "end": 2.0}], 2.0)   # silent first second, then a voice
    settings = Settings(avatar=AvatarSettings(scale=0.5))
    out = avatar.composite_avatar(video, wav, tmp_path / "out.mp4", settings, 30)
    assert probe(out)["video"]["frames"] == probe(video)["video"]["frames"] == 60
    x, y, size = avatar.placement(settings.avatar, 640, 360)
    mx, my = x + round(avatar.MOUTH_CENTER[0] * size), y + round(avatar.MOUTH_CENTER[1] * size)
    frames = frames_of(out, 640, 360)[:, my - 8:my + 8, mx - 12:mx + 12]
    assert np.abs(frames[48] - frames[15]).mean() > 10        # loud (1.6 s) vs silent (0.5 s)
    assert np.abs(frames[20] - frames[15]).mean() < 3         # silent vs silent: the same closed mouth


def test_avatar_rejects_a_missing_narration(tmp_path):
    with pytest.raises(UserError, match=r"none.wav: missing narration"):
        avatar.composite_avatar(clip(tmp_path / "v.mp4", 0.5), tmp_path / "none.wav", tmp_path / "o.mp4",
                                Settings(), 30)


# --- thumbnail and GIF -------------------------------------------------------------------------------------------

def test_thumbnail_and_gif(tmp_path):
    png = metadata.thumbnail(ASSETS / "thumbnail.svg", tmp_path / "thumb.png")
    assert (probe(png)["video"]["width"], probe(png)["video"]["height"]) == (1280, 720)
    gif = metadata.make_gif(clip(tmp_path / "c.mp4", 2.0), tmp_path / "c.gif", start=0.5, seconds=1.0, width=160)
    info = probe(gif)["video"]
    assert info["codec"] == "gif" and info["width"] == 160 and info["frames"] == 12
    cmd = metadata.gif_command(tmp_path / "c.mp4", tmp_path / "o.gif", 0, 1, 640, 12)
    graph = cmd[cmd.index("-filter_complex") + 1]
    assert "palettegen" in graph and "paletteuse" in graph


def test_missing_inputs_and_tools_are_one_line(tmp_path, monkeypatch):
    with pytest.raises(UserError, match=r"none.mp4: missing media file"):
        probe(tmp_path / "none.mp4")
    png = stills.svg_to_png(ASSETS / "title.svg", tmp_path / "t.png", 320, 180)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UserError, match=r"^ffmpeg: not found on PATH"):
        stills.ken_burns(png, 1.0, tmp_path / "t.mp4", 320, 180, 30, 18)
    with pytest.raises(UserError, match=r"^ffprobe: not found on PATH"):
        probe(png)
    assert not (tmp_path / "t.mp4").exists()


def test_the_synthesised_bed_is_made_once_per_whole_minute_of_film(tmp_path, monkeypatch):
    settings = Settings()
    first = music.bed_for(settings, 61.0, tmp_path)
    monkeypatch.setattr(music, "synthesize_bed", lambda *a: pytest.fail("synthesised the same bed again"))
    assert music.bed_for(settings, 119.5, tmp_path) == first        # an edit of a few seconds: the same bed
    monkeypatch.undo()
    longer = music.bed_for(settings, 121.0, tmp_path)
    with wave.open(str(longer)) as w:
        assert longer != first and w.getnframes() == 180 * w.getframerate()
