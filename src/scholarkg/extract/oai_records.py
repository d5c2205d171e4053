"""OAI-PMH ``<record>`` elements (formats ``arXiv``, ``oai_dc``, ``arXivRaw``) → ArxivRecord (the
header and the record types: :mod:`scholarkg.extract.oai_header`).

The metadata format is read from the namespace of the element inside ``<metadata>``.
What each format can truthfully give:

* ``arXiv``: structured authors with affiliations, categories, v1 date (``created``) and the
  latest version's date (``updated``) — but no version numbers, so ``versions`` is empty; an
  ``updated`` before ``created`` refuses the record (:func:`~.record_fields.refuse_updated_before`).
* ``oai_dc``: names as ``Last, First``, subjects as *names* (``Computer Science - …``), not
  category codes, so ``categories`` is empty and the names are kept in ``dc_subjects``; one
  ``dc:date`` per version in order, the first v1's, the last the latest version's (a last before
  the first refuses the record, as ``arXiv``'s ``updated`` before ``created``; so does any other
  date before the one listed before it, as a version dated before an earlier one).
* ``arXivRaw``: every version with its submission date, size and source type; free-text authors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from lxml import etree

from scholarkg.extract.arxiv_authors import dc_authors, split_author_string, structured_authors
from scholarkg.extract.arxiv_ids import parse_arxiv_id
from scholarkg.extract.markup import refuse_markup
from scholarkg.extract.oai_header import (
    ARXIV_FORMAT_NS,
    ARXIV_RAW_NS,
    DC_NS,
    OAI_DC_NS,
    OAI_NS,
    OAI_TAG,
    OaiHeader,
    OaiRecord,
    RawVersion,
    parse_header,
    record_date,
)
from scholarkg.extract.reasons import NO_TITLE, listed_before
from scholarkg.extract.record_fields import (
    one_per_number,
    parse_version_date,
    parse_version_label,
    refuse_updated_before,
    version_days,
)
from scholarkg.extract.textcheck import refuse_non_text_element
from scholarkg.extract.xmlsafe import line_of, refuse_repeated, text_of, written_text_of
from scholarkg.limits import DEFAULT_LIMITS, Limits, check_author_count, check_literal
from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion
from scholarkg.text_masks import Masks

_DC = f"{{{DC_NS}}}"
_SIZE = re.compile(r"([0-9]{1,12})\s*kb", re.IGNORECASE)  # ASCII digits, as version labels


def _categories(text: str | None) -> tuple[str, ...]:
    return tuple(text.split()) if text else ()


def _arxiv(meta: etree._Element, header: OaiHeader, source: str, limits: Limits) -> OaiRecord:
    ns = f"{{{ARXIV_FORMAT_NS}}}"
    authors = structured_authors(
        (
            text_of(author.find(f"{ns}keyname")),
            text_of(author.find(f"{ns}forenames")),
            text_of(author.find(f"{ns}suffix")),
            [text_of(a) for a in author.iterfind(f"{ns}affiliation")],
        )
        for author in meta.iterfind(f"{ns}authors/{ns}author")
    )
    created = record_date(text_of(meta.find(f"{ns}created")), "published")  # the API's <published>
    updated = record_date(text_of(meta.find(f"{ns}updated")), "updated")
    refuse_updated_before(created, updated)  # before: <updated> before <created> loaded
    categories = _categories(text_of(meta.find(f"{ns}categories")))
    record = _record(
        meta,
        ns,
        header,
        source,
        authors,
        categories,
        published=created,
        updated=updated or created,
    )
    return OaiRecord(
        header=header,
        record=record,
        metadata_format="arXiv",
        report_no=text_of(meta.find(f"{ns}report-no")),
        msc_class=text_of(meta.find(f"{ns}msc-class")),
        acm_class=text_of(meta.find(f"{ns}acm-class")),
    )


def _arxiv_raw(meta: etree._Element, header: OaiHeader, source: str, limits: Limits) -> OaiRecord:
    ns = f"{{{ARXIV_RAW_NS}}}"
    raw_versions = []
    for version in meta.iterfind(f"{ns}version"):
        number = parse_version_label(version.get("version", ""))
        date_text = text_of(version.find(f"{ns}date"))
        size = _SIZE.fullmatch(text_of(version.find(f"{ns}size")) or "")
        raw_versions.append(
            RawVersion(
                number=number,
                date=parse_version_date(date_text) if date_text else None,
                size_kb=int(size.group(1)) if size else None,
                source_type=text_of(version.find(f"{ns}source_type")),
            )
        )
    raw_versions = one_per_number(raw_versions)
    title = text_of(meta.find(f"{ns}title"))
    latest = raw_versions[-1].number if raw_versions else None
    versions = tuple(
        ArxivVersion(v.number, v.date, title if v.number == latest else None) for v in raw_versions
    )
    published, updated = version_days(versions)
    record = _record(
        meta,
        ns,
        header,
        source,
        # made no further than one past [limits] authors_per_record (before: all, then counted)
        split_author_string(written_text_of(meta.find(f"{ns}authors")) or "", limits),
        _categories(text_of(meta.find(f"{ns}categories"))),
        published=published,
        updated=updated,
        versions=versions,
    )
    return OaiRecord(
        header=header,
        record=record,
        metadata_format="arXivRaw",
        raw_versions=tuple(raw_versions),
        report_no=text_of(meta.find(f"{ns}report-no")),
        msc_class=text_of(meta.find(f"{ns}msc-class")),
        acm_class=text_of(meta.find(f"{ns}acm-class")),
        submitter=text_of(meta.find(f"{ns}submitter")),
    )


def _record(
    meta: etree._Element,
    ns: str,
    header: OaiHeader,
    source: str,
    authors: tuple[ArxivAuthor, ...],
    categories: tuple[str, ...],
    *,
    published: dt.date | None,
    updated: dt.date | None,
    versions: tuple[ArxivVersion, ...] = (),
) -> ArxivRecord:
    """The fields the arXiv and arXivRaw formats name alike."""
    meta_id = text_of(meta.find(f"{ns}id"))
    if meta_id is not None and parse_arxiv_id(meta_id, source=source).arxiv_id != header.arxiv_id:
        raise ValueError(f"metadata id {meta_id!r} differs from header {header.identifier!r}")
    title = text_of(meta.find(f"{ns}title"))
    if title is None:
        raise ValueError(NO_TITLE)
    return ArxivRecord(
        arxiv_id=header.arxiv_id,
        title=title,
        abstract=text_of(meta.find(f"{ns}abstract")) or "",
        authors=authors,
        categories=categories,
        primary_category=categories[0] if categories else None,
        published=published,
        updated=updated,
        versions=versions,
        comment=text_of(meta.find(f"{ns}comments")),
        journal_ref=text_of(meta.find(f"{ns}journal-ref")),
        doi=text_of(meta.find(f"{ns}doi")),
        license=text_of(meta.find(f"{ns}license")),
        source=source,
    )


def _refuse_unordered(dates: list[dt.date | None]) -> None:
    """ValueError (:func:`~.reasons.listed_before`) for the first ``dc:date`` before the one
    listed before it."""
    for position in range(1, len(dates)):
        when, then = dates[position], dates[position - 1]
        if when is not None and then is not None and when < then:
            raise ValueError(listed_before(position + 1, when, then))


def _oai_dc(meta: etree._Element, header: OaiHeader, source: str, limits: Limits) -> OaiRecord:
    def values(name: str) -> list[str]:
        return [v for v in (text_of(e) for e in meta.iterfind(f"{_DC}{name}")) if v]

    title = next(iter(values("title")), None)
    if title is None:
        raise ValueError(NO_TITLE)
    descriptions = values("description")
    comment = next((d for d in descriptions[1:]), None)
    dates = [record_date(d) for d in values("date")]  # as listed: the first v1's, the last latest
    if dates:
        refuse_updated_before(dates[0], dates[-1])  # before: a last dc:date before the first loaded
    _refuse_unordered(dates)  # before: only the first and the last were compared
    doi = journal_ref = None
    for identifier in values("identifier"):
        if identifier.lower().startswith("doi:"):
            doi = identifier[4:].strip()
        elif not identifier.startswith(("http://", "https://")):
            journal_ref = identifier
    record = ArxivRecord(
        arxiv_id=header.arxiv_id,
        title=title,
        abstract=descriptions[0] if descriptions else "",
        authors=dc_authors(text_of(c) for c in meta.iterfind(f"{_DC}creator")),
        categories=(),
        published=dates[0] if dates else None,
        updated=dates[-1] if dates else None,
        comment=comment.removeprefix("Comment: ") if comment else None,
        journal_ref=journal_ref,
        doi=doi,
        source=source,
    )
    return OaiRecord(
        header=header, record=record, metadata_format="oai_dc", dc_subjects=tuple(values("subject"))
    )


_PARSERS = {ARXIV_FORMAT_NS: _arxiv, ARXIV_RAW_NS: _arxiv_raw, OAI_DC_NS: _oai_dc}
# where each format lists its authors, one element each (as _arxiv and _oai_dc read them)
_AUTHOR_PATHS = {
    ARXIV_FORMAT_NS: f"{{{ARXIV_FORMAT_NS}}}authors/{{{ARXIV_FORMAT_NS}}}author",
    OAI_DC_NS: f"{_DC}creator",
}
# the elements a header and a record of the arXiv formats hold once (a repeated one with other
# text refuses the record: xmlsafe.refuse_repeated)
_ONCE = [
    "id",
    "created",
    "updated",
    "title",
    "authors",
    "categories",
    "comments",
    "proxy",
    "journal-ref",
    "doi",
    "license",
    "abstract",
    "report-no",
    "msc-class",
    "acm-class",
    "submitter",
]
_SINGLE = {ns: frozenset(f"{{{ns}}}{n}" for n in _ONCE) for ns in (ARXIV_FORMAT_NS, ARXIV_RAW_NS)}
_SINGLE[OAI_NS] = frozenset((f"{OAI_TAG}identifier", f"{OAI_TAG}datestamp"))


def _refuse_many_authors(meta: etree._Element, namespace: str, limits: Limits) -> None:
    """Refuse a record listing more authors than ``[limits] authors_per_record`` before any is
    made: its ``author`` or ``dc:creator`` elements counted (one author each), arXivRaw's
    one ``<authors>`` text (all of it, as the split reads it) bounded by ``literal_bytes``
    before it is split no further than one past the limit (:func:`_arxiv_raw`). Before, every
    author was made first, then counted: ~4 s of CPU for a record of 180 000 within
    ``line_bytes``."""
    if namespace == ARXIV_RAW_NS:
        for node in meta.iterfind(f"{{{ARXIV_RAW_NS}}}authors"):
            # all its text, as the split reads it (before: .text, none after a comment)
            check_literal("authors", written_text_of(node), limits)
        return
    path = _AUTHOR_PATHS.get(namespace)
    if path is not None:
        check_author_count(sum(1 for _ in meta.iterfind(path)), limits)


def parse_record(
    record: etree._Element,
    *,
    source: str,
    check_text: bool = True,
    masked: Masks | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> OaiRecord:
    """One ``<record>``; ValueError/ParseError when it cannot be read (callers quarantine it),
    a field holding what is no text (:mod:`~scholarkg.extract.textcheck`) included, and more
    authors than ``[limits] authors_per_record`` (counted before they are made)."""
    header_el = record.find(f"{OAI_TAG}header")
    if header_el is None:
        raise ValueError("record without a header")
    check_text = (
        check_text or masked is not None
    )  # False only when the page can hold no such character
    if check_text:
        refuse_non_text_element(header_el, masked=masked)
    refuse_repeated(header_el, _SINGLE[OAI_NS])
    refuse_markup(header_el, source)  # before: <identifier>oai:<b>…</b></identifier> read joined
    header = parse_header(header_el, source)
    if header.deleted:
        return OaiRecord(header=header, record=None)
    metadata = record.find(f"{OAI_TAG}metadata")
    children = metadata if metadata is not None else []
    meta = next((child for child in children if isinstance(child.tag, str)), None)
    if meta is None:
        raise ValueError("record without metadata")
    if check_text:
        refuse_non_text_element(meta, masked=masked)
    refuse_markup(meta, source)  # before: <title>Foo <b>bar</b></title> loaded as 'Foo bar'
    namespace = etree.QName(meta).namespace or ""
    parser = _PARSERS.get(namespace)
    if parser is None:
        raise ValueError(f"unsupported metadata format {namespace!r}")
    if namespace in _SINGLE:
        refuse_repeated(meta, _SINGLE[namespace])
    _refuse_many_authors(meta, namespace, limits)
    parsed = parser(meta, header, source, limits)
    line = line_of(record)
    if parsed.record is None or line is None:
        return parsed
    return dataclasses.replace(parsed, record=dataclasses.replace(parsed.record, line=line))
