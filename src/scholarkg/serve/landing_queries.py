"""The landing page's queries: counts, the most prolific people, categories, papers per year."""

from __future__ import annotations

from scholarkg.serve import entities

COUNT = "PREFIX skg: <https://w3id.org/scholarkg/ontology#>\nSELECT (COUNT(DISTINCT ?x) AS ?n) "
LANDING_COUNTS = (
    ("papers", COUNT + "WHERE { ?x a skg:Paper }"),
    ("people", COUNT + "WHERE { ?x a skg:Person }"),
    ("groups", COUNT + "WHERE { ?x a skg:Group }"),
    ("organisations", COUNT + "WHERE { ?x a skg:Organization }"),
    ("named graphs", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { } }"),
)
# Aggregates in two steps: a cheap count over one pattern, then names and exact counts for
# the few at the top (one GROUP BY over every authorship with names joined in took 39 s at
# 100k papers; these take under a second).
TOP_AUTHORS = (
    entities.PREFIXES + "SELECT ?person (COUNT(?a) AS ?n) WHERE { ?a skg:author ?person } "
    "GROUP BY ?person ORDER BY DESC(?n) LIMIT 40"
)
TOP_PEOPLE = (
    entities.PREFIXES
    + """SELECT ?person (SAMPLE(?name) AS ?label)
  (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{ VALUES ?person {{ {values} }}
  ?person a skg:Person . ?a skg:author ?person . ?paper skg:hasAuthorship ?a .
  OPTIONAL {{ ?person foaf:name ?name }}
}} GROUP BY ?person ORDER BY DESC(?papers) ?label LIMIT 10"""
)
TOP_CATEGORIES = (
    entities.PREFIXES
    + "SELECT ?c (COUNT(DISTINCT ?paper) AS ?papers) WHERE { ?paper skg:category ?c } "
    "GROUP BY ?c ORDER BY DESC(?papers) LIMIT 12"
)
CATEGORY_LABELS = (
    entities.PREFIXES
    + """SELECT ?c (SAMPLE(?nt) AS ?notation)
  (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?c {{ {values} }}
  OPTIONAL {{ ?c skos:notation ?nt }} OPTIONAL {{ ?c skos:prefLabel ?l }} }} GROUP BY ?c"""
)
PAPERS_PER_YEAR = (
    entities.PREFIXES
    + """SELECT ?year (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?paper a skg:Paper ; dcterms:issued ?d . BIND (YEAR(?d) AS ?year)
} GROUP BY ?year ORDER BY ?year"""
)
