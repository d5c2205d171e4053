"""Pieces shared by the entity pages: links, headers, tables, years (every value escaped, every
value from the sources isolated: :mod:`scholarkg.serve.bidi`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from scholarkg.serve.bidi import isolated
from scholarkg.serve.entities import Table, own_values, value

FOAF = "http://xmlns.com/foaf/0.1/"
SKG = "https://w3id.org/scholarkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
Href = Callable[[str], str]
PAPERS_SHOWN = 500


def link(href: str, text: str) -> str:
    """A link whose text is a value from the sources."""
    return f'<a href="{escape(href)}">{isolated(text)}</a>'


def first_value(table: Table, predicate: str) -> str | None:
    found = own_values(table, predicate)
    return found[0].value if found else None


def header(title: str, iri: str, kind: str, formats: str) -> str:
    """The top of a page: ``title`` and ``formats`` are HTML already."""
    return (
        f'<p class="kind">{escape(kind)}</p><h1>{title}</h1>'
        f'<p class="iri"><code>{isolated(iri)}</code></p><p>Also as {formats}.</p>'
    )


def year_of(issued: str | None) -> str:
    return issued[:4] if issued and issued[:4].isdigit() else "Undated"


def table(head: Sequence[str], rows: Sequence[Sequence[str]], empty: str = "None.") -> str:
    if not rows:
        return f"<p>{escape(empty)}</p>"
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


def people_table(
    rows: Table, href: Href, head: Sequence[str], person: str = "person", name: str = "name"
) -> str:
    """A table of linked people and a count (``papers``) per row."""
    return table(
        head,
        [
            [
                link(href(value(r, person) or ""), value(r, name) or ""),
                escape(value(r, "papers") or ""),
            ]
            for r in rows.rows
        ],
    )
