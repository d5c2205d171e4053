"""Query results: a trusted SELECT run in this process (the run summary), and any query's
outcome formatted as a table, CSV, TSV, SPARQL JSON, Turtle, N-Triples or JSON-LD."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from scholarkg.errors import QueryError
from scholarkg.formats import QUERY_FORMATS
from scholarkg.store.base import GraphStore

if TYPE_CHECKING:
    from scholarkg.serve.jobs import QueryOutcome

FORMATS = QUERY_FORMATS


@dataclass(frozen=True)
class ResultTable:
    """SELECT results as plain values (None where unbound), with the original terms kept."""

    columns: tuple[str, ...]
    terms: tuple[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None, ...], ...]

    @property
    def rows(self) -> list[tuple[str | None, ...]]:
        return [tuple(None if t is None else _text(t) for t in row) for row in self.terms]


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value


def run_select(store: GraphStore, sparql: str) -> ResultTable:
    """Run a trusted SELECT query in this process (the run summary); other forms are refused.

    Queries from users go through :func:`scholarkg.serve.workers.WorkerPool` instead."""
    result = store.query(sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("only SELECT queries can be shown as a table")
    columns = tuple(v.value for v in result.variables)
    rows = tuple(tuple(solution[c] for c in columns) for solution in result)
    return ResultTable(columns, rows)


def table_cell(value: str | None, max_width: int = 60) -> str:
    """One value as a table shows it: on one line, cut to ``max_width`` characters, with no
    control character a terminal would act on (``ESC ] 0 ; … BEL`` retitles it)."""
    text = "" if value is None else value.replace("\n", " ").translate(VISIBLE_CONTROLS)
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


# Each C0 control but LF (made a space above) as its Unicode control picture (ESC as ␛, CR as
# ␍, TAB as ␉), DEL as ␡, and each C1 control (ESC's one-byte forms, such as CSI) as U+FFFD.
VISIBLE_CONTROLS = (
    {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421} | dict.fromkeys(range(0x80, 0xA0), 0xFFFD)
)


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str | None:
    """A term's plain value (None where unbound), as tables, CSV and TSV show it."""
    return None if term is None else _text(term)


def format_table(result: ResultTable, max_width: int = 60) -> str:
    rows = [[table_cell(v, max_width) for v in row] for row in result.rows]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(result.columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, rule, *body, f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])


def format_csv(result: ResultTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([["" if v is None else v for v in row] for row in result.rows])
    return out.getvalue()


def json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, str]:
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": str(term)}
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def format_json(result: ResultTable) -> str:
    """SPARQL 1.1 Query Results JSON."""
    bindings = [
        {c: json_term(t) for c, t in zip(result.columns, row, strict=True) if t is not None}
        for row in result.terms
    ]
    return json.dumps(
        {"head": {"vars": list(result.columns)}, "results": {"bindings": bindings}},
        indent=1,
        ensure_ascii=False,
    )


def format_tsv(result: ResultTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([["" if v is None else v for v in row] for row in result.rows])
    return out.getvalue()


_FORM_FORMATS = {
    "SELECT": ("table", "csv", "tsv", "json"),
    "ASK": ("table", "csv", "tsv", "json"),
    "CONSTRUCT": ("table", "turtle", "nt", "json", "jsonld"),
    "DESCRIBE": ("table", "turtle", "nt", "json", "jsonld"),
}


def check_format(form: str | None, fmt: str) -> None:
    """Refuse ``fmt`` for a query of ``form`` (SELECT, ASK, CONSTRUCT, DESCRIBE; None or
    another: left to the query's run) before the query runs: it would be refused only once it
    had run, however long that took."""
    allowed = _FORM_FORMATS.get(form or "")
    if allowed is not None and fmt not in allowed:
        what = "graph" if form in ("CONSTRUCT", "DESCRIBE") else f"{form}"
        raise QueryError(f"{what} results come as {', '.join(allowed)}, not {fmt!r}")


def format_result(result: ResultTable, fmt: str) -> str:
    """SELECT results as a table, CSV, TSV or SPARQL JSON."""
    if fmt == "table":
        return format_table(result)
    if fmt == "csv":
        return format_csv(result)
    if fmt == "tsv":
        return format_tsv(result)
    if fmt == "json":
        return format_json(result)
    raise QueryError(f"SELECT results come as table, csv, tsv or json, not {fmt!r}")


def format_boolean(answer: bool, fmt: str) -> str:
    """An ASK answer: ``true``/``false`` as text, or SPARQL JSON."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": answer})
    if fmt in ("table", "csv", "tsv"):
        return "true" if answer else "false"
    raise QueryError(f"ASK answers come as table, csv, tsv or json, not {fmt!r}")


GRAPH_OUTPUT = {"table": "turtle", "turtle": "turtle", "nt": "nt", "json": "jsonld"}


def format_graph(triples: list[ox.Triple], fmt: str, prefixes: dict[str, str]) -> str:
    """CONSTRUCT / DESCRIBE results as Turtle (also for ``table``), N-Triples or JSON-LD
    compacted with the project's context (``json`` / ``jsonld``)."""
    chosen = GRAPH_OUTPUT.get(fmt, fmt)
    if chosen == "turtle":
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        return (data or b"").decode("utf-8")
    if chosen == "nt":
        return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    if chosen == "jsonld":
        from scholarkg.jsonld import compact_bytes

        return compact_bytes(triples).decode("utf-8")
    raise QueryError(f"graph results come as turtle, nt or json (JSON-LD), not {fmt!r}")


def format_outcome(outcome: QueryOutcome, fmt: str, prefixes: dict[str, str]) -> str:
    """Any query's outcome (from a worker) in ``fmt``: tables for SELECT, true/false or JSON
    for ASK, Turtle / N-Triples / JSON-LD for CONSTRUCT and DESCRIBE."""
    if outcome.form == "boolean":
        return format_boolean(bool(outcome.boolean), fmt)
    if outcome.form == "triples":
        return format_graph(list(outcome.triples), fmt, prefixes)
    return format_result(ResultTable(outcome.variables, outcome.rows), fmt)
