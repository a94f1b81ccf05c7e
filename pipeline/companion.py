"""The interactive companion: build/companion/index.html, one self-contained page that runs the recorded model.

The page is a second output of the same recording as the film, so the two never disagree: every number it shows is
read from build/model/ (embedded below) or computed in the page by assets/companion/hrm.js, a JS forward pass of the
exported checkpoints. Training itself is not re-run in the page; its snapshots are replayed.

The page is assets/companion/page.html with five slots filled in: the palette as CSS variables (core/palette.py, both
themes), style.css, the data (JSON in `<script type="application/json" id="hrm-data">`), hrm.js and app.js.
The data, as app.js reads it:

    seed, n_cells, max_steps, sampled_tries      settings (seed: the page's seeded sampling) and the recording's
    theme, reduced_motion                        the page's defaults (settings `scenes`); the viewer can toggle both
    links                                        settings `links`
    models        {stem: spec}                   every checkpoint as pipeline.weights.model_spec exports it
    variants      [{name, label, about, model, params, metrics}]   finals.json in compare order; model = its stem
    snapshots     [{index, label, stage, epoch, policy, model, metrics, weight_change}]   snapshots.json, no
                                                 rollouts or demos (the page plays its own episodes)
    intervention  {subgoal, first_step, last_step}   the film's told-sub-goal experiment (finals.json hrm)
    curves        {hrm, flat: [row per epoch], by_seed}   curves.json
    layouts       {train, heldout: [[a, k, d]], showcase: [{layout, in_train}]}
    followed, seeds, n_train, n_heldout, epochs, checks     summary.json
    sweep         [{variant, seed, n_train, n_heldout, heldout_success, heldout_solved}]   study.json's HRM and
                                                 flat jobs: held-out success per number of demonstrations and seed
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from core.errors import UserError, machine_faults
from core.files import content_hash, read_json, write_text
from core.lock import build_lock
from core.palette import THEMES, palette_colours
from core.paths import ASSETS, COMPANION_DIR, MODEL_DIR, rel
from core.settings import Settings, load_settings
from pipeline import weights
from pipeline.common import made_keyed

PAGE_DIR = ASSETS / "companion"
PAGE_FILES = ("page.html", "style.css", "hrm.js", "app.js")
RECORDING = ("summary", "finals", "snapshots", "curves", "dataset", "study")
MAX_BYTES = 2_000_000          # one file a viewer downloads whole, on a phone too
SLOTS = ("palette_css", "style_css", "data_json", "hrm_js", "app_js")

# The models the compare view lines up, in this order: the recipe, its two baselines, then the ablations.
VARIANTS = {
    "hrm": ("HRM", "base stage, then fine-tuning"),
    "flat": ("Flat", "two blocks run once: no hierarchy"),
    "trm": ("TRM", "the Tiny Recursive Model"),
    "freeze_planner": ("Planner frozen", "Planner kept as the base stage left it"),
    "freeze_doer": ("Doer frozen", "Doer kept as the base stage left it"),
    "no_base": ("No base stage", "fine-tuned from scratch, as many steps"),
    "act_off": ("ACT off", "one thinking segment per decision"),
}
SWEPT = ("hrm", "flat")


def stem(checkpoint: str) -> str:
    return Path(checkpoint).stem


def variant_entries(finals: dict, specs: dict, model_dir: Path) -> list[dict]:
    unknown = sorted(set(finals) - set(VARIANTS))
    if unknown:
        raise UserError(f"{rel(model_dir / 'finals.json')}: unknown variant {unknown[0]!r} (known: "
                        f"{', '.join(VARIANTS)})")
    entries = []
    for name in (v for v in VARIANTS if v in finals):
        model = f"{name}-final"
        if model not in specs:
            raise UserError(f"{rel(model_dir / 'checkpoints' / (model + '.pt'))}: missing checkpoint")
        label, about = VARIANTS[name]
        entries.append({"name": name, "label": label, "about": about, "model": model,
                        "params": finals[name]["params"], "metrics": finals[name]["metrics"]})
    return entries


def snapshot_entries(snapshots: list[dict], specs: dict, model_dir: Path) -> list[dict]:
    keep = ("index", "label", "stage", "epoch", "policy", "metrics", "weight_change")
    entries = []
    for snap in snapshots:
        if stem(snap["checkpoint"]) not in specs:
            raise UserError(f"{rel(model_dir / 'checkpoints' / snap['checkpoint'])}: missing checkpoint")
        entries.append({**{k: snap[k] for k in keep}, "model": stem(snap["checkpoint"])})
    return entries


def sweep_entries(study: dict, n_cells: int) -> list[dict]:
    """Every recorded HRM and flat job: what the sweep control shows (their weights are not in the page)."""
    n_layouts = (n_cells - 1) * (n_cells - 2)
    return [{"variant": j["variant"], "seed": j["seed"], "n_train": j["n_train"], "n_heldout": n_layouts - j["n_train"],
             "heldout_success": j["heldout_success"], "heldout_solved": j["heldout_solved"]}
            for j in study["jobs"] if j["variant"] in SWEPT]


def page_data(settings: Settings, model_dir: Path) -> dict:
    """Everything the page reads, from the recording, the exported weights and the settings."""
    rec = {name: read_json(model_dir / f"{name}.json", "recording (run `just train`)") for name in RECORDING}
    summary, finals = rec["summary"], rec["finals"]
    if summary["n_cells"] != settings.world.n_cells or summary["max_steps"] != settings.world.max_steps:
        raise UserError(f"{rel(model_dir / 'summary.json')}: recorded for {summary['n_cells']} cells and "
                        f"{summary['max_steps']} steps, but the settings say {settings.world.n_cells} and "
                        f"{settings.world.max_steps} (run `just train`)")
    specs = weights.model_specs(model_dir)
    intervention = finals["hrm"]["intervention"]
    return {
        "seed": settings.seed, "n_cells": summary["n_cells"], "max_steps": summary["max_steps"],
        "sampled_tries": summary["sampled_tries"],
        "theme": settings.scenes.theme, "reduced_motion": settings.scenes.reduced_motion,
        "links": settings.links.__dict__,
        "models": specs,
        "variants": variant_entries(finals, specs, model_dir),
        "snapshots": snapshot_entries(rec["snapshots"], specs, model_dir),
        "intervention": {k: intervention[k] for k in ("subgoal", "first_step", "last_step")},
        "curves": {k: rec["curves"][k] for k in ("hrm", "flat", "by_seed")},
        "layouts": {"train": summary["train_layouts"], "heldout": summary["heldout_layouts"],
                    "showcase": rec["dataset"]["showcase"]},
        **{k: summary[k] for k in ("followed", "seeds", "n_train", "n_heldout", "epochs", "checks")},
        "sweep": sweep_entries(rec["study"], summary["n_cells"]),
    }


def palette_css() -> str:
    """The film's colours as CSS variables: dark on :root, high contrast under data-theme="high_contrast"."""
    def block(selector: str, theme: str) -> str:
        lines = "".join(f"  --{role.replace('_', '-')}: {hex_};\n" for role, hex_ in palette_colours(theme).items())
        return f"{selector} {{\n{lines}}}\n"
    return "".join(block(":root" if theme == "dark" else f':root[data-theme="{theme}"]', theme) for theme in THEMES)


