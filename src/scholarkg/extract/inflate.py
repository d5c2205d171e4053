"""A compressed HTTP body (``gzip`` or ``deflate``, the encodings the client accepts) decoded
piece by piece, and known to be whole.

``requests`` decodes such a body but does not say whether its compressed stream ended: a body
whose connection closed early, with neither a Content-Length nor chunking to tell (its end is
the close), decoded to the part that came and passed for the answer, and its parse failed
("not well-formed XML") where a retry would have got it whole. A compressed stream carries its
own end: one that stops before it is :class:`BodyCutShort`, which the client retries as a
transport error. No piece handed on is larger than ``piece`` bytes, so the body cap bounds
what a small compressed body inflates to.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

import requests
from urllib3.exceptions import ProtocolError, ReadTimeoutError, SSLError

_GZIP = 16 + zlib.MAX_WBITS
_GZIP_MAGIC = b"\x1f\x8b"
# how a stream of each encoding starts (deflate: zlib-wrapped, as HTTP says, or raw, as some
# servers send it: tried when the wrapped reading fails at once)
ENCODINGS = {"gzip": _GZIP, "x-gzip": _GZIP, "deflate": zlib.MAX_WBITS}
ASKED_ENCODINGS = "gzip, deflate"  # the Accept-Encoding of every request: what is undone here


class BodyCutShort(requests.exceptions.ContentDecodingError):
    """A compressed body whose stream stops before its end: the transfer was cut short."""


def raw_pieces(response: requests.Response, size: int) -> Iterator[bytes]:
    """The body's bytes as sent (chunking undone, nothing decoded), transport failures raised
    as ``requests`` raises them while it decodes (so the client retries the same ones)."""
    try:
        yield from response.raw.stream(size, decode_content=False)
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    except ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from exc
    except SSLError as exc:
        raise requests.exceptions.SSLError(exc) from exc


def inflated(pieces: Iterable[bytes], encoding: str, piece: int) -> Iterator[bytes]:
    """The decoded body of ``pieces`` compressed with ``encoding`` (a key of
    :data:`ENCODINGS`); gzip members one after another are one body, bytes after the last
    member are ignored (as ``urllib3`` does). :class:`BodyCutShort` when the stream stops
    before its end, ``ContentDecodingError`` when it is no such stream."""
    try:
        yield from _inflated(pieces, encoding, piece)
    except zlib.error as exc:
        raise requests.exceptions.ContentDecodingError(f"not {encoding} data: {exc}") from exc


def _inflated(pieces: Iterable[bytes], encoding: str, piece: int) -> Iterator[bytes]:
    wbits = ENCODINGS[encoding]
    stream = zlib.decompressobj(wbits)
    started = finished = False
    consumed = 0
    for data in pieces:
        consumed += len(data)
        while data and not finished:
            if stream.eof:  # between gzip members: another, or bytes after the last
                if wbits != _GZIP or not data.startswith(_GZIP_MAGIC):
                    finished = True
                    break
                stream = zlib.decompressobj(wbits)
            if not started and wbits == zlib.MAX_WBITS:
                try:
                    stream.copy().decompress(data, 1)
                except zlib.error:  # no zlib wrapper: raw deflate
                    wbits = -zlib.MAX_WBITS
                    stream = zlib.decompressobj(wbits)
            started = True
            yield from _drain(stream, data, piece)
            data = stream.unused_data
    if consumed and not (finished or stream.eof):
        raise BodyCutShort(
            f"body cut short: its {encoding} stream stops after {consumed} bytes, before its end"
        )


def _drain(stream: zlib._Decompress, data: bytes, piece: int) -> Iterator[bytes]:
    """What ``stream`` decodes of ``data``, at most ``piece`` bytes at a time, until it needs
    more input or its stream ends."""
    while True:
        out = stream.decompress(data, piece)
        if out:
            yield out
        data = stream.unconsumed_tail
        if stream.eof or (not data and len(out) < piece):
            return
