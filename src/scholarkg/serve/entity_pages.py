"""Pages built for reading: a paper, an organisation, a group, a category (the person page
is :mod:`scholarkg.serve.person_page`).

Each takes the :class:`~scholarkg.serve.entities.Table` results of its queries (in the order
of the query tuples in :mod:`scholarkg.serve.entities`). Every value is escaped, and each value
from the store isolated (:mod:`scholarkg.serve.bidi`).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import groupby

from scholarkg.iris import doi_iri
from scholarkg.serve.bidi import isolated, isolated_plain
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
    parts = [header(isolated(title), iri, "Paper", formats)]
    facts = []
    if issued := first_value(own, DCTERMS + "issued"):
        facts.append(f"first dated {isolated(issued)}")
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
        parts.append(f'<p class="v">{isolated(abstract)}</p>')
    names: dict[str, list[tuple[str, str]]] = {}
    for row in listed.rows:
        names.setdefault(value(row, "a") or "", []).append(
            (value(row, "listed") or "", _source(value(row, "g") or ""))
        )
    rows = []
    for row in authors.rows:
        agent = value(row, "author")
        shown = value(row, "authorName") or (agent or "")
        who = link(href(agent), shown) + (" (group)" if "isGroup" in row else "") if agent else ""
        rows.append(
            [
                isolated(value(row, "position") or "–"),
                who,
                _listed(names.get(value(row, "a") or "", [])),
                isolated(value(row, "affiliation") or ""),
                isolated(value(row, "rule") or ""),
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
                    isolated(value(r, "number") or ""),
                    isolated(value(r, "date") or ""),
                    isolated(value(r, "title") or ""),
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
                    isolated(value(r, "label") or ""),
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
                    isolated(value(r, k) or "")
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
    return layout(isolated_plain(title), "\n".join(parts))


def _listed(names: list[tuple[str, str]]) -> str:
    """The names a paper's sources list for one author, each with its source."""
    ordered = sorted(names, key=lambda n: f"{n[0]} ({n[1]})")
    return "; ".join(f"{isolated(name)} ({escape(source)})" for name, source in ordered)


def _paper_list(papers: Table, href: Href) -> str:
    out = []
    by_year = groupby(papers.rows, key=lambda r: year_of(value(r, "issued")))
    for year, group in by_year:
        items = "".join(
            f"<li>{link(href(value(r, 'paper') or ''), value(r, 'title') or '')}</li>"
            for r in group
        )
        out.append(f"<h3>{isolated(year)}</h3><ul>{items}</ul>")
    return "".join(out) or "<p>None.</p>"


def organisation_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, papers, people = tables
    name = first_value(own, SKOS + "prefLabel") or first_value(
        own, "http://www.w3.org/2000/01/rdf-schema#label"
    )
    parts = [header(isolated(name or iri), iri, "Organisation", formats)]
    alt = sorted({t.value for t in own_values(own, SKOS + "altLabel")})
    if alt:
        parts.append(f"<p>Also written: {', '.join(map(isolated, alt))}.</p>")
    parts.append("<h2>People on its papers</h2>")
    parts.append(people_table(people, href, ["Person", "Papers"]))
    parts.append(f"<h2>Papers ({len(papers.rows)})</h2>{_paper_list(papers, href)}")
    return layout(isolated_plain(name or iri), "\n".join(parts))


def group_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, papers = tables
    name = first_value(own, FOAF + "name") or iri
    parts = [header(isolated(name), iri, "Group (not a person)", formats)]
    parts.append(f"<h2>Papers ({len(papers.rows)})</h2>{_paper_list(papers, href)}")
    return layout(isolated_plain(name), "\n".join(parts))


def category_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, years, newest, people = tables
    label = first_value(own, SKOS + "prefLabel") or iri
    notation = first_value(own, SKOS + "notation")
    names = (notation, label) if notation else (label,)
    parts = [header(" — ".join(map(isolated, names)), iri, "Category", formats)]
    parts.append("<h2>Papers per year</h2>")
    parts.append(
        table(
            ["Year", "Papers"],
            [
                [isolated(value(r, "year") or ""), escape(value(r, "papers") or "")]
                for r in years.rows
            ],
        )
    )
    parts.append("<h2>Most prolific people</h2>")
    parts.append(people_table(people, href, ["Person", "Papers"]))
    parts.append(f"<h2>Newest papers</h2>{_paper_list(newest, href)}")
    return layout(" — ".join(map(isolated_plain, names)), "\n".join(parts))
