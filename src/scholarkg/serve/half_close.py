"""How a connection's end is met: a request cut short is answered 408, a client that ended only
its side of the connection (``shutdown(SHUT_WR)``: HTTP lets it) is still answered, one gone
is noticed, and the access log counts only bytes that were written to a connection.

uvicorn closes a connection as soon as its client's side ends (asyncio's default for a
protocol whose ``eof_received`` returns nothing), so a half-closed client got no answer and a
short body's 408 was never written. A FIN alone cannot tell a half-close from a close, so an
HTTP/1.1 client whose request came whole is sent an interim ``100 Continue`` (RFC 9110 15.2:
every HTTP/1.1 client parses unasked 1xx answers): a client that closed its socket answers
that with a reset, which :meth:`HalfClose._probe` sees within :data:`PROBE_EVERY` seconds and
ends the connection as gone (its query stopped, logged 499); one that only half-closed gets
its answer, and the connection is closed after it (after the answers of every request it
had sent whole, pipelined, in order). An HTTP/1.0 client (no 1xx may be sent to
it) that ends its side is taken as gone, as before.
"""

from __future__ import annotations

import asyncio
import socket
from http import HTTPStatus
from typing import Any

import h11

from scholarkg.serve.lingering_end import LingeringEnd
from scholarkg.serve.request_head import raw_answer

PROBE_EVERY = 0.2  # seconds between looks at whether a half-closed client has gone
# Scope keys: the status and one line of the answer (a 408) the connection wrote itself (the
# route's own answer says the same), and that the connection was lost before the route's
# answer was whole (what it sends after is written nowhere, and the access log counts none).
CUT = "scholarkg.cut"
LOST = "scholarkg.lost"


class HalfClose(LingeringEnd):
    """The end of a connection's client side, for an ``H11Protocol`` subclass."""

    conn: h11.Connection
    cycle: Any
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    _probing: asyncio.TimerHandle | None = None
    _ending = False  # the client ended its side: close once what it sent is answered

    def cut_short(self, message: str, status: int = 408) -> None:
        """Answer ``status`` (408: the request body will never come whole) with ``message`` and
        end the connection (:class:`.LingeringEnd`: the rest of the body, still coming, read and
        dropped); the route waiting for the body is told its client is gone, and answers the
        same status and line."""
        if self.cycle is not None:
            self.cycle.scope[CUT] = (status, message)
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        line = f"{status} {HTTPStatus(status).phrase}".encode()
        self.end_with(raw_answer(line, message))

    def client_ended(self) -> bool | None:
        """The client ended its side: a body still short is answered 408; a request that came
        whole is answered (probed, :mod:`module doc <scholarkg.serve.half_close>`); else the
        connection closes, as uvicorn's does. asyncio's ``eof_received``: True keeps it open."""
        cycle = self.cycle
        if cycle is None or cycle.response_complete or self.transport.is_closing():
            return None
        if self.draining:  # answered already (end_with): its client has read it and ends
            return None
        if self.conn.their_state is h11.SEND_BODY and self.conn.our_state is h11.SEND_RESPONSE:
            self.cut_short(
                "request body incomplete: the client ended its side of the connection first"
            )
            return None
        if self.conn.their_state is not h11.DONE or cycle.scope.get("http_version") != "1.1":
            return None
        # Requests sent before the end (pipelined, waiting in h11's buffer) are answered each
        # in turn (:meth:`on_response_complete`); after the last, the connection is closed.
        self._ending = True
        if not self.conn.trailing_data[0]:
            cycle.keep_alive = False  # closed after its answer: nothing more can come
        if self.conn.our_state is h11.SEND_RESPONSE:
            interim = h11.InformationalResponse(status_code=100, headers=[], reason=b"Continue")
            self.transport.write(self.conn.send(interim) or b"")
        self._probing = self.loop.call_later(PROBE_EVERY, self._probe)
        return True

    def on_response_complete(self) -> None:
        """An answer is whole: after the client's end, the next pipelined request that came
        whole is answered as the first was (probed); nothing more whole: 408 for a body still
        short, else the connection closes."""
        super().on_response_complete()  # type: ignore[misc]  # H11Protocol's, next in the MRO
        if not self._ending or self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and self.client_ended():
            return
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.SEND_BODY and self.conn.our_state is h11.SEND_RESPONSE:
            return  # client_ended answered it 408
        self.transport.close()

    def _probe(self) -> None:
        """End the connection once the half-closed client has reset it (it had closed)."""
        self._probing = None
        cycle = self.cycle
        if self.transport.is_closing() or cycle is None or cycle.response_complete:
            return
        sock = self.transport.get_extra_info("socket")
        if sock is not None and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            self.transport.abort()  # connection_lost: the route sees its client gone
            return
        self._probing = self.loop.call_later(PROBE_EVERY, self._probe)

    def ended(self) -> None:
        """The connection is lost: no probe more, and a route not done sends to no one."""
        if self._probing is not None:
            self._probing.cancel()
            self._probing = None
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and CUT not in cycle.scope:
            cycle.scope[LOST] = True
