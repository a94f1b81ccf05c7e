"""Segment clips, the film's sound and the film.

`segment_clip` gives a video-only clip its narration (or silence). `make_soundtrack` lays the narrations end to
end, each in its segment's frames, over the music bed: alone on the title, dipped by settings `music.duck_db`
wherever the voice speaks (and through its short pauses), then alone again for the tail, fading out. A levels pass
listens to the voice and the bed first: the bed is set `music.volume_db` relative to the narration's level (so any
voice and any music file give the same balance), and the ducking gain is computed from where the voice actually
is. The mix is made once; the loudness meter reads it and one linear gain brings it to its loudness target. The
soundtrack needs only the narration and the segments' lengths, so the render makes it while the pictures are still
being drawn; `join_film` then puts it, by stream copy, under the clips' video (also copied) and a held last frame.
`concat_film` does both from finished clips.

The mix's inputs and its filter graph come from one `Mix`, so the levels pass and the mix number their inputs the
same way and hear the same sound.

Boundaries never drift: every clip's length is fixed in whole video frames, its audio is trimmed or padded to
exactly that many samples, and each segment's start is the sum of the lengths before it. Those starts are returned
and written beside the film (`layout_path`) for captions, chapters and verification.
"""
from __future__ import annotations

import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from core.errors import UserError
from core.files import atomic_output, read_json, write_json
from core.paths import BUILD, rel
from core.settings import MusicSettings, Settings, VideoSettings
from pipeline.common import run_tool
from pipeline.ffmpeg import (ANALYSIS_RATE, AUDIO_RATE, METER, TIMESCALE, aac, analysis_output, ffmpeg, film_video,
                             parse_meter, probe, read_analysis, run, samples)

FILM = BUILD / "hrm-explainer.mp4"
STEREO = f"aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
LIMIT_MARGIN_DB = 1.0       # headroom for inter-sample peaks the sample-peak limiter cannot see, and for AAC
MAX_LIMIT_PASSES = 6        # a quiet voice needs more limiting, and each pass gets closer (espeak lines: 5)
FADE_IN = 1.0               # seconds: a music file may start abruptly
FADE_OUT = 3.0              # seconds at the end of the tail (or the whole tail if shorter)
LEVEL_WINDOW = 0.05         # s: levels are taken over windows this short, to find the pauses between words
SPEECH_DB = -35.0           # a level window this close to the voice's loudest is speech
SILENT_DB = -70.0           # a music bed whose level is below this is silence, not music
DUCK_LEAD = 0.2             # s: the bed starts to dip this long before the voice (the film is mixed offline)
DUCK_HOLD = 1.0             # s: and stays down through pauses this short (between phrases, across segment pads)
DUCK_RAMP = 0.25            # s: each dip and each swell
DUCK_RATE = 1000            # Hz: the ducking gain's sample rate (ffmpeg interpolates it to the audio rate)


@dataclass(frozen=True)
class Placement:
    """Where a segment sits in the film."""
    id: str                 # the clip's stem, i.e. the segment id
    start: float            # seconds from the film's start
    seconds: float          # its length in the film (whole frames)


# --- one segment -------------------------------------------------------------------------------------------------

def segment_clip_command(video: Path, narration: Path | None, seconds: float, out: Path) -> list[str]:
    """The video, already in the film's final format, copied as it is, with its narration (or silence) encoded
    beside it, the audio made exactly `seconds` long to the sample."""
    audio_in = ["-i", narration] if narration else ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo"]
    return ffmpeg("-i", video, *audio_in, "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy",
                  "-video_track_timescale", TIMESCALE,
                  "-af", f"{STEREO},apad,atrim=end_sample={samples(seconds)}", *aac(), out)


