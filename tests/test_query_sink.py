"""``scholarkg query``'s stdout (:mod:`scholarkg.query_sink`): a reader that never reads ends a
write at the deadline, a stop request ends it at once, and what a reader does take arrives
whole, in order and encoded."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scholarkg.errors import QueryLimitError
from scholarkg.lifecycle import Interrupted
from scholarkg.query_sink import HOLD, DeadlineOutput

TEXT = "Léonard Hussenot, 王伟\n" * 20_000  # several times what a pipe holds


def _late() -> QueryLimitError:
    return QueryLimitError("past the deadline", limit="time")


@pytest.fixture
def idle_pipe() -> Iterator[int]:
    """The write end of a pipe whose read end stays open and is never read."""
    read_end, write_end = os.pipe()
    yield write_end
    os.close(read_end)
    os.close(write_end)


def test_a_reader_that_never_reads_ends_the_write_at_the_deadline(idle_pipe: int) -> None:
    out = DeadlineOutput(idle_pipe, time.monotonic() + 0.5, _late)
    with pytest.raises(QueryLimitError, match="past the deadline"):
        out.write(TEXT)
        out.flush()


def test_a_stop_request_ends_a_wait_for_the_reader(idle_pipe: int) -> None:
    stop = threading.Event()
    out = DeadlineOutput(idle_pipe, time.monotonic() + 3600, _late, stop=stop)
    threading.Timer(0.2, stop.set).start()
    with pytest.raises(Interrupted):
        out.write(TEXT)
        out.flush()


def test_a_slow_reader_gets_every_byte_in_order() -> None:
    read_end, write_end = os.pipe()
    got: list[bytes] = []

    def read() -> None:
        while chunk := os.read(read_end, 1000):
            got.append(chunk)
            time.sleep(0.001)

    reader = threading.Thread(target=read)
    reader.start()
    out = DeadlineOutput(write_end, time.monotonic() + 3600, _late)
    for line in TEXT.splitlines(keepends=True):
        out.write(line)
    out.flush()
    os.close(write_end)
    reader.join(60)
    os.close(read_end)
    assert b"".join(got).decode("utf-8") == TEXT


def test_a_file_gets_the_text_encoded_and_nothing_held_after_a_flush(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    with path.open("wb") as file:
        out = DeadlineOutput(file.fileno(), time.monotonic() + 3600, _late)
        out.write("é" * HOLD)  # past what is held: written out as it goes
        assert 0 < path.stat().st_size <= 2 * HOLD
        out.write("…\n")
        out.flush()
        assert out.pending == bytearray()
    assert path.read_text(encoding="utf-8") == "é" * HOLD + "…\n"
