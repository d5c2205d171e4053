"""The same query asked while it is being answered waits for that answer instead of taking a
second worker: after a store change the warm-up computes the whole-store aggregates
(``coauthorship-network`` …) and a client asking for one meanwhile used to run it again beside
it, and under its shorter time limit got a 503. A real server (``scholarkg serve``'s app with
its worker processes) over the constructed v2 store; the slow query is a cross join of four
VALUES lists (12 960 000 rows to count, seconds of a worker on any machine)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests

from polls import until
from scholarkg.config import ServeSettings
from scholarkg.errors import QueryLimitError
from scholarkg.serve.protocol import Operation
from scholarkg.serve.protocol import negotiate as negotiate_query
from serve_helpers import SPARQL_JSON, running_server
from served_queries import ROWS, SLOW


def test_a_second_client_gets_the_first_ones_answer_without_a_second_run(
    tmp_path: Path,
) -> None:
    with running_server(tmp_path / "store") as (server, _):
        assert server.kg.warmed.wait(60)
        kg = server.kg
        answers: list[requests.Response] = []

        def ask() -> None:
            answers.append(
                requests.post(
                    server.url + "sparql",
                    data={"query": SLOW},
                    headers={"Accept": SPARQL_JSON},
                    timeout=120,
                )
            )

        before = kg.pool.answered
        first = threading.Thread(target=ask)
        first.start()
        until(lambda: kg.flights.running() == 1, "the first query never started")
        second = threading.Thread(target=ask)
        second.start()
        first.join(120)
        second.join(120)
        assert [a.status_code for a in answers] == [200, 200]
        counts = {a.json()["results"]["bindings"][0]["n"]["value"] for a in answers}
        assert counts == {ROWS}
        assert kg.pool.answered - before == 1  # one worker ran it, once
        assert kg.flights.running() == 0


def test_a_client_whose_limit_runs_out_first_is_told_the_answer_is_coming(
    tmp_path: Path,
) -> None:
    with running_server(tmp_path / "store") as (server, _):
        assert server.kg.warmed.wait(60)
        kg = server.kg
        wanted = negotiate_query(SPARQL_JSON, None)
        operation = Operation("query", SLOW)
        done: list[object] = []
        warm_up = threading.Thread(  # as the warm-up asks: the aggregate time limit
            target=lambda: done.append(kg.query(operation, wanted, time_limit=120))
        )
        before = kg.pool.answered
        warm_up.start()
        until(lambda: kg.flights.running() == 1, "the first query never started")
        with pytest.raises(QueryLimitError, match="being answered for another client") as told:
            kg.query(operation, wanted, time_limit=0.2)
        assert told.value.status == 503 and told.value.retry_after == 5  # its answer comes
        warm_up.join(120)
        assert len(done) == 1 and kg.pool.answered - before == 1
        again = kg.query(operation, wanted, time_limit=0.2)  # now from the result cache
        assert again is done[0] and kg.pool.answered - before == 1


def test_a_request_waiting_for_a_running_answer_takes_no_per_client_place(
    tmp_path: Path,
) -> None:
    """``max_queries_per_client`` counts what occupies a worker: the request running the
    query, not one waiting (in the event loop, no thread) for its answer (before: with a cap of
    1, each further ask of a query being answered got 429 though it would take no worker);
    another query from the same client while the first runs is still refused."""
    settings = ServeSettings(workers=2, refresh_interval=0.2, max_queries_per_client=1)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        assert server.kg.warmed.wait(60)
        kg = server.kg
        answers: dict[str, requests.Response] = {}

        def ask(label: str, query: str) -> None:
            answers[label] = requests.post(
                server.url + "sparql",
                data={"query": query},
                headers={"Accept": SPARQL_JSON},
                timeout=120,
            )

        before = kg.pool.answered
        first = threading.Thread(target=ask, args=("first", SLOW))
        first.start()
        until(lambda: kg.flights.running() == 1, "the first query never started")
        waiters = [threading.Thread(target=ask, args=(f"same {n}", SLOW)) for n in range(3)]
        for waiter in waiters:
            waiter.start()
        until(lambda: kg.flights.waiting() == 3, "the same query never waited")
        ask("other", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # a worker's work: refused
        first.join(120)
        for waiter in waiters:
            waiter.join(120)
    assert answers["other"].status_code == 429, answers["other"].text
    same = [answers["first"], *(answers[f"same {n}"] for n in range(3))]
    assert [a.status_code for a in same] == [200] * 4, [a.text for a in same]
    assert {a.json()["results"]["bindings"][0]["n"]["value"] for a in same} == {ROWS}
    assert kg.pool.answered - before == 1  # one worker ran it, once
    assert kg.flights.waiting() == 0 and kg.flights.running() == 0
