"""uvicorn's HTTP/1.1 protocol with the limits a public endpoint needs.

* A whole request (line, headers and body) must arrive within ``request_timeout`` seconds of
  the connection opening or of the previous response: a client that trickles bytes
  (slowloris) is disconnected, and each stalled connection costs a few objects, never a thread.
  One whose body is still short then (of its ``Content-Length`` or a chunk's size) gets a 408,
  as does one whose client ends its side first (:mod:`scholarkg.serve.half_close`).
* An answer its client reads none of for ``send_timeout`` seconds (the send buffer full, no
  byte leaving it) has its connection dropped with what is buffered for it: a client that asks
  and never reads cannot hold a connection, and a result of up to ``max_result_mb``, for ever.
* At ``max_connections`` open connections, a new one closes the one that has waited longest
  for a request (none under way), so idle connections from many addresses cannot lock real
  clients out; only when every place has a request under way is the newest answered 503 (with
  the reason and ``Retry-After``) and closed. A connection that sends no byte is closed after
  ``keep_alive``, as one idle after an answer is (before: at ``request_timeout``).
* More than ``max_connections_per_client`` open connections from one client (an IPv4
  address, or an IPv6 /64 network: :func:`client_key`): its
  newest is answered 503 (with the reason) and closed, and it never takes one of the
  ``max_connections`` places, so one client cannot hold them all while others wait.
* Every request's scope carries its connection's peer address (:data:`PEER`), which
  ``max_queries_per_client`` counts by (:meth:`BaseRoutes.blocking`), unless it is one of
  ``[serve] trusted_proxies``: then the client that proxy names.
* Refused connections linger for their client to read the 503 only up to ``REFUSED_LINGER``
  and at most ``max_connections`` at a time; past that they are dropped at once.
* A request asking to upgrade to a WebSocket is answered as plain HTTP (no route takes one).
* Two ``Content-Length`` headers (even equal ones), one with ``Transfer-Encoding`` (h11 would
  read the body as chunked and serve what follows it, which a proxy framing by the length
  forwarded as the body: request smuggling) or two ``Content-Type`` headers are answered 400
  and the connection closed (h11 would merge equal duplicates silently); a request line over
  ``max_header_bytes`` 414 (send the query by POST), a header block over it 431.
* A chunked body in more than ``MAX_BODY_CHUNKS`` chunks (each costs the event loop ~20 µs),
  or one whose chunk-size line announces more than ``max_body_bytes`` with the body before it,
  is answered 413 and its connection closed, the rest never parsed (:mod:`.body_chunks`).
* An answer the connection writes itself (a 4xx above, a 400 to what h11 cannot parse, a 408
  or 413 cut short, a 503) ends lingering (:mod:`.lingering_end`): what the client still sends
  is read and dropped, never closed on, which would reset the connection and could erase the
  answer.
* A request answered before its body came whole (413 on its ``Content-Length``) has its
  connection ended so after the answer (before: the body awaited until ``request_timeout``).
* A request h11 cannot parse (a NUL in its line, a malformed header) is logged naming its
  client, as every refusal is: uvicorn's own warning names no one (:class:`PeerNamedLog`).

The caps are kept by :mod:`.connection_caps`, the unread answer's watch by :mod:`.send_watch`,
the peer's address and name by :mod:`.peers`; this module puts them in one protocol class.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from scholarkg.config import ServeSettings
from scholarkg.serve.body_chunks import ChunkCountedConnection
from scholarkg.serve.connection_caps import REFUSED_LINGER, REFUSED_RETRY_AFTER, ConnectionCaps
from scholarkg.serve.half_close import HalfClose
from scholarkg.serve.head_framing import HeadFraming
from scholarkg.serve.peers import PEER, UVICORN_INVALID, PeerNamedLog, client_key
from scholarkg.serve.request_head import RequestHead, raw_answer, status_of
from scholarkg.serve.send_watch import SendWatch

__all__ = [
    "PEER",
    "REFUSED_LINGER",
    "REFUSED_RETRY_AFTER",
    "UVICORN_INVALID",
    "LimitedH11Protocol",
    "PeerNamedLog",
    "client_key",
    "limited_protocol",
]

_SERVE = ServeSettings()  # the defaults


class LimitedH11Protocol(HalfClose, HeadFraming, SendWatch, ConnectionCaps, H11Protocol):
    """An :class:`H11Protocol` with request deadlines, a connection cap and header checks.

    The limits are class attributes, set on a subclass made by :func:`limited_protocol`.
    """

    connection_class = ChunkCountedConnection

    request_timeout: float = _SERVE.request_timeout
    send_timeout: float = _SERVE.send_timeout
    max_connections: int = _SERVE.max_connections
    max_connections_per_client: int = _SERVE.max_connections_per_client
    max_header_bytes: int = _SERVE.max_header_bytes
    max_body_bytes: int = _SERVE.max_body_bytes
    # Open connections per client address, shared by the connections of one server (each
    # class made by limited_protocol has its own; the event loop's thread alone touches it).
    per_client: ClassVar[dict[str, int]] = {}
    refused: ClassVar[set[Any]] = set()  # answered 503, lingering for the client

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.logger = PeerNamedLog(self.logger, self)  # type: ignore[assignment]
        self._deadline: asyncio.TimerHandle | None = None
        self._head = RequestHead(self.max_header_bytes)
        if isinstance(self.conn, ChunkCountedConnection):
            self.conn.max_body = self.max_body_bytes
        app = self.app

        async def with_peer(scope: Any, receive: Any, send: Any) -> None:
            scope[PEER] = self.client[0] if self.client else None
            await app(scope, receive, send)

        self.app = with_peer

    def _should_upgrade(self) -> bool:
        """Never: the server has no WebSocket route, and a connection handed to uvicorn's
        WebSocket protocol left this one's count in ``per_client`` (and ``max_connections``)
        behind. An ``Upgrade`` header is ignored, the request answered as any other."""
        return False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            # Headers and body leave as two writes: without this, Nagle's algorithm holds the
            # body until the client's delayed ACK (~40 ms per keep-alive request).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
        if self.admitted():
            self._arm()
            # Closed as an idle keep-alive connection is, unless a byte comes (uvicorn's
            # data_received then cancels this, and request_timeout bounds the request).
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )

    def connection_lost(self, exc: Exception | None) -> None:
        self.ended()
        self._disarm()
        self._unwatch_sending()
        self.released()
        super().connection_lost(exc)

    def eof_received(self) -> bool | None:  # type: ignore[override]  # uvicorn's gives None
        return self.client_ended()

    def pause_writing(self) -> None:
        """The send buffer is full: the client must take some of it within ``send_timeout``."""
        super().pause_writing()
        self._watch_sending(self.transport.get_write_buffer_size())

    def resume_writing(self) -> None:
        self._unwatch_sending()
        super().resume_writing()

    def _arm(self) -> None:
        self._disarm()
        self._head.clear()
        self.waiting_since = self.loop.time()
        self._deadline = self.loop.call_later(self.request_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        """Close a connection whose request has not come whole; one still sending a body its
        route waits for (no answer begun) is answered 408 (:meth:`HalfClose.cut_short`)."""
        self._deadline = None
        if self.transport.is_closing() or self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
            return
        if self.conn.their_state is h11.SEND_BODY and self.conn.our_state is h11.SEND_RESPONSE:
            late = f"request body incomplete: not received whole within {self.request_timeout:g} s"
            return self.cut_short(late)
        why = "connection of %s closed: request not received within %gs"
        self.logger.info(why, self.named(), self.request_timeout)
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        self._unset_keepalive_if_required()  # a byte came (the check below may answer it)
        if self.draining:
            return  # dropped: the connection was answered (a 503 when it opened, a 4xx) and ends
        if self.conn.their_state is h11.IDLE and (refused := self._head.feed(data)):
            self._reject(refused)
            return
        super().data_received(data)
        if self.conn.their_state is h11.DONE:
            self._disarm()
        elif (refusal := self._body_refusal()) and not self.transport.is_closing():
            self._refuse_body(refusal)

    def _body_refusal(self) -> str | None:
        """Why the request's body is refused by its chunks (past ``MAX_BODY_CHUNKS``, or one
        announcing more than ``max_body_bytes``: :mod:`.body_chunks`), if it is."""
        return self.conn.refusal if isinstance(self.conn, ChunkCountedConnection) else None

    def _refuse_body(self, refusal: str) -> None:
        """The body is refused by its chunks: 413 to a route still waiting for it (no answer
        begun), else the connection closed (:mod:`.body_chunks`)."""
        self.logger.info("request rejected from %s: %s", self.named(), refusal)
        self._disarm()
        if self.cycle is not None and self.conn.our_state is h11.SEND_RESPONSE:
            return self.cut_short(refusal, 413)
        self.transport.close()

    def _reject(self, message: str) -> None:
        self.logger.info("request rejected from %s: %s", self.named(), message)
        self._disarm()
        self.end_with(raw_answer(status_of(message), message))

    def send_400_response(self, msg: str) -> None:
        """uvicorn's 400 to a request h11 cannot parse (``msg``, its one line), the connection
        then ended lingering (uvicorn's own closed it at once on what the client still sent)."""
        self._disarm()
        self.end_with(raw_answer(b"400 Bad Request", msg))

    def on_response_complete(self) -> None:
        super().on_response_complete()  # parses a pipelined request already received
        if self.transport.is_closing():
            return
        if refusal := self._body_refusal():  # a pipelined body (before: 408 at its timeout)
            return self._refuse_body(refusal)
        if self.conn.their_state is h11.SEND_BODY and self.conn.our_state is h11.DONE:
            return self._end_unread()
        self._arm()

    def _end_unread(self) -> None:
        """The answer went before the request's body came whole (a 413 on its
        ``Content-Length``, its client waiting for ``100 Continue`` or still sending): the
        connection ends lingering, what still comes read and dropped (before: the body awaited
        until ``request_timeout``, then the connection closed)."""
        self._disarm()
        self._unset_keepalive_if_required()
        self.end_with(b"")


def limited_protocol(
    *,
    request_timeout: float,
    max_connections: int,
    max_header_bytes: int,
    send_timeout: float,
    max_connections_per_client: int = _SERVE.max_connections_per_client,
    max_body_bytes: int = _SERVE.max_body_bytes,
) -> type[LimitedH11Protocol]:
    """A protocol class carrying these limits (uvicorn instantiates it per connection), with
    its own count of connections per client."""
    return type(
        "ConfiguredH11Protocol",
        (LimitedH11Protocol,),
        {
            "request_timeout": request_timeout,
            "send_timeout": send_timeout,
            "max_connections": max_connections,
            "max_connections_per_client": max_connections_per_client,
            "max_header_bytes": max_header_bytes,
            "max_body_bytes": max_body_bytes,
            "per_client": {},
            "refused": set(),
        },
    )
