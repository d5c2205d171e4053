"""A real loopback HTTP server replaying recorded arXiv responses, with scriptable misbehaviour.

Routing (built from the recordings themselves, nothing invented):

* ``/api/query`` — the arXiv API. The routing table comes from the original request URL and
  status code stored in ``atom/arxiv_py_fixtures_raw/*.json``; the body served is the matching
  ``atom/*.xml`` (checked byte-equal to the JSON body). An ``id_list`` request is matched on its
  set of ids (``max_results`` and sort parameters ignored); a ``search_query`` request on
  ``(search_query, start, max_results)``. The recorded status is returned (400 for ``abc``).
* ``/oai`` — OAI-PMH. Each ``oai/*.xml`` is routed by the attributes of its own ``<request>``
  element (verb, identifier, metadataPrefix, set, from).
  STITCHED FOR TESTS: the resumptionToken ``6960524|1001`` of the oai_dc ``set=cs`` page is
  answered with the *hep-ex* ``ListRecords`` response, its ``<request>`` element rewritten to
  ``verb=ListRecords resumptionToken=…`` and an empty ``<resumptionToken/>`` (end of list, as
  the new arXiv endpoint writes it) added. Its records are real but in the ``arXiv`` format.

Every request is recorded with a server-side ``time.monotonic()`` arrival timestamp, and the
peak number of requests in flight is kept. Normal answers carry an ``ETag`` and honour
``If-None-Match`` with 304. Faults are scripted with :meth:`ReplayServer.add_fault`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from arxiv_assembled import Entry, assembled_feed
from loopback import LoopbackServer
from scholarkg.extract.http_policy import HttpPolicy

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
ATOM_DIR = FIXTURES / "atom"
OAI_DIR = FIXTURES / "oai"
STITCHED_TOKEN = "6960524|1001"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

TEST_USER_AGENT = "scholarkg-tests/0 (mailto:tests@example.org)"


def fast_policy(**overrides: float) -> HttpPolicy:
    """A policy with short spacing, timeouts and backoff so tests stay quick."""
    settings: dict[str, float] = {
        "min_interval": 0.02,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "max_retries": 2,
        "backoff_base": 0.02,
        "backoff_max": 5.0,
        "jitter": 0.1,
        "max_retry_after": 3,
        "total_timeout": 30.0,
        "max_body_bytes": 64 * 1024 * 1024,
    }
    settings.update(overrides)
    return HttpPolicy(
        user_agent=TEST_USER_AGENT,
        min_interval=settings["min_interval"],
        connect_timeout=settings["connect_timeout"],
        read_timeout=settings["read_timeout"],
        max_retries=int(settings["max_retries"]),
        backoff_base=settings["backoff_base"],
        backoff_max=settings["backoff_max"],
        jitter=settings["jitter"],
        max_retry_after=int(settings["max_retry_after"]),
        total_timeout=settings["total_timeout"],
        max_body_bytes=int(settings["max_body_bytes"]),
    )


@dataclass
class RecordedRequest:
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


@dataclass
class _Script:
    fault: Fault
    path: str
    when: dict[str, str]
    times: int  # -1: forever


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    content_type: str


def _atom_routes() -> dict[tuple[object, ...], _Answer]:
    routes: dict[tuple[object, ...], _Answer] = {}
    for raw in sorted((ATOM_DIR / "arxiv_py_fixtures_raw").glob("*.json")):
        recorded = json.loads(raw.read_text(encoding="utf-8"))
        body = (ATOM_DIR / f"{raw.stem}.xml").read_bytes()
        assert body == recorded["body"].encode("latin-1"), raw.name
        query = parse_qs(urlsplit(recorded["url"]).query, keep_blank_values=True)
        routes[_atom_key(query)] = _Answer(recorded["status_code"], body, ATOM_TYPE)
    return routes


def _atom_key(query: dict[str, list[str]]) -> tuple[object, ...]:
    ids = [i for i in (query.get("id_list") or [""])[0].split(",") if i]
    if ids:
        return ("id", frozenset(ids))
    first = {k: (v[0] if v else "") for k, v in query.items()}
    return ("q", first.get("search_query", ""), first.get("start", "0"), first.get("max_results"))


def _oai_routes() -> dict[frozenset[tuple[str, str]], _Answer]:
    routes: dict[frozenset[tuple[str, str]], _Answer] = {}
    for path in sorted(OAI_DIR.glob("*.xml")):
        body = path.read_bytes()
        request = etree.fromstring(body).find("{http://www.openarchives.org/OAI/2.0/}request")
        assert request is not None, path.name
        routes[frozenset((str(k), str(v)) for k, v in request.attrib.items())] = _Answer(
            200, body, XML_TYPE
        )
    hep_ex = (OAI_DIR / "hepcrawl_arXiv_ListRecords_physics-hep-ex_2017-12-14.xml").read_bytes()
    stitched = re.sub(
        rb"<request [^>]*>",
        f'<request verb="ListRecords" resumptionToken="{STITCHED_TOKEN}">'.encode(),
        hep_ex,
        count=1,
    ).replace(b"</ListRecords>", b"<resumptionToken/>\n</ListRecords>")
    key = frozenset({("verb", "ListRecords"), ("resumptionToken", STITCHED_TOKEN)})
    routes[key] = _Answer(200, stitched, XML_TYPE)
    return routes


def oai_error_document(code: str, message: str) -> bytes:
    """A synthetic OAI-PMH error answer (shape of arXiv/oaipmh's errors.xml template)."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f"<responseDate>{now}</responseDate><request>https://oaipmh.arxiv.org/oai</request>"
        f'<error code="{code}">{message}</error></OAI-PMH>'
    ).encode()


