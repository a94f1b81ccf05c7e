"""Files that are never half-written, JSON with one-line errors, and content hashes for cache keys."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from core.errors import UserError
from core.paths import rel


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
        raise UserError(f"{rel(path)}: missing {what}") from None
    except json.JSONDecodeError as err:
        raise UserError(f"{rel(path)}:{err.lineno}: corrupt JSON ({err.msg})") from None


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
