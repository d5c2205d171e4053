"""Routes for people and integrators: dereferenced IRIs, ``/describe``, the landing page,
search, saved queries, the JSON-LD context, VoID, dumps and the ontology page."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from scholarkg.errors import QueryError, QueryLimitError, ScholarKGError
from scholarkg.jsonld import project_context
from scholarkg.query import bind_saved
from scholarkg.serve import entity_pages, pages, person_page, resource_page
from scholarkg.serve.conneg import HTML, prefers_html
from scholarkg.serve.http_base import BaseRoutes, html, limit_text, not_found_response, text
from scholarkg.serve.integration import Dump, dumps_in, find_dump, served_description
from scholarkg.serve.linked_data import NotRepresentableError, format_code, negotiate, serialize
from scholarkg.store.sparql_text import iri_ref

ENTITY_PAGES = {
    "person": person_page.person_page,
    "paper": entity_pages.paper_page,
    "organisation": entity_pages.organisation_page,
    "group": entity_pages.group_page,
    "category": entity_pages.category_page,
}


class SiteRoutes(BaseRoutes):
    """Linked data, pages and the integrator's URLs."""

    # -- linked data ------------------------------------------------------------------------

    async def dereference(self, request: Request) -> Response:
        prefix = self.kg.mapper.path_prefix
        raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        path = raw.split("?", 1)[0]
        if path == "/":
            return await self.landing(request)
        if not path.startswith(prefix):
            return not_found_response(request, f"{request.url.path}: no such page")
        iri = self.kg.mapper.iri_for_path(path)
        if iri is None:
            return not_found_response(request, f"{path}: no such page")
        return await self.resource(request, iri, path)

    async def describe_any(self, request: Request) -> Response:
        iri = request.query_params.get("iri")
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
            media = negotiate(accept, request.query_params.get("format"))
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
            page = ENTITY_PAGES[found.kind](iri, found.tables, self.href, formats)
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

    # -- pages ------------------------------------------------------------------------------

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

    async def queries(self, request: Request) -> Response:
        from scholarkg.serve.query_ui import saved_data

        return JSONResponse(saved_data(self.kg.saved))

    async def saved_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        saved = next((q for q in self.kg.saved if q.name == name), None)
        if saved is None:
            return text(404, f"no saved query {name!r}")
        params: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key in params:  # one value per parameter: the later would replace the earlier
                return text(
                    400,
                    f"saved query {name}: parameter {key} given twice ({params[key]!r}, "
                    f"{value!r}): a parameter binds one value",
                )
            params[key] = value
        try:
            bound = bind_saved(saved, params)
        except QueryError as exc:
            return text(400, str(exc))
        return Response(bound, 200, media_type="application/sparql-query; charset=utf-8")

    async def ontology(self, request: Request) -> Response:
        from scholarkg.resources import docs_file

        page = docs_file("ontology.html")
        if not page.is_file():
            return text(404, "the ontology page is not installed here")
        return FileResponse(page, media_type="text/html; charset=utf-8")

    @cached_property
    def context_body(self) -> bytes:
        """The JSON-LD context as served: the project's context and ``id:`` for the IRI base."""
        document = {"@context": {**project_context(), "id": self.kg.mapper.iri_base}}
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()

    async def context(self, request: Request) -> Response:
        """The JSON-LD context, tagged by its own bytes (they change with the IRI base or the
        project's context, never with the store), so ``If-None-Match`` with its tag (or ``*``)
        answers 304 across updates of the store."""
        body = self.context_body
        headers = {
            "ETag": f'"{hashlib.sha256(body).hexdigest()[:16]}"',
            "Cache-Control": f"public, max-age={self.kg.settings.cache_max_age}",
        }
        not_modified = self.not_modified(request, headers)
        if not_modified is not None:
            return not_modified
        return Response(body, 200, headers, media_type="application/ld+json")

    async def void(self, request: Request) -> Response:
        """The VoID description, negotiated as a resource is (``Accept`` or ``?format=``):
        Turtle, JSON-LD, N-Triples, RDF/XML or a page; 406 when the client takes none."""
        try:
            media = negotiate(request.headers.get("accept"), request.query_params.get("format"))
        except ValueError as exc:
            return text(400, str(exc))
        if media is None:
            return text(
                406,
                "not acceptable; the VoID description comes as Turtle, JSON-LD, N-Triples, "
                "RDF/XML or HTML",
                Vary="Accept",
            )
        dumps = dumps_in(self.kg.exports_dir)  # what it describes beside the store: its tag
        variant = f"{media} {_dumps_signature(dumps)}"  # changes with them (a new export)
        headers, not_modified = self.cached(request, variant, names_host=True)
        if not_modified is not None:
            return not_modified
        base = self.kg.mapper.iri_base
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{base}graph/void> {{ ?s ?p ?o }} }}"
        from scholarkg.serve.jobs import TERMS, QueryJob

        try:
            stored = await self.blocking(
                request, self.kg.pool.run, QueryJob(sparql, graph_format=TERMS)
            )
        except QueryLimitError as exc:
            return limit_text(exc)
        triples = served_description(stored.triples, dumps, self.public(request), base + "dataset")
        headers["Content-Location"] = f"/.well-known/void?format={format_code(media)}"
        if media == HTML:
            page = resource_page.resource_page(
                base + "dataset",
                triples,
                resource_page.Links(local=self.kg.mapper.path_for_iri),
                format_url=lambda code: f"/.well-known/void?format={code}",
            )
            return html(200, page, **headers)
        if media == "text/plain":  # N-Triples, labelled as the client asked
            response = self.rdf(triples, "application/n-triples", headers)
            response.headers["Content-Type"] = "text/plain; charset=utf-8"
            return response
        return self.rdf(triples, media, headers)

    async def dumps(self, request: Request) -> Response:
        name = request.path_params.get("name", "")
        if not name:
            found = dumps_in(self.kg.exports_dir)
            items = "".join(
                f'<li><a href="/dumps/{quote(d.name)}">{escape(d.name)}</a> '
                f"({d.path.stat().st_size} bytes, {escape(d.media_type)}"
                + (f", SHA-256 <code>{escape(d.sha256)}</code>" if d.sha256 else "")
                + ")</li>"
                for d in found
            )
            body = f"<h1>Dumps</h1><ul>{items or '<li>None published yet.</li>'}</ul>"
            return html(200, pages.layout("Dumps", body))
        path = find_dump(self.kg.exports_dir, name)
        if path is None:
            return text(404, f"no dump called {name!r}")
        media = (
            "text/plain"
            if name.endswith(".sha256")
            else next(d.media_type for d in dumps_in(self.kg.exports_dir) if d.name == name)
        )
        return FileResponse(
            path, media_type=media, headers={"Cache-Control": "public, max-age=300"}
        )


def _dumps_signature(dumps: list[Dump]) -> str:
    """The dumps as the VoID description shows them (name, size, checksum), and when each was
    written: another export changes it, without any change of the store."""
    held = []
    for dump in dumps:
        try:
            stat = dump.path.stat()
        except OSError:  # gone since listed: described as not there
            continue
        held.append(f"{dump.name}:{stat.st_size}:{stat.st_mtime_ns}:{dump.sha256}")
    return hashlib.sha256("\n".join(held).encode()).hexdigest()[:16]
