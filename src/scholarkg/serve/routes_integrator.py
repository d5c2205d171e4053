"""Routes for integrators: saved queries (``/queries``, bound by ``/queries/<name>``), the
JSON-LD context, the VoID description and the published dumps."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from html import escape
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from scholarkg.errors import QueryError, QueryLimitError
from scholarkg.jsonld import project_context
from scholarkg.query import bind_saved
from scholarkg.serve import pages, resource_page
from scholarkg.serve.conneg import HTML
from scholarkg.serve.http_base import BaseRoutes, one_value
from scholarkg.serve.integration import Dump, dumps_in, find_dump, served_description
from scholarkg.serve.linked_data import format_code, negotiate
from scholarkg.serve.responses import html, limit_text, text


class IntegratorRoutes(BaseRoutes):
    """The URLs an integrator reads: saved queries, the context, VoID and dumps."""

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
            media = negotiate(request.headers.get("accept"), one_value(request, "format"))
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
