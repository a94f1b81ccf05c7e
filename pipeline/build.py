"""The whole chain behind `just render`, `just preview` and `just contact-sheet`, re-doing only what is stale.

    train → narrate → visuals (scenes and stills, in parallel) → presenter → segment clips → film → companions → verify
                    ↘ soundtrack (narration over the music, loudness; made while the visuals are) ↗

Every stage is a function from files to files. Each output's name carries a key: a hash of the parameters and input
files that determine it (Merkle style: a segment clip's key includes its video's and its narration's keys). An output
whose key exists is reused, so a run with nothing changed only checks keys, and one edited script rebuilds that
segment's audio, picture and clip, then the film.
"""
from __future__ import annotations

import heapq
import os
import shutil
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from core.context import CONTEXT_VAR
from core.errors import UserError, machine_faults
from core.files import atomic_output, content_hash, read_json, write_json
from core.lock import build_lock
from core.paths import ASSETS, BUILD, BUILD_VAR, COMPANION_DIR, MODEL_DIR, NARRATION_DIR, ROOT, STORYBOARD, rel
from core.settings import Settings, load_settings
from core.storyboard import Segment, load_storyboard
from pipeline import assemble, avatar, captions, metadata, music, render, review, stills, verify
from pipeline.common import made_keyed, made_once, require_tool, run_tool
from pipeline.ffmpeg import CLIP_CRF, film_video
from pipeline.narrate import narrate
from pipeline.soundtrack import make_soundtrack

CACHE = BUILD / "cache"
FILM, SRT, VTT = assemble.FILM, captions.SRT, captions.VTT
GIF = FILM.with_suffix(".gif")
PREVIEW_DIR = BUILD / "preview"
CONTACT_SHEET = BUILD / "contact-sheet.png"
SMOKE_BUILD = BUILD / "smoke"       # where smoke runs build when no HRM_BUILD is given
FILM_TOOLS = ("ffmpeg", "ffprobe")
GIF_SEGMENT = "09-task-trained"     # the trained agent's clean run, as a GIF for the description
console = Console(stderr=True)


@dataclass(frozen=True)
class Made:
    """A stage output and its key."""
    path: Path
    key: str


def cached(kind: str, key: str, suffix: str = ".mp4") -> Path:
    return CACHE / kind / f"{key}{suffix}"


# --- train ---------------------------------------------------------------------------------------------------------

def model_key(quick: bool) -> str:
    """What the recording depends on: the model code and the settings it reads."""
    s = load_settings()
    return content_hash("model-v2", sorted((ROOT / "model").glob("*.py")), s.seed,
                        [repr(section) for section in (s.world, s.data, s.model, s.train)], quick)


def ensure_recording(quick: bool = False, force: bool = False) -> None:
    """Train and record unless build/model already holds the recording of this code and these settings."""
    key, stamp = model_key(quick), MODEL_DIR / ".key"
    if not force and stamp.exists() and stamp.read_text() == key and (MODEL_DIR / "summary.json").exists():
        return
    console.print("[bold]train[/] recording the model's learning…")
    from model import record
    settings = load_settings(**(record.QUICK if quick else {}))
    with build_lock():                  # also when called on its own (`just refresh-frames`)
        record.print_summary(record.record_into(settings, MODEL_DIR), MODEL_DIR)
        stamp.write_text(key)


# --- visuals -------------------------------------------------------------------------------------------------------

def presented(seg: Segment, settings: Settings) -> bool:
    return seg.avatar and settings.avatar.enabled and seg.narrated


def picture_crf(seg: Segment, settings: Settings) -> int:
    """A picture is encoded once, as the film's video; one the presenter is drawn onto is encoded again, so it
    keeps more detail."""
    return CLIP_CRF if presented(seg, settings) else settings.video.crf


def visual_entry(seg: Segment, quality: render.Quality, timing: dict | None, settings: Settings
                 ) -> tuple[Made, Path | None]:
    """Where the segment's picture at this quality lives in the cache and its key; for a scene, its context file."""
    crf = picture_crf(seg, settings)
    if seg.visual == "scene":
        context = render.context_file(render.scene_context(seg, timing, settings))
        key = render.scene_key(seg, quality, context, crf)
        return Made(cached("scenes", f"{seg.id}-{key}"), key), context
    key = content_hash("still-v2", ROOT / seg.asset, render.segment_seconds(seg, timing), quality.__dict__,
                       film_video(crf, quality.fps))
    return Made(cached("stills", f"{seg.id}-{key}"), key), None


