"""HTML pages: layout, landing page, resource pages and error pages (no external assets).

Every value written into a page goes through :func:`html.escape`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from scholarkg.iris import BIDO, CATEGORY, FABIO, ORG, PRO, SCHEMA, SKG
from scholarkg.query import SavedQuery

# Prefixes used to abbreviate IRIs on pages and in Turtle / RDF/XML output.
PREFIXES = {
    "skg": str(SKG),
    "cat": str(CATEGORY),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "foaf": str(FOAF),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "fabio": str(FABIO),
    "pro": str(PRO),
    "bido": str(BIDO),
    "org": str(ORG),
}
# The properties that name a resource, most preferred first.
LABEL_PREDICATES = (str(FOAF.name), str(DCTERMS.title), str(RDFS.label), str(SKOS.prefLabel))
_PLAIN_TYPES = {str(XSD.string), str(RDF.langString)}
_LINK_SCHEMES = ("http://", "https://")

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:70rem;padding:0 1rem;
color:#222;line-height:1.4}
a{color:#0645ad}nav a{margin-right:1rem}h1{margin-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.p{width:14rem;white-space:nowrap}
.v{white-space:pre-wrap}.meta{color:#777;font-size:.85em;margin-left:.4em}
code,textarea{font-family:ui-monospace,monospace}.iri{color:#555;word-break:break-all}
textarea{width:100%;box-sizing:border-box}pre{background:#f6f6f6;padding:.5rem;overflow:auto}
.error{color:#a00;white-space:pre-wrap}.kind{color:#777;margin:0;text-transform:uppercase;
font-size:.8em;letter-spacing:.05em}nav{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
nav form{margin-left:auto}nav input{width:16rem}.charts{display:flex;flex-wrap:wrap;gap:1rem}
figure.chart{margin:0}figcaption{font-size:.85em;color:#555}.panel{background:#f6f6f6;
padding:.5rem 1rem;margin-bottom:1rem}.param{display:inline-block;margin:.3rem 1rem .3rem 0}
.param input{width:22rem}ul.hits li span{color:#777;font-size:.85em;margin-left:.4rem}
"""


@dataclass(frozen=True)
class Links:
    """Where a page links an IRI: ``local`` gives the path of an instance IRI (or None)."""

    local: Callable[[str], str | None]
    describe_path: str = "/describe"


def layout(title: str, body: str, *, head: str = "", data: dict[str, str] | None = None) -> str:
    """A complete page: ``title`` and ``data`` (``data-*`` attributes of ``body``) are escaped
    here; ``body`` and ``head`` must be HTML already."""
    before, after = layout_parts(title, head=head, data=data)
    return before + body + after


def layout_parts(
    title: str, *, head: str = "", data: dict[str, str] | None = None
) -> tuple[str, str]:
    """What :func:`layout` puts before and after the body, for a page written in pieces."""
    attributes = "".join(f' data-{k}="{escape(v)}"' for k, v in (data or {}).items())
    before = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · scholarkg</title><style>{STYLE}</style>{head}</head>\n"
        f'<body{attributes}><nav><a href="/">Home</a><a href="/sparql">SPARQL query</a>'
        '<a href="/dumps/">Dumps</a><a href="/.well-known/void">VoID</a>'
        '<a href="/ontology">Ontology</a>'
        '<form action="/search" method="get" role="search"><input type="search" name="q" '
        'placeholder="Search people, papers, organisations" aria-label="Search">'
        '<button type="submit">Search</button></form></nav>\n'
    )
    return before, "\n</body></html>\n"


def error_page(status: int, title: str, message: str) -> str:
    body = f'<h1>{status} {escape(title)}</h1><p class="error">{escape(message)}</p>'
    return layout(f"{status} {title}", body)


def compact(iri: str) -> str:
    """``prefix:local`` for IRIs in a known namespace, the IRI itself otherwise."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


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
        shown = escape(text if text is not None else self.text(iri))
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
            return f'<span class="v">{escape(node.value)}</span>{meta}'
        return escape(str(node))

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
        f"<h1>{escape(title)}</h1>",
        f'<p class="iri"><code>{escape(iri)}</code></p>',
        f"<p>Also as {formats}.</p>",
        render.table([t for t in triples if t.subject == node]),
    ]
    if order:
        body.append("<h2>Parts</h2>")
    for key in order:
        heading = key[len(iri) + 1 :] if key.startswith(iri + "/") else key
        body.append(f'<h3 id="{render.anchors[key]}">{escape(heading)}</h3>')
        body.append(render.table(parts[key]))
    body.append(_incoming(iri, triples, render))
    alternates = "".join(
        f'<link rel="alternate" type="{media}" href="{escape(format_url(code))}">'
        for code, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"))
    )
    return layout(title, "\n".join(body), head=alternates)


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


def landing_page(
    counts: dict[str, int],
    people: Sequence[tuple[str, str, int]],
    categories: Sequence[tuple[str, str, int]],
    years: Sequence[tuple[str, int]],
    saved: Sequence[SavedQuery],
) -> str:
    """The home page: ``people`` and ``categories`` are (href, name, number of papers)."""
    facts = ", ".join(f"{value} {escape(name)}" for name, value in counts.items())

    def items(entries: Sequence[tuple[str, str, int]]) -> str:
        return "".join(
            f'<li><a href="{escape(href)}">{escape(name)}</a> — {count} paper'
            f"{'s' if count != 1 else ''}</li>"
            for href, name, count in entries
        )

    saved_items = "".join(
        f'<li><a href="/sparql?saved={quote(q.name)}">{escape(q.name)}</a>: '
        f"{escape(q.description)}</li>"
        for q in saved
    )
    year_rows = "".join(f"<tr><td>{escape(y)}</td><td>{n}</td></tr>" for y, n in years)
    body = f"""<h1>scholarkg knowledge graph</h1>
<p>{facts}.</p>
<form action="/search" method="get" role="search"><input type="search" name="q"
 placeholder="A name or a title" aria-label="Search names and titles">
<button type="submit">Search</button></form>
<p><a href="/sparql">Query the graph with SPARQL</a> (endpoint <code>/sparql</code>,
SPARQL 1.1 Protocol; queries run over the union of the named graphs). For integrators:
<a href="/.well-known/void">VoID description</a>, <a href="/dumps/">dumps</a>,
<a href="/context.jsonld">JSON-LD context</a>.</p>
<h2>People with the most papers</h2><ul>{items(people) or "<li>None yet.</li>"}</ul>
<h2>Largest categories</h2><ul>{items(categories) or "<li>None yet.</li>"}</ul>
<h2>Papers per year</h2><table><tr><th>Year</th><th>Papers</th></tr>{year_rows}</table>
<h2>Saved queries</h2><ul>{saved_items or "<li>None.</li>"}</ul>"""
    return layout("Home", body)


def search_page(text: str, hits: Sequence[tuple[str, str, str]]) -> str:
    """Results of a search: ``hits`` are (href, label, kind)."""
    items = "".join(
        f'<li><a href="{escape(href)}">{escape(label)}</a><span>{escape(kind)}</span></li>'
        for href, label, kind in hits
    )
    found = f"{len(hits)} result{'s' if len(hits) != 1 else ''}" if text else ""
    body = f"""<h1>Search</h1>
<form action="/search" method="get" role="search"><input type="search" name="q"
 value="{escape(text)}" aria-label="Search names and titles"><button type="submit">Search</button>
</form><p>{found}</p><ul class="hits">{items}</ul>"""
    return layout(f"Search: {text}" if text else "Search", body)
