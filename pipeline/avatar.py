"""The presenter: a flat head-and-shoulders figure in a round badge, composited in a corner of a segment's video,
whose mouth follows the narration and who blinks now and then.

Only MOUTHS × 2 pictures are drawn (mouth openings × eyes open/closed), once per size. The narration's loudness in
each video frame picks the opening; a seeded schedule picks the blinks; an ffmpeg concat list plays the pictures
with per-run durations and `overlay` puts them on the video. The orchestrator calls `composite_avatar` only for
segments with `avatar: true` and only when settings `avatar.enabled` is true; otherwise it skips this step.
"""
from __future__ import annotations

import math
import wave
from pathlib import Path

import cairo
import numpy as np

from core.errors import UserError
from core.files import atomic_output, content_hash
from core.paths import rel
from core.settings import AvatarSettings, Settings
from pipeline.ffmpeg import ffmpeg, film_video, probe, run

MOUTHS = 5                 # mouth openings: 0 = closed … 4 = wide
BLINK_FRAMES = 3           # ~0.1 s at 30 fps
SILENCE_DB = -30           # frames this far below the voice's loud frames keep the mouth closed
OPEN_DB = 18               # the mouth opens over the top OPEN_DB of the voice's range: syllables show
MOUTH_CENTER = (0.5, 0.66)  # where the mouth sits in the badge, as fractions of its width and height
SKIN, HAIR, SWEATER, COLLAR = "#E8B894", "#3B2A20", "#39424E", "#8B949E"
BADGE, EDGE, INK, LIPS = "#161B22", "#30363D", "#1B1F24", "#7A2E3A"


def _rgb(hex_colour: str):
    return tuple(int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def _ellipse(ctx: cairo.Context, x: float, y: float, rx: float, ry: float) -> None:
    ctx.save()
    ctx.translate(x, y)
    ctx.scale(rx, max(ry, 1e-3))
    ctx.arc(0, 0, 1, 0, 2 * math.pi)
    ctx.restore()


def draw_presenter(size: int, mouth: int, eyes_open: bool) -> cairo.ImageSurface:
    """The presenter in a round badge of `size` pixels, drawn in a 100-unit square so every size looks alike."""
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, size, size)
    ctx = cairo.Context(surface)
    ctx.scale(size / 100, size / 100)

    def fill(colour, alpha=1.0):
        ctx.set_source_rgba(*_rgb(colour), alpha)
        ctx.fill()

    ctx.arc(50, 50, 48, 0, 2 * math.pi)
    fill(BADGE)
    ctx.arc(50, 50, 48, 0, 2 * math.pi)
    ctx.clip()
    # shoulders and collar
    ctx.move_to(14, 100)
    ctx.curve_to(14, 80, 28, 74, 50, 74)
    ctx.curve_to(72, 74, 86, 80, 86, 100)
    fill(SWEATER)
    ctx.move_to(41, 75)
    ctx.line_to(50, 85)
    ctx.line_to(59, 75)
    fill(COLLAR)
    ctx.rectangle(44, 62, 12, 13)           # neck
    fill(SKIN)
    # head, hair, ears
    _ellipse(ctx, 50, 48, 20, 23)
    fill(SKIN)
    for x in (30, 70):
        _ellipse(ctx, x, 50, 3.5, 5)
        fill(SKIN)
    ctx.move_to(29, 46)
    ctx.curve_to(27, 22, 45, 20, 52, 22)
    ctx.curve_to(66, 21, 75, 30, 71, 46)
    ctx.curve_to(67, 34, 58, 31, 46, 32)
    ctx.curve_to(38, 33, 32, 37, 29, 46)
    fill(HAIR)
    # eyes (or closed lids), brows, cheeks
    ctx.set_line_cap(cairo.LINE_CAP_ROUND)
    for x in (42, 58):
        if eyes_open:
            _ellipse(ctx, x, 48, 2.6, 3.2)
            fill(INK)
            ctx.arc(x + 0.9, 47, 0.8, 0, 2 * math.pi)
            fill("#FFFFFF")
        else:
            ctx.move_to(x - 3, 48.5)
            ctx.curve_to(x - 1, 50, x + 1, 50, x + 3, 48.5)
            ctx.set_source_rgb(*_rgb(INK))
            ctx.set_line_width(1.4)
            ctx.stroke()
        ctx.move_to(x - 4, 42)
        ctx.curve_to(x - 2, 40.5, x + 2, 40.5, x + 4, 42)
        ctx.set_source_rgb(*_rgb(HAIR))
        ctx.set_line_width(1.6)
        ctx.stroke()
        _ellipse(ctx, x + (-4 if x < 50 else 4), 56, 3.5, 2.2)
        fill("#F2A08A", 0.45)
    # mouth: a smile when closed, a rounded opening with teeth and tongue when speaking
    mx, my = MOUTH_CENTER[0] * 100, MOUTH_CENTER[1] * 100
    if mouth == 0:
        ctx.move_to(mx - 5, my - 0.5)
        ctx.curve_to(mx - 2, my + 2, mx + 2, my + 2, mx + 5, my - 0.5)
        ctx.set_source_rgb(*_rgb(LIPS))
        ctx.set_line_width(1.5)
        ctx.stroke()
    else:
        width, height = 4.6 + 0.35 * mouth, 0.4 + 0.8 * mouth
        _ellipse(ctx, mx, my, width, height)
        fill(LIPS)
        _ellipse(ctx, mx, my, width, height)
        ctx.clip()
        ctx.rectangle(mx - 6, my - height, 12, 0.9)
        fill("#FFFFFF")
        _ellipse(ctx, mx, my + height, 3.2, 1.0 + 0.4 * mouth)
        fill("#D0697A")
    ctx.reset_clip()
    ctx.arc(50, 50, 48, 0, 2 * math.pi)     # the badge's edge, drawn last so it stays crisp
    ctx.set_source_rgb(*_rgb(EDGE))
    ctx.set_line_width(1.6)
    ctx.stroke()
    surface.flush()
    return surface


