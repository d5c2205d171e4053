"""The readable page of one resource description (see :mod:`scholarkg.serve.linked_data`):
its own properties, its parts (the nodes it owns, in position order) and its incoming links.

Every value written into the page goes through :func:`html.escape`; names, literals and IRIs
shown as text are isolated (:func:`.bidi.isolated`). An IRI's ``title`` attribute holds it
exactly: its tooltip shows that value alone, with no page text for its direction to reach.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

import pyoxigraph as ox
from rdflib.namespace import RDF, XSD

from scholarkg.iris import SKG
from scholarkg.serve.bidi import isolated, isolated_plain
from scholarkg.serve.pages import LABEL_PREDICATES, compact, layout

_PLAIN_TYPES = {str(XSD.string), str(RDF.langString)}
_LINK_SCHEMES = ("http://", "https://")


@dataclass(frozen=True)
class Links:
    """Where a page links an IRI: ``local`` gives the path of an instance IRI (or None)."""

    local: Callable[[str], str | None]
    describe_path: str = "/describe"


def _key(node: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    return node.value if isinstance(node, ox.NamedNode) else str(node)


def label_map(triples: Sequence[ox.Triple]) -> dict[str, str]:
    """The preferred name of every subject that has one (English or untagged first)."""
    ranked: dict[str, tuple[int, int, str]] = {}
    for t in triples:
        predicate = t.predicate.value
        if predicate not in LABEL_PREDICATES or not isinstance(t.object, ox.Literal):
            continue
        lang = t.object.language
        rank = (LABEL_PREDICATES.index(predicate), 0 if lang in (None, "en") else 1)
        key = _key(t.subject)
        if key not in ranked or rank < ranked[key][:2]:
            ranked[key] = (*rank, t.object.value)
    return {key: value[2] for key, value in ranked.items()}


class _Renderer:
    """Renders the terms of one description, knowing its names and in-page anchors."""

    def __init__(self, iri: str, triples: Sequence[ox.Triple], links: Links) -> None:
        self.subject = iri
        self.links = links
        self.labels = label_map(triples)
        self.known = {_key(t.subject) for t in triples}
        self.anchors: dict[str, str] = {}

    def href(self, iri: str) -> str | None:
        if iri in self.anchors:
            return "#" + self.anchors[iri]
        local = self.links.local(iri)
        if local is not None:
            return local
        if iri in self.known:
            return f"{self.links.describe_path}?iri={quote(iri, safe='')}"
        return iri if iri.startswith(_LINK_SCHEMES) else None

    def text(self, iri: str) -> str:
        """The name of ``iri``; for unnamed parts of the subject, the rest of their IRI."""
        if iri not in self.labels and iri.startswith(self.subject + "/"):
            return iri[len(self.subject) + 1 :]
        return self.labels.get(iri) or self.links.local(iri) or compact(iri)

    def iri(self, iri: str, text: str | None = None) -> str:
        shown = isolated(text if text is not None else self.text(iri))
        href = self.href(iri)
        if href is None:
            return f'<span title="{escape(iri)}">{shown}</span>'
        return f'<a href="{escape(href)}" title="{escape(iri)}">{shown}</a>'

    def term(self, node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
        if isinstance(node, ox.NamedNode):
            return self.iri(node.value)
        if isinstance(node, ox.BlankNode):
            anchor = self.anchors.get(str(node))
            text = escape(str(node))
            return f'<a href="#{escape(anchor)}">{text}</a>' if anchor else text
        if isinstance(node, ox.Literal):
            meta = ""
            if node.language:
                meta = f'<span class="meta">@{escape(node.language)}</span>'
            elif node.datatype.value not in _PLAIN_TYPES:
                meta = f'<span class="meta">{escape(compact(node.datatype.value))}</span>'
            return f'<span class="v">{isolated(node.value)}</span>{meta}'
        return isolated(str(node))

    def table(self, triples: Sequence[ox.Triple]) -> str:
        """A property/values table; rdf:type first, then by property."""
        grouped: dict[str, list[str]] = {}
        for t in sorted(triples, key=lambda t: (t.predicate.value != str(RDF.type), str(t))):
            grouped.setdefault(t.predicate.value, []).append(self.term(t.object))
        rows = "".join(
            f'<tr><td class="p">{self.iri(p, compact(p))}</td><td>{"<br>".join(vs)}</td></tr>'
            for p, vs in grouped.items()
        )
        return f"<table><tr><th>Property</th><th>Value</th></tr>{rows}</table>"


def _owned(iri: str, node: ox.NamedNode | ox.BlankNode | ox.Triple) -> bool:
    if isinstance(node, ox.BlankNode):
        return True
    return isinstance(node, ox.NamedNode) and node.value.startswith(iri + "/")


def _position(triples: Sequence[ox.Triple]) -> int:
    for t in triples:
        if t.predicate.value == str(SKG.position) and isinstance(t.object, ox.Literal):
            try:
                return int(t.object.value)
            except ValueError:
                break
    return 1 << 30


def resource_page(
    iri: str, triples: Sequence[ox.Triple], links: Links, *, format_url: Callable[[str], str]
) -> str:
    """The readable page of one resource description (see :mod:`scholarkg.serve.linked_data`)."""
    node = ox.NamedNode(iri)
    render = _Renderer(iri, triples, links)
    parts: dict[str, list[ox.Triple]] = {}
    for t in triples:
        if t.subject != node and _owned(iri, t.subject):
            parts.setdefault(_key(t.subject), []).append(t)
    order = sorted(parts, key=lambda key: (_position(parts[key]), key))
    for number, key in enumerate(order, start=1):
        render.anchors[key] = f"part-{number}"
    title = render.labels.get(iri) or links.local(iri) or compact(iri)
    formats = " · ".join(
        f'<a href="{escape(format_url(code))}">{name}</a>'
        for code, name in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))
    )
    body = [
        f"<h1>{isolated(title)}</h1>",
        f'<p class="iri"><code>{isolated(iri)}</code></p>',
        f"<p>Also as {formats}.</p>",
        render.table([t for t in triples if t.subject == node]),
    ]
    if order:
        body.append("<h2>Parts</h2>")
    for key in order:
        heading = key[len(iri) + 1 :] if key.startswith(iri + "/") else key
        body.append(f'<h3 id="{render.anchors[key]}">{isolated(heading)}</h3>')
        body.append(render.table(parts[key]))
    body.append(_incoming(iri, triples, render))
    alternates = "".join(
        f'<link rel="alternate" type="{media}" href="{escape(format_url(code))}">'
        for code, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"))
    )
    return layout(isolated_plain(title), "\n".join(body), head=alternates)


def _incoming(iri: str, triples: Sequence[ox.Triple], render: _Renderer) -> str:
    """Links to this resource, shown from the owner of the linking node when it has one."""
    node = ox.NamedNode(iri)
    owners: dict[str, tuple[str, str]] = {}
    for t in triples:
        s, o = t.subject, t.object
        if not (isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)) or s == node:
            continue
        if o.value.startswith(s.value + "/"):
            owners.setdefault(o.value, (s.value, t.predicate.value))
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    for t in triples:
        s = t.subject
        if t.object != node or s == node or _owned(iri, s) or not isinstance(s, ox.NamedNode):
            continue
        owner = owners.get(s.value)
        if owner is None:
            cells = (render.iri(s.value), render.iri(t.predicate.value, compact(t.predicate.value)))
            rows[(render.text(s.value), s.value)] = cells
            continue
        via = f"{compact(owner[1])} / {compact(t.predicate.value)}"
        cells = (render.iri(owner[0]), render.iri(s.value, via))
        rows[(render.text(owner[0]), owner[0])] = cells
    if not rows:
        return "<h2>Incoming links</h2><p>None.</p>"
    body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for _, (a, b) in sorted(rows.items()))
    return f"<h2>Incoming links</h2><table><tr><th>From</th><th>By</th></tr>{body}</table>"
