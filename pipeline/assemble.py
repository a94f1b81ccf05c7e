"""Segment clips and the film.

`segment_clip` gives a video-only clip its narration (or silence). `concat_film` joins the clips, lays the music
bed under them (alone on the title, ducked under the voice by `sidechaincompress`, then alone again for the tail
over the held last frame, fading out) and normalises the mix with two-pass `loudnorm`.

Boundaries never drift: every clip's length is fixed in whole video frames, its audio is trimmed or padded to
exactly that many samples, and each segment's start is the sum of the lengths before it. Those starts are returned
and written beside the film (`layout_path`) for captions, chapters and verification.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.common import BUILD, PipelineError, atomic_output, read_json, rel, run_tool, write_json
from pipeline.ffmpeg import (AUDIO_RATE, aac, ffmpeg, film_video, loudnorm, parse_loudnorm, probe, run, samples)
from pipeline.settings import MusicSettings, Settings, VideoSettings

FILM = BUILD / "hrm-explainer.mp4"
STEREO = f"aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
LIMIT_MARGIN_DB = 1.0       # headroom for inter-sample peaks the sample-peak limiter cannot see, and for AAC
MAX_LIMIT_PASSES = 4
FADE_IN = 1.0               # seconds: a music file may start abruptly
FADE_OUT = 3.0              # seconds at the end of the tail (or the whole tail if shorter)


@dataclass(frozen=True)
class Placement:
    """Where a segment sits in the film."""
    id: str                 # the clip's stem, i.e. the segment id
    start: float            # seconds from the film's start
    seconds: float          # its length in the film (whole frames)


# --- one segment -------------------------------------------------------------------------------------------------

def segment_clip_command(video: Path, narration: Path | None, seconds: float, out: Path,
                         settings: VideoSettings) -> list[str]:
    """Encode the video in the film's final format with its narration (or silence), the audio made exactly
    `seconds` long to the sample."""
    audio_in = ["-i", narration] if narration else ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo"]
    return ffmpeg("-i", video, *audio_in, "-map", "0:v:0", "-map", "1:a:0", *film_video(settings.crf, settings.fps),
                  "-af", f"{STEREO},apad,atrim=end_sample={samples(seconds)}", *aac(), out)


def segment_clip(video: Path, narration_wav: Path | None, seconds: float, out: Path,
                 settings: VideoSettings) -> Path:
    """An H.264 + AAC (48 kHz stereo) clip of a segment, encoded as the film's final video: its video-only clip
    with its padded narration (silence when None). The video, the narration and `seconds` must agree within one
    frame; the segment is `out`'s stem."""
    segment = Path(out).stem
    video_info = probe(video)["video"]
    if video_info is None:
        raise PipelineError(f"segment {segment}: {rel(video)} has no video stream")
    frame = 1 / video_info["fps"]
    length = video_info["frames"] * frame
    if abs(length - seconds) > frame:
        raise PipelineError(f"segment {segment}: video {rel(video)} lasts {length:.3f} s, expected {seconds:.3f} s")
    if narration_wav is not None:
        voice = probe(narration_wav)["audio"]
        if voice is None or abs(voice["duration"] - length) > frame:
            heard = f"{voice['duration']:.3f} s" if voice else "no audio"
            raise PipelineError(f"segment {segment}: narration {rel(narration_wav)} ({heard}) and video "
                                f"{rel(video)} ({length:.3f} s) differ by more than one frame")
    with atomic_output(out) as tmp:
        run(segment_clip_command(Path(video), narration_wav, length, tmp, settings), f"segment {segment}: encode")
        made = probe(tmp)
        if made["audio"] is None or abs(made["audio"]["duration"] - made["video"]["duration"]) > frame:
            raise PipelineError(f"segment {segment}: audio and video of {rel(out)} differ by more than one frame")
    return out


# --- the film ----------------------------------------------------------------------------------------------------

