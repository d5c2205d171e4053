"""Routes for people browsing the site: the landing page, search and the ontology page."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from scholarkg.errors import QueryLimitError
from scholarkg.serve import pages
from scholarkg.serve.conneg import HTML, prefers_html
from scholarkg.serve.http_base import BaseRoutes
from scholarkg.serve.responses import html, limit_text, text


class PageRoutes(BaseRoutes):
    """The site's own pages: ``/`` (the landing page), ``/search`` and ``/ontology``."""

    async def landing(self, request: Request) -> Response:
        headers, not_modified = self.cached(request, HTML)
        if not_modified is not None:
            return not_modified
        await self.check_store()  # then served from the cache without a query thread, if there
        try:
            data = self.kg.site.cached_landing() or await self.blocking(
                request, self.kg.site.landing
            )
        except QueryLimitError as exc:
            return limit_text(exc)

        def n(row: dict[str, Any], key: str) -> int:
            term = row.get(key)
            return int(term.value) if term is not None else 0

        people = [
            (self.href(r["person"].value), (r.get("label", r["person"]).value,), n(r, "papers"))
            for r in data.people
        ]
        categories = [
            (
                self.href(r["c"].value),
                (r.get("notation", r["c"]).value,) + ((r["label"].value,) if "label" in r else ()),
                n(r, "papers"),
            )
            for r in data.categories
        ]
        years = [(r["year"].value, n(r, "papers")) for r in data.years if "year" in r]
        page = pages.landing_page(data.counts, people, categories, years, self.kg.saved)
        return html(200, page, **headers)

    async def search(self, request: Request) -> Response:
        query = request.query_params.get("q", "")[:200]
        await self.check_store()
        index = self.kg.site.cached_index()  # needs no query worker: searched in a plain thread
        try:
            if not query.strip():
                hits = []
            elif index is not None:
                hits = await run_in_threadpool(index.search, query)
            else:
                hits = await self.blocking(request, self.kg.site.search, query)
        except QueryLimitError as exc:
            return limit_text(exc)
        # JSON or HTML by Accept, computed per request: neither is for a cache to keep
        headers = {"Vary": "Accept", "Cache-Control": "no-store"}
        if "application/json" in (request.headers.get("accept") or "") and not prefers_html(
            request.headers.get("accept")
        ):
            found = [{"iri": h.iri, "label": h.label, "kind": h.kind} for h in hits]
            return JSONResponse(found, headers=headers)
        rows = [(self.href(h.iri), h.label, h.kind) for h in hits]
        return html(200, pages.search_page(query, rows), **headers)

    async def ontology(self, request: Request) -> Response:
        from scholarkg.resources import docs_file

        page = docs_file("ontology.html")
        if not page.is_file():
            return text(404, "the ontology page is not installed here")
        return FileResponse(page, media_type="text/html; charset=utf-8")
