"""The SPARQL queries the killed-run count tests (test_killed_run_counts.py,
test_killed_transactional_counts.py) ask of a store, their oracle rather than the run's own
counters: the quads of each graph naming a run as its origin (:data:`NAMING`), a graph's quads
but the provenance it states about itself (:data:`OWN`, the graph's IRI twice), a graph's quads
(:data:`SIZE`) and the counts a run's record holds (:data:`RECORD`, the run's IRI)."""

from __future__ import annotations

NAMING = (
    "PREFIX prov: <http://www.w3.org/ns/prov#> "
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?g prov:wasGeneratedBy ?run . ?s ?p ?o } }"
    " GROUP BY ?g"
)
OWN = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o FILTER(?s != <%s>) } }"
SIZE = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }"
RECORD = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT ?p ?o WHERE { GRAPH ?r { <%s> ?p ?o FILTER(STRSTARTS(STR(?p), STR(skg:))) } }"
)