def lay_out(clips: list[Path], settings: Settings) -> list[Placement]:
    """Each clip's place in the film, from its measured length in whole frames. Clips must already have the
    film's size and frame rate (a mismatch is an upstream bug, not something to patch here) and carry audio."""
    video = settings.video
    placements, frames = [], 0
    for clip in clips:
        info = probe(clip)
        v = info["video"]
        if v is None or info["audio"] is None:
            raise PipelineError(f"{rel(clip)}: a segment clip needs video and audio")
        if (v["width"], v["height"]) != (video.width, video.height) or abs(v["fps"] - video.fps) > 0.01:
            raise PipelineError(f"{rel(clip)}: {v['width']}x{v['height']} at {v['fps']:g} fps, but settings "
                                f"'video' ask for {video.width}x{video.height} at {video.fps} fps")
        n = round(v["duration"] * video.fps)
        placements.append(Placement(Path(clip).stem, frames / video.fps, n / video.fps))
        frames += n
    return placements


def audio_graph(placements: list[Placement], music: MusicSettings) -> str:
    """Filter graph from the clips' audio (inputs 0…n-1) and the music (input n) to `[mix]`, before loudness.
    The narration, trimmed to each segment's exact length, keys a compressor that ducks the music under it."""
    n = len(placements)
    total = sum(p.seconds for p in placements) + music.tail_seconds
    fade = min(FADE_OUT, music.tail_seconds)
    parts = [f"[{i}:a]{STEREO},apad,atrim=end_sample={samples(p.seconds)},asetpts=N/SR/TB[a{i}]"
             for i, p in enumerate(placements)]
    parts += [
        # a gentle compressor evens the voice, so the limiter before loudnorm has less to do
        "".join(f"[a{i}]" for i in range(n)) + f"concat=n={n}:v=0:a=1,apad=whole_len={samples(total)},"
        "acompressor=threshold=0.06:ratio=3:attack=5:release=120,asplit=2[voice][key]",
        f"[{n}:a]{STEREO},atrim=end_sample={samples(total)},asetpts=N/SR/TB,volume={music.volume_db}dB,"
        f"afade=t=in:d={FADE_IN},afade=t=out:st={total - fade:.6f}:d={fade}[bed]",
        # ducking: speech above -44 dBFS pulls the music down ~12 dB; the slow release lets it swell back only in
        # real pauses (between segments)
        "[bed][key]sidechaincompress=threshold=0.0063:ratio=4:knee=4:attack=20:release=600[ducked]",
        "[voice][ducked]amix=inputs=2:normalize=0:duration=first[mix]",
    ]
    return ";".join(parts)


def hold_command(clip: Path, seconds: float, out: Path, settings: VideoSettings) -> list[str]:
    """The tail's picture: the clip's last frame held for `seconds`, encoded like the segment clips. (The last
    half second is read and reversed, so its first frame is the clip's last; tpad clones it.)"""
    return ffmpeg("-sseof", "-0.5", "-i", clip, "-an",
                  "-vf", f"reverse,trim=end_frame=1,tpad=stop_mode=clone:stop_duration={seconds}",
                  *film_video(settings.crf, settings.fps), "-frames:v", round(seconds * settings.fps), out)


def concat_list(videos: list[Path]) -> str:
    """The concat demuxer's script: the clips, in order, joined by stream copy."""
    return "ffconcat version 1.0\n" + "".join(f"file '{Path(v).resolve()}'\n" for v in videos)


def loudness_chain(music: MusicSettings, limit_db: float, measured: dict | None = None) -> str:
    """`[mix]` → `[a]`: a peak limiter (so one linear gain can reach the loudness target without passing the
    true-peak ceiling), then loudnorm (measuring, or applying `measured`), back to 48 kHz (loudnorm runs at 192)."""
    limit = min(max(10 ** (limit_db / 20), 0.0625), 1.0)
    return (f"[mix]alimiter=limit={limit:.4f}:attack=5:release=50:level=false:latency=true,"
            f"{loudnorm(music.loudness_lufs, music.true_peak_db, measured)},{STEREO}[a]")


