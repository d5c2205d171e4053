"""arXiv record → RDF: one named graph per e-print, keyed by arXiv id without version.

:func:`emit_arxiv` is the mapping, written once against :class:`~scholarkg.transform.emit.Emitter`;
:func:`arxiv_graph` runs it into an rdflib graph (tests, the differential SHACL checks), the
pipeline (:mod:`scholarkg.runs.records`) into N-Triples term strings.
"""

from __future__ import annotations

import re

from rdflib import OWL, RDF, URIRef
from rdflib.namespace import DCTERMS, FOAF

from scholarkg.identity.invisible import unjoined
from scholarkg.identity.names import is_group, listed_name, written_for
from scholarkg.identity.resolver import AuthorMention, PaperMentions
from scholarkg.iris import CATEGORY, FABIO, PRO, SKG, Minter, doi_iri, work_key
from scholarkg.models import ArxivRecord
from scholarkg.transform import NamedGraph
from scholarkg.transform.emit import Emitter, GraphEmitter, T, Terms

ARXIV_ABS = "https://arxiv.org/abs/"
ARXIV_DOI_PREFIX = "10.48550/arXiv."

# Vocabulary as plain strings (rdflib's Namespace attribute access builds a new URIRef each time).
A = str(RDF.type)
PAPER, PREPRINT, GROUP = str(SKG.Paper), str(FABIO.Preprint), str(SKG.Group)
AUTHORSHIP, VERSION = str(SKG.Authorship), str(SKG.PaperVersion)
ARXIV_ID, ARXIV_DOI, DOI = str(SKG.arxivId), str(SKG.arxivDoi), str(SKG.doi)
TITLE, ABSTRACT, ISSUED = str(DCTERMS.title), str(DCTERMS.abstract), str(DCTERMS.issued)
MODIFIED, LICENSE, DATE = str(DCTERMS.modified), str(DCTERMS.license), str(DCTERMS.date)
HAS_VERSION, VERSION_NUMBER = str(DCTERMS.hasVersion), str(SKG.versionNumber)
PRIMARY_CATEGORY, CATEGORY_P = str(SKG.primaryCategory), str(SKG.category)
SAME_AS, JOURNAL_REF, COMMENT = str(OWL.sameAs), str(SKG.journalReference), str(SKG.comment)
NAME, HAS_AUTHORSHIP = str(FOAF.name), str(SKG.hasAuthorship)
AUTHOR, WITH_ROLE, ROLE_AUTHOR = str(SKG.author), str(PRO.withRole), str(PRO.author)
POSITION, NAME_AS_LISTED = str(SKG.position), str(SKG.nameAsListed)
ON_BEHALF_OF = str(SKG.onBehalfOf)
AFFILIATION_AS_LISTED = str(SKG.affiliationAsListed)
CATEGORY_NS = str(CATEGORY)


_DOI_WRITTEN_AS = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)


def dois(record: ArxivRecord) -> list[str]:
    """Published DOIs of the record's DOI field, which may list several, space-separated: each
    word that starts ``10.`` (after a ``doi:`` or ``https://doi.org/`` written before it)
    starts one; a word after a DOI that has no suffix yet (``10.1007/ s00373-…``: a space
    typed after the slash) is its suffix; the characters no one sees are no part of a DOI
    (:func:`~scholarkg.identity.invisible.unjoined`, the one rule names and titles are read by:
    a soft hyphen, a bidi mark, a tag character too; before, a fixed five). A DOI without a
    suffix (``10.1007/``) is none: it would link the registrant's prefix as the paper."""
    found: list[str] = []
    for word in unjoined(record.doi or "").split():
        word = _DOI_WRITTEN_AS.sub("", word)
        if word.startswith("10."):
            found.append(word)
        elif found and not _has_suffix(found[-1]):
            found[-1] += word
    return [doi for doi in found if _has_suffix(doi)]


def _has_suffix(doi: str) -> bool:
    prefix, slash, suffix = doi.partition("/")
    return bool(slash and suffix and len(prefix) > 3)


def _emit_authorships(out: Emitter[T], minter: Minter, paper: URIRef, record: ArxivRecord) -> None:
    """Ordered authorships, keyed by position, with the names as arXiv lists them; a group
    author (``ATLAS Collaboration``) is linked here, persons only in the identity layer (the
    group a person is named for, ``ATLAS Collaboration: G. Aad``, as ``skg:onBehalfOf``)."""
    v, add, terms = out.vocab, out.add, Terms(out)
    paper_term = out.iri(paper)
    for position, author in enumerate(record.authors, start=1):
        name = listed_name(author.name)
        authorship = out.iri(minter.authorship(paper, position))
        add(paper_term, v(HAS_AUTHORSHIP), authorship)
        add(authorship, v(A), v(AUTHORSHIP))
        add(authorship, v(WITH_ROLE), v(ROLE_AUTHOR))
        add(authorship, v(POSITION), terms.integer(position))
        add(authorship, v(NAME_AS_LISTED), out.plain(name))
        for affiliation in author.affiliations:
            add(authorship, v(AFFILIATION_AS_LISTED), out.plain(affiliation))
        if is_group(name):
            add(authorship, v(AUTHOR), _group(out, minter, name))
        elif (named_for := written_for(name)) is not None:
            add(authorship, v(ON_BEHALF_OF), _group(out, minter, named_for))


