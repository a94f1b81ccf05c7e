"""Worker processes that end with the process that started them.

A pool's worker holds both ends of the pool's job queue, so when its parent is killed (kill -9, the OOM killer) it
never sees the queue close and waits for work forever, with the memory of its last job. Each worker therefore
watches its parent: when the parent ends, the worker is handed to another process (its parent id changes) and ends
itself within half a second. (Linux's PR_SET_PDEATHSIG would be immediate, but the kernel ties it to the parent's
*thread* that started the worker, and a pool starts its workers from whichever thread first submits to it: the
worker would die with that thread, while the pool still counts on it.)
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

WATCH_SECONDS = 0.5         # how often a worker checks that its parent is alive


def die_with_parent(parent: int, warm_up=None) -> None:
    """A worker's initializer: end this process when `parent` ends, then run `warm_up` (e.g. the imports every
    job needs)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    if os.getppid() != parent:      # the parent ended before we could watch it
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="watch-parent").start()
    if warm_up:
        warm_up()


def worker_pool(workers: int, warm_up=None) -> ProcessPoolExecutor:
    """A pool of up to `workers` fresh (spawned, not forked) processes that die with this one, each running
    `warm_up` as it starts. Processes start when jobs are first submitted, so a pool that gets none costs nothing."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=die_with_parent, initargs=(os.getpid(), warm_up))
