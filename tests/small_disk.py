"""A data directory on a small file system that can be filled: a tmpfs mounted on it, each of
its folders bound to a roomy one beside it, so once full the only files that cannot be written
are those in the data directory itself (``void.ttl``). Mounting needs root (CAP_SYS_ADMIN):
skipped without it."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from scholarkg.config.store_section import DATA_PARTS

FOLDERS = (*DATA_PARTS, "outbox", "dead-letter")


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@contextlib.contextmanager
def small_data_dir(data: Path, roomy: Path, size: str = "64k") -> Iterator[Path]:
    """``data`` on a tmpfs of ``size``, its folders in ``roomy``; unmounted after."""
    data.mkdir()
    mounted = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(data))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system: {mounted.stderr.strip()}")
    bound: list[Path] = []
    try:
        for name in FOLDERS:
            (data / name).mkdir()
            (roomy / name).mkdir(parents=True)
            assert _mount("--bind", str(roomy / name), str(data / name)).returncode == 0
            bound.append(data / name)
        yield data
    finally:
        for path in [*reversed(bound), data]:
            subprocess.run(["umount", "--lazy", str(path)], check=True)  # a file left open


def fill(data: Path) -> None:
    """The file system of ``data`` full (``run.lock`` given a page its holder's pid takes)."""
    (data / "run.lock").write_bytes(b"\0" * 4096)  # a page its holder's pid takes again
    with (data / "filler").open("wb", buffering=0) as filler, pytest.raises(OSError):
        while True:  # until the file system is full
            filler.write(b"x" * 4096)
