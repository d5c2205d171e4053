"""Profile record → RDF: the profile graph (papers, people) and its immutable snapshot graph."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, XSD

from scholarkg.iris import PRO, SKG, Minter, category, name_key
from scholarkg.models import Profile, ProfilePaper
from scholarkg.people import People
from scholarkg.resolve import Resolution
from scholarkg.transform import NamedGraph
from scholarkg.transform.terms import (
    bool_literal,
    date_literal,
    datetime_literal,
    int_literal,
    source_iri,
)

METRIC_TERMS: dict[str, tuple[str, URIRef]] = {
    "h_index": ("h-index", SKG.hIndex),
    "citations": ("citations", SKG.citationCount),
    "papers": ("papers", SKG.paperCount),
    "novelty_percent": ("novelty", SKG.noveltyScore),
    "ai_score": ("ai-score", SKG.aiScore),
}


def profile_slug(profile: Profile) -> str:
    """The profile's stable key: its researcher's normalised name."""
    return name_key(profile.name)


def add_person(
    graph: Graph, minter: Minter, name: str, key: str | None = None
) -> tuple[URIRef, str]:
    """Type and name a person in ``graph``; returns its IRI and key."""
    key = key or name_key(name)
    person = minter.person(key)
    graph.add((person, RDF.type, SKG.Person))
    graph.add((person, FOAF.name, Literal(name)))
    graph.add((person, SKG.nameKey, Literal(key)))
    return person, key


def add_authorship(
    graph: Graph,
    minter: Minter,
    paper: URIRef,
    person: URIRef,
    key: str,
    *,
    position: int | None,
    name_as_listed: str | None,
) -> URIRef:
    """One authorship node of ``person`` on ``paper`` (position 1-based, when known)."""
    authorship = minter.authorship(paper, key)
    graph.add((paper, SKG.hasAuthorship, authorship))
    graph.add((authorship, RDF.type, SKG.Authorship))
    graph.add((authorship, SKG.author, person))
    graph.add((authorship, PRO.withRole, PRO.author))
    if position is not None:
        graph.add((authorship, SKG.position, int_literal(position)))
    if name_as_listed is not None:
        graph.add((authorship, SKG.nameAsListed, Literal(name_as_listed)))
    return authorship


def add_categories(
    graph: Graph, paper: URIRef, primary: str | None, others: tuple[str, ...]
) -> None:
    if primary:
        graph.add((paper, SKG.primaryCategory, category(primary)))
    for notation in (primary, *others) if primary else others:
        graph.add((paper, SKG.category, category(notation)))


def paper_iri(item: ProfilePaper, minter: Minter, resolved: Mapping[str, str]) -> URIRef:
    """A resolved paper is keyed by its arXiv id; any other by its normalised title."""
    arxiv_id = resolved.get(item.title)
    return minter.paper_by_arxiv(arxiv_id) if arxiv_id else minter.paper_by_title(item.title)


def _add_paper(
    graph: Graph,
    minter: Minter,
    item: ProfilePaper,
    paper: URIRef,
    researcher: tuple[URIRef, str],
    people: People,
) -> None:
    graph.add((paper, RDF.type, SKG.Paper))
    graph.add((paper, DCTERMS.title, Literal(item.title)))
    graph.add((paper, DCTERMS.issued, date_literal(item.date)))
    graph.add((paper, SKG.subjectCode, Literal(item.subject_code)))
    graph.add((paper, SKG.hasCode, bool_literal(item.has_code)))
    graph.add((paper, SKG.listedAuthorsTruncated, bool_literal(item.authors_truncated)))
    if item.abstract:
        graph.add((paper, DCTERMS.abstract, Literal(item.abstract)))
    add_categories(graph, paper, item.category, ())
    for org_name in item.organizations:
        org = minter.organization(org_name)
        graph.add((org, RDF.type, SKG.Organization))
        graph.add((org, RDFS.label, Literal(org_name)))
        graph.add((paper, SKG.organization, org))
    researcher_listed = False
    for position, name in enumerate(item.authors, start=1):
        person, key = add_person(graph, minter, name, people.key(name, item.title))
        researcher_listed |= key == researcher[1]
        add_authorship(graph, minter, paper, person, key, position=position, name_as_listed=name)
    if not researcher_listed:
        add_authorship(graph, minter, paper, *researcher, position=None, name_as_listed=None)


def _decimal(value: float) -> Literal:
    return Literal(f"{value:.4f}", datatype=XSD.decimal)


def _add_resolution(
    graph: Graph, minter: Minter, slug: str, paper: URIRef, verdict: Resolution
) -> None:
    """Record how a listed paper was (or was not) matched to arXiv, with the evidence."""
    node = minter.resolution(slug, verdict.paper.title)
    graph.add((node, RDF.type, SKG.Resolution))
    graph.add((node, SKG.resolvedPaper, paper))
    graph.add((node, SKG.resolutionMethod, Literal(verdict.method)))
    graph.add((node, SKG.titleAsListed, Literal(verdict.paper.title)))
    evidence = verdict.accepted if verdict.accepted else None
    if evidence is not None and verdict.method == "score":
        graph.add((node, SKG.score, _decimal(evidence.score)))
        graph.add((node, SKG.titleSimilarity, _decimal(evidence.title_similarity)))
        if evidence.date_distance_days is not None:
            graph.add((node, SKG.dateDistanceDays, int_literal(evidence.date_distance_days)))
        if evidence.author_overlap is not None:
            graph.add((node, SKG.authorOverlap, _decimal(evidence.author_overlap)))
    if verdict.accepted is None:
        for candidate in verdict.candidates:
            graph.add((node, SKG.candidateArxivId, Literal(candidate.arxiv_id)))


def profile_graph(
    profile: Profile,
    minter: Minter,
    *,
    people: People | None = None,
    resolutions: Sequence[Resolution] = (),
) -> NamedGraph:
    """The researcher, their listed papers, co-authors, organisations and resolution evidence."""
    people = people or People()
    resolved = resolved_ids(resolutions)
    graph = Graph()
    researcher = add_person(graph, minter, profile.name, people.key(profile.name))
    for item in profile.papers:
        _add_paper(graph, minter, item, paper_iri(item, minter, resolved), researcher, people)
    slug = profile_slug(profile)
    for verdict in resolutions:
        _add_resolution(graph, minter, slug, paper_iri(verdict.paper, minter, resolved), verdict)
    iri = minter.profile_graph(slug)
    return NamedGraph(iri, graph, profile.source, "profile", profile.content_sha256)


def resolved_ids(resolutions: Sequence[Resolution]) -> dict[str, str]:
    """Listed title → accepted arXiv id."""
    return {r.paper.title: r.arxiv_id for r in resolutions if r.arxiv_id}


def snapshot_graph(
    profile: Profile,
    minter: Minter,
    *,
    people: People | None = None,
    resolved: Mapping[str, str] | None = None,
) -> NamedGraph:
    """The page as retrieved (source, first retrieval, hash) and its dated metric observations."""
    slug = profile_slug(profile)
    graph = Graph()
    researcher = minter.person((people or People()).key(profile.name))
    snapshot = minter.profile_snapshot(slug, profile.content_sha256)
    when = datetime_literal(profile.retrieved_at)
    graph.add((snapshot, RDF.type, SKG.ProfileSnapshot))
    graph.add((snapshot, SKG.snapshotOf, researcher))
    graph.add((snapshot, DCTERMS.source, source_iri(profile.source)))
    graph.add((snapshot, PROV.generatedAtTime, when))
    graph.add((snapshot, SKG.contentHash, Literal(f"sha256:{profile.content_sha256}")))
    if profile.subject_code:
        graph.add((snapshot, SKG.subjectCode, Literal(profile.subject_code)))
    if profile.category:
        graph.add((snapshot, SKG.primarySubject, category(profile.category)))
    if profile.stated_paper_count is not None:
        graph.add((snapshot, SKG.statedPaperCount, int_literal(profile.stated_paper_count)))
    graph.add((snapshot, SKG.listedPaperCount, int_literal(len(profile.papers))))
    for item in profile.papers:
        graph.add((snapshot, SKG.listsPaper, paper_iri(item, minter, resolved or {})))
    for attribute, (suffix, metric) in METRIC_TERMS.items():
        value = getattr(profile.metrics, attribute)
        if value is None:
            continue
        observation = minter.metric_observation(snapshot, suffix)
        graph.add((observation, RDF.type, SKG.MetricObservation))
        graph.add((observation, SKG.metric, metric))
        graph.add((observation, SKG.value, int_literal(value)))
        graph.add((observation, SKG.observedAt, when))
        graph.add((observation, SKG.observationOf, researcher))
        graph.add((observation, PROV.wasDerivedFrom, snapshot))
    iri = minter.snapshot_graph(slug, profile.content_sha256)
    return NamedGraph(iri, graph, profile.source, "snapshot", profile.content_sha256)


def transform_profile(
    profile: Profile,
    minter: Minter,
    *,
    people: People | None = None,
    resolutions: Sequence[Resolution] = (),
) -> list[NamedGraph]:
    """Both named graphs for one profile, profile graph first."""
    resolved = resolved_ids(resolutions)
    return [
        profile_graph(profile, minter, people=people, resolutions=resolutions),
        snapshot_graph(profile, minter, people=people, resolved=resolved),
    ]
