"""What the tests of one query or client not taking the endpoint down share: the hostile
queries, a loopback endpoint holding a secret (which no answer may pass on), a server with
tight limits (:func:`isolated_server`), and the ways of asking it and of looking at its
connections. Time limits are generous upper bounds that catch hangs, never speed assertions.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from loopback import Pages
from scholarkg.config import ServeSettings
from scholarkg.serve import ServerHandle
from serve_helpers import SPARQL_JSON, running_server

NESTED = "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000
CONCAT = (
    'SELECT ?v WHERE { BIND("ab" AS ?v0) '
    + " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(31))
    + " BIND(?v31 AS ?v) }"
)
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q }"
CHEAP = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/scholarkg/ontology#Person> }"
BODY_TO_COME = (  # the head of CHEAP's POST, its body still to come: a request under way
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n"
    b"Content-Type: application/sparql-query\r\nConnection: close\r\n"
    + f"Content-Length: {len(CHEAP)}\r\n\r\n".encode()
)


class SecretEndpoint(Pages):
    """A loopback HTTP endpoint that records the path of every request in ``hits`` and answers
    it with a 500 and a secret body (which the server must never pass on to its client)."""

    def __init__(self) -> None:
        super().__init__(lambda _: ("text/plain", b"SECRET-ADMIN-BODY"), status=500)
        self.hits = self.paths
        self.url = f"{self.base}/internal/admin"


@pytest.fixture(autouse=True)
def uvicorn_records_reach_caplog() -> Iterator[None]:
    """uvicorn's records reach pytest's handler whatever ran before: Prefect's logging set-up,
    done by any earlier test that ran a flow in this process, stops them at the ``uvicorn``
    logger (``propagate: false``), so a test of a line uvicorn's logger writes saw nothing when
    the whole suite ran and a test that none is written could not fail."""
    logger = logging.getLogger("uvicorn")
    saved = logger.propagate, logger.level
    logger.propagate, logger.level = True, logging.NOTSET
    yield
    logger.propagate, logger.level = saved


@contextlib.contextmanager
def isolated_server(store: Path, secret: SecretEndpoint) -> Iterator[tuple[str, object]]:
    """A server of the v2 ``store`` with tight limits: two workers, a 3 s time limit, 768 MiB,
    30 connections, 1.5 s for a request; only ``secret``'s "-allowed" path is federated."""
    settings = ServeSettings(
        workers=2,
        time_limit=3.0,
        memory_limit_mb=768,
        federation=(secret.url + "-allowed",),
        request_timeout=1.5,
        max_connections=30,
        max_body_bytes=65536,
        max_header_bytes=4096,
    )
    with running_server(store, build=False, settings=settings) as (server, _):
        yield server.url, server


def ask(url: str, query: str) -> requests.Response:
    return requests.post(
        url + "sparql", data={"query": query}, headers={"Accept": SPARQL_JSON}, timeout=120
    )


def answered(url: str) -> bool:
    response = ask(url, CHEAP)
    return (
        response.status_code == 200
        and response.json()["results"]["bindings"][0]["n"]["value"] == "8"
    )


def address_of(server: ServerHandle) -> tuple[str, int]:
    host, port = server.url.split("//")[1].strip("/").split(":")
    return host, int(port)


def open_connections(server: ServerHandle) -> int:
    return len(server.server.server_state.connections)
