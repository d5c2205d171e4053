"""Dereferenceable instance IRIs: describe a resource and answer in the format asked for.

The description of a resource ``r`` is a symmetric, CBD-like set of triples, read over the
union of named graphs:

* every triple with ``r`` as subject;
* every triple of the nodes ``r`` *owns*: blank nodes it links to, and nodes linked to or from
  it whose IRI is ``r`` + ``/…`` (authorships and versions of a paper, the metric
  observations of a profile snapshot);
* every triple with ``r`` as object (incoming links), and for each incoming node that is owned
  by another node (an authorship pointing at a person), the owner's link to it;
* the names (``foaf:name``, ``dcterms:title``, ``rdfs:label``, ``skos:prefLabel``) of every
  other IRI in the set, so a page can show names instead of IRIs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

import pyoxigraph as ox

from scholarkg.errors import ScholarKGError
from scholarkg.jsonld import compact_bytes
from scholarkg.serve import pages
from scholarkg.serve.conneg import HTML, Response, choose, prefers_html, text_response
from scholarkg.serve.jobs import NO_TRIPLE_TERMS, TERMS, QueryJob
from scholarkg.serve.pages import LABEL_PREDICATES, PREFIXES
from scholarkg.serve.workers import WorkerPool
from scholarkg.serve.xml_output import RDF_XML_INSTEAD, NotXmlError, XmlGuard, xml_named
from scholarkg.store.sparql_text import iri_ref

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
# Server preference when the client accepts several: Turtle for */*, HTML only when asked.
OFFERS = (
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    HTML,
    "text/plain",
    "application/x-turtle",
    "application/json",
    "application/xhtml+xml",
)
ALIASES = {
    "application/x-turtle": "text/turtle",
    "application/json": "application/ld+json",
    "application/xhtml+xml": HTML,
}
FORMAT_PARAM = {
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "html": HTML,
}
DESCRIBE_LIMIT = 20000  # triples before labels; a safety net against huge hubs
_LABEL_CHUNK = 200


@dataclass(frozen=True)
class IriMapper:
    """Maps request paths under ``path_prefix`` to instance IRIs under ``iri_base`` and back."""

    iri_base: str
    path_prefix: str = "/id/"

    def iri_for_path(self, path: str) -> str | None:
        if not path.startswith(self.path_prefix) or path == self.path_prefix:
            return None
        return self.iri_base + path[len(self.path_prefix) :]

    def path_for_iri(self, iri: str) -> str | None:
        """The path of ``iri``; None outside ``iri_base``, and for a path a browser reads as
        another site's (``//evil.example/…`` under the prefix ``/``: a redirect or link there
        would leave this server; such an IRI is linked by ``/describe?iri=`` instead)."""
        if not iri.startswith(self.iri_base) or iri == self.iri_base:
            return None
        path = self.path_prefix + iri[len(self.iri_base) :]
        return None if path.startswith(("//", "/\\")) else path


@dataclass(frozen=True)
class Description:
    """The triples describing ``iri`` (see the module docstring for what is included)."""

    iri: str
    triples: tuple[ox.Triple, ...]

    @property
    def found(self) -> bool:
        node = ox.NamedNode(self.iri)
        return any(t.subject == node or t.object == node for t in self.triples)


def _core_query(ref: str) -> str:
    owned = f'(isBlank(?s) || STRSTARTS(STR(?s), CONCAT(STR({ref}), "/")))'
    return f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ {ref} ?p ?o . BIND ({ref} AS ?s) }}
  UNION {{ {{ {ref} ?link ?s }} UNION {{ ?s ?link {ref} }} FILTER {owned} ?s ?p ?o }}
  UNION {{ ?s ?p {ref} . BIND ({ref} AS ?o) }}
  UNION {{ ?o ?link {ref} . ?s ?p ?o .
           FILTER (isIRI(?o) && isIRI(?s) && STRSTARTS(STR(?o), CONCAT(STR(?s), "/"))) }}
}} LIMIT {DESCRIBE_LIMIT}"""


def _label_query(refs: Sequence[str]) -> str:
    predicates = " ".join(iri_ref(p) for p in LABEL_PREDICATES)
    return (
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {' '.join(refs)} }} "
        f"VALUES ?p {{ {predicates} }} ?s ?p ?o }}"
    )


def _neighbour_refs(iri: str, triples: Iterable[ox.Triple]) -> list[str]:
    refs: dict[str, None] = {}
    for triple in triples:
        for node in (triple.subject, triple.object):
            if isinstance(node, ox.NamedNode) and node.value != iri:
                try:
                    refs[iri_ref(node.value)] = None
                except ScholarKGError:
                    continue  # an IRI that cannot be written into SPARQL text: no name for it
    return list(refs)


def _sort_key(iri: str, triple: ox.Triple) -> tuple[int, str, str, str]:
    subject = triple.subject
    first = 0 if isinstance(subject, ox.NamedNode) and subject.value == iri else 1
    return (first, str(subject), str(triple.predicate), str(triple.object))


