"""The SPARQL behind the entity pages (graph model v2), run in one worker round trip each.

Every query is bound to one IRI that :func:`scholarkg.store.sparql_text.iri_ref` checked, and
each is bounded (one person's papers, one paper's authors, LIMITs on long lists).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from scholarkg.serve.jobs import QueryOutcome

PREFIXES = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
LIST_LIMIT = 500

KIND_QUERY = PREFIXES + "SELECT DISTINCT ?type WHERE {{ {ref} a ?type }}"
# a person merged into another, or a listed-only paper its arXiv record later resolved: the
# end of its chain of merges, so one redirect reaches the survivor. On a cycle (or merged into
# itself) no IRI ends the chain: no survivor, and the IRI is described where it is, not looped.
_RETIRED_BY = "skg:mergedInto|dcterms:isReplacedBy"
RETIRED_QUERY = (
    PREFIXES
    + f"SELECT ?target WHERE {{{{ {{ref}} ({_RETIRED_BY})+ ?target "
    + f"FILTER NOT EXISTS {{{{ ?target {_RETIRED_BY} ?next }}}} }}}} LIMIT 1"
)
OWN_QUERY = PREFIXES + "SELECT DISTINCT ?p ?o WHERE {{ {ref} ?p ?o }} LIMIT 2000"

# Facets are fetched by separate joins, never by OPTIONALs side by side: a triple stated in
# several graphs (profile and arXiv) repeats in the union, and OPTIONALs multiply the repeats.
_MINE = "?a skg:author {ref} . ?paper skg:hasAuthorship ?a ."
PERSON_QUERIES = (
    OWN_QUERY,
    PREFIXES + "SELECT DISTINCT ?paper ?a WHERE {{ " + _MINE + " }}",
    PREFIXES
    + "SELECT ?paper (MIN(?x) AS ?title) WHERE {{ "
    + _MINE
    + " ?paper dcterms:title ?x }} GROUP BY ?paper",
    PREFIXES
    + "SELECT ?paper (MIN(?x) AS ?issued) WHERE {{ "
    + _MINE
    + " ?paper dcterms:issued ?x }} GROUP BY ?paper",
    PREFIXES + "SELECT DISTINCT ?a ?p ?o WHERE {{ ?a skg:author {ref} . ?a ?p ?o }}",
    # Every author of their papers, in one join: the author count of each paper and the
    # co-authors (counted in Python, named afterwards) both come from it.
    PREFIXES
    + "SELECT DISTINCT ?paper ?other WHERE {{ "
    + _MINE
    + " ?paper skg:hasAuthorship ?b . ?b skg:author ?other }}",
    PREFIXES
    + """SELECT ?org (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
  ?a skg:author {ref} . ?paper skg:hasAuthorship ?a ; skg:organization ?org .
  OPTIONAL {{ ?org skos:prefLabel ?l }}
}} GROUP BY ?org ORDER BY DESC(?papers) ?label LIMIT 100""",
    PREFIXES
    + """SELECT ?metric ?at (MAX(?v) AS ?value) WHERE {{
  ?o skg:observationOf {ref} ; skg:metric ?metric ; skg:observedAt ?at ; skg:value ?v .
}} GROUP BY ?metric ?at ORDER BY ?metric ?at""",
    PREFIXES + """SELECT DISTINCT ?retired WHERE {{ ?retired skg:mergedInto {ref} }}""",
)

PAPER_QUERIES = (
    OWN_QUERY,
    PREFIXES
    + """SELECT ?a (MIN(?pos) AS ?position) (SAMPLE(?agent) AS ?author)
  (SAMPLE(?name) AS ?authorName) (SAMPLE(?group) AS ?isGroup) (SAMPLE(?rule) AS ?rule)
  (SAMPLE(?basis) AS ?basis) (SAMPLE(?aff) AS ?affiliation)
