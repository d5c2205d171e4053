"""Results are serialized as a stream held to the result size limit: past it, serialization
and the reading of the result stop at once, in every format (counted in rows the engine handed
over and in bytes written, never in time or memory). Real pyoxigraph results, no server."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from scholarkg.serve.jobs import (
    GRAPH_FORMATS,
    JSON_LD,
    RESULT_FORMATS,
    JobFailure,
    QueryJob,
    QueryOutcome,
    shape,
)

ROWS = 20_000
LIMIT = 10_000  # bytes: a few dozen rows of the store below
CHUNK = 8192  # Oxigraph's serializers write this much at a time
SELECT = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """20 000 triples of ~100 bytes each: ~2 MB in any format, 200 times the limit."""
    store = ox.Store()
    graph = ox.NamedNode("http://example.org/g")
    predicate = ox.NamedNode("http://example.org/p")
    store.extend(
        ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), predicate, ox.Literal("x" * 50), graph)
        for i in range(ROWS)
    )
    return store


def _left(result: ox.QuerySolutions | ox.QueryTriples) -> int:
    """Rows (or triples) the result still holds: the engine never handed them over."""
    return sum(1 for _ in result)


@pytest.mark.parametrize("media", list(RESULT_FORMATS))
def test_results_past_the_limit_stop_serializing_at_once(store: ox.Store, media: str) -> None:
    result = store.query(SELECT)
    outcome = shape(result, QueryJob(SELECT, results_format=media), LIMIT)
    assert isinstance(outcome, JobFailure) and outcome.kind == "size"
    consumed = ROWS - _left(result)
    assert consumed < 1000, consumed  # ~100 rows fill limit + a chunk; all were read before


@pytest.mark.parametrize("media", [*GRAPH_FORMATS, JSON_LD])
def test_graphs_past_the_limit_stop_serializing_at_once(store: ox.Store, media: str) -> None:
    result = store.query(CONSTRUCT)
    outcome = shape(result, QueryJob(CONSTRUCT, graph_format=media), LIMIT)
    assert isinstance(outcome, JobFailure) and outcome.kind == "size"
    consumed = ROWS - _left(result)
    assert consumed < 1000, consumed


@pytest.mark.parametrize("query", [SELECT, CONSTRUCT])
def test_terms_for_a_page_stop_at_the_rows_asked_for(store: ox.Store, query: str) -> None:
    """An HTML page's terms: the engine hands over the rows asked for and no further one,
    however far the whole result is within the size limit."""
    result = store.query(query)
    outcome = shape(result, QueryJob(query, max_rows=1001), 1 << 40)
    assert isinstance(outcome, QueryOutcome)
    assert len(outcome.rows or outcome.triples) == 1001
    assert _left(result) == ROWS - 1001
    whole = shape(store.query(query), QueryJob(query), 1 << 40)  # no max_rows: every row
    assert isinstance(whole, QueryOutcome) and len(whole.rows or whole.triples) == ROWS


@pytest.mark.parametrize("media", list(RESULT_FORMATS))
def test_results_within_the_limit_are_serialized_whole(store: ox.Store, media: str) -> None:
    query = SELECT + " LIMIT 30"
    expected = store.query(query).serialize(format=RESULT_FORMATS[media])
    outcome = shape(store.query(query), QueryJob(query, results_format=media), LIMIT)
    assert isinstance(outcome, QueryOutcome) and outcome.body == expected


@pytest.mark.parametrize("media", list(GRAPH_FORMATS))
def test_graphs_within_the_limit_are_serialized_whole(store: ox.Store, media: str) -> None:
    query = CONSTRUCT + " LIMIT 30"
    expected = ox.serialize(store.query(query), format=GRAPH_FORMATS[media])
    outcome = shape(store.query(query), QueryJob(query, graph_format=media), LIMIT)
    assert isinstance(outcome, QueryOutcome) and outcome.body == expected


def test_the_sink_keeps_at_most_the_limit_and_refuses_every_write_past_it() -> None:
    from scholarkg.serve.jobs import BoundedSink, _serialized, _TooLarge

    writes = 0

    def write(sink: BoundedSink) -> None:
        nonlocal writes
        for _ in range(10_000):
            writes += 1
            sink.write(b"x" * 100)

    with pytest.raises(_TooLarge):
        _serialized(write, 1000)
    assert writes == 11  # ten fill the limit, the eleventh passes it and stops the writer
    sink = BoundedSink(1000)
    for _ in range(10):
        sink.write(b"y" * 100)
    for _ in range(2):  # a serializer flushing its buffer after the refusal is refused too
        with pytest.raises(_TooLarge):
            sink.write(b"z" * CHUNK)
    assert sink.over and sink.getvalue() == b""


def test_an_html_page_stops_rendering_rows_once_past_the_limit() -> None:
    from scholarkg.serve.query_ui import bounded_chunks, results_page

    taken = 0

    def rows(count: int) -> Iterator[list[str]]:
        nonlocal taken
        for i in range(count):
            taken += 1
            yield [f"cell {i}", "&lt;" * 100]  # ~430 bytes a row

    def page(count: int) -> Iterator[str]:
        return results_page(
            "SELECT * {}",
            ["a", "b"],
            rows(count),
            shown=count,
            more=False,
            links={},
            edit=[("edit", "SELECT * {}")],
        )

    assert bounded_chunks(page(1000), 20_000) is None
    assert taken < 60  # ~40 rows pass 20 000 bytes; the other ~960 were never rendered
    taken = 0
    chunks = bounded_chunks(page(1000), 1_000_000, chunk_bytes=65536)
    assert chunks is not None and taken == 1000
    body = b"".join(chunks)
    assert body.startswith(b"<!DOCTYPE html>") and body.endswith(b"</html>\n")
    assert body.count(b"<tr>") == 1001 and len(body) <= 1_000_000
    assert all(len(c) < 65536 + 1000 for c in chunks)  # sent as it was written, in chunks
