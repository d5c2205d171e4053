"""An OAI-PMH record as read: its header (parsed here), the record model and what only the OAI
formats carry; the namespaces of the formats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from scholarkg.extract.arxiv_ids import parse_arxiv_id
from scholarkg.extract.reasons import NO_ID
from scholarkg.extract.record_fields import parse_record_date, record_dates
from scholarkg.extract.xmlsafe import text_of
from scholarkg.models import ArxivRecord

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
ARXIV_FORMAT_NS = "http://arxiv.org/OAI/arXiv/"
ARXIV_RAW_NS = "http://arxiv.org/OAI/arXivRaw/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
FORMAT_BY_NAMESPACE = {ARXIV_FORMAT_NS: "arXiv", OAI_DC_NS: "oai_dc", ARXIV_RAW_NS: "arXivRaw"}

OAI_TAG = f"{{{OAI_NS}}}"  # the OAI namespace of a tag name


@dataclass(frozen=True)
class OaiHeader:
    """An OAI record header; ``deleted`` records carry no metadata."""

    identifier: str
    arxiv_id: str
    datestamp: dt.date | None
    set_specs: tuple[str, ...]
    deleted: bool = False


@dataclass(frozen=True)
class RawVersion:
    """One version as arXivRaw lists it."""

    number: int
    date: dt.datetime | None
    size_kb: int | None
    source_type: str | None


@dataclass(frozen=True)
class OaiRecord:
    """A harvested record: header, the shared record model and what only OAI formats carry."""

    header: OaiHeader
    record: ArxivRecord | None
    metadata_format: str | None = None
    raw_versions: tuple[RawVersion, ...] = ()
    dc_subjects: tuple[str, ...] = ()
    report_no: str | None = None
    msc_class: str | None = None
    acm_class: str | None = None
    submitter: str | None = None


def record_date(text: str | None, what: str | None = None) -> dt.date | None:
    """``text``'s date; ``what`` is the record field it fills, for the reason it is refused."""
    return None if text is None else parse_record_date(text, what)


def parse_header(header: etree._Element, source: str) -> OaiHeader:
    identifier = text_of(header.find(f"{OAI_TAG}identifier"))
    if identifier is None:
        raise ValueError(NO_ID)
    return OaiHeader(
        identifier=identifier,
        arxiv_id=parse_arxiv_id(identifier, source=source).arxiv_id,
        datestamp=record_date(text_of(header.find(f"{OAI_TAG}datestamp")), "datestamp"),
        set_specs=tuple(s for s in (text_of(e) for e in header.iterfind(f"{OAI_TAG}setSpec")) if s),
        deleted=header.get("status") == "deleted",
    )


def listing_dates(listed: OaiRecord) -> Iterator[tuple[str, dt.date | None]]:
    """Each date a listing states, named as its field: its record's
    (:func:`~.record_fields.record_dates`), then the header's datestamp, a deleted header's
    too. The datestamp is when the record's state began: one after the answer was fetched
    is wrong, and a deletion dated 2999 would withhold every later listing of the record
    (:mod:`scholarkg.runs.deletions`); a state dated 2999 would make each real later one stale
    in its harvest. Before, the datestamp was never judged."""
    if listed.record is not None:
        yield from record_dates(listed.record)
    yield "datestamp", listed.header.datestamp
