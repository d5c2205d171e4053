"""How politely and persistently to fetch: the retry policy, the per-host politeness state
shared by every client in the process, and the small pieces of HTTP it needs (query strings,
``Retry-After``)."""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import random
import threading
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from urllib.parse import quote_plus, urlencode

from scholarkg.config import HttpConfig
from scholarkg.counts import count_of, is_digits
from scholarkg.errors import ExtractError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

Params = Mapping[str, str | int] | Sequence[tuple[str, str | int]]


class HttpPolicy(HttpConfig):
    """How politely and how persistently to fetch: the ``[http]`` section (its keys, defaults
    and checks) plus the backoff it implies.

    ``max_retries`` bounds retries after failures (connection errors, timeouts, truncated bodies,
    retryable statuses without ``Retry-After``), each preceded by an exponential backoff
    ``backoff_base * 2**(n-1)`` plus up to ``jitter`` (a fraction) of it, capped by
    ``backoff_max``. Waits asked for by the server with ``Retry-After`` on 429/5xx are flow
    control, not failures: they are counted separately against ``max_retry_after`` (OAI-PMH
    servers may send several in a row). A ``Retry-After`` longer than ``backoff_max`` is not
    waited out: the request fails at once rather than retrying earlier than the server asked.
    """

    @classmethod
    def from_config(cls, http: HttpConfig, *, min_interval: float | None = None) -> HttpPolicy:
        """The policy of a configured ``[http]`` section (``min_interval`` overridden, e.g. by
        ``[arxiv] min_interval``)."""
        values = http.model_dump()
        if min_interval is not None:
            values["min_interval"] = min_interval
        return cls(**values)

    def backoff(self, failure: int, rng: random.Random) -> float:
        """Delay before retry number ``failure`` (1-based)."""
        delay = min(self.backoff_max, self.backoff_base * 2.0 ** (failure - 1))
        return min(self.backoff_max, delay * (1.0 + rng.uniform(0.0, self.jitter)))


class HostSlot:
    """Politeness state of one host, shared by every client in the process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last_end = -math.inf  # when the last answer (or failure) from this host ended
        self.not_before = -math.inf


_SLOTS: dict[str, HostSlot] = {}
_SLOTS_LOCK = threading.Lock()


def politeness_key(host: str) -> str:
    """Hosts that share one politeness budget: arXiv's limits apply jointly to all its hosts."""
    return "arxiv.org" if host == "arxiv.org" or host.endswith(".arxiv.org") else host


def slot_for(host: str) -> HostSlot:
    """The politeness state of ``host`` (shared by every client and thread in the process)."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(politeness_key(host), HostSlot())


def build_url(base: str, params: Params | None = None) -> str:
    """``base`` with ``params`` form-encoded (spaces as ``+``, every reserved character escaped)."""
    if not params:
        return base
    items = list(params.items()) if isinstance(params, Mapping) else list(params)
    query = urlencode([(k, str(v)) for k, v in items], quote_via=quote_plus)
    return f"{base}{'&' if '?' in base else '?'}{query}"


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date), else None
    (unusable: the usual back-off applies). Delta-seconds are ASCII digits; more than a
    machine can count is "never" (inf: longer than any ``backoff_max``)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if is_digits(text):
        seconds = count_of(text, digits=12)
        return math.inf if seconds is None else float(seconds)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


_KNOWN_STATUSES = frozenset(HTTPStatus)


def refuse_unknown_status(url: str, status: int, conditional: bool) -> None:
    """An :class:`ExtractError` naming ``url`` and ``status`` when the status is none HTTP
    defines (``999``: before, read as a success) or a 304 to a request that asked for none
    (``conditional`` false; before, its empty body was read as an answer, "Document is
    empty"), or another 3xx, a redirection not followed for want of a Location (before, its
    body was read as the answer: an Atom feed sent with a 302, its ids missing)."""
    if status not in _KNOWN_STATUSES:
        raise ExtractError(url, f"HTTP {status}: a status HTTP does not define", status=status)
    if status == 304 and not conditional:
        why = "HTTP 304 Not Modified to a request that was not conditional"
        raise ExtractError(url, why, status=status)
    if 300 <= status < 400 and status != 304:
        why = f"HTTP {status}: a redirection with no Location to follow"
        raise ExtractError(url, why, status=status)
