"""OAI-PMH harvester for arXiv (``ListRecords``, ``GetRecord``) with a persisted watermark.

Pages are yielded one by one so callers can batch and stream. A resumptionToken is sent alone
with the verb, as the protocol requires (it is an *exclusive* argument), and URL-encoded by the
HTTP layer. HTTP 503 + ``Retry-After`` is OAI flow control, handled by :class:`HttpClient`
(``HttpPolicy.max_retry_after`` waits, separate from failure retries).

Watermark (:mod:`scholarkg.extract.oai_state`): :meth:`OaiPmhClient.harvest` continues
``from`` the ``responseDate`` of the first page of the last harvest that *completed* (as
arXiv's harvesting notes advise, ``until`` is not set). arXiv's datestamp granularity is a day,
so ``from`` is that date: the day is fetched again, which is harmless (records are idempotent)
and never leaves a gap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import get_args

from lxml import etree

from scholarkg.config import ARXIV_OAI_URL, MetadataPrefix
from scholarkg.counts import count_of
from scholarkg.errors import ConfigError, ExtractError, ParseError
from scholarkg.extract.arxiv_ids import oai_identifier
from scholarkg.extract.http import HttpClient, HttpResponse
from scholarkg.extract.oai_records import OAI_NS, OaiHeader, OaiRecord, parse_record
from scholarkg.extract.oai_state import HarvestState
from scholarkg.extract.paging import PageGuard
from scholarkg.extract.raw_archive import ArchivedResponse
from scholarkg.extract.reasons import quarantine_reason
from scholarkg.extract.textcheck import xml_may_hold_non_text
from scholarkg.extract.xmlsafe import RecordStream, line_of, text_of
from scholarkg.limits import DEFAULT_LIMITS, Limits, check_record_literals, clip
from scholarkg.models import ArxivRecord, QuarantinedRecord

DEFAULT_OAI_URL = ARXIV_OAI_URL  # defined once, in the [arxiv] section of the schema
METADATA_PREFIXES: tuple[str, ...] = get_args(MetadataPrefix)
_O = f"{{{OAI_NS}}}"
_RECORD = f"{_O}record"


def oai_url(explicit: str | None = None) -> str:
    """``explicit`` (the configured ``[arxiv] oai_url``), else arXiv's OAI-PMH base URL."""
    return explicit or DEFAULT_OAI_URL


class OaiPmhError(ExtractError):
    """An OAI-PMH ``<error>`` answer; ``code`` is the protocol's error code."""

    def __init__(self, source: str, code: str, message: str, *, status: int | None = None):
        self.code = code
        super().__init__(source, f"OAI-PMH error {code}: {message}", status=status)


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
        """What the page holds (identifiers and datestamps), to recognise it if served again."""
        headers = [r.header for r in self.records] + list(self.deleted)
        if not headers:
            return None
        return "\n".join(sorted(f"{h.identifier} {h.datestamp}" for h in headers))


