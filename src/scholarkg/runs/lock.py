"""One run at a time per data directory: a second run waits its turn, then refuses clearly.

The lock is an ``flock`` on ``<data>/run.lock`` (released by the kernel when the process dies,
so a killed run never leaves a stale lock); the file names the holder for the error message.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from pathlib import Path
from types import TracebackType

from scholarkg.errors import LoadError
from scholarkg.lifecycle import Interrupted, pause


class RunBusy(LoadError):
    """Another run holds the data directory."""


class RunLock:
    """``with RunLock(data_dir, job, wait=…):`` — exclusive use of the data directory."""

    def __init__(self, data_dir: Path, job: str, *, wait: float = 60.0) -> None:
        self.path = Path(data_dir) / "run.lock"
        self.job = job
        self.wait = wait
        self._handle: int | None = None

    def __enter__(self) -> RunLock:
        handle = _open_lock_file(self.path)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(self.path)
                    os.close(handle)
                    raise RunBusy(
                        f"{self.path.parent}: another scholarkg run is using this data directory"
                        f" ({holder}); waited {self.wait:.0f} s — try again when it has finished"
                    ) from None
                try:
                    pause(0.2)
                except Interrupted:
                    os.close(handle)
                    raise
        os.ftruncate(handle, 0)
        os.write(handle, json.dumps({"pid": os.getpid(), "job": self.job}).encode())
        self._handle = handle
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._handle, 0)
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None


def check_data_dir(data_dir: Path) -> None:
    """:class:`~scholarkg.errors.LoadError` in one line naming ``data_dir`` when a run cannot
    write there (a read-only mount, no permission, a file in the way): its lock file, the
    first thing a run writes, is opened (made if need be), so before Prefect starts, a source
    is asked or the store is opened."""
    os.close(_open_lock_file(Path(data_dir) / "run.lock"))


def _open_lock_file(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LoadError(
            f"{path.parent}: cannot write in the data directory: {exc.strerror or exc}"
        ) from None


def _holder(path: Path) -> str:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "holder unknown"
    return f"pid {data.get('pid', '?')}, {data.get('job', '?')}"
