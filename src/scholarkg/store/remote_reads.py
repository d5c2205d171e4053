"""A SPARQL store's reads: queries over the dataset asked for, answers read whole or streamed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import URIRef

from scholarkg.errors import LoadError, QueryError
from scholarkg.shown_text import shown
from scholarkg.store.answer_charset import as_utf8, declared_charset
from scholarkg.store.answer_counts import (
    Row,
    check_variables,
    graph_counts,
    refuse_repeated,
    single_count,
)
from scholarkg.store.answer_rows import Results, read_results
from scholarkg.store.answer_stream import AnswerReader, Tally, recoded, stream_rows
from scholarkg.store.endpoint_http import EndpointSession
from scholarkg.store.endpoint_urls import safe_url
from scholarkg.store.sparql_text import graph_sizes_query, iri_ref

UNION_PARAMS: Mapping[str, Mapping[str, str]] = {
    "oxigraph": {"union-default-graph": ""},
    "fuseki": {"default-graph-uri": "urn:x-arq:UnionGraph"},
    "graphdb": {},
    "virtuoso": {},
    "generic": {},
}
# Servers whose plain default graph is stored apart from the named graphs (counted in quad_count).
SEPARATE_DEFAULT_GRAPH = {"oxigraph", "fuseki"}
_ACCEPT = (
    "application/sparql-results+json,application/n-triples;q=0.9,"
    "application/sparql-results+xml;q=0.5,text/turtle;q=0.5"
)

_SELECT_ACCEPT = "application/sparql-results+json,application/sparql-results+xml;q=0.5"


class SparqlReads:
    """The reads of :class:`~scholarkg.store.remote.SparqlStore`, from its query endpoint
    (``query_url``); ``server`` decides how the union of the named graphs is asked for."""

    query_url: str
    server: str
    _http: EndpointSession

    def graph_sizes(self, iris: Sequence[str]) -> dict[str, int]:
        sizes: dict[str, int] = {}
        for start in range(0, len(iris), 200):
            sizes.update(self.graph_sizes_at_once(iris[start : start + 200]))
        return sizes

    def graph_sizes_at_once(self, iris: Sequence[str]) -> dict[str, int]:
        """:meth:`graph_sizes` in one query, however many graphs (a write's check)."""
        rows = self._counts(graph_sizes_query([_read_ref(i) for i in iris]), ("g", "n"))
        return graph_counts(rows, iris, safe_url(self.query_url))

    def query(
        self,
        sparql: str,
        *,
        union: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query; ``union=True``: the default graph is the union of named graphs.
        ``default_graphs`` / ``named_graphs`` (either one) define the dataset instead, sent as
        the protocol's ``default-graph-uri`` / ``named-graph-uri``."""
        form = self._form(sparql, union, default_graphs, named_graphs)
        body, media_type = self._answer(form, _ACCEPT)
        try:
            rdf_format = ox.RdfFormat.from_media_type(media_type) if media_type else None
            if rdf_format is not None:
                return _as_query_triples(body, rdf_format)
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
            if results_format is None:
                raise QueryError(
                    f"{safe_url(self.query_url)}: unexpected response type {media_type!r}"
                )
            return read_results(body, results_format, safe_url(self.query_url))
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"{safe_url(self.query_url)}: unreadable results: {exc}") from exc

    def _answer(self, form: list[tuple[str, str]], accept: str) -> tuple[bytes, str]:
        """The body (as UTF-8) and media type of the answer to the query ``form``."""
        response = self._http.send(
            "POST",
            self.query_url,
            error=QueryError,
            what="SPARQL query",
            data=form,
            headers={"Accept": accept},
        )
        content_type = response.headers.get("Content-Type", "")
        media_type = content_type.split(";")[0].strip().lower()
        return as_utf8(response.content, content_type, safe_url(self.query_url)), media_type

    def _counts(self, sparql: str, variables: tuple[str, ...]) -> list[Row]:
        """The rows answering one of the store's counting queries (small: a row a graph at
        most) over the stored dataset, read strictly (:mod:`scholarkg.store.answer_counts`):
        SELECT results declaring ``variables``, saying nothing twice (a JSON key, an XML binding).
        The rows are plain mappings: no parse is kept by an error's frame (see
        :mod:`scholarkg.store.answer_rows`)."""
        where = safe_url(self.query_url)
        body, media_type = self._answer(self._form(sparql, union=False), _SELECT_ACCEPT)
        results_format = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
        if results_format is None:
            raise QueryError(f"{where}: unexpected response type {media_type!r}")
        refuse_repeated(body, results_format, where)
        result: Results | None = read_results(body, results_format, where)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError(f"{where}: expected SELECT results")
        declared = [v.value for v in result.variables]
        rows: list[Row] = [{v: row[v] for v in variables} for row in result]
        result = None
        check_variables(declared, variables, where)
        return rows

    def _form(
        self,
        sparql: str,
        union: bool,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> list[tuple[str, str]]:
        """The protocol's form for ``sparql``: the dataset asked for, or the union."""
        form: list[tuple[str, str]] = [("query", sparql)]
        if default_graphs is not None or named_graphs is not None:
            form += [("default-graph-uri", g) for g in default_graphs or ()]
            form += [("named-graph-uri", g) for g in named_graphs or ()]
        elif union:
            form += list(UNION_PARAMS[self.server].items())
        return form

    def select_rows(self, sparql: str, *, union: bool = True) -> StreamedRows:
        """The rows of a ``SELECT`` as its answer arrives, never held whole (an export's read,
        of any size): see :meth:`EndpointSession.stream` for its limits. ``union`` as in
        :meth:`query`."""
        return StreamedRows(self, sparql, union)

    def _rows(self, sparql: str, union: bool, tally: list[Tally]) -> Iterator[ox.QuerySolution]:
        where = safe_url(self.query_url)
        with self._http.stream(
            "POST",
            self.query_url,
            error=QueryError,
            what="SPARQL query",
            data=self._form(sparql, union),
            headers={"Accept": _SELECT_ACCEPT},
        ) as answer:
            tally.append(answer.tally)
            content_type = answer.headers.get("Content-Type", "")
            media_type = content_type.split(";")[0].strip().lower()
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
            if results_format is None:
                raise QueryError(f"{where}: unexpected response type {media_type!r}")
            charset = declared_charset(content_type) or "utf-8"
            body = AnswerReader(recoded(answer.body, charset, where), answer.tally)
            yield from stream_rows(body, results_format, where)

    def _select(self, sparql: str, variables: tuple[str, ...]) -> ox.QuerySolutions:
        """A SELECT's rows over the stored dataset, its head declaring ``variables`` (before: a
        head without them read as rows without them: no graphs, ``None`` terms)."""
        result: Results | None = self.query(sparql, union=False)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError(f"{safe_url(self.query_url)}: expected SELECT results")
        declared = [v.value for v in result.variables]
        try:
            check_variables(declared, variables, safe_url(self.query_url))
        except QueryError:
            result = None  # the parse is not kept by the error's frame (see answer_rows)
            raise
        return result

    def iter_graph_names(self) -> Iterator[str]:
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }", ("g",))
        return _graph_names(rows, safe_url(self.query_url))

    def triples_in(self, iri: URIRef | str) -> set[tuple[str, str, str]]:
        """The triples of one named graph, as N-Triples term strings (for comparisons)."""
        sparql = f"SELECT ?s ?p ?o WHERE {{ GRAPH {_read_ref(iri)} {{ ?s ?p ?o }} }}"
        rows = self._select(sparql, ("s", "p", "o"))
        return {(str(row["s"]), str(row["p"]), str(row["o"])) for row in rows}

    def quad_count(self) -> int:
        """Quads in the named graphs, plus the stored default graph where it is kept apart."""
        total = self._count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "the store")
        if self.server in SEPARATE_DEFAULT_GRAPH:
            default = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
            total += self._count(default, "the default graph")
        return total

    def _count(self, sparql: str, what: str) -> int:
        rows = self._counts(sparql, ("n",))
        return single_count(rows, safe_url(self.query_url), what)


