"""Parse arXiv API Atom feeds: the answer's counters, its entries (each read by
:mod:`~scholarkg.extract.atom_entry`) and those quarantined, told by namespace and name, never
position. An ``<entry>`` of another namespace is quarantined saying so."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from scholarkg.errors import ExtractError, LimitExceeded, ParseError
from scholarkg.extract.atom_entry import ARXIV_NS, ATOM_NS, AtomEntry, AtomLinks, read_entry
from scholarkg.extract.error_text import error_text
from scholarkg.extract.markup import refuse_answer_markup
from scholarkg.extract.reasons import foreign_entry, quarantine_reason
from scholarkg.extract.record_fields import ANSWER_FETCHED, record_dates, refuse_dated_after
from scholarkg.extract.textcheck import mask_xml_controls, xml_may_hold_non_text
from scholarkg.extract.xmlsafe import RecordStream, line_of, text_of
from scholarkg.limits import DEFAULT_LIMITS, Limits, clip
from scholarkg.models import ArxivRecord, QuarantinedRecord
from scholarkg.shown_text import shown
from scholarkg.text_masks import Masks

__all__ = [  # the entry's names too: callers read one module
    "ARXIV_NS",
    "ATOM_NS",
    "OPENSEARCH_NS",
    "AtomEntry",
    "AtomFeed",
    "AtomLinks",
    "parse_feed",
]

OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"

_A = f"{{{ATOM_NS}}}"
_OS = f"{{{OPENSEARCH_NS}}}"
_FEED_TAG, _ENTRY_TAG = f"{_A}feed", f"{_A}entry"
_COUNTERS = frozenset(f"{_OS}{name}" for name in ("totalResults", "startIndex", "itemsPerPage"))
_ERROR_ID = re.compile(r"/api/errors(?:#|$)")
_COUNTER = re.compile(r"[-+]?[0-9]{1,18}")
_SHOWN = 40  # the characters of a long counter an error line quotes


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


def _int(
    counter: tuple[str | None, int | None] | None, source: str, masked: Masks | None
) -> int | None:
    """A counter's value from its (text, line), None when absent or empty: ASCII digits, no
    more than 18 of them, signed (a negative total is the server refuting itself, which paging
    tells); another text is quoted :func:`~scholarkg.shown_text.shown`, a long one by its first
    40 characters (before: ``int`` read ``١٠`` and ``1_0`` as 10, and a counter of 5 000
    digits was quoted whole in the error)."""
    text, line = counter or (None, None)
    if text is None:
        return None
    if not _COUNTER.fullmatch(text):
        told = shown(text, limit=_SHOWN, quoted=True, masked=masked)
        raise ParseError(source, f"OpenSearch counter {told} is not an integer", line=line)
    return int(text)


def _error_message(entry: etree._Element, source: str, masked: Masks | None) -> str | None:
    """arXiv's message when ``entry`` is an error feed's entry, else None: its ``<summary>``
    as written, on one line (:func:`~.error_text.error_text`; before: every white-space run
    folded), else its ``<id>``, :func:`~scholarkg.shown_text.shown` alike (any id holding
    ``/api/errors#`` is one, as long as the server likes; before: told whole, as written); a
    ParseError at its line when either holds an element (before: told with the markup dropped,
    its text joined). Its ``<title>`` is not told: every error answer recorded
    (tests/fixtures/arxiv, PROVENANCE: ``id_abc_…``, HTTP 400) is titled ``Error``, which the
    line says already (``arXiv API error: incorrect id format for abc``);
    the error is known by its ``<id>`` under ``/api/errors``, not its title."""
    id_el = entry.find(f"{_A}id")
    entry_id = text_of(id_el) or ""
    if not _ERROR_ID.search(entry_id):
        return None
    summary = entry.find(f"{_A}summary")
    told = ""
    if summary is not None:
        told = error_text(summary, source, "error summary", masked=masked)
    if id_el is not None:
        refuse_answer_markup(id_el, source, "error id")
    return told or shown(entry_id, masked=masked)


def _read(stream: RecordStream, source: str, status: int | None) -> Iterator[etree._Element]:
    """``stream``'s elements; a body that is no XML, of an answer with an error status (an
    HTML page), told by its status. What an answer read as a feed holds (an error's text with
    markup, a counter) is judged as such whatever the status, as of an OAI-PMH answer (before:
    the client told every refusal of a 4xx answer as its status alone)."""
    try:
        yield from stream
    except ParseError as exc:
        if status is not None and status >= 400:
            raise ExtractError(source, f"HTTP {status}", status=status) from exc
        raise


def _quarantined(element: etree._Element, source: str, exc: Exception) -> QuarantinedRecord:
    """``element`` quarantined with its own XML, without the text after it (which the stream
    may or may not have read yet)."""
    text = etree.tostring(element, encoding="unicode", with_tail=False)
    # at the line the reason names when it names one (markup: its field's)
    at = exc.line if isinstance(exc, ParseError) and exc.line else line_of(element)
    return QuarantinedRecord(source, at or 0, quarantine_reason(exc), clip(text))


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
    fetched: dt.datetime | None = None,
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
    with them either. An entry dated after ``fetched`` (when the archive first recorded the
    answer; None: not judged) is quarantined (:func:`~.record_fields.refuse_dated_after`).
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
    for element in _read(stream, source, status):
        holder = element.getparent()
        if holder is None or holder.tag != _FEED_TAG:
            continue  # not an Atom feed: refused once read whole (a syntax error comes first)
        if element.tag in _COUNTERS:
            refuse_answer_markup(element, source)  # before: 2148<b>81</b> read as 214881
            counters.setdefault(element.tag, (text_of(element), line_of(element)))
        if error is None and element.tag != _ENTRY_TAG and _foreign_entry(element):
            why = ValueError(foreign_entry(etree.QName(element).namespace, ATOM_NS))
            quarantined.append(_quarantined(element, source, why))
            continue  # before: passed over, its id then told "arXiv returned no such record"
        if element.tag != _ENTRY_TAG or error is not None:
            continue  # after an error entry the feed is refused: no entry is mapped
        error = _error_message(element, source, masked)
        if error is not None:
            continue
        if asked is not None and len(entries) + len(quarantined) >= asked:
            unread += 1
        elif stream.oversize is not None:
            quarantined.append(_oversize(element, source, stream.oversize, limits))
        else:
            try:
                read = read_entry(element, source, limits, check_text=check_text, masked=masked)
                refuse_dated_after(record_dates(read.record), fetched, ANSWER_FETCHED)
                _refuse_other_copy(read, firsts)
                entries.append(read)
            except (ValueError, ParseError) as exc:
                quarantined.append(_quarantined(element, source, exc))
    root = stream.root
    assert root is not None  # a stream read to its end has its root
    if root.tag != _FEED_TAG:
        if status is not None and status >= 400:
            raise ExtractError(source, f"HTTP {status}", status=status)
        raise ParseError(source, f"expected an Atom <feed>, found <{root.tag}>", line=line_of(root))
    if error is not None:
        raise ExtractError(source, f"arXiv API error: {error}", status=status)
    return AtomFeed(
        source=source,
        total_results=_int(counters.get(f"{_OS}totalResults"), source, masked),
        start_index=_int(counters.get(f"{_OS}startIndex"), source, masked),
        items_per_page=_int(counters.get(f"{_OS}itemsPerPage"), source, masked),
        entries=tuple(entries),
        quarantined=tuple(quarantined),
        asked=asked,
        unread=unread,
    )
