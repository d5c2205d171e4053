"""arXiv record → RDF: one named graph per e-print, keyed by arXiv id without version."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from scholarkg.iris import FABIO, SKG, Minter, name_key
from scholarkg.models import ArxivRecord
from scholarkg.transform import NamedGraph
from scholarkg.transform.profile import add_authorship, add_categories
from scholarkg.transform.terms import date_literal, datetime_literal, int_literal

ARXIV_ABS = "https://arxiv.org/abs/"
ARXIV_DOI_PREFIX = "10.48550/arXiv."


def doi_iri(doi: str) -> URIRef:
    return URIRef("https://doi.org/" + quote(doi, safe="/:;()._-"))


def dois(record: ArxivRecord) -> list[str]:
    """Published DOIs (the snapshot sometimes lists several, space-separated)."""
    return [d for d in (record.doi or "").split() if d.startswith("10.")]


def _add_people(
    graph: Graph, minter: Minter, paper: URIRef, record: ArxivRecord, person_keys: Mapping[str, str]
) -> None:
    for position, author in enumerate(record.authors, start=1):
        key = person_keys.get(author.name) or name_key(author.name)  # decided by the caller
        person = minter.person(key)
        graph.add((person, RDF.type, SKG.Person))
        graph.add((person, FOAF.name, Literal(author.name)))
        graph.add((person, SKG.nameKey, Literal(key)))
        authorship = add_authorship(
            graph, minter, paper, person, key, position=position, name_as_listed=author.name
        )
        for affiliation in author.affiliations:
            graph.add((authorship, SKG.affiliationAsListed, Literal(affiliation)))


def _add_versions(graph: Graph, minter: Minter, paper: URIRef, record: ArxivRecord) -> None:
    for version in record.versions:
        node = minter.paper_version(paper, version.number)
        graph.add((paper, DCTERMS.hasVersion, node))
        graph.add((node, RDF.type, SKG.PaperVersion))
        graph.add((node, SKG.versionNumber, int_literal(version.number)))
        if version.date is not None:
            graph.add((node, DCTERMS.date, datetime_literal(version.date)))
        if version.title:
            graph.add((node, DCTERMS.title, Literal(version.title)))


def arxiv_graph(
    record: ArxivRecord, minter: Minter, person_keys: Mapping[str, str] | None = None
) -> NamedGraph:
    """The e-print, its versions, ordered authorships, categories, DOIs and links.

    ``person_keys`` maps a name as arXiv lists it to a person key decided elsewhere (resolution
    against a profile's researcher, or config merges); other names get their normalised key.
    """
    graph = Graph()
    paper = minter.paper_by_arxiv(record.arxiv_id)
    graph.add((paper, RDF.type, SKG.Paper))
    graph.add((paper, RDF.type, FABIO.Preprint))
    graph.add((paper, SKG.arxivId, Literal(record.arxiv_id)))
    graph.add((paper, DCTERMS.title, Literal(record.title)))
    if record.abstract:
        graph.add((paper, DCTERMS.abstract, Literal(record.abstract)))
    if record.published:
        graph.add((paper, DCTERMS.issued, date_literal(record.published)))
    if record.updated:
        graph.add((paper, DCTERMS.modified, date_literal(record.updated)))
    others = tuple(c for c in record.categories if c != record.primary_category)
    add_categories(graph, paper, record.primary_category, others)
    graph.add((paper, SKG.arxivDoi, Literal(ARXIV_DOI_PREFIX + record.arxiv_id)))
    graph.add((paper, OWL.sameAs, URIRef(ARXIV_ABS + record.arxiv_id)))
    for doi in dois(record):
        graph.add((paper, SKG.doi, Literal(doi)))
        graph.add((paper, OWL.sameAs, doi_iri(doi)))
    if record.journal_ref:
        graph.add((paper, SKG.journalReference, Literal(record.journal_ref)))
    if record.comment:
        graph.add((paper, SKG.comment, Literal(record.comment)))
    if record.license and record.license.startswith(("http://", "https://")):
        graph.add((paper, DCTERMS.license, URIRef(record.license)))
    _add_versions(graph, minter, paper, record)
    _add_people(graph, minter, paper, record, person_keys or {})
    return NamedGraph(minter.arxiv_graph(record.arxiv_id), graph, record.source, "arxiv")
