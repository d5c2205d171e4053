"""A worker process of the run's pool (:mod:`scholarkg.runs.worker_pool`): set up once (and an
empty message says so), then one task at a time from its pipe, each answered on the other —
``(True, result)``, or ``(False, (exception, its traceback))`` — until told to end, or until
the run's end of the pipe closes. Its own waits — for its next task, for its answer to be
read — end with the run: the run's reader thread always reads, and a run that ends, even
killed, breaks the pipes or (``die_with_parent``) kills its workers."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any


def serve(
    tasks: Connection,
    replies: Connection,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> None:
    """A worker process: set up, then one task at a time until told to end (or the run ends)."""
    initializer(*initargs)
    replies.send_bytes(b"")  # set up: the run's clock for its answers starts now
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        fn, args = task
        try:
            reply: tuple[bool, Any] = (True, fn(*args))
        except Exception as exc:
            reply = (False, (exc, "".join(traceback.format_exception(exc))))
        try:
            data = ForkingPickler.dumps(reply)
        except Exception as exc:  # a result or error that cannot be sent as it is
            error = RuntimeError(f"a worker's reply could not be sent: {exc}")
            data = ForkingPickler.dumps((False, (error, "")))
        replies.send_bytes(data)


__all__ = ["serve"]
