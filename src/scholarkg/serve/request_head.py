"""The head of an HTTP/1.1 request as its bytes arrive: where it ends, how large it is, how
many ``Content-Length`` and ``Content-Type`` headers it has and whether a ``Transfer-Encoding``
comes with one, each byte scanned once however it is split (a client sending one byte at a
time made a search of the whole head per byte: quadratic)."""

from __future__ import annotations

import re

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:", re.IGNORECASE)
_CONTENT_TYPE = re.compile(rb"\r\ncontent-type[ \t]*:", re.IGNORECASE)
_TRANSFER_ENCODING = re.compile(rb"\r\ntransfer-encoding[ \t]*:", re.IGNORECASE)
_END = b"\r\n\r\n"
_BODY = "application/sparql-query body"
# in origin form, or in absolute form (http://host:port/sparql?…: serve/absolute_form.py)
_SPARQL_TARGET = re.compile(rb"[A-Z]+ (?:[A-Za-z][A-Za-z0-9+.-]*://[^/?# ]*)?/(sparql|query)[?# ]")
LINE_TOO_LONG = "request line too long"
HEADERS_TOO_LARGE = "request headers too large"


def raw_answer(status: bytes, message: str, *headers: str) -> bytes:
    """An answer the connection writes itself (no route ran): ``status`` (``b"408 Request
    Timeout"``) and ``message`` as one line of text, the connection closed after it."""
    body = f"{message}\n".encode()
    head = "".join(f"{header}\r\n" for header in headers)
    return (
        b"HTTP/1.1 "
        + status
        + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
        + f"content-length: {len(body)}\r\n{head}connection: close\r\n\r\n".encode()
        + body
    )


def status_of(refusal: str) -> bytes:
    """The HTTP status line's code and reason for a refusal :meth:`RequestHead.feed` gave."""
    if refusal.startswith(LINE_TOO_LONG):
        return b"414 URI Too Long"
    if refusal.startswith(HEADERS_TOO_LARGE):
        return b"431 Request Header Fields Too Large"
    return b"400 Bad Request"


class RequestHead:
    """The head received so far of the request a connection is waiting for."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._data = bytearray()

    def clear(self) -> None:
        self._data.clear()

    def begun(self) -> bool:
        """Whether some of a head has come (and not yet whole)."""
        return bool(self._data)

    def feed(self, data: bytes) -> str | None:
        """Take the next bytes; why the request is refused, or None. A complete head (its
        blank line received) is checked and forgotten, ready for the next request."""
        start = max(0, len(self._data) - len(_END) + 1)  # the end may straddle two pieces
        self._data += data
        end = self._data.find(_END, start)
        if (len(self._data) if end < 0 else end + 2) > self.max_bytes:
            over = f"more than {self.max_bytes} bytes ([serve] max_header_bytes)"
            if self._data.find(b"\r\n", 0, self.max_bytes + 2) < 0:  # the request line alone
                if _SPARQL_TARGET.match(self._data) is None:  # /search, a page: no POST to offer
                    return f"{LINE_TOO_LONG}: {over}"
                return (
                    f"{LINE_TOO_LONG}: {over}; send a long query by POST, in a form or an {_BODY}"
                )
            return f"{HEADERS_TOO_LARGE}: {over}"
        if end < 0:
            return None
        lengths = len(_CONTENT_LENGTH.findall(self._data, 0, end + 2))
        types = len(_CONTENT_TYPE.findall(self._data, 0, end + 2))
        chunked = _TRANSFER_ENCODING.search(self._data, 0, end + 2) is not None
        self._data.clear()
        if lengths > 1:
            return "more than one Content-Length header"
        if types > 1:  # the server would read the first, a proxy before it may read the last
            return "more than one Content-Type header"
        if lengths and chunked:
            # RFC 9112 6.1: a proxy that reads the body by the other header would take the rest
            # as the next request (request smuggling)
            return "both Content-Length and Transfer-Encoding headers"
        return None
