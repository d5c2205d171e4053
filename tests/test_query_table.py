"""``scholarkg query --format table`` holds only its first rows: their widths are the columns',
later rows go out as they come (a wider cell pushes the cells after it right) and an answer of
no more rows than that is the whole answer's table, as before (before: every row waited in a
temporary file until the last had come, and nothing was printed until then)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from child_memory import cost_of, linux_rss_known
from conftest import write_config
from scholarkg import query_output
from scholarkg.query_output import Message, write_answer
from scholarkg.query_results import format_outcome
from scholarkg.serve.guard import QueryLimits
from scholarkg.serve.jobs import QueryJob, RowBatch
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.workers import WorkerPool
from serve_fixtures import build_v2_store

WIDER_LATER = 'SELECT ?x ?y WHERE { VALUES (?x ?y) { ("a" 1) ("bb" 2) ("cccc" 3) ("d" 4) } }'
A_VALUES = " ".join(str(i) for i in range(100))
B_VALUES = " ".join(str(i) for i in range(70))
ROWS = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {A_VALUES} }} VALUES ?b {{ {B_VALUES} }} }}"
MB = 2**20


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerPool]:
    store = build_v2_store(tmp_path_factory.mktemp("table") / "store")
    workers = WorkerPool(StoreSpec("oxigraph", str(store)), QueryLimits(), size=1)
    yield workers
    workers.close()


def table(pool: WorkerPool, sparql: str) -> str:
    out = io.StringIO()
    write_answer(pool.stream(QueryJob(sparql, stream_rows=1)), "table", {}, out)
    return out.getvalue()


def test_later_rows_keep_the_widths_of_the_first(
    pool: WorkerPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query_output, "TABLE_ROWS", 2)
    assert table(pool, WIDER_LATER).splitlines() == [
        "x   y",
        "--  -",
        "a   1",
        "bb  2",
        "cccc  3",
        "d   4",
        "(4 rows)",
    ]


@pytest.mark.parametrize("first", [4, 5, 2000])
def test_a_table_of_no_more_rows_than_the_first_is_the_whole_answers(
    pool: WorkerPool, monkeypatch: pytest.MonkeyPatch, first: int
) -> None:
    monkeypatch.setattr(query_output, "TABLE_ROWS", first)
    whole = format_outcome(pool.run(QueryJob(WIDER_LATER)), "table", {}) + "\n"
    assert table(pool, WIDER_LATER) == whole
    assert whole.splitlines()[4] == "cccc  3"  # the widest cell sets its column's width


def test_each_batch_after_the_first_rows_is_written_before_the_next_is_read(
    pool: WorkerPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """7 000 rows in batches of 500, the first 500 setting the widths: each batch's rows are out
    before the next batch is asked for."""
    monkeypatch.setattr(query_output, "TABLE_ROWS", 500)
    out = io.StringIO()
    lines_out: list[int] = []  # lines written when each batch is read

    def watched(stream: Iterator[Message]) -> Iterator[Message]:
        for message in stream:
            if isinstance(message, RowBatch):
                lines_out.append(out.getvalue().count("\n"))
            yield message

    write_answer(watched(pool.stream(QueryJob(ROWS, stream_rows=500))), "table", {}, out)
    # the header and its rule, then 500 rows a batch
    assert lines_out == [0] + [1 + 500 * i for i in range(1, 14)]
    assert out.getvalue().endswith("\n(7000 rows)\n") and out.getvalue().count("\n") == 7003


def test_a_table_cut_short_after_its_first_rows_says_how_many_went_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from scholarkg.cli import main

    store = build_v2_store(tmp_path / "store")
    small = write_config(tmp_path, [], store={"path": str(store)}, serve={"max_result_mb": 1})
    pairs = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    assert main(["query", "--config", str(small), "--sparql", pairs]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split() == ["a", "b", "c", "d", "e", "f"]
    assert set(lines[1]) == {"-", " "}
    written = len(lines) - 2
    assert written >= query_output.TABLE_ROWS
    assert captured.err.splitlines() == [
        f"error: query stopped: result larger than the limit of {1 << 20} bytes; add LIMIT "
        f"([serve] max_result_mb = 1); the output stops after {written} rows: incomplete"
    ]


SETUP = """
import os
import pyoxigraph as ox
from scholarkg.query_output import write_answer
from scholarkg.serve.jobs import RowBatch, StreamHead

def messages(rows):
    yield StreamHead("solutions", ("s", "label"))
    for start in range(0, rows, 2000):
        yield RowBatch(tuple(
            (ox.NamedNode(f"https://example.org/r{i}"), ox.Literal(f"label number {i} " * 3))
            for i in range(start, min(rows, start + 2000))
        ))

sink = open(os.devnull, "w", encoding="utf-8")
write_answer(messages(4000), "table", {}, sink)
"""


@pytest.mark.skipif(not linux_rss_known(), reason="needs /proc/self/status (Linux)")
def test_a_tables_memory_does_not_grow_with_its_rows() -> None:
    """A table of 20 000 rows and one of 200 000 (1.7 and 17 MB written) cost the same."""
    costs = {
        rows: cost_of(SETUP, f'write_answer(messages({rows}), "table", {{}}, sink)')
        for rows in (20_000, 200_000)
    }
    said = ", ".join(f"{n} rows: RSS +{c.rss / MB:.1f} MB" for n, c in costs.items())
    assert costs[200_000].rss - costs[20_000].rss < 8 * MB, said
    assert costs[200_000].traced < 8 * MB, said


def test_a_value_holding_control_characters_cannot_drive_the_terminal(pool: WorkerPool) -> None:
    """A literal holding ESC, BEL, a carriage return, a tab, DEL or a C1 control (a title a
    hostile record carried into the store) is shown with each drawn as a visible character:
    the table is for a terminal, and ``ESC ] 0 ; … BEL`` retitles it, ``ESC [ 2 J`` clears it,
    a carriage return overwrites the row (before: written raw)."""
    sparql = (
        r'SELECT ?x WHERE { BIND("a\u001B]0;pwned\u0007b\u001B[2Jc\rd\te\u007Ff\u009Bg" AS ?x) }'
    )
    lines = table(pool, sparql).splitlines()
    raw = [c for line in lines for c in line if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0]
    assert raw == []
    assert lines[2].rstrip() == "a␛]0;pwned␇b␛[2Jc␍d␉e␡f\ufffdg"


@pytest.mark.parametrize("fmt", ["table", "turtle", "nt"])
def test_a_graph_holding_c1_controls_is_written_with_them_escaped(
    pool: WorkerPool, fmt: str
) -> None:
    """Turtle and N-Triples (a CONSTRUCT's table) escape C0 controls but wrote a C1 control
    such as U+009B (CSI, which terminals act on as ``ESC [``) raw: it is written ``\\u009B``,
    the same literal to any parser."""
    sparql = r'CONSTRUCT { <urn:a> <urn:b> ?x } WHERE { BIND("a\u009B2Jb\u0085c" AS ?x) }'
    out = io.StringIO()
    write_answer(pool.stream(QueryJob(sparql, stream_rows=1)), fmt, {}, out)
    assert [c for c in out.getvalue() if 0x7F <= ord(c) < 0xA0] == []
    fmt_ = ox.RdfFormat.N_TRIPLES if fmt == "nt" else ox.RdfFormat.TURTLE
    objects = [t.object for t in ox.parse(out.getvalue().encode(), format=fmt_)]
    assert objects == [ox.Literal("a\u009b2Jb\u0085c")]