WHERE {{
  {ref} skg:hasAuthorship ?a .
  OPTIONAL {{ ?a skg:position ?pos }}
  OPTIONAL {{ ?a skg:author ?agent . OPTIONAL {{ ?agent foaf:name ?name }}
             OPTIONAL {{ ?agent a skg:Group . BIND (true AS ?group) }} }}
  OPTIONAL {{ ?a skg:identityRule ?rule }} OPTIONAL {{ ?a skg:identityBasis ?basis }}
  OPTIONAL {{ ?a skg:affiliationAsListed ?aff }}
}} GROUP BY ?a ORDER BY ?position ?a LIMIT 5000""",
    PREFIXES
    + """SELECT DISTINCT ?a ?listed ?g WHERE {{
  {ref} skg:hasAuthorship ?a . GRAPH ?g {{ ?a skg:nameAsListed ?listed }} }} LIMIT 20000""",
    PREFIXES
    + """SELECT ?v (SAMPLE(?n) AS ?number) (SAMPLE(?d) AS ?date) (SAMPLE(?t) AS ?title)
WHERE {{ {ref} dcterms:hasVersion ?v . OPTIONAL {{ ?v skg:versionNumber ?n }}
  OPTIONAL {{ ?v dcterms:date ?d }} OPTIONAL {{ ?v dcterms:title ?t }} }}
GROUP BY ?v ORDER BY ?number""",
    PREFIXES
    + """SELECT ?c (SAMPLE(?nt) AS ?notation) (SAMPLE(?l) AS ?label) WHERE {{
  {ref} skg:category ?c . OPTIONAL {{ ?c skos:notation ?nt }} OPTIONAL {{ ?c skos:prefLabel ?l }}
}} GROUP BY ?c ORDER BY ?notation""",
    PREFIXES
    + """SELECT ?r (SAMPLE(?s) AS ?state) (SAMPLE(?f) AS ?from) (SAMPLE(?sc) AS ?score)
  (SAMPLE(?ts) AS ?titleSimilarity) (SAMPLE(?dd) AS ?dateDistanceDays)
  (SAMPLE(?aa) AS ?authorAgreement) (SAMPLE(?tl) AS ?titleAsListed)
  (GROUP_CONCAT(DISTINCT ?cand; separator=" ") AS ?candidates)
