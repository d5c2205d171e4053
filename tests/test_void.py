"""The VoID + DCAT description: its numbers are the store's, its terms exist, no blank nodes."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF
from rdflib.term import Node

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.export import ExportResult, export_dump
from scholarkg.iris import DEFAULT_BASE, SKG, Minter
from scholarkg.runs.build import build as build_job
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.void import (
    DCAT,
    SPDX,
    VOID,
    dataset_iri,
    describe_dataset,
    write_description,
)
from scholarkg.void_statistics import description_graph_iri

WHEN = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
MINTER = Minter()
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
ENDPOINT = "http://127.0.0.1:7878/query"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
DATASET = dataset_iri(DEFAULT_BASE)

# Terms as the specifications spell them. VoID: "Describing Linked Datasets with the VoID
# Vocabulary" (W3C Interest Group Note, 3 March 2011) and its vocabulary http://rdfs.org/ns/void#.
VOID_TERMS = {
    "Dataset", "DatasetDescription", "Linkset", "TechnicalFeature", "class", "classPartition",
    "classes", "dataDump", "distinctObjects", "distinctSubjects", "documents", "entities",
    "exampleResource", "feature", "inDataset", "linkPredicate", "objectsTarget",
    "openSearchDescription", "properties", "property", "propertyPartition", "rootResource",
    "sparqlEndpoint", "subjectsTarget", "subset", "target", "triples", "uriLookupEndpoint",
    "uriRegexPattern", "uriSpace", "vocabulary",
}  # fmt: skip
# DCAT: "Data Catalog Vocabulary (DCAT) - Version 3" (W3C Recommendation, 22 August 2024).
DCAT_TERMS = {
    "Catalog", "CatalogRecord", "Dataset", "DatasetSeries", "Distribution", "DataService",
    "Relationship", "Resource", "Role", "accessService", "accessURL", "bbox", "byteSize",
    "catalog", "centroid", "compressFormat", "contactPoint", "dataset", "distribution",
    "downloadURL", "endDate", "endpointDescription", "endpointURL", "hadRole", "keyword",
    "landingPage", "mediaType", "packageFormat", "qualifiedRelation", "record", "servesDataset",
    "service", "startDate", "theme", "themeTaxonomy",
}  # fmt: skip
# SPDX terms that DCAT 3 uses for checksums (§ Class: Checksum; SPDX 2 RDF terms).
SPDX_TERMS = {
    "checksum", "Checksum", "algorithm", "checksumValue", "checksumAlgorithm_sha1",
    "checksumAlgorithm_sha256",
}  # fmt: skip
SPEC_TERMS = {
    "http://rdfs.org/ns/void#": VOID_TERMS,
    "http://www.w3.org/ns/dcat#": DCAT_TERMS,
    "http://spdx.org/rdf/terms#": SPDX_TERMS,
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    directory = tmp_path_factory.mktemp("void")
    config = load_config(write_config(directory, [SAMPLE_PROFILE]))
    build_job(config)
    with EmbeddedStore(config.store.path) as s:
        s.replace_graph_ntriples(str(description_graph_iri(DEFAULT_BASE)), "")
        yield s


@pytest.fixture(scope="module")
def dumps(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> list[ExportResult]:
    folder = tmp_path_factory.mktemp("dumps")
    return [export_dump(store, folder / f"scholarkg.{fmt}", fmt) for fmt in ("nq", "ttl")]


def describe(store: EmbeddedStore, dumps: list[ExportResult], **kwargs: object) -> Graph:
    options: dict[str, object] = {"endpoint_url": ENDPOINT, "dumps": dumps} | kwargs
    return describe_dataset(
        store,
        base=DEFAULT_BASE,
        generated_at=WHEN,
        license_iri=LICENSE,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def description(store: EmbeddedStore, dumps: list[ExportResult]) -> Graph:
    return describe(store, dumps)


def instance_quads(store: EmbeddedStore) -> list[tuple[str, str, str, str]]:
    """Every quad outside the ontology, category and description graphs, read one by one."""
    rows = store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
    assert isinstance(rows, ox.QuerySolutions)
    skip = {str(MINTER.ontology_graph()), str(MINTER.category_graph())}
    skip.add(str(description_graph_iri(DEFAULT_BASE)))
    quads = [(str(r["s"]), str(r["p"]), str(r["o"]), r["g"].value) for r in rows]
    return [q for q in quads if q[3] not in skip]


def number(graph: Graph, subject: Node, predicate: URIRef) -> int:
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), f"no {predicate} on {subject}"
    return int(value)


def test_totals_equal_independent_counts(store: EmbeddedStore, description: Graph) -> None:
    quads = instance_quads(store)
    assert number(description, DATASET, VOID.triples) == len(quads)  # statements, as dumped
    assert number(description, DATASET, VOID.properties) == len({q[1] for q in quads})
    typed = {s for s, p, _, _ in quads if p == f"<{RDF.type}>"}
    entities = {s for s in typed if s.startswith(f"<{DEFAULT_BASE}")}
    assert number(description, DATASET, VOID.entities) == len(entities)
    assert str(description.value(DATASET, VOID.uriSpace)) == DEFAULT_BASE
    assert description.value(DATASET, VOID.distinctSubjects) is None  # not computed (costly)


def test_class_partitions_count_instances(store: EmbeddedStore, description: Graph) -> None:
    members: defaultdict[str, set[str]] = defaultdict(set)
    for s, p, o, _ in instance_quads(store):
        if p == f"<{RDF.type}>":
            members[o.strip("<>")].add(s)
    partitions = {
        str(description.value(part, VOID["class"])): number(description, part, VOID.entities)
        for part in description.objects(DATASET, VOID.classPartition)
    }
    assert partitions == {cls: len(subjects) for cls, subjects in members.items()}
    assert partitions[str(SKG.Paper)] == 25  # the sample profile lists 25 papers
    assert number(description, DATASET, VOID.classes) == len(partitions)
    expected = {"Paper", "Person", "Authorship", "Organization", "ProfileSnapshot"}
    assert {f"{DATASET}/class/{name}" for name in expected} <= {
        str(p) for p in description.objects(DATASET, VOID.classPartition)
    }


def test_property_partitions_sum_to_the_triples(description: Graph) -> None:
    parts = list(description.objects(DATASET, VOID.propertyPartition))
    assert len(parts) == number(description, DATASET, VOID.properties)
    total = sum(number(description, part, VOID.triples) for part in parts)
    assert total == number(description, DATASET, VOID.triples)


def test_ontology_and_categories_are_counted_apart(
    store: EmbeddedStore, description: Graph
) -> None:
    for name, graph in (
        ("ontology", MINTER.ontology_graph()),
        ("categories", MINTER.category_graph()),
    ):
        side = URIRef(f"{DATASET}/{name}")
        assert (DATASET, DCTERMS.relation, side) in description
        assert number(description, side, VOID.triples) == len(store.triples_in(graph)) > 0


def test_loading_the_description_does_not_change_the_numbers(
    store: EmbeddedStore, dumps: list[ExportResult], description: Graph, tmp_path: Path
) -> None:
    with EmbeddedStore(tmp_path / "copy") as copy:
        copy.native.extend(store.native)  # the same data, then the description loaded into it
        copy.replace_graph(description_graph_iri(DEFAULT_BASE), description)
        again = describe(copy, dumps)
    for predicate in (VOID.triples, VOID.entities, VOID.classes, VOID.properties):
        assert number(again, DATASET, predicate) == number(description, DATASET, predicate)


def test_distributions_carry_checksum_size_and_media_type(
    description: Graph, dumps: list[ExportResult]
) -> None:
    media = {"nq": "application/n-quads", "ttl": "text/turtle"}
    dists = set(description.objects(DATASET, DCAT.distribution))
    for dump in dumps:
        url = URIRef(dump.path.resolve().as_uri())
        (dist,) = [d for d in dists if (d, DCAT.downloadURL, url) in description]
        data = dump.path.read_bytes()
        assert number(description, dist, DCAT.byteSize) == len(data)
        size = description.value(dist, DCAT.byteSize)
        assert isinstance(size, Literal) and size.datatype == URIRef(XSD_NS + "nonNegativeInteger")
        checksum = description.value(dist, SPDX.checksum)
        assert isinstance(checksum, URIRef)
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = description.value(checksum, SPDX.checksumValue)
        assert str(value) == hashlib.sha256(data).hexdigest()
        assert description.value(dist, DCAT.mediaType) == URIRef(
            "https://www.iana.org/assignments/media-types/" + media[dump.fmt]
        )
        assert description.value(dist, DCTERMS.license) == URIRef(LICENSE)
        assert (DATASET, VOID.dataDump, url) in description


def test_download_base_builds_urls(store: EmbeddedStore, dumps: list[ExportResult]) -> None:
    graph = describe(store, dumps, download_base="https://data.example.org/dumps/")
    urls = {str(u) for u in graph.objects(None, DCAT.downloadURL)}
    assert urls == {f"https://data.example.org/dumps/{d.path.name}" for d in dumps}


def test_endpoint_is_described_only_when_given(
    store: EmbeddedStore, dumps: list[ExportResult], description: Graph
) -> None:
    assert description.value(DATASET, VOID.sparqlEndpoint) == URIRef(ENDPOINT)
    (service,) = description.subjects(RDF.type, DCAT.DataService)
    assert description.value(service, DCAT.endpointURL) == URIRef(ENDPOINT)
    assert description.value(service, DCAT.servesDataset) == DATASET
    without = describe(store, dumps, endpoint_url=None)
    assert without.value(DATASET, VOID.sparqlEndpoint) is None
    assert not list(without.subjects(RDF.type, DCAT.DataService))


def test_vocabularies_are_those_in_use(description: Graph) -> None:
    vocabularies = {str(v) for v in description.objects(DATASET, VOID.vocabulary)}
    assert {str(SKG), str(FOAF), str(DCTERMS), "http://www.w3.org/ns/prov#"} <= vocabularies
    assert "http://purl.org/spar/bido/" in vocabularies  # the ontology aligns to BiDO
    assert "http://www.w3.org/2004/02/skos/core#" in vocabularies  # the category scheme


def test_no_blank_nodes_and_iris_under_the_base(description: Graph) -> None:
    nodes = [term for triple in description for term in triple]
    assert not [n for n in nodes if isinstance(n, BNode)]
    assert (description_graph_iri(DEFAULT_BASE), FOAF.primaryTopic, DATASET) in description
    assert str(DATASET) == f"{DEFAULT_BASE}dataset"
    assert str(description_graph_iri(DEFAULT_BASE)) == f"{DEFAULT_BASE}graph/void"
    assert str(dataset_iri("https://example.org/kg")) == "https://example.org/kg/dataset"


def test_every_vocabulary_term_exists_in_the_specs(description: Graph) -> None:
    iris = {str(t) for triple in description for t in triple if isinstance(t, URIRef)}
    for iri in iris:
        for marker in ("void#", "/dcat", "spdx.org"):
            if marker in iri and not iri.startswith(f"{DATASET}/"):
                assert any(iri.startswith(ns) for ns in SPEC_TERMS), f"misspelt namespace: {iri}"
    used = 0
    for namespace, terms in SPEC_TERMS.items():
        for iri in (i for i in iris if i.startswith(namespace)):
            used += 1
            assert iri[len(namespace) :] in terms, f"{iri} is not a term of {namespace}"
    assert used >= 25


def test_written_turtle_parses_back(description: Graph, tmp_path: Path) -> None:
    path = write_description(description, tmp_path / "void" / "void.ttl")
    assert isomorphic(Graph().parse(path, format="turtle"), description)
    quads = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    assert len(quads) == len(description)
    assert [p.name for p in path.parent.iterdir()] == ["void.ttl"]
