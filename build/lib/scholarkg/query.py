"""Run saved or ad-hoc SPARQL over the union of named graphs and format the results."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal

from scholarkg.errors import LoadError, QueryError
from scholarkg.resources import queries_dir
from scholarkg.store.base import GraphStore
from scholarkg.store.sparql_text import iri_ref

FORMATS = ("table", "csv", "json")
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SavedQuery:
    """A ``queries/*.rq`` file: its name, header comment and text."""

    name: str
    path: Path
    description: str
    text: str


@dataclass(frozen=True)
class ResultTable:
    """SELECT results as plain values (None where unbound), with the original terms kept."""

    columns: tuple[str, ...]
    terms: tuple[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...], ...]

    @property
    def rows(self) -> list[tuple[str | None, ...]]:
        return [tuple(None if t is None else t.value for t in row) for row in self.terms]


def saved_queries(directory: Path | None = None) -> list[SavedQuery]:
    """Every saved query, sorted by name."""
    folder = directory or queries_dir()
    return [_read_saved(path) for path in sorted(folder.glob("*.rq"))]


def _read_saved(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line.lstrip("# ").rstrip())
    return SavedQuery(path.stem, path, " ".join(h for h in header if h), text)


def resolve_query(name_or_path: str) -> SavedQuery:
    """A saved query by name (``papers-per-year``) or a path to any ``.rq`` file."""
    path = Path(name_or_path)
    if not path.is_file():
        path = queries_dir() / (
            name_or_path if name_or_path.endswith(".rq") else f"{name_or_path}.rq"
        )
    if not path.is_file():
        known = ", ".join(q.name for q in saved_queries())
        raise QueryError(f"{name_or_path}: no such query file or saved query (saved: {known})")
    return _read_saved(path)


def _term(value: str) -> str:
    """``<iri>`` for a value written in angle brackets, else an escaped string literal."""
    if value.startswith("<") and value.endswith(">"):
        try:
            return iri_ref(value[1:-1])
        except LoadError as exc:
            raise QueryError(f"{value!r}: not a usable IRI") from exc
    return Literal(value).n3()


def bind_parameters(sparql: str, params: dict[str, str]) -> str:
    """Bind ``?name`` variables by a trailing VALUES clause.

    A value in angle brackets (``<https://…>``) is bound as an IRI, anything else as a string
    literal; both are escaped, so no value can change the query.
    """
    if not params:
        return sparql
    for name in params:
        if not _PARAM_NAME.match(name):
            raise QueryError(f"{name!r}: parameter names are SPARQL variable names")
    names = " ".join(f"?{n}" for n in params)
    values = " ".join(_term(v) for v in params.values())
    return f"{sparql.rstrip()}\nVALUES ({names}) {{ ({values}) }}\n"


def run_select(store: GraphStore, sparql: str) -> ResultTable:
    """Run a SELECT query; other query forms are refused here."""
    result = store.query(sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("only SELECT queries can be shown as a table")
    columns = tuple(v.value for v in result.variables)
    rows = tuple(tuple(solution[c] for c in columns) for solution in result)
    return ResultTable(columns, rows)


def format_table(result: ResultTable, max_width: int = 60) -> str:
    def cell(value: str | None) -> str:
        text = "" if value is None else value.replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    rows = [[cell(v) for v in row] for row in result.rows]
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


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
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
        {c: _json_term(t) for c, t in zip(result.columns, row, strict=True) if t is not None}
        for row in result.terms
    ]
    return json.dumps(
        {"head": {"vars": list(result.columns)}, "results": {"bindings": bindings}},
        indent=1,
        ensure_ascii=False,
    )


def format_result(result: ResultTable, fmt: str) -> str:
    if fmt == "table":
        return format_table(result)
    if fmt == "csv":
        return format_csv(result)
    if fmt == "json":
        return format_json(result)
    raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
