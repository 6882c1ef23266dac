"""glibc's allocator in the long-running processes.

Two settings keep a worker's resident size near what it really uses:

- **Arenas.** glibc gives each thread that allocates its own arena (up to 8
  per core) and keeps what it freed in each. Two are enough for 4 threads
  waiting mostly on the database.
- **Fixed thresholds.** glibc serves a block of 128 KiB or more with its own
  ``mmap`` and gives it back to the system when freed, but after the first
  such block is freed it raises that threshold (up to 32 MiB) to the freed
  block's size, and the trim threshold with it: from then on every argon2id
  verification (19 MiB) comes from the heap and stays there, and so do
  large template and result buffers. Setting the thresholds (to glibc's own
  starting values, 128 KiB) turns the raising off. Measured with
  bench/bench_memory.py: a web worker after 600 page views and 200 sign-ins
  151 MB resident with arenas alone, 113 MB with both.

The environment (``MALLOC_ARENA_MAX=2``, ``MALLOC_MMAP_THRESHOLD_``,
``MALLOC_TRIM_THRESHOLD_``: Procfile, the systemd units) does it from the first
allocation; :func:`tune` does the same from inside the process (gunicorn's
master before it forks, the Celery worker at import), so a process started
without the variables is tuned all the same.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

# <malloc.h>
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
DEFAULT_ARENAS = 2
DEFAULT_THRESHOLD = 128 * 1024


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def tune() -> bool:
    """Cap glibc's malloc arenas and fix its thresholds; True if it applied (False off glibc)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl, macOS: no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return all((
        mallopt(M_ARENA_MAX, _setting("MALLOC_ARENA_MAX", DEFAULT_ARENAS)),
        mallopt(M_MMAP_THRESHOLD, _setting("MALLOC_MMAP_THRESHOLD_", DEFAULT_THRESHOLD)),
        mallopt(M_TRIM_THRESHOLD, _setting("MALLOC_TRIM_THRESHOLD_", DEFAULT_THRESHOLD)),
    ))
