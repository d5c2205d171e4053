"""An answer the connection writes itself, then a lingering end: closing a connection at once
while its client is still sending (a request line too long, a body refused part-way) resets
it, and a reset can erase the answer before the client reads it (RFC 9112 9.6). So the answer
is followed by the end of what the server sends, what the client sends meanwhile is read and
dropped, and the connection is aborted after :data:`REFUSED_LINGER` unless the client closed it
first."""

from __future__ import annotations

import asyncio

REFUSED_LINGER = 2.0  # seconds an answered connection is kept for its client to read the answer


class LingeringEnd:
    """For an ``H11Protocol`` subclass: :meth:`end_with` an answer; while :attr:`draining`, the
    protocol's ``data_received`` drops what comes."""

    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    draining = False

    def end_with(self, answer: bytes) -> None:
        """Write ``answer``, end what the server sends, and abort the connection after
        ``REFUSED_LINGER`` unless its client closed it first."""
        self.draining = True
        self.transport.write(answer)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(REFUSED_LINGER, self.transport.abort)
