"""What the HTTP routes call: client queries through the worker pool (cached, single-flight,
refused once a limit stopped them), Graph Store reads, updates, and the store's life (workers
and caches refreshed when it changes); the pages' data is :mod:`.site_data`'s.

Every method blocks (routes run them in a thread); none runs a query in this process.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from scholarkg.config import ServeSettings
from scholarkg.errors import QueryError, QueryLimitError, ScholarKGError
from scholarkg.query import SavedQuery, saved_queries
from scholarkg.serve.answer_weight import held
from scholarkg.serve.cache import (
    AggregateCache,
    Exhausted,
    ResultCache,
    StoreWatcher,
)
from scholarkg.serve.flights import Flights, copied, wait_for
from scholarkg.serve.guard import QueryLimits, check_query
from scholarkg.serve.job_errors import exhausted_error, still_running
from scholarkg.serve.jobs import TERMS, QueryJob, QueryOutcome
from scholarkg.serve.linked_data import IriMapper
from scholarkg.serve.protocol import Operation, Wanted
from scholarkg.serve.protocol import negotiate as negotiate_query
from scholarkg.serve.query_key import normal_form
from scholarkg.serve.site_data import SiteData
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.updates import Updates
from scholarkg.serve.workers import CLIENT_GONE, WorkerPool
from scholarkg.store.sparql_text import iri_ref

log = logging.getLogger(__name__)
SLOW_QUERY = 0.5  # seconds: a client query slower than this has its answer cached
HTML_ROWS = 1000  # rows an HTML results page shows; its worker reads one more, no further


@dataclass
class KnowledgeGraph:
    """The served store: its workers, its watcher, its caches, the saved queries and the
    pages' data (``site``)."""

    spec: StoreSpec
    settings: ServeSettings
    mapper: IriMapper
    update_store: Any = None  # the store SPARQL Update is allowed on (None: read-only)
    exports_dir: Path | None = None
    state_dir: Path | None = None  # beside the store's manifest: updates are noted there
    limits: QueryLimits = field(init=False)
    pool: WorkerPool = field(init=False)
    updates: Updates | None = field(init=False, default=None)  # None: read-only
    watcher: StoreWatcher = field(init=False)
    cache: AggregateCache = field(init=False)
    results: ResultCache = field(init=False)
    flights: Flights = field(init=False, default_factory=Flights)
    exhausted: Exhausted = field(init=False, default_factory=Exhausted)
    saved: list[SavedQuery] = field(init=False)
    site: SiteData = field(init=False)
    warmed: threading.Event = field(init=False, default_factory=threading.Event)
    _closing: threading.Event = field(init=False, default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.limits = QueryLimits.from_settings(self.settings)
        self.pool = WorkerPool(
            self.spec,
            self.limits,
            self.settings.workers,
            quick=self.settings.quick_workers,
            quick_limit=self.settings.quick_time_limit,
        )
        path = Path(self.spec.location) if self.spec.kind == "oxigraph" else None
        self.watcher = StoreWatcher(path, self.settings.refresh_interval)
        self.cache = AggregateCache()
        self.results = ResultCache(self.settings.result_cache_mb * 1024 * 1024)
        self.saved = saved_queries()
        aggregate_limit = self.settings.aggregate_time_limit
        self.site = SiteData(self.pool, self.cache, self.mapper, aggregate_limit)
        if self.update_store is not None:
            try:
                self.updates = Updates(self.spec, self.limits, self.update_store, self.state_dir)
            except BaseException:  # before: only a ScholarKGError; another left the workers
                self.pool.close()  # running and the server hung on them
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

        def work() -> None:  # in a worker of its own (WorkerPool.own_work), not the clients'
            with self.pool.own_work(), contextlib.suppress(ScholarKGError):
                landing = self.site.landing()
                self.site.search_index()
                # The hubs the landing page links to are the slow pages: compute them now.
                hubs = [r.get("person") for r in landing.people]
                hubs += [r.get("c") for r in landing.categories]
                for hub in hubs:
                    if isinstance(hub, ox.NamedNode):
                        self.site.resource(hub.value, html=True)
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
        """Run a client's query in a worker; the answer of a slow one (an HTML page's rows
        too) is kept (by store version, text, dataset and format) and served again until the
        store changes. The same query asked while it is being answered waits for that answer
        (up to its time limit) instead of taking a second worker. For an HTML page the worker
        reads and sends the :data:`HTML_ROWS` rows shown and one more (there are more than
        shown), never the rest."""
        key = self._key(operation, wanted)
        job = key[1]
        cached = self.results.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        limit = self.settings.time_limit if time_limit is None else time_limit
        gone = CLIENT_GONE.get()
        with self.flights.first(key, limit) as running:
            if running is not None:  # the same query is being answered: wait for that answer
                if not wait_for(running, limit, gone):
                    raise still_running(limit)
                if (failure := running.failure) is not None:  # not asked again for it
                    raise copied(failure) from failure  # each its own (before: one object)
                cached = self.results.get(key)
                if cached is not None:
                    return cached  # type: ignore[no-any-return]
            if gone is None:
                return self._answer(key, job, limit, time_limit)
            # stopped once its client has gone and no other client waits for its answer
            token = CLIENT_GONE.set(self.flights.unwanted(key, gone))
            try:
                return self._answer(key, job, limit, time_limit)
            finally:
                CLIENT_GONE.reset(token)

    async def answer_in_flight(self, operation: Operation, wanted: Wanted) -> QueryOutcome | None:
        """The answer of this query when it is being answered now (for another client, or the
        warm-up), waited for in the event loop: it takes no thread and no worker, so no place
        of ``max_queries_per_client`` either. None when none is running, or when the one
        running kept no answer (it was fast): then ask :meth:`query`; but one a limit stopped
        is refused (503) as :meth:`query` would, one that failed otherwise gets its failure:
        a waiting client takes no place of ``max_queries_per_client``. While it waits (until
        cancelled: its client left), the query is not stopped for its first asker's leaving."""
        key = self._key(operation, wanted)
        limit = self.settings.time_limit
        ended = await self.flights.settled(key, limit)
        if ended is False:
            raise still_running(limit)
        if ended is None:
            return None
        kept = self.results.get(key)
        if kept is None and (failure := ended.failure) is not None:
            raise copied(failure) from failure  # before: asked again in a thread, 429 past cap
        # the flight's first asker had this very text (the key holds it) checked by the guard:
        # a refusal would be its failure; not read again here (before: in the event loop)
        if kept is None and (refused := self._refused(self._known_as(key[1]), limit)) is not None:
            raise refused  # as a failure: before, asked again, 429 past the client's cap
        return kept  # type: ignore[no-any-return]

    def kept(self, operation: Operation, wanted: Wanted) -> QueryOutcome | None:
        """The answer :meth:`query` kept for this query on this version of the store, if any:
        it takes no worker (nor a place of ``max_queries_per_client``)."""
        return self.results.get(self._key(operation, wanted))  # type: ignore[no-any-return]

    def refusal(self, operation: Operation, wanted: Wanted) -> QueryLimitError | None:
        """The 503 :meth:`query` answers this query with at once, asking no worker, when a
        limit stopped it on this version of the store (a HEAD tells it, running nothing). Its
        text is one the guard took (:func:`check_query`, which the caller ran): it is not
        read by the guard again (before: a HEAD's text was read twice)."""
        asked = self._known_as(self._key(operation, wanted)[1])
        return self._refused(asked, self.settings.time_limit)

    def _key(self, operation: Operation, wanted: Wanted) -> tuple[str, QueryJob]:
        """The result cache's key of a client's query: the store's version and its job."""
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
        return self.watcher.version, job

    def _answer(
        self, key: tuple[str, QueryJob], job: QueryJob, limit: float, time_limit: float | None
    ) -> QueryOutcome:
        """Run ``job`` in a worker, unless a limit stopped it on this version of the store."""
        info = check_query(job.sparql, self.limits)  # the guard, once: the pool takes its word
        asked = self._known_as(job)
        if (refused := self._refused(asked, limit)) is not None:
            raise refused
        started = time.monotonic()
        try:
            outcome = self.pool.run(job, time_limit=time_limit, checked=info)
        except QueryLimitError as exc:
            if exc.limit == "time":
                self.exhausted.note(asked, limit, f"ran past the time limit of {limit:g} s")
            elif exc.limit == "memory":
                memory = self.settings.memory_limit_mb
                self.exhausted.note(asked, math.inf, f"exceeded the memory limit of {memory} MiB")
            raise
        if time.monotonic() - started > SLOW_QUERY:  # an HTML page's rows too: the key has
            self.results.put(key, outcome, held(job, outcome))  # the store version and dataset
        return outcome

    def _known_as(self, job: QueryJob) -> tuple[str, str, Any, Any]:
        """What :attr:`exhausted` knows ``job`` by: the store's version, its text in normal
        form (a comment added does not make it another query) and its dataset. Only of a text
        the guard took (:func:`check_query`: too large, nested too deep, …), which read as
        little of a text it refuses as it could: normal form reads the whole text (a 4 MB
        body of ``<`` cost ~2.9 CPU seconds; before, a 250 KB query nested past the limit was
        put in normal form in full, then refused having read its start)."""
        text = normal_form(job.sparql)
        return (self.watcher.version, text, job.default_graphs, job.named_graphs)

    def _refused(self, asked: Hashable, limit: float) -> QueryLimitError | None:
        """The 503 of the query ``asked`` (:meth:`_known_as`) when a limit stopped it on this
        version of the store and would stop it again under ``limit``."""
        why = self.exhausted.refused(asked, limit)
        return None if why is None else exhausted_error(why)

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
