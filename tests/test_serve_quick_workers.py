"""``[serve] quick_workers``: while every query worker holds a runaway, a query that looks quick
(an ASK, a LIMIT without ORDER BY or aggregates…) is answered by a reserve worker at once, the
runaways still running (before: it waited until a limit freed a worker, 3.7–6.9 s with 8
runaways). A query that only looks quick is stopped at ``quick_time_limit`` in the reserve and
then waits for a worker as any query does: never refused at the reserve's limit. Real clients,
each on its own loopback address, against a real server; the runaways are cross joins of five
VALUES lists (777 600 000 rows to count, no data needed), each distinct."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from scholarkg.config import ServeSettings
from scholarkg.errors import QueryLimitError
from scholarkg.serve.guard import QueryLimits, scan_query
from scholarkg.serve.jobs import QueryJob
from scholarkg.serve.quick import looks_quick
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.workers import WorkerPool
from serve_fixtures import LEONARD, build_v2_store
from serve_helpers import SPARQL_JSON, Answer, local, request, running_server, until
from served_queries import slow

PERSON = "<https://w3id.org/scholarkg/ontology#Person>"
QUICK = [
    "ASK {}",
    f"ASK {{ ?s a {PERSON} }}",
    f"SELECT ?s WHERE {{ ?s a {PERSON} }} LIMIT 3",
    f"CONSTRUCT {{ ?s a {PERSON} }} WHERE {{ ?s a {PERSON} }} LIMIT 2",
    f"DESCRIBE <{LEONARD}>",
]
# an ASK over a cross join of three VALUES lists: looks quick (4 steps), runs for minutes
NUMBERS = " ".join(str(i) for i in range(1000))
LOOKS_QUICK_BUT_SLOW = (
    "ASK { "
    + " ".join(f"VALUES ?{v} {{ {NUMBERS} }}" for v in "abc")
    + " FILTER(?a + ?b + ?c < 0) }"
)


@pytest.mark.parametrize(
    ("text", "quick"),
    [
        *((text, True) for text in QUICK),
        (LOOKS_QUICK_BUT_SLOW, True),
        ("SELECT * WHERE { ?s ?p ?o }", False),  # no LIMIT: every match
        ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1", False),  # sorts every match
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } LIMIT 1", False),  # counts every match
        ("SELECT DISTINCT ?p WHERE { ?s ?p ?o } LIMIT 5", False),
        ("ASK { ?a <p>* ?b }", False),  # a path of any length
        ("ASK { ?a <p>+ ?b }", False),
        ("ASK { ?a <p>? ?b }", False),
        ("ASK { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?p ?q ?r }", False),
        ("ASK { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", False),
        ("DESCRIBE ?s WHERE { ?s ?p ?o }", False),
        ("SELECT * WHERE { ?s ?p '*' } LIMIT 1", True),  # a * in a string is none
        (slow(1), False),
    ],
)
def test_which_queries_look_quick(text: str, quick: bool) -> None:
    assert looks_quick(scan_query(text)) is quick


def test_an_html_page_bound_makes_a_select_look_quick() -> None:
    info = scan_query("SELECT * WHERE { ?s ?p ?o }")
    assert looks_quick(info, bounded=True) and not looks_quick(info)


@pytest.mark.server
def test_quick_queries_are_answered_while_every_worker_holds_a_runaway(tmp_path: Path) -> None:
    """One worker and the one lent beside it hold two runaways, a third waits for a worker;
    every quick query (and an uncached person page) from other clients is answered 200 by the
    reserve worker while all three runaways still run or wait."""
    settings = ServeSettings(
        workers=1, max_queries_per_client=1, time_limit=60, queue_wait=60, refresh_interval=0.2
    )
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        kg, url = server.kg, server.url
        assert kg.warmed.wait(60)
        runaways: list[Answer] = []

        def hold(number: int) -> None:
            runaways.append(request(url, f"127.0.0.{number + 10}", "/sparql", slow(number)))

        threads = [threading.Thread(target=hold, args=(n,), daemon=True) for n in range(3)]
        for thread in threads:
            thread.start()
        until(lambda: kg.flights.running() == 3, "the three runaways never ran")
        until(lambda: len(kg.pool._running) == 2, "no worker was lent to the second runaway")
        assert kg.pool._total == 2  # the configured worker and the one lent: every one busy
        answers = [
            request(url, f"127.0.0.{n + 2}", "/sparql", q, Accept=f"{SPARQL_JSON}, text/turtle")
            for n, q in enumerate(QUICK)
        ]
        page = request(url, "127.0.0.9", local(LEONARD), Accept="text/html")
        assert [a.status for a in answers] == [200] * len(QUICK), [a.text for a in answers]
        assert page.status == 200 and "Hussenot" in page.text
        assert runaways == [] and kg.flights.running() == 3  # all still running or waiting
        assert len(kg.pool._running) == 2
        assert kg.pool.quick_answered >= len(QUICK) and kg.pool.quick_too_slow == 0
    for thread in threads:
        thread.join(60)
    assert [a.status for a in runaways] == [503] * 3  # stopping the server answered them


@pytest.mark.server
def test_a_query_that_only_looks_quick_waits_for_a_worker_after_the_reserve_limit(
    tmp_path: Path,
) -> None:
    """Stopped at the reserve's limit (1 s), the query is not refused: it waits for the pool's
    worker (held by a runaway until its own 2 s limit; the wait may last the 6 s query limit,
    far more) and runs there under the query time limit, which is what it is stopped at; the
    reserve worker is replaced and waits."""
    store = build_v2_store(tmp_path / "store")
    limits = QueryLimits(time_limit=6.0)
    pool = WorkerPool(
        StoreSpec("oxigraph", str(store)), limits, 1, lend=False, quick=1, quick_limit=1.0
    )
    try:
        held: list[str] = []

        def runaway() -> None:
            try:
                pool.run(QueryJob(slow(1)), time_limit=2.0)
            except QueryLimitError as exc:
                held.append(str(exc))

        thread = threading.Thread(target=runaway, daemon=True)
        thread.start()
        until(lambda: len(pool._running) == 1, "the runaway never ran")
        with pytest.raises(QueryLimitError, match="time limit of 6 s") as stopped:
            pool.run(QueryJob(LOOKS_QUICK_BUT_SLOW))
        assert stopped.value.limit == "time"
        thread.join(60)
        assert held == ["query stopped: it ran longer than the time limit of 2 s"]
        assert (pool.quick_too_slow, pool.quick_answered) == (1, 0)
        assert pool.run(QueryJob("ASK {}")).boolean is True
        assert pool._quick_idle.qsize() == 1  # the reserve worker was replaced, and waits
    finally:
        pool.close()