WHERE {{ ?r skg:resolvedPaper {ref} .
  OPTIONAL {{ ?r skg:resolutionState ?s }} OPTIONAL {{ ?r skg:resolvedFrom ?f }}
  OPTIONAL {{ ?r skg:score ?sc }} OPTIONAL {{ ?r skg:titleSimilarity ?ts }}
  OPTIONAL {{ ?r skg:dateDistanceDays ?dd }} OPTIONAL {{ ?r skg:authorAgreement ?aa }}
  OPTIONAL {{ ?r skg:titleAsListed ?tl }} OPTIONAL {{ ?r skg:candidateArxivId ?cand }}
}} GROUP BY ?r ORDER BY ?r""",
    PREFIXES
    + """SELECT ?org (SAMPLE(?l) AS ?label) WHERE {{
  {ref} skg:organization ?org . OPTIONAL {{ ?org skos:prefLabel ?l }} }} GROUP BY ?org""",
)

ORGANISATION_QUERIES = (
    OWN_QUERY,
    PREFIXES
    + """SELECT ?paper (MIN(?t) AS ?title) (MIN(?d) AS ?issued) WHERE {{
  ?paper skg:organization {ref} . OPTIONAL {{ ?paper dcterms:title ?t }}
  OPTIONAL {{ ?paper dcterms:issued ?d }}
}} GROUP BY ?paper ORDER BY DESC(?issued) LIMIT {limit}""",
    PREFIXES
    + """SELECT ?person (SAMPLE(?n) AS ?name) (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
  ?paper skg:organization {ref} ; skg:hasAuthorship ?a . ?a skg:author ?person .
  ?person a skg:Person . OPTIONAL {{ ?person foaf:name ?n }}
}} GROUP BY ?person ORDER BY DESC(?papers) ?name LIMIT 50""",
)

GROUP_QUERIES = (  # its papers: as their author, or as the group a person is named for
    OWN_QUERY,
    PREFIXES
    + """SELECT ?paper (MIN(?t) AS ?title) (MIN(?d) AS ?issued) WHERE {{
  ?a skg:author|skg:onBehalfOf {ref} . ?paper skg:hasAuthorship ?a .
  OPTIONAL {{ ?paper dcterms:title ?t }}
  OPTIONAL {{ ?paper dcterms:issued ?d }}
}} GROUP BY ?paper ORDER BY DESC(?issued) LIMIT {limit}""",
)

CATEGORY_QUERIES = (
    OWN_QUERY,
    PREFIXES
    + """SELECT ?year (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
  ?paper skg:category {ref} ; dcterms:issued ?d . BIND (YEAR(?d) AS ?year)
}} GROUP BY ?year ORDER BY ?year""",
    PREFIXES
    + """SELECT ?paper (MIN(?t) AS ?title) (MIN(?d) AS ?issued) WHERE {{
  ?paper skg:category {ref} ; dcterms:issued ?d . OPTIONAL {{ ?paper dcterms:title ?t }}
}} GROUP BY ?paper ORDER BY DESC(?issued) LIMIT 50""",
    PREFIXES
    + """SELECT ?person (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
  ?paper skg:category {ref} ; skg:hasAuthorship ?a . ?a skg:author ?person .
  ?person a skg:Person .
}} GROUP BY ?person ORDER BY DESC(?papers) LIMIT 20""",
)


def bound(queries: Sequence[str], ref: str) -> list[str]:
    """The queries with ``{ref}`` (an already checked ``<iri>``) and ``{limit}`` filled in."""
    return [q.format(ref=ref, limit=LIST_LIMIT) for q in queries]


@dataclass(frozen=True)
class Table:
    """One query's rows as dicts of terms (missing keys where unbound)."""

    rows: tuple[dict[str, Any], ...]

    @classmethod
    def of(cls, outcome: QueryOutcome) -> Table:
        return cls(
            tuple(
                {v: t for v, t in zip(outcome.variables, row, strict=True) if t is not None}
                for row in outcome.rows
            )
        )

    def values(self, key: str) -> list[str]:
        return [row[key].value for row in self.rows if key in row]


def value(row: dict[str, Any], key: str) -> str | None:
    term = row.get(key)
    return None if term is None else str(term) if isinstance(term, ox.Triple) else term.value


def own_values(table: Table, predicate: str) -> list[Any]:
    """The objects of ``predicate`` in an :data:`OWN_QUERY` table."""
    return [row["o"] for row in table.rows if row["p"].value == predicate]


def names_query(iris: Sequence[str]) -> str:
    """``foaf:name`` of each of ``iris`` (already checked IRIs, written as ``<iri>``)."""
    values = " ".join(f"<{iri}>" for iri in iris)
    return (
        PREFIXES + f"SELECT ?s (SAMPLE(?n) AS ?name) WHERE {{ VALUES ?s {{ {values} }} "
        "?s foaf:name ?n } GROUP BY ?s"
    )


def with_names(table: Table, key: str, names: QueryOutcome) -> Table:
    """``table`` with a ``name`` in each row, from a :func:`names_query` outcome."""
    found = {row["s"].value: row["name"] for row in Table.of(names).rows if "name" in row}
    rows = tuple(
        {**row, "name": found[row[key].value]}
        if row.get(key) is not None and row[key].value in found
        else row
        for row in table.rows
    )
    return Table(rows)


def persons_named(iris: Sequence[str]) -> str:
    """Which of ``iris`` are people (never groups), with their names."""
    values = " ".join(f"<{iri}>" for iri in iris)
    return (
        PREFIXES + f"SELECT ?s (SAMPLE(?n) AS ?name) WHERE {{ VALUES ?s {{ {values} }} "
        "?s a skg:Person . OPTIONAL { ?s foaf:name ?n } } GROUP BY ?s"
    )
