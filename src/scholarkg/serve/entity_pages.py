"""Pages built for reading: a person, a paper, an organisation, a group, a category.

Each takes the :class:`~scholarkg.serve.entities.Table` results of its queries (in the order
of the query tuples in :mod:`scholarkg.serve.entities`). Every value is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from itertools import groupby

from scholarkg.serve.charts import metric_charts
from scholarkg.serve.entities import Table, own_values, value
from scholarkg.serve.pages import layout

FOAF = "http://xmlns.com/foaf/0.1/"
SKG = "https://w3id.org/scholarkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
Href = Callable[[str], str]
PAPERS_SHOWN = 500


def _a(href: str, text: str) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>'


def _first(table: Table, predicate: str) -> str | None:
    found = own_values(table, predicate)
    return found[0].value if found else None


def _header(title: str, iri: str, kind: str, formats: str) -> str:
    return (
        f'<p class="kind">{escape(kind)}</p><h1>{escape(title)}</h1>'
        f'<p class="iri"><code>{escape(iri)}</code></p><p>Also as {formats}.</p>'
    )


def _year(issued: str | None) -> str:
    return issued[:4] if issued and issued[:4].isdigit() else "Undated"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], empty: str = "None.") -> str:
    if not rows:
        return f"<p>{escape(empty)}</p>"
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


@dataclass
class _PersonPaper:
    iri: str
    title: str = ""
    issued: str | None = None
    authors: str = "?"
    positions: list[int] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)


def _person_papers(tables: Sequence[Table]) -> tuple[list[_PersonPaper], dict[str, int], list[str]]:
    """Papers with their facets, the count of authorships per identity rule, affiliations."""
    pairs, titles, issued, facts, counts = tables
    papers: dict[str, _PersonPaper] = {}
    of_authorship: dict[str, _PersonPaper] = {}
    for row in pairs.rows:
        paper = papers.setdefault(
            value(row, "paper") or "", _PersonPaper(value(row, "paper") or "")
        )
        of_authorship[value(row, "a") or ""] = paper
    for row in titles.rows:
        if (p := papers.get(value(row, "paper") or "")) is not None:
            p.title = value(row, "title") or ""
    for row in issued.rows:
        if (p := papers.get(value(row, "paper") or "")) is not None:
            p.issued = value(row, "issued")
    for row in counts.rows:
        if (p := papers.get(value(row, "paper") or "")) is not None:
            p.authors = value(row, "authors") or "?"
    rules: dict[str, int] = {}
    affiliations: set[str] = set()
    for row in facts.rows:
        owner = of_authorship.get(value(row, "a") or "")
        name = (value(row, "p") or "").rpartition("#")[2]
        fact = value(row, "o") or ""
        if owner is None:
            continue
        paper = owner
        if name == "position" and fact.isdigit():
            paper.positions.append(int(fact))
        elif name == "affiliationAsListed":
            affiliations.add(fact)
        elif name in (
            "nameAsListed",
            "identityRule",
            "identityBasis",
            "identityScore",
            "identityEvidence",
        ):
            paper.facts.setdefault(name, fact)
            if name == "identityRule":
                rules[fact] = rules.get(fact, 0) + 1
    ordered = sorted(papers.values(), key=lambda p: p.title or p.iri)
    ordered.sort(key=lambda p: p.issued or "", reverse=True)
    return ordered, rules, sorted(affiliations)


def person_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, *paper_tables = tables[:6]
    coauthors, orgs, metrics, retired = tables[6:]
    papers, rules, affiliations = _person_papers(paper_tables)
    name = _first(own, FOAF + "name") or iri
    variants = sorted({t.value for t in own_values(own, SKG + "nameVariant")} - {name})
    parts = [_header(name, iri, "Person", formats)]
    if variants:
        parts.append(f"<p>Also written: {escape(', '.join(variants))}.</p>")
    parts.append(f"<h2>Papers ({len(papers)})</h2>")
    for year, group in groupby(papers[:PAPERS_SHOWN], key=lambda p: _year(p.issued)):
        rows = []
        for paper in group:
            where = (
                f"{min(paper.positions)} of {paper.authors}"
                if paper.positions
                else f"listed (et al.), of {paper.authors}"
            )
            rows.append(
                [
                    _a(href(paper.iri), paper.title or paper.iri),
                    escape(where),
                    escape(paper.facts.get("nameAsListed", "")),
                    escape(paper.facts.get("identityRule", "")),
                ]
            )
        parts.append(f"<h3>{escape(year)}</h3>")
        parts.append(_table(["Title", "Position", "Name as listed", "Identity rule"], rows))
    if len(papers) > PAPERS_SHOWN:
        parts.append(f"<p>The {PAPERS_SHOWN} newest are shown; query the rest in SPARQL.</p>")
    parts.append("<h2>Co-authors</h2>")
    parts.append(
        _table(
            ["Co-author", "Papers together"],
            [
                [
                    _a(href(value(r, "other") or ""), value(r, "name") or ""),
                    escape(value(r, "papers") or ""),
                ]
                for r in coauthors.rows
            ],
        )
    )
    parts.append("<h2>Organisations on their papers</h2>")
    parts.append(
        _table(
            ["Organisation", "Papers"],
            [
                [
                    _a(href(value(r, "org") or ""), value(r, "label") or value(r, "org") or ""),
                    escape(value(r, "papers") or ""),
                ]
                for r in orgs.rows
            ],
        )
    )
    if affiliations:
        parts.append(f"<p>Affiliations as listed: {escape(', '.join(affiliations))}.</p>")
    parts.append("<h2>Metrics</h2>")
    parts.append(_metrics(metrics))
    parts.append("<h2>How this identity was decided</h2>")
    parts.append(_identity(papers, rules, retired, own, href))
    return layout(name, "\n".join(parts))


def _metrics(metrics: Table) -> str:
    series: dict[str, list[tuple[str, float]]] = {}
    for row in metrics.rows:
        metric = (value(row, "metric") or "").rpartition("#")[2]
        try:
            number = float(value(row, "value") or "")
        except ValueError:
            continue
        series.setdefault(metric, []).append((value(row, "at") or "", number))
    if not series:
        return "<p>No metric observations.</p>"
    latest = [
        [escape(m), escape(f"{points[-1][1]:g}"), escape(points[-1][0][:10])]
        for m, points in sorted(series.items())
    ]
    return _table(["Metric", "Latest value", "Observed"], latest) + metric_charts(series)


def _identity(
    papers: list[_PersonPaper], rules: dict[str, int], retired: Table, own: Table, href: Href
) -> str:
    counts = ", ".join(f"{rule}: {n}" for rule, n in sorted(rules.items(), key=lambda i: -i[1]))
    out = [f"<p>Authorships linked to this person, by rule: {escape(counts) or 'none'}.</p>"]
    rows = []
    for paper in papers[:PAPERS_SHOWN]:
        basis, evidence = paper.facts.get("identityBasis"), paper.facts.get("identityEvidence")
        if not (basis or evidence):
            continue
        shown = _a(href(evidence), evidence.rsplit("/id/", 1)[-1]) if evidence else ""
        rows.append(
            [
                _a(href(paper.iri), paper.title or paper.iri),
                escape(paper.facts.get("identityRule", "")),
                escape(paper.facts.get("identityScore", "")),
                escape(basis or ""),
                shown,
            ]
        )
    out.append(_table(["Paper", "Rule", "Score", "Basis", "Evidence"], rows, "No evidence kept."))
    merged = retired.values("retired")
    if merged:
        links = ", ".join(_a(href(r), r) for r in merged)
        out.append(f"<p>Merged into this person (their IRIs redirect here): {links}.</p>")
    for other in own_values(own, SKG + "splitFrom"):
        out.append(f"<p>Split from {_a(href(other.value), other.value)}.</p>")
    return "\n".join(out)


def _source(graph: str) -> str:
    marker = graph.rsplit("/graph/", 1)[-1]
    kind, _, rest = marker.partition("/")
    return {"arxiv": "arXiv", "profile": f"profile {rest}"}.get(kind, marker)


def paper_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, authors, listed, versions, categories, resolutions, orgs = tables
    title = _first(own, DCTERMS + "title") or iri
    parts = [_header(title, iri, "Paper", formats)]
    facts = []
    if issued := _first(own, DCTERMS + "issued"):
        facts.append(f"first dated {escape(issued)}")
    if arxiv := _first(own, SKG + "arxivId"):
        facts.append(_a(f"https://arxiv.org/abs/{arxiv}", f"arXiv:{arxiv}"))
    for doi in sorted(
        {t.value for t in own_values(own, SKG + "doi")}
        | {t.value for t in own_values(own, SKG + "arxivDoi")}
    ):
        facts.append(_a(f"https://doi.org/{doi}", f"doi:{doi}"))
    if _first(own, SKG + "hasCode") == "true":
        facts.append("code released")
    parts.append(f"<p>{' · '.join(facts)}</p>" if facts else "")
    if abstract := _first(own, DCTERMS + "abstract"):
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
        who = (
            _a(href(agent), shown) + (" (group)" if value(row, "isGroup") else "") if agent else ""
        )
        rows.append(
            [
                escape(value(row, "position") or "–"),
                who,
                escape("; ".join(sorted(names.get(value(row, "a") or "", [])))),
                escape(value(row, "affiliation") or ""),
                escape(value(row, "rule") or ""),
            ]
        )
    truncated = _first(own, SKG + "listedAuthorsTruncated") == "true"
    parts.append(
        "<h2>Authors</h2>"
        + ("<p>A source lists only the first authors (et al.).</p>" if truncated else "")
    )
    parts.append(_table(["#", "Author", "Names as listed", "Affiliation", "Identity rule"], rows))
    parts.append("<h2>Versions</h2>")
    parts.append(
        _table(
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
    primary = _first(own, SKG + "primaryCategory")
    parts.append("<h2>Categories</h2>")
    parts.append(
        _table(
            ["Category", "Name", ""],
            [
                [
                    _a(href(value(r, "c") or ""), value(r, "notation") or value(r, "c") or ""),
                    escape(value(r, "label") or ""),
                    "primary" if value(r, "c") == primary else "",
                ]
                for r in categories.rows
            ],
        )
    )
    if orgs.rows:
        links = ", ".join(
            _a(href(value(r, "org") or ""), value(r, "label") or "") for r in orgs.rows
        )
        parts.append(f"<h2>Organisations</h2><p>{links}</p>")
    parts.append("<h2>Resolution evidence</h2>")
    parts.append(
        _table(
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
        parts.append("<p>Same as: " + ", ".join(_a(s, s) for s in sorted(same)) + "</p>")
    return layout(title, "\n".join(parts))


def _paper_list(papers: Table, href: Href) -> str:
    out = []
    for year, group in groupby(papers.rows, key=lambda r: _year(value(r, "issued"))):
        items = "".join(
            f"<li>{_a(href(value(r, 'paper') or ''), value(r, 'title') or '')}</li>" for r in group
        )
        out.append(f"<h3>{escape(year)}</h3><ul>{items}</ul>")
    return "".join(out) or "<p>None.</p>"


def organisation_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, papers, people = tables
    name = _first(own, SKOS + "prefLabel") or _first(
        own, "http://www.w3.org/2000/01/rdf-schema#label"
    )
    parts = [_header(name or iri, iri, "Organisation", formats)]
    alt = sorted({t.value for t in own_values(own, SKOS + "altLabel")})
    if alt:
        parts.append(f"<p>Also written: {escape(', '.join(alt))}.</p>")
    parts.append("<h2>People on its papers</h2>")
    parts.append(
        _table(
            ["Person", "Papers"],
            [
                [
                    _a(href(value(r, "person") or ""), value(r, "name") or ""),
                    escape(value(r, "papers") or ""),
                ]
                for r in people.rows
            ],
        )
    )
    parts.append(f"<h2>Papers ({len(papers.rows)})</h2>{_paper_list(papers, href)}")
    return layout(name or iri, "\n".join(parts))


def group_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, papers = tables
    name = _first(own, FOAF + "name") or iri
    parts = [_header(name, iri, "Group (not a person)", formats)]
    parts.append(f"<h2>Papers ({len(papers.rows)})</h2>{_paper_list(papers, href)}")
    return layout(name, "\n".join(parts))


def category_page(iri: str, tables: Sequence[Table], href: Href, formats: str) -> str:
    own, years, newest, people = tables
    label = _first(own, SKOS + "prefLabel") or iri
    notation = _first(own, SKOS + "notation")
    title = f"{notation} — {label}" if notation else label
    parts = [_header(title, iri, "Category", formats)]
    parts.append("<h2>Papers per year</h2>")
    parts.append(
        _table(
            ["Year", "Papers"],
            [
                [escape(value(r, "year") or ""), escape(value(r, "papers") or "")]
                for r in years.rows
            ],
        )
    )
    parts.append("<h2>Most prolific people</h2>")
    parts.append(
        _table(
            ["Person", "Papers"],
            [
                [
                    _a(href(value(r, "person") or ""), value(r, "name") or ""),
                    escape(value(r, "papers") or ""),
                ]
                for r in people.rows
            ],
        )
    )
    parts.append(f"<h2>Newest papers</h2>{_paper_list(newest, href)}")
    return layout(title, "\n".join(parts))
