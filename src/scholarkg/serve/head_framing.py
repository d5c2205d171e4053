"""An answer to ``HEAD`` framed as what it is, a head with no body: no ``Transfer-Encoding``.

h11 frames the head of an answer to ``HEAD`` as its ``GET``'s would be framed, and a ``GET``
answer sent without a ``Content-Length`` is chunked: so the ``HEAD`` of a query, checked and
never run (:mod:`.sparql_head`), which cannot know its length, went out with
``Transfer-Encoding: chunked``, though its ``GET`` is always sent with a ``Content-Length``.
A client reading the framing headers before the method (``curl -X HEAD``, a proxy) then
waits for a chunk that never comes. RFC 9112 6.1 only lets a server send it on a ``HEAD``
answer, never requires it; uvicorn's other protocol (httptools) leaves it out. An answer the
application gave a ``Content-Length`` keeps it, as its ``GET``'s.
"""

from __future__ import annotations

from typing import Any

import h11


class HeadFramedConnection(h11.Connection):
    """An h11 server connection writing no ``Transfer-Encoding`` on an answer to ``HEAD``."""

    def _clean_up_response_headers_for_sending(self, response: h11.Response) -> h11.Response:
        cleaned: h11.Response = super()._clean_up_response_headers_for_sending(response)
        if self._request_method != b"HEAD":
            return cleaned
        return h11.Response(
            status_code=cleaned.status_code,
            headers=[
                (n, v) for n, v in cleaned.headers.raw_items() if n.lower() != b"transfer-encoding"
            ],
            http_version=cleaned.http_version,
            reason=cleaned.reason,
        )


class HeadFraming:
    """For an ``H11Protocol`` subclass: its connection a :class:`HeadFramedConnection` (or the
    subclass of it that ``connection_class`` names)."""

    conn: h11.Connection
    connection_class: type[HeadFramedConnection] = HeadFramedConnection

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = self.conn._max_incomplete_event_size  # the one uvicorn configured
        self.conn = self.connection_class(h11.SERVER, limit)