def segment_clip(video: Path, narration_wav: Path | None, seconds: float, out: Path,
                 settings: VideoSettings) -> Path:
    """An H.264 + AAC (48 kHz stereo) clip of a segment: its video-only clip, already encoded as the film's video
    (the picture stages write it so), with its padded narration (silence when None). The video, the narration and
    `seconds` must agree within one frame; the segment is `out`'s stem."""
    segment = Path(out).stem
    video_info = probe(video)["video"]
    if video_info is None:
        raise UserError(f"segment {segment}: {rel(video)} has no video stream")
    if (video_info["codec"], video_info["pix_fmt"], video_info["fps"]) != ("h264", "yuv420p", settings.fps):
        raise UserError(f"segment {segment}: {rel(video)} is {video_info['codec']} {video_info['pix_fmt']} at "
                        f"{video_info['fps']:g} fps, not the film's h264 yuv420p at {settings.fps} fps")
    frame = 1 / video_info["fps"]
    length = video_info["frames"] * frame
    if abs(length - seconds) > frame:
        raise UserError(f"segment {segment}: video {rel(video)} lasts {length:.3f} s, expected {seconds:.3f} s")
    if narration_wav is not None:
        voice = probe(narration_wav)["audio"]
        if voice is None or abs(voice["duration"] - length) > frame:
            heard = f"{voice['duration']:.3f} s" if voice else "no audio"
            raise UserError(f"segment {segment}: narration {rel(narration_wav)} ({heard}) and video "
                            f"{rel(video)} ({length:.3f} s) differ by more than one frame")
    with atomic_output(out) as tmp:
        run(segment_clip_command(Path(video), narration_wav, length, tmp), f"segment {segment}: mux")
        made = probe(tmp)
        if made["audio"] is None or abs(made["audio"]["duration"] - made["video"]["duration"]) > frame:
            raise UserError(f"segment {segment}: audio and video of {rel(out)} differ by more than one frame")
    return out


# --- levels: what `music.volume_db` and `music.duck_db` are measured against (verification measures the same) ----

def window_levels(signal: np.ndarray) -> np.ndarray:
    """The level (dB, mean power) of each LEVEL_WINDOW of a signal at the analysis rate; digital silence is -120."""
    size = round(LEVEL_WINDOW * ANALYSIS_RATE)
    n = len(signal) // size
    power = np.mean(np.square(signal[:n * size], dtype=np.float64).reshape(n, size), axis=1)
    return 10 * np.log10(power + 1e-12)


def speech_windows(levels: np.ndarray) -> np.ndarray:
    """Which level windows of a voice track are speech: those within SPEECH_DB of its loudest."""
    return levels > levels.max() + SPEECH_DB


def level_db(levels: np.ndarray) -> float | None:
    """The level of some windows: their median (robust to a fade, a swell or a stray loud note); None if none."""
    return float(np.median(levels)) if len(levels) else None


def duck_gain(voice_levels: np.ndarray, duck_db: float, tail: int) -> np.ndarray:
    """The bed's gain per level window: 1 in silence, `duck_db` down from DUCK_LEAD before any speech until
    DUCK_HOLD after it, with DUCK_RAMP-long ramps between; from window `tail` on (the tail) the music plays alone,
    so it swells back as the last segment ends."""
    lead, hold, ramp = (max(1, round(s / LEVEL_WINDOW)) for s in (DUCK_LEAD, DUCK_HOLD, DUCK_RAMP))
    speech = speech_windows(voice_levels).astype(float)
    # window i is ducked if speech falls anywhere in [i - hold, i + lead]
    ducked = np.convolve(speech, np.ones(lead + hold + 1))[lead:lead + len(speech)] > 0.5
    ducked[tail:] = False
    depth = np.convolve(ducked.astype(float), np.ones(ramp) / ramp, mode="same")
    return 10 ** (-duck_db * depth / 20)


def write_gain(path: Path, gain: np.ndarray, seconds: float) -> Path:
    """A gain curve (one value per level window) as a mono 16-bit WAV at DUCK_RATE, linearly interpolated."""
    t = np.arange(round(seconds * DUCK_RATE) + 1) / DUCK_RATE
    curve = np.interp(t, (np.arange(len(gain)) + 0.5) * LEVEL_WINDOW, gain)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(DUCK_RATE)
        w.writeframes(np.round(curve * 32767).astype("<i2").tobytes())
    return path


