"""Pages built for reading: a paper, an organisation, a group, a category (the person page
is :mod:`scholarkg.serve.person_page`).

Each takes the :class:`~scholarkg.serve.entities.Table` results of its queries (in the order
of the query tuples in :mod:`scholarkg.serve.entities`). Every value is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import groupby

from scholarkg.iris import doi_iri
from scholarkg.serve.entities import Table, own_values, value
from scholarkg.serve.page_parts import (
    DCTERMS,
    FOAF,
    OWL,
    SKG,
    SKOS,
    Href,
    first_value,
    header,
    link,
    people_table,
    table,
    year_of,
)
from scholarkg.serve.pages import layout


def _source(graph: str) -> str:
    marker = graph.rsplit("/graph/", 1)[-1]
    kind, _, rest = marker.partition("/")
    return {"arxiv": "arXiv", "profile": f"profile {rest}"}.get(kind, marker)


def paper_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, authors, listed, versions, categories, resolutions, orgs = tables
    title = first_value(own, DCTERMS + "title") or iri
    parts = [header(title, iri, "Paper", formats)]
    facts = []
    if issued := first_value(own, DCTERMS + "issued"):
        facts.append(f"first dated {escape(issued)}")
    if arxiv := first_value(own, SKG + "arxivId"):
        facts.append(link(f"https://arxiv.org/abs/{arxiv}", f"arXiv:{arxiv}"))
    for doi in sorted(
        {t.value for t in own_values(own, SKG + "doi")}
        | {t.value for t in own_values(own, SKG + "arxivDoi")}
    ):
        facts.append(link(doi_iri(doi), f"doi:{doi}"))
    if first_value(own, SKG + "hasCode") == "true":
        facts.append("code released")
    parts.append(f"<p>{' · '.join(facts)}</p>" if facts else "")
    if abstract := first_value(own, DCTERMS + "abstract"):
        parts.append(f'<p class="v">{escape(abstract)}</p>')
    names: dict[str, list[str]] = {}
    for row in listed.rows:
        names.setdefault(value(row, "a") or "", []).append(
            f"{value(row, 'listed')} ({_source(value(row, 'g') or '')})"
        )
    rows = []
    for row in authors.rows:
        agent = value(row, "author")
        shown = value(row, "authorName") or (agent or "")
        who = link(href(agent), shown) + (" (group)" if "isGroup" in row else "") if agent else ""
        rows.append(
            [
                escape(value(row, "position") or "–"),
                who,
                escape("; ".join(sorted(names.get(value(row, "a") or "", [])))),
                escape(value(row, "affiliation") or ""),
                escape(value(row, "rule") or ""),
            ]
        )
    truncated = first_value(own, SKG + "listedAuthorsTruncated") == "true"
    parts.append(
        "<h2>Authors</h2>"
        + ("<p>A source lists only the first authors (et al.).</p>" if truncated else "")
    )
    parts.append(table(["#", "Author", "Names as listed", "Affiliation", "Identity rule"], rows))
    parts.append("<h2>Versions</h2>")
    parts.append(
        table(
            ["Version", "Date", "Title"],
            [
                [
                    escape(value(r, "number") or ""),
                    escape(value(r, "date") or ""),
                    escape(value(r, "title") or ""),
                ]
                for r in versions.rows
            ],
            "No versions recorded.",
        )
    )
    primary = first_value(own, SKG + "primaryCategory")
    parts.append("<h2>Categories</h2>")
    parts.append(
        table(
            ["Category", "Name", ""],
            [
                [
                    link(href(value(r, "c") or ""), value(r, "notation") or value(r, "c") or ""),
                    escape(value(r, "label") or ""),
                    "primary" if value(r, "c") == primary else "",
                ]
                for r in categories.rows
            ],
        )
    )
    if orgs.rows:
        links = ", ".join(
            link(href(value(r, "org") or ""), value(r, "label") or "") for r in orgs.rows
        )
        parts.append(f"<h2>Organisations</h2><p>{links}</p>")
    parts.append("<h2>Resolution evidence</h2>")
    parts.append(
        table(
            [
                "Listed title",
                "State",
                "From",
                "Score",
                "Title similarity",
                "Days apart",
                "Author agreement",
                "Candidates",
            ],
            [
                [
                    escape(value(r, k) or "")
                    for k in (
                        "titleAsListed",
                        "state",
                        "from",
                        "score",
                        "titleSimilarity",
                        "dateDistanceDays",
                        "authorAgreement",
                        "candidates",
                    )
                ]
                for r in resolutions.rows
            ],
            "No resolution recorded for this paper.",
        )
    )
    same = [t.value for t in own_values(own, OWL + "sameAs")]
    if same:
        parts.append("<p>Same as: " + ", ".join(link(s, s) for s in sorted(same)) + "</p>")
    return layout(title, "\n".join(parts))


def _paper_list(papers: Table, href: Href) -> str:
    out = []
    by_year = groupby(papers.rows, key=lambda r: year_of(value(r, "issued")))
    for year, group in by_year:
        items = "".join(
            f"<li>{link(href(value(r, 'paper') or ''), value(r, 'title') or '')}</li>"
            for r in group
        )
        out.append(f"<h3>{escape(year)}</h3><ul>{items}</ul>")
    return "".join(out) or "<p>None.</p>"


def organisation_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, papers, people = tables
    name = first_value(own, SKOS + "prefLabel") or first_value(
        own, "http://www.w3.org/2000/01/rdf-schema#label"
    )
    parts = [header(name or iri, iri, "Organisation", formats)]
    alt = sorted({t.value for t in own_values(own, SKOS + "altLabel")})
    if alt:
        parts.append(f"<p>Also written: {escape(', '.join(alt))}.</p>")
    parts.append("<h2>People on its papers</h2>")
    parts.append(people_table(people, href, ["Person", "Papers"]))
    parts.append(f"<h2>Papers ({len(papers.rows)})</h2>{_paper_list(papers, href)}")
    return layout(name or iri, "\n".join(parts))


def group_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, papers = tables
    name = first_value(own, FOAF + "name") or iri
    parts = [header(name, iri, "Group (not a person)", formats)]
    parts.append(f"<h2>Papers ({len(papers.rows)})</h2>{_paper_list(papers, href)}")
    return layout(name, "\n".join(parts))


def category_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, years, newest, people = tables
    label = first_value(own, SKOS + "prefLabel") or iri
    notation = first_value(own, SKOS + "notation")
    title = f"{notation} — {label}" if notation else label
    parts = [header(title, iri, "Category", formats)]
    parts.append("<h2>Papers per year</h2>")
    parts.append(
        table(
            ["Year", "Papers"],
            [
                [escape(value(r, "year") or ""), escape(value(r, "papers") or "")]
                for r in years.rows
            ],
        )
    )
    parts.append("<h2>Most prolific people</h2>")
    parts.append(people_table(people, href, ["Person", "Papers"]))
    parts.append(f"<h2>Newest papers</h2>{_paper_list(newest, href)}")
    return layout(title, "\n".join(parts))
