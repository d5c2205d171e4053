"""The chunks of one request body are counted: past :data:`MAX_BODY_CHUNKS` none more is parsed.

h11 spends ~20 µs of the event loop's one thread on each chunk of a chunked body, whatever its
size, so a body sent in one-byte chunks (6 MB on the wire for 1 MB of payload, under
``max_body_bytes``) held every other client of the server for ~10 s. A body in more chunks than
that is answered 413 in one line and its connection closed (:class:`LimitedH11Protocol
<scholarkg.serve.http_limits.LimitedH11Protocol>`), the rest of it never parsed.
"""

from __future__ import annotations

from typing import Any

import h11

from scholarkg.serve.head_framing import HeadFramedConnection

# 1 MiB (max_body_bytes' default) in chunks of 256 bytes; the parsing of as many: ~80 ms.
MAX_BODY_CHUNKS = 4096
TOO_MANY_CHUNKS = (
    f"request body in more than {MAX_BODY_CHUNKS} chunks: send it in fewer, larger ones"
)


class ChunkCountedConnection(HeadFramedConnection):
    """An h11 server connection that stops giving events (``NEED_DATA``, :attr:`over` set) once
    a request's body has passed :data:`MAX_BODY_CHUNKS` chunks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chunks = 0
        self.over = False

    def next_event(self) -> Any:
        if self.over:
            return h11.NEED_DATA
        event = super().next_event()
        if isinstance(event, h11.Request):
            self.chunks = 0
        elif isinstance(event, h11.Data) and event.chunk_start:
            self.chunks += 1
            if self.chunks > MAX_BODY_CHUNKS:
                self.over = True
                return h11.NEED_DATA
        return event
