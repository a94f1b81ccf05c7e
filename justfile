# HRM explainer: train a tiny Hierarchical Reasoning Model, then film how it learned.
set shell := ["bash", "-euo", "pipefail", "-c"]

python := ".venv/bin/python"
apt_packages := "libpango1.0-dev libcairo2-dev pkg-config ffmpeg espeak-ng fonts-inter fonts-jetbrains-mono chromium chromium-driver nodejs"

# List the recipes
default:
    @just --list

# The film: train, narrate, render every stale segment, assemble and verify → build/hrm-explainer.mp4
render: setup
    {{python}} -m pipeline render

# One segment at 480p15 with its narration → build/preview/SEGMENT.mp4 (id, prefix or number)
preview SEGMENT: setup
    {{python}} -m pipeline preview {{SEGMENT}}

# One PNG with the middle frame of every segment, labelled → build/contact-sheet.png
contact-sheet: setup
    {{python}} -m pipeline contact-sheet

# Per segment, the frame at each cue word (labelled) and a 2 fps strip, from the rendered film → build/review/
review +SEGMENTS="all": setup
    {{python}} -m pipeline review {{SEGMENTS}}

# Store new control frames for the picture tests (after a deliberate change to how scenes look; then commit them)
refresh-frames: setup
    {{python}} -c "from pipeline.build import ensure_recording; ensure_recording()"
    HRM_REFRESH_FRAMES=1 HRM_TEST_RECORDING=build/model {{python}} -m pytest -q tests/test_scenes.py -k looks_as_it_did

# Install system packages (as root), the venv, torch, then the project; a no-op when nothing changed
setup:
    #!/usr/bin/env bash
    set -euo pipefail
    missing=$(for p in {{apt_packages}}; do dpkg -s "$p" >/dev/null 2>&1 || echo -n "$p "; done)
    if [ -n "$missing" ]; then
        if [ "$(id -u)" = 0 ]; then
            echo "installing system packages: $missing"
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
        else
            echo "missing system packages; run: sudo apt-get install -y $missing" >&2
            exit 1
        fi
    fi
    stamp=".venv/.setup-$(cat pyproject.toml | sha256sum | cut -c1-16)"
    [ -f "$stamp" ] && exit 0
    [ -x .venv/bin/python ] || python3 -m venv .venv
    quiet() { "$@" 2>&1 | { grep -v -e "is ignored: it is neither" -e "Running pip as the 'root'" || true; }; }
    quiet .venv/bin/pip install -q --upgrade pip
    # torch first and pinned: the CPU build is on local disk; letting pip resolve it pulls a CUDA build
    quiet .venv/bin/pip install -q torch==2.13.0
    quiet .venv/bin/pip install -q -e '.[video,voice,dev]'
    rm -f .venv/.setup-* && touch "$stamp"

# The interactive companion page (runs the trained model in a browser) → build/companion/index.html
companion: setup
    {{python}} -c "from pipeline.build import ensure_recording; ensure_recording()"
    {{python}} -m pipeline.companion

# Train every model and record its learning to build/model/
train: setup
    {{python}} -m pipeline train

# Check narration scripts against the text-to-speech rules (no files: every narrated script)
lint-scripts *FILES: setup
    {{python}} -m pipeline.lint {{FILES}}

# Speak every narration script into build/narration/ (cached per line) with word timings
narrate: setup
    {{python}} -m pipeline.narrate

# Check the finished film (length, A/V sync, loudness, chapters, captions); writes build/report.json
verify: setup
    {{python}} -m pipeline.verify

# Time the pipeline (training, cold and warm renders, one edit, a preview, the voice) and print a table
bench *ARGS: setup
    {{python}} -m pipeline.bench {{ARGS}}

# Run the test suite
test: setup
    {{python}} -m pytest

# Remove every build output
clean:
    rm -rf build media
