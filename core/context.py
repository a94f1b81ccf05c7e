"""A scene's context: everything one segment's picture may depend on besides the code and the recording, in one
file the render stage writes (build/cache/contexts/) and the scene reads. Its digest is part of the scene's cache
key, so a picture is rebuilt exactly when something it draws changes: its length, its cue marks, the segments of its
part (the header's dots), the theme, the seed, the links and the cited figures.

The file's path reaches the Manim process in the environment variable CONTEXT_VAR; a UserError the scene raises is
written to the file named by ERROR_VAR, so the render stage can report it as one line (Manim prints a traceback),
and its composition findings to the file named by LAYOUT_VAR.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from core.errors import UserError
from core.files import write_json
from core.paths import rel

CONTEXT_VAR = "HRM_SCENE_CONTEXT"
ERROR_VAR = "HRM_SCENE_ERROR"
LAYOUT_VAR = "HRM_SCENE_LAYOUT"   # where a scene writes its composition findings (scenes/layout.py)


@dataclass(frozen=True)
class SceneContext:
    segment: str                  # the storyboard id, e.g. "13-doer-role"
    part: str                     # the part of the film it belongs to (the header's name)
    part_segments: tuple          # ids of that part's segments in film order (the header's dots)
    seconds: float                # the scene's exact length: its narration's, or the segment's fixed length
    script: str | None            # the narration script (for messages), None for a music-only segment
    marks: dict                   # cue mark name → seconds from the segment's start (see pipeline/marks.py)
    theme: str                    # settings scenes.theme
    reduced_motion: bool          # settings scenes.reduced_motion
    seed: int                     # settings seed: every random choice of the scene derives from it
    recording: str                # the folder of the model stage's recording
    links: dict                   # settings links
    paper: dict                   # config/paper.yaml: figures the scenes cite


def write_context(path: Path, context: SceneContext) -> Path:
    write_json(path, asdict(context))
    return path


def read_context(path: Path) -> SceneContext:
    path = Path(path)
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise UserError(f"{rel(path)}: missing scene context (the render stage writes it)") from None
    except json.JSONDecodeError as err:
        raise UserError(f"{rel(path)}:{err.lineno}: corrupt scene context ({err.msg})") from None
    names = {f.name for f in fields(SceneContext)}
    if set(raw) != names:
        raise UserError(f"{rel(path)}: scene context has keys {sorted(raw)}, expected {sorted(names)}")
    return SceneContext(**{**raw, "part_segments": tuple(raw["part_segments"])})


def current_context() -> SceneContext:
    """The context of the segment this process renders, named by the environment."""
    path = os.environ.get(CONTEXT_VAR)
    if not path:
        raise UserError(f"{CONTEXT_VAR} is not set: scenes render through the pipeline (`just preview SEGMENT`); "
                        f"to run Manim by hand, `python -m pipeline context SEGMENT` writes one and prints the "
                        f"line to set")
    return read_context(Path(path))