def visual(seg: Segment, quality: render.Quality, timing: dict | None, settings: Settings, workers) -> Made:
    """The segment's picture, video only, in the film's format: its Manim scene (rendered on one of `workers`,
    render.scene_workers), or its still with slow motion."""
    entry, context = visual_entry(seg, quality, timing, settings)
    seconds, crf = render.segment_seconds(seg, timing), picture_crf(seg, settings)
    if seg.visual == "scene":
        if not render.layout_findings(entry.path).exists():   # a clip is complete with its composition findings
            entry.path.unlink(missing_ok=True)
        made_once(entry.path, lambda out: render.render_scene(seg, quality, context, out, seconds, crf, workers))
        for line in render.layout_lines(seg.id, entry.path):    # composition findings (scenes/layout.py)
            console.print(f"[yellow]layout[/] {line}")
    else:
        made_once(entry.path, lambda out: stills.still_clip(ROOT / seg.asset, seconds, out, quality.width,
                                                             quality.height, quality.fps, crf))
    return entry


def presenter(seg: Segment, picture: Made, wav: Path, settings: Settings, fps: int) -> Made:
    key = content_hash("avatar-v2", picture.key, wav, settings.avatar.__dict__, settings.seed,
                       film_video(settings.video.crf, fps))
    out = made_once(cached("avatar", f"{seg.id}-{key}"),
                    lambda out: avatar.composite_avatar(picture.path, wav, out, settings, fps))
    return Made(out, key)


def segment_clip(seg: Segment, picture: Made, wav: Path | None, seconds: float, settings: Settings) -> Made:
    key = content_hash("segment-v3", picture.key, wav, seconds, settings.video.fps)

    def make(out: Path) -> None:
        # the clip's stem names the segment in the film's layout: build it under that name, then file it
        named = CACHE / "segments" / "work" / f"{seg.id}.mp4"
        assemble.segment_clip(picture.path, wav, seconds, named, settings.video)
        named.replace(out)

    return Made(made_once(cached("segments", f"{seg.id}-{key}"), make), key)


def at_quality(settings: Settings, quality: render.Quality) -> Settings:
    """The settings with the video size and frame rate of `quality` (a smoke run or preview renders smaller)."""
    return replace(settings, video=replace(settings.video, width=quality.width, height=quality.height,
                                           fps=quality.fps))


# --- the chain -----------------------------------------------------------------------------------------------------

