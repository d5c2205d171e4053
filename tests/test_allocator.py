"""A run sets glibc's allocator to give large freed blocks back (see scholarkg.runs.allocator).

Each case runs in a fresh interpreter: the settings are per process and last its lifetime.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# After a 4 MiB block is freed, glibc's sliding threshold serves a 1 MiB block from an arena;
# with the run's fixed threshold it gets a mapping of its own (``hblks`` counts them).
PROBE = """
import ctypes, sys
from scholarkg.runs.allocator import return_freed_memory
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
applied = return_freed_memory() if sys.argv[1] == "tune" else None
big = bytearray(4 << 20)
del big
before = libc.mallinfo2().hblks
block = bytearray(1 << 20)
print(applied, libc.mallinfo2().hblks - before)
"""

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None,
    reason="glibc only",
)


def probe(mode: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@glibc
def test_after_the_settings_a_megabyte_block_gets_its_own_mapping() -> None:
    assert probe("as-is") == "None 0"  # glibc's default: the block comes from an arena
    assert probe("tune") == "True 1"


@glibc
def test_settings_in_the_environment_are_left_as_the_user_made_them() -> None:
    assert probe("tune", MALLOC_ARENA_MAX="4") == "False 0"
