"""The misbehaviour the replay server (tests/arxiv_replay.py) plays when a test scripts it:
a :class:`Fault` says what, and the functions here write it to the client."""

from __future__ import annotations

import datetime as dt
import gzip
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from arxiv_recordings import Answer


@dataclass
class RecordedRequest:
    """A request as the server saw it, with its server-side arrival time."""

    path: str
    raw_query: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    started: float
    finished: float | None = None  # when the answer was written (or the client hung up)
    sent: int = 0  # bytes of a ``redirect`` fault's body written before the client hung up

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Fault:
    """Misbehaviour to play instead of (or before) the normal answer.

    kinds: ``status`` (send ``status``/``headers``/``body``), ``sleep`` (wait ``seconds``, then
    answer normally), ``truncate`` (declare the full Content-Length, send half, close),
    ``empty_page`` (the normal Atom body with its entries removed), ``oai_error`` (a synthetic
    OAI-PMH error document with ``code``/``message``), ``serve`` (the bytes of ``fixture``),
    ``drip`` (headers at once, then ``body`` one byte every ``seconds``), ``drip_headers``
    (the status line and headers one byte every ``seconds``), ``endless`` (a chunked body of
    zeros that never ends), ``redirect`` (``status`` with ``headers``, a Location among them,
    and a chunked body of ``size`` zero bytes). The last four stop when the client hangs up.
    ``cut_chunked_mid``, ``cut_chunked_boundary`` and ``cut_unframed`` send the normal answer's
    first half and close the connection: chunked and cut inside a chunk, chunked and cut after
    a whole chunk (before the next chunk's size line), or with neither a Content-Length nor
    chunking (its end is the close: HTTP/1.0 style); ``unframed`` sends it whole that way.
    With ``headers={"Content-Encoding": "gzip"}`` these four send the answer gzip-compressed,
    the half being half of the compressed bytes.
    """

    kind: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0
    code: str = ""
    message: str = ""
    fixture: str = ""
    size: int = 0


def cut_short(handler: BaseHTTPRequestHandler, answer: Answer, body: bytes, fault: Fault) -> None:
    """The answer framed and cut as ``fault`` says (see :class:`Fault`), then the connection
    closed."""
    handler.close_connection = True
    encoding = fault.headers.get("Content-Encoding")
    payload = gzip.compress(body, mtime=0) if encoding == "gzip" else body
    half = payload[: len(payload) // 2]
    chunked = fault.kind.startswith("cut_chunked")
    head = [f"HTTP/1.1 {answer.status} OK", f"Content-Type: {answer.content_type}"]
    head += ["Transfer-Encoding: chunked"] if chunked else []
    head += [f"Content-Encoding: {encoding}"] if encoding else []
    out = handler.wfile
    out.write(("\r\n".join([*head, "Connection: close"]) + "\r\n\r\n").encode())
    if fault.kind == "unframed":
        out.write(payload)
    elif fault.kind == "cut_unframed":
        out.write(half)
    elif fault.kind == "cut_chunked_boundary":
        out.write(b"%x\r\n%s\r\n" % (len(half), half))
    else:  # a chunk declared whole, half of it sent
        out.write(b"%x\r\n%s" % (len(payload), half))
    out.flush()


def misbehave(handler: BaseHTTPRequestHandler, fault: Fault) -> None:
    """Answer slowly or without end; returns when the client hangs up (or a drip is done)."""
    handler.close_connection = True
    head = (
        f"HTTP/1.1 {fault.status} OK\r\nContent-Type: text/plain\r\n"
        + (
            "Transfer-Encoding: chunked\r\n"
            if fault.kind == "endless"
            else f"Content-Length: {len(fault.body)}\r\n"
        )
        + "\r\n"
    ).encode()
    out = handler.wfile
    if fault.kind == "drip_headers":
        for byte in head:
            out.write(bytes([byte]))
            out.flush()
            time.sleep(fault.seconds)
        out.write(fault.body)
        return
    out.write(head)
    out.flush()
    if fault.kind == "drip":
        for byte in fault.body:
            time.sleep(fault.seconds)
            out.write(bytes([byte]))
            out.flush()
        return
    chunk = b"%x\r\n%s\r\n" % (65536, b"0" * 65536)
    while True:
        out.write(chunk)


def redirect(handler: BaseHTTPRequestHandler, fault: Fault, request: RecordedRequest) -> None:
    """A redirect with a chunked body of ``fault.size`` zeros; ``request.sent`` counts what of
    it the client took before it hung up."""
    handler.close_connection = True
    handler.send_response(fault.status)
    for name, value in fault.headers.items():
        handler.send_header(name, value)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    piece = 65536
    chunk = b"%x\r\n%s\r\n" % (piece, b"0" * piece)
    while request.sent < fault.size:
        handler.wfile.write(chunk)
        request.sent += piece
    handler.wfile.write(b"0\r\n\r\n")
    handler.wfile.flush()


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    """A whole answer with its Content-Length (and ``headers``)."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()


def oai_error_document(code: str, message: str) -> bytes:
    """A synthetic OAI-PMH error answer (shape of arXiv/oaipmh's errors.xml template)."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f"<responseDate>{now}</responseDate><request>https://oaipmh.arxiv.org/oai</request>"
        f'<error code="{code}">{message}</error></OAI-PMH>'
    ).encode()
