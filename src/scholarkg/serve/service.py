"""What the HTTP routes call: queries through the worker pool, cached aggregates, entities.

Every method blocks (routes run them in a thread); none runs a query in this process.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from scholarkg.config import ServeSettings
from scholarkg.errors import QueryError, QueryLimitError, ScholarKGError
from scholarkg.query import SavedQuery, saved_queries
from scholarkg.serve import entities
from scholarkg.serve.cache import (
    AggregateCache,
    Exhausted,
    Flights,
    ResultCache,
    StoreWatcher,
)
from scholarkg.serve.coauthors import coauthor_table
from scholarkg.serve.entities import Table
from scholarkg.serve.guard import QueryLimits
from scholarkg.serve.jobs import TERMS, QueryJob, QueryOutcome
from scholarkg.serve.landing_queries import (
    CATEGORY_LABELS,
    LANDING_COUNTS,
    PAPERS_PER_YEAR,
    TOP_AUTHORS,
    TOP_CATEGORIES,
    TOP_PEOPLE,
)
from scholarkg.serve.linked_data import Description, IriMapper, describe, minted_form
from scholarkg.serve.protocol import Operation, Wanted
from scholarkg.serve.protocol import negotiate as negotiate_query
from scholarkg.serve.query_key import normal_form
from scholarkg.serve.search import INDEX_QUERY, Hit, SearchIndex
from scholarkg.serve.updates import Updates
from scholarkg.serve.worker_process import StoreSpec
from scholarkg.serve.workers import BUSY_RETRY_AFTER, WorkerPool
from scholarkg.store.sparql_text import iri_ref

log = logging.getLogger(__name__)
SLOW_PAGE = 1.0  # seconds: a page slower than this to compute is cached
SLOW_QUERY = 0.5  # seconds: a client query slower than this has its answer cached
HTML_ROWS = 1000  # rows an HTML results page shows; its worker reads one more, no further
SKG = "https://w3id.org/scholarkg/ontology#"
ENTITY_KINDS = {
    SKG + "Person": ("person", entities.PERSON_QUERIES),
    SKG + "Paper": ("paper", entities.PAPER_QUERIES),
    SKG + "Organization": ("organisation", entities.ORGANISATION_QUERIES),
    SKG + "Group": ("group", entities.GROUP_QUERIES),
    SKG + "Category": ("category", entities.CATEGORY_QUERIES),
}


@dataclass(frozen=True)
class Landing:
    """The landing page's aggregates."""

    counts: dict[str, int]
    people: tuple[dict[str, Any], ...]
    categories: tuple[dict[str, Any], ...]
    years: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Resource:
    """What dereferencing an IRI found: a redirect, an entity's tables, or a description."""

    iri: str
    retired_to: str | None = None
    kind: str | None = None
    tables: tuple[Table, ...] = ()
    description: Description | None = None
    found: bool = True


