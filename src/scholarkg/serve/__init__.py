"""The HTTP server over a store: SPARQL 1.1 Protocol, linked data, pages and the query UI.

Starlette on uvicorn; every query runs in a worker process (see :mod:`scholarkg.serve.app`
for the routes and :mod:`scholarkg.serve.workers` for the isolation).
"""

from __future__ import annotations

from scholarkg.serve.server import (
    ServerHandle,
    make_server,
    run_server,
    serve_forever,
    server_url,
)

__all__ = ["ServerHandle", "make_server", "run_server", "serve_forever", "server_url"]
