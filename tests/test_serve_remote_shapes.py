"""A SPARQL-server store that answers the server's own page queries with other variables than
they ask (a misconfigured proxy, a server answering another query) is refused in one log line
per query, and the page is a plain 500 (before: a KeyError traceback in the log, and the
warm-up thread died with it); variables answered in another order are put in the order asked.
An update the SPARQL server fails is answered with its kind only, its words logged (before:
the store's URL and the start of its error body went to the client)."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from loopback import Answering, read_request
from scholarkg.config import ServeSettings
from scholarkg.serve import make_server
from scholarkg.serve.job_runs import run_batch
from scholarkg.serve.jobs import SelectBatch
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.store.remote import SparqlStore


class Fixed(Answering):
    """A loopback SPARQL server answering every query with ``answer`` (SPARQL JSON)."""

    def __init__(self, answer: dict[str, object], status: bytes = b"200 OK") -> None:
        self.body = json.dumps(answer).encode()
        self.status = status
        self.asked = 0
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        read_request(conn)
        self.asked += 1
        conn.sendall(
            b"HTTP/1.1 %s\r\nContent-Type: application/sparql-results+json\r\n" % self.status
            + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(self.body)
            + self.body
        )


def literal(value: str) -> dict[str, str]:
    return {"type": "literal", "value": value}


def test_a_page_query_answered_with_other_variables_is_one_log_line_and_a_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    fixed = Fixed({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": literal("1")}]}})
    store = SparqlStore(f"{fixed.url}/query")
    try:
        with caplog.at_level(logging.INFO):
            server = make_server(store, settings=ServeSettings(workers=1)).start()
            try:
                assert server.kg.warmed.wait(60)  # before: never set, its thread died
                page = requests.get(server.url, timeout=60)
            finally:
                server.stop()
    finally:
        fixed.close()
    assert page.status_code == 502, page.text
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    said = [r.getMessage() for r in caplog.records if " answered ?" in r.getMessage()]
    assert said, [r.getMessage() for r in caplog.records]
    for line in said:
        assert line.startswith(f"the store could not answer: {fixed.url}/query answered ?n ")


def test_variables_answered_in_another_order_are_put_in_the_order_asked() -> None:
    row = {"b": literal("2"), "a": literal("1")}
    fixed = Fixed({"head": {"vars": ["b", "a"]}, "results": {"bindings": [row]}})
    try:
        store, _ = StoreSpec("sparql", f"{fixed.url}/query").open()
        answer = run_batch(store, SelectBatch(("SELECT ?a ?b WHERE { ?a ?p ?b }",)))
    finally:
        fixed.close()
    assert isinstance(answer, tuple) and len(answer) == 1, answer
    (outcome,) = answer
    assert outcome.variables == ("a", "b")
    assert [[t.value for t in r] for r in outcome.rows] == [["1", "2"]]


def test_an_update_the_store_fails_is_answered_with_its_kind_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    secret = {"error": "disk /srv/secret/db full"}
    fixed = Fixed(secret, b"500 Internal Server Error")
    store = SparqlStore(f"{fixed.url}/query", f"{fixed.url}/update")
    insert = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    try:
        with caplog.at_level(logging.INFO):
            settings = ServeSettings(workers=1)
            server = make_server(store, allow_updates=True, settings=settings).start()
            try:
                answer = requests.post(server.url + "update", data={"update": insert}, timeout=60)
            finally:
                server.stop()
    finally:
        fixed.close()
    assert answer.status_code == 502
    assert answer.text == "the store could not apply the update (LoadError)\n"
    said = [r.getMessage() for r in caplog.records if "apply the update" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith(
        f"the store could not apply the update: LoadError: {fixed.url}/update: SPARQL update: "
        "HTTP 500 Internal Server Error: "
    ), said
