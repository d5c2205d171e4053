"""How a shared query's waiters learn its end: one a time limit stopped is refused as it was,
though its worker was still being stopped when the waiter's own limit ran out; one that failed
otherwise (here past the result size limit) gets that failure, not a run of its own that
counts against its client's ``max_queries_per_client``. A real server over the constructed v2
store, real HTTP clients on loopback addresses of their own."""

from __future__ import annotations

import asyncio
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

from scholarkg.config import ServeSettings
from scholarkg.errors import QueryLimitError, ScholarKGError, StoreAnswerError
from scholarkg.serve.flights import copied
from scholarkg.serve.protocol import Operation, negotiate
from serve_helpers import (
    SPARQL_JSON,
    Answer,
    asked_while_running,
    one_query_server,
    request,
    running_server,
    until,
)
from served_queries import slow

pytestmark = pytest.mark.server

VALUES = " ".join(str(i) for i in range(60))
# seconds of counting (12 960 000 rows), then 216 000 rows: past a result limit of 1 MiB
TOO_LARGE = (
    "SELECT ?n ?a ?b ?c WHERE { { SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?{v} {{ {VALUES} }}" for v in "wxyz")
    + " } } "
    + " ".join(f"VALUES ?{v} {{ {VALUES} }}" for v in "abc")
    + " }"
)


def test_a_waiter_sees_the_limit_stop_a_query_that_started_after_it(tmp_path: Path) -> None:
    """The one worker is busy, so the query waits for it and its time limit starts later
    than the wait of a client asking the same query meanwhile: that client waits past its own
    limit for the stop and is refused as the query was (before: at its own limit it was told
    "the same query is being answered … its answer is kept for you", though none would come)."""
    settings = ServeSettings(
        workers=1, quick_workers=0, time_limit=2, queue_wait=60, refresh_interval=0.2
    )
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        kg, url = server.kg, server.url
        assert kg.warmed.wait(300)
        answers: dict[str, Answer] = {}

        def ask(label: str, source: str, query: str) -> None:
            answers[label] = request(url, source, "/sparql", query)

        asks = [("blocker", "127.0.0.2", slow(1)), ("first", "127.0.0.3", slow(2))]
        asks.append(("waiter", "127.0.0.4", slow(2)))
        threads = [threading.Thread(target=ask, args=a, daemon=True) for a in asks]
        threads[0].start()
        until(lambda: kg.flights.running() == 1, "the blocker never ran", 300)
        threads[1].start()
        until(lambda: kg.flights.running() == 2, "the first never waited for a worker", 60)
        threads[2].start()
        until(lambda: kg.flights.waiting() == 1, "the same query never waited", 60)
        for thread in threads:
            thread.join(300)
        assert kg.flights.waiting() == 0 and kg.flights.running() == 0
    texts = {label: a.text for label, a in answers.items()}
    assert {label: a.status for label, a in answers.items()} == dict.fromkeys(texts, 503), texts
    stopped = "query stopped: it ran longer than the time limit of 2 s\n"
    assert texts["blocker"] == texts["first"] == stopped, texts
    assert texts["waiter"].startswith("query refused: on this version of the store it ran past")
    assert kg.pool.replaced == 2  # each run once, stopped once


def test_waiters_of_a_failed_query_get_its_failure_not_a_429(tmp_path: Path) -> None:
    """Two more requests from the client's address ask a query while it runs; it then fails
    past the result size limit: each waiter gets that 507 too, at once, and the query ran once
    (before: each asked it again in a query thread, counted, and the one finding the client's
    one place held got 429 though it had only waited)."""
    with one_query_server(tmp_path / "store", max_result_mb=1, time_limit=120) as server:
        before = server.kg.pool.answered
        answers = asked_while_running(server, "127.0.0.6", TOO_LARGE)
        assert server.kg.pool.answered - before == 1  # one worker ran it, once
    assert [a.status for a in answers] == [507, 507, 507], [a.text for a in answers]
    assert len({a.text for a in answers}) == 1, [a.text for a in answers]


