"""A HEAD of ``/sparql`` with a query is checked as its GET would be and never run: GET's
status and header fields, but no ``Content-Length`` (RFC 9110 9.3.2 lets a server leave out
what only generating the content determines), and no query worker asked. A real server over
the constructed v2 store, real HTTP clients; the slow queries count hundreds of millions of
rows (test_serve_flood.slow), so one that ran would be stopped by the time limit (503)."""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
import pytest
import requests

from scholarkg.config import ServeSettings
from scholarkg.serve.guard import scan_query
from serve_helpers import HTML_ACCEPT, SPARQL_JSON, running_server
from served_queries import slow

pytestmark = pytest.mark.server

CHEAP = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/scholarkg/ontology#Person> }"
GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
SLOW_GRAPH = slow(7).replace("SELECT (COUNT(*) AS ?n) WHERE", "CONSTRUCT { ?a ?b ?c } WHERE")


def test_a_head_is_checked_as_its_get_and_never_run(tmp_path: Path) -> None:
    """HEADs of runaway queries answer 200 with the headers their GET would send, no worker
    asked (before: each ran to its time limit, then 503, counted against its client's cap);
    the HEAD of a query its GET refuses before it runs gets the GET's status."""
    settings = ServeSettings(workers=2, time_limit=3, max_query_bytes=2000, refresh_interval=0.2)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        kg, url = server.kg, server.url + "sparql"
        assert kg.warmed.wait(300)

        def head(query: str, accept: str = SPARQL_JSON, **headers: str) -> requests.Response:
            asked = {"Accept": accept, **headers}
            return requests.head(url, params={"query": query}, headers=asked, timeout=60)

        def get(query: str, accept: str = SPARQL_JSON) -> requests.Response:
            return requests.get(
                url, params={"query": query}, headers={"Accept": accept}, timeout=60
            )

        answered, replaced = kg.pool.answered, kg.pool.replaced
        results = head(slow(1))
        assert results.status_code == 200 and results.content == b""
        assert results.headers["Content-Type"] == f"{SPARQL_JSON}; charset=utf-8"
        assert results.headers["Cache-Control"] == "public, max-age=60"
        assert "Accept" in results.headers["Vary"] and "Last-Modified" in results.headers
        assert "Content-Length" not in results.headers
        tagged = head(slow(1), **{"If-None-Match": results.headers["ETag"]})
        assert tagged.status_code == 304
        graph = head(SLOW_GRAPH, "text/turtle")
        assert graph.status_code == 200, graph.status_code
        assert graph.headers["Content-Type"] == "text/turtle; charset=utf-8"
        page = head(slow(2), HTML_ACCEPT)
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "ETag" not in page.headers and "Content-Length" not in page.headers
        refused = {
            "no form": (slow(3).replace("SELECT", "SELEC"), SPARQL_JSON, 400),
            "too long": (slow(3) + " #" + "x" * 2000, SPARQL_JSON, 413),
            "federated": (
                "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }",
                "*/*",
                403,
            ),
            "no format": (slow(3), "image/png", 406),
            "no graph format": (SLOW_GRAPH, SPARQL_JSON, 406),
        }
        statuses = {why: head(q, accept).status_code for why, (q, accept, _) in refused.items()}
        assert statuses == {why: status for why, (_, _, status) in refused.items()}
        assert (kg.pool.answered, kg.pool.replaced) == (answered, replaced)  # nothing ran
        assert kg.flights.running() == 0

        # its GET's status and headers, but the length of a body never generated
        for query, accept in ((CHEAP, SPARQL_JSON), (GRAPH, "text/turtle"), (CHEAP, "image/png")):
            got, headed = get(query, accept), head(query, accept)
            assert headed.status_code == got.status_code, (query, accept, headed.status_code)
            for name in ("Content-Type", "ETag", "Vary", "Cache-Control", "Last-Modified"):
                assert headed.headers.get(name) == got.headers.get(name), (query, accept, name)
        assert "Content-Length" not in head(CHEAP).headers
        # a query a limit stopped on this store version: 503, as its GET is refused at once
        assert get(slow(4)).status_code == 503
        answered, replaced = kg.pool.answered, kg.pool.replaced
        again = head(slow(4))
        assert again.status_code == 503 and get(slow(4)).status_code == 503
        assert (kg.pool.answered, kg.pool.replaced) == (answered, replaced)


def _head_and_get(
    connection: http.client.HTTPConnection, path: str, accept: str
) -> tuple[http.client.HTTPResponse, bytes, dict[str, str], dict[str, str]]:
    """The answer to a HEAD of ``path``, its body, its headers and its GET's (asked after it on
    the same kept-alive connection), each without ``Date``."""
    connection.request("HEAD", path, headers={"Accept": accept})
    headed = connection.getresponse()
    body = headed.read()
    connection.request("GET", path, headers={"Accept": accept})
    got = connection.getresponse()
    got.read()
    assert got.status == headed.status == 200, (path, accept, got.status, headed.status)

    def fields(response: http.client.HTTPResponse) -> dict[str, str]:
        return {k.lower(): v for k, v in response.getheaders() if k.lower() != "date"}

    return headed, body, fields(headed), fields(got)