def _read_ref(iri: URIRef | str) -> str:
    try:
        return iri_ref(iri)
    except LoadError as exc:
        raise QueryError(str(exc)) from exc


def _graph_names(rows: ox.QuerySolutions | None, where: str) -> Iterator[str]:
    """The graph IRIs of ``rows`` (``?g``); a :class:`QueryError` naming ``where`` at a row
    naming no graph or one by no IRI (before: passed over)."""
    wrong = None
    for row in rows or ():
        graph = row["g"]
        if not isinstance(graph, ox.NamedNode):
            wrong = (
                "a row of the answer names no graph"
                if graph is None
                else f"the answer names graph {shown(str(graph), limit=80)}, no IRI"
            )
            break
        yield graph.value
    rows = None  # the parse is not kept by the error's frame (see answer_rows)
    if wrong is not None:
        raise QueryError(f"{where}: {wrong}")


def _as_query_triples(body: bytes, rdf_format: ox.RdfFormat) -> ox.QueryTriples:
    """CONSTRUCT/DESCRIBE results as :class:`pyoxigraph.QueryTriples`, like the embedded store."""
    scratch = ox.Store()
    scratch.load(body, format=rdf_format)
    result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result


class StreamedRows:
    """A ``SELECT``'s rows, read from the server as they are iterated (once); ``tally``: the
    answer's bytes read so far and the most held at once."""

    def __init__(self, store: SparqlReads, sparql: str, union: bool) -> None:
        self._tallies: list[Tally] = []
        self._rows = store._rows(sparql, union, self._tallies)

    def __iter__(self) -> Iterator[ox.QuerySolution]:
        return self._rows

    @property
    def tally(self) -> Tally:
        return self._tallies[0] if self._tallies else Tally()
