"""An answer its client reads none of for ``send_timeout`` seconds (the send buffer full, no
byte leaving it) has its connection dropped with what is buffered for it: a client that asks
and never reads cannot hold a connection, and a result of up to ``max_result_mb``, for ever."""

from __future__ import annotations

import asyncio
import logging

from scholarkg.serve.peers import PeerNamed


class SendWatch(PeerNamed):
    """For an ``H11Protocol`` subclass: a watch on its send buffer while writing is paused."""

    send_timeout: float
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    logger: logging.Logger
    _stalled: asyncio.TimerHandle | None = None  # armed while writing is paused

    def _watch_sending(self, buffered: int) -> None:
        self._unwatch_sending()
        self._stalled = self.loop.call_later(self.send_timeout, self._check_sending, buffered)

    def _unwatch_sending(self) -> None:
        if self._stalled is not None:
            self._stalled.cancel()
            self._stalled = None

    def _check_sending(self, buffered: int) -> None:
        """Dropped when no byte left the buffer since the last look (``close`` would wait for
        the buffer to drain, which a client that does not read never lets happen)."""
        self._stalled = None
        now = self.transport.get_write_buffer_size()
        if now < buffered:  # the client reads, however slowly: look again later
            self._watch_sending(now)
            return
        self.logger.info(
            "connection of %s dropped: the client read none of its answer for %gs",
            self.named(),
            self.send_timeout,
        )
        self.transport.abort()
