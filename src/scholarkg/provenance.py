"""Provenance: each run is a prov:Activity; each named graph says how it came to be."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from scholarkg import __version__
from scholarkg.config import Config
from scholarkg.iris import MINTING, SKG, Minter
from scholarkg.transform.terms import datetime_literal, int_literal, source_iri

RUN_COUNTS: dict[str, URIRef] = {
    "papers": SKG.papersLoaded,
    "quarantined": SKG.recordsQuarantined,
    "graphs_changed": SKG.graphsChanged,
    "graphs_unchanged": SKG.graphsUnchanged,
    "graphs_removed": SKG.graphsRemoved,
    "records_deleted": SKG.recordsDeleted,
    "graphs_rejected": SKG.graphsRejected,
    "triples_added": SKG.triplesAdded,
    "triples_removed": SKG.triplesRemoved,
}


def config_hash(config: Config) -> str:
    """SHA-256 of what in the configuration decides the graphs a run builds, as
    ``sha256:<hex>``: the IRI base, minting and title-matching rules, subject codes,
    how a profile page is mapped (``PROFILE_MAPPING``),
    resolution settings (arXiv on or off, threshold, candidates asked for per title,
    overrides), the limits that decide which records and papers are quarantined (``[limits]
    line_bytes``, ``literal_bytes``, ``json_depth``, ``authors_per_record``), and the content of
    the shapes and the ontology — never how a path is spelled, where data lives or how servers
    are reached (the same content gives the same hash from the CLI and from a deployment)."""
    from scholarkg.limits import record_limits
    from scholarkg.resolution.titles import MATCHING
    from scholarkg.resources import ONTOLOGY_FILES, ontology_dir, shapes_dir
    from scholarkg.transform.profile import PROFILE_MAPPING

    arxiv, limits = config.arxiv, config.limits
    decisive = {
        "iri_base": config.iri_base,
        "minting": MINTING,
        "title_matching": MATCHING,
        "profile_mapping": PROFILE_MAPPING,
        "subject_codes": sorted(config.subject_codes.items()),
        "arxiv": [
            arxiv.enabled,
            arxiv.threshold,
            arxiv.candidates_per_title,
            sorted(arxiv.overrides.items()),
        ],
        "limits": list(record_limits(limits)),
    }
    digest = hashlib.sha256(json.dumps(decisive, sort_keys=True).encode("utf-8"))
    for path in [
        *sorted(shapes_dir().glob("*.ttl")),
        *(ontology_dir() / n for n in ONTOLOGY_FILES),
    ]:
        digest.update(path.read_bytes())
    return "sha256:" + digest.hexdigest()


@dataclass(frozen=True)
class RunInfo:
    """Who is loading: the run's IRI, when it started, with which configuration and version."""

    iri: str
    started_at: dt.datetime
    config_hash: str
    software_version: str = __version__

    @classmethod
    def start(cls, config: Config, started_at: dt.datetime | None = None) -> RunInfo:
        when = started_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
        stamp = when.strftime("%Y%m%dT%H%M%SZ")
        iri = Minter(config.iri_base).base + f"run/{stamp}-{secrets.token_hex(4)}"
        return cls(iri, when, config_hash(config))

    @property
    def graph_iri(self) -> str:
        """The named graph that holds this run's own record (see :func:`run_graph_iri`)."""
        return run_graph_iri(self.iri)


def run_graph_iri(run_iri: str) -> str:
    """The named graph of run ``<base>run/<id>``'s own record: ``<base>graph/run/<id>`` (the
    last ``/run/``: the base may hold one too)."""
    base, _, run = run_iri.rpartition("/run/")
    return f"{base}/graph/run/{run}"


def report_graph_iri(graph_iri: str) -> str:
    """Where the SHACL report of ``graph_iri`` is kept."""
    return f"{graph_iri}/shacl-report"


def graph_metadata(
    graph_iri: str,
    run: RunInfo,
    *,
    generated_at: dt.datetime,
    source: str | None,
    source_sha256: str | None,
) -> Graph:
    """Triples about a named graph, stored inside it so they change with it atomically."""
    graph = Graph()
    subject = URIRef(graph_iri)
    graph.add((subject, PROV.wasGeneratedBy, URIRef(run.iri)))
    graph.add((subject, PROV.generatedAtTime, datetime_literal(generated_at)))
    graph.add((subject, SKG.shaclReport, URIRef(report_graph_iri(graph_iri))))
    if source:
        graph.add((subject, DCTERMS.source, source_iri(source)))
    if source_sha256:
        graph.add((subject, SKG.sourceContentHash, Literal(f"sha256:{source_sha256}")))
    return graph


def run_record(
    run: RunInfo, *, ended_at: dt.datetime, outcome: str, counts: Mapping[str, int]
) -> Graph:
    """The run as a prov:Activity with its outcome, configuration hash, version and counts."""
    graph = Graph()
    subject = URIRef(run.iri)
    graph.add((subject, RDF.type, SKG.PipelineRun))
    graph.add((subject, RDF.type, PROV.Activity))
    graph.add((subject, PROV.startedAtTime, datetime_literal(run.started_at)))
    graph.add((subject, PROV.endedAtTime, datetime_literal(ended_at)))
    graph.add((subject, SKG.outcome, Literal(outcome)))
    graph.add((subject, SKG.configHash, Literal(run.config_hash)))
    graph.add((subject, SKG.softwareVersion, Literal(run.software_version)))
    for key, prop in RUN_COUNTS.items():
        if key in counts:
            graph.add((subject, prop, int_literal(counts[key])))
    return graph
