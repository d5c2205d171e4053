"""A VoID + DCAT description of the knowledge graph, with statistics computed in the store.

The statistics cover the instance data: every named graph except the ontology, the category
scheme and the description graph itself (``<base>graph/void``). They count *statements*, as the
N-Quads dump holds them (a triple two graphs state counts twice), so they add up: the instance
triples plus the ontology's and the categories' are the dump's quads. Entities are the distinct
typed resources under the instance base. Aggregates over statements and type statements only (no
DISTINCT over the whole store), so describing stays cheap as the store grows; no triple is looped
over in Python. Every node of the description has an IRI under ``<base>dataset``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV
from rdflib.term import Node

from scholarkg.errors import QueryError
from scholarkg.export import FORMATS, ExportResult, QueryableStore, write_atomic
from scholarkg.iris import BIDO, CATEGORY_SCHEME, FABIO, ONTOLOGY_IRI, ORG, PRO, SCHEMA, SKG, Minter
from scholarkg.load.contents import Contents
from scholarkg.store.sparql_text import iri_ref

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

# Vocabularies reported with void:vocabulary when their terms occur in the store.
VOCABULARIES: dict[str, str] = {
    name: str(ns)
    for name, ns in (
        ("skg", SKG), ("foaf", FOAF), ("dcterms", DCTERMS), ("prov", PROV), ("fabio", FABIO),
        ("pro", PRO), ("bido", BIDO), ("skos", SKOS), ("owl", OWL), ("schema", SCHEMA),
        ("org", ORG),
    )
}  # fmt: skip
_SEGMENT_PREFIXES = {ns: prefix for prefix, ns in VOCABULARIES.items()}
_SEGMENT_PREFIXES.update({str(RDF): "rdf", str(RDFS): "rdfs"})

Pairs = tuple[tuple[URIRef, Node], ...]

DEFAULT_TITLE = "scholarkg knowledge graph"
DEFAULT_DESCRIPTION = (
    "Researcher profiles and arXiv records as RDF: people, papers, ordered authorships, "
    "categories, profile snapshots and dated metric observations. The statistics count the "
    "statements of the instance graphs (as the N-Quads dump holds them); the ontology and the "
    "category scheme are described separately."
)


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


def _rows(store: QueryableStore, sparql: str) -> list[dict[str, str]]:
    """A SELECT's rows as ``{variable: lexical value}`` (unbound variables left out)."""
    result = store.query(sparql, union=False)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected SELECT solutions from a statistics query")
    names = [v.value for v in result.variables]
    return [{n: term.value for n in names if (term := row[n]) is not None} for row in result]


def dataset_statistics(store: QueryableStore, minter: Minter) -> Statistics:
    """Counts over the instance graphs (all but ontology, categories and ``graph/void``)."""
    sides = (minter.ontology_graph(), minter.category_graph())
    excluded = ", ".join(iri_ref(g) for g in (*sides, description_graph_iri(minter.base)))
    instance = f"FILTER (?g NOT IN ({excluded}))"
    base = str(ox.Literal(minter.base))
    properties = _rows(
        store,
        f"SELECT ?p (COUNT(*) AS ?t) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {instance} }} GROUP BY ?p",
    )
    typed = f"GRAPH ?g {{ ?s a ?c }} {instance[:-1]} && isIRI(?c))"
    classes = _rows(store, f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {typed} }} GROUP BY ?c")
    entities = _rows(
        store,
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {typed} "
        f"FILTER (isIRI(?s) && STRSTARTS(STR(?s), {base})) }}",
    )[0]
    side, terms = _side_statistics(store, sides)
    counts = {r["p"]: int(r["t"]) for r in properties}
    return Statistics(
        triples=sum(counts.values()),
        entities=int(entities.get("n", 0)),
        classes={r["c"]: int(r["n"]) for r in classes},
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
    )
    terms = _rows(
        store,
        f"SELECT DISTINCT ?t WHERE {{ VALUES ?g {{ {values} }} "
        "GRAPH ?g { { ?s ?t ?o } UNION { ?s ?p ?t } } FILTER (isIRI(?t)) }",
    )
    return (
        {r["g"]: Counts(int(r["t"]), int(r["ds"])) for r in side},
        frozenset(r["t"] for r in terms),
    )


