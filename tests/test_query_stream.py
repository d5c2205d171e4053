"""``scholarkg query`` streams its answer: the worker sends rows (or triples) in batches as
the engine reads them and the command writes each batch as it comes, so it holds one batch
at most however many rows the answer has (before: the worker collected every row and
pickled them all to the command, which formatted the whole answer in memory: 717 MB for a
1 M-row SELECT). The output is byte for byte what the whole answer formatted at once gives."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import write_config
from scholarkg.errors import QueryLimitError
from scholarkg.export import default_prefixes
from scholarkg.iris import DEFAULT_BASE
from scholarkg.query_output import Message, write_answer
from scholarkg.query_results import format_outcome
from scholarkg.serve.guard import QueryLimits
from scholarkg.serve.jobs import QueryJob, RowBatch, StreamHead
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.workers import WorkerPool
from serve_fixtures import build_v2_store

EXTRA = """
@prefix ex: <https://example.org/> .
GRAPH ex:g { ex:s ex:p "two\\nlines, \\"quoted\\"\\ttab", "é ünïcödé"@fr, 3 ; ex:q [ ex:p "x" ] . }
"""
SELECT = "SELECT ?s ?p ?o ?unbound WHERE { ?s ?p ?o OPTIONAL { ?s <urn:none> ?unbound } }"
EMPTY = "SELECT ?s WHERE { ?s <urn:none> ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
ASK = "ASK { ?s ?p ?o }"
CASES = [
    *((q, f) for q in (SELECT, EMPTY) for f in ("table", "csv", "tsv", "json")),
    *((CONSTRUCT, f) for f in ("table", "turtle", "nt", "json", "jsonld")),
    *((ASK, f) for f in ("table", "json")),
]


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerPool]:
    store = build_v2_store(tmp_path_factory.mktemp("stream") / "store", EXTRA)
    workers = WorkerPool(StoreSpec("oxigraph", str(store)), QueryLimits(), size=1)
    yield workers
    workers.close()


def whole(pool: WorkerPool, sparql: str, fmt: str) -> str:
    """What the command printed before: the whole answer, formatted at once."""
    text = format_outcome(pool.run(QueryJob(sparql)), fmt, default_prefixes(DEFAULT_BASE))
    return text if text.endswith("\n") else text + "\n"


@pytest.mark.parametrize(("sparql", "fmt"), CASES)
def test_the_streamed_answer_is_byte_for_byte_the_whole_one(
    pool: WorkerPool, sparql: str, fmt: str
) -> None:
    out = io.StringIO()
    stream = pool.stream(QueryJob(sparql, stream_rows=3))  # many batches of the small answer
    write_answer(stream, fmt, default_prefixes(DEFAULT_BASE), out)
    expected = whole(pool, sparql, fmt)
    assert out.getvalue() == expected
    assert len(expected) > 1


A_VALUES = " ".join(str(i) for i in range(100))
B_VALUES = " ".join(str(i) for i in range(70))
ROWS = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {A_VALUES} }} VALUES ?b {{ {B_VALUES} }} }}"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_each_batch_is_written_before_the_next_is_read(pool: WorkerPool, fmt: str) -> None:
    """7 000 rows in batches of 500: the command never holds more than one batch, and the rows
    of each batch are out before the next batch is asked for."""
    out = io.StringIO()
    seen: list[int] = []  # each batch's size, in order
    lines_out: list[int] = []  # lines written when each batch after the first is read

    def watched(stream: Iterator[Message]) -> Iterator[Message]:
        for message in stream:
            if isinstance(message, RowBatch):
                lines_out.append(out.getvalue().count("\n"))
                seen.append(len(message.items))
            yield message

    write_answer(watched(pool.stream(QueryJob(ROWS, stream_rows=500))), fmt, {}, out)
    assert seen == [500] * 14
    written = out.getvalue().count("\n")
    if fmt == "json":  # the opening lines, then each batch's bindings before the next is read
        assert 0 < lines_out[0] < lines_out[1] and lines_out == sorted(set(lines_out))
        assert written > lines_out[-1] and out.getvalue().endswith("}\n")
    else:  # the header, then 500 lines a batch
        assert lines_out == [1 + 500 * i for i in range(14)] and written == 7001


def test_a_result_size_limit_ends_the_stream_after_what_fit(tmp_path: Path) -> None:
    store = build_v2_store(tmp_path / "store")
    limits = QueryLimits(max_result_bytes=200_000)
    small = WorkerPool(StoreSpec("oxigraph", str(store)), limits, size=1)
    batches = 0
    try:
        with pytest.raises(QueryLimitError, match="result larger than the limit of 200000"):
            for message in small.stream(QueryJob(ROWS, stream_rows=500)):
                assert isinstance(message, StreamHead | RowBatch)
                batches += isinstance(message, RowBatch)
        assert 0 < batches < 14  # what fit went out; the rest was never read
        answered = small.run(QueryJob("ASK {}"))  # the worker answers the next query
        assert answered.boolean is True
    finally:
        small.close()


PAIRS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
PAIRED = "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.mark.parametrize(
    ("sparql", "fmt"), [(PAIRS, "table"), (PAIRED, "json"), (PAIRED, "jsonld")]
)
def test_a_limit_met_before_a_gathered_answer_is_written_claims_no_output(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sparql: str,
    fmt: str,
) -> None:
    """A table's first rows (their widths) and JSON-LD (its subjects) are gathered before any
    is written: a limit met meanwhile leaves no output, and the one line says the limit alone
    (before: 'the output stops after 2000 rows: incomplete', of an output with no row in it).
    The table's first rows are made more than the answer's rows that fit in the limit."""
    from scholarkg import query_output
    from scholarkg.cli import main

    monkeypatch.setattr(query_output, "TABLE_ROWS", 10**6)
    store = build_v2_store(tmp_path / "store")
    small = write_config(tmp_path, [], store={"path": str(store)}, serve={"max_result_mb": 1})
    argv = ["query", "--config", str(small), "--sparql", sparql, "--format", fmt]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"error: query stopped: result larger than the limit of {1 << 20} bytes; add LIMIT "
        "([serve] max_result_mb = 1)"
    ]


@pytest.mark.parametrize("fmt", ["nt", "turtle"])
def test_triples_cut_short_say_how_many_went_out_whole_where_they_can_be_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """N-Triples is one triple a line: the line says how many went out whole. Turtle groups
    triples by subject, so none can be counted from what went out: the line says the output
    stops partway. (Before: the triples of the batches handed on, whole or not.)"""
    from scholarkg.cli import main

    store = build_v2_store(tmp_path / "store")
    small = write_config(tmp_path, [], store={"path": str(store)}, serve={"max_result_mb": 1})
    argv = ["query", "--config", str(small), "--sparql", PAIRED, "--format", fmt]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out
    limit = (
        f"error: query stopped: result larger than the limit of {1 << 20} bytes; add LIMIT "
        "([serve] max_result_mb = 1)"
    )
    if fmt == "nt":
        whole = captured.out.count("\n")
        said = f"the output stops after {whole} triples: incomplete"
    else:
        said = "the output stops partway through its triples: incomplete"
    assert captured.err.splitlines() == [f"{limit}; {said}"]
