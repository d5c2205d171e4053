"""Parse arXiv API Atom feeds into :class:`ArxivRecord` (by namespace and name, never position).

Versions: an entry describes one version N (the latest unless a version was requested). Atom
tells us the date of v1 (``published``) and of version N (``updated``) and nothing about the
versions in between, so ``versions`` holds v1 and vN only (just v1 when N is 1), and the title
is attached to vN, the version it belongs to. ``AtomEntry.version`` says which N the entry is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree

from scholarkg.errors import ExtractError, LimitExceeded, ParseError
from scholarkg.extract.arxiv_authors import clean_affiliations, listed_name
from scholarkg.extract.arxiv_ids import parse_arxiv_id
from scholarkg.extract.reasons import (
    NO_ID,
    NO_TITLE,
    bad_date,
    foreign_entry,
    nameless_author,
    quarantine_reason,
)
from scholarkg.extract.record_fields import refuse_dated_before
from scholarkg.extract.textcheck import (
    mask_xml_controls,
    refuse_non_text_element,
    xml_may_hold_non_text,
)
from scholarkg.extract.xmlsafe import RecordStream, line_of, refuse_repeated, squash, text_of
from scholarkg.identity.person_names import refuse_unfit_authors
from scholarkg.limits import DEFAULT_LIMITS, Limits, check_record_literals, clip
from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion, QuarantinedRecord

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"

_A = f"{{{ATOM_NS}}}"
_X = f"{{{ARXIV_NS}}}"
# what an entry holds once (a repeated one with other text refuses it: refuse_repeated)
_ONCE = frozenset(
    [*(f"{_A}{n}" for n in ("id", "title", "summary", "published", "updated"))]
    + [f"{_X}{n}" for n in ("comment", "journal_ref", "doi")]
)
_OS = f"{{{OPENSEARCH_NS}}}"
_FEED_TAG, _ENTRY_TAG = f"{_A}feed", f"{_A}entry"
_COUNTERS = frozenset(f"{_OS}{name}" for name in ("totalResults", "startIndex", "itemsPerPage"))
_ERROR_ID = re.compile(r"/api/errors(?:#|$)")
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


@dataclass(frozen=True)
class AtomFeed:
    """A parsed API answer with its OpenSearch paging counters."""

    source: str
    total_results: int | None
    start_index: int | None
    items_per_page: int | None
    entries: tuple[AtomEntry, ...]
    quarantined: tuple[QuarantinedRecord, ...] = ()
    asked: int | None = None  # max_results of the request
    unread: int = 0  # entries past ``asked``: counted, not read

    @property
    def records(self) -> tuple[ArxivRecord, ...]:
        return tuple(entry.record for entry in self.entries)

    @property
    def warning(self) -> str | None:
        """One line when the answer held more entries than asked for, else None."""
        if not self.unread:
            return None
        held = len(self.entries) + len(self.quarantined) + self.unread
        return (
            f"{self.source}: the answer held {held} entries for max_results={self.asked}: read "
            f"the first {self.asked}, left {self.unread} unread (the server ignores max_results)"
        )


def _int(counter: tuple[str | None, int | None] | None, source: str) -> int | None:
    """A counter's value from its (text, line), None when absent or empty."""
    text, line = counter or (None, None)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError as exc:
        raise ParseError(
            source, f"OpenSearch counter {text!r} is not an integer", line=line
        ) from exc


