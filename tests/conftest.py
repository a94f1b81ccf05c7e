"""Shared fixtures: a full training run recorded once per test session (the film's real recording)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core.settings import load_settings
from model import record

ROOT = Path(__file__).resolve().parent.parent


def load_recording(path: Path) -> dict:
    return {f.stem: json.loads(f.read_text()) for f in path.glob("*.json")}


REUSE_VAR = "HRM_TEST_RECORDING"   # a recording folder to test instead of training one (`just refresh-frames`)


@pytest.fixture(scope="session")
def recording_dir(tmp_path_factory) -> Path:
    """The recording of `just train` with the project's settings, made once (the whole study: minutes on two
    cores), or the folder REUSE_VAR names."""
    if os.environ.get(REUSE_VAR):
        return Path(os.environ[REUSE_VAR])
    out = tmp_path_factory.mktemp("rec") / "model"
    tmp = out.with_name("model.tmp")
    record.train_all(load_settings(), tmp)
    record.replace_dir(tmp, out)
    return out


@pytest.fixture(scope="session")
def recording(recording_dir) -> dict:
    return load_recording(recording_dir)
