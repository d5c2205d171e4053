"""The endpoint over a SPARQL server that stops and starts again (a real ``oxigraph serve``).

While the store cannot be reached, a client is told so: 503 with ``Retry-After`` (SPARQLWrapper
raises the HTTP error with its ``Retry-After``, a monitor sees a status that says "try again"), one
line of the server's log per failure, and the server stays up; once the store is back, the same
queries are answered, with no restart.
"""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from loopback import Dropper, free_port
from oxigraph_server import OxigraphServer, oxigraph_binary, start_oxigraph
from scholarkg.config import ServeSettings
from scholarkg.serve import make_server
from scholarkg.store.remote import SparqlStore
from serve_helpers import SPARQL_JSON, running_server, until

pytestmark = pytest.mark.server

GRAPH = "https://example.org/graph/a"
TRIPLE = '<https://example.org/a> <http://xmlns.com/foaf/0.1/name> "a" .\n'
QUERY = "SELECT ?n WHERE { ?s <http://xmlns.com/foaf/0.1/name> ?n }"


def start(binary: Path, directory: Path, port: int) -> OxigraphServer:
    """``oxigraph serve`` over ``directory`` on ``port``, once it answers a query."""
    return start_oxigraph(binary, directory, attempts=1, port=port)


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[tuple[Path, Path, int]]:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the `oxigraph` CLI is not installed (pip install oxigraph, a dev dependency)")
    yield binary, tmp_path, free_port()


# Asked while the store is up, before the QUERYs that must reach it: an answer slower than
# SLOW_QUERY (a busy machine) is kept in the result cache and sent again with no store asked,
# so a QUERY asked first would make the refusals below 200s from the cache.
BEFORE = QUERY + " LIMIT 10"


def ask(url: str, query: str = QUERY) -> requests.Response:
    return requests.get(
        url + "sparql", params={"query": query}, headers={"Accept": SPARQL_JSON}, timeout=60
    )


def test_a_store_that_is_down_is_503_with_retry_after_and_answers_once_back(
    restartable: tuple[Path, Path, int], caplog: pytest.LogCaptureFixture
) -> None:
    binary, directory, port = restartable
    oxigraph = start(binary, directory, port)
    store = SparqlStore.for_oxigraph(oxigraph.url)
    store.replace_graph_ntriples(GRAPH, TRIPLE)
    server = make_server(store, settings=ServeSettings(workers=1), allow_updates=True).start()
    try:
        assert ask(server.url, BEFORE).status_code == 200  # not QUERY: see BEFORE
        # the landing page's warm-up queries done first: on a busy machine they were still
        # running when the store went down, each one more "cannot connect" line
        assert server.kg.warmed.wait(600)
        oxigraph.stop()
        with caplog.at_level(logging.INFO):
            down = ask(server.url)
            page = requests.get(server.url + "id/x", timeout=60)
            update = requests.post(
                server.url + "update", data={"update": f"CLEAR GRAPH <{GRAPH}>"}, timeout=60
            )
            wrapper = SPARQLWrapper(server.url + "sparql")
            wrapper.setQuery(QUERY)
            wrapper.setReturnFormat(JSON)
            with pytest.raises(urllib.error.HTTPError) as told:
                wrapper.queryAndConvert()
        oxigraph = start(binary, directory, port)  # the same data, the same address
        back = ask(server.url)
        wrapper.setReturnFormat(JSON)
        again = wrapper.queryAndConvert()
    finally:
        server.stop()
        oxigraph.stop()
        store.close()
    for answer in (down, page):  # before: 500 "the query could not be evaluated (QueryError)"
        assert answer.status_code == 503, answer.text
        assert answer.headers["Retry-After"] == "5"
        assert (
            answer.text == "the store could not answer: it cannot be reached; try again shortly\n"
        )
    assert update.status_code == 503, update.text  # before: 500, nothing to retry for
    assert update.headers["Retry-After"] == "5"
    assert "cannot be reached" in update.text
    assert told.value.code == 503 and told.value.headers["Retry-After"] == "5"
    assert [r for r in caplog.records if r.exc_info] == []
    said = [r.getMessage() for r in caplog.records if "cannot connect" in r.getMessage()]
    assert len(said) == 4, said  # one line per failed request, naming the store's address
    assert all(f"127.0.0.1:{port}/" in line for line in said)
    assert back.status_code == 200, back.text  # the server stayed up, no restart
    assert [b["n"]["value"] for b in back.json()["results"]["bindings"]] == ["a"]
    assert [b["n"]["value"] for b in again["results"]["bindings"]] == ["a"]  # type: ignore[index]


def test_an_embedded_store_that_cannot_be_opened_is_503_at_once_and_served_once_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A store moved away (or being replaced) while the workers reopen it: a client waiting
    for a worker is told so as soon as one has failed to open it, 503 with Retry-After (before:
    it waited its whole time limit, here 300 s, past the client's 60 s, for "every query worker
    is busy", and nothing was logged); one log line however many retries and requests; queries
    are answered again once the store is back."""
    settings = ServeSettings(workers=1, time_limit=300.0, refresh_interval=0.2)
    with (
        caplog.at_level(logging.INFO),
        running_server(tmp_path / "store", settings=settings) as (
            server,
            _,
        ),
    ):
        assert ask(server.url, BEFORE).status_code == 200  # not QUERY: see BEFORE
        (tmp_path / "store").rename(tmp_path / "away")
        server.kg.pool.refresh()  # the workers reopen: none can
        refused = [ask(server.url) for _ in range(3)]
        (tmp_path / "away").rename(tmp_path / "store")
        backs: list[requests.Response] = []

        def served_again() -> bool:
            backs.append(ask(server.url))
            return backs[-1].status_code == 200

        # the pool retries every second (before: 600 tries of 0.05 s, short on a busy machine)
        until(served_again, "the store back was never served", bound=300.0, every=0.05)
    for answer in refused:
        assert answer.status_code == 503, answer.text
        assert answer.headers["Retry-After"] == "5"
        assert answer.text == "the store could not be opened for this query; try again shortly\n"
    assert backs[-1].status_code == 200, backs[-1].text
    said = [r.getMessage() for r in caplog.records if "cannot be opened" in r.getMessage()]
    assert len(said) == 1, said
    assert str(tmp_path / "store") in said[0]
    assert [r for r in caplog.records if r.exc_info] == []


def test_a_store_that_takes_the_connection_and_drops_it_is_502(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A store that accepts the connection and closes it without an answer (it crashed on
    the query, or a proxy before it did) failed to answer: 502, no Retry-After (asking again
    may fail the same way); only a connection that cannot be made is 503."""
    dropper = Dropper()
    store = SparqlStore(dropper.url)
    server = make_server(store, settings=ServeSettings(workers=1)).start()
    try:
        with caplog.at_level(logging.INFO):
            dropped = ask(server.url)
    finally:
        server.stop()
        store.close()
        dropper.close()
    assert dropper.accepted >= 1
    assert dropped.status_code == 502, dropped.text
    assert "Retry-After" not in dropped.headers
    assert dropped.text.startswith("the store could not answer: ")
    said = [
        r.getMessage() for r in caplog.records if "the store could not answer" in r.getMessage()
    ]
    assert said and all(dropper.url in line for line in said), said
