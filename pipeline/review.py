"""`just review SEGMENT|all`: sheets to check a segment's picture against its words, from the finished film.

For each segment two PNGs in build/review/: `<id>-cues.png`, the frame at every cue mark of its script with the mark
and the word it sits on printed under it (and, for a segment without marks, its first, middle and last frames), and
`<id>-strip.png`, a frame every half second, to spot jumps, freezes and anything that arrives before its word.
Reads the film (build/hrm-explainer.mp4), its layout (build/report.json, written by `just render`) and the narration
timings; an unknown segment is an error.
"""
from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path

from core.errors import UserError
from core.files import atomic_output, read_json
from core.paths import BUILD, NARRATION_DIR, rel
from core.storyboard import find_segment, load_storyboard

FILM = BUILD / "hrm-explainer.mp4"
REPORT = BUILD / "report.json"
REVIEW_DIR = BUILD / "review"
STRIP_FPS = 2.0
LAST = 0.1   # seconds before a segment's end for its "last" frame (a seek to the very end finds no frame)
BACKGROUND, TEXT, MUTED = "#0E1117", "#E6EDF3", "#8B949E"


def frame_at(film: Path, seconds: float, width: int):
    """One frame of the film as a PIL image, `width` pixels wide."""
    from PIL import Image
    out = subprocess.run(["ffmpeg", "-v", "error", "-ss", f"{seconds:.3f}", "-i", str(film), "-frames:v", "1",
                          "-vf", f"scale={width}:-2", "-f", "image2pipe", "-vcodec", "png", "-"],
                         capture_output=True, check=False)
    if out.returncode != 0 or not out.stdout:
        raise UserError(f"{rel(film)}: no frame at {seconds:.2f} s ({out.stderr.decode(errors='replace').strip()})")
    return Image.open(BytesIO(out.stdout)).convert("RGB")


def labelled_grid(tiles: list[tuple[str, str, object]], columns: int, title: str) -> object:
    """Tiles (label, small print, image) in rows of `columns`, each label under its picture, a title on top."""
    from PIL import Image, ImageDraw, ImageFont
    w, h = tiles[0][2].size
    label_h, title_h = 56, 48
    rows = -(-len(tiles) // columns)
    sheet = Image.new("RGB", (columns * w, title_h + rows * (h + label_h)), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    big, small = ImageFont.truetype("DejaVuSans.ttf", 22), ImageFont.truetype("DejaVuSans.ttf", 16)
    draw.text((10, 12), title, fill=TEXT, font=big)
    for i, (label, note, img) in enumerate(tiles):
        x, y = (i % columns) * w, title_h + (i // columns) * (h + label_h)
        sheet.paste(img, (x, y))
        draw.text((x + 8, y + h + 4), label, fill=TEXT, font=big)
        draw.text((x + 8, y + h + 32), note, fill=MUTED, font=small)
    return sheet


def cue_tiles(film: Path, narration: dict | None, start: float, seconds: float, width: int) -> list[tuple]:
    """The frame at each cue mark, labelled with the mark and the word the voice says there; without marks, the
    first, middle and last frames."""
    if narration is None or not narration["marks"]:
        moments = [("start", 0.05), ("middle", seconds / 2), ("end", seconds - LAST)]
        return [(name, f"{t:.2f} s", frame_at(film, start + t, width)) for name, t in moments]
    tiles = []
    for name, t in sorted(narration["marks"].items(), key=lambda kv: kv[1]):
        word = min(narration["words"], key=lambda w: abs(w["start"] - t))["word"]
        tiles.append((f"[{name}] “{word}”", f"{t:.2f} s into the segment", frame_at(film, start + t, width)))
    return tiles


def review(segments: list[str], film: Path = FILM, report: Path = REPORT, narration_dir: Path = NARRATION_DIR,
           out_dir: Path = REVIEW_DIR) -> list[Path]:
    """Write the two sheets of each named segment ("all": every segment of the film); returns the files written."""
    if not film.exists() or not report.exists():
        raise UserError(f"{rel(film)}: no film to review (run just render)")
    layout = {s["id"]: s for s in read_json(report, "film report")["segments"]}
    storyboard = load_storyboard(check_files=False)
    chosen = list(layout) if segments == ["all"] else [find_segment(storyboard, name).id for name in segments]
    written = []
    for seg_id in chosen:
        if seg_id not in layout:
            raise UserError(f"{rel(report)}: segment '{seg_id}' is not in the rendered film (run just render)")
        start, seconds = layout[seg_id]["start"], layout[seg_id]["seconds"]
        path = narration_dir / f"{seg_id}.json"
        narration = read_json(path, "narration (run just render)") if path.exists() else None
        cues = labelled_grid(cue_tiles(film, narration, start, seconds, 480), 3, f"{seg_id} · cue marks")
        times = [i / STRIP_FPS for i in range(int(seconds * STRIP_FPS) + 1)]
        strip = labelled_grid([(f"{t:.1f} s", "", frame_at(film, start + min(t, seconds - LAST), 240))
                               for t in times], 8, f"{seg_id} · every {1 / STRIP_FPS:g} s")
        for sheet, kind in ((cues, "cues"), (strip, "strip")):
            out = out_dir / f"{seg_id}-{kind}.png"
            with atomic_output(out) as tmp:
                sheet.save(tmp, format="PNG")
            written.append(out)
    return written