def inline_script(path: Path) -> str:
    text = path.read_text()
    if "</script" in text.lower():
        raise UserError(f"{rel(path)}: contains '</script', which would end the inlined script early")
    return text


def render_page(data: dict) -> str:
    """The template with its slots filled (in one pass, so nothing inserted is read as a slot)."""
    template_path = PAGE_DIR / "page.html"
    template = template_path.read_text()
    for slot in SLOTS:
        if template.count(f"{{{{{slot}}}}}") != 1:
            raise UserError(f"{rel(template_path)}: needs the slot {{{{{slot}}}}} exactly once")
    fill = {"palette_css": palette_css(), "style_css": (PAGE_DIR / "style.css").read_text(),
            # "</" cannot end the data's script element when written "<\/" (the same string to JSON)
            "data_json": json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/"),
            "hrm_js": inline_script(PAGE_DIR / "hrm.js"), "app_js": inline_script(PAGE_DIR / "app.js")}
    return re.sub(r"\{\{(\w+)\}\}", lambda m: fill[m[1]] if m[1] in fill else m[0], template)


def companion_key(settings: Settings, model_dir: Path) -> str:
    """What the page depends on: the recording, the checkpoints, the page's files, this stage and the exporter,
    the settings it reads and the palette."""
    for name in PAGE_FILES:
        if not (PAGE_DIR / name).exists():
            raise UserError(f"{rel(PAGE_DIR / name)}: missing page file")
    return content_hash("companion-v1", [model_dir / f"{name}.json" for name in RECORDING if
                                         (model_dir / f"{name}.json").exists()],
                        sorted((model_dir / "checkpoints").glob("*.pt")), [PAGE_DIR / n for n in PAGE_FILES],
                        Path(__file__), Path(weights.__file__), settings.seed, repr(settings.world),
                        repr(settings.scenes), repr(settings.links), {t: palette_colours(t) for t in THEMES})


def build_companion(settings: Settings | None = None, model_dir: Path = MODEL_DIR,
                    out_dir: Path = COMPANION_DIR) -> Path:
    """Write out_dir/index.html from the recording in model_dir, unless its key file says it is up to date."""
    settings = settings or load_settings()
    def write(out: Path) -> None:
        page = render_page(page_data(settings, Path(model_dir)))
        size = len(page.encode())
        if size > MAX_BYTES:
            raise UserError(f"{rel(out)}: the page would be {size / 1e6:.2f} MB, over the {MAX_BYTES / 1e6:g} MB "
                            "limit")
        write_text(out, page)

    return made_keyed(Path(out_dir) / "index.html", companion_key(settings, Path(model_dir)), write)


def main() -> int:
    try:
        with machine_faults(rel(COMPANION_DIR)), build_lock():
            out = build_companion()
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(rel(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
