"""A real loopback HTTP server replaying recorded arXiv responses, with scriptable misbehaviour.

What it serves and how requests are routed: tests/arxiv_recordings.py; the misbehaviour a test
scripts with :meth:`ReplayServer.add_fault`: tests/arxiv_faults.py (both re-exported here, the
one module tests import). Every request is recorded with a server-side ``time.monotonic()``
arrival timestamp, and the peak number of requests in flight is kept. Normal answers carry an
``ETag`` and honour ``If-None-Match`` with 304.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from arxiv_assembled import Entry, assembled_feed
from arxiv_faults import (
    Fault,
    RecordedRequest,
    cut_short,
    misbehave,
    oai_error_document,
    redirect,
    send,
)
from arxiv_recordings import (
    ATOM_DIR,
    ATOM_TYPE,
    FIXTURES,
    OAI_DIR,
    STITCHED_TOKEN,
    XML_TYPE,
    Answer,
    atom_key,
    atom_routes,
    oai_routes,
)
from loopback import LoopbackServer
from scholarkg.extract.http_policy import HttpPolicy

__all__ = [
    "ATOM_DIR",
    "OAI_DIR",
    "STITCHED_TOKEN",
    "TEST_USER_AGENT",
    "Fault",
    "RecordedRequest",
    "ReplayServer",
    "fast_policy",
]

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
class _Script:
    fault: Fault
    path: str
    when: dict[str, str]
    times: int  # -1: forever


class ReplayServer:
    """Threaded HTTP server on 127.0.0.1 (ephemeral port) serving the recordings."""

    def __init__(self, *, assemble: bool = False) -> None:
        self.assemble = assemble  # answer unrecorded title searches / id lists: arxiv_assembled
        self.extra: dict[str, Entry] = {}  # constructed entries a test adds (assembled answers)
        self.atom_routes = atom_routes()
        self.oai_routes = oai_routes()
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

    def _route(self, request: RecordedRequest) -> Answer | None:
        if request.path == "/api/query":
            recorded = self.atom_routes.get(atom_key(request.query))
            if recorded is None and self.assemble:
                body = assembled_feed(request.raw_query, self.extra)
                return None if body is None else Answer(200, body, ATOM_TYPE)
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
            send(handler, fault.status, fault.body, "text/plain", fault.headers)
            return
        if fault is not None and fault.kind == "oai_error":
            send(handler, fault.status, oai_error_document(fault.code, fault.message), XML_TYPE)
            return
        if fault is not None and fault.kind in ("drip", "drip_headers", "endless"):
            misbehave(handler, fault)
            return
        if fault is not None and fault.kind == "redirect":
            redirect(handler, fault, request)
            return
        if fault is not None and fault.kind == "serve":
            send(handler, fault.status, (FIXTURES / fault.fixture).read_bytes(), ATOM_TYPE)
            return
        answer = self._route(request)
        if answer is None:
            send(handler, 404, f"no recording for {handler.path}".encode(), "text/plain")
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
            cut_short(handler, answer, body, fault)
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
        send(handler, answer.status, body, answer.content_type, {"ETag": etag})
