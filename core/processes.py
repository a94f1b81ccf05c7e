"""Worker processes that end with the process that started them.

A pool's worker holds both ends of the pool's job queue, so when its parent is killed (kill -9, the OOM killer) it
never sees the queue close and waits for work forever, with the memory of its last job. Each worker therefore asks
the kernel, as it starts, to be killed when its parent ends (Linux's PR_SET_PDEATHSIG; this project runs on Linux).
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1        # from <sys/prctl.h>


def die_with_parent(parent: int) -> None:
    """A worker's initializer: have the kernel kill this process when `parent` ends. The signal follows the thread
    that started the worker, so a pool must be made by the thread that lives as long as the run (the main one)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:      # the parent ended before we asked: no signal will come
        os._exit(1)


def worker_pool(workers: int, warm_up=os.getpid) -> ProcessPoolExecutor:
    """A pool of `workers` fresh (spawned, not forked) processes that die with this one. They are started now, by
    the calling thread (a pool starts its processes from whichever thread submits, and die_with_parent ties each
    to the thread that started it), each given `warm_up` to run first (e.g. the imports every job needs): all
    `workers` submits happen before a spawned process could finish one, so each starts a process of its own."""
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=die_with_parent, initargs=(os.getpid(),))
    for _ in range(workers):
        pool.submit(warm_up)
    return pool
