"""A profile's snapshot graph: the page as retrieved (source, first retrieval, content hash) and
its dated metric observations (h-index, citations, …), immutable once written."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS, PROV

from scholarkg.identity.names import listed_name
from scholarkg.iris import SKG, Minter, category
from scholarkg.models import Profile
from scholarkg.transform import EmittedGraph
from scholarkg.transform.emit import NTriplesEmitter, Terms
from scholarkg.transform.terms import source_iri

METRIC_TERMS: dict[str, tuple[str, URIRef]] = {
    "h_index": ("h-index", SKG.hIndex),
    "citations": ("citations", SKG.citationCount),
    "papers": ("papers", SKG.paperCount),
    "novelty_percent": ("novelty", SKG.noveltyScore),
    "ai_score": ("ai-score", SKG.aiScore),
}


def snapshot_graph(
    profile: Profile, minter: Minter, slug_: str, papers: Sequence[str]
) -> tuple[EmittedGraph, tuple[str, ...]]:
    """The page as retrieved (source, first retrieval, hash) and its dated metric observations;
    returns the graph and the metric suffixes observed."""
    out = NTriplesEmitter()
    terms = Terms(out)

    def add(subject: str, predicate: URIRef, obj: str) -> None:
        out.add(subject, out.vocab(str(predicate)), obj)

    snapshot_iri = minter.profile_snapshot(slug_, profile.snapshot_key)
    snapshot = out.iri(snapshot_iri)
    when = terms.datetime(profile.retrieved_at)
    add(snapshot, RDF.type, out.vocab(str(SKG.ProfileSnapshot)))
    add(snapshot, DCTERMS.source, out.external_iri(str(source_iri(profile.source))))
    add(snapshot, PROV.generatedAtTime, when)
    add(snapshot, SKG.contentHash, out.plain(f"sha256:{profile.content_sha256}"))
    add(snapshot, SKG.researcherNameAsListed, out.plain(listed_name(profile.name)))
    if profile.subject_code:
        add(snapshot, SKG.subjectCode, out.plain(profile.subject_code))
    if profile.category:
        add(snapshot, SKG.primarySubject, out.vocab(str(category(profile.category))))
    if profile.stated_paper_count is not None:
        add(snapshot, SKG.statedPaperCount, terms.integer(profile.stated_paper_count))
    listed = len(profile.papers) + len(profile.quarantined)  # every entry, readable or not
    add(snapshot, SKG.listedPaperCount, terms.integer(listed))
    for paper in papers:
        add(snapshot, SKG.listsPaper, out.iri(paper))
    observed: list[str] = []
    for attribute, (suffix, metric) in METRIC_TERMS.items():
        value = getattr(profile.metrics, attribute)
        if value is None:
            continue
        observation = out.iri(minter.metric_observation(snapshot_iri, suffix))
        add(observation, RDF.type, out.vocab(str(SKG.MetricObservation)))
        add(observation, SKG.metric, out.vocab(str(metric)))
        add(observation, SKG.value, terms.integer(value))
        add(observation, SKG.observedAt, when)
        add(observation, PROV.wasDerivedFrom, snapshot)
        observed.append(suffix)
    graph = EmittedGraph(
        str(minter.snapshot_graph(slug_, profile.snapshot_key)),
        "snapshot",
        tuple(out.triples),
        profile.source,
        profile.content_sha256,
    )
    return graph, tuple(observed)
