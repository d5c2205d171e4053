"""HTTP to a SPARQL server's endpoints: one ``requests`` session with the connect and read
timeouts and UTF-8 basic auth, and each request's failure (timeout, no connection, an HTTP
error status) raised as the caller's scholarkg error, naming the endpoint without credentials
(:func:`~scholarkg.store.endpoint_urls.safe_url`), the action and the server's message, clipped.

Every request ends: besides the per-read timeout it has a total deadline (a server that sends
its answer one byte at a time passes every read timeout), and a stop request (SIGTERM, SIGINT)
cuts the transfer within a fraction of a second (:mod:`scholarkg.extract.bounded` watches the
connection). An answer so cut off is never used, as it may look complete; the request fails
with the caller's error, and the run's next check for a stop ends it. An answer is read up to
``[store] max_answer_bytes`` (after decompression): a larger one, or one that never ends, is
refused as soon as it grows past the cap, never held in memory whole. An export's answer is
read as it arrives instead (:meth:`EndpointSession.stream`): not capped, and its deadline
moved on with each MiB that comes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from requests.auth import HTTPBasicAuth
from requests.structures import CaseInsensitiveDict

from scholarkg.errors import ExtractError, ScholarKGError
from scholarkg.extract.bounded import (
    BodyCap,
    DeadlineAdapter,
    Watch,
    deadline,
    read_body,
    refuse_unasked_coding,
    unread_redirect,
)
from scholarkg.extract.inflate import ASKED_ENCODINGS, ENCODINGS, inflated, raw_pieces
from scholarkg.store.answer_stream import Tally, counted
from scholarkg.store.endpoint_failures import (
    failure_reason,
    hung_up,
    mark_unanswered,
    redirect_reason,
    secrets_of,
    timed_out,
    with_status,
    withhold_location,
)
from scholarkg.store.endpoint_urls import safe_url

_PIECE = 64 * 1024  # bytes of a streamed answer read at a time


@dataclass(frozen=True)
class EndpointAnswer:
    """A server's successful answer: its headers and its body, read whole within the cap."""

    headers: CaseInsensitiveDict[str]
    content: bytes


