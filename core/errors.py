"""The one error a user sees, and the machine's faults turned into it."""
from __future__ import annotations

import errno
from contextlib import contextmanager


class UserError(Exception):
    """A problem the user can fix. The message is one line and names the file (and line), key or setting at fault."""


# Faults of the machine rather than of the code: the user fixes them by freeing space or unlocking a folder. Any other
# OSError is a bug and keeps its traceback.
MACHINE_FAULTS = {
    errno.ENOSPC: "no space left on the device; free some and run again (finished work is kept)",
    errno.EDQUOT: "disk quota exceeded; free some space and run again (finished work is kept)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted (is the folder immutable? see `lsattr`)",
}


@contextmanager
def machine_faults(where: str):
    """Turn a full disk or a read-only, forbidden or immutable folder met anywhere in the block into a UserError
    naming the file (or, for a write without a name, `where`: the folder being built)."""
    try:
        yield
    except OSError as err:
        if err.errno not in MACHINE_FAULTS:
            raise
        from core.paths import rel
        raise UserError(f"{rel(err.filename) if err.filename else where}: {MACHINE_FAULTS[err.errno]}") from None
