"""The whole chain as CI runs it: short training, a few segments at preview quality, the same code path as
`just render`, verified at the end."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from core.paths import ROOT

SMOKE = ["01", "06", "07", "10", "11", "17", "18", "30"]   # title, three chapters, epilog


@pytest.mark.slow
def test_smoke_render_resumes_after_a_kill_is_verified_and_rebuilds_nothing_the_second_time(tmp_path):
    env = {**os.environ, "HRM_BUILD": str(tmp_path)}
    cmd = [sys.executable, "-m", "pipeline", "render", "--quick", "--preview-quality", "--only", *SMOKE]
    # killed mid-run (training, narration or rendering, whichever is under way after 20 s), with its children
    killed = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    time.sleep(20)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert not (tmp_path / "hrm-explainer.mp4").exists()
    first = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr[-2000:]
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["ok"] and report["problems"] == []
    assert abs(report["loudness"]["integrated_lufs"] + 14) <= 1 and report["loudness"]["true_peak_dbtp"] <= -1
    assert [s["id"] for s in report["segments"]] == sorted(s["id"] for s in report["segments"])
    assert len(report["segments"]) == len(SMOKE)
    for name in ("hrm-explainer.mp4", "hrm-explainer.srt", "hrm-explainer.vtt", "youtube.md", "thumbnail.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    film = (tmp_path / "hrm-explainer.mp4").stat().st_mtime_ns
    second = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr[-2000:]
    assert (tmp_path / "hrm-explainer.mp4").stat().st_mtime_ns == film   # nothing stale: nothing rebuilt
