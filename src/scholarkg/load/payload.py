"""What the gate hands the loader: one named graph as N-Triples, with its digest and findings.

Every door and every loader writes a graph the same way: its triples, then the provenance it
states about itself (which run, when, from which source and bytes) and, when the gate reported
warnings or infos, a link to its SHACL report graph (``<graph>/shacl-report``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
from rdflib import RDF, Literal
from rdflib.namespace import DCTERMS, PROV, XSD

from scholarkg.iris import SKG
from scholarkg.load.contents import Contents, GraphStats, nquads
from scholarkg.transform import Triple
from scholarkg.transform.emit import datetime_lexical, escape_literal
from scholarkg.transform.terms import source_iri
from scholarkg.validate import Finding

SH = "http://www.w3.org/ns/shacl#"
_SEVERITY = {"Violation": SH + "Violation", "Warning": SH + "Warning", "Info": SH + "Info"}


def report_graph_iri(graph_iri: str) -> str:
    """Where the SHACL report of ``graph_iri`` is kept."""
    return f"{graph_iri}/shacl-report"


@dataclass(frozen=True)
class GraphPayload:
    """A graph that passed the gate, ready to load (picklable, small enough to pass around)."""

    iri: str
    kind: str  # "profile" | "snapshot" | "arxiv" | "person"
    data: bytes  # N-Triples, one triple per line, in emission order
    digest: str  # BLAKE2b of ``data``: equal digests, equal graphs
    triples: int
    findings: tuple[Finding, ...] = ()  # warnings and infos (a violation never gets here)
    source: str | None = None
    source_sha256: str | None = None
    stats: GraphStats = field(default_factory=GraphStats)  # of ``data`` (the VoID counts)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "Warning")

    @property
    def infos(self) -> int:
        return sum(1 for f in self.findings if f.severity == "Info")


def ntriples(triples: Iterable[Triple]) -> bytes:
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode("utf-8")


def make_payload(
    iri: str,
    kind: str,
    triples: list[Triple],
    findings: Iterable[Finding] = (),
    *,
    source: str | None = None,
    source_sha256: str | None = None,
) -> GraphPayload:
    """The payload of the graph ``triples`` make: a triple listed again is dropped (the graph
    holds it once), the first order kept, so data, digest, count and statistics are the
    graph's."""
    triples = list(dict.fromkeys(triples))
    data = ntriples(triples)
    kept = tuple(f for f in findings if f.severity != "Violation")
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    stats = GraphStats.of(triples)
    return GraphPayload(iri, kind, data, digest, len(triples), kept, source, source_sha256, stats)


def _iri(value: str) -> str:
    return f"<{value}>"


def _plain(text: str) -> str:
    return '"' + escape_literal(text) + '"'


GENERATED_BY = f"<{PROV.wasGeneratedBy}>"
_GENERATED_AT = f"<{PROV.generatedAtTime}>"
_DIGEST = f"<{SKG.contentDigest}>"
REPORT_LINK = f"<{SKG.shaclReport}>"
_SOURCE = f"<{DCTERMS.source}>"
_SOURCE_HASH = f"<{SKG.sourceContentHash}>"


@lru_cache(maxsize=8)
def _stamp(when: dt.datetime) -> str:
    """``when`` as an ``xsd:dateTime`` literal (one per run: every graph carries it)."""
    return f'"{datetime_lexical(when.astimezone(dt.UTC))}"^^<{XSD.dateTime}>'


def metadata(payload: GraphPayload, run_iri: str, when: dt.datetime) -> list[Triple]:
    """Triples the graph states about itself (loaded with it, in the same transaction)."""
    me = _iri(payload.iri)
    out = [
        (me, GENERATED_BY, _iri(run_iri)),
        (me, _GENERATED_AT, _stamp(when)),
        (me, _DIGEST, _plain(f"blake2b:{payload.digest}")),
    ]
    if payload.findings:
        out.append((me, REPORT_LINK, _iri(report_graph_iri(payload.iri))))
    if payload.source:
        out.append((me, _SOURCE, _iri(str(source_iri(payload.source)))))
    if payload.source_sha256:
        out.append((me, _SOURCE_HASH, _plain(f"sha256:{payload.source_sha256}")))
    return out


