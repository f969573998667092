"""The process's memory: what it holds now and at its peak, and giving back what it freed.

A still drawn for an export allocates and frees a few hundred megabytes (frame buffers,
meshes, textures) on a worker thread; glibc keeps what is freed in that thread's arena for the
next allocation, so after a few exports of each kind the window held some 400 MB more than it
used. ``give_back_freed_memory`` hands the free pages of every arena back to the system
(glibc's ``malloc_trim``); elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import resource
import sys
from pathlib import Path


def resident_memory_mb() -> float:
    """The process's resident memory now (Linux /proc), else its peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return peak_memory_mb()


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@functools.cache
def _glibc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None  # musl has none


def can_give_back_memory() -> bool:
    """Whether the allocator here can be asked to give back what it holds free (glibc's)."""
    return _glibc() is not None


def give_back_freed_memory() -> bool:
    """Return the pages the allocator holds free to the system; False where it cannot."""
    if not can_give_back_memory():
        return False
    _glibc().malloc_trim(0)
    return True