def oai_date(value: dt.date | str | None, name: str = "from_date") -> str | None:
    """``value`` as the day OAI-PMH's ``from``/``until`` take (``YYYY-MM-DD``); a string that is
    no calendar date (``yesterday``, ``2024-02-30``) is a :class:`ConfigError` naming ``name``
    (when given),
    raised before any request (the server would answer ``badArgument``, or a retried failure)."""
    if value is None or isinstance(value, dt.date):
        return None if value is None else value.isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        said = f"{value!r} is not a date (YYYY-MM-DD)"
        raise ConfigError(f"{name} {said}" if name else said) from None


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

    Records that cannot be read, or with a text value over ``[limits] literal_bytes``, are
    quarantined; deleted ones are reported by header only. The answer is read record by record
    (:class:`~scholarkg.extract.xmlsafe.RecordStream`), each freed once mapped.
    """
    stream = RecordStream(body, source=source, path=(f"{_O}OAI-PMH", f"{_O}{container}", _RECORD))
    listed: list[OaiRecord] = []
    quarantined: list[QuarantinedRecord] = []
    check_text = xml_may_hold_non_text(body)
    try:
        for element in stream:  # each freed once mapped: a page's size costs no tree
            try:
                parsed = parse_record(element, source=source, check_text=check_text)
                if parsed.record is not None:
                    check_record_literals(parsed.record, limits)
            except (ValueError, ParseError) as exc:
                text = clip(etree.tostring(element, encoding="unicode"))
                reason = quarantine_reason(exc)
                quarantined.append(QuarantinedRecord(source, line_of(element) or 0, reason, text))
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
    date_text = text_of(root.find(f"{_O}responseDate"))
    try:
        response_date = dt.datetime.fromisoformat(date_text or "")
    except ValueError as exc:
        raise ParseError(source, f"bad responseDate {date_text!r}") from exc
    errors = [(e.get("code", ""), text_of(e) or "") for e in root.iterfind(f"{_O}error")]
    if errors and all(code == "noRecordsMatch" for code, _ in errors):
        return OaiPage(source, response_date, (), (), None, None, True, archived)
    if errors:
        code, message = next((c, m) for c, m in errors if c != "noRecordsMatch")
        raise OaiPmhError(source, code, message, status=status)
    if status >= 400:
        raise ExtractError(source, f"HTTP {status}", status=status)
    holder = root.find(f"{_O}{container}")
    if holder is None:
        raise ParseError(source, f"answer has neither <{container}> nor <error>")
    token_el = holder.find(f"{_O}resumptionToken")
    size = token_el.get("completeListSize") if token_el is not None else None
    return OaiPage(
        source=source,
        response_date=response_date,
        listed=tuple(listed),
        quarantined=tuple(quarantined),
        resumption_token=text_of(token_el),
        complete_list_size=count_of(size),
        archived=archived,
    )


def _parse(response: HttpResponse, container: str, limits: Limits) -> OaiPage:
    return parse_oai_response(
        response.body,
        source=response.url,
        container=container,
        status=response.status,
        archived=response.archived,
        limits=limits,
    )


class OaiPmhClient:
    """Harvests arXiv's OAI-PMH interface through a polite, archiving :class:`HttpClient`."""

    def __init__(
        self, http: HttpClient, *, base_url: str | None = None, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        self.http = http
        self.base_url = oai_url(base_url)
        self.limits = limits

    def guard(self, what: str) -> PageGuard:
        """A fresh guard for one loop over ``ListRecords`` pages (``[limits] harvest_*``)."""
        return PageGuard(what, self.limits.harvest_max_pages, self.limits.harvest_deadline)

    def list_records(
        self,
        *,
        metadata_prefix: str = "arXiv",
        set_spec: str | None = None,
        from_date: dt.date | str | None = None,
        until: dt.date | str | None = None,
    ) -> Iterator[OaiPage]:
        """Every page of ``ListRecords``, following resumptionTokens to the end.

        ``noRecordsMatch`` yields one empty page (``no_records_match=True``); other OAI errors,
        including ``badResumptionToken`` mid-harvest, raise :class:`OaiPmhError`. A repeated
        token or page, ``[limits] harvest_max_pages`` and ``harvest_deadline`` end the loop with
        :class:`~scholarkg.extract.paging.PagingStopped`.
        """
        guard = self.guard(f"OAI-PMH ListRecords {metadata_prefix} set={set_spec or '*'}")
        token: str | None = None
        while True:
            page = self.fetch_page(
                metadata_prefix=metadata_prefix,
                set_spec=set_spec,
                from_date=from_date,
                until=until,
                resumption_token=token,
            )
            yield page
            token = page.resumption_token
            guard.page_done(page.source, token, page.key)
            if not token:
                return
            guard.check_limits(page.source)

    def fetch_page(
        self,
        *,
        metadata_prefix: str = "arXiv",
        set_spec: str | None = None,
        from_date: dt.date | str | None = None,
        until: dt.date | str | None = None,
        resumption_token: str | None = None,
    ) -> OaiPage:
        """One ``ListRecords`` request: the first page, or the page a resumptionToken names
        (the token is then sent alone with the verb, as the protocol requires)."""
        if metadata_prefix not in METADATA_PREFIXES:
            raise ValueError(f"metadataPrefix must be one of {METADATA_PREFIXES}")
        params: list[tuple[str, str | int]] = [("verb", "ListRecords")]
        if resumption_token:
            params.append(("resumptionToken", resumption_token))
        else:
            params.append(("metadataPrefix", metadata_prefix))
            for name, value in (
                ("set", set_spec),
                ("from", oai_date(from_date)),
                ("until", oai_date(until, "until")),
            ):
                if value:
                    params.append((name, value))
        return _parse(self.http.get(self.base_url, params), "ListRecords", self.limits)

    def get_record(self, arxiv_id: str, *, metadata_prefix: str = "arXiv") -> OaiRecord:
        """One article (OAI exposes articles, not versions: a versioned id is a ValueError).

        A deleted article comes back with ``record=None`` and ``header.deleted`` set.
        """
        if metadata_prefix not in METADATA_PREFIXES:
            raise ValueError(f"metadataPrefix must be one of {METADATA_PREFIXES}")
        params = [
            ("verb", "GetRecord"),
            ("identifier", oai_identifier(arxiv_id)),
            ("metadataPrefix", metadata_prefix),
        ]
        response = self.http.get(self.base_url, params)
        page = _parse(response, "GetRecord", self.limits)
        if page.records:
            return page.records[0]
        if page.deleted:
            return OaiRecord(header=page.deleted[0], record=None)
        reason = page.quarantined[0].reason if page.quarantined else "no record in the answer"
        raise ParseError(page.source, reason)

    def harvest(
        self,
        state: HarvestState,
        *,
        metadata_prefix: str = "arXiv",
        set_spec: str | None = None,
        initial_from: dt.date | str | None = None,
    ) -> Generator[OaiPage, None, None]:
        """Incremental ``ListRecords`` from the stored watermark (else ``initial_from``).

        The watermark advances only when every page has been yielded; a harvest that fails or
        that the caller stops early leaves it untouched, so the next run repeats it.
        """
        initial = oai_date(initial_from, "initial_from")  # refused even when a watermark exists
        key = HarvestState.key(metadata_prefix, set_spec)
        mark = state.get(key)
        start = mark.from_date if mark else initial
        first_response: dt.datetime | None = None
        for page in self.list_records(
            metadata_prefix=metadata_prefix, set_spec=set_spec, from_date=start
        ):
            if first_response is None:
                first_response = page.response_date
            yield page
        if first_response is not None:
            state.advance(key, first_response)