def _datetime(text: str | None, what: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(bad_date(text, what)) from exc


def _error_message(entry: etree._Element) -> str | None:
    """arXiv's message when ``entry`` is an error feed's entry, else None."""
    entry_id = text_of(entry.find(f"{_A}id")) or ""
    if _ERROR_ID.search(entry_id):
        return text_of(entry.find(f"{_A}summary")) or entry_id
    return None


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


def _authors(entry: etree._Element) -> tuple[ArxivAuthor, ...]:
    """The entry's authors in order; one without a name refuses the entry
    (:func:`~.reasons.nameless_author`). Affiliations are read as the other doors read them
    (:func:`~.arxiv_authors.clean_affiliations`): footnote numbers (``1 and 2``) are none;
    names as every door lists them (:func:`~.arxiv_authors.listed_name`)."""
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


def _entry(
    entry: etree._Element,
    source: str,
    limits: Limits,
    *,
    check_text: bool = True,
    masked: bool = False,
) -> AtomEntry:
    if check_text or masked:
        refuse_non_text_element(entry, masked=masked)
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
    if parsed.version == 1:
        versions = (ArxivVersion(number=1, date=published or updated, title=title),)
    elif parsed.version is not None:
        versions = (
            ArxivVersion(number=1, date=published),
            ArxivVersion(number=parsed.version, date=updated, title=title),
        )
        refuse_dated_before(versions)  # before: vN updated before v1 was published loaded
    record = ArxivRecord(
        arxiv_id=parsed.arxiv_id,
        title=title,
        abstract=text_of(entry.find(f"{_A}summary")) or "",
        authors=_authors(entry),
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


def _quarantined(element: etree._Element, source: str, exc: Exception) -> QuarantinedRecord:
    """``element`` quarantined with its own XML, without the text after it (which the stream
    may or may not have read yet)."""
    text = etree.tostring(element, encoding="unicode", with_tail=False)
    return QuarantinedRecord(source, line_of(element) or 0, quarantine_reason(exc), clip(text))


def _oversize(element: etree._Element, source: str, size: int, limits: Limits) -> QuarantinedRecord:
    """``element``, cut while read for being over ``[limits] line_bytes``, quarantined."""
    limit = limits.line_bytes
    why = LimitExceeded(f"entry of about {size} bytes", "[limits] line_bytes", limit)
    return _quarantined(element, source, why)


def _foreign_entry(element: etree._Element) -> bool:
    """``element`` (a child of the feed) is an ``<entry>`` of another namespace, or none."""
    return isinstance(element.tag, str) and etree.QName(element).localname == "entry"


def _refuse_other_copy(entry: AtomEntry, firsts: dict[tuple[str, int | None], AtomEntry]) -> None:
    """An entry of an id and version read before on the page, with other content, is refused as
    a snapshot's later line of an id is; a copy alike is the same entry (``firsts``: the first
    entry of each, updated)."""
    first = firsts.setdefault((entry.record.arxiv_id, entry.version), entry)
    if first is not entry and first != entry:
        raise ValueError(
            f"duplicate of arXiv id {entry.record.arxiv_id} at line {first.record.line}"
        )


def parse_feed(
    body: bytes,
    *,
    source: str,
    status: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    asked: int | None = None,
) -> AtomFeed:
    """Parse an API response body (already archived by the caller).

    An arXiv error feed raises :class:`ExtractError` with arXiv's own message; a body that is
    not an Atom feed raises :class:`ParseError`. An entry that cannot be read, with a text
    value over ``[limits] literal_bytes``, larger in all than ``[limits] line_bytes`` (cut as
    it is read) or with what is no text in any field (:mod:`~scholarkg.extract.textcheck`), is
    quarantined with its line number and XML (clipped), and the rest of the feed is kept; so is
    an entry of an id and version the answer held before with other content (``duplicate of
    arXiv id … at line …``: the first is the record, as of a snapshot's lines). The
    answer is read child by child of ``<feed>``
    (:class:`~scholarkg.extract.xmlsafe.RecordStream`), each freed once read: what the parse
    holds at once does not grow with the number of entries. Of an answer with more entries
    than ``asked`` (the request's ``max_results``), the first ``asked`` are read and the rest
    only counted (``unread``; :attr:`AtomFeed.warning` says so): what it keeps does not grow
    with them either.
    """
    body, masked = mask_xml_controls(body)  # a control in one entry refuses that entry only
    stream = RecordStream(body, source=source, path=(None, None), record_bytes=limits.line_bytes)
    entries: list[AtomEntry] = []
    quarantined: list[QuarantinedRecord] = []
    counters: dict[str, tuple[str | None, int | None]] = {}
    error: str | None = None
    unread = 0
    firsts: dict[tuple[str, int | None], AtomEntry] = {}
    check_text = xml_may_hold_non_text(body)
    for element in stream:
        holder = element.getparent()
        if holder is None or holder.tag != _FEED_TAG:
            continue  # not an Atom feed: refused once read whole (a syntax error comes first)
        if element.tag in _COUNTERS:
            counters.setdefault(element.tag, (text_of(element), line_of(element)))
        if error is None and element.tag != _ENTRY_TAG and _foreign_entry(element):
            why = ValueError(foreign_entry(etree.QName(element).namespace, ATOM_NS))
            quarantined.append(_quarantined(element, source, why))
            continue  # before: passed over, its id then told "arXiv returned no such record"
        if element.tag != _ENTRY_TAG or error is not None:
            continue  # after an error entry the feed is refused: no entry is mapped
        error = _error_message(element)
        if error is not None:
            continue
        if asked is not None and len(entries) + len(quarantined) >= asked:
            unread += 1
        elif stream.oversize is not None:
            quarantined.append(_oversize(element, source, stream.oversize, limits))
        else:
            try:
                read = _entry(element, source, limits, check_text=check_text, masked=masked)
                _refuse_other_copy(read, firsts)
                entries.append(read)
            except (ValueError, ParseError) as exc:
                quarantined.append(_quarantined(element, source, exc))
    root = stream.root
    assert root is not None  # a stream read to its end has its root
    if root.tag != _FEED_TAG:
        raise ParseError(source, f"expected an Atom <feed>, found <{root.tag}>", line=line_of(root))
    if error is not None:
        raise ExtractError(source, f"arXiv API error: {error}", status=status)
    return AtomFeed(
        source=source,
        total_results=_int(counters.get(f"{_OS}totalResults"), source),
        start_index=_int(counters.get(f"{_OS}startIndex"), source),
        items_per_page=_int(counters.get(f"{_OS}itemsPerPage"), source),
        entries=tuple(entries),
        quarantined=tuple(quarantined),
        asked=asked,
        unread=unread,
    )
