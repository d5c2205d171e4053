"""Routes for people and integrators: dereferenced IRIs, ``/describe``, the landing page,
search, saved queries, the JSON-LD context, VoID, dumps and the ontology page.

Each group has its module (:mod:`~scholarkg.serve.routes_resources`,
:mod:`~scholarkg.serve.routes_pages`, :mod:`~scholarkg.serve.routes_integrator`); this one
joins them and sends a path to the landing page or to the resource it names."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from scholarkg.serve.responses import no_such_page, not_found_response
from scholarkg.serve.routes_integrator import IntegratorRoutes
from scholarkg.serve.routes_pages import PageRoutes
from scholarkg.serve.routes_resources import ResourceRoutes


class SiteRoutes(ResourceRoutes, PageRoutes, IntegratorRoutes):
    """Linked data, pages and the integrator's URLs."""

    async def dereference(self, request: Request) -> Response:
        prefix = self.kg.mapper.path_prefix
        raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        path = raw.split("?", 1)[0]
        if path == "/":
            return await self.landing(request)
        if not path.startswith(prefix):
            return no_such_page(request)
        iri = self.kg.mapper.iri_for_path(path)
        if iri is None:
            return not_found_response(request, f"{path}: no such page")
        return await self.resource(request, iri, path)
