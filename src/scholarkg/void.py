"""A VoID + DCAT description of the knowledge graph, from its statistics
(:mod:`scholarkg.void_statistics`): partitions by class and property, vocabularies, the side
datasets (ontology, categories), the dumps with their checksums and the SPARQL endpoint. Every
node of the description has an IRI under ``<base>dataset``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV
from rdflib.term import Node

from scholarkg.export import FORMATS, ExportResult
from scholarkg.export_read import QueryableStore
from scholarkg.files import write_atomic
from scholarkg.iris import BIDO, CATEGORY_SCHEME, FABIO, ONTOLOGY_IRI, ORG, PRO, SCHEMA, SKG, Minter
from scholarkg.void_statistics import (
    Counts,
    Statistics,
    dataset_statistics,
    description_graph_iri,
)

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


def dataset_iri(base: str) -> URIRef:
    return URIRef(Minter(base).base + "dataset")


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
        # a published dump never holds this description: it gives the dumps' checksums
        what = (
            "every named graph but this description's"
            if spec.dataset
            else "the union of every named graph but this description's"
        )
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
