"""The person page: papers by year with positions, co-authors, organisations, metrics with a
chart of their history, and how the identity was decided (each value from the store isolated:
:mod:`scholarkg.serve.bidi`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from itertools import groupby

from scholarkg.serve.bidi import isolated, isolated_plain
from scholarkg.serve.charts import metric_charts
from scholarkg.serve.entities import Table, own_values, value
from scholarkg.serve.page_parts import (
    FOAF,
    PAPERS_SHOWN,
    SKG,
    Href,
    first_value,
    header,
    link,
    people_table,
    table,
    year_of,
)
from scholarkg.serve.pages import layout


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
    pairs, titles, issued, facts, authors = tables
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
    listed: dict[str, set[str]] = {}
    for row in authors.rows:
        listed.setdefault(value(row, "paper") or "", set()).add(value(row, "other") or "")
    for iri, paper in papers.items():
        paper.authors = str(len(listed.get(iri, ()))) or "?"
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
    name = first_value(own, FOAF + "name") or iri
    variants = sorted({t.value for t in own_values(own, SKG + "nameVariant")} - {name})
    parts = [header(isolated(name), iri, "Person", formats)]
    if variants:
        parts.append(f"<p>Also written: {', '.join(map(isolated, variants))}.</p>")
    parts.append(f"<h2>Papers ({len(papers)})</h2>")
    for year, group in groupby(papers[:PAPERS_SHOWN], key=lambda p: year_of(p.issued)):
        rows = []
        for paper in group:
            where = (
                f"{min(paper.positions)} of {paper.authors}"
                if paper.positions
                else f"listed (et al.), of {paper.authors}"
            )
            rows.append(
                [
                    link(href(paper.iri), paper.title or paper.iri),
                    escape(where),
                    isolated(paper.facts.get("nameAsListed", "")),
                    isolated(paper.facts.get("identityRule", "")),
                ]
            )
        parts.append(f"<h3>{isolated(year)}</h3>")
        parts.append(table(["Title", "Position", "Name as listed", "Identity rule"], rows))
    if len(papers) > PAPERS_SHOWN:
        parts.append(f"<p>The {PAPERS_SHOWN} newest are shown; query the rest in SPARQL.</p>")
    parts.append("<h2>Co-authors</h2>")
    parts.append(people_table(coauthors, href, ["Co-author", "Papers together"], person="other"))
    parts.append("<h2>Organisations on their papers</h2>")
    parts.append(
        table(
            ["Organisation", "Papers"],
            [
                [
                    link(href(value(r, "org") or ""), value(r, "label") or value(r, "org") or ""),
                    escape(value(r, "papers") or ""),
                ]
                for r in orgs.rows
            ],
        )
    )
    if affiliations:
        parts.append(f"<p>Affiliations as listed: {', '.join(map(isolated, affiliations))}.</p>")
    parts.append("<h2>Metrics</h2>")
    parts.append(_metrics(metrics))
    parts.append("<h2>How this identity was decided</h2>")
    parts.append(_identity(papers, rules, retired, own, href))
    return layout(isolated_plain(name), "\n".join(parts))


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
        [escape(m), escape(f"{points[-1][1]:g}"), isolated(points[-1][0][:10])]
        for m, points in sorted(series.items())
    ]
    return table(["Metric", "Latest value", "Observed"], latest) + metric_charts(series)


def _identity(
    papers: list[_PersonPaper], rules: dict[str, int], retired: Table, own: Table, href: Href
) -> str:
    ranked = sorted(rules.items(), key=lambda i: -i[1])
    counts = ", ".join(f"{isolated(rule)}: {n}" for rule, n in ranked)
    out = [f"<p>Authorships linked to this person, by rule: {counts or 'none'}.</p>"]
    rows = []
    for paper in papers[:PAPERS_SHOWN]:
        basis, evidence = paper.facts.get("identityBasis"), paper.facts.get("identityEvidence")
        if not (basis or evidence):
            continue
        shown = link(href(evidence), evidence.rsplit("/id/", 1)[-1]) if evidence else ""
        rows.append(
            [
                link(href(paper.iri), paper.title or paper.iri),
                isolated(paper.facts.get("identityRule", "")),
                isolated(paper.facts.get("identityScore", "")),
                isolated(basis or ""),
                shown,
            ]
        )
    out.append(table(["Paper", "Rule", "Score", "Basis", "Evidence"], rows, "No evidence kept."))
    merged = retired.values("retired")
    if merged:
        links = ", ".join(link(href(r), r) for r in merged)
        out.append(f"<p>Merged into this person (their IRIs redirect here): {links}.</p>")
    for other in own_values(own, SKG + "splitFrom"):
        out.append(f"<p>Split from {link(href(other.value), other.value)}.</p>")
    return "\n".join(out)
