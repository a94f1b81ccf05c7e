"""The film's colours by role, in both themes: scenes draw with them and the companion page is styled with them, so
film and page never disagree (docs: film-style brief)."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Palette:
    background: str = "#0E1117"
    panel: str = "#161B22"
    panel_edge: str = "#30363D"
    track: str = "#30363D"       # the empty track behind a bar: dark in both themes, so 0 % never looks full
    text: str = "#E6EDF3"
    muted: str = "#8B949E"       # neutral data: axes, grid, inactive cells
    agent: str = "#E8E2D9"       # warm white
    key: str = "#F5C542"         # gold
    door: str = "#C8744A"        # copper; an open door turns `success`
    planner: str = "#9B7BFF"     # violet: Planner (H), sub-goals, its bars
    doer: str = "#2EC4B6"        # teal: Doer (L), actions, its bars
    planner_error: str = "#FF5C5C"
    doer_error: str = "#FF9F43"
    success: str = "#4CD97B"
    llm: str = "#5B8DEF"         # the large models in comparisons


HIGH_CONTRAST = Palette(background="#000000", panel="#0A0A0A", panel_edge="#FFFFFF", track="#3A3A3A", text="#FFFFFF",
                        muted="#C9D1D9", agent="#FFFFFF", key="#FFD400", door="#FF8A3D", planner="#B69CFF",
                        doer="#00F0DC", planner_error="#FF3B3B", doer_error="#FFA500", success="#3CFF7A",
                        llm="#7FA7FF")

THEMES = {"dark": Palette(), "high_contrast": HIGH_CONTRAST}


def palette(theme: str) -> Palette:
    """The palette of a theme named in settings (`scenes.theme`); an unknown name is an error, not a default."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r} (known: {', '.join(THEMES)})")
    return THEMES[theme]


def palette_colours(theme: str) -> dict[str, str]:
    return asdict(palette(theme))