def inputs(clips: list[Path], bed: Path) -> list[str]:
    """The clips (for their audio; `-vn` keeps their video undecoded), then the music looped (a bed shorter than
    the film repeats; the graph trims it)."""
    return ([arg for clip in clips for arg in ("-vn", "-i", str(clip))]
            + ["-stream_loop", "-1", "-i", str(bed)])


def measure_command(clips: list[Path], bed: Path, graph: str) -> list[str]:
    """Run an audio graph that ends in loudnorm and discard the result: loudnorm prints its measurement."""
    return ffmpeg(*inputs(clips, bed), "-filter_complex", graph, "-map", "[a]", "-f", "null", "-",
                  loglevel="info")


def film_command(clips: list[Path], bed: Path, graph: str, video_list: Path, out: Path) -> list[str]:
    """The film: the joined clips' video copied as it is (input 0, the concat script), the audio graph over the
    clips' audio and the music (inputs 1…), web-ready (+faststart: the index first, so playback starts at once)."""
    return ffmpeg("-f", "concat", "-safe", "0", "-i", video_list, *inputs(clips, bed), "-filter_complex", graph,
                  "-map", "0:v", "-map", "[a]", "-c:v", "copy", *aac(), "-movflags", "+faststart", out,
                  loglevel="info")


def layout_path(film: Path) -> Path:
    """The film's layout (segment starts and lengths, tail, loudness passes), written beside it."""
    return Path(film).with_suffix(".json")


def read_layout(film: Path) -> list[Placement]:
    data = read_json(layout_path(film), "film layout (run the film stage)")
    return [Placement(**p) for p in data["segments"]]


def concat_film(clips: list[Path], music_bed: Path, out: Path, settings: Settings) -> list[Placement]:
    """Write the film: clips in order, music under them and over a held last frame, loudness-normalised. Returns
    where each segment starts (also written to `layout_path(out)`)."""
    clips, music = [Path(c) for c in clips], settings.music
    if not clips:
        raise PipelineError(f"{rel(out)}: no segment clips to join")
    if not Path(music_bed).is_file():
        raise PipelineError(f"{rel(music_bed)}: missing music bed")
    placements = lay_out(clips, settings)
    mix = audio_graph(placements, music)
    # loudnorm's first pass, repeated with a lower limiter ceiling until one linear gain can reach the target
    # without passing the true-peak ceiling (loudnorm's own test for linear mode); limiting lowers the loudness
    # a little, so the ceiling is recomputed from each measurement (two or three passes, audio only: seconds)
    limit_db, passes = 0.0, []
    for attempt in range(MAX_LIMIT_PASSES):
        what = f"{rel(out)}: loudnorm first pass ({attempt + 1})"
        graph = f"{mix};{loudness_chain(music, limit_db)}"
        measured = parse_loudnorm(run_tool(measure_command(clips, music_bed, graph), what).stderr, what)
        passes.append({"limit_db": limit_db, **measured})
        gain = music.loudness_lufs - measured["input_i"]
        if measured["input_tp"] + gain <= music.true_peak_db:
            break
        limit_db = music.true_peak_db - LIMIT_MARGIN_DB - gain
    graph = f"{mix};{loudness_chain(music, limit_db, measured)}"
    total = sum(p.seconds for p in placements) + music.tail_seconds
    with atomic_output(out) as tmp:
        tail, script = tmp.with_name(tmp.stem + ".tail.mp4"), tmp.with_name(tmp.stem + ".ffconcat")
        try:
            run(hold_command(clips[-1], music.tail_seconds, tail, settings.video), f"{rel(out)}: held last frame")
            script.write_text(concat_list([*clips, tail]))
            proc = run(film_command(clips, Path(music_bed), graph, script, tmp), f"{rel(out)}: film",
                       seconds=total, label="film")
        finally:
            tail.unlink(missing_ok=True)
            script.unlink(missing_ok=True)
    applied = parse_loudnorm(proc.stderr, f"{rel(out)}: loudnorm second pass")
    write_json(layout_path(out), {"fps": settings.video.fps, "tail_seconds": music.tail_seconds,
                                  "segments": [asdict(p) for p in placements],
                                  "loudness": {"first_passes": passes, "second_pass": applied}})
    return placements
