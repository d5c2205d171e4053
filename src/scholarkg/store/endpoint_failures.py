"""Why a request to a store endpoint failed, said in one line: its status, redirect or timeout."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import requests
import urllib3

from scholarkg.errors import ScholarKGError
from scholarkg.store.endpoint_urls import safe_url

_MESSAGE_LIMIT = 500
_ERROR_BODY = 4 * _MESSAGE_LIMIT  # the bytes of an error answer read for its message


def timed_out(exc: requests.RequestException) -> bool:
    """Whether ``exc`` is a connect or read timeout: ``requests`` raises one that strikes
    while the body is read as a ConnectionError wrapping urllib3's ReadTimeoutError."""
    if isinstance(exc, requests.Timeout):
        return True
    return any(isinstance(arg, urllib3.exceptions.ReadTimeoutError) for arg in exc.args)


def hung_up(exc: requests.RequestException) -> bool:
    """Whether the connection was made and the request sent, then closed or reset before a
    whole answer came (a server that crashed or restarted under it, a proxy that dropped it):
    urllib3's ProtocolError, which ``requests`` raises as a ConnectionError (before the answer
    began) or a ChunkedEncodingError (in its body)."""
    return any(isinstance(arg, urllib3.exceptions.ProtocolError) for arg in exc.args)


_STATUS = "http_status"


def answered_status(exc: BaseException) -> int | None:
    """The HTTP error status the server answered a failed request with; None when it gave
    none (no connection, a timeout, a redirect, an answer cut off or over the cap)."""
    status = vars(exc).get(_STATUS)
    return status if isinstance(status, int) else None


def with_status(failure: ScholarKGError, status: int) -> ScholarKGError:
    """``failure``, marked with the HTTP error status the server answered it with."""
    vars(failure)[_STATUS] = status
    return failure


_UNANSWERED = "unanswered"


def mark_unanswered(failure: ScholarKGError) -> ScholarKGError:
    """``failure``, marked as one for want of a whole answer (:func:`unanswered`)."""
    vars(failure)[_UNANSWERED] = True
    return failure


def unanswered(exc: BaseException) -> bool:
    """Whether a request failed for want of a whole answer: no connection, the connection
    dropped or reset (a server that crashed or restarted), a timeout, the deadline, a stop. The
    server did not refuse what was sent; it may or may not have applied it."""
    return vars(exc).get(_UNANSWERED) is True


_NOT_APPLIED = "not_applied"


def mark_not_applied(failure: ScholarKGError) -> ScholarKGError:
    """``failure``, marked as a write the server answered with success but did not apply
    (:func:`not_applied`)."""
    vars(failure)[_NOT_APPLIED] = True
    return failure


def not_applied(exc: BaseException) -> bool:
    """Whether a write failed because the server, having answered it with success, does not
    hold what it was sent: a read-only replica, or a proxy before the server that drops
    writes. Every write fails so, not the graph's alone."""
    return vars(exc).get(_NOT_APPLIED) is True


_WITHHELD = "X-Scholarkg-Withheld-Location"  # where a redirect's Location is kept


def withhold_location(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """A ``response`` hook: a redirect's ``Location`` is taken out of its headers (kept for
    the message), so ``requests``, which reads it even when it follows no redirect, never parses
    one it cannot read (``http://[bad``: a ValueError traceback)."""
    if 300 <= response.status_code < 400:
        response.headers[_WITHHELD] = response.headers.pop("Location", "")


def redirect_reason(response: requests.Response) -> str:
    """Why a redirect is not followed: a store is asked where it is configured, never at an
    address an answer names (any host; a 307 would send the query or update again)."""
    written = response.headers.get(_WITHHELD, "")
    try:
        location = safe_url(written)
    except ValueError:  # not a URL urlsplit reads (``http://[bad``)
        location = written
    location = location.encode("ascii", "backslashreplace").decode() or "nowhere named"
    location = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in location)
    return (
        f"redirected (HTTP {response.status_code}) to {location}: not followed; set the "
        "store's URL to where it answers"
    )


def secrets_of(user: str | None, password: str | None) -> tuple[str, ...]:
    """What of HTTP basic credentials a server may echo in an error answer: the header's token
    (base64 of ``user:password`` in UTF-8), the pair and the password, each also as HTML, JSON
    and a URL write it (before: as sent only, ``p&amp;ss`` shown). No password, no secret: a
    user's name alone is none (before: ``user:`` hidden wherever it stood)."""
    if not password:
        return ()
    pair = f"{user or ''}:{password}"
    token = base64.b64encode(pair.encode("utf-8")).decode("ascii")
    found: list[str] = []
    for secret in (token, pair, password):
        for form in (
            secret,
            html.escape(secret),
            json.dumps(secret)[1:-1],
            quote(secret, safe=""),
        ):
            if form not in found:
                found.append(form)
    return tuple(found)


def without_secrets(text: str, secrets: Sequence[str]) -> str:
    """``text`` with each of ``secrets`` written ``***`` where it stands whole, between
    characters that are no letter or digit (before: anywhere, so a password ``a`` made
    'Authentication failed' '***uthentic***tion f***iled')."""
    for secret in sorted(secrets, key=len, reverse=True):  # the token before the password
        text = re.sub(rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])", "***", text)
    return text


def failure_reason(response: requests.Response, secrets: Sequence[str] = ()) -> str:
    """An error answer's status and the start of its message (never more of it is read), on
    one line: its whitespace runs one space, other control characters escaped, and each of
    ``secrets`` (:func:`secrets_of`: a server that echoes the request) written ``***``."""
    head = b""
    for chunk in response.iter_content(_ERROR_BODY):
        head = chunk[:_ERROR_BODY]
        break
    message = head.decode(response.encoding or "utf-8", errors="replace")
    message = without_secrets(message, secrets)
    message = " ".join(message.split())
    message = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in message)
    if len(message) > _MESSAGE_LIMIT:
        message = message[:_MESSAGE_LIMIT] + "…"
    return f"HTTP {response.status_code} {response.reason}: {message}"