def badge_size(avatar: AvatarSettings, height: int) -> int:
    """Badge diameter in pixels: `scale` of the frame height, even (yuv420p likes even sizes)."""
    return max(2, round(avatar.scale * height / 2) * 2)


def placement(avatar: AvatarSettings, width: int, height: int) -> tuple[int, int, int]:
    """(x, y, size) of the badge: in the chosen bottom corner, inside the 5 % safe margin."""
    size = badge_size(avatar, height)
    x = round(width * 0.05) if avatar.corner == "bottom_left" else width - size - round(width * 0.05)
    return x, height - size - round(height * 0.05), size


def state_pictures(size: int, folder: Path) -> dict[tuple[int, bool], Path]:
    """Draw every (mouth, eyes_open) picture once into `folder` (named by a hash of what shapes them)."""
    # absolute: the concat demuxer reads paths relative to its script, not to the working directory
    folder = Path(folder).resolve() / f"avatar-{content_hash('presenter', size, Path(__file__))}"
    pictures = {(m, e): folder / f"mouth{m}-{'open' if e else 'blink'}.png" for m in range(MOUTHS)
                for e in (True, False)}
    if not all(p.exists() for p in pictures.values()):
        with atomic_output(folder) as tmp:
            tmp.mkdir()
            for (m, e), path in pictures.items():
                draw_presenter(size, m, e).write_to_png(str(tmp / path.name))
    return pictures


def frame_loudness(wav: Path, fps: float, frames: int) -> np.ndarray:
    """RMS level (dBFS) of the narration under each video frame; missing audio counts as silence."""
    try:
        with wave.open(str(wav)) as w:
            if w.getsampwidth() != 2:
                raise UserError(f"{rel(wav)}: expected 16-bit PCM narration")
            rate, channels = w.getframerate(), w.getnchannels()
            pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, channels).mean(axis=1)
    except FileNotFoundError:
        raise UserError(f"{rel(wav)}: missing narration") from None
    except (wave.Error, EOFError) as err:
        raise UserError(f"{rel(wav)}: not a WAV file ({err})") from None
    edges = np.round(np.arange(frames + 1) * rate / fps).astype(int)
    signal = np.zeros(edges[-1])
    signal[:min(len(pcm), len(signal))] = pcm[:len(signal)] / 32768
    power = np.add.reduceat(signal ** 2, edges[:-1]) / np.diff(edges)
    return 10 * np.log10(power + 1e-12)


