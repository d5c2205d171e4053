"""Wall time and peak resident memory of this process *and its children*, per labelled stage."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (Linux /proc)."""
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        todo += tree.get(pid, [])
    return total


@dataclass
class Sampler:
    """Samples the process tree's RSS in a thread; peaks are kept per current stage label."""

    interval: float = 0.05
    stage: str = "idle"
    peaks: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        pid = os.getpid()
        while not self._stop.is_set():
            rss, stage = tree_rss(pid), self.stage
            self.peaks[stage] = max(self.peaks.get(stage, 0), rss)
            time.sleep(self.interval)

    @contextmanager
    def during(self, stage: str) -> Iterator[None]:
        previous, self.stage = self.stage, stage
        self.peaks[stage] = max(self.peaks.get(stage, 0), tree_rss(os.getpid()))
        try:
            yield
        finally:
            self.peaks[stage] = max(self.peaks.get(stage, 0), tree_rss(os.getpid()))
            self.stage = previous

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def mib(size: int) -> float:
    return round(size / (1 << 20), 1)
