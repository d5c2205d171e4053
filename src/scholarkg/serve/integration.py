"""For integrators: the dumps a run published, their VoID/DCAT description and the JSON-LD
context, each at a stable URL of this server.

The description is the one the last publish step stored (graph ``<base>graph/void``), with
every ``file:`` download URL of a dump that this server holds replaced by its served URL
(``<public base>dumps/<name>``) and the served SPARQL endpoint added. Without a stored
description, a minimal one lists the dumps with their sizes and SHA-256 checksums.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pyoxigraph as ox

from scholarkg.export import FORMATS

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Dump:
    """A served dump file: its name, size, media type and SHA-256 (from its ``.sha256``)."""

    path: Path
    media_type: str
    sha256: str | None

    @property
    def name(self) -> str:
        return self.path.name


def dumps_in(directory: Path | None) -> list[Dump]:
    """The dump files of ``directory`` (known extensions only), sorted by name."""
    if directory is None or not directory.is_dir():
        return []
    types = {spec.extension: spec.media_type for spec in FORMATS.values()}
    found = []
    for path in sorted(directory.iterdir()):
        media = types.get(path.suffix)
        if media is None or not path.is_file() or not _SAFE_NAME.match(path.name):
            continue
        checksum = path.with_name(path.name + ".sha256")
        digest = None
        if checksum.is_file():
            digest = (
                checksum.read_text(encoding="utf-8").split()[0] if checksum.stat().st_size else None
            )
        found.append(Dump(path, media, digest))
    return found


def find_dump(directory: Path | None, name: str) -> Path | None:
    """The file called ``name`` among the dumps (or its ``.sha256``), never anything else."""
    for dump in dumps_in(directory):
        if name == dump.name:
            return dump.path
        if name == dump.name + ".sha256" and dump.sha256:
            return dump.path.with_name(name)
    return None


def served_description(
    stored: tuple[ox.Triple, ...], dumps: list[Dump], public: str, dataset: str
) -> list[ox.Triple]:
    """``stored`` with file: dump URLs rewritten to ``<public>dumps/<name>`` and the served
    endpoint added; a minimal description of ``dumps`` when nothing is stored."""
    served = {d.name: ox.NamedNode(f"{public}dumps/{quote(d.name)}") for d in dumps}

    def rewrite(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
        if isinstance(node, ox.NamedNode) and node.value.startswith("file:"):
            name = unquote(urlsplit(node.value).path.rsplit("/", 1)[-1])
            return served.get(name, node)
        return node

    endpoint = ox.NamedNode(f"{public}sparql")
    root = ox.NamedNode(dataset)
    triples = [ox.Triple(t.subject, t.predicate, rewrite(t.object)) for t in stored]  # type: ignore[arg-type]
    if not triples:
        triples.append(ox.Triple(root, RDF_TYPE, ox.NamedNode(VOID + "Dataset")))
        triples.append(ox.Triple(root, RDF_TYPE, ox.NamedNode(DCAT + "Dataset")))
        for dump in dumps:
            dist = ox.NamedNode(f"{dataset}/distribution/{quote(dump.name)}")
            url = served[dump.name]
            triples += [
                ox.Triple(root, ox.NamedNode(VOID + "dataDump"), url),
                ox.Triple(root, ox.NamedNode(DCAT + "distribution"), dist),
                ox.Triple(dist, RDF_TYPE, ox.NamedNode(DCAT + "Distribution")),
                ox.Triple(dist, ox.NamedNode(DCAT + "downloadURL"), url),
                ox.Triple(
                    dist,
                    ox.NamedNode(DCAT + "mediaType"),
                    ox.NamedNode("https://www.iana.org/assignments/media-types/" + dump.media_type),
                ),
                ox.Triple(
                    dist,
                    ox.NamedNode(DCAT + "byteSize"),
                    ox.Literal(
                        str(dump.path.stat().st_size),
                        datatype=ox.NamedNode(XSD + "nonNegativeInteger"),
                    ),
                ),
            ]
            if dump.sha256:
                checksum = ox.NamedNode(f"{dist.value}/checksum")
                triples += [
                    ox.Triple(dist, ox.NamedNode(SPDX + "checksum"), checksum),
                    ox.Triple(checksum, RDF_TYPE, ox.NamedNode(SPDX + "Checksum")),
                    ox.Triple(
                        checksum,
                        ox.NamedNode(SPDX + "algorithm"),
                        ox.NamedNode(SPDX + "checksumAlgorithm_sha256"),
                    ),
                    ox.Triple(
                        checksum,
                        ox.NamedNode(SPDX + "checksumValue"),
                        ox.Literal(dump.sha256, datatype=ox.NamedNode(XSD + "hexBinary")),
                    ),
                ]
    sparql_endpoint = ox.NamedNode(VOID + "sparqlEndpoint")
    if not any(t.predicate == sparql_endpoint and t.object == endpoint for t in triples):
        triples.append(ox.Triple(root, sparql_endpoint, endpoint))
    return triples


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"


def service_description(endpoint: str, *, updates: bool, federation: bool) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``."""
    service = ox.NamedNode(endpoint)
    default = ox.BlankNode("defaultDataset")
    graph = ox.BlankNode("defaultGraph")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), default),
        ox.Triple(default, RDF_TYPE, sd("Dataset")),
        ox.Triple(default, sd("defaultGraph"), graph),
        ox.Triple(graph, RDF_TYPE, sd("Graph")),
    ]
    if updates:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    if federation:
        triples.append(ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + name)))
    return triples
