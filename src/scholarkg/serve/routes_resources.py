"""Routes for one resource of the graph: ``/describe?iri=`` and a dereferenced IRI, as an
entity page, a resource page, or RDF (Turtle, JSON-LD, N-Triples, RDF/XML) by content
negotiation; a retired IRI redirects (301) to the one that replaced it."""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from scholarkg.errors import QueryLimitError, ScholarKGError
from scholarkg.serve import entity_pages, person_page, resource_page
from scholarkg.serve.conneg import HTML
from scholarkg.serve.http_base import BaseRoutes, one_value
from scholarkg.serve.linked_data import NotRepresentableError, format_code, negotiate, serialize
from scholarkg.serve.responses import html, limit_text, not_found_response, text
from scholarkg.store.sparql_text import iri_ref

ENTITY_PAGES = {
    "person": person_page.person_page,
    "paper": entity_pages.paper_page,
    "organisation": entity_pages.organisation_page,
    "group": entity_pages.group_page,
    "category": entity_pages.category_page,
}


class ResourceRoutes(BaseRoutes):
    """One resource described: ``/describe`` and the dereferenced IRIs."""

    async def describe_any(self, request: Request) -> Response:
        try:
            iri = one_value(request, "iri")
        except ValueError as exc:
            return text(400, str(exc))
        if not iri:
            return text(400, "give the IRI to describe: /describe?iri=…")
        try:
            iri_ref(iri)
            if not ox.NamedNode(iri).value or ":" not in iri.split("/", 1)[0]:
                raise ValueError("relative")
        except (ScholarKGError, ValueError):
            return text(400, f"{iri!r} is not an absolute IRI")
        return await self.resource(request, iri, f"/describe?iri={quote(iri, safe='')}")

    async def resource(self, request: Request, iri: str, here: str) -> Response:
        accept = request.headers.get("accept")
        try:
            media = negotiate(accept, one_value(request, "format"))
        except ValueError as exc:
            return text(400, str(exc))
        if media is None:
            return text(
                406,
                "not acceptable; resources come as Turtle, JSON-LD, N-Triples, RDF/XML or HTML",
                Vary="Accept",
            )
        headers, not_modified = self.cached(request, media)
        if not_modified is not None:
            return not_modified
        try:
            iri_ref(iri)
            found = await self.blocking(request, self.kg.site.resource, iri, html=media == HTML)
        except QueryLimitError as exc:
            return limit_text(exc)
        except ScholarKGError:
            return not_found_response(request, f"{iri}: not a valid IRI")
        if found.retired_to is not None:
            target = self.kg.mapper.path_for_iri(found.retired_to) or self.href(found.retired_to)
            if "format" in request.query_params:  # the one parameter a resource reads
                sep = "&" if "?" in target else "?"
                target += sep + urlencode({"format": request.query_params["format"]})
            return RedirectResponse(target, status_code=301, headers={"Vary": "Accept"})
        if not found.found:
            return not_found_response(request, f"{iri}: no such resource in this knowledge graph")
        sep = "&" if "?" in here else "?"
        headers["Content-Location"] = f"{here}{sep}format={format_code(media)}"
        links = ", ".join(
            f'<{here}{sep}format={code}>; rel="alternate"; type="{m}"'
            for code, m in (
                ("ttl", "text/turtle"),
                ("jsonld", "application/ld+json"),
                ("nt", "application/n-triples"),
                ("html", HTML),
            )
        )
        headers["Link"] = links
        formats = " · ".join(
            f'<a href="{escape(here + sep + "format=" + code)}">{name}</a>'
            for code, name in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))
        )
        if media == HTML and found.kind is not None:
            page = ENTITY_PAGES[found.kind](found.iri, found.tables, self.href, formats)
            return html(200, page, **headers)
        assert found.description is not None
        if media == HTML:
            page_links = resource_page.Links(local=self.kg.mapper.path_for_iri)
            page = resource_page.resource_page(
                found.description.iri,
                found.description.triples,
                page_links,
                format_url=lambda code: f"{here}{sep}format={code}",
            )
            return html(200, page, **headers)
        try:
            body = serialize(found.description, media, self.kg.mapper.iri_base)
        except NotRepresentableError as exc:  # as a result the worker cannot write: 406, the reason
            return text(406, str(exc), Vary="Accept")
        content_type = "text/plain" if media == "text/plain" else media
        return Response(body, 200, headers, media_type=f"{content_type}; charset=utf-8")
