"""Statistics of the knowledge graph for its VoID description: from the store, or summed from
the store's manifest.

They cover the instance data: every named graph except the ontology, the category scheme and
the description graph itself (``<base>graph/void``). They count *statements*, as the N-Quads
dump holds them (a triple two graphs state counts twice), so they add up: the instance triples
plus the ontology's and the categories' are the dump's quads. Entities are the distinct typed
resources under the instance base. Aggregates over statements and type statements only (no
DISTINCT over the whole store), so they stay cheap as the store grows; no triple is looped over
in Python.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import URIRef

from scholarkg.errors import QueryError
from scholarkg.export_read import QueryableStore
from scholarkg.iris import Minter
from scholarkg.lifecycle import STOP, check_stop
from scholarkg.load.contents import Contents
from scholarkg.store.answer_counts import count_of
from scholarkg.store.endpoint_urls import safe_url
from scholarkg.store.sparql_text import iri_ref


def description_graph_iri(base: str) -> URIRef:
    """The named graph the description is loaded into (``<base>graph/void``)."""
    return URIRef(Minter(base).base + "graph/void")


@dataclass(frozen=True)
class Counts:
    """Statements and distinct subjects of a side graph."""

    triples: int
    distinct_subjects: int = 0


@dataclass(frozen=True)
class Statistics:
    """What the aggregate queries found (IRIs as strings)."""

    triples: int
    entities: int
    classes: dict[str, int]
    properties: dict[str, int]
    side: dict[str, Counts]
    side_terms: frozenset[str]


def _rows(store: QueryableStore, sparql: str, variables: tuple[str, ...]) -> list[dict[str, str]]:
    """A SELECT's rows as ``{variable: lexical value}``; a :class:`QueryError` naming the store
    when a row leaves one of ``variables`` unbound (each is bound in every row of a statistics
    query a server answers as asked)."""
    result = store.query(sparql, union=False)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"{_source(store)}: VoID statistics: the answer holds no SELECT rows")
    rows = []
    for row in result:
        values = {name: term.value for name in variables if (term := row[name]) is not None}
        if len(values) != len(variables):
            unbound = " ".join(f"?{name}" for name in variables if name not in values)
            raise QueryError(f"{_source(store)}: VoID statistics: a row leaves {unbound} unbound")
        rows.append(values)
    return rows


def _source(store: QueryableStore) -> str:
    """The store as an error line names it: a SPARQL server by its query URL, else ``the store``."""
    query_url = getattr(store, "query_url", None)
    return safe_url(query_url) if isinstance(query_url, str) else "the store"


def _counted(store: QueryableStore, value: str, what: str) -> int:
    """A statistics query's count, read strictly: a :class:`QueryError` naming the store when
    a server answers no whole number (``abc``, ``-1``, 10^30), never a traceback or a false
    figure in the description."""
    return count_of(value, f"{_source(store)}: VoID statistics", what)


def dataset_statistics(store: QueryableStore, minter: Minter) -> Statistics:
    """Counts over the instance graphs (all but ontology, categories and ``graph/void``)."""
    sides = (minter.ontology_graph(), minter.category_graph())
    excluded = ", ".join(iri_ref(g) for g in (*sides, description_graph_iri(minter.base)))
    instance = f"FILTER (?g NOT IN ({excluded}))"
    base = str(ox.Literal(minter.base))
    properties = _rows(
        store,
        f"SELECT ?p (COUNT(*) AS ?t) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {instance} }} GROUP BY ?p",
        ("p", "t"),
    )
    counts = {r["p"]: _counted(store, r["t"], f"the triples of <{r['p']}>") for r in properties}
    typed = f"GRAPH ?g {{ ?s a ?c }} {instance[:-1]} && isIRI(?c))"
    classes = _rows(
        store,
        f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {typed} }} GROUP BY ?c",
        ("c", "n"),
    )
    entities = _rows(
        store,
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {typed} "
        f"FILTER (isIRI(?s) && STRSTARTS(STR(?s), {base})) }}",
        ("n",),
    )
    if len(entities) != 1:
        raise QueryError(
            f"{_source(store)}: VoID statistics: the count of entities answered "
            f"{len(entities)} rows, not one"
        )
    side, terms = _side_statistics(store, sides)
    return Statistics(
        triples=sum(counts.values()),
        entities=_counted(store, entities[0]["n"], "the entities"),
        classes={r["c"]: _counted(store, r["n"], f"the entities of <{r['c']}>") for r in classes},
        properties=counts,
        side=side,
        side_terms=terms,
    )


def _side_statistics(
    store: QueryableStore, sides: Sequence[URIRef]
) -> tuple[dict[str, Counts], frozenset[str]]:
    """Statements and distinct subjects of the ontology and category graphs, and the IRIs they
    use (graph-bound queries: only those graphs are read)."""
    values = " ".join(iri_ref(g) for g in sides)
    side = _rows(
        store,
        f"SELECT ?g (COUNT(*) AS ?t) (COUNT(DISTINCT ?e) AS ?ds) WHERE {{ VALUES ?g {{ {values} }}"
        " GRAPH ?g { ?s ?p ?o } BIND (IF(isIRI(?s), ?s, ?unbound) AS ?e) } GROUP BY ?g",
        ("g", "t", "ds"),
    )
    terms = _rows(
        store,
        f"SELECT DISTINCT ?t WHERE {{ VALUES ?g {{ {values} }} "
        "GRAPH ?g { { ?s ?t ?o } UNION { ?s ?p ?t } } FILTER (isIRI(?t)) }",
        ("t",),
    )
    return (
        {
            r["g"]: Counts(
                _counted(store, r["t"], f"the triples of graph <{r['g']}>"),
                _counted(store, r["ds"], f"the subjects of graph <{r['g']}>"),
            )
            for r in side
        },
        frozenset(r["t"] for r in terms),
    )


STEPS = 100_000
"""SQLite virtual-machine steps between two looks at a stop request while counting: a
fraction of a millisecond."""


def _stop_asked() -> bool:
    return STOP.is_set()


@contextmanager
def stoppable(db: sqlite3.Connection) -> Iterator[None]:
    """Queries on ``db`` inside end with :class:`~scholarkg.lifecycle.Interrupted` as soon as a
    stop is asked for: SQLite calls back every :data:`STEPS` steps, which also lets Python run
    the SIGTERM/SIGINT handler (it cannot while one statement runs in SQLite), and the callback
    aborts the statement. A count of the distinct typed subjects of a large store is one
    statement (0.6-0.9 s at 100 000 records)."""
    db.set_progress_handler(_stop_asked, STEPS)
    try:
        yield
    except sqlite3.OperationalError:
        check_stop()  # the statement was aborted for the stop: say so
        raise
    finally:
        db.set_progress_handler(None, 0)
    check_stop()  # asked for as the last statement ended


def manifest_statistics(store: QueryableStore, minter: Minter, contents: Contents) -> Statistics:
    """The same counts as :func:`dataset_statistics`, summed from what the loaders noted in the
    store's manifest (no pass over the store); the side graphs are counted in the store. A stop
    asked for meanwhile ends the count (:func:`stoppable`)."""
    with stoppable(contents.db):
        properties = contents.predicate_totals()
        entities = contents.entities(minter.base)
        classes = contents.class_entities()
    side, terms = _side_statistics(store, (minter.ontology_graph(), minter.category_graph()))
    return Statistics(
        triples=sum(properties.values()),
        entities=entities,
        classes=classes,
        properties=properties,
        side=side,
        side_terms=terms,
    )
