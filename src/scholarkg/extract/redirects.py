"""Which redirects a fetch follows: within the source's own origin, and only a few.

A redirect is followed by :class:`~scholarkg.extract.http.HttpClient` itself, one hop at a time,
so every hop is a request like any other: spaced from the last answer of its host, counted by the
shared rate limit, retried, and bounded by its deadline. Only a hop to the same host and port is
followed (``http`` to ``https`` on it allowed), or from ``http`` on port 80 to ``https`` on 443 of
the same host (``http://export.arxiv.org`` to ``https://export.arxiv.org``). Anything else is
one error line naming the source URL and the Location: a hop to another host (whose answer would
be archived and loaded as the source's), from ``https`` down to ``http`` (the request and its
answer sent in the clear), or past :data:`MAX_REDIRECTS` hops. Before, ``requests`` followed up
to 30 redirects to any host, ``https`` to ``http`` included, and the answer was archived as the
URL first asked.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scholarkg.errors import ExtractError, shown_source
from scholarkg.locations import is_http_url, url_problem
from scholarkg.shown_text import shown

MAX_REDIRECTS = 5  # arXiv sends one (http to https); a chain longer than this is a loop

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS[scheme]


def _shown(location: str) -> str:
    """``location`` as an error line shows it: :func:`~scholarkg.shown_text.shown` (a control
    as its escape, ``\\u001b``; cut after 300 characters), a long query value cut as a
    source's is (:func:`~scholarkg.errors.shown_source`)."""
    return shown_source(shown(location))


def next_hop(source: str, current: str, location: str, hops: int) -> str:
    """The absolute URL that ``current``'s redirect to ``location`` leads to, when it may be
    followed as hop number ``hops + 1`` of a fetch of ``source``; else an :class:`ExtractError`
    naming ``source`` and ``location``. A fragment is dropped (it is never sent)."""
    target = urljoin(current, location).partition("#")[0]
    told = f"redirected to {_shown(location)}"
    if hops >= MAX_REDIRECTS:
        why = f"{told}: more than {MAX_REDIRECTS} redirects in a row, not followed (a loop?)"
        raise ExtractError(source, why)
    if not is_http_url(target):
        raise ExtractError(source, f"{told}: not an http(s) URL, not followed")
    if problem := url_problem(target):
        raise ExtractError(source, f"{told}: not followed: {problem}")
    (was, host, port), (scheme, to_host, to_port) = _origin(current), _origin(target)
    if was == "https" and scheme == "http":
        why = "from https down to http (the answer would come unencrypted), not followed"
        raise ExtractError(source, f"{told}: {why}")
    upgrade = (was, scheme, port, to_port) == ("http", "https", 80, 443)
    if to_host != host or (to_port != port and not upgrade):
        why = "another host or port, not followed: only the source's own host is"
        raise ExtractError(source, f"{told}: {why}")
    return target
