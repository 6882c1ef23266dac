"""glibc's allocator in the long-running processes.

glibc gives each thread that allocates its own arena (up to 8 per core), and
keeps what it freed in each: a gunicorn worker with 4 threads that each
signed a user in (argon2id, 19 MiB) holds on to every one of those blocks.
Two arenas are enough for 4 threads waiting mostly on the database, and keep
the resident size near what is really in use.

``MALLOC_ARENA_MAX=2`` in the environment (Procfile, the systemd units) does
it from the first allocation; :func:`limit_arenas` does the same from inside
the process (gunicorn's master before it forks, the Celery worker at import),
so a process started without the variable is limited all the same.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # <malloc.h>
DEFAULT_ARENAS = 2


def limit_arenas(arenas: int | None = None) -> bool:
    """Cap glibc's malloc arenas; True if it applied (False off glibc)."""
    if arenas is None:
        arenas = int(os.environ.get("MALLOC_ARENA_MAX") or DEFAULT_ARENAS)
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl, macOS: no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(M_ARENA_MAX, int(arenas)))
