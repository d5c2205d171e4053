"""A SPARQL server's SELECT answer that breaks off or goes wrong part way (valid UTF-8, broken
JSON or XML, a term that is no term) is one QueryError line naming the server and the row,
for every reader of answers: the store's own reads, the run summary's SELECT, a query worker
(the endpoint's and ``scholarkg query``'s). Before, pyoxigraph read the rows lazily: the
answer failed as a bare ``SyntaxError`` while the caller went through its rows, a traceback
past every handler of the store's errors (``iter_graph_names``, ``graph_sizes``, a run's
reads), and a worker said only "the query could not be evaluated (SyntaxError)". The servers
are loopback ones answering as scripted."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import write_config
from loopback import Scripted
from scholarkg.errors import QueryError
from scholarkg.query_results import run_select
from scholarkg.serve.job_runs import run_job
from scholarkg.serve.jobs import JobFailure, QueryJob
from scholarkg.store.remote import SparqlStore

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
COMMAND = [sys.executable, "-m", "scholarkg.cli"]
JSON_ROWS = ",".join(f'{{"g":{{"type":"uri","value":"urn:g:{i}"}}}}' for i in range(1, 6))
GOOD_JSON = f'{{"head":{{"vars":["g","n"]}},"results":{{"bindings":[{JSON_ROWS}]}}}}'
XML_ROWS = "".join(
    f'<result><binding name="g"><uri>urn:g:{i}</uri></binding></result>' for i in range(1, 6)
)
GOOD_XML = (
    '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
    f'<variable name="g"/><variable name="n"/></head><results>{XML_ROWS}</results></sparql>'
)
# (media type, answer, the row it breaks at: how many were read well before it, plus one)
BROKEN = {
    "json-in-row-1": (JSON, GOOD_JSON.replace('"urn:g:1"}', '"urn:g:1"', 1), 1),
    "json-in-row-3": (JSON, GOOD_JSON.replace('"urn:g:3"}', '"urn:g:3"', 1), 3),
    "json-row-3-no-iri": (JSON, GOOD_JSON.replace("urn:g:3", "not an iri"), 3),
    "json-row-4-unknown-variable": (
        JSON,
        GOOD_JSON.replace(
            '{"g":{"type":"uri","value":"urn:g:4"', '{"h":{"type":"uri","value":"urn:g:4"'
        ),
        4,
    ),
    "json-cut-short": (JSON, GOOD_JSON[:-20], 5),
    # pyoxigraph's JSON parser stops at a token of 16 MiB with a MemoryError (a traceback)
    "json-row-2-term-over-16-mib": (JSON, GOOD_JSON.replace("urn:g:2", "urn:" + "x" * 2**24), 2),
    "json-trailing-bytes": (JSON, GOOD_JSON + "garbage", 6),
    "xml-in-row-3": (XML, GOOD_XML.replace("<uri>urn:g:3</uri>", "<uri>urn:g:3</ur>"), 3),
    "xml-row-3-no-iri": (XML, GOOD_XML.replace("urn:g:3", "not an iri"), 3),
    "xml-cut-short": (XML, GOOD_XML[:-30], 5),
    "xml-trailing-bytes": (XML, GOOD_XML + "<x>", 6),
}


@pytest.fixture(params=list(BROKEN), ids=list(BROKEN))
def broken(request: pytest.FixtureRequest) -> Iterator[tuple[Scripted, int]]:
    content_type, body, row = BROKEN[request.param]
    server = Scripted(content_type, body.encode("utf-8"))
    yield server, row
    server.close()


def _said(server: Scripted, row: int) -> str:
    return f"{server.url}/query: unreadable {server.content_type} answer at row {row}"


def test_a_broken_select_answer_is_one_query_error_naming_the_server_and_row(
    broken: tuple[Scripted, int],
) -> None:
    server, row = broken
    with SparqlStore(f"{server.url}/query") as store:
        for read in (
            lambda: store.query("SELECT ?g ?n WHERE {}"),
            lambda: list(store.iter_graph_names()),
            lambda: store.graph_sizes(["urn:g:1"]),
            lambda: store.quad_count(),
            lambda: run_select(store, "SELECT ?g ?n WHERE {}"),
        ):
            with pytest.raises(QueryError) as caught:
                read()
            said = str(caught.value)
            assert said.startswith(_said(server, row) + ": "), said
            assert "\n" not in said and "\r" not in said


def test_a_broken_answer_s_error_holds_no_parser_another_thread_could_drop(
    broken: tuple[Scripted, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyoxigraph's results are tied to the thread that parsed them: one dropped on another is
    an error Python can only print. The error a broken answer raises keeps nothing of its
    parse, so the error, caught in a reference cycle (as pytest.raises keeps it) and collected
    by another thread, drops nothing there. Before, it kept the parser (in its context's frame),
    and pytest warned that ``PyQuerySolutions is unsendable, but is being dropped on another
    thread``."""
    server, _ = broken
    dropped: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda raised: dropped.append(repr(raised)))
    with SparqlStore(f"{server.url}/query") as store:
        for read in (
            lambda: store.query("SELECT ?g ?n WHERE {}"),
            lambda: list(store.iter_graph_names()),
            lambda: store.graph_sizes(["urn:g:1"]),
        ):
            with pytest.raises(QueryError) as caught:
                read()
            cycle: list[object] = [caught.value]
            cycle.append(cycle)
            del caught, cycle  # the error is reachable from nothing now but its cycle
            collector = threading.Thread(target=gc.collect)
            collector.start()
            collector.join()
    assert dropped == []


def test_a_query_worker_fails_a_broken_answer_naming_the_server_and_row(
    broken: tuple[Scripted, int],
) -> None:
    """The endpoint's workers read through the same store: the job fails as the SPARQL
    server's (502), its log line naming the server and the row."""
    server, row = broken
    with SparqlStore(f"{server.url}/query") as store:
        failure = run_job(store, QueryJob("SELECT ?g ?n WHERE {}"), 1 << 30)
    assert isinstance(failure, JobFailure) and failure.kind == "upstream"
    assert failure.detail.startswith(f"QueryError: {_said(server, row)}: "), failure.detail


@pytest.mark.parametrize("content_type", [JSON, XML])
def test_a_whole_answer_is_read_as_before(content_type: str) -> None:
    body = GOOD_JSON if content_type == JSON else GOOD_XML
    server = Scripted(content_type, body.encode("utf-8"))
    try:
        with SparqlStore(f"{server.url}/query") as store:
            result = store.query("SELECT ?g ?n WHERE {}")
            assert isinstance(result, ox.QuerySolutions)
            assert [v.value for v in result.variables] == ["g", "n"]
            assert [row["g"] for row in result] == [ox.NamedNode(f"urn:g:{i}") for i in range(1, 6)]
            assert sorted(store.graph_names()) == [f"urn:g:{i}" for i in range(1, 6)]
    finally:
        server.close()


def test_scholarkg_query_says_a_broken_answer_without_a_traceback(tmp_path: Path) -> None:
    content_type, body, row = BROKEN["json-in-row-3"]
    server = Scripted(content_type, body.encode("utf-8"))
    config = write_config(
        tmp_path, [], store={"kind": "sparql", "query_url": f"{server.url}/query"}
    )
    try:
        done = subprocess.run(
            [*COMMAND, "query", "--config", str(config), "--sparql", "SELECT ?g ?n WHERE {}"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.close()
    assert done.returncode == 1 and done.stdout == ""
    (error,) = done.stderr.splitlines()  # one line: the store's own words in it
    assert error.startswith(f"error: the store could not answer: {_said(server, row)}: ")