def test_a_head_is_framed_with_no_body_to_follow(tmp_path: Path) -> None:
    """A HEAD of a query has its GET's header fields but its length, and no
    ``Transfer-Encoding`` (before: ``Transfer-Encoding: chunked``, h11 framing a head sent with
    no length as a chunked GET, though the GET is sent with a ``Content-Length``: a client
    reading the framing first waited for a chunk). The connection stays usable for the next
    request; a HEAD the application gave a length (a page) keeps its GET's."""
    with running_server(tmp_path / "store") as (server, _):
        assert server.kg.warmed.wait(300)
        parts = urlsplit(server.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            for query, accept in (
                (CHEAP, SPARQL_JSON),
                (GRAPH, "text/turtle"),
                (CHEAP, HTML_ACCEPT),
            ):
                path = "/sparql?" + urlencode({"query": query})
                headed, body, head_fields, get_fields = _head_and_get(connection, path, accept)
                assert body == b"" and not headed.chunked, (accept, head_fields)
                assert "transfer-encoding" not in head_fields, (accept, head_fields)
                assert "content-length" not in head_fields and "content-length" in get_fields
                del get_fields["content-length"]
                assert head_fields == get_fields, accept
            headed, body, head_fields, get_fields = _head_and_get(connection, "/", HTML_ACCEPT)
            assert body == b"" and head_fields == get_fields  # the landing page's length too
            assert int(head_fields["content-length"]) > 0
        finally:
            connection.close()


# Brackets that do not pair (the engine refuses each), and texts whose brackets look unpaired
# but are inside an IRI, a string, a comment or a name's escape, or are SPARQL 1.2's.
UNPAIRED = {
    "an extra )": "SELECT * WHERE { ?s ?p ?o } LIMIT 1 )",
    "a { never closed": "SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s a ?t }",
    "( closed by }": "SELECT * WHERE { ?s ?p ?o FILTER(?o > 1 }",
    "a ] closing nothing": "ASK { ?s ?p ?o ] }",
    "unclosed after a comment": "CONSTRUCT { ?s ?p ?o } # }\nWHERE { ?s ?p ?o",
}
PAIRED = {
    "in IRIs": "SELECT * WHERE { ?s <http://x/(a> ?o . ?s <http://x/a)> ?o }",
    "in strings": 'SELECT * WHERE { ?s ?p ?o FILTER(?o != \'{\' && ?o != """(\n]""") }',
    "in a comment": "SELECT * WHERE { ?s ?p ?o # ) }\n}",
    "in a name's escape": r"PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:a\(b ?o }",
    "an escaped IRI": r"SELECT * WHERE { ?s ?p <http://x/\u0028> }",
    "a triple term": "SELECT * WHERE { ?r ?p <<( ?s ?p ?o )>> }",
    "an annotation": "SELECT * WHERE { ?s ?p ?o {| ?q ?z |} }",
    "a comparison": "SELECT * WHERE { ?s ?p ?o FILTER(?o<?p || ?o > (1)) }",
}


@pytest.mark.parametrize("query", UNPAIRED.values(), ids=UNPAIRED.keys())
def test_brackets_that_do_not_pair_are_found_as_the_engine_refuses(query: str) -> None:
    """What :mod:`scholarkg.serve.sparql_balance` calls unpaired, Oxigraph refuses too."""
    assert scan_query(query).unbalanced is not None
    with pytest.raises(SyntaxError):
        ox.Store().query(query)


@pytest.mark.parametrize("query", PAIRED.values(), ids=PAIRED.keys())
def test_brackets_the_engine_reads_as_none_are_not_counted(query: str) -> None:
    """A query Oxigraph parses is never called unpaired (a HEAD must not refuse it)."""
    ox.Store().query(query)
    assert scan_query(query).unbalanced is None


def test_a_head_finds_unpaired_brackets_as_its_get(tmp_path: Path) -> None:
    """The HEAD of a query whose brackets do not pair answers 400 as its GET does, and so
    does one with ``If-None-Match: *`` (before: 200, and 304, though its GET answered 400);
    one whose brackets only look unpaired answers 200 as its GET does. No HEAD runs."""
    with running_server(tmp_path / "store") as (server, _):
        kg, url = server.kg, server.url + "sparql"
        assert kg.warmed.wait(300)

        def ask(method: str, query: str, **headers: str) -> int:
            answer = requests.request(
                method,
                url,
                params={"query": query},
                headers={"Accept": "*/*"} | headers,
                timeout=60,
            )
            return answer.status_code

        answered = kg.pool.answered
        heads = {why: ask("HEAD", q) for why, q in {**UNPAIRED, **PAIRED}.items()}
        starred = {why: ask("HEAD", q, **{"If-None-Match": "*"}) for why, q in UNPAIRED.items()}
        assert kg.pool.answered == answered  # no HEAD ran
        # a syntax error before a format none of which is acceptable, as its GET (not 406)
        unformatted = {ask("HEAD", q, Accept="image/png") for q in UNPAIRED.values()}
        assert unformatted == {400}
        assert ask("GET", UNPAIRED["an extra )"], Accept="image/png") == 400
        gets = {why: ask("GET", q) for why, q in {**UNPAIRED, **PAIRED}.items()}
        assert gets == heads
        assert set(heads.values()) == {400, 200} and set(starred.values()) == {400}
        assert {why for why, status in heads.items() if status == 400} == set(UNPAIRED)
