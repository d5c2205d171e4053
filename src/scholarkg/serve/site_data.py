"""The data behind the site's pages: the landing page's aggregates, the search index and what
dereferencing an IRI finds (an entity's tables or a description), computed by the workers and
kept in the aggregate cache until the store changes."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from scholarkg.errors import ScholarKGError
from scholarkg.serve import entities
from scholarkg.serve.cache import AggregateCache
from scholarkg.serve.coauthors import coauthor_table
from scholarkg.serve.entities import Table
from scholarkg.serve.jobs import QueryOutcome
from scholarkg.serve.landing_queries import (
    CATEGORY_LABELS,
    LANDING_COUNTS,
    PAPERS_PER_YEAR,
    TOP_AUTHORS,
    TOP_CATEGORIES,
    TOP_PEOPLE,
)
from scholarkg.serve.linked_data import (
    Description,
    IriMapper,
    describe,
    iri_form,
    minted_form,
)
from scholarkg.serve.search import INDEX_QUERY, Hit, SearchIndex
from scholarkg.serve.workers import WorkerPool
from scholarkg.store.sparql_text import iri_ref

SLOW_PAGE = 1.0  # seconds: a page slower than this to compute is cached
LANDING, SEARCH = "landing", "search"  # keys of the landing aggregates and the search index
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
class SiteData:
    """The pages' data over ``pool``; aggregates run under ``aggregate_time_limit``."""

    pool: WorkerPool
    cache: AggregateCache
    mapper: IriMapper
    aggregate_time_limit: float

    def _aggregate(self, sparql: str) -> QueryOutcome:
        """One of the server's own aggregates: run alone, under the aggregate time limit."""
        return self.pool.select_many([sparql], time_limit=self.aggregate_time_limit)[0]

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

        return self.cache.get(LANDING, compute)

    def cached_landing(self) -> Landing | None:
        """The landing page's aggregates when computed for this version of the store."""
        return self.cache.peek(LANDING)  # type: ignore[no-any-return]

    def cached_index(self) -> SearchIndex | None:
        """The search index when built for this version of the store."""
        return self.cache.peek(SEARCH)  # type: ignore[no-any-return]

    def search_index(self) -> SearchIndex:
        return self.cache.get(SEARCH, lambda: SearchIndex(self._aggregate(INDEX_QUERY)))

    def search(self, text: str) -> list[Hit]:
        return self.search_index().search(text)

    def resource(self, iri: str, *, html: bool) -> Resource:
        """Dereference ``iri`` (ScholarKGError when it cannot be written into SPARQL); not
        found, the IRI its percent-escapes stand for, as minted (:func:`minted_form`) or in
        Unicode (:func:`iri_form`: before, a retired IRI merged into a Unicode one redirected
        to a 404)."""
        found = self._resource(iri, html=html)
        if found.found:
            return found
        for other in (minted_form(self.mapper, iri), iri_form(self.mapper, iri)):
            if other is not None:
                with contextlib.suppress(ScholarKGError):
                    if (alternative := self._resource(other, html=html)).found:
                        return alternative
        return found

    def _resource(self, iri: str, *, html: bool) -> Resource:
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
