"""A small HTTP server over a store: SPARQL 1.1 Protocol endpoint, dereferenceable IRIs, pages.

Standard library only (``http.server``); see :mod:`scholarkg.serve.app` for the routes.
"""

from __future__ import annotations

from scholarkg.serve.app import (
    KnowledgeGraphServer,
    ServeConfig,
    make_server,
    run_server,
    serve_forever,
    server_url,
)

__all__ = [
    "KnowledgeGraphServer",
    "ServeConfig",
    "make_server",
    "run_server",
    "serve_forever",
    "server_url",
]