def test_each_waiter_of_a_failed_query_gets_an_exception_of_its_own(tmp_path: Path) -> None:
    """Two waiters in query threads and two in an event loop wait for a query that then fails
    past the result size limit: each gets an exception of its own (same type, status and
    message), its traceback its own raise's, chained from the flight's failure (before: each
    was raised the first asker's exception object, from each thread at once, so its
    ``__traceback__`` gathered the frames of every raise: a log showed other threads' stacks).
    The one worker is held by a blocker meanwhile, so every waiter joins before it runs."""
    settings = ServeSettings(
        workers=1,
        quick_workers=0,
        max_result_mb=1,
        time_limit=120,
        queue_wait=120,
        refresh_interval=0.2,
    )
    wanted = negotiate(SPARQL_JSON, None)
    failing = Operation("query", TOO_LARGE)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        kg = server.kg
        assert kg.warmed.wait(300)
        errors: dict[str, list[BaseException]] = {}

        def ask(label: str, operation: Operation, time_limit: float | None = None) -> None:
            try:
                kg.query(operation, wanted, time_limit=time_limit)
            except ScholarKGError as exc:
                errors.setdefault(label, []).append(exc)

        async def in_loop() -> None:
            asked = [kg.answer_in_flight(failing, wanted) for _ in range(2)]
            errors["loop"] = list(await asyncio.gather(*asked, return_exceptions=True))

        def thread(target: Callable[..., object], *args: object) -> threading.Thread:
            started = threading.Thread(target=target, args=args, daemon=True)
            started.start()
            return started

        threads = [thread(ask, "blocker", Operation("query", slow(1)), 10)]
        until(lambda: kg.flights.running() == 1, "the blocker never ran", 300)
        threads.append(thread(ask, "first", failing))
        until(lambda: kg.flights.running() == 2, "the first never waited for a worker", 60)
        threads += [thread(ask, "waiter", failing) for _ in range(2)]
        until(lambda: kg.flights.waiting_threads() == 2, "no thread waited for it", 60)
        threads.append(thread(asyncio.run, in_loop()))
        until(lambda: kg.flights.waiting() == 2, "no event loop waited for it", 60)
        for started in threads:
            started.join(300)
        assert kg.flights.running() == kg.flights.waiting() == kg.flights.waiting_threads() == 0
    (first,) = errors["first"]
    assert isinstance(first, QueryLimitError) and first.status == 507, repr(first)
    waiters = errors["waiter"] + errors["loop"]
    # each traceback is its own raise's, no other's (before: the one object's, holding the
    # frames of every raise in every thread: the first asker's stack in an event loop's)
    assert [frames(w) for w in errors["waiter"]] == [["ask", "query"]] * 2
    assert [frames(w) for w in errors["loop"]] == [["answer_in_flight"]] * 2
    assert len({id(e) for e in (first, *waiters)}) == 5, "a waiter was raised another's error"
    for waiter in waiters:
        assert type(waiter) is type(first) and str(waiter) == str(first), repr(waiter)
        assert waiter.status == first.status  # type: ignore[attr-defined]
    failure = errors["waiter"][0].__cause__
    assert failure is not None and all(w.__cause__ is failure for w in waiters)
    assert type(failure) is type(first) and str(failure) == str(first)
    assert "_answer" in frames(failure) and "ask" not in frames(failure)  # the run's stack


def frames(exc: BaseException) -> list[str]:
    """The names of the functions in ``exc``'s traceback, outermost first."""
    return [frame.name for frame in traceback.extract_tb(exc.__traceback__)]


def test_a_waiters_copy_keeps_the_type_message_and_attributes() -> None:
    """What a client is answered from: a store's error, whose ``__init__`` takes other
    arguments than its ``args``, is copied whole, with no traceback of the original's."""
    try:
        raise StoreAnswerError("the SPARQL server is down", said="refused", status=503)
    except StoreAnswerError as exc:
        failure = exc
    copy = copied(failure)
    assert type(copy) is StoreAnswerError and copy is not failure
    assert str(copy) == str(failure) and copy.args == failure.args
    assert (copy.status, copy.limit, copy.reason, copy.said) == (
        503,
        None,
        failure.reason,
        "refused",
    )
    assert copy.__traceback__ is None and failure.__traceback__ is not None