class ReplayServer:
    """Threaded HTTP server on 127.0.0.1 (ephemeral port) serving the recordings."""

    def __init__(self, *, assemble: bool = False) -> None:
        self.assemble = assemble  # answer unrecorded title searches / id lists: arxiv_assembled
        self.extra: dict[str, Entry] = {}  # constructed entries a test adds (assembled answers)
        self.atom_routes = _atom_routes()
        self.oai_routes = _oai_routes()
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._scripts: list[_Script] = []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                replay._handle(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = LoopbackServer(Handler)
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/query"

    @property
    def oai_url(self) -> str:
        return f"{self.base_url}/oai"

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_fault(
        self, fault: Fault, *, path: str = "/api/query", times: int = 1, **when: str
    ) -> None:
        """Play ``fault`` on the next ``times`` (-1: all) requests to ``path`` matching ``when``."""
        with self._lock:
            self._scripts.append(_Script(fault, path, dict(when), times))

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _take_fault(self, request: RecordedRequest) -> Fault | None:
        with self._lock:
            for script in self._scripts:
                if script.path != request.path or script.times == 0:
                    continue
                if all(request.param(k) == v for k, v in script.when.items()):
                    if script.times > 0:
                        script.times -= 1
                    return script.fault
        return None

    def _route(self, request: RecordedRequest) -> _Answer | None:
        if request.path == "/api/query":
            recorded = self.atom_routes.get(_atom_key(request.query))
            if recorded is None and self.assemble:
                body = assembled_feed(request.raw_query, self.extra)
                return None if body is None else _Answer(200, body, ATOM_TYPE)
            return recorded
        if request.path == "/oai":
            flat = frozenset((k, v[0]) for k, v in request.query.items() if v)
            return self.oai_routes.get(flat)
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        parts = urlsplit(handler.path)
        request = RecordedRequest(
            path=parts.path,
            raw_query=parts.query,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=dict(handler.headers.items()),
            started=started,
        )
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self._answer(handler, request)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True
        finally:
            request.finished = time.monotonic()
            with self._lock:
                self.in_flight -= 1

    def _answer(self, handler: BaseHTTPRequestHandler, request: RecordedRequest) -> None:
        fault = self._take_fault(request)
        if fault is not None and fault.kind == "sleep":
            time.sleep(fault.seconds)
            fault = None
        if fault is not None and fault.kind == "status":
            _send(handler, fault.status, fault.body, "text/plain", fault.headers)
            return
        if fault is not None and fault.kind == "oai_error":
            _send(handler, fault.status, oai_error_document(fault.code, fault.message), XML_TYPE)
            return
        if fault is not None and fault.kind in ("drip", "drip_headers", "endless"):
            _misbehave(handler, fault)
            return
        if fault is not None and fault.kind == "redirect":
            _redirect(handler, fault, request)
            return
        if fault is not None and fault.kind == "serve":
            _send(handler, fault.status, (FIXTURES / fault.fixture).read_bytes(), ATOM_TYPE)
            return
        answer = self._route(request)
        if answer is None:
            _send(handler, 404, f"no recording for {handler.path}".encode(), "text/plain")
            return
        body = answer.body
        if fault is not None and fault.kind == "empty_page":
            body = re.sub(rb"\s*<entry>.*?</entry>", b"", body, flags=re.DOTALL)
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        if fault is not None and (fault.kind.startswith("cut_") or fault.kind == "unframed"):
            _cut_short(handler, answer, body, fault)
            return
        if fault is not None and fault.kind == "truncate":
            handler.send_response(answer.status)
            handler.send_header("Content-Type", answer.content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return
        _send(handler, answer.status, body, answer.content_type, {"ETag": etag})


def _cut_short(handler: BaseHTTPRequestHandler, answer: _Answer, body: bytes, fault: Fault) -> None:
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


def _misbehave(handler: BaseHTTPRequestHandler, fault: Fault) -> None:
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


def _redirect(handler: BaseHTTPRequestHandler, fault: Fault, request: RecordedRequest) -> None:
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


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()
