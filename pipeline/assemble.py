"""Segment clips and the film.

`segment_clip` gives a video-only clip its narration (or silence). The film's sound is its own stage
(pipeline/soundtrack.py): it needs only the narration and the segments' lengths, so the render makes it while the
pictures are still being drawn; `join_picture` then joins the clips' video (copied) and a held last frame, and
`mux_film` puts the soundtrack under it, also by copy. `concat_film` does all three from finished clips.

Boundaries never drift: every clip's length is fixed in whole video frames, its audio is trimmed or padded to
exactly that many samples, and each segment's start is the sum of the lengths before it. Those starts are returned
and written beside the film (`layout_path`) for captions, chapters and verification.
"""
from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from core.errors import UserError
from core.files import atomic_output, content_hash, read_json, write_json
from core.paths import BUILD, rel
from core.settings import Settings, VideoSettings
from pipeline.common import made_once
from pipeline.ffmpeg import AUDIO_RATE, TIMESCALE, aac, ffmpeg, film_video, probe, run, samples
from pipeline.soundtrack import STEREO, make_soundtrack, soundtrack_data

FILM = BUILD / "hrm-explainer.mp4"


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


def picture_command(video_list: Path, out: Path) -> list[str]:
    """The film's picture: the joined clips' video (the concat script), copied as it is. The clips share one codec
    setup (pipeline.ffmpeg.film_video), so their packets are kept byte for byte (`auto_convert 0`: by default the
    demuxer writes the parameter sets into every keyframe again), and each segment's stretch of the film is the
    very clip the render decoded as soon as it was made (verify.clip_decoding)."""
    return ffmpeg("-f", "concat", "-safe", "0", "-auto_convert", "0", "-i", video_list, "-map", "0:v", "-c", "copy",
                  out)


def film_command(picture: Path, soundtrack: Path, out: Path) -> list[str]:
    """The film: the picture and the soundtrack, both copied as they are, web-ready (+faststart: the index first,
    so playback starts at once)."""
    return ffmpeg("-i", picture, "-i", soundtrack, "-map", "0:v", "-map", "1:a", "-c", "copy", "-movflags",
                  "+faststart", out)


def held_tail(clip: Path, settings: Settings, cache: Path) -> Path:
    """The tail's picture for a last clip, made once per clip and tail length (in `cache`)."""
    key = content_hash("tail-v1", Path(clip), settings.music.tail_seconds, settings.video.__dict__)
    Path(cache).mkdir(parents=True, exist_ok=True)
    return made_once(Path(cache) / f"{key}.mp4", lambda out: run(
        hold_command(clip, settings.music.tail_seconds, out, settings.video), f"{rel(clip)}: held last frame"))


def join_picture(clips: list[Path], placements: list[Placement], out: Path, settings: Settings,
                 cache: Path) -> None:
    """The film's picture: the clips' video in order and the last frame held over the tail (`held_tail`, kept in
    `cache`), by stream copy (the render joins it while the soundtrack is still being made). A clip whose length
    is not its placement's (the soundtrack's) is an error naming it."""
    clips, out = [Path(c) for c in clips], Path(out)
    if not clips:
        raise UserError(f"{rel(out)}: no segment clips to join")
    for clip, found, planned in zip(clips, lay_out(clips, settings), placements):
        if round(found.seconds * settings.video.fps) != round(planned.seconds * settings.video.fps):
            raise UserError(f"{rel(clip)}: lasts {found.seconds:.3f} s, but the film's sound gives its segment "
                            f"{planned.seconds:.3f} s")
    out.parent.mkdir(parents=True, exist_ok=True)
    tail = held_tail(clips[-1], settings, cache)
    with tempfile.TemporaryDirectory(prefix=f".{out.stem}-work-", dir=out.parent) as work, atomic_output(out) as tmp:
        script = Path(work) / "picture.ffconcat"
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
        join_picture(clips, placements, picture, settings, Path(work))
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
        make_soundtrack(clips, placements, music_bed, soundtrack, settings, Path(work) / "cache")
        join_film(clips, placements, soundtrack, out, settings)
    return placements