# --- the film's sound --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mix:
    """What the film's sound is made of, in ffmpeg's numbering: each segment's voice (inputs 0…n-1: a file whose
    first audio stream is its narration, a WAV or a clip, or None for silence), the music (n) and the bed's
    ducking gain (n+1, once the levels pass has written it). Every command that mixes takes its inputs and its
    graph from here, so the levels pass and the mix cannot hear different sounds."""
    voices: tuple[Path | None, ...]
    placements: tuple[Placement, ...]
    bed: Path
    music: MusicSettings
    duck: Path | None = None        # the ducking gain (a WAV written by `measure_levels`)
    bed_gain_db: float = 0.0        # the bed's gain before ducking (set by `measure_levels`)

    @property
    def total_seconds(self) -> float:
        return sum(p.seconds for p in self.placements) + self.music.tail_seconds


def mix_inputs(mix: Mix) -> list[str]:
    """The voices (a clip's video stays undecoded: `-vn`; silence where there is none), the music looped (a bed
    shorter than the film repeats; the graph trims it), then the ducking gain."""
    def voice(path: Path | None) -> tuple:
        return ("-vn", "-i", str(path)) if path else ("-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo")
    return ([arg for path in mix.voices for arg in voice(path)]
            + ["-stream_loop", "-1", "-i", str(mix.bed)] + (["-i", str(mix.duck)] if mix.duck else []))


def voice_track(mix: Mix) -> str:
    """Graph from the voices to one unlabelled stream: each trimmed to its segment's exact length, joined,
    padded with silence over the tail, and evened by a gentle compressor (so the limiter before the gain has less
    to do; the levels pass hears the voice after it, as the film does)."""
    n, total = len(mix.placements), samples(mix.total_seconds)
    trimmed = [f"[{i}:a]{STEREO},apad,atrim=end_sample={samples(p.seconds)},asetpts=N/SR/TB[a{i}]"
               for i, p in enumerate(mix.placements)]
    return (";".join(trimmed) + ";" + "".join(f"[a{i}]" for i in range(n))
            + f"concat=n={n}:v=0:a=1,apad=whole_len={total},acompressor=threshold=0.06:ratio=3:attack=5:release=120")


def bed_track(mix: Mix) -> str:
    """Graph from the music to one unlabelled stream as long as the film, as the file has it."""
    return f"[{len(mix.voices)}:a]{STEREO},atrim=end_sample={samples(mix.total_seconds)},asetpts=N/SR/TB"


def audio_graph(mix: Mix) -> str:
    """Filter graph from the mix's inputs to `[mix]`, before loudness: the voice over the bed, which is set to its
    level, faded in and out, and multiplied by the ducking gain."""
    if mix.duck is None:
        raise ValueError("the mix has no ducking gain yet: measure_levels writes it")
    total, music = mix.total_seconds, mix.music
    fade = min(FADE_OUT, music.tail_seconds)
    return ";".join([
        f"{voice_track(mix)}[voice]",
        f"{bed_track(mix)},volume={mix.bed_gain_db:.2f}dB,afade=t=in:d={FADE_IN},"
        f"afade=t=out:st={total - fade:.6f}:d={fade}[bed]",
        # pan, not aformat: upmixing a mono gain must keep it 1, not 1/√2
        f"[{len(mix.voices) + 1}:a]aresample={AUDIO_RATE},pan=stereo|c0=c0|c1=c0,"
        f"atrim=end_sample={samples(total)},asetpts=N/SR/TB[duck]",
        "[bed][duck]amultiply[ducked]",
        "[voice][ducked]amix=inputs=2:normalize=0:duration=first[mix]",
    ])


def levels_command(mix: Mix, voice_out: Path, bed_out: Path) -> list[str]:
    """The voice and the bed, as the mix takes them from its inputs, written at the analysis rate."""
    return ffmpeg(*mix_inputs(mix), "-filter_complex", f"{voice_track(mix)}[voice];{bed_track(mix)}[bed]",
                  "-map", "[voice]", *analysis_output(voice_out), "-map", "[bed]", *analysis_output(bed_out))