def report_triples(payload: GraphPayload) -> list[Triple]:
    """The graph's SHACL report (``sh:ValidationReport``) from its findings."""
    report = _iri(report_graph_iri(payload.iri))
    a = _iri(str(RDF.type))
    out = [
        (report, a, _iri(SH + "ValidationReport")),
        (report, _iri(SH + "conforms"), f'"true"^^<{XSD.boolean}>'),
    ]
    for n, finding in enumerate(payload.findings, start=1):
        result = _iri(f"{report_graph_iri(payload.iri)}#result-{n}")
        out += [
            (report, _iri(SH + "result"), result),
            (result, a, _iri(SH + "ValidationResult")),
            (result, _iri(SH + "resultSeverity"), _iri(_SEVERITY[finding.severity])),
            (result, _iri(SH + "focusNode"), _term(finding.focus)),
            (result, _iri(SH + "resultMessage"), _plain(finding.message)),
            (result, _iri(SH + "sourceShape"), _term(finding.shape)),
        ]
        if finding.component:  # every SHACL result names its constraint component
            out.append((result, _iri(SH + "sourceConstraintComponent"), _term(finding.component)))
        if finding.path:
            out.append((result, _iri(SH + "resultPath"), _term(finding.path)))
        if finding.value is not None:
            out.append((result, _iri(SH + "value"), _plain(finding.value)))
    return out


def _term(value: str) -> str:
    """A focus node, path or shape from a finding: an IRI, else its text as a literal."""
    if value.startswith(("http://", "https://", "urn:", "file:")) and " " not in value:
        return _iri(value)
    return _plain(value)


def written_form(
    payload: GraphPayload, run_iri: str, when: dt.datetime
) -> tuple[bytes, bytes, GraphStats, int]:
    """What a loader writes for a payload: the graph's N-Triples with its provenance, its SHACL
    report's N-Triples (empty without findings), the statistics of the graph as written and
    its quad count."""
    meta = metadata(payload, run_iri, when)
    body = payload.data + ntriples(meta)
    report = ntriples(report_triples(payload)) if payload.findings else b""
    stats = payload.stats
    if not stats.predicates and payload.triples:  # a payload kept from an older run
        stats = GraphStats.of_quads(ox.parse(payload.data, ox.RdfFormat.N_TRIPLES))
    return body, report, _with_metadata(stats, meta), payload.triples + len(meta)


def _with_metadata(stats: GraphStats, meta: list[Triple]) -> GraphStats:
    """``stats + GraphStats.of(meta)`` in one pass, keys in the same order: the provenance
    triples' predicates are IRIs and none of them types a subject."""
    counts = dict(stats.predicates)
    for _, predicate, _ in meta:
        key = predicate[1:-1]
        counts[key] = counts.get(key, 0) + 1
    return GraphStats(counts, list(stats.typed))


ContentRow = tuple[str, bytes, GraphStats, bool]


def content_rows(
    payload: GraphPayload,
    body: bytes,
    report: bytes,
    stats: GraphStats,
    quads: tuple[bytes, bytes] | None = None,
) -> list[ContentRow]:
    """The manifest's contents rows for a written graph and its report graph (if any);
    ``quads``: their N-Quads when the caller has them already."""
    report_iri = report_graph_iri(payload.iri)
    body_quads, report_quads = quads or (nquads(payload.iri, body), nquads(report_iri, report))
    rows = [(payload.iri, body_quads, stats, True)]
    if report:
        rows.append((report_iri, report_quads, GraphStats.of(report_triples(payload)), True))
    return rows


Written = tuple[GraphPayload, bytes, bytes, GraphStats]  # payload, body, report, stats


def note_written_many(contents: Contents, written: Iterable[Written]) -> None:
    """Record graphs (and their report graphs) as written, in the manifest's contents, an old
    report graph one no longer has dropped: one drop and one put, a few statements a batch, not
    a few a graph (a graph noted alone cost ~2.5 times its share of a batch)."""
    gone: list[str] = []
    rows: list[ContentRow] = []
    for payload, body, report, stats in written:
        if not report:
            gone.append(report_graph_iri(payload.iri))
        rows += content_rows(payload, body, report, stats)
    contents.drop_many(gone)
    contents.put_many(rows)


def with_provenance(payload: GraphPayload, run_iri: str, when: dt.datetime) -> bytes:
    """The graph's N-Triples followed by its provenance triples."""
    return payload.data + ntriples(metadata(payload, run_iri, when))


def literal(value: object) -> str:
    """N-Triples form of a plain Python value (for tests and small writers)."""
    return str(Literal(value).n3())
