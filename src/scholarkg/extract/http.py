"""Polite HTTP for every extractor: one session, per-host spacing, retries, raw archiving.

Politeness lives inside :class:`HttpClient` so that no caller can bypass it: for each host at
most one request is in flight (a per-host lock is held for the whole request) and a request
starts at least ``min_interval`` seconds after the previous answer to that host *ended*, so the
server sees that gap whatever the load on this machine. The per-host state is module-level
(:mod:`scholarkg.extract.http_policy`), so several clients and threads in one process share it. A
``Retry-After`` received by one thread also holds back every other thread talking to that host.
Politeness across processes and runs (a shared rate limit) plugs in through the
``before_request`` hook, called inside the host lock before each try.

Every request ends: besides the per-read timeout it has a total deadline (``total_timeout``:
connect, headers and body, see :mod:`scholarkg.extract.bounded`) and its body is read only up
to ``max_body_bytes`` (a redirect's body is never read). Neither failure is retried: a server
that dripped or flooded once would do it again, and a run has better things to do than wait
for it.

Redirects are followed here, one hop at a time and each a request like any other, only within
the source's own host and never from https down to http (:mod:`scholarkg.extract.redirects`);
an answer is archived as the URL that gave it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from scholarkg.counts import count_of
from scholarkg.errors import ExtractError
from scholarkg.extract.bounded import (
    BodyCap,
    DeadlineAdapter,
    deadline,
    read_body,
    unread_redirect,
)
from scholarkg.extract.http_policy import (
    RETRY_STATUSES,
    HostSlot,
    HttpPolicy,
    Params,
    build_url,
    parse_retry_after,
    refuse_unknown_status,
    slot_for,
)
from scholarkg.extract.http_retry import RETRYABLE_EXCEPTIONS, Budget, schedule_retry
from scholarkg.extract.inflate import ASKED_ENCODINGS
from scholarkg.extract.raw_archive import ArchivedResponse, RawArchive
from scholarkg.extract.redirects import next_hop
from scholarkg.lifecycle import Interrupted, pause
from scholarkg.locations import is_http_url, url_problem

BeforeRequest = Callable[[str], None]


@dataclass(frozen=True)
class HttpResponse:
    """A fetched and archived response. ``url`` is the exact URL requested (the source errors
    name); ``final_url`` the one that answered, after redirects (the archive's source)."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    archived: ArchivedResponse
    attempts: int

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def raise_for_status(self) -> None:
        """Raise :class:`ExtractError` for a 4xx/5xx response."""
        if self.status >= 400:
            raise ExtractError(self.url, f"HTTP {self.status}", status=self.status)


class HttpClient:
    """GET over one ``requests.Session`` with politeness, retries and archiving of every body.

    ``before_request`` (optional) is called with the exact URL right before every attempt,
    retries included, while the per-host lock is held and after the in-process spacing wait:
    a place to take a slot of an external, shared rate limit. What it raises propagates.
    """

    def __init__(
        self,
        archive: RawArchive,
        policy: HttpPolicy | None = None,
        *,
        session: requests.Session | None = None,
        rng: random.Random | None = None,
        before_request: BeforeRequest | None = None,
    ) -> None:
        self.archive = archive
        self.before_request = before_request
        self.policy = policy or HttpPolicy()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = self.policy.user_agent
        # what the body reader can undo, whatever codings urllib3 would offer (zstd, br)
        self.session.headers["Accept-Encoding"] = ASKED_ENCODINGS
        for scheme in ("http://", "https://"):  # every request obeys the total deadline
            self.session.mount(scheme, DeadlineAdapter())
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def get(
        self,
        url: str,
        params: Params | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        if_none_match: str | None = None,
        if_modified_since: str | dt.datetime | None = None,
        max_bytes: int | None = None,
        limit_key: str = "max_bytes",
    ) -> HttpResponse:
        """Fetch ``url``; return any final response (2xx, 304, non-retryable 4xx), archived.

        Raises :class:`ExtractError` naming the URL and the last status or cause when retries
        are exhausted; at once for a URL that is not http(s), for an answer not complete within
        ``total_timeout``, and for a body over ``max_body_bytes`` or, when smaller, ``max_bytes``
        (the error names ``limit_key``, the setting to raise).
        """
        full_url = build_url(url, params)
        if not is_http_url(full_url):
            raise ExtractError(full_url, "only http(s) URLs can be fetched")
        if problem := url_problem(full_url):  # no host, a port out of range, unreadable
            raise ExtractError(full_url, problem)
        request_headers = dict(headers or {})
        if if_none_match:
            request_headers["If-None-Match"] = if_none_match
        if isinstance(if_modified_since, dt.datetime):
            request_headers["If-Modified-Since"] = email.utils.format_datetime(
                if_modified_since.astimezone(dt.UTC), usegmt=True
            )
        elif if_modified_since:
            request_headers["If-Modified-Since"] = if_modified_since
        budget = Budget()
        cap = BodyCap(self.policy.max_body_bytes, "[http] max_body_bytes")
        if max_bytes is not None and max_bytes < cap.size:
            cap = BodyCap(max_bytes, limit_key)
        conditional = "If-None-Match" in request_headers or "If-Modified-Since" in request_headers
        current, hops = full_url, 0
        while True:
            slot = slot_for(urlsplit(current).hostname or "")  # each hop is spaced and counted
            answer = self._attempt(slot, full_url, current, request_headers, budget, cap)
            if isinstance(answer, str):  # a redirect's Location
                current = next_hop(full_url, current, answer, hops)
                hops += 1
            elif answer is not None:
                refuse_unknown_status(answer.url, answer.status, conditional)
                return answer

    def _attempt(
        self,
        slot: HostSlot,
        source: str,
        url: str,
        headers: Mapping[str, str],
        budget: Budget,
        cap: BodyCap,
    ) -> HttpResponse | str | None:
        """One try of ``url`` (``source``, or a hop it was redirected to), under the host lock:
        the answer, a redirect's Location (its body unread, nothing archived), or None when it
        failed and a retry has been scheduled."""
        policy = self.policy
        budget.attempts += 1
        with slot.lock:
            wait = max(slot.last_end + policy.min_interval, slot.not_before) - time.monotonic()
            if wait > 0:
                pause(wait)  # spacing or back-off: a stop request (SIGTERM) ends it at once
            if self.before_request is not None:
                self.before_request(url)
            try:
                response, body = self._fetch(url, headers, cap)
            except RETRYABLE_EXCEPTIONS as exc:
                schedule_retry(policy, self._rng, slot, url, budget, f"{type(exc).__name__}: {exc}")
                return None
            except requests.RequestException as exc:
                raise ExtractError(url, f"{type(exc).__name__}: {exc}") from exc
            finally:
                slot.last_end = time.monotonic()  # spacing counts from here
            if response.is_redirect:
                return self.session.get_redirect_target(response) or ""
            response_headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(response.headers)
            archived = self.archive.store(
                body,
                source=url,
                requested=source,
                status=response.status_code,
                headers=dict(response_headers),
            )
            declared = count_of(response_headers.get("Content-Length"))
            if (
                declared is not None
                and "Content-Encoding" not in response_headers
                and declared != len(body)
            ):
                cause = f"truncated body: {len(body)} of {declared} bytes"
                schedule_retry(policy, self._rng, slot, url, budget, cause)
                return None
            if response.status_code in RETRY_STATUSES:
                schedule_retry(
                    self.policy,
                    self._rng,
                    slot,
                    url,
                    budget,
                    f"HTTP {response.status_code}",
                    status=response.status_code,
                    retry_after=parse_retry_after(response_headers.get("Retry-After")),
                )
                return None
        return HttpResponse(
            url=source,
            final_url=url,
            status=response.status_code,
            headers=response_headers,
            body=body,
            archived=archived,
            attempts=budget.attempts,
        )

    def _fetch(
        self, url: str, headers: Mapping[str, str], cap: BodyCap
    ) -> tuple[requests.Response, bytes]:
        """One GET within the total deadline, its body read up to the cap."""
        policy = self.policy
        with deadline(policy.total_timeout) as watch:
            try:
                response = self.session.get(
                    url,
                    headers=headers,
                    timeout=(policy.connect_timeout, policy.read_timeout),
                    allow_redirects=False,  # followed by get, hop by hop, if allowed
                    stream=True,
                    # closed unread: even not following, requests reads a redirect's body whole
                    hooks={"response": unread_redirect},
                )
                try:  # a redirect is no answer: its body is never read (it may be a flood)
                    body = b"" if response.is_redirect else read_body(response, cap, watch, url)
                finally:
                    response.close()
            except requests.RequestException as exc:
                if watch.stopped:
                    raise Interrupted(f"stop requested while reading {url}") from exc
                if watch.expired:
                    raise self._too_slow(url) from exc
                raise
            if watch.stopped:
                raise Interrupted(f"stop requested while reading {url}")
            if watch.expired:  # an answer cut off may look complete: never trust it
                raise self._too_slow(url)
        return response, body

    def _too_slow(self, url: str) -> ExtractError:
        return ExtractError(
            url,
            f"no complete answer within [http] total_timeout = {self.policy.total_timeout:g} s "
            "(the server is too slow or drips its answer); raise it if the source is genuinely "
            "slow",
        )