def measure_levels(mix: Mix, work: Path, what: str) -> tuple[Mix, dict]:
    """Listen to the voice and the bed: return the mix with the bed's gain and ducking gain set (the gain WAV is
    written to `work`), and the levels (dB) it was set from."""
    voice_raw, bed_raw = work / "voice.f32", work / "bed.f32"
    run(levels_command(mix, voice_raw, bed_raw), f"{what}: levels")
    voice, bed = window_levels(read_analysis(voice_raw)), window_levels(read_analysis(bed_raw))
    bed_db = level_db(bed)
    if bed_db is None or bed_db < SILENT_DB:
        raise UserError(f"{rel(mix.bed)}: the music bed is silent")
    if not len(voice) or voice.max() < SILENT_DB:
        raise UserError(f"{what}: no narration in the clips (the music's level is set relative to the voice)")
    voice_db = level_db(voice[speech_windows(voice)])
    tail = round((mix.total_seconds - mix.music.tail_seconds) / LEVEL_WINDOW)
    gain = write_gain(work / "duck.wav", duck_gain(voice, mix.music.duck_db, tail), mix.total_seconds)
    bed_gain = mix.music.volume_db + voice_db - bed_db
    return (replace(mix, duck=gain, bed_gain_db=bed_gain),
            {"voice_db": round(voice_db, 2), "bed_db": round(bed_db, 2), "bed_gain_db": round(bed_gain, 2)})


def premix_command(mix: Mix, out: Path) -> list[str]:
    """The mix before loudness, made once as 64-bit float WAV (the samples the limiter takes: nothing is lost), which
    every loudness pass and the film read instead of decoding and mixing thirty inputs again (half of a pass)."""
    return ffmpeg(*mix_inputs(mix), "-filter_complex", f"{audio_graph(mix)}", "-map", "[mix]", "-c:a", "pcm_f64le",
                  out)


def loudness_chain(music: MusicSettings, limit_db: float, measured: dict | None = None) -> str:
    """The premix (`[0:a]`) → `[a]`: a peak limiter (so one linear gain can reach the loudness target without
    passing the true-peak ceiling), then the loudness meter (measuring), or the gain that takes `measured` to the
    target (what loudnorm's linear mode does, without its trip through 192 kHz: 20 s of a 26 s film pass)."""
    limit = min(max(10 ** (limit_db / 20), 0.0625), 1.0)
    level = f"volume={gain_db(music, measured):.4f}dB" if measured else METER
    return f"[0:a]alimiter=limit={limit:.4f}:attack=5:release=50:level=false:latency=true,{level}[a]"


def gain_db(music: MusicSettings, measured: dict) -> float:
    """The one gain that brings a measured mix to the loudness target."""
    return music.loudness_lufs - measured["input_i"]


def measure_command(premix: Path, music: MusicSettings, limit_db: float) -> list[str]:
    """The measuring pass: limit the premix and discard it; the meter prints its reading."""
    return ffmpeg("-i", premix, "-filter_complex", loudness_chain(music, limit_db), "-map", "[a]", "-f", "null", "-",
                  loglevel="info")


def soundtrack_command(premix: Path, music: MusicSettings, limit_db: float, measured: dict, out: Path) -> list[str]:
    """The film's sound: the premix brought to its loudness by `measured`, encoded on its own."""
    return ffmpeg("-i", premix, "-filter_complex", loudness_chain(music, limit_db, measured), "-map", "[a]", *aac(),
                  out)


def picture_command(video_list: Path, out: Path) -> list[str]:
    """The film's picture: the joined clips' video (the concat script), copied as it is."""
    return ffmpeg("-f", "concat", "-safe", "0", "-i", video_list, "-map", "0:v", "-c", "copy", out)


def film_command(picture: Path, soundtrack: Path, out: Path) -> list[str]:
    """The film: the picture and the soundtrack, both copied as they are, web-ready (+faststart: the index first,
    so playback starts at once)."""
    return ffmpeg("-i", picture, "-i", soundtrack, "-map", "0:v", "-map", "1:a", "-c", "copy", "-movflags",
                  "+faststart", out)