def mouth_openings(level_db: np.ndarray) -> np.ndarray:
    """Mouth opening 0 … MOUTHS-1 per frame. Levels are relative to the voice's loud frames (so any voice
    volume works); the mouth opens fast and closes a little slower, as a real one does, and stays shut in
    silence."""
    loud = np.percentile(level_db, 95)
    openness = np.clip((level_db - (loud - OPEN_DB)) / OPEN_DB, 0, 1)
    smooth = np.zeros_like(openness)
    previous = 0.0
    for i, target in enumerate(openness):
        previous += (0.7 if target > previous else 0.4) * (target - previous)
        smooth[i] = previous
    return np.where(level_db < loud + SILENCE_DB, 0, np.round(smooth * (MOUTHS - 1))).astype(int)


def blinks(frames: int, fps: float, seed: int) -> np.ndarray:
    """True on the frames where the eyes are shut: a blink every 2.5–5.5 s, at seeded moments."""
    rng = np.random.default_rng([seed, 4242])
    shut = np.zeros(frames, bool)
    t = rng.uniform(1.0, 2.5)
    while t * fps < frames:
        start = int(t * fps)
        shut[start:start + BLINK_FRAMES] = True
        t += rng.uniform(2.5, 5.5)
    return shut


def concat_list(states: list, pictures: dict, fps: float) -> str:
    """An ffmpeg concat-demuxer script that shows pictures[state] for each frame, one entry per run of equal
    states. Durations are differences of rounded start times, so rounding never accumulates."""
    lines = ["ffconcat version 1.0"]
    start = 0
    for i in range(1, len(states) + 1):
        if i == len(states) or states[i] != states[start]:
            lines += [f"file '{pictures[states[start]]}'",
                      f"duration {round(i / fps, 6) - round(start / fps, 6):.6f}"]
            start = i
    lines.append(f"file '{pictures[states[-1]]}'")   # the demuxer honours the last duration only if a file follows
    return "\n".join(lines) + "\n"


def composite_command(video_in: Path, script: Path, out: Path, x: int, y: int, fps: int, frames: int,
                      crf: int) -> list[str]:
    """Overlay the state pictures (resampled to the video's frame rate) at (x, y); same frame count as the input,
    encoded as the film's video."""
    return ffmpeg("-i", video_in, "-f", "concat", "-safe", "0", "-i", script,
                  "-filter_complex", f"[1:v]fps={fps}[face];[0:v][face]overlay={x}:{y}:eof_action=repeat[v]",
                  "-map", "[v]", "-frames:v", frames, "-an", *film_video(crf, fps), out)


def composite_avatar(video_in: Path, wav: Path, out: Path, settings: Settings, fps: float) -> Path:
    """Write `out`: `video_in` (video only) with the talking presenter in the corner set by settings `avatar`."""
    info = probe(video_in)["video"]
    if info is None:
        raise UserError(f"{rel(video_in)}: no video stream")
    frames = info["frames"]
    x, y, size = placement(settings.avatar, info["width"], info["height"])
    pictures = state_pictures(size, Path(out).parent)
    mouths = mouth_openings(frame_loudness(Path(wav), fps, frames))
    states = [(int(m), not shut) for m, shut in zip(mouths, blinks(frames, fps, settings.seed))]
    with atomic_output(out) as tmp:
        script = tmp.with_suffix(".ffconcat")
        try:
            script.write_text(concat_list(states, pictures, fps))
            run(composite_command(Path(video_in), script, tmp, x, y, fps, frames, settings.video.crf),
                f"{rel(out)}: avatar composite")
        finally:
            script.unlink(missing_ok=True)
    return out
