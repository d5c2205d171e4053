"""Binding, starting and stopping the server (uvicorn with :mod:`scholarkg.serve.http_limits`)."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn

from scholarkg.config import ServeSettings
from scholarkg.errors import ConfigError
from scholarkg.iris import DEFAULT_BASE
from scholarkg.serve.app import create_app
from scholarkg.serve.http_limits import limited_protocol
from scholarkg.serve.linked_data import IriMapper
from scholarkg.serve.service import KnowledgeGraph
from scholarkg.serve.store_spec import StoreSpec, spec_for


class ServerHandle:
    """A bound server: :meth:`serve_forever` blocks; :meth:`start` serves in a thread."""

    def __init__(self, kg: KnowledgeGraph, sock: socket.socket) -> None:
        self.kg = kg
        self.socket = sock
        settings = kg.settings
        protocol = limited_protocol(
            request_timeout=settings.request_timeout,
            send_timeout=settings.send_timeout,
            max_connections=settings.max_connections,
            max_connections_per_client=settings.max_connections_per_client,
            max_header_bytes=settings.max_header_bytes,
            max_body_bytes=settings.max_body_bytes,
        )
        self.config = uvicorn.Config(
            create_app(kg),
            http=protocol,
            lifespan="off",
            ws="none",  # no WebSocket route (and LimitedH11Protocol never upgrades)
            log_config=None,
            access_log=False,
            timeout_keep_alive=max(1, int(settings.keep_alive)),
            h11_max_incomplete_event_size=settings.max_header_bytes,
            timeout_graceful_shutdown=5,
            # X-Forwarded-For/-Proto believed from [serve] trusted_proxies only (uvicorn's own
            # default believes them from loopback, or from its FORWARDED_ALLOW_IPS variable)
            proxy_headers=bool(settings.trusted_proxies),
            forwarded_allow_ips=trusted_forms(settings.trusted_proxies),
        )
        self.server = _Server(self.config, stop_answering=kg.close)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def serve_forever(self) -> None:
        """Serve until interrupted (Ctrl-C) or terminated (SIGTERM), then stop the workers. Once
        it has shut down, uvicorn raises the SIGTERM it caught again; that signal ends the
        process only after this cleanup."""
        self.kg.start()
        main = threading.current_thread() is threading.main_thread()  # signals: main only
        previous = signal.signal(signal.SIGTERM, _terminated) if main else None
        terminated = False
        try:
            self.server.run(sockets=[self.socket])
        except KeyboardInterrupt:
            pass
        except _Terminated:
            terminated = True
        finally:
            if main:
                signal.signal(signal.SIGTERM, previous)
            self.close()
        if terminated:
            signal.raise_signal(signal.SIGTERM)  # as a supervisor expects: ended by the signal

    def start(self) -> ServerHandle:
        """Serve in a background thread (tests, benchmarks)."""
        self.kg.start()

        def run() -> None:
            asyncio.run(self.server.serve(sockets=[self.socket]))

        self._thread = threading.Thread(target=run, name="scholarkg-server", daemon=True)
        self._thread.start()
        while not self.server.started and self._thread.is_alive():
            threading.Event().wait(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
        self.close()

    def close(self) -> None:
        self.kg.close()
        self.socket.close()


def trusted_forms(proxies: tuple[str, ...]) -> list[str]:
    """``[serve] trusted_proxies`` as uvicorn compares them with a peer's address: an IPv4
    address or network also IPv4-mapped (``::ffff:10.0.0.5``), as a socket bound to ``::``
    sees an IPv4 peer."""
    forms = []
    for proxy in proxies:
        network = ipaddress.ip_network(proxy, strict=False)
        forms.append(proxy)
        if isinstance(network, ipaddress.IPv4Network):
            mapped = f"::ffff:{network.network_address}"
            forms.append(mapped if "/" not in proxy else f"{mapped}/{96 + network.prefixlen}")
    return forms


class _Server(uvicorn.Server):
    """uvicorn's server, which first stops the query workers when it shuts down: a query or
    update still running is answered 503 at once (its worker stopped), so Ctrl-C or SIGTERM
    stops the server in moments, not when the slowest query reaches its time limit (uvicorn
    then cancelled its request after the graceful-shutdown time, with a traceback and a 500)."""

    def __init__(self, config: uvicorn.Config, *, stop_answering: Callable[[], None]) -> None:
        super().__init__(config)
        self.stop_answering = stop_answering

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.stop_answering()  # kills and reaps worker processes: milliseconds
        await super().shutdown(sockets)


class _Terminated(Exception):
    """SIGTERM, raised again by uvicorn after its shutdown."""


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; ConfigError (one line) when the address cannot be used."""
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port {port}: a port is 0-65535")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def make_server(
    store: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    iri_base: str = DEFAULT_BASE,
    path_prefix: str = "/id/",
    allow_updates: bool = False,
    settings: ServeSettings | None = None,
    exports_dir: Path | None = None,
    state_dir: Path | None = None,
    spec: StoreSpec | None = None,
) -> ServerHandle:
    """A server over ``store`` bound to ``host:port`` (0: any free port), not yet serving.

    ``path_prefix`` is the request path that stands for ``iri_base``: with the defaults,
    ``/id/person/x`` describes ``https://w3id.org/scholarkg/id/person/x``. Queries run in
    worker processes that open the store read-only; with ``allow_updates``, ``store`` (opened
    read-write) runs SPARQL Update and the workers reopen after each update, each noted first
    in ``state_dir`` (where the store's manifest lives; an embedded store's own directory by
    default) for the next publication. ``spec`` is how the workers open the store (default:
    :func:`spec_for` ``store``, which carries a ``SparqlStore``'s own timeouts and answer cap;
    :meth:`StoreSpec.of_config` reads them from ``[store]``).
    """
    base = iri_base if iri_base.endswith("/") else iri_base + "/"
    prefix = "/" + path_prefix.strip("/") + "/" if path_prefix.strip("/") else "/"
    sock = bind(host, port)
    try:
        kg = KnowledgeGraph(
            spec or spec_for(store),
            settings or ServeSettings(),
            IriMapper(base, prefix),
            update_store=store if allow_updates else None,
            exports_dir=exports_dir,
            state_dir=state_dir,
        )
    except BaseException:
        sock.close()
        raise
    return ServerHandle(kg, sock)


def server_url(server: ServerHandle) -> str:
    """``http://host:port/`` of a server made by :func:`make_server`."""
    return server.url


def serve_forever(server: ServerHandle) -> None:
    server.serve_forever()


def run_server(
    store: Any,
    host: str = "127.0.0.1",
    port: int = 8000,
    iri_base: str = DEFAULT_BASE,
    allow_updates: bool = False,
    *,
    path_prefix: str = "/id/",
    settings: ServeSettings | None = None,
    exports_dir: Path | None = None,
    state_dir: Path | None = None,
    spec: StoreSpec | None = None,
) -> None:
    """Print the URLs and serve until Ctrl-C (the caller closes the store afterwards)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr
    )
    server = make_server(
        store,
        host=host,
        port=port,
        iri_base=iri_base,
        path_prefix=path_prefix,
        allow_updates=allow_updates,
        settings=settings,
        exports_dir=exports_dir,
        state_dir=state_dir,
        spec=spec,
    )
    url = server.url
    mode = "updates allowed on /update" if allow_updates else "read-only"
    workers = server.kg.settings.workers
    print(
        f"Serving the knowledge graph at {url} (SPARQL endpoint {url}sparql, {mode}, "
        f"{workers} query workers)"
    )
    print("Press Ctrl-C to stop.", flush=True)
    server.serve_forever()