def manifest_statistics(store: QueryableStore, minter: Minter, contents: Contents) -> Statistics:
    """The same counts as :func:`dataset_statistics`, summed from what the loaders noted in the
    store's manifest (no pass over the store); the side graphs are counted in the store."""
    properties = contents.predicate_totals()
    side, terms = _side_statistics(store, (minter.ontology_graph(), minter.category_graph()))
    return Statistics(
        triples=sum(properties.values()),
        entities=contents.entities(minter.base),
        classes=contents.class_entities(),
        properties=properties,
        side=side,
        side_terms=terms,
    )


def dataset_iri(base: str) -> URIRef:
    return URIRef(Minter(base).base + "dataset")


def description_graph_iri(base: str) -> URIRef:
    """The named graph the description is loaded into (``<base>graph/void``)."""
    return URIRef(Minter(base).base + "graph/void")


def _segment(iri: str) -> str:
    """A readable IRI path segment for a class or property (``Paper``, ``dcterms-title``)."""
    for namespace, prefix in _SEGMENT_PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            return quote(local if prefix == "skg" else f"{prefix}-{local}", safe="-._~")
    head, _, local = iri.rstrip("/#").replace("#", "/").rpartition("/")
    return quote(f"{head.rsplit('/', 1)[-1]}-{local}" if head else iri, safe="-._~")


def _unique(segments: Sequence[str]) -> list[str]:
    """``segments`` with repeats suffixed ``-2``, ``-3`` … (stable order)."""
    seen: dict[str, int] = {}
    out = []
    for segment in segments:
        seen[segment] = seen.get(segment, 0) + 1
        out.append(segment if seen[segment] == 1 else f"{segment}-{seen[segment]}")
    return out


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _add(graph: Graph, subject: URIRef, *pairs: tuple[URIRef, Node]) -> None:
    for predicate, obj in pairs:
        graph.add((subject, predicate, obj))


def _add_statistics(graph: Graph, dataset: URIRef, stats: Statistics) -> None:
    _add(
        graph,
        dataset,
        (VOID.triples, _int(stats.triples)),
        (VOID.entities, _int(stats.entities)),
        (VOID.properties, _int(len(stats.properties))),
        (VOID.classes, _int(len(stats.classes))),
    )
    used = [*stats.classes, *stats.properties, *stats.side_terms]
    for ns in VOCABULARIES.values():
        if any(term.startswith(ns) for term in used):
            graph.add((dataset, VOID.vocabulary, URIRef(ns)))
    classes = sorted(stats.classes)
    for cls, segment in zip(classes, _unique([_segment(c) for c in classes]), strict=True):
        part = URIRef(f"{dataset}/class/{segment}")
        graph.add((dataset, VOID.classPartition, part))
        _add(
            graph,
            part,
            (RDF.type, VOID.Dataset),
            (VOID["class"], URIRef(cls)),
            (VOID.entities, _int(stats.classes[cls])),
        )
    props = sorted(stats.properties)
    for prop, segment in zip(props, _unique([_segment(p) for p in props]), strict=True):
        part = URIRef(f"{dataset}/property/{segment}")
        graph.add((dataset, VOID.propertyPartition, part))
        _add(
            graph,
            part,
            (RDF.type, VOID.Dataset),
            (VOID.property, URIRef(prop)),
            (VOID.triples, _int(stats.properties[prop])),
        )


def _add_side_datasets(graph: Graph, dataset: URIRef, stats: Statistics, minter: Minter) -> None:
    sides = (
        ("ontology", "scholarkg ontology", minter.ontology_graph(), ONTOLOGY_IRI),
        ("categories", "arXiv category scheme", minter.category_graph(), CATEGORY_SCHEME),
    )
    for name, title, graph_iri, root in sides:
        side, counts = URIRef(f"{dataset}/{name}"), stats.side.get(str(graph_iri), Counts(0, 0))
        graph.add((dataset, DCTERMS.relation, side))
        _add(
            graph,
            side,
            (RDF.type, VOID.Dataset),
            (DCTERMS.title, _en(title)),
            (VOID.rootResource, root),
            (VOID.triples, _int(counts.triples)),
            (VOID.entities, _int(counts.distinct_subjects)),
        )