def progress() -> Progress:
    return Progress(TextColumn("{task.description:<30}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=not console.is_terminal)


def segment_lengths(storyboard: list[Segment], timings: dict) -> dict[str, tuple[dict | None, float]]:
    """Each segment's narration entry and length in seconds (a music-only segment has its fixed length)."""
    spoken = {s["id"]: s for s in timings["segments"]}
    lengths = {}
    for seg in storyboard:
        if seg.narrated and seg.id not in spoken:
            raise UserError(f"{rel(NARRATION_DIR / 'timings.json')}: no narration for segment '{seg.id}'")
        entry = spoken.get(seg.id)
        lengths[seg.id] = (entry, render.segment_seconds(seg, entry))
    return lengths


def make_segment(seg: Segment, timing: dict | None, settings: Settings, quality: render.Quality, workers) -> Made:
    """One segment's finished clip: its picture (with the presenter where asked) and its narration."""
    seconds = render.segment_seconds(seg, timing)
    wav = NARRATION_DIR / timing["wav"] if timing else None
    picture = visual(seg, quality, timing, settings, workers)
    if presented(seg, settings):
        picture = presenter(seg, picture, wav, settings, quality.fps)
    return segment_clip(seg, picture, wav, seconds, settings)


def clip_decoding(clip: Made) -> dict:
    """verify.clip_decoding of a finished clip, kept beside it: a clip is decoded once."""
    out = clip.path.with_name(f"{clip.path.name}.decoding.json")
    return read_json(made_once(out, lambda tmp: write_json(tmp, verify.clip_decoding(clip.path))))


def narrate_and_build(storyboard: list[Segment], settings: Settings, quality: render.Quality,
                      narrate_only: list[str] | None) -> tuple[dict, list[Made], Future, list[Future]]:
    """Narration and segment clips at once: a segment is ready to render as soon as its voice line is, and `jobs`
    segments are made at a time, the longest ready one first (so a long one never starts last), while the voice
    goes on with the next lines. Once the voice is done, the soundtrack is made and listened to beside the
    pictures (heard_soundtrack): returned as a future, which the film stage waits for only when it needs it. Each
    clip's picture is decoded as soon as it is made (clip_decoding, futures too), so the film's decode check is
    done by the time the last one is."""
    by_id = {s.id: s for s in storyboard}
    futures: dict[str, Future] = {}
    ready, ready_lock = [], threading.Lock()
    decoder = ThreadPoolExecutor(1, thread_name_prefix="decode")
    decodings: list[Future] = []
    with progress() as bars, render.scene_workers(settings) as workers, \
            ThreadPoolExecutor(settings.video.jobs) as pool:
        task = bars.add_task("segments", total=len(storyboard))

        def make_longest_ready() -> None:
            with ready_lock:
                _, _, seg, timing = heapq.heappop(ready)
            try:
                clip = make_segment(seg, timing, settings, quality, workers)
                decodings.append(decoder.submit(clip_decoding, clip))
                futures[seg.id].set_result(clip)
            except BaseException as err:
                futures[seg.id].set_exception(err)
            bars.advance(task)

        def start(seg: Segment, timing: dict | None) -> None:
            futures[seg.id] = Future()
            with ready_lock:
                heapq.heappush(ready, (-render.segment_seconds(seg, timing), len(futures), seg, timing))
            pool.submit(make_longest_ready)

        for seg in storyboard:
            if not seg.narrated:
                start(seg, None)
        timings, _ = narrate(settings, only=narrate_only, console=console, progress=bars,
                             on_ready=lambda entry: entry["id"] in by_id and start(by_id[entry["id"]], entry))
        timings = {**timings, "segments": [t for t in timings["segments"] if t["id"] in by_id]}
        # every segment's length is known now: the film's sound is made while the pictures are drawn
        sound = in_background("soundtrack", heard_soundtrack, storyboard, timings, settings)
        missing = [s.id for s in storyboard if s.id not in futures]
        if missing:
            raise UserError(f"{rel(NARRATION_DIR / 'timings.json')}: no narration for segment '{missing[0]}'")
        clips = [futures[s.id].result() for s in storyboard]
    decoder.shutdown(wait=False)
    return timings, clips, sound, decodings


def in_background(name: str, fn, *args) -> Future:
    """fn(*args) on a thread of its own: the future holds its result, or raises its error where it is asked for."""
    runner = ThreadPoolExecutor(1, thread_name_prefix=name)
    future = runner.submit(fn, *args)
    runner.shutdown(wait=False)
    return future


def soundtrack(storyboard: list[Segment], timings: dict, settings: Settings) -> Made:
    """The film's sound, from the narration and the segments' lengths alone (pipeline/assemble.py), cached by
    what it is made of."""
    placements = film_placements(storyboard, timings, settings)
    voices = [NARRATION_DIR / entry["wav"] if entry else None
              for entry, _ in segment_lengths(storyboard, timings).values()]
    bed = film_bed(storyboard, timings, settings)
    key = content_hash("soundtrack-v2", voices, [asdict(p) for p in placements], bed, settings.music.__dict__,
                       ROOT / "pipeline" / "soundtrack.py")          # the mix is its code: a change remixes

    def make(out: Path) -> None:
        console.print("[bold]sound[/] mixing the narration over the music, encoding what changed…")
        make_soundtrack(voices, placements, bed, out, settings, CACHE / "sound")

    return Made(made_once(cached("soundtrack", key, ".m4a"), make), key)


def heard_soundtrack(storyboard: list[Segment], timings: dict, settings: Settings) -> tuple[Made, dict]:
    """The soundtrack, and what verification hears of it (verify.listen_ahead), listened to as soon as it is made
    (while the pictures are drawn) and kept by what was heard and how: an edit that leaves the sound alone is not
    listened to again."""
    sound, placements = soundtrack(storyboard, timings, settings), film_placements(storyboard, timings, settings)
    key = content_hash("heard-v1", sound.key, [asdict(p) for p in placements], timings["segments"],
                       [s.__dict__ for s in storyboard], settings.music.__dict__, settings.video.fps,
                       ROOT / "pipeline" / "verify.py", ROOT / "pipeline" / "ffmpeg.py")      # how it listens
    heard = made_once(cached("heard", key, ".json"), lambda out: write_json(
        out, verify.listen_ahead(sound.path, placements, timings, settings, storyboard)))
    return sound, read_json(heard)


def film_placements(storyboard: list[Segment], timings: dict, settings: Settings) -> list[assemble.Placement]:
    """Where each segment sits in the film: its narration's length (or its own), in whole frames, in order."""
    lengths = segment_lengths(storyboard, timings)
    return assemble.place([(s.id, lengths[s.id][1]) for s in storyboard], settings.video.fps)


def film_bed(storyboard: list[Segment], timings: dict, settings: Settings) -> Path:
    """The music under the film: as long as its segments and tail (pipeline/music.py)."""
    total = sum(segment_lengths(storyboard, timings)[s.id][1] for s in storyboard)
    return music.bed_for(settings, total + settings.music.tail_seconds, CACHE / "music")


def film(clips: list[Made], storyboard: list[Segment], timings: dict, settings: Settings,
         sound: Future, decodings: list[Future]) -> dict:
    """Join the clips' picture (while the soundtrack may still be in the making), put it under the soundtrack, then
    write captions, YouTube text, thumbnail, GIF, and verify all. The film and its companions are keyed like every
    stage: an unchanged film with a passing report is left as it is. `decodings` are the clips' decode checks
    (clip_decoding), as futures."""
    placements = film_placements(storyboard, timings, settings)
    picture_key = content_hash("picture-v1", [c.key for c in clips], settings.video.__dict__,
                               settings.music.tail_seconds)
    picture = made_once(cached("picture", picture_key), lambda out: assemble.join_picture(
        [c.path for c in clips], placements, out, settings, CACHE / "tail"))
    film_seconds = sum(p.seconds for p in placements) + settings.music.tail_seconds
    sound, heard = sound.result()       # its fault, if any, is this stage's (one line, not a thread's traceback)
    key = content_hash("film-v4", picture_key, sound.key)
    companions = [SRT, VTT, metadata.YOUTUBE_MD, metadata.THUMBNAIL, GIF]
    report_key = content_hash("companions-v1", key, timings["segments"], [s.__dict__ for s in storyboard],
                              settings.links.__dict__, ASSETS / "thumbnail.svg")
    if verify.REPORT.exists() and all(p.exists() for p in companions[:-1]):
        report = read_json(verify.REPORT)
        if report.get("key") == report_key and report.get("ok"):
            return report
    # the picture is decoded (what the clips' decodings left), and the GIF cut from its segment's clip (made again
    # only when that changed), while the film is muxed and its companions written
    decoded = in_background("decode", decode_picture, picture, placements, film_seconds, decodings)
    gif = next(((c, p.seconds) for c, p in zip(clips, placements) if p.id == GIF_SEGMENT), None)
    gif_made = gif and in_background("gif", made_keyed, GIF, content_hash("gif-v2", gif[0].key),
                                     lambda out: metadata.make_gif(gif[0].path, out, 0.0, gif[1]))

    def join(out: Path) -> None:
        console.print("[bold]film[/] the picture under the soundtrack…")
        assemble.mux_film(picture, placements, sound.path, out, settings)

    made_keyed(FILM, key, join)
    starts = {p.id: p.start for p in placements}
    cues = captions.write_captions(timings, starts, SRT, VTT)
    found = metadata.chapters(placements, storyboard, film_seconds)
    metadata.youtube_md(settings, found, metadata.YOUTUBE_MD)
    made_keyed(metadata.THUMBNAIL, content_hash("thumbnail-v1", ASSETS / "thumbnail.svg"),
               lambda out: metadata.thumbnail(ASSETS / "thumbnail.svg", out))
    if gif_made:
        gif_made.result()
    report = verify.verify(FILM, placements, timings, found, cues, settings, storyboard, verify.REPORT, companions,
                           heard=heard, decoded_ahead=decoded.result())
    write_json(verify.REPORT, {**report, "key": report_key})
    return report


def decode_picture(picture: Path, placements: list[assemble.Placement], seconds: float,
                   decodings: list[Future]) -> dict:
    """The decode check of the film's picture: its segments' stretches are the clips decoded already."""
    known = {digest: found for decoding in decodings for digest, found in decoding.result().items()}
    return verify.decode_check(picture, placements, seconds, verify.REPORT, known)


def render_film(quick: bool = False, quality: render.Quality | None = None, only: list[str] | None = None) -> dict:
    """`just render`: the film, its companions and the interactive page from whatever is stale. `only` keeps a
    subset of segments (smoke runs); `quick` trains briefly."""
    quality = quality or render.film_quality()
    settings = at_quality(load_settings(), quality)
    storyboard = load_storyboard(only=only)
    ensure_recording(quick)
    from pipeline.companion import build_companion
    page = in_background("companion", build_companion, settings)      # it reads the recording only
    timings, clips, sound, decodings = narrate_and_build(storyboard, settings, quality,
                                                         [s.id for s in storyboard if s.narrated] if only else None)
    report = film(clips, storyboard, timings, settings, sound, decodings)
    page.result()
    return report


# --- preview and contact sheet -------------------------------------------------------------------------------------

def preview(segment: str) -> Path:
    """`just preview SEG`: one segment at preview quality with its narration, to build/preview/SEG.mp4."""
    settings = load_settings()
    seg, = load_storyboard(only=[segment])
    ensure_recording()
    timings = narrate(settings, only=[seg.id], console=console)[0] if seg.narrated else {"segments": []}
    quality = render.preview_quality()
    timing, _ = segment_lengths([seg], timings)[seg.id]
    settings = at_quality(settings, quality)
    with render.scene_workers(replace(settings, video=replace(settings.video, jobs=1))) as workers:
        clip = make_segment(seg, timing, settings, quality, workers)    # the film's own recipe, smaller
    out = PREVIEW_DIR / f"{seg.id}.mp4"
    with atomic_output(out) as tmp:
        shutil.copyfile(clip.path, tmp)
    return out


def scene_context(segment: str) -> Path:
    """`python -m pipeline context SEG`: write the segment's scene context (narrating its line if needed), so its
    Scene can be rendered by hand with the Manim CLI."""
    settings = load_settings()
    seg, = load_storyboard(only=[segment])
    if seg.visual != "scene":
        raise UserError(f"{rel(STORYBOARD)}: segment '{seg.id}' is a still, not a Manim scene")
    ensure_recording()
    timings = narrate(settings, only=[seg.id], console=console)[0] if seg.narrated else {"segments": []}
    timing, _ = segment_lengths([seg], timings)[seg.id]
    return render.context_file(render.scene_context(seg, timing, settings))


def contact_sheet(columns: int = 5, width: int = 480) -> Path:
    """One PNG with the middle frame of every segment, labelled: from the film's own pictures where `just render`
    made them for the current sources, otherwise from preview-quality renders made now."""
    from PIL import Image
    settings = load_settings()
    storyboard = load_storyboard()
    ensure_recording()
    timings, _ = narrate(settings, console=console)
    lengths = segment_lengths(storyboard, timings)

    def picture(seg: Segment) -> Made:
        timing = lengths[seg.id][0]
        filmed, _ = visual_entry(seg, render.film_quality(), timing, settings)
        if filmed.path.exists():
            return filmed
        return visual(seg, render.preview_quality(), timing, settings, workers)

    frames = []
    with render.scene_workers(settings) as workers, ThreadPoolExecutor(settings.video.jobs) as pool:
        pictures = list(pool.map(picture, storyboard))
    for seg, picture in zip(storyboard, pictures):
        png = cached("contact", f"{picture.key}-mid", ".png")
        if not png.exists():
            png.parent.mkdir(parents=True, exist_ok=True)
            run_tool(["ffmpeg", "-v", "error", "-y", "-ss", f"{lengths[seg.id][1] / 2:.2f}", "-i",
                      str(picture.path), "-frames:v", "1", str(png)], f"{seg.id}: contact-sheet frame")
        img = Image.open(png).convert("RGB")
        frames.append((seg.id, img.resize((width, round(width * img.height / img.width)))))
    sheet = review.labelled_grid([(seg_id, "", img) for seg_id, img in frames], columns, "every segment, middle frame")
    with atomic_output(CONTACT_SHEET) as tmp:
        sheet.save(tmp)
    return CONTACT_SHEET


def run_command(args) -> None:
    """One CLI command, with the build folder held. Every command but train and context needs ffmpeg: checked
    before any work, so a missing tool is found in the first second, not after minutes of rendering."""
    if args.command not in ("train", "context"):
        for tool in FILM_TOOLS:
            require_tool(tool)
    if args.command == "render":
        quality = render.preview_quality() if args.preview_quality else None
        report = render_film(args.quick, quality, args.only)
        console.print(f"[green]done[/] {rel(FILM)}: {report['seconds']['video']:.1f} s, "
                      f"{report['loudness']['integrated_lufs']:.1f} LUFS → {rel(verify.REPORT)}; the interactive "
                      f"companion: {rel(COMPANION_DIR / 'index.html')}")
    elif args.command == "train":
        ensure_recording(args.quick, force=True)
    elif args.command == "preview":
        console.print(f"[green]done[/] {rel(preview(args.segment))}")
    elif args.command == "context":
        print(f"export {CONTEXT_VAR}={scene_context(args.segment)}")
    elif args.command == "review":
        written = review.review(args.segments)
        console.print(f"[green]done[/] {len(written)} sheets in {rel(review.REVIEW_DIR)}")
    else:
        console.print(f"[green]done[/] {rel(contact_sheet())}")


def smoke_run(args, argv: list[str]) -> int:
    """A render with smoke flags never replaces the finished film, nor (with --quick) the study's recording: it runs
    again in a build folder of its own, build/smoke/. Without --quick it starts from a copy of the current recording,
    rather than training the whole study again there."""
    with machine_faults(rel(SMOKE_BUILD)), build_lock(), build_lock(SMOKE_BUILD):
        stamp = MODEL_DIR / ".key"
        if not args.quick and stamp.exists() and stamp.read_text() == model_key(False):
            shutil.copytree(MODEL_DIR, SMOKE_BUILD / "model", dirs_exist_ok=True)
    console.print(f"smoke run: building in {rel(SMOKE_BUILD)}/ (the film in {rel(BUILD)}/ is left alone)")
    return subprocess.call([sys.executable, "-m", "pipeline", *argv], env={**os.environ, BUILD_VAR: str(SMOKE_BUILD)})


def main(argv: list[str] | None = None) -> int:
    import argparse
    ap = argparse.ArgumentParser(prog="python -m pipeline.build", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("render", help="the film and its companions")
    r.add_argument("--quick", action="store_true", help="short training (smoke runs)")
    r.add_argument("--preview-quality", action="store_true", help="render at the preview size and frame rate")
    r.add_argument("--only", nargs="+", metavar="SEG", help="only these segments (smoke runs)")
    p = sub.add_parser("preview", help="one segment, fast, with its narration")
    p.add_argument("segment")
    sub.add_parser("contact-sheet", help="a PNG with the middle frame of every segment")
    v = sub.add_parser("review", help="per segment, the frames at its cue words and a 2 fps strip")
    v.add_argument("segments", nargs="+", metavar="SEG", help="ids, prefixes or numbers, or all")
    c = sub.add_parser("context", help="write a scene's context, for rendering it by hand with manim")
    c.add_argument("segment")
    t = sub.add_parser("train", help="train and record the models (always, even if the recording is current)")
    t.add_argument("--quick", action="store_true", help="short training (smoke runs)")
    args = ap.parse_args(argv)
    try:
        if args.command == "render" and (args.quick or args.preview_quality or args.only) \
                and BUILD_VAR not in os.environ:
            return smoke_run(args, sys.argv[1:] if argv is None else argv)
        with machine_faults(rel(BUILD)), build_lock():
            run_command(args)
    except verify.VerifyError as err:
        console.print("\n".join(err.problems), markup=False)
        return 1
    except UserError as err:
        console.print(f"error: {err}", markup=False, highlight=False, soft_wrap=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
