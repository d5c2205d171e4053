"""One Atom ``<entry>`` of an arXiv API answer read into an :class:`ArxivRecord` (by namespace
and name, never position).

Versions: an entry describes one version N (the latest unless a version was requested). Atom
tells us the date of v1 (``published``) and of version N (``updated``) and nothing about the
versions in between, so ``versions`` holds v1 and vN only (just v1 when N is 1), and the title
is attached to vN, the version it belongs to. ``AtomEntry.version`` says which N the entry is.
A vN dated before v1 refuses the entry (:func:`~.record_fields.refuse_dated_before`); so does,
for v1 or an id that names no version, an ``updated`` before ``published``
(:func:`~.record_fields.refuse_updated_before`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree

from scholarkg.extract.arxiv_authors import clean_affiliations, listed_name
from scholarkg.extract.arxiv_ids import parse_arxiv_id
from scholarkg.extract.markup import refuse_markup
from scholarkg.extract.reasons import NO_ID, NO_TITLE, bad_date, nameless_author
from scholarkg.extract.record_fields import refuse_dated_before, refuse_updated_before
from scholarkg.extract.textcheck import refuse_non_text_element
from scholarkg.extract.xmlsafe import line_of, refuse_repeated, squash, text_of
from scholarkg.identity.person_names import refuse_unfit_authors
from scholarkg.limits import Limits, check_author_count, check_record_literals
from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion
from scholarkg.text_masks import Masks

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"

_A = f"{{{ATOM_NS}}}"
_X = f"{{{ARXIV_NS}}}"
# what an entry holds once (a repeated one with other text refuses it: refuse_repeated)
_ONCE = frozenset(
    [*(f"{_A}{n}" for n in ("id", "title", "summary", "published", "updated"))]
    + [f"{_X}{n}" for n in ("comment", "journal_ref", "doi")]
)
# arXiv categories (cs.LG, astro-ph, q-bio.QM, cond-mat.stat-mech); ACM/MSC codes do not match,
# nor does a term longer than any category (the longest is 18 characters)
_ARXIV_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?")
_CATEGORY_CHARS = 32


@dataclass(frozen=True)
class AtomLinks:
    """The entry's links: abstract page, PDF and resolved DOI (each when present)."""

    abstract: str | None = None
    pdf: str | None = None
    doi: str | None = None


@dataclass(frozen=True)
class AtomEntry:
    """One entry: the record, the version it describes, links and non-arXiv classifications."""

    record: ArxivRecord
    version: int | None
    links: AtomLinks
    other_classifications: tuple[str, ...] = ()


def _datetime(text: str | None, what: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(bad_date(text, what)) from exc


def _links(entry: etree._Element) -> AtomLinks:
    abstract = pdf = doi = None
    for link in entry.iterfind(f"{_A}link"):
        href, rel, title = link.get("href"), link.get("rel"), link.get("title")
        if rel == "alternate" and abstract is None:
            abstract = href
        elif title == "pdf" and pdf is None:
            pdf = href
        elif title == "doi" and doi is None:
            doi = href
    return AtomLinks(abstract=abstract, pdf=pdf, doi=doi)


def _authors(entry: etree._Element, limits: Limits) -> tuple[ArxivAuthor, ...]:
    """The entry's authors in order, counted before any is made (more than ``[limits]
    authors_per_record`` refuse the entry; before, all were made first); one without a name
    refuses the entry (:func:`~.reasons.nameless_author`). Affiliations are read as the other
    doors read them (:func:`~.arxiv_authors.clean_affiliations`): footnote numbers (``1 and
    2``) are none; names as every door lists them (:func:`~.arxiv_authors.listed_name`)."""
    check_author_count(sum(1 for _ in entry.iterfind(f"{_A}author")), limits)
    authors = []
    for position, author in enumerate(entry.iterfind(f"{_A}author"), start=1):
        name = text_of(author.find(f"{_A}name"))
        if name is None:
            raise ValueError(nameless_author(position))
        affiliations = clean_affiliations(
            [text_of(el) for el in author.iterfind(f"{_X}affiliation")]
        )
        authors.append(ArxivAuthor(name=listed_name(name), affiliations=affiliations))
    return tuple(authors)


def read_entry(
    entry: etree._Element,
    source: str,
    limits: Limits,
    *,
    check_text: bool = True,
    masked: Masks | None = None,
) -> AtomEntry:
    if check_text or masked:
        refuse_non_text_element(entry, masked=masked)
    refuse_markup(entry, source)  # before: <title>Foo <b>bar</b></title> loaded as 'Foo bar'
    refuse_repeated(entry, _ONCE)
    raw_id = text_of(entry.find(f"{_A}id"))
    if raw_id is None:
        raise ValueError(NO_ID)
    parsed = parse_arxiv_id(raw_id, source=source)
    title = text_of(entry.find(f"{_A}title"))
    if title is None:
        raise ValueError(NO_TITLE)
    published = _datetime(text_of(entry.find(f"{_A}published")), "published")
    updated = _datetime(text_of(entry.find(f"{_A}updated")), "updated")
    primary_el = entry.find(f"{_X}primary_category")
    primary = squash(primary_el.get("term")) if primary_el is not None else None
    terms = [squash(c.get("term")) for c in entry.iterfind(f"{_A}category")]
    categories: list[str] = [primary] if primary else []
    others: list[str] = []
    for term in terms:
        if term is None or term in categories or term in others:
            continue
        arxiv = len(term) <= _CATEGORY_CHARS and _ARXIV_CATEGORY.fullmatch(term)
        (categories if arxiv else others).append(term)
    versions: tuple[ArxivVersion, ...] = ()
    if parsed.version is not None and parsed.version > 1:
        versions = (
            ArxivVersion(number=1, date=published),
            ArxivVersion(number=parsed.version, date=updated, title=title),
        )
        refuse_dated_before(versions)  # before: vN updated before v1 was published loaded
    else:  # before: v1, or no version, updated before it was published loaded
        refuse_updated_before(published, updated)
        if parsed.version == 1:
            versions = (ArxivVersion(number=1, date=published or updated, title=title),)
    record = ArxivRecord(
        arxiv_id=parsed.arxiv_id,
        title=title,
        abstract=text_of(entry.find(f"{_A}summary")) or "",
        authors=_authors(entry, limits),
        categories=tuple(categories),
        primary_category=primary,
        published=published.date() if published else None,
        updated=updated.date() if updated else None,
        versions=versions,
        comment=text_of(entry.find(f"{_X}comment")),
        journal_ref=text_of(entry.find(f"{_X}journal_ref")),
        doi=text_of(entry.find(f"{_X}doi")),
        source=source,
        line=line_of(entry),
    )
    check_record_literals(record, limits)
    refuse_unfit_authors(a.name for a in record.authors)
    return AtomEntry(
        record=record,
        version=parsed.version,
        links=_links(entry),
        other_classifications=tuple(others),
    )