def _group(out: Emitter[T], minter: Minter, name: str) -> T:
    """The group node of ``name``, typed and named as written here."""
    v, add = out.vocab, out.add
    group = out.iri(minter.group(name))
    add(group, v(A), v(GROUP))
    add(group, v(NAME), out.plain(name))
    return group


def arxiv_mentions(record: ArxivRecord, minter: Minter) -> PaperMentions:
    """The record's person authors, for the identity step (the whole list: ``complete``)."""
    paper = minter.paper_by_arxiv(record.arxiv_id)
    authors = tuple(
        AuthorMention(str(minter.authorship(paper, position)), position, listed_name(a.name))
        for position, a in enumerate(record.authors, start=1)
        if not is_group(a.name)
    )
    keys = (record.arxiv_id, work_key(record.title))
    return PaperMentions(str(paper), keys, authors, str(minter.arxiv_graph(record.arxiv_id)))


def _emit_versions(out: Emitter[T], minter: Minter, paper: URIRef, record: ArxivRecord) -> None:
    v, add, terms = out.vocab, out.add, Terms(out)
    paper_term = out.iri(paper)
    for version in record.versions:
        node = out.iri(minter.paper_version(paper, version.number))
        add(paper_term, v(HAS_VERSION), node)
        add(node, v(A), v(VERSION))
        add(node, v(VERSION_NUMBER), terms.integer(version.number))
        if version.date is not None:
            add(node, v(DATE), terms.datetime(version.date))
        if version.title:
            add(node, v(TITLE), out.plain(listed_name(version.title)))


def emit_arxiv(record: ArxivRecord, minter: Minter, out: Emitter[T]) -> URIRef:
    """Emit the e-print, its versions, ordered authorships, categories, DOIs and links.

    Returns the IRI of the record's named graph: a pure function of the record, whichever door
    it came through (persons are decided by the identity step, see :func:`arxiv_mentions`).
    """
    v, add, terms = out.vocab, out.add, Terms(out)
    paper_iri = minter.paper_by_arxiv(record.arxiv_id)
    paper = out.iri(paper_iri)
    add(paper, v(A), v(PAPER))
    add(paper, v(A), v(PREPRINT))
    add(paper, v(ARXIV_ID), out.plain(record.arxiv_id))
    add(paper, v(TITLE), out.plain(listed_name(record.title)))  # as a profile's (every door)
    if record.abstract:
        add(paper, v(ABSTRACT), out.plain(record.abstract))
    if record.published:
        add(paper, v(ISSUED), terms.date(record.published))
    if record.updated:
        add(paper, v(MODIFIED), terms.date(record.updated))
    primary = record.primary_category
    others = tuple(c for c in record.categories if c != primary)
    if primary:  # as a profile listing's paper (transform.profile): the primary is also a category
        add(paper, v(PRIMARY_CATEGORY), v(CATEGORY_NS + primary))
    for notation in (primary, *others) if primary else others:
        add(paper, v(CATEGORY_P), v(CATEGORY_NS + notation))
    add(paper, v(ARXIV_DOI), out.plain(ARXIV_DOI_PREFIX + record.arxiv_id))
    add(paper, v(SAME_AS), out.external_iri(ARXIV_ABS + record.arxiv_id))
    for doi in dois(record):
        add(paper, v(DOI), out.plain(doi))
        add(paper, v(SAME_AS), out.iri(doi_iri(doi)))
    if record.journal_ref:
        add(paper, v(JOURNAL_REF), out.plain(record.journal_ref))
    if record.comment:
        add(paper, v(COMMENT), out.plain(record.comment))
    if record.license and record.license.startswith(("http://", "https://")):
        add(paper, v(LICENSE), out.external_iri(record.license))
    _emit_versions(out, minter, paper_iri, record)
    _emit_authorships(out, minter, paper_iri, record)
    return minter.arxiv_graph(record.arxiv_id)


def arxiv_graph(record: ArxivRecord, minter: Minter) -> NamedGraph:
    """The record's named graph as an rdflib graph (see :func:`emit_arxiv`)."""
    out = GraphEmitter()
    iri = emit_arxiv(record, minter, out)
    return NamedGraph(iri, out.graph, record.source, "arxiv")
