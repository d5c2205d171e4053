"""HTML pages: layout, landing page, search page and error pages (no external assets); a
resource's page is :mod:`.resource_page`'s.

Every value written into a page goes through :func:`html.escape`, and every value from the
sources also through :func:`.bidi.isolated` (its direction can not reach the page around it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from urllib.parse import quote

from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from scholarkg.iris import BIDO, CATEGORY, FABIO, ORG, PRO, SCHEMA, SKG
from scholarkg.query import SavedQuery
from scholarkg.serve.bidi import CSS as BIDI_CSS
from scholarkg.serve.bidi import controls_shown, isolated, isolated_plain

_TYPED_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # HTML forbids them

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
form.link{display:inline}form.link button{background:none;border:0;padding:0;font:inherit;
color:#0645ad;text-decoration:underline;cursor:pointer}
"""
STYLE += BIDI_CSS


def layout(title: str, body: str, *, head: str = "", data: dict[str, str] | None = None) -> str:
    """A complete page: ``title`` and ``data`` (``data-*`` attributes of ``body``) are escaped
    here (a title from the sources comes through :func:`.bidi.isolated_plain`); ``body`` and
    ``head`` must be HTML already."""
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
    """An error's page; the message, which names what was asked, with its bidi controls drawn
    as marks (:func:`.bidi.controls_shown`): none acts on the page's own words after it."""
    body = f'<h1>{status} {escape(title)}</h1><p class="error">{controls_shown(message)}</p>'
    return layout(f"{status} {title}", body)


def compact(iri: str) -> str:
    """``prefix:local`` for IRIs in a known namespace, the IRI itself otherwise."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def landing_page(
    counts: dict[str, int],
    people: Sequence[tuple[str, Sequence[str], int]],
    categories: Sequence[tuple[str, Sequence[str], int]],
    years: Sequence[tuple[str, int]],
    saved: Sequence[SavedQuery],
) -> str:
    """The home page: ``people`` and ``categories`` are (href, name, number of papers), a name
    in parts from the sources (a category's notation and label) shown " — " apart."""
    facts = ", ".join(f"{value} {escape(name)}" for name, value in counts.items())

    def items(entries: Sequence[tuple[str, Sequence[str], int]]) -> str:
        return "".join(
            f'<li><a href="{escape(href)}">{" — ".join(map(isolated, name))}</a> — {count} paper'
            f"{'s' if count != 1 else ''}</li>"
            for href, name, count in entries
        )

    saved_items = "".join(
        f'<li><a href="/sparql?saved={quote(q.name)}">{escape(q.name)}</a>: '
        f"{escape(q.description)}</li>"
        for q in saved
    )
    year_rows = "".join(f"<tr><td>{isolated(y)}</td><td>{n}</td></tr>" for y, n in years)
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
    """Results of a search: ``hits`` are (href, label, kind). A control character typed (a NUL,
    which HTML forbids) is shown as U+FFFD in the title and the search field."""
    text = _TYPED_CONTROL.sub("\ufffd", text)
    items = "".join(
        f'<li><a href="{escape(href)}">{isolated(label)}</a><span>{escape(kind)}</span></li>'
        for href, label, kind in hits
    )
    found = f"{len(hits)} result{'s' if len(hits) != 1 else ''}" if text else ""
    body = f"""<h1>Search</h1>
<form action="/search" method="get" role="search"><input type="search" name="q"
 value="{escape(text)}" aria-label="Search names and titles"><button type="submit">Search</button>
</form><p>{found}</p><ul class="hits">{items}</ul>"""
    return layout(f"Search: {isolated_plain(text)}" if text else "Search", body)
