"""What a worker sends its parent: a size-checked answer, or a streamed query's batches."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

import pyoxigraph as ox

from scholarkg.serve.job_runs import query_store
from scholarkg.serve.jobs import (
    OUT_OF_MEMORY,
    JobFailure,
    QueryJob,
    QueryOutcome,
    RowBatch,
    StreamEnd,
    StreamHead,
    shape,
    too_large,
)
from scholarkg.serve.worker_failures import evaluation_failure


def send(conn: Connection, answer: Any, max_bytes: int | None) -> None:
    """Send ``answer``, pickled here to know its size: a query's terms (for a page) that take
    more than ``max_bytes`` as sent are replaced by the size failure, so the parent never
    receives more than the result size limit."""
    try:
        payload = ForkingPickler.dumps(answer)
        terms = isinstance(answer, QueryOutcome) and answer.body is None
        if terms and max_bytes is not None and len(payload) > max_bytes:
            payload = ForkingPickler.dumps(too_large(max_bytes))
    except MemoryError:
        payload = ForkingPickler.dumps(OUT_OF_MEMORY)
    conn.send_bytes(payload)


def stream_job(conn: Connection, store: Any, job: QueryJob, max_bytes: int) -> None:
    """Answer a streamed query (:attr:`QueryJob.stream_rows`): a :class:`StreamHead`, then
    its rows (or triples) in :class:`RowBatch` messages of ``stream_rows`` as the engine reads
    them, then :class:`StreamEnd`; the process never holds more than one batch. The bytes sent
    are counted: once they pass ``max_bytes`` the size failure is sent instead of the batch
    and the result is read no further. A failure at any point (the store's, the memory limit)
    is the last message; an ASK answer is one :class:`QueryOutcome`."""
    try:
        result = query_store(store, job)
    except SyntaxError as exc:
        send(conn, JobFailure("syntax", str(exc)), None)
        return
    except MemoryError:
        send(conn, OUT_OF_MEMORY, None)
        return
    except Exception as exc:
        send(conn, evaluation_failure(exc, store), None)
        return
    if isinstance(result, ox.QueryBoolean):
        send(conn, shape(result, job, max_bytes), max_bytes)
        return
    size = batch_size = max(1, job.stream_rows or 1)
    try:
        if isinstance(result, ox.QueryTriples):
            head = StreamHead("triples")
            items: Iterator[Any] = iter(result)
        else:
            variables = tuple(v.value for v in result.variables)
            head = StreamHead("solutions", variables)
            items = (tuple(s[v] for v in variables) for s in result)
        if job.max_rows is not None:
            items = islice(items, job.max_rows)
        conn.send_bytes(ForkingPickler.dumps(head))
        sent = count = 0
        while size == batch_size:
            batch = tuple(islice(items, batch_size))
            size = len(batch)
            payload = ForkingPickler.dumps(RowBatch(batch) if batch else StreamEnd(count))
            sent += len(payload)
            if sent > max_bytes:
                send(conn, too_large(max_bytes), None)
                return
            conn.send_bytes(payload)
            count += size
        if batch:
            conn.send_bytes(ForkingPickler.dumps(StreamEnd(count)))
    except MemoryError:
        send(conn, OUT_OF_MEMORY, None)
    except (BrokenPipeError, ConnectionResetError):  # the parent closed the pipe: stopped
        return
    except Exception as exc:  # the store failing mid-answer: said after what was sent
        send(conn, evaluation_failure(exc, store), None)
