"""What goes up with the film: build/youtube.md (title, description, chapters from the real segment starts,
links, tags), the thumbnail, and a short GIF.

YouTube's chapter rules: the first at 0:00, at least three, each at least ten seconds, in ascending order. Chapters
are published as whole seconds (`M:SS`, rounded down so a chapter never starts after its first word), and the rules
are checked on those published times.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserError
from core.files import atomic_output, write_text
from core.paths import BUILD, rel
from core.settings import Settings
from core.storyboard import Segment
from pipeline.ffmpeg import ffmpeg, run
from pipeline.stills import svg_to_png

YOUTUBE_MD = BUILD / "youtube.md"
THUMBNAIL = BUILD / "thumbnail.png"
TITLE = "Visualizing How AI Learns: HRM Training"
MIN_CHAPTER = 10
MIN_CHAPTERS = 3
TAGS = ("AI", "machine learning", "HRM", "hierarchical reasoning model", "TRM", "BabyAI", "visualization",
        "training", "explainer")
HASHTAGS = "#AI #MachineLearning #HRM #TRM #BabyAI #Visualization #Training"
VOICES = {"piper": "Piper", "espeak": "eSpeak NG"}


@dataclass(frozen=True)
class Chapter:
    start: int              # whole seconds, as published
    title: str


def chapters(placements, segments: list[Segment], film_seconds: float) -> list[Chapter]:
    """Chapters from where the segments really start: consecutive segments with one `chapter` title form one;
    a chapter shorter than MIN_CHAPTER seconds joins the one before it (the first joins the next)."""
    titles = {s.id: s.chapter for s in segments}
    found: list[Chapter] = []
    for p in placements:
        if p.id not in titles:
            raise UserError(f"chapters: segment '{p.id}' is not in the storyboard")
        if not found or titles[p.id] != found[-1].title:
            found.append(Chapter(math.floor(p.start), titles[p.id]))
    while len(found) > 1:
        ends = [c.start for c in found[1:]] + [film_seconds]
        short = next((i for i, c in enumerate(found) if ends[i] - c.start < MIN_CHAPTER), None)
        if short is None:
            break
        if short == 0:
            found[:2] = [Chapter(0, found[1].title)]
        else:
            del found[short]
    if len(found) < MIN_CHAPTERS:
        raise UserError(f"chapters: only {len(found)} of at least {MIN_CHAPTER} s; YouTube needs "
                            f"{MIN_CHAPTERS} (check the 'chapter' titles in the storyboard)")
    return found


def chapter_problems(found: list[Chapter], film_seconds: float) -> list[str]:
    """Every way the chapters break YouTube's rules, one line each (none: they are fine)."""
    problems = []
    if not found or found[0].start != 0:
        problems.append("chapters: the first chapter must start at 0:00")
    if len(found) < MIN_CHAPTERS:
        problems.append(f"chapters: {len(found)} chapters, YouTube needs at least {MIN_CHAPTERS}")
    for c, end in zip(found, [c.start for c in found[1:]] + [film_seconds]):
        if end <= c.start:
            problems.append(f"chapters: '{c.title}' at {stamp(c.start)} is not after the one before it")
        elif end - c.start < MIN_CHAPTER:
            problems.append(f"chapters: '{c.title}' at {stamp(c.start)} lasts {end - c.start:.0f} s "
                            f"(YouTube needs at least {MIN_CHAPTER})")
    return problems


def stamp(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def description(settings: Settings, found: list[Chapter]) -> str:
    links = settings.links
    music = (f"music: {Path(settings.music.file).name}" if settings.music.file
             else "the music was synthesised by the pipeline")
    return "\n".join([
        "What does an AI actually learn while it trains? We trained a tiny Hierarchical Reasoning Model (HRM), "
        "a Planner that picks sub-goals and a Doer that picks actions, on a simple task: walk along a row of "
        "ten cells, pick up a key and open a door. Every move, probability and count in this video comes from "
        "that one real training run, recorded and animated.",
        "",
        *[f"{stamp(c.start)} {c.title}" for c in found],
        "",
        *([f"Play with this very model in your browser (the interactive companion): {links.companion}", ""]
          if links.companion else []),
        *([f"The original visualization: {links.demo}", ""] if links.demo else []),
        "Papers:",
        *[f"- {name}: {url}" for name, url in (("HRM", links.hrm_paper), ("TRM", links.trm_paper),
                                               ("BabyAI", links.babyai_paper)) if url],
        "",
        f"The narration is a synthetic voice ({VOICES.get(settings.voice.backend, settings.voice.backend)}); "
        f"{music}.",
    ])


def youtube_md(settings: Settings, found: list[Chapter], out: Path = YOUTUBE_MD) -> Path:
    """Write the upload text: a title, the description (with chapters), then tags and hashtags."""
    unpublished = ("" if settings.links.companion else
                   "## Before publishing\nPublish build/companion/index.html on any static host and set "
                   "`links.companion` in config/settings.yaml to its address: the film's call to action points "
                   "viewers to it, and the description then links it.\n\n")
    write_text(out, f"# {TITLE}\n\n{unpublished}## Title\n{TITLE}\n\n## Description\n"
                    f"{description(settings, found)}\n\n{HASHTAGS}\n\n## Tags\n{', '.join(TAGS)}\n")
    return out


def read_chapters(md: Path) -> list[Chapter]:
    """The chapters as published in youtube.md."""
    md = Path(md)
    if not md.is_file():
        raise UserError(f"{rel(md)}: missing YouTube description")
    return [Chapter(int(m) * 60 + int(s), title)
            for m, s, title in re.findall(r"^(\d+):(\d\d) (.+)$", md.read_text(), re.MULTILINE)]


def thumbnail(svg: Path, png: Path = THUMBNAIL) -> Path:
    """The 1280×720 thumbnail from its SVG."""
    return svg_to_png(svg, png, 1280, 720)


def gif_command(clip: Path, out: Path, start: float, seconds: float, width: int, fps: int) -> list[str]:
    """A palette made from the excerpt itself (palettegen), then applied with ordered dithering (paletteuse),
    which is deterministic and does not crawl between frames as error diffusion does."""
    return ffmpeg("-ss", start, "-t", seconds, "-i", clip, "-filter_complex",
                  f"fps={fps},scale={width}:-2:flags=lanczos,split[a][b];[a]palettegen=stats_mode=diff[p];"
                  "[b][p]paletteuse=dither=bayer:bayer_scale=4", "-loop", "0", out)


def make_gif(clip: Path, out: Path, start: float, seconds: float, width: int = 640, fps: int = 12) -> Path:
    """An excerpt of a clip as a looping GIF (for the README or a post)."""
    if not Path(clip).is_file():
        raise UserError(f"{rel(clip)}: missing clip")
    with atomic_output(out) as tmp:
        run(gif_command(Path(clip), tmp, start, seconds, width, fps), f"{rel(out)}: GIF")
    return out
