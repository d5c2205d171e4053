"""arXiv API (``/api/query``) client: id lookups in batches, title search, paged search.

Caps from the arXiv API user manual: at most 2000 results per request and 30000 per query
(``start + max_results``). Requests go through :class:`HttpClient`, which spaces them (3 s by
default, as the manual asks), retries and archives every body before it is parsed here.

Empty-page policy: a page with no entries while ``totalResults`` says more remain is asked for
again up to ``empty_page_retries`` times; if it stays empty, paging stops and the search returns
a *partial* :class:`SearchResult` (``complete=False`` and ``problem`` naming the offset), keeping
what was fetched. Callers that need all or nothing call :meth:`SearchResult.raise_if_incomplete`.
Paging also stops, with a partial result saying why, when a page brings no record not seen before
(a server repeating itself whatever ``totalResults`` claims), when ``totalResults`` is refuted
by the answers (negative, or not above the offset of a page that still held entries: the server
sent more than it counts, so its count cannot tell where the list ends), at ``[limits]
search_max_pages``, at ``search_deadline``, and at arXiv's own cap on offsets.

An answer with more entries than its request's ``max_results`` is read only that far (the rest
counted, not read; the whole body is archived): each such answer adds a one-line warning to
:attr:`ArxivApiClient.warnings` (and the log), and paging goes on from what was read.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence

from scholarkg.config import ARXIV_API_URL, ARXIV_MAX_RESULTS, ArxivConfig
from scholarkg.errors import ExtractError, ParseError
from scholarkg.extract.arxiv_copies import OnePerPaper
from scholarkg.extract.arxiv_id_lookup import FetchResult, IdLookup
from scholarkg.extract.arxiv_search import (
    SearchResult,
    keep_unread,
    read_again,
    refuted,
    title_query,
)
from scholarkg.extract.atom import AtomFeed, parse_feed
from scholarkg.extract.http import HttpClient
from scholarkg.extract.raw_archive import ArchivedResponse
from scholarkg.limits import DEFAULT_LIMITS, Limits
from scholarkg.models import QuarantinedRecord

__all__ = ["DEFAULT_API_URL", "ArxivApiClient", "SearchResult", "api_url", "title_query"]

log = logging.getLogger(__name__)

DEFAULT_API_URL = ARXIV_API_URL  # defined once, in the [arxiv] section of the schema
_DEFAULT_BATCH: int = ArxivConfig.model_fields["batch_size"].default
MAX_PAGE_SIZE = ARXIV_MAX_RESULTS
MAX_TOTAL_RESULTS = 30000


def api_url(explicit: str | None = None) -> str:
    """``explicit`` (the configured ``[arxiv] api_url``), else the public endpoint."""
    return explicit or DEFAULT_API_URL


class ArxivApiClient:
    """Queries the arXiv API through a polite, archiving :class:`HttpClient`."""

    def __init__(
        self,
        http: HttpClient,
        *,
        base_url: str | None = None,
        empty_page_retries: int = 2,
        sort_by: str | None = None,
        sort_order: str | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.http = http
        self.base_url = api_url(base_url)
        self.limits = limits
        self.empty_page_retries = empty_page_retries
        self.sort_by = sort_by
        self.sort_order = sort_order
        self.warnings: list[str] = []  # answers cut at max_results (AtomFeed.warning)

    def query_page(
        self,
        *,
        search_query: str = "",
        id_list: Sequence[str] = (),
        start: int = 0,
        max_results: int = 10,
        archived: list[ArchivedResponse] | None = None,
    ) -> AtomFeed:
        """One API request, sent as given; raises ExtractError for arXiv's error feed.

        The archived response is appended to ``archived`` when a list is given. Of an answer
        with more than ``max_results`` entries, the first ``max_results`` are read (see
        :attr:`warnings`).
        """
        if not 0 <= max_results <= MAX_PAGE_SIZE:
            raise ValueError(f"max_results must be within 0..{MAX_PAGE_SIZE}, not {max_results}")
        params: list[tuple[str, str | int]] = [
            ("search_query", search_query),
            ("id_list", ",".join(id_list)),
        ]
        if self.sort_by:
            params.append(("sortBy", self.sort_by))
        if self.sort_order:
            params.append(("sortOrder", self.sort_order))
        params += [("start", start), ("max_results", max_results)]
        response = self.http.get(self.base_url, params)
        if archived is not None:
            archived.append(response.archived)
        feed = parse_feed(  # a 4xx or 5xx body that is no feed is told by its status
            response.body,
            source=response.url,
            status=response.status,
            limits=self.limits,
            asked=max_results,
            fetched=response.archived.first_retrieved_at,
        )
        response.raise_for_status()
        if feed.warning is not None:  # the entries left unread are in the raw archive
            told = f"{feed.warning}; the answer is archived as {response.archived.sha256}"
            log.warning("%s", told)
            self.warnings.append(told)
        return feed

    def fetch_by_ids(
        self, ids: Iterable[str], *, batch_size: int = _DEFAULT_BATCH, partial: bool = False
    ) -> FetchResult:
        """Look ids up ``batch_size`` at a time via ``id_list``, ``max_results`` = ids in batch.

        A versioned id (``2104.12255v1``) matches only that version's entry; ids arXiv drops
        silently are reported in ``missing``; strings that are not arXiv ids in ``invalid``.
        A batch that fails (:class:`~scholarkg.errors.ExtractError`: retries spent;
        :class:`~scholarkg.errors.ParseError`: an answer that is no feed) raises, unless
        ``partial``: then the lookup stops there and returns what the batches before it found,
        the failure in ``problem`` and the ids not asked in ``not_fetched`` (before, the
        batches answered were lost with the error).
        """
        if not 1 <= batch_size <= MAX_PAGE_SIZE:
            raise ValueError(f"batch_size must be within 1..{MAX_PAGE_SIZE}")
        archived: list[ArchivedResponse] = []
        lookup, warned = IdLookup(ids), len(self.warnings)
        for batch in lookup.batches(batch_size):
            try:
                feed = self.query_page(
                    id_list=[w.versioned() for w in batch],
                    max_results=len(batch),
                    archived=archived,
                )
            except (ExtractError, ParseError) as exc:  # the source failed, not this run
                if not partial:
                    raise
                warnings = self.warnings[warned:]
                return lookup.result(archived, warnings, problem=str(exc), failed=batch)
            lookup.take(batch, feed)
        return lookup.result(archived, self.warnings[warned:])

    def search(
        self,
        query: str,
        *,
        start: int = 0,
        max_results: int = 100,
        page_size: int = 100,
        overlap: int = 0,
    ) -> SearchResult:
        """Up to ``max_results`` records of ``search_query=query`` from ``start``, paged.

        Consecutive pages may overlap by ``overlap`` entries (a guard against results shifting
        between requests); entries seen twice are kept once, first occurrence first. A paper
        read again with other content (a later version, or changed between two answers) is
        kept once, at its first place, by the fetch job's rule
        (:class:`~scholarkg.extract.arxiv_copies.OnePerPaper`: the newer copy), and
        :attr:`SearchResult.notes` names it (before: the first copy kept, unsaid). Entries that
        could not be read are on :attr:`SearchResult.quarantined`: every entry of an answer (two
        alike on one page are two), once however often overlapping pages bring it (told by its
        text, see :func:`~.arxiv_search.keep_unread`); a page's progress is every entry it held,
        read or quarantined.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be within 1..{MAX_PAGE_SIZE}")
        if start < 0 or max_results < 0 or start + max_results > MAX_TOTAL_RESULTS:
            raise ValueError(f"start + max_results must stay within 0..{MAX_TOTAL_RESULTS}")
        if not 0 <= overlap < page_size:
            raise ValueError("overlap must be smaller than page_size")
        archived: list[ArchivedResponse] = []
        papers = OnePerPaper()
        seen = papers.records
        bad: list[QuarantinedRecord] = []
        held_alike: Counter[str] = Counter()  # of ``bad``, by text
        offset, total, empty_tries, pages = start, None, 0, 0
        started = time.monotonic()

        warned = len(self.warnings)

        def result(problem: str | None = None) -> SearchResult:
            return SearchResult(
                query,
                tuple(seen.values()),
                total,
                problem is None,
                problem,
                tuple(archived),
                tuple(self.warnings[warned:]),
                tuple(bad),
                read_again(list(papers.left)),
            )

        while len(seen) < max_results:
            stop = self._stop_paging(pages, started, offset)
            if stop:
                return result(f"{stop}; stopped with {len(seen)} records")
            back = overlap if offset > start else 0
            ask = min(page_size, max_results - len(seen) + back, MAX_TOTAL_RESULTS - offset)
            feed = self.query_page(
                search_query=query, start=offset, max_results=ask, archived=archived
            )
            pages += 1
            total = feed.total_results if feed.total_results is not None else total
            held = len(feed.entries) + len(feed.quarantined)  # read: good or quarantined
            if not held and total is not None and total < 0:
                return result(f"{refuted(total, offset, held)}; stopped with {len(seen)} records")
            if not held:
                if total is None or offset >= total:
                    break
                if empty_tries < self.empty_page_retries:
                    empty_tries += 1
                    continue
                return result(
                    f"page at start={offset} stayed empty after {empty_tries + 1} tries "
                    f"although totalResults={total}; stopped with {len(seen)} records"
                )
            empty_tries = 0
            before = len(seen) + len(bad)
            for record in feed.records:
                if len(seen) < max_results or record.arxiv_id in seen:
                    papers.take(record)  # a paper read again with other content: noted
            bad += keep_unread(feed.quarantined, held_alike)
            if total is not None and (total < 0 or offset >= total):  # its answers refute it
                return result(f"{refuted(total, offset, held)}; stopped with {len(seen)} records")
            if len(seen) + len(bad) == before and len(seen) < max_results:
                return result(
                    f"page at start={offset} brought no new records (the server repeats "
                    f"itself, totalResults={total}); stopped with {len(seen)} records"
                )
            offset += held
            if total is not None and offset >= total:
                break
            offset -= min(overlap, held - 1)
        return result()

    def _stop_paging(self, pages: int, started: float, offset: int) -> str | None:
        """Why paging must stop before the next page, if it must."""
        limits = self.limits
        if offset >= MAX_TOTAL_RESULTS:
            return f"reached arXiv's cap of {MAX_TOTAL_RESULTS} results per query"
        if pages >= limits.search_max_pages:
            return (
                f"read {pages} pages: [limits] search_max_pages = {limits.search_max_pages} "
                "(raise it in your config if this is genuine)"
            )
        elapsed = time.monotonic() - started
        if pages and elapsed > limits.search_deadline:
            return (
                f"paged for {elapsed:.1f} s: over [limits] search_deadline = "
                f"{limits.search_deadline:g} (raise it in your config if this is genuine)"
            )
        return None

    def search_title(self, title: str, *, max_results: int = 10) -> SearchResult:
        """Records whose title contains ``title`` as a phrase (see :func:`title_query`)."""
        page = max(1, min(max_results, 100))
        return self.search(title_query(title), max_results=max_results, page_size=page)