def loudness_passes(premix: Path, music: MusicSettings, what: str) -> tuple[float, dict, list[dict]]:
    """The measuring pass, repeated with a lower limiter ceiling until one linear gain can reach the target
    without passing the true-peak ceiling (loudnorm's test for its linear mode); limiting lowers the loudness a
    little, so the ceiling is recomputed from each measurement (two or three passes, audio only: seconds).
    Returns the limiter ceiling, the last measurement and every pass."""
    limit_db, passes = 0.0, []
    for attempt in range(MAX_LIMIT_PASSES):
        step = f"{what}: loudness pass ({attempt + 1})"
        measured = parse_meter(run_tool(measure_command(premix, music, limit_db), step).stderr, step)
        passes.append({"limit_db": limit_db, **measured})
        gain = gain_db(music, measured)
        if measured["input_tp"] + gain <= music.true_peak_db:
            break
        limit_db = music.true_peak_db - LIMIT_MARGIN_DB - gain
    return limit_db, measured, passes


# --- the film ----------------------------------------------------------------------------------------------------

def place(lengths: list[tuple[str, float]], fps: int) -> list[Placement]:
    """Segments (id, seconds) one after another, each rounded to whole frames: where each sits in the film."""
    placements, frames = [], 0
    for segment, seconds in lengths:
        n = round(seconds * fps)
        placements.append(Placement(segment, frames / fps, n / fps))
        frames += n
    return placements


def lay_out(clips: list[Path], settings: Settings) -> list[Placement]:
    """Each clip's place in the film, from its measured length in whole frames. Clips must already have the
    film's size and frame rate (a mismatch is an upstream bug, not something to patch here) and carry audio."""
    video = settings.video
    with ThreadPoolExecutor(4) as pool:         # ffprobe is mostly start-up: 30 clips in a second, not in three
        infos = list(pool.map(probe, clips))
    for clip, info in zip(clips, infos):
        v = info["video"]
        if v is None or info["audio"] is None:
            raise UserError(f"{rel(clip)}: a segment clip needs video and audio")
        if (v["width"], v["height"]) != (video.width, video.height) or abs(v["fps"] - video.fps) > 0.01:
            raise UserError(f"{rel(clip)}: {v['width']}x{v['height']} at {v['fps']:g} fps, but settings "
                            f"'video' ask for {video.width}x{video.height} at {video.fps} fps")
    return place([(Path(clip).stem, info["video"]["duration"]) for clip, info in zip(clips, infos)], video.fps)


def hold_command(clip: Path, seconds: float, out: Path, settings: VideoSettings) -> list[str]:
    """The tail's picture: the clip's last frame held for `seconds`, encoded like the segment clips. (The last
    half second is read and reversed, so its first frame is the clip's last; tpad clones it.)"""
    return ffmpeg("-sseof", "-0.5", "-i", clip, "-an",
                  "-vf", f"reverse,trim=end_frame=1,tpad=stop_mode=clone:stop_duration={seconds}",
                  *film_video(settings.crf, settings.fps), "-frames:v", round(seconds * settings.fps), out)


def concat_list(videos: list[Path]) -> str:
    """The concat demuxer's script: the clips, in order, joined by stream copy."""
    return "ffconcat version 1.0\n" + "".join(f"file '{Path(v).resolve()}'\n" for v in videos)


def layout_path(film: Path) -> Path:
    """The film's layout (segment starts and lengths, tail, levels, loudness passes), written beside it."""
    return Path(film).with_suffix(".json")


def read_layout(film: Path) -> list[Placement]:
    data = read_json(layout_path(film), "film layout (run the film stage)")
    return [Placement(**p) for p in data["segments"]]


def soundtrack_data(soundtrack: Path) -> Path:
    """What the soundtrack was set from (levels, loudness passes), written beside it."""
    return Path(soundtrack).with_suffix(".json")


