"""What the pipeline's stages share beyond core: the cache entry's seal and running external tools."""
from __future__ import annotations

import ast
import functools
import shutil
import subprocess
from pathlib import Path

from core.errors import UserError
from core.files import file_digest, write_text


def made_once(out: Path, make) -> Path:
    """A cache entry: reuse `out` if it is still the file sealed beside it when it was made, by size and content
    digest, taken when it was written and checked again on every reuse (a truncated, rewritten, half-copied or
    bit-flipped entry fails this, even with its modification time kept); otherwise (missing, damaged, or never
    finished) call make(out) and seal the result. Checking costs a read: 0.4 s for 400 MB of cached clips
    (sha256, three times faster than blake2b on CPUs with SHA instructions)."""
    out = Path(out)
    seal = out.with_name(out.name + ".seal")

    def fingerprint() -> str:
        return f"{out.stat().st_size} {file_digest(out)}"

    if out.exists() and seal.exists() and seal.read_text() == fingerprint():
        return out
    out.unlink(missing_ok=True)
    make(out)
    write_text(seal, fingerprint())
    return out


def made_keyed(out: Path, key: str, make) -> Path:
    """An output named outside the cache (the film, its thumbnail and GIF, the companion page): make(out) writes it
    again unless the key kept beside it (`<name>.key`) says it was made from the same inputs."""
    out = Path(out)
    key_file = out.with_name(out.name + ".key")
    if not (out.exists() and key_file.exists() and key_file.read_text() == key):
        make(out)
        write_text(key_file, key)
    return out


def python_tree(path: Path) -> ast.Module:
    """A Python file's syntax tree, parsed once per version of the file (every segment's key and cue check reads
    the scene modules). Shared: read it, never change it."""
    stat = Path(path).stat()
    return _parsed_python(Path(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=128)
def _parsed_python(path: Path, mtime_ns: int, size: int) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise UserError(f"{name}: not found on PATH (run `just setup`, which installs it with apt)")
    return path


def run_tool(cmd: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    """Run an external tool (ffmpeg, manim…) given as an argument list; on failure, one line naming `what` and
    the tool's last error line. `kwargs` go to subprocess.run (cwd, env)."""
    require_tool(cmd[0])
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        lines = [line for line in (proc.stderr or proc.stdout).strip().splitlines() if line.strip()]
        raise UserError(f"{what}: {Path(cmd[0]).name} failed ({lines[-1] if lines else f'exit {proc.returncode}'})")
    return proc
