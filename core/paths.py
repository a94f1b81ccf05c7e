"""Where things live. Every output is under build/; HRM_BUILD moves it (tests and smoke runs use a temporary folder)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config"
SCRIPTS = ROOT / "scripts"
ASSETS = ROOT / "assets"
SETTINGS = CONFIG / "settings.yaml"
STORYBOARD = CONFIG / "storyboard.yaml"
PAPER = CONFIG / "paper.yaml"
BUILD_VAR = "HRM_BUILD"
BUILD = Path(os.environ.get(BUILD_VAR, ROOT / "build")).resolve()
MODEL_DIR = BUILD / "model"
NARRATION_DIR = BUILD / "narration"
COMPANION_DIR = BUILD / "companion"   # the interactive page (pipeline/companion.py)


def rel(path: Path) -> str:
    """A path as the user would type it: relative to the project when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
