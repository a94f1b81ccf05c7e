"""What every stage shares: project paths, the one-line error, atomic writes, content hashes, running tools."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config"
SCRIPTS = ROOT / "scripts"
ASSETS = ROOT / "assets"
# Every output lives under build/; HRM_BUILD moves it (tests and CI smoke runs use a temporary folder).
BUILD = Path(os.environ.get("HRM_BUILD", ROOT / "build")).resolve()
MODEL_DIR = BUILD / "model"
NARRATION_DIR = BUILD / "narration"


class PipelineError(Exception):
    """A problem the user can fix. The message is one line and names the file (and line) at fault."""


def rel(path: Path) -> str:
    """A path as the user would type it: relative to the project when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


@contextmanager
def atomic_output(path: Path):
    """Yield a temporary path next to `path`; rename it into place only if the block finishes.
    An interrupted or failed write leaves no file that looks finished, and never clobbers the old one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink() if tmp.is_file() else shutil.rmtree(tmp)


def write_text(path: Path, text: str) -> None:
    with atomic_output(path) as tmp:
        tmp.write_text(text)


def write_json(path: Path, obj) -> None:
    write_text(path, json.dumps(obj, indent=1, ensure_ascii=False) + "\n")


def read_json(path: Path, what: str = "file"):
    """Read a JSON file an earlier stage wrote, with a one-line error that says which stage to run."""
    path = Path(path)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise PipelineError(f"{rel(path)}: missing {what}") from None
    except json.JSONDecodeError as err:
        raise PipelineError(f"{rel(path)}:{err.lineno}: corrupt JSON ({err.msg})") from None


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def content_hash(*parts) -> str:
    """A cache key: sha256 over sorted-key JSON of the parts. Paths are replaced by their content's digest, so a
    key changes exactly when something that determines the output changes (and never because of a rename)."""
    def norm(x):
        if isinstance(x, Path):
            return {"file": file_digest(x)}
        if isinstance(x, dict):
            return {str(k): norm(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [norm(v) for v in x]
        return x
    blob = json.dumps([norm(p) for p in parts], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def made_once(out: Path, make) -> Path:
    """A cache entry: reuse `out` if it exists and is still the file sealed beside it when it was made (same size
    and modification time: a truncated, rewritten or half-copied entry fails this, and checking it costs nothing);
    otherwise (missing, damaged, or never finished) call make(out) and seal the result."""
    out = Path(out)
    seal = out.with_name(out.name + ".seal")

    def fingerprint() -> str:
        stat = out.stat()
        return f"{stat.st_size} {stat.st_mtime_ns}"

    if out.exists() and seal.exists() and seal.read_text() == fingerprint():
        return out
    out.unlink(missing_ok=True)
    make(out)
    write_text(seal, fingerprint())
    return out


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PipelineError(f"{name}: not found on PATH (run `just setup`, which installs it with apt)")
    return path


def run_tool(cmd: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    """Run an external tool (ffmpeg, manim…) given as an argument list; on failure, one line naming `what` and
    the tool's last error line. `kwargs` go to subprocess.run (cwd, env)."""
    require_tool(cmd[0])
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        lines = [line for line in (proc.stderr or proc.stdout).strip().splitlines() if line.strip()]
        raise PipelineError(f"{what}: {Path(cmd[0]).name} failed ({lines[-1] if lines else f'exit {proc.returncode}'})")
    return proc
