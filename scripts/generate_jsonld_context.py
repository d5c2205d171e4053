"""Generate ``docs/context.jsonld``, a JSON-LD 1.1 context for the scholarkg vocabulary.

Reads ``ontology/scholarkg.ttl`` and maps every ``skg:`` class, property and named individual to
its local name, plus the reused terms the pipeline emits (``foaf:name``, ``dcterms:title`` …, see
``docs/graph-model.md``). Datatype properties get ``@type`` coercion to their XSD range (except
``xsd:string``); object properties get ``"@type": "@id"``, or ``"@vocab"`` when the range class
has named individuals in the ontology (so ``"metric": "hIndex"`` works). The prefixes are the
ontology file's own plus ``cat:``; there is deliberately no ``id`` prefix (a JSON key ``id`` would
then silently become a property instead of ``@id``). The output is deterministic.

Usage: ``python scripts/generate_jsonld_context.py [--ontology FILE] [--output FILE|-]``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef

from scholarkg.iris import CATEGORY, SKG
from scholarkg.output_file import NotWritten, write_output

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ONTOLOGY = ROOT / "ontology" / "scholarkg.ttl"
DEFAULT_OUTPUT = ROOT / "docs" / "context.jsonld"

# Terms of other vocabularies that docs/graph-model.md uses: short name, CURIE, coercion.
REUSED_TERMS: tuple[tuple[str, str, str | None], ...] = (
    ("name", "foaf:name", None),
    ("title", "dcterms:title", None),
    ("abstract", "dcterms:abstract", None),
    ("issued", "dcterms:issued", "xsd:date"),
    ("modified", "dcterms:modified", "xsd:date"),
    ("date", "dcterms:date", "xsd:dateTime"),
    ("source", "dcterms:source", "@id"),
    ("license", "dcterms:license", "@id"),
    ("hasVersion", "dcterms:hasVersion", "@id"),
    ("generatedAtTime", "prov:generatedAtTime", "xsd:dateTime"),
    ("startedAtTime", "prov:startedAtTime", "xsd:dateTime"),
    ("endedAtTime", "prov:endedAtTime", "xsd:dateTime"),
    ("wasDerivedFrom", "prov:wasDerivedFrom", "@id"),
    ("sameAs", "owl:sameAs", "@id"),
    ("withRole", "pro:withRole", "@id"),
    ("label", "rdfs:label", None),
    ("prefLabel", "skos:prefLabel", None),
    ("notation", "skos:notation", None),
    ("broader", "skos:broader", "@id"),
    ("inScheme", "skos:inScheme", "@id"),
    ("topConceptOf", "skos:topConceptOf", "@id"),
    ("hasTopConcept", "skos:hasTopConcept", "@id"),
)
UNCOERCED = {XSD.string, RDF.langString, RDFS.Literal}


def _local(iri: URIRef) -> str:
    return str(iri)[len(str(SKG)) :]


def _skg_subjects(graph: Graph, rdf_type: URIRef) -> list[URIRef]:
    found = {s for s in graph.subjects(RDF.type, rdf_type) if isinstance(s, URIRef)}
    return sorted(s for s in found if str(s).startswith(str(SKG)) and _local(s))


def _prefixes(graph: Graph) -> dict[str, str]:
    prefixes = {name: str(ns) for name, ns in graph.namespaces() if name}
    prefixes.setdefault("cat", str(CATEGORY))
    return dict(sorted(prefixes.items()))


def _curie(iri: URIRef, prefixes: dict[str, str]) -> str:
    matches = [(len(ns), name) for name, ns in prefixes.items() if str(iri).startswith(ns)]
    if not matches:
        return str(iri)
    _, name = max(matches)
    return f"{name}:{str(iri)[len(prefixes[name]) :]}"


def _object_coercion(graph: Graph, prop: URIRef) -> str:
    """``@vocab`` when every range class has named individuals (values are terms), else ``@id``."""
    ranges = [r for r in graph.objects(prop, RDFS.range) if isinstance(r, URIRef)]
    individuals = set(graph.subjects(RDF.type, OWL.NamedIndividual))
    if ranges and all(any(i in individuals for i in graph.subjects(RDF.type, r)) for r in ranges):
        return "@vocab"
    return "@id"


def _datatype_coercion(graph: Graph, prop: URIRef, prefixes: dict[str, str]) -> str | None:
    ranges = sorted(r for r in graph.objects(prop, RDFS.range) if isinstance(r, URIRef))
    if len(ranges) != 1 or ranges[0] in UNCOERCED:
        return None
    return _curie(ranges[0], prefixes)


def build_context(graph: Graph) -> dict[str, Any]:
    """The ``@context`` object for the ontology in ``graph``."""
    prefixes = _prefixes(graph)
    context: dict[str, Any] = {"@version": 1.1, **prefixes}
    terms: dict[str, Any] = {}
    for iri in _skg_subjects(graph, OWL.Class) + _skg_subjects(graph, OWL.NamedIndividual):
        terms[_local(iri)] = _curie(iri, prefixes)
    object_props = set(_skg_subjects(graph, OWL.ObjectProperty))
    datatype_props = set(_skg_subjects(graph, OWL.DatatypeProperty))
    for prop in sorted(object_props | datatype_props | set(_skg_subjects(graph, RDF.Property))):
        coercion = (
            _object_coercion(graph, prop)
            if prop in object_props
            else _datatype_coercion(graph, prop, prefixes)
        )
        curie = _curie(prop, prefixes)
        terms[_local(prop)] = {"@id": curie, "@type": coercion} if coercion else curie
    for name, curie, coercion in REUSED_TERMS:
        if name in terms or name in prefixes:
            print(f"context: {curie} skipped, {name!r} is taken", file=sys.stderr)
            continue
        terms[name] = {"@id": curie, "@type": coercion} if coercion else curie
    context.update(sorted(terms.items(), key=lambda item: (item[0].lower(), item[0])))
    return {"@context": context}


def generate(ontology: Path = DEFAULT_ONTOLOGY) -> str:
    """The JSON text of the context generated from ``ontology``."""
    graph = Graph(bind_namespaces="none")
    graph.parse(ontology, format="turtle")
    return json.dumps(build_context(graph), indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--ontology", type=Path, default=DEFAULT_ONTOLOGY, help="Turtle file")
    parser.add_argument(
        "--output", default=str(DEFAULT_OUTPUT), help="JSON-LD file to write, or - for stdout"
    )
    args = parser.parse_args(argv)
    text = generate(args.ontology)
    try:
        write_output(text, args.output)
    except NotWritten as exc:  # one line, no traceback: a folder not there, a full disk…
        raise SystemExit(f"error: {exc}") from None
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
