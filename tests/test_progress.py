"""The CLI progress display."""

from __future__ import annotations

import io

from scholarkg.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_gets_a_bar_redrawn_in_place() -> None:
    out = Terminal()
    progress = Progress("harvest", 200, stream=out, unit="records")
    progress.update(50)
    progress.update(100)  # too soon after the last draw: not drawn
    progress.close()
    text = out.getvalue()
    assert text.count("\r\x1b[2K") == 2 and text.endswith("\n")
    assert "[#######" in text and " 25% 50/200 records" in text
    assert " 50% 100/200 records" in text.rsplit("\r", 1)[-1]


def test_pipe_gets_plain_lines_without_total() -> None:
    out = io.StringIO()
    progress = Progress("snapshot", stream=out, unit="records")
    progress.update(10)
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("snapshot 10 records (") and "\r" not in out.getvalue()
    assert len(lines) == 2
