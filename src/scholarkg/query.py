"""Run saved or ad-hoc SPARQL over the union of named graphs and format the results."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from scholarkg.errors import LoadError, QueryError
from scholarkg.formats import QUERY_FORMATS
from scholarkg.resources import queries_dir
from scholarkg.store.base import GraphStore
from scholarkg.store.sparql_text import iri_ref

if TYPE_CHECKING:
    from scholarkg.serve.jobs import QueryOutcome

FORMATS = QUERY_FORMATS
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# `# @param name description` (or `# @param? name …` for an optional one; `name:integer` for a
# whole number, `name:iri` for an IRI) in a query's header.
_PARAM_LINE = re.compile(r"^#\s*@param(\??)\s+([A-Za-z_][A-Za-z0-9_]*)(?::(integer|iri))?\s*(.*)$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
# An absolute IRI written without angle brackets: a scheme, a colon, no white space.
_BARE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
# What a text parameter refuses as an IRI: an absolute one in angle brackets, or a bare one
# with an authority (``https://…``) or a URN (``Wang:Wei`` is text).
_IRI_FOR_TEXT = re.compile(
    r"^(?:<[A-Za-z][A-Za-z0-9+.-]*:\S+>|[A-Za-z][A-Za-z0-9+.-]*://\S+|urn:\S+)$", re.IGNORECASE
)
# `# @warm`: a whole-store answer the server computes in the background once per store version.
_WARM_LINE = re.compile(r"^#\s*@warm\s*$")
# A line `# @values` inside the query marks where the parameters' VALUES clause goes.
VALUES_MARKER = re.compile(r"^([ \t]*)#\s*@values[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Parameter:
    """A parameter a saved query declares: bound to the variable ``?name``."""

    name: str
    description: str
    optional: bool = True
    # "text": a string literal (an IRI, bracketed or bare, is refused); "integer": an
    # xsd:integer; "iri": an IRI (in angle brackets or not). A value not of its kind is refused.
    kind: str = "text"


@dataclass(frozen=True)
class SavedQuery:
    """A ``queries/*.rq`` file: its name, header comment, declared parameters and text."""

    name: str
    path: Path
    description: str
    text: str
    parameters: tuple[Parameter, ...] = ()
    warm: bool = False  # `# @warm`: answered by the server's warm-up (without parameters)


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


def saved_queries(directory: Path | None = None) -> list[SavedQuery]:
    """Every saved query, sorted by name."""
    folder = directory or queries_dir()
    return [_read_saved(path) for path in sorted(folder.glob("*.rq"))]


def _read_saved(path: Path) -> SavedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise QueryError(f"{path}: cannot read query file: {exc.strerror or exc}") from None
    header: list[str] = []
    parameters: list[Parameter] = []
    warm = False
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        declared = _PARAM_LINE.match(line)
        if _WARM_LINE.match(line):
            warm = True
        elif declared:
            optional, name, kind, description = declared.groups()
            parameters.append(Parameter(name, description.strip(), optional == "?", kind or "text"))
        else:
            header.append(line.lstrip("# ").rstrip())
    description = " ".join(h for h in header if h)
    return SavedQuery(path.stem, path, description, text, tuple(parameters), warm)


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


# The characters a SPARQL string literal must escape (ECHAR); everything else is itself.
_ECHAR = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def string_literal(value: str) -> str:
    """``value`` as a SPARQL string literal (``"…"``, every quote, backslash and line break
    escaped), so no value can end the literal early; text that is not Unicode (a lone
    surrogate, from bytes that were not UTF-8) is a :class:`QueryError`."""
    check_text(value, repr(value))
    return '"' + "".join(_ECHAR.get(c, c) for c in value) + '"'


def check_text(text: str, where: str) -> str:
    """``text`` if it is Unicode (a lone surrogate, from bytes that are not UTF-8, is a
    :class:`QueryError` naming ``where``)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QueryError(
            f"{where}: not valid text (bytes that are not UTF-8, at {exc.start})"
        ) from None
    return text


def _term(name: str, value: str, kind: str) -> str:
    """An integer for a parameter of kind ``integer``, ``<iri>`` for one of kind ``iri`` (written
    in angle brackets or as a bare absolute IRI), an escaped string literal for one of kind
    ``text``; for an undeclared one (``any``: ad-hoc text) ``<iri>`` when written in angle
    brackets, else a string literal. A value not of its kind is a :class:`QueryError`."""
    if kind == "text":
        return string_literal(value)
    if kind == "integer":
        if not _INTEGER.match(value.strip()):
            raise QueryError(f"parameter {name}: expected a whole number, got {value!r}")
        return str(int(value))
    text = value.strip() if kind == "iri" else value
    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    elif kind == "iri" and _BARE_IRI.match(text):
        iri = text
    elif kind == "iri":
        raise QueryError(f"parameter {name}: expected an IRI, written <https://…>, got {value!r}")
    else:
        return string_literal(value)
    try:
        return iri_ref(iri)
    except LoadError as exc:
        raise QueryError(f"{value!r}: not a usable IRI") from exc


def _variables(sparql: str) -> set[str]:
    from scholarkg.serve.guard import scan_query

    return set(scan_query(sparql).variables)


def check_parameters(query: SavedQuery | str, params: dict[str, str]) -> None:
    """Refuse a parameter the query does not declare (a saved query) or does not use (ad-hoc
    text), naming the parameters it has; refuse a missing required one."""
    for name in params:
        if not _PARAM_NAME.match(name):
            raise QueryError(f"{name!r}: parameter names are SPARQL variable names")
    if isinstance(query, SavedQuery):  # what it declares, none if it declares none
        known = [p.name for p in query.parameters]
        where = f"saved query {query.name}"
    else:
        text = query.text if isinstance(query, SavedQuery) else query
        known = sorted(_variables(text))
        where = "this query"
    unknown = [n for n in params if n not in known]
    if unknown:
        listed = ", ".join(known) if known else "none"
        raise QueryError(
            f"unknown parameter(s) {', '.join(unknown)} for {where}; its parameters: {listed}"
        )
    if isinstance(query, SavedQuery):
        missing = [p.name for p in query.parameters if not p.optional and p.name not in params]
        if missing:
            raise QueryError(f"saved query {query.name} needs parameter(s) {', '.join(missing)}")


def bind_parameters(
    sparql: str, params: dict[str, str], kinds: Mapping[str, str] | None = None
) -> str:
    """Bind ``?name`` variables with a VALUES clause at the query's ``# @values`` line (where
    measured fastest), or after the query when it has none.

    A parameter ``kinds`` names ``integer`` is bound as a whole number, one it names ``iri`` as
    an IRI (anything else is refused for either), one it names ``text`` as a string literal;
    of one it does not name (ad-hoc text), a value in angle brackets (``<https://…>``) as an
    IRI and anything else as a string literal. Each is checked or escaped, so no value can
    change the query.
    """
    if not params:
        return sparql
    for name in params:
        if not _PARAM_NAME.match(name):
            raise QueryError(f"{name!r}: parameter names are SPARQL variable names")
    names = " ".join(f"?{n}" for n in params)
    kind = kinds or {}
    values = " ".join(_term(n, v, kind.get(n, "any")) for n, v in params.items())
    clause = f"VALUES ({names}) {{ ({values}) }}"
    marker = VALUES_MARKER.search(sparql)
    if marker is None:
        return f"{sparql.rstrip()}\n{clause}\n"
    indent = marker.group(1)
    return sparql[: marker.start()] + indent + clause + sparql[marker.end() :]


def bind_saved(query: SavedQuery, params: dict[str, str]) -> str:
    """``query``'s text with ``params`` checked against its declared parameters and bound as
    their kinds say; a value not of its kind is a :class:`QueryError` naming the query (an IRI
    for a text parameter too: no name equals it, the query would answer nothing)."""
    check_parameters(query, params)
    for parameter in query.parameters:
        value = params.get(parameter.name)
        if parameter.kind == "text" and value is not None and _IRI_FOR_TEXT.match(value.strip()):
            iris = [p.name for p in query.parameters if p.kind == "iri"]
            where = f"; an IRI goes in {' or '.join(iris)}" if iris else ""
            raise QueryError(
                f"saved query {query.name}: parameter {parameter.name} takes text (a name), "
                f"not an IRI, got {value!r}{where}"
            )
    try:
        return bind_parameters(query.text, params, {p.name: p.kind for p in query.parameters})
    except QueryError as exc:
        raise QueryError(f"saved query {query.name}: {exc}") from None


def run_select(store: GraphStore, sparql: str) -> ResultTable:
    """Run a trusted SELECT query in this process (the run summary); other forms are refused.

    Queries from users go through :func:`scholarkg.serve.workers.WorkerPool` instead."""
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


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, str]:
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
        {c: _json_term(t) for c, t in zip(result.columns, row, strict=True) if t is not None}
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
    raise QueryError(f"ASK answers come as table or json, not {fmt!r}")


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