def describe(pool: WorkerPool, iri: str) -> Description:
    """The description of ``iri`` (two worker round trips); raises ScholarKGError for an IRI
    unfit for SPARQL text."""
    core = pool.run(QueryJob(_core_query(iri_ref(iri)), graph_format=TERMS)).triples
    found: dict[ox.Triple, None] = dict.fromkeys(core)
    refs = _neighbour_refs(iri, core)
    chunks = [_label_query(refs[i : i + _LABEL_CHUNK]) for i in range(0, len(refs), _LABEL_CHUNK)]
    for outcome in pool.select_many(chunks) if chunks else ():
        for subject, predicate, obj in outcome.rows:
            if (
                isinstance(subject, ox.NamedNode)
                and isinstance(predicate, ox.NamedNode)
                and isinstance(obj, ox.NamedNode | ox.BlankNode | ox.Literal)
            ):
                found.setdefault(ox.Triple(subject, predicate, obj), None)
    ordered = sorted(found, key=lambda t: _sort_key(iri, t))
    return Description(iri, tuple(ordered))


class NotRepresentableError(Exception):
    """The format asked for cannot carry the description; the message says why, in one line
    (as a query's answer that cannot be written says: :class:`JobFailure` "unrepresentable")."""


def serialize(description: Description, media_type: str, base: str) -> bytes:
    """The description in one of :data:`RDF_FORMATS`; JSON-LD compacted with the context.
    :class:`NotRepresentableError` for JSON-LD of a triple term and for RDF/XML that cannot
    carry it (:mod:`.xml_output`)."""
    if media_type == "application/ld+json":
        if any(isinstance(t.object, ox.Triple) for t in description.triples):
            raise NotRepresentableError(NO_TRIPLE_TERMS)
        return compact_bytes(description.triples, base)
    fmt = RDF_FORMATS[media_type]
    if fmt == ox.RdfFormat.RDF_XML:
        out = io.BytesIO()
        guard = XmlGuard(out, "RDF/XML", RDF_XML_INSTEAD)
        try:
            ox.serialize(
                xml_named(description.triples, PREFIXES), guard.target(), fmt, prefixes=PREFIXES
            )
        except NotXmlError as exc:
            raise NotRepresentableError(str(exc)) from None
        except Exception:
            if guard.refused is not None:
                raise NotRepresentableError(str(guard.refused)) from None
            raise
        return out.getvalue()
    prefixes = PREFIXES if fmt == ox.RdfFormat.TURTLE else None
    return ox.serialize(description.triples, format=fmt, prefixes=prefixes) or b""


def negotiate(accept: str | None, format_param: str | None) -> str | None:
    """The media type to answer with (``?format=`` wins); ValueError for an unknown format."""
    if format_param is not None:
        media = FORMAT_PARAM.get(format_param.lower())
        if media is None:
            raise ValueError(f"format={format_param!r}: choose one of {', '.join(FORMAT_PARAM)}")
        return media
    chosen = choose(accept, OFFERS)
    return ALIASES.get(chosen, chosen) if chosen is not None else None


def format_code(media: str) -> str:
    """The ``?format=`` value of a media type (for Content-Location)."""
    return {HTML: "html", "text/plain": "nt"}.get(media) or next(
        code for code, m in FORMAT_PARAM.items() if m == media
    )


def not_found(accept: str | None, message: str) -> Response:
    """404 as a page for browsers, as text otherwise."""
    headers = {"Vary": "Accept"}
    if prefers_html(accept):
        page = pages.error_page(404, "Not found", message)
        return Response(404, f"{HTML}; charset=utf-8", page.encode("utf-8"), headers)
    return text_response(404, message, **headers)


def minted_form(mapper: IriMapper, iri: str) -> str | None:
    """The IRI as the minter percent-encodes it, when that differs from ``iri``."""
    if "%" not in iri or mapper.path_for_iri(iri) is None:
        return None
    minted = mapper.iri_base + quote(unquote(iri[len(mapper.iri_base) :]), safe="/.-_~")
    return minted if minted != iri else None


_NON_ASCII_ESCAPES = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")


def iri_form(mapper: IriMapper, iri: str) -> str | None:
    """The IRI a request path stands for with its percent-escaped non-ASCII UTF-8 decoded (RFC
    3987 3.2: ``…/%C3%BC`` is ``…/ü``), when that differs from ``iri``: the path a browser sends
    for an IRI the store holds in Unicode (a page's link, a retired IRI's redirect)."""
    if "%" not in iri or mapper.path_for_iri(iri) is None:
        return None

    def decoded(run: re.Match[str]) -> str:
        try:
            return bytes.fromhex(run.group(0).replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            return run.group(0)

    unicode = _NON_ASCII_ESCAPES.sub(decoded, iri)
    return unicode if unicode != iri else None