@dataclass
class KnowledgeGraph:
    """The served store: its workers, its watcher, its caches and the saved queries."""

    spec: StoreSpec
    settings: ServeSettings
    mapper: IriMapper
    update_store: Any = None  # the store SPARQL Update is allowed on (None: read-only)
    exports_dir: Path | None = None
    limits: QueryLimits = field(init=False)
    pool: WorkerPool = field(init=False)
    updates: Updates | None = field(init=False, default=None)  # None: read-only
    watcher: StoreWatcher = field(init=False)
    cache: AggregateCache = field(init=False)
    results: ResultCache = field(init=False)
    flights: Flights = field(init=False, default_factory=Flights)
    exhausted: Exhausted = field(init=False, default_factory=Exhausted)
    saved: list[SavedQuery] = field(init=False)
    warmed: threading.Event = field(init=False, default_factory=threading.Event)
    _closing: threading.Event = field(init=False, default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.limits = QueryLimits.from_settings(self.settings)
        self.pool = WorkerPool(self.spec, self.limits, self.settings.workers)
        path = Path(self.spec.location) if self.spec.kind == "oxigraph" else None
        self.watcher = StoreWatcher(path, self.settings.refresh_interval)
        self.cache = AggregateCache()
        self.results = ResultCache(self.settings.result_cache_mb * 1024 * 1024)
        self.saved = saved_queries()
        if self.update_store is not None:
            try:
                self.updates = Updates(self.spec, self.limits, self.update_store)
            except ScholarKGError:
                self.pool.close()
                raise

    def start(self) -> None:
        """Warm up, then look at the store every ``refresh_interval`` seconds in the background
        (not only when a request comes), so an idle server moves to a run's new state, warms
        for it and lets go of the old one."""
        self.warm()

        def watch() -> None:
            while not self._closing.wait(self.settings.refresh_interval):
                with contextlib.suppress(ScholarKGError):
                    self.check_store()

        threading.Thread(target=watch, name="scholarkg-store-watch", daemon=True).start()

    def close(self) -> None:
        self._closing.set()
        self.pool.close()
        if self.updates is not None:
            self.updates.close()

    def warm(self) -> None:
        """Compute the landing aggregates, the search index and the hub pages the landing page
        links to, in a background thread (``warmed`` is set when it is done)."""
        self.warmed.clear()

        def work() -> None:
            with contextlib.suppress(ScholarKGError):
                landing = self.landing()
                self.search_index()
                # The hubs the landing page links to are the slow pages: compute them now.
                hubs = [r.get("person") for r in landing.people]
                hubs += [r.get("c") for r in landing.categories]
                for hub in hubs:
                    if isinstance(hub, ox.NamedNode):
                        self.resource(hub.value, html=True)
                self.warm_saved_queries()
            self.warmed.set()

        threading.Thread(target=work, name="scholarkg-warm", daemon=True).start()

    def check_store(self, *, force: bool = False) -> None:
        """Reopen workers and drop caches when the store changed since the last look."""
        if self.watcher.changed(force=force):
            log.info(
                "store changed (version %s): refreshing workers and caches", self.watcher.version
            )
            self.pool.refresh()
            self.cache.clear()
            self.results.clear()
            self.exhausted.clear()
            self.warm()

    def query(
        self, operation: Operation, wanted: Wanted, *, time_limit: float | None = None
    ) -> QueryOutcome:
        """Run a client's query in a worker; the answer of a slow one is kept (by store
        version, text, dataset and format) and served again until the store changes. The same
        query asked while it is being answered waits for that answer (up to its time limit)
        instead of taking a second worker. For an HTML page the worker reads and sends the
        :data:`HTML_ROWS` rows shown and one more (there are more than shown), never the rest."""
        job = QueryJob(
            operation.text,
            True,
            operation.default_graphs,
            operation.named_graphs,
            TERMS if wanted.html else wanted.results,
            TERMS if wanted.html else wanted.graph,
            self.mapper.iri_base,
            max_rows=HTML_ROWS + 1 if wanted.html else None,
        )
        key = (self.watcher.version, job)
        cached = self.results.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        limit = self.settings.time_limit if time_limit is None else time_limit
        with self.flights.first(key) as running:
            if running is not None:  # the same query is being answered: wait for that answer
                if not running.wait(limit):
                    raise QueryLimitError(
                        "the same query is being answered for another client (or the warm-up "
                        f"after a store change) and took longer than {limit:g} s so far; its "
                        "answer is kept for you: try again shortly",
                        status=503,
                        retry_after=BUSY_RETRY_AFTER,
                    )
                cached = self.results.get(key)
                if cached is not None:
                    return cached  # type: ignore[no-any-return]
            return self._answer(key, job, limit, time_limit)

    def _answer(
        self, key: tuple[str, QueryJob], job: QueryJob, limit: float, time_limit: float | None
    ) -> QueryOutcome:
        """Run ``job`` in a worker, unless a limit stopped it on this version of the store."""
        text = normal_form(job.sparql)  # a comment added does not make it another query
        asked = (self.watcher.version, text, job.default_graphs, job.named_graphs)
        if (why := self.exhausted.refused(asked, limit)) is not None:
            raise QueryLimitError(
                f"query refused: on this version of the store it {why}; narrow it (a filter, "
                "a LIMIT) or use the dumps",
                status=503,
            )
        started = time.monotonic()
        try:
            outcome = self.pool.run(job, time_limit=time_limit)
        except QueryLimitError as exc:
            if exc.limit == "time":
                self.exhausted.note(asked, limit, f"ran past the time limit of {limit:g} s")
            elif exc.limit == "memory":
                memory = self.settings.memory_limit_mb
                self.exhausted.note(asked, math.inf, f"exceeded the memory limit of {memory} MiB")
            raise
        if outcome.body is not None and time.monotonic() - started > SLOW_QUERY:
            self.results.put(key, outcome, len(outcome.body))
        return outcome

    def warm_saved_queries(self) -> None:
        """Answer the saved queries marked ``# @warm`` (whole-store aggregates) once, without
        parameters, under the aggregate time limit, so clients get them from the result cache.
        The others are per-person queries: without a parameter they answer for everyone, an
        export-sized answer that would hold a worker for the whole limit at every store change."""
        wanted = negotiate_query("application/sparql-results+json", None)
        for saved in self.saved:
            if not saved.warm or any(not p.optional for p in saved.parameters):
                continue
            with contextlib.suppress(ScholarKGError):
                operation = Operation("query", saved.text)
                self.query(operation, wanted, time_limit=self.settings.aggregate_time_limit)

    def graph(self, iri: str | None, media: str) -> QueryOutcome:
        """Graph Store Protocol read: one named graph, or the default graph (the union)."""
        if iri is None:
            sparql = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        else:
            sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_ref(iri)} {{ ?s ?p ?o }} }}"
        return self.pool.run(QueryJob(sparql, graph_format=media, base=self.mapper.iri_base))

    def update(self, text: str) -> None:
        """Apply one SPARQL Update (see :mod:`scholarkg.serve.updates`)."""
        if self.updates is None:
            raise QueryError("this server cannot run SPARQL Update")
        try:
            self.updates.apply(text)
        finally:  # a stopped update wrote nothing, but the store may have been reopened
            self.check_store(force=True)

    def _aggregate(self, sparql: str) -> QueryOutcome:
        """One of the server's own aggregates: run alone, under the aggregate time limit."""
        return self.pool.select_many([sparql], time_limit=self.settings.aggregate_time_limit)[0]

    def landing(self) -> Landing:
        def compute() -> Landing:
            counts = {}
            for name, sparql in LANDING_COUNTS:
                rows = self._aggregate(sparql).rows
                term = rows[0][0] if rows else None
                counts[name] = int(term.value) if isinstance(term, ox.Literal) else 0
            top = [
                r[0] for r in self._aggregate(TOP_AUTHORS).rows if isinstance(r[0], ox.NamedNode)
            ]
            people: tuple[dict[str, Any], ...] = ()
            if top:
                values = " ".join(iri_ref(t.value) for t in top)
                people = Table.of(self._aggregate(TOP_PEOPLE.format(values=values))).rows
            categories = Table.of(self._aggregate(TOP_CATEGORIES)).rows
            if categories:
                values = " ".join(iri_ref(r["c"].value) for r in categories)
                labels = Table.of(self._aggregate(CATEGORY_LABELS.format(values=values))).rows
                named = {r["c"].value: r for r in labels}
                categories = tuple({**named.get(r["c"].value, {}), **r} for r in categories)
            years = Table.of(self._aggregate(PAPERS_PER_YEAR)).rows
            return Landing(counts, people, categories, years)

        return self.cache.get("landing", compute)

    def search_index(self) -> SearchIndex:
        return self.cache.get("search", lambda: SearchIndex(self._aggregate(INDEX_QUERY)))

    def search(self, text: str) -> list[Hit]:
        return self.search_index().search(text)

    def resource(self, iri: str, *, html: bool) -> Resource:
        """Dereference ``iri`` (ScholarKGError when it cannot be written into SPARQL)."""
        ref = iri_ref(iri)
        retired, kinds = self.pool.select_many(
            [entities.RETIRED_QUERY.format(ref=ref), entities.KIND_QUERY.format(ref=ref)]
        )
        if retired.rows and isinstance(retired.rows[0][0], ox.NamedNode):
            return Resource(iri, retired_to=retired.rows[0][0].value)
        types = {row[0].value for row in kinds.rows if isinstance(row[0], ox.NamedNode)}
        kind = next((ENTITY_KINDS[t] for t in ENTITY_KINDS if t in types), None)
        if html and kind is not None:
            name, queries = kind
            if name == "category":  # categories are hubs: their aggregates are cached
                tables = self.cache.get(f"category {iri}", lambda: self._category(queries, ref))
            elif name == "person":
                tables = self._person(queries, ref, iri)
            else:
                tables = self._tables(queries, ref)
            return Resource(iri, kind=name, tables=tables)
        description = describe(self.pool, iri)
        if not description.found and (minted := minted_form(self.mapper, iri)):
            with contextlib.suppress(ScholarKGError):
                description = describe(self.pool, minted)
        return Resource(iri, description=description, found=description.found)

    def _person(self, queries: tuple[str, ...], ref: str, iri: str) -> tuple[Table, ...]:
        """A person's tables (co-authors counted here); kept when they took over a second to
        compute (people with thousands of papers), until the store changes."""
        key = f"person {iri}"
        cached = self.cache.peek(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        generation, started = self.cache.generation, time.monotonic()
        tables = list(self._tables(queries, ref))
        tables.insert(6, coauthor_table(self.pool, tables[5], iri))
        result = tuple(tables)
        if time.monotonic() - started > SLOW_PAGE:
            self.cache.put(key, result, generation)
        return result

    def _category(self, queries: tuple[str, ...], ref: str) -> tuple[Table, ...]:
        tables = [Table.of(self._aggregate(q)) for q in entities.bound(queries, ref)]
        people = tables[-1]
        iris = [row["person"].value for row in people.rows if "person" in row]
        if iris:
            names = self._aggregate(entities.names_query(iris))
            tables[-1] = entities.with_names(people, "person", names)
        return tuple(tables)

    def _tables(self, queries: tuple[str, ...], ref: str) -> tuple[Table, ...]:
        outcomes = self.pool.select_many(entities.bound(queries, ref))
        return tuple(Table.of(o) for o in outcomes)
