"""OAI-PMH harvester for arXiv (``ListRecords``, ``GetRecord``) with a persisted watermark.

Pages are yielded one by one so callers can batch and stream. A resumptionToken is sent alone
with the verb, as the protocol requires (it is an *exclusive* argument), and URL-encoded by the
HTTP layer. HTTP 503 + ``Retry-After`` is OAI flow control, handled by :class:`HttpClient`
(``HttpPolicy.max_retry_after`` waits, separate from failure retries).

Watermark (:mod:`scholarkg.extract.oai_state`): :meth:`OaiPmhClient.harvest` continues
``from`` the ``responseDate`` of the first page of the last harvest that *completed* (as
arXiv's harvesting notes advise, ``until`` is not set; a list that ended short of its
``completeListSize`` holds it at its date once). arXiv's datestamp granularity is a day,
so ``from`` is that date: the day is fetched again, which is harmless (records are idempotent)
and never leaves a gap.

Each answer is read by :func:`~scholarkg.extract.oai_pages.parse_oai_response`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Generator, Iterator
from typing import get_args

from scholarkg.config import ARXIV_OAI_URL, MetadataPrefix
from scholarkg.config.fields import oai_set_problem
from scholarkg.errors import ConfigError, ParseError
from scholarkg.extract.arxiv_ids import oai_identifier
from scholarkg.extract.http import HttpClient, HttpResponse
from scholarkg.extract.oai_header import OaiRecord
from scholarkg.extract.oai_pages import OaiPage, parse_oai_response
from scholarkg.extract.oai_state import HarvestState
from scholarkg.extract.paging import PageGuard
from scholarkg.limits import DEFAULT_LIMITS, Limits
from scholarkg.shown_text import shown_value

log = logging.getLogger(__name__)

DEFAULT_OAI_URL = ARXIV_OAI_URL  # defined once, in the [arxiv] section of the schema
METADATA_PREFIXES: tuple[str, ...] = get_args(MetadataPrefix)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # YYYY-MM-DD, ASCII digits


def oai_url(explicit: str | None = None) -> str:
    """``explicit`` (the configured ``[arxiv] oai_url``), else arXiv's OAI-PMH base URL."""
    return explicit or DEFAULT_OAI_URL


def oai_date(value: dt.date | str | None, name: str = "from_date") -> str | None:
    """``value`` as the day OAI-PMH's ``from``/``until`` take (``YYYY-MM-DD``); a string that is
    no calendar date (``yesterday``, ``2024-02-30``) is a :class:`ConfigError` naming ``name``
    (when given),
    raised before any request (the server would answer ``badArgument``, or a retried failure)."""
    if value is None or isinstance(value, dt.date):
        return None if value is None else value.isoformat()
    try:
        if not _DAY.fullmatch(value):  # fromisoformat takes 20240125 and 2024-W04-4 too
            raise ValueError(value)
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        said = f"{shown_value(value)} is not a date (YYYY-MM-DD)"  # before: whole, 100 KB
        raise ConfigError(f"{name} {said}" if name else said) from None


def oai_set(value: str | None, name: str = "set_spec") -> str | None:
    """``value`` if it is an OAI-PMH set spec (``cs``, ``physics:hep-ex``; None: every set),
    else a :class:`ConfigError` naming ``name`` (when given), the value shown cut, raised
    before any request (before: any text but an empty one was sent, and written as typed, a
    line break or escape sequence too, into the run's lines)."""
    if value is None:
        return None
    problem = oai_set_problem(value)
    if problem is not None:
        raise ConfigError(f"{name} {problem}" if name else problem)
    return value


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
                ("set", oai_set(set_spec)),
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
        that the caller stops early leaves it untouched, so the next run repeats it. A list that
        ends short of the ``completeListSize`` it was given holds it, once per date
        (:meth:`HarvestState.end_list`), with a logged warning.
        """
        initial = oai_date(initial_from, "initial_from")  # refused even when a watermark exists
        key = HarvestState.key(metadata_prefix, set_spec)
        mark = state.get(key)
        start = mark.from_date if mark else initial
        first_response: dt.datetime | None = None
        listed, size = 0, None
        for page in self.list_records(
            metadata_prefix=metadata_prefix, set_spec=set_spec, from_date=start
        ):
            if first_response is None:
                first_response = page.response_date
            listed += len(page.listed) + len(page.quarantined)
            size = page.complete_list_size or size
            yield page
        if first_response is None:
            return
        short = size is not None and listed < size
        end = state.end_list(key, start, first_response, short=short)
        if short:
            kept = f"stays at {start}" if end.held else "advances: the second short list from it"
            log.warning(
                f"harvest {key} from {start}: the list ended after {listed} records although "
                f"the server said completeListSize={size}; the watermark {kept}"
            )
