"""The caps on open connections: more than ``max_connections_per_client`` from one client
(:func:`.peers.client_key`), and the newest is answered 503 (with the reason and
``Retry-After``) and closed; a client past its own cap never takes one of the
``max_connections`` places, so one client cannot hold them all while others wait. At
``max_connections`` open, a new connection closes the one that has waited longest for a request
(none under way: :meth:`ConnectionCaps.waiting`), so connections that send nothing, from as
many addresses as a client has, cannot lock real clients out; only when every place has a
request under way is the newest answered 503 and closed. Refused connections linger for their
client to read the 503 only up to ``REFUSED_LINGER`` and at most ``max_connections`` at a time;
past that they are dropped at once."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, ClassVar

import h11

from scholarkg.serve.lingering_end import REFUSED_LINGER, LingeringEnd
from scholarkg.serve.peers import PeerNamed, client_key
from scholarkg.serve.request_head import RequestHead, raw_answer

__all__ = ["REFUSED_LINGER", "REFUSED_RETRY_AFTER", "ConnectionCaps"]

REFUSED_RETRY_AFTER = 5  # seconds a client refused by a connection cap is told to wait


class ConnectionCaps(LingeringEnd, PeerNamed):
    """For an ``H11Protocol`` subclass: its connection admitted under the caps, or refused."""

    max_connections: int
    max_connections_per_client: int
    # Open connections per client address, shared by the connections of one server (each
    # protocol class has its own; the event loop's thread alone touches it).
    per_client: ClassVar[dict[str, int]]
    refused: ClassVar[set[Any]]  # answered 503, lingering for the client
    connections: set[Any]
    conn: h11.Connection
    _head: RequestHead
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    logger: logging.Logger
    _address: str | None = None  # counted in per_client while open
    waiting_since = 0.0  # the loop's time the connection began waiting for its next request

    def admitted(self) -> bool:
        """Whether the connection just made is within the caps; if not, it is refused. At
        ``max_connections`` open it takes the place of the one waiting longest for a request."""
        address = client_key(self.client[0]) if self.client else None
        if address is not None and self.per_client.get(address, 0) >= (
            cap := self.max_connections_per_client
        ):
            self.logger.warning("connection refused: %s has %d open already", address, cap)
            self._refuse(
                f"too many connections from {address}: at most {cap} open at a time; "
                "close one or try again shortly"
            )
            return False
        if len(self.connections) > self.max_connections and not self._room_made():
            cap = self.max_connections
            self.logger.warning("connection refused: more than %d open", cap)
            self._refuse(
                f"too many connections: the server has its limit of {cap} open; try again shortly"
            )
            return False
        if address is not None:
            self.per_client[address] = self.per_client.get(address, 0) + 1
            self._address = address
        return True

    def waiting(self) -> bool:
        """Whether the connection waits for a request: none under way (not even its head whole),
        no answer being sent."""
        return (
            not self.draining
            and not self.transport.is_closing()
            and self.conn.their_state is h11.IDLE
            and self.conn.our_state is h11.IDLE
        )

    def _room_made(self) -> bool:
        """Close the connection that has waited longest for a request, if one waits; whether
        one did."""
        waiting = [c for c in self.connections if c is not self and c.waiting()]
        if not waiting:
            return False
        min(waiting, key=lambda c: c.waiting_since).give_way(self.max_connections)
        return True

    def give_way(self, cap: int) -> None:
        """Close this waiting connection for a new one: without a word if it has sent nothing
        since its last answer (as an idle keep-alive connection is closed), else with a 503,
        lingering as a refused connection does (:meth:`_refuse`: dropped at once in a flood)."""
        self.connections.discard(self)  # its place is the new one's from now
        self.logger.info(
            "connection of %s closed for a new one: no request under way, %d open",
            self.named(),
            cap,
        )
        if self._head.begun() and len(self.refused) < cap:  # lingers as a refused one does
            self.refused.add(self)
            why = (
                f"connection closed: the server has its limit of {cap} open, and this one had "
                "sent no whole request; send it at once on a new connection"
            )
            retry = f"retry-after: {REFUSED_RETRY_AFTER}"
            return self.end_with(raw_answer(b"503 Service Unavailable", why, retry))
        self.transport.close()

    def _refuse(self, reason: str) -> None:
        """503 with ``reason`` for a connection past a cap, sent at once and followed by the
        end of what the server sends; what the client sends meanwhile is read and dropped
        (closing on unread bytes would reset the connection and lose the 503), until it closes
        or ``REFUSED_LINGER``. The connection takes none of the ``max_connections`` places; at
        most ``max_connections`` refused connections linger so, and past them (a flood) a
        refused connection is dropped at once."""
        self.connections.discard(self)  # takes none of the max_connections places
        self.draining = True  # what it sends is dropped
        if len(self.refused) >= self.max_connections:  # a flood: no lingering, closed at once
            self.transport.abort()
            return
        self.refused.add(self)
        retry = f"retry-after: {REFUSED_RETRY_AFTER}"
        self.end_with(raw_answer(b"503 Service Unavailable", reason, retry))

    def released(self) -> None:
        """The connection is gone: it no longer counts for its client, nor lingers refused."""
        self.refused.discard(self)
        if self._address is not None:
            left = self.per_client[self._address] - 1
            if left:
                self.per_client[self._address] = left
            else:
                del self.per_client[self._address]
            self._address = None
