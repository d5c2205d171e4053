"""A store the query workers cannot open is logged once however many threads fail at once
(before: the check and the note were apart, the warning between them, so a retry thread that
looked while another was logging logged too: two lines in test_serve_store_down under load)."""

from __future__ import annotations

import logging
import threading

from scholarkg.errors import QueryError
from scholarkg.serve.open_failure import OpenFailure


class _OtherThreadFailsMeanwhile(logging.Handler):
    """On the first record, another thread fails too before this one's line is done."""

    def __init__(self, failure: OpenFailure) -> None:
        super().__init__()
        self.failure = failure
        self.messages: list[str] = []

    def handle(self, record: logging.LogRecord) -> bool:  # unlocked: the other thread's too
        self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        if len(self.messages) == 1:
            other = threading.Thread(target=self.failure.failed, args=(QueryError("gone"),))
            other.start()
            other.join(60)
            assert not other.is_alive()


def test_a_failure_and_its_end_are_each_said_once() -> None:
    failure = OpenFailure()
    handler = _OtherThreadFailsMeanwhile(failure)
    logger = logging.getLogger("scholarkg.serve.worker_supply")
    logger.addHandler(handler)
    level, logger.level = logger.level, logging.INFO
    try:
        failure.failed(QueryError("no store here yet"))
        failure.failed(QueryError("no store here yet"))  # a retry a second later
        failure.ended()
        failure.ended()  # another worker opened it too
        failure.failed(QueryError("moved away"))  # down again: said again
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert failure.why == "moved away"
    assert handler.messages == [
        "the store cannot be opened for a query worker (retrying every second): no store here yet",
        "the store opened again: queries are answered",
        "the store cannot be opened for a query worker (retrying every second): moved away",
    ]
