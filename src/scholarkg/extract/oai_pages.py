"""One OAI-PMH answer read: :class:`OaiPage` (records, deleted headers, quarantined records,
resumptionToken) from a ``ListRecords``/``GetRecord`` body, or :class:`OaiPmhError` for the
protocol's ``<error>`` answers. The requests are :mod:`scholarkg.extract.oai_pmh`'s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lxml import etree

from scholarkg.counts import count_of
from scholarkg.errors import ExtractError, LimitExceeded, ParseError
from scholarkg.extract.error_text import error_text
from scholarkg.extract.markup import refuse_answer_markup
from scholarkg.extract.oai_header import (
    OAI_NS,
    OaiHeader,
    OaiRecord,
    listing_dates,
)
from scholarkg.extract.oai_records import parse_record
from scholarkg.extract.raw_archive import ArchivedResponse
from scholarkg.extract.reasons import quarantine_reason
from scholarkg.extract.record_fields import ANSWER_FETCHED, refuse_dated_after
from scholarkg.extract.textcheck import mask_xml_controls, xml_may_hold_non_text
from scholarkg.extract.xmlsafe import (
    RecordStream,
    line_of,
    refuse_repeated,
    squash,
    text_of,
    written_text_of,
)
from scholarkg.identity.person_names import refuse_unfit_authors
from scholarkg.limits import DEFAULT_LIMITS, Limits, check_literal, check_record_literals, clip
from scholarkg.models import ArxivRecord, QuarantinedRecord
from scholarkg.shown_text import shown
from scholarkg.text_masks import Masks

_O = f"{{{OAI_NS}}}"
_RECORD = f"{_O}record"
_ONCE_IN_ROOT = frozenset({f"{_O}responseDate"})
_ONCE_IN_LIST = frozenset({f"{_O}resumptionToken"})


class OaiPmhError(ExtractError):
    """An OAI-PMH ``<error>`` answer; ``code`` is the protocol's error code, as the server
    wrote it (the line shows it :func:`~scholarkg.shown_text.shown`, as the message is;
    ``masked``: read from a masked body)."""

    def __init__(
        self,
        source: str,
        code: str,
        message: str,
        *,
        status: int | None = None,
        masked: Masks | None = None,
    ):
        self.code = code
        told = shown(code, masked=masked)
        super().__init__(source, f"OAI-PMH error {told}: {message}", status=status)


@dataclass(frozen=True)
class OaiPage:
    """One OAI-PMH response: records, deleted headers, quarantined records and the token."""

    source: str
    response_date: dt.datetime
    listed: tuple[OaiRecord, ...]  # records and deleted headers, in the answer's order
    quarantined: tuple[QuarantinedRecord, ...]
    resumption_token: str | None
    complete_list_size: int | None
    no_records_match: bool = False
    archived: ArchivedResponse | None = field(default=None, repr=False)

    @property
    def records(self) -> tuple[OaiRecord, ...]:
        """The records listed with their metadata."""
        return tuple(r for r in self.listed if not r.header.deleted)

    @property
    def deleted(self) -> tuple[OaiHeader, ...]:
        """The headers of the records listed as deleted."""
        return tuple(r.header for r in self.listed if r.header.deleted)

    @property
    def arxiv_records(self) -> tuple[ArxivRecord, ...]:
        return tuple(r.record for r in self.records if r.record is not None)

    @property
    def key(self) -> str | None:
        """What the page holds, to recognise it if served again: its identifiers and
        datestamps, and the text of each record it quarantined (a page of unreadable records
        served again is recognised too; before, it had no key and a server serving it under
        ever new tokens was followed to ``[limits] harvest_max_pages``). None: nothing in it."""
        headers = [r.header for r in self.records] + list(self.deleted)
        held = sorted(f"{h.identifier} {h.datestamp}" for h in headers)
        held += sorted(f"unread {q.text}" for q in self.quarantined)
        return "\n".join(held) if held else None


def _check_texts(record: etree._Element, limits: Limits) -> None:
    """Refuse a record with a text value over ``[limits] literal_bytes`` as written: a field
    the mapping splits (arXivRaw's ``<authors>``, a million names in one text) is bounded
    whole, not only by its parts."""
    for node in record.iter():
        if isinstance(node.tag, str):
            check_literal(etree.QName(node).localname, node.text, limits)


def _refuse_oversize(record: etree._Element, size: int, limits: Limits) -> None:
    """Refuse a record read past ``[limits] line_bytes`` (``size``: about its bytes): for its
    text value over ``literal_bytes`` when one is (a 20 MB abstract is told as the abstract
    over ``literal_bytes``), else for its size (a million authors or versions), before any of it
    is mapped."""
    _check_texts(record, limits)
    raise LimitExceeded(f"record of about {size} bytes", "[limits] line_bytes", limits.line_bytes)


def _token(element: etree._Element | None, source: str, masked: Masks | None) -> str | None:
    """A resumptionToken as the server wrote it, only the XML white space around it dropped:
    it is opaque, and must go back byte for byte (``text_of`` folded a run of white space
    inside it to one space: the next request asked for a token the server never gave).
    A token holding what is no XML text (``&#7;``, a byte that is no UTF-8; ``masked``, the
    body's masks) refuses the answer at its line, as markup in it does: before, the mask the
    reading put for it was sent back, a token the server never gave."""
    token = (written_text_of(element) or "").strip(" \t\r\n")
    mask = masked.search(token) if masked is not None else None
    if masked is not None and mask is not None:
        raise ParseError(source, masked.reason(mask, "resumptionToken"), line=line_of(element))
    return token or None


def parse_oai_response(
    body: bytes,
    *,
    source: str,
    container: str,
    status: int = 200,
    archived: ArchivedResponse | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> OaiPage:
    """Parse a ``ListRecords``/``GetRecord`` answer (``container`` names the verb element).

    Records that cannot be read, with a text value over ``[limits] literal_bytes`` or larger
    in all than ``[limits] line_bytes`` (cut as they are read, their beginning kept) are
    quarantined; deleted ones are reported by header only. So is a record, or a deleted header,
    dated after the answer was first fetched (a record date or the header's datestamp:
    :func:`~.oai_header.listing_dates`; ``archived``'s time, as the archive recorded it:
    reading it again judges alike; none given, no date is so judged:
    :func:`~.record_fields.refuse_dated_after`).
    The answer is read record by record (:class:`~scholarkg.extract.xmlsafe.RecordStream`), each
    freed once mapped.
    """
    body, masked = mask_xml_controls(body)  # a control in one record refuses that record only
    stream = RecordStream(
        body,
        source=source,
        path=(f"{_O}OAI-PMH", f"{_O}{container}", _RECORD),
        record_bytes=limits.line_bytes,
    )
    listed: list[OaiRecord] = []
    quarantined: list[QuarantinedRecord] = []
    check_text = xml_may_hold_non_text(body)
    fetched = archived.first_retrieved_at if archived is not None else None
    try:
        for element in stream:  # each freed once mapped: a page's size costs no tree
            try:
                if stream.oversize is not None:
                    _refuse_oversize(element, stream.oversize, limits)
                parsed = parse_record(
                    element, source=source, check_text=check_text, masked=masked, limits=limits
                )
                refuse_dated_after(listing_dates(parsed), fetched, ANSWER_FETCHED)
                if parsed.record is not None:
                    check_record_literals(parsed.record, limits)
                    refuse_unfit_authors(a.name for a in parsed.record.authors)
                _check_texts(element, limits)  # texts the mapping split (within line_bytes)
            except (ValueError, ParseError) as exc:
                text = clip(etree.tostring(element, encoding="unicode"))
                reason = quarantine_reason(exc)
                # at the line the reason names when it names one (markup: its field's)
                at = exc.line if isinstance(exc, ParseError) and exc.line else line_of(element)
                quarantined.append(QuarantinedRecord(source, at or 0, reason, text))
                continue
            listed.append(parsed)
    except ParseError as exc:
        if status >= 400:
            raise ExtractError(source, f"HTTP {status}", status=status) from exc
        raise
    root = stream.root
    assert root is not None  # a stream read to its end has its root
    if root.tag != f"{_O}OAI-PMH":
        raise ParseError(source, f"expected <OAI-PMH>, found <{root.tag}>", line=line_of(root))
    holder = root.find(f"{_O}{container}")
    tokens = holder.iterfind(f"{_O}resumptionToken") if holder is not None else ()
    for answer_field in (*root.iterfind(f"{_O}responseDate"), *tokens):
        refuse_answer_markup(answer_field, source)  # before: read with its text joined
    # each error's text as written, on one line (error_text; before: every white-space run
    # folded), refused holding markup (before: told with it dropped); the code folded as the
    # message was (before: a code holding &#10; broke the error in two)
    errors = [
        (squash(e.get("code")) or "", error_text(e, source, "error text", masked=masked))
        for e in root.iterfind(f"{_O}error")
    ]
    try:  # which of two the server meant is not known
        refuse_repeated(root, _ONCE_IN_ROOT)
        if holder is not None:
            refuse_repeated(holder, _ONCE_IN_LIST)
    except ValueError as exc:
        raise ParseError(source, str(exc)) from exc
    date_text = text_of(root.find(f"{_O}responseDate"))
    try:
        response_date = dt.datetime.fromisoformat(date_text or "")
    except ValueError as exc:  # shown cut, a control as its escape (before: whole, raw)
        told = shown(date_text, quoted=True, masked=masked) if date_text else None
        raise ParseError(source, f"bad responseDate {told}" if told else "no responseDate") from exc
    if errors and all(code == "noRecordsMatch" for code, _ in errors):
        if holder is not None or listed or quarantined:  # its records would be dropped unsaid
            why = f'the answer holds both <error code="noRecordsMatch"> and <{container}>'
            raise ParseError(source, why)
        return OaiPage(source, response_date, (), (), None, None, True, archived)
    if errors:
        code, message = next((c, m) for c, m in errors if c != "noRecordsMatch")
        raise OaiPmhError(source, code, message, status=status, masked=masked)
    if status >= 400:
        raise ExtractError(source, f"HTTP {status}", status=status)
    if holder is None:
        raise ParseError(source, f"answer has neither <{container}> nor <error>")
    token_el = holder.find(f"{_O}resumptionToken")
    size = token_el.get("completeListSize") if token_el is not None else None
    return OaiPage(
        source=source,
        response_date=response_date,
        listed=tuple(listed),
        quarantined=tuple(quarantined),
        resumption_token=_token(token_el, source, masked),
        complete_list_size=count_of(size),
        archived=archived,
    )