def _add_distribution(
    graph: Graph, dataset: URIRef, dump: ExportResult, dist: URIRef, url: URIRef, common: Pairs
) -> None:
    spec = FORMATS[dump.fmt]
    checksum = URIRef(f"{dist}/checksum")
    if dump.graph is not None:
        what = f"the named graph <{dump.graph}>"
    else:
        what = "all named graphs" if spec.dataset else "the union of all named graphs"
    unit = "quads" if spec.dataset else "triples"
    graph.add((dataset, DCAT.distribution, dist))
    graph.add((dataset, VOID.dataDump, url))
    _add(
        graph,
        dist,
        (RDF.type, DCAT.Distribution),
        (DCTERMS.title, _en(f"{spec.title} dump")),
        (DCTERMS.description, _en(f"{dump.triples_or_quads} {unit}: {what}.")),
        (DCAT.downloadURL, url),
        (DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + spec.media_type)),
        (DCAT.byteSize, Literal(dump.byte_size, datatype=XSD.nonNegativeInteger)),
        (SPDX.checksum, checksum),
        *common,
    )
    _add(
        graph,
        checksum,
        (RDF.type, SPDX.Checksum),
        (SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
        (SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)),
    )


def _add_endpoint(graph: Graph, dataset: URIRef, endpoint_url: str) -> None:
    endpoint = URIRef(endpoint_url)
    service = URIRef(f"{dataset}/service/sparql")
    dist = URIRef(f"{dataset}/distribution/sparql")
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.add((dataset, DCAT.distribution, dist))
    _add(
        graph,
        service,
        (RDF.type, DCAT.DataService),
        (DCTERMS.title, _en("SPARQL endpoint")),
        (DCAT.endpointURL, endpoint),
        (DCAT.servesDataset, dataset),
        (DCTERMS.conformsTo, SPARQL_PROTOCOL),
    )
    _add(
        graph,
        dist,
        (RDF.type, DCAT.Distribution),
        (DCTERMS.title, _en("SPARQL endpoint")),
        (DCAT.accessURL, endpoint),
        (DCAT.accessService, service),
    )


def describe_dataset(
    store: QueryableStore,
    *,
    base: str,
    generated_at: dt.datetime,
    endpoint_url: str | None,
    dumps: Sequence[ExportResult],
    license_iri: str,
    download_base: str | None = None,
    title: str = DEFAULT_TITLE,
    description: str = DEFAULT_DESCRIPTION,
    statistics: Statistics | None = None,
) -> Graph:
    """The VoID + DCAT description of the store (load it into :func:`description_graph_iri`).

    Each of ``dumps`` becomes a ``dcat:Distribution`` whose ``dcat:downloadURL`` is a ``file:``
    IRI or, given ``download_base``, ``<download_base>/<file name>``. ``statistics``: counted
    already (from the manifest); else counted with aggregate queries over the store.
    """
    minter = Minter(base)
    stats = statistics or dataset_statistics(store, minter)
    dataset, doc = dataset_iri(base), description_graph_iri(base)
    modified = Literal(generated_at.isoformat(), datatype=XSD.dateTime)
    common: Pairs = ((DCTERMS.license, URIRef(license_iri)), (DCTERMS.modified, modified))
    graph = Graph()
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("spdx", SPDX), *VOCABULARIES.items()):
        graph.bind(prefix, Namespace(ns))
    _add(
        graph,
        doc,
        (RDF.type, VOID.DatasetDescription),
        (DCTERMS.title, _en(f"Description of the {title}")),
        (FOAF.primaryTopic, dataset),
        (DCTERMS.modified, modified),
    )
    _add(
        graph,
        dataset,
        (RDF.type, VOID.Dataset),
        (RDF.type, DCAT.Dataset),
        (DCTERMS.title, _en(title)),
        (DCTERMS.description, _en(description)),
        (VOID.uriSpace, Literal(minter.base)),
        *common,
    )
    _add_statistics(graph, dataset, stats)
    _add_side_datasets(graph, dataset, stats, minter)
    segments = _unique([quote(d.path.name, safe="-._~") for d in dumps])
    for dump, segment in zip(dumps, segments, strict=True):
        if download_base is None:
            url = URIRef(dump.path.resolve().as_uri())
        else:
            url = URIRef(download_base.rstrip("/") + "/" + quote(dump.path.name))
        dist = URIRef(f"{dataset}/distribution/{segment}")
        _add_distribution(graph, dataset, dump, dist, url, common)
    if endpoint_url:
        _add_endpoint(graph, dataset, endpoint_url)
    return graph


def write_description(graph: Graph, path: Path) -> Path:
    """Write ``graph`` as Turtle to ``path`` (temporary file, then rename)."""
    return write_atomic(path, graph.serialize(format="turtle").encode("utf-8"))
