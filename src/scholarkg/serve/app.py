"""The HTTP application (Starlette): routes, headers, caching and the request log.

Routes: ``/`` (landing page), ``/sparql`` and ``/query`` (SPARQL 1.1 Protocol; the query UI
and HTML results for browsers; the service description for RDF clients), ``/update``
(SPARQL Update, 403 unless allowed), ``/store`` (Graph Store Protocol reads), ``<prefix>…``
(instance IRIs dereferenced: 200 with ``Content-Location``, 301 for retired IRIs),
``/describe?iri=``, ``/search?q=``, ``/queries`` and ``/queries/<name>`` (saved queries,
parameters bound), ``/context.jsonld``, ``/.well-known/void``, ``/dumps/…``, ``/static/…``.
Every query runs in a worker process (:mod:`scholarkg.serve.workers`).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from scholarkg.serve.absolute_form import AbsoluteForm
from scholarkg.serve.http_base import STATIC
from scholarkg.serve.middleware import AccessLog, IfNoneMatchAny
from scholarkg.serve.responses import no_such_page
from scholarkg.serve.routes_site import SiteRoutes
from scholarkg.serve.routes_sparql import SparqlRoutes
from scholarkg.serve.service import KnowledgeGraph


class Routes(SparqlRoutes, SiteRoutes):
    """Every route handler over one :class:`KnowledgeGraph`."""


def create_app(kg: KnowledgeGraph) -> Starlette:
    """The Starlette application serving ``kg``."""
    routes = Routes(kg)
    handlers: list[Any] = [
        Route("/sparql", routes.sparql, methods=["GET", "POST"]),
        Route("/query", routes.sparql, methods=["GET", "POST"]),
        Route("/update", routes.update, methods=["GET", "POST"]),
        Route("/store", routes.store, methods=["GET"]),
        Route("/describe", routes.describe_any, methods=["GET"]),
        Route("/search", routes.search, methods=["GET"]),
        Route("/queries", routes.queries, methods=["GET"]),
        Route("/queries/{name}", routes.saved_query, methods=["GET"]),
        Route("/context.jsonld", routes.context, methods=["GET"]),
        Route("/ontology", routes.ontology, methods=["GET"]),
        Route("/.well-known/void", routes.void, methods=["GET"]),
        Route("/dumps/", routes.dumps, methods=["GET"]),
        Route("/dumps/{name}", routes.dumps, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
        Route("/{path:path}", routes.dereference, methods=["GET"]),
    ]
    middleware = [Middleware(AccessLog), Middleware(AbsoluteForm), Middleware(IfNoneMatchAny)]
    if kg.settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(kg.settings.cors_origins),
                allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                allow_headers=["Accept", "Content-Type", "If-None-Match"],
                expose_headers=["ETag", "Content-Location", "Link", "Last-Modified"],
                max_age=3600,
            )
        )
    app = Starlette(
        routes=[_whole_path(handler) for handler in handlers],
        middleware=middleware,
        exception_handlers={404: no_such_page},
    )
    app.state.kg = kg
    return app


def _whole_path(route: Route | Mount) -> Route | Mount:
    """``route`` matching a request's whole path, newlines (``%0A``) included: Starlette's
    pattern ends in ``$``, which matches before a last newline (``/sparql%0A`` was
    ``/sparql``), and its ``{path:path}`` is ``.*``, which stops at one (``/id/x%0Ay`` matched
    no route, not even the last, and was answered by Starlette's own ``Not Found``)."""
    pattern = route.path_regex.pattern
    route.path_regex = re.compile(pattern.removesuffix("$") + r"\Z", re.DOTALL)
    return route
