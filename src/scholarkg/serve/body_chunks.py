"""A chunked request body is refused as soon as its chunks say it is too much: past
:data:`MAX_BODY_CHUNKS` chunks, or once a chunk-size line announces more than ``max_body_bytes``
with the body before it; none of it more is parsed.

h11 spends ~20 µs of the event loop's one thread on each chunk of a chunked body, whatever its
size, so a body sent in one-byte chunks (6 MB on the wire for 1 MB of payload, under
``max_body_bytes``) held every other client of the server for ~10 s. A chunk announcing more
than the limit was read until ``request_timeout`` and then answered 408, though its size was
known from its first line. Either is answered 413 in one line and its connection closed
(:class:`LimitedH11Protocol <scholarkg.serve.http_limits.LimitedH11Protocol>`).
"""

from __future__ import annotations

from typing import Any

import h11
from h11._readers import ChunkedReader

from scholarkg.serve.head_framing import HeadFramedConnection

# 1 MiB (max_body_bytes' default) in chunks of 256 bytes; the parsing of as many: ~80 ms.
MAX_BODY_CHUNKS = 4096
TOO_MANY_CHUNKS = (
    f"request body in more than {MAX_BODY_CHUNKS} chunks: send it in fewer, larger ones"
)


def too_large(max_body: int) -> str:
    """The one line a body over ``max_body`` bytes is refused with (413)."""
    return f"request body larger than {max_body} bytes"


class ChunkCountedConnection(HeadFramedConnection):
    """An h11 server connection that stops giving events (``NEED_DATA``, :attr:`refusal` set)
    once a request's body has passed :data:`MAX_BODY_CHUNKS` chunks, or a chunk-size line has
    announced more than :attr:`max_body` bytes with the body before it."""

    max_body: int | None = None  # bytes; None: no limit here (set by the server's protocol)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chunks = 0
        self.received = 0  # bytes of the request's body given so far
        self.refusal: str | None = None

    def next_event(self) -> Any:
        if self.refusal is not None:
            return h11.NEED_DATA
        event = super().next_event()
        if isinstance(event, h11.Request):
            self.chunks = self.received = 0
        elif isinstance(event, h11.Data):
            self.received += len(event.data)
            if event.chunk_start:
                self.chunks += 1
                if self.chunks > MAX_BODY_CHUNKS:
                    self.refusal = TOO_MANY_CHUNKS
        if self.refusal is None and self.max_body is not None and self._announced() > self.max_body:
            self.refusal = too_large(self.max_body)
        return h11.NEED_DATA if self.refusal is not None else event

    def _announced(self) -> int:
        """The body's bytes given so far and those its current chunk announced to come."""
        reader = self._reader
        coming = reader._bytes_in_chunk if isinstance(reader, ChunkedReader) else 0
        return self.received + coming
