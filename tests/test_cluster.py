"""Scene renders on a Dask cluster give the film the local workers give, byte for byte."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_bad_inputs import IGNORE, edit
from test_pipeline import SMOKE

from core.paths import ROOT


def project_copy(where: Path, recording_dir: Path) -> Path:
    """A copy of the project whose build folder holds the session's recording, with its cache key."""
    from pipeline.build import model_key
    shutil.copytree(ROOT, where, ignore=IGNORE)
    shutil.copytree(recording_dir, where / "build" / "model")
    (where / "build" / "model" / ".key").write_text(model_key(False))
    return where


def render(project: Path, **env: str) -> Path:
    cmd = [sys.executable, "-m", "pipeline", "render", "--preview-quality", "--only", *SMOKE]
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True,
                          env={**os.environ, "HRM_BUILD": str(project / "build"), **env})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return project / "build"


@pytest.mark.slow
def test_a_small_film_rendered_on_a_dask_cluster_is_identical_to_the_local_run(tmp_path, recording_dir):
    from distributed import Client, LocalCluster
    local = render(project_copy(tmp_path / "local", recording_dir))
    clustered = project_copy(tmp_path / "dask", recording_dir)
    edit(clustered / "config" / "settings.yaml", "executor: local", "executor: dask")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        render(clustered, HRM_DASK_SCHEDULER=cluster.scheduler_address)
        with Client(cluster.scheduler_address) as client:     # the scenes really rendered on the cluster
            assert sum(len(tasks) for tasks in client.processing().values()) == 0
            assert any("render_job" in str(key) for key in client.run_on_scheduler(
                lambda dask_scheduler: list(dask_scheduler.task_prefixes)))
    clustered = clustered / "build"

    def scene_clips(build: Path) -> dict[str, bytes]:      # by segment (keys hold the copy's own paths)
        return {p.name.rsplit("-", 1)[0]: p.read_bytes() for p in (build / "cache" / "scenes").glob("*.mp4")}

    here, there = scene_clips(local), scene_clips(clustered)
    assert len(here) == 6 and here.keys() == there.keys()      # SMOKE: two stills, six scenes
    assert [name for name in here if here[name] != there[name]] == []
    assert (local / "hrm-explainer.mp4").read_bytes() == (clustered / "hrm-explainer.mp4").read_bytes()


def test_a_dask_executor_without_a_scheduler_is_one_line_naming_the_setting(tmp_path, recording_dir):
    project = project_copy(tmp_path / "p", recording_dir)
    edit(project / "config" / "settings.yaml", "executor: local", "executor: dask")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "preview", "09"], cwd=project, capture_output=True,
                          text=True, env={**{k: v for k, v in os.environ.items() if k != "HRM_DASK_SCHEDULER"},
                                          "HRM_BUILD": str(project / "build")})
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr
    assert "'video.executor' is dask, but no scheduler is named" in lines[0]
