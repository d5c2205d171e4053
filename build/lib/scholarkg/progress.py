"""A small progress display for long CLI work: a bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Shows ``done`` of ``total`` (when known) for one task, at most a few times a second."""

    def __init__(
        self, label: str, total: int | None = None, *, stream: TextIO | None = None, unit: str = ""
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.stream = stream or sys.stderr
        self.done = 0
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0
        self._started = time.monotonic()

    def render(self) -> str:
        rate = self.done / max(time.monotonic() - self._started, 1e-9)
        amount = (
            f"{self.done}" + (f"/{self.total}" if self.total else "") + f" {self.unit}".rstrip()
        )
        if self.total:
            share = min(1.0, self.done / self.total)
            bar = "#" * int(share * 30)
            return f"{self.label} [{bar:<30}] {share:4.0%} {amount} ({rate:.0f}/s)"
        return f"{self.label} {amount} ({rate:.0f}/s)"

    def update(self, done: int, total: int | None = None) -> None:
        """Set the absolute progress; redraws on a terminal, prints a line now and then else."""
        self.done = done
        self.total = total or self.total
        now = time.monotonic()
        interval = 0.2 if self._tty else 5.0
        if now - self._last < interval:
            return
        self._last = now
        self._write()

    def _write(self) -> None:
        if self._tty:
            self.stream.write("\r\x1b[2K" + self.render())
        else:
            self.stream.write(self.render() + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Draw the final state and end the line."""
        self._write()
        if self._tty:
            self.stream.write("\n")
            self.stream.flush()
