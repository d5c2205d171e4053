"""Bounded HTTP transfers: a total deadline and a body-size cap, whatever the server does.

A per-read timeout does not end a request whose server sends one byte every few seconds (in the
headers or the body): every read succeeds. :func:`deadline` starts a watchdog timer; the
connections a request uses in that thread register with it (through the pool classes that
:class:`DeadlineAdapter` installs), and when the time is up the watchdog shuts their sockets
down, so the blocked read returns at once and the request fails. ``watch.expired`` then says
why; a stop request (SIGTERM) cuts the transfer the same way and sets ``watch.stopped``.
:func:`read_body` reads a streamed body up to a :class:`BodyCap`; :func:`unread_redirect`
keeps ``requests`` from reading the body of a redirect it follows, which no cap would bound.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection

from scholarkg.counts import count_of
from scholarkg.errors import ExtractError
from scholarkg.extract.inflate import ENCODINGS, inflated, raw_pieces
from scholarkg.lifecycle import STOP
from scholarkg.shown_text import shown

_current = threading.local()
_READ_CHUNK = 64 * 1024
_STOP_POLL = 0.25  # how often a watchdog looks for a stop request (seconds)


class Watch:
    """The watchdog of one request: the connections it uses, and whether its time ran out
    (``expired``) or a stop was asked for (``stopped``, SIGTERM: the transfer ends at once)."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self.stopped = False
        self._connections: list[HTTPConnection] = []
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._ends = time.monotonic() + seconds
        self._thread = threading.Thread(target=self._watch, name="http-deadline", daemon=True)

    def renew(self, seconds: float) -> None:
        """The deadline is ``seconds`` from now (a transfer that is making progress); one that
        has passed already stays passed. The watchdog reads it at its next poll."""
        with self._lock:
            if not self.expired:
                self._ends = time.monotonic() + seconds

    def attach(self, connection: HTTPConnection) -> None:
        # The socket is kept too: an HTTP/1.0 answer (or ``Connection: close``) takes it over
        # from the connection, whose ``sock`` is then None while the body is still read.
        sock = getattr(connection, "sock", None)
        with self._lock:
            self._connections.append(connection)
            if sock is not None:
                self._sockets.append(sock)
            expired = self.expired
        if expired:
            _cut(connection)
            _shut(sock)

    def _watch(self) -> None:
        while not self._done.wait(min(_STOP_POLL, max(self._ends - time.monotonic(), 0.0))):
            if STOP.is_set():
                self.stopped = True
            elif time.monotonic() < self._ends:
                continue
            self._expire()
            return

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            connections, sockets = list(self._connections), list(self._sockets)
        for connection in connections:
            _cut(connection)
        for sock in sockets:
            _shut(sock)


def _cut(connection: HTTPConnection) -> None:
    """Shut the connection's socket down (from another thread): a blocked read returns."""
    _shut(getattr(connection, "sock", None))


def _shut(sock: socket.socket | None) -> None:
    if sock is None:
        return
    with suppress(OSError):  # the plain socket's shutdown, also under TLS: only the descriptor
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


@contextmanager
def deadline(seconds: float) -> Iterator[Watch]:
    """Requests made in this thread inside the block are cut off after ``seconds``."""
    watch = Watch(seconds)
    _current.watch = watch
    watch._thread.start()
    try:
        yield watch
    finally:
        watch._done.set()
        _current.watch = None


class _Watched:
    """Connection mixin: join the current thread's watch when used or (re)connected."""

    def request(self, *args: Any, **kwargs: Any) -> None:
        watch: Watch | None = getattr(_current, "watch", None)
        if watch is not None:
            watch.attach(self)  # type: ignore[arg-type]
        super().request(*args, **kwargs)  # type: ignore[misc]

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        watch: Watch | None = getattr(_current, "watch", None)
        if watch is not None:
            watch.attach(self)  # type: ignore[arg-type]


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def _watch_pools(manager: PoolManager) -> PoolManager:
    manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
    return manager


class DeadlineAdapter(HTTPAdapter):
    """A ``requests`` adapter whose connections obey :func:`deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watch_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        return _watch_pools(manager)


@dataclass(frozen=True)
class BodyCap:
    """The most bytes of a body to read, and the setting that says so."""

    size: int
    key: str

    def refuse(self, url: str, size: int | None = None) -> ExtractError:
        said = f"of {size} bytes " if size is not None else ""
        return ExtractError(
            url,
            f"answer {said}larger than {self.key} = {self.size} bytes: not read further; "
            "raise it in your config if this is genuine",
        )


def unread_redirect(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """A ``response`` hook: a redirect is closed before ``requests`` follows it, so its body is
    never read (``requests`` reads every redirect's body whole, to reuse the connection: a
    flood sent with a ``302`` filled memory until the deadline). Only the answer is read."""
    if response.is_redirect:
        response.close()


def refuse_unasked_coding(response: requests.Response, url: str) -> None:
    """An :class:`ExtractError` naming ``url`` and the coding when the answer's
    Content-Encoding holds one the client never asked for (it asks for ``gzip, deflate``) and
    cannot undo (``zstd``, ``br``, ``compress``): before, its compressed bytes were handed on
    as the answer, archived, and failed the parse as ``not well-formed XML``. Not retried: the
    server would answer alike."""
    said = response.headers.get("Content-Encoding")
    if said is None:
        return
    codings = [c.strip().lower() for c in said.split(",")]
    if all(c in ENCODINGS or c in ("identity", "") for c in codings):
        return
    told = shown(said, quoted=True)
    raise ExtractError(
        url,
        f"answer in Content-Encoding {told}, not asked for (only gzip and deflate are) and "
        "not readable here",
    )


def read_body(response: requests.Response, cap: BodyCap, watch: Watch, url: str) -> bytes:
    """The (decoded) body, refused as soon as it grows past the cap; a gzip or deflate body
    whose stream stops before its end is :class:`~.inflate.BodyCutShort` (retried); a body in
    a coding never asked for is refused unread (:func:`refuse_unasked_coding`)."""
    refuse_unasked_coding(response, url)
    declared = count_of(response.headers.get("Content-Length"))
    plain = "Content-Encoding" not in response.headers
    if declared is not None and plain and declared > cap.size:
        raise cap.refuse(url, declared)
    chunks: list[bytes] = []
    size = 0
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    pieces = (
        inflated(raw_pieces(response, _READ_CHUNK), encoding, _READ_CHUNK)
        if encoding in ENCODINGS
        else response.iter_content(_READ_CHUNK)
    )
    for chunk in pieces:
        size += len(chunk)
        if size > cap.size:
            raise cap.refuse(url)
        chunks.append(chunk)
        if watch.expired:
            break
    return b"".join(chunks)
