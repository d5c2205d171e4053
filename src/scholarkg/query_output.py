"""``scholarkg query``'s answer written as it streams from its worker: one batch of rows (or
triples) at a time goes out in the format asked for, byte for byte what
:func:`scholarkg.query_results.format_outcome` makes of the whole answer, so the command's
memory stays flat however many rows come. A table takes its column widths from its first
:data:`TABLE_ROWS` rows, held until then (an answer that size or smaller is the whole answer's
table, byte for byte); later rows go out as they come, in those widths. JSON-LD compaction
orders and groups the triples by subject, so they are gathered first (held to the result size
limit by the worker)."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import IO, TextIO, cast

import pyoxigraph as ox

from scholarkg.errors import QueryError
from scholarkg.query_results import (
    GRAPH_OUTPUT,
    format_graph,
    format_outcome,
    json_term,
    table_cell,
    term_text,
)
from scholarkg.serve.jobs import QueryOutcome, Row, RowBatch, StreamHead

Message = StreamHead | RowBatch | QueryOutcome
BATCH_ROWS = 2000  # rows (or triples) a worker sends at a time: all the command holds
TABLE_ROWS = 2000  # rows a table's column widths are taken from, held until they are known


def write_answer(
    messages: Iterator[Message],
    fmt: str,
    prefixes: dict[str, str],
    out: TextIO,
    row_end: Callable[[], None] = lambda: None,
) -> None:
    """Write a streamed answer (:meth:`scholarkg.serve.workers.WorkerPool.stream`) to
    ``out`` in ``fmt`` as its batches arrive; a limit or failure the stream raises midway goes
    up after the rows before it were written. ``row_end()`` is called once each SELECT row's
    text has been handed to ``out`` (what says how many went out whole)."""
    first = next(messages, None)
    if isinstance(first, QueryOutcome):  # an ASK answer comes whole
        _print(out, format_outcome(first, fmt, prefixes))
        return
    if not isinstance(first, StreamHead):
        raise QueryError(f"the query worker answered {type(first).__name__}, not a result")
    items = (item for m in messages if isinstance(m, RowBatch) for item in m.items)
    if first.form == "triples":
        _write_graph(cast("Iterator[ox.Triple]", items), fmt, prefixes, out)
        return
    rows = cast("Iterator[Row]", items)
    if fmt in ("csv", "tsv"):
        _write_delimited(first.variables, rows, out, "," if fmt == "csv" else "\t", row_end)
    elif fmt == "json":
        _write_json(first.variables, rows, out, row_end)
    elif fmt == "table":
        _write_table(first.variables, rows, out, row_end)
    else:
        raise QueryError(f"SELECT results come as table, csv, tsv or json, not {fmt!r}")


def _print(out: TextIO, text: str) -> None:
    """``text`` and a line break, unless it ends with one (one more made an empty record)."""
    out.write(text if text.endswith("\n") else text + "\n")


def _write_delimited(
    columns: tuple[str, ...],
    rows: Iterable[Row],
    out: TextIO,
    delimiter: str,
    row_end: Callable[[], None],
) -> None:
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if t is None else term_text(t) for t in row])
        row_end()


def _write_json(
    columns: tuple[str, ...], rows: Iterable[Row], out: TextIO, row_end: Callable[[], None]
) -> None:
    """SPARQL 1.1 Query Results JSON laid out as ``json.dumps(…, indent=1)`` lays out the
    whole answer: each binding rendered alone and indented to its depth (3)."""
    empty = {"head": {"vars": list(columns)}, "results": {"bindings": []}}
    text = json.dumps(empty, indent=1, ensure_ascii=False)
    split = text.rindex("[]") + 1
    out.write(text[:split])
    any_row = False
    for row in rows:
        binding = {c: json_term(t) for c, t in zip(columns, row, strict=True) if t is not None}
        lines = json.dumps(binding, indent=1, ensure_ascii=False).split("\n")
        out.write(("\n" if not any_row else ",\n") + "\n".join("   " + line for line in lines))
        row_end()
        any_row = True
    out.write(("\n  " if any_row else "") + text[split:] + "\n")


def _write_table(
    columns: tuple[str, ...], rows: Iterable[Row], out: TextIO, row_end: Callable[[], None]
) -> None:
    """A table whose column widths are those of its first :data:`TABLE_ROWS` rows (every row
    of a smaller answer: the whole answer's table); later rows are written as they come, a
    wider cell pushing the cells after it right (the rows above are not aligned again)."""
    rows = iter(rows)
    first = [_cells(row) for row in islice(rows, TABLE_ROWS)]
    widths = [max([len(c), *(len(r[i]) for r in first)]) for i, c in enumerate(columns)]
    out.write(_line(columns, widths) + "\n" + "  ".join("-" * w for w in widths))
    for cells in first:
        out.write("\n" + _line(cells, widths))
        row_end()
    count = len(first)
    del first
    for row in rows:
        out.write("\n" + _line(_cells(row), widths))
        row_end()
        count += 1
    out.write(f"\n({count} row{'s' if count != 1 else ''})\n")


def _cells(row: Row) -> list[str]:
    return [table_cell(term_text(t)) for t in row]


def _line(cells: Sequence[str], widths: list[int]) -> str:
    return "  ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True))


_ESCAPED = {c: f"\\u{c:04X}" for c in range(0x7F, 0xA0)}


class _TextSink:
    """A binary write target for Oxigraph's serializer that writes text to ``out`` (a UTF-8
    character split between two chunks is held until whole), each C1 control and DEL as its
    ``\\uXXXX`` escape: Oxigraph writes them raw, and a terminal acts on U+009B as on
    ``ESC [``. Only a literal can hold one (no IRI, blank node or tag), so the graph read
    back is the same."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.last = ""

    def write(self, data: bytes) -> int:
        text = self.decoder.decode(bytes(data)).translate(_ESCAPED)
        if text:
            self.out.write(text)
            self.last = text[-1]
        return len(data)

    def flush(self) -> None:
        self.out.flush()


def _write_graph(
    triples: Iterator[ox.Triple], fmt: str, prefixes: dict[str, str], out: TextIO
) -> None:
    chosen = GRAPH_OUTPUT.get(fmt, fmt)
    if chosen not in ("turtle", "nt"):
        _print(out, format_graph(list(triples), fmt, prefixes))
        return
    sink = _TextSink(out)
    target = cast("IO[bytes]", sink)  # Oxigraph calls its write() only
    if chosen == "turtle":
        ox.serialize(triples, target, ox.RdfFormat.TURTLE, prefixes=prefixes)
    else:
        ox.serialize(triples, target, ox.RdfFormat.N_TRIPLES)
    sink.write(b"")
    if sink.last != "\n":
        out.write("\n")