def make_soundtrack(voices: list[Path | None], placements: list[Placement], music_bed: Path, out: Path,
                    settings: Settings) -> dict:
    """The film's sound (AAC in an .m4a): each segment's voice in its placement, over the music bed, through the
    tail, loudness-normalised. Returns, and writes beside it (`soundtrack_data`), its levels and loudness passes."""
    out, music = Path(out), settings.music
    if not placements:
        raise UserError(f"{rel(out)}: no segments to lay the sound under")
    if not Path(music_bed).is_file():
        raise UserError(f"{rel(music_bed)}: missing music bed")
    mix = Mix(tuple(voices), tuple(placements), Path(music_bed), music)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.stem}-work-", dir=out.parent) as work, atomic_output(out) as tmp:
        work = Path(work)
        mix, levels = measure_levels(mix, work, rel(out))
        premix = work / "premix.wav"
        run(premix_command(mix, premix), f"{rel(out)}: mix")
        limit_db, measured, passes = loudness_passes(premix, music, rel(out))
        run(soundtrack_command(premix, music, limit_db, measured, tmp), f"{rel(out)}: encode")
        data = {"levels": levels, "loudness": {"measured": passes, "gain_db": round(gain_db(music, measured), 4)}}
        write_json(soundtrack_data(out), data)
    return data


def join_picture(clips: list[Path], placements: list[Placement], out: Path, settings: Settings) -> None:
    """The film's picture: the clips' video in order and the last frame held over the tail, by stream copy (the
    render joins it while the soundtrack is still being made). A clip whose length is not its placement's (the
    soundtrack's) is an error naming it."""
    clips, out = [Path(c) for c in clips], Path(out)
    if not clips:
        raise UserError(f"{rel(out)}: no segment clips to join")
    for clip, found, planned in zip(clips, lay_out(clips, settings), placements):
        if round(found.seconds * settings.video.fps) != round(planned.seconds * settings.video.fps):
            raise UserError(f"{rel(clip)}: lasts {found.seconds:.3f} s, but the film's sound gives its segment "
                            f"{planned.seconds:.3f} s")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.stem}-work-", dir=out.parent) as work, atomic_output(out) as tmp:
        tail, script = Path(work) / "tail.mp4", Path(work) / "picture.ffconcat"
        run(hold_command(clips[-1], settings.music.tail_seconds, tail, settings.video), f"{rel(out)}: held last frame")
        script.write_text(concat_list([*clips, tail]))
        run(picture_command(script, tmp), f"{rel(out)}: picture")


def mux_film(picture: Path, placements: list[Placement], soundtrack: Path, out: Path, settings: Settings) -> None:
    """Write the film: the picture under the soundtrack made for these placements, both copied. The layout (the
    placements, with the soundtrack's levels and loudness) is written beside the film (`layout_path`)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(out) as tmp:
        run(film_command(Path(picture), Path(soundtrack), tmp), f"{rel(out)}: film")
    write_json(layout_path(out), {"fps": settings.video.fps, "tail_seconds": settings.music.tail_seconds,
                                  "segments": [asdict(p) for p in placements],
                                  **read_json(soundtrack_data(soundtrack), "soundtrack levels")})


def join_film(clips: list[Path], placements: list[Placement], soundtrack: Path, out: Path,
              settings: Settings) -> None:
    """The film from its clips and the soundtrack made for these placements: join_picture, then mux_film."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".picture-", dir=Path(out).parent) as work:
        picture = Path(work) / "picture.mp4"
        join_picture(clips, placements, picture, settings)
        mux_film(picture, placements, soundtrack, out, settings)


def concat_film(clips: list[Path], music_bed: Path, out: Path, settings: Settings) -> list[Placement]:
    """The film from finished clips, each carrying its narration: laid out by their lengths, the sound made from
    their audio, then joined. Returns where each segment starts (also written to `layout_path(out)`)."""
    clips = [Path(c) for c in clips]
    if not clips:
        raise UserError(f"{rel(out)}: no segment clips to join")
    placements = lay_out(clips, settings)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".sound-", dir=Path(out).parent) as work:
        soundtrack = Path(work) / "soundtrack.m4a"
        make_soundtrack(clips, placements, music_bed, soundtrack, settings)
        join_film(clips, placements, soundtrack, out, settings)
    return placements
