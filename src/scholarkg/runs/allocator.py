"""glibc's allocator, set so that a run's freed memory goes back to the system.

Measured in the process of a 100 000-record snapshot load (``mallinfo2``, person-graph stage):
334–343 MiB in use and 214–241 MiB **freed but held** in malloc's arenas, against 290–346 in
use and 105–148 held at 10 000 records: the memory in use hardly grows with the input, what
is held does. Two glibc defaults hold it:

* **one arena per thread** (up to 8 per core): the loader thread, Oxigraph's bulk-load
  thread, the process pool's result reader and the run's own thread each keep the high-water
  mark of what they allocated; at most :data:`ARENAS` are used instead;
* **a sliding mmap threshold**: after the first large block is freed glibc raises it (up to
  32 MiB), so the megabyte-sized buffers of the bulk loader and of the workers' pickled
  results come from the arenas and leave holes there; a fixed :data:`MMAP_THRESHOLD` gives
  them their own mappings, returned when freed.

Set with ``mallopt`` at the start of a run (its process and its workers). Nothing is done
where the C library has no ``mallopt`` (not glibc) or where the environment already sets
``MALLOC_ARENA_MAX`` / ``MALLOC_MMAP_THRESHOLD_`` (the user's choice stands).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

ARENAS = 2
MMAP_THRESHOLD = 256 << 10  # bytes
_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
_M_ARENA_MAX = -8
_ENVIRONMENT = ("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_")


def _mallopt() -> ctypes._NamedFuncPointer | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        function: ctypes._NamedFuncPointer = libc.mallopt
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_int)
    function.restype = ctypes.c_int
    return function


def return_freed_memory() -> bool:
    """Apply the two settings of the module doc to this process; whether they were applied."""
    if any(name in os.environ for name in _ENVIRONMENT):
        return False
    mallopt = _mallopt()
    if mallopt is None:
        return False
    arenas = int(mallopt(_M_ARENA_MAX, ARENAS)) == 1
    threshold = int(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) == 1
    return arenas and threshold
