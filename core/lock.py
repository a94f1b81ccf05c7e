"""One run at a time per build folder: `just render`, `just preview`, `just train`… hold an exclusive lock on
BUILD/.lock while they work, and a second run stops at once with one line naming the holder's PID.

The lock is a kernel file lock (flock), not the file's existence: it goes when its process does, however it ends
(kill -9 included), so a lock left by a killed run is free for the next one, which takes it over and writes its own
PID. Child processes do not inherit it (Python opens files non-inheritable), so a killed run's stray children
cannot keep the folder locked. Within one process the lock is re-entrant: the chain may call a stage that locks.
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from core.errors import UserError
from core.paths import BUILD, rel

LOCK_NAME = ".lock"
PID_WAIT = 1.0          # s: how long to wait for a holder that has just taken the lock to write its PID
_held: set[Path] = set()        # the lock files this process holds


def holder(lock: Path) -> str:
    """The PID written in a held lock file ('unknown' if its holder has not written it yet)."""
    deadline = time.monotonic() + PID_WAIT
    while True:
        text = lock.read_text().strip()
        if text or time.monotonic() > deadline:
            return text or "unknown"
        time.sleep(0.05)


@contextmanager
def build_lock(folder: Path = BUILD):
    """Hold the build folder for the block; a UserError naming the holder's PID if another process holds it."""
    lock = Path(folder).resolve() / LOCK_NAME
    if lock in _held:               # taken further up this process's call chain, and released there
        yield
        return
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise UserError(f"{rel(lock.parent)}: cannot lock the build folder ({err.strerror})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"{rel(lock.parent)}: another run (PID {holder(lock)}) is using this build folder; wait "
                            "for it to finish, or stop it") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _held.add(lock)
        try:
            yield
        finally:
            _held.discard(lock)
    finally:
        os.close(fd)        # releases the lock; the file stays, with the last holder's PID