class EndpointSession:
    """Requests to a server's endpoints, each failure one scholarkg error."""

    def __init__(
        self,
        user: str | None,
        password: str | None,
        *,
        timeout: float,
        connect_timeout: float,
        total_timeout: float,
        max_answer_bytes: int,
    ) -> None:
        self._timeout = (connect_timeout, timeout)
        self._total = total_timeout
        self._cap = BodyCap(max_answer_bytes, "[store] max_answer_bytes")
        self._session = requests.Session()
        # what read_body undoes, whatever codings urllib3 would offer (zstd, br)
        self._session.headers["Accept-Encoding"] = ASKED_ENCODINGS
        for scheme in ("http://", "https://"):  # every request obeys the total deadline
            self._session.mount(scheme, DeadlineAdapter())
        self.credentials = (user, password)
        self._secrets = secrets_of(user, password)  # hidden in a server's error message
        if user is not None or password is not None:
            # UTF-8 as RFC 7617 recommends (requests would encode str credentials as Latin-1).
            self._session.auth = HTTPBasicAuth(
                (user or "").encode("utf-8"), (password or "").encode("utf-8")
            )

    def close(self) -> None:
        self._session.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        error: type[ScholarKGError],
        what: str,
        **kwargs: Any,
    ) -> EndpointAnswer:
        """One HTTP request; any failure (an answer over the cap too) becomes ``error`` naming
        the endpoint and status."""
        where = safe_url(url)
        with deadline(self._total) as watch:
            try:
                response = self._answered(method, url, error, what, kwargs)
                try:
                    body = read_body(response, self._cap, watch, where)
                finally:
                    response.close()
            except requests.RequestException as exc:
                why = self._why(exc, watch)
                raise mark_unanswered(error(f"{where}: {what}: {why}")) from exc
            except ExtractError as exc:  # over the cap: read_body names the store and the key
                raise _told(error, where, what, exc) from exc
            if watch.stopped or watch.expired:  # an answer cut off may look complete
                raise mark_unanswered(error(f"{where}: {what}: {self._cut(watch)}"))
        return EndpointAnswer(CaseInsensitiveDict(response.headers), body)

    @contextmanager
    def stream(
        self,
        method: str,
        url: str,
        *,
        error: type[ScholarKGError],
        what: str,
        **kwargs: Any,
    ) -> Iterator[StreamedAnswer]:
        """One HTTP request whose body is read as it arrives, inside the block, never held
        whole: ``[store] max_answer_bytes`` caps the bytes of one row (what a parser may
        hold), not the answer (the cap keeps an answer from filling memory; this one is not
        kept). The answer's headers must come within ``[store] request_deadline``, then each
        :data:`PROGRESS` bytes of its body within as long again: a long answer that keeps
        coming is never cut, one that stalls or trickles is. A stop request cuts it at once.
        Failures are ``error``, as :meth:`send` says them."""
        where = safe_url(url)
        with deadline(self._total) as watch:
            try:
                response = self._answered(method, url, error, what, kwargs)
                try:
                    try:  # as send's read_body does (before: handed on still compressed)
                        refuse_unasked_coding(response, where)
                    except ExtractError as exc:
                        raise _told(error, where, what, exc) from exc

                    def ended() -> None:  # an answer cut off may look complete
                        if watch.stopped or watch.expired:
                            raise mark_unanswered(error(f"{where}: {what}: {self._cut(watch)}"))

                    tally = Tally()
                    pieces = _progressing(_body_pieces(response), watch, self._total)

                    def too_large() -> ScholarKGError:
                        return error(
                            f"{where}: {what}: a row of the answer larger than "
                            f"{self._cap.key} = {self._cap.size} bytes: not read further; "
                            "raise it in your config if this is genuine"
                        )

                    body = counted(pieces, tally, ended, self._cap.size, too_large)
                    yield StreamedAnswer(CaseInsensitiveDict(response.headers), body, tally)
                finally:
                    response.close()
            except requests.RequestException as exc:
                why = self._why(exc, watch)
                raise mark_unanswered(error(f"{where}: {what}: {why}")) from exc

    def _answered(
        self,
        method: str,
        url: str,
        error: type[ScholarKGError],
        what: str,
        kwargs: dict[str, Any],
    ) -> requests.Response:
        """The answer to one request, its body not read yet (the caller closes it); a redirect
        or an error status is ``error`` naming the endpoint and the status, the answer closed."""
        response = self._session.request(
            method,
            url,
            timeout=self._timeout,
            stream=True,
            allow_redirects=False,
            hooks={"response": [unread_redirect, withhold_location]},
            **kwargs,
        )
        status, where = response.status_code, safe_url(url)
        if status < 300:
            return response
        try:
            if status < 400:
                raise error(f"{where}: {what}: {redirect_reason(response)}")
            reason = failure_reason(response, self._secrets)
            raise with_status(error(f"{where}: {what}: {reason}"), status)
        finally:
            response.close()

    def _why(self, exc: requests.RequestException, watch: Watch) -> str:
        """Why a request failed: cut off, timed out, no connection, or what ``requests`` says."""
        if watch.stopped or watch.expired:
            return self._cut(watch)
        if timed_out(exc):
            return self._timed_out(exc)
        if hung_up(exc):
            return f"no answer: the server closed the connection after the request ({exc})"
        if isinstance(exc, requests.ConnectionError):
            return f"cannot connect ({exc})"
        return f"request failed ({exc})"

    def _timed_out(self, exc: requests.RequestException) -> str:
        """A timeout, naming the setting that bounds it and its value."""
        if isinstance(exc, requests.ConnectTimeout):
            wait = self._timeout[0]
            return (
                f"timed out: no connection within {wait:g} s ([store] connect_timeout = {wait:g})"
            )
        read = self._timeout[1]
        return (
            f"timed out: the server sent nothing for {read:g} s ([store] read_timeout = {read:g})"
        )

    def _cut(self, watch: Watch) -> str:
        """Why a request was cut off: a stop request, or the total deadline."""
        if watch.stopped:
            return "cut off: stop requested (SIGTERM/SIGINT)"
        return (
            f"no complete answer within {self._total:g} s ([store] request_deadline: the server "
            "is too slow or sends its answer a byte at a time)"
        )


@dataclass(frozen=True)
class StreamedAnswer:
    """A server's successful answer whose body is read as it arrives: its headers, the pieces
    of its body (decoded from gzip or deflate) and what reading it cost so far."""

    headers: CaseInsensitiveDict[str]
    body: Iterator[bytes]
    tally: Tally


PROGRESS = 1024 * 1024  # bytes of a streamed answer that must come within the request deadline


def _told(error: type[ScholarKGError], where: str, what: str, exc: ExtractError) -> ScholarKGError:
    """``error`` saying what the answer reader refused (it names ``where`` once)."""
    return error(f"{where}: {what}: {str(exc).removeprefix(where + ': ')}")


def _body_pieces(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives, decoded from gzip or deflate (bounded pieces, as read_body)."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ENCODINGS:
        return inflated(raw_pieces(response, _PIECE), encoding, _PIECE)
    return response.iter_content(_PIECE)


def _progressing(pieces: Iterable[bytes], watch: Watch, seconds: float) -> Iterator[bytes]:
    """``pieces``, the watch's deadline moved ``seconds`` on each time :data:`PROGRESS` bytes
    have come since it was last moved; none after the watch cut the transfer off."""
    since = 0
    for piece in pieces:
        if watch.stopped or watch.expired:
            return
        since += len(piece)
        if since >= PROGRESS:
            since = 0
            watch.renew(seconds)
        yield piece
