"""A SYNTHETIC store in the graph model v2 for the serving benchmarks (nothing here is real).

N papers (arXiv-like ids ``91MM.NNNNN``, which no e-print can have) with 2-8 authorships each
drawn from 0.6 N people with a skewed distribution (the busiest person has thousands of
papers), 2 % of papers with a group author, 40 categories, versions, DOIs; 600 profile
researchers with profile graphs (organisations, resolutions in every state), three snapshots
each with five metrics; one identity graph per person (rule, score, basis, evidence); 1 % of
people with a retired IRI merged into them. Written as N-Quads and bulk-loaded.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from serve_vocabulary import CATEGORIES, WORDS, person_name

ID = "https://w3id.org/scholarkg/id/"
SKG = "https://w3id.org/scholarkg/ontology#"
CAT = "https://w3id.org/scholarkg/category/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
FOAF = "http://xmlns.com/foaf/0.1/"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PRO = "http://purl.org/spar/pro/"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RULES = ("same-position", "shared-coauthor", "first-seen", "profile-researcher")
METRICS = ("hIndex", "citationCount", "paperCount", "noveltyScore", "aiScore")


def lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typed(value: object, kind: str) -> str:
    return f'"{value}"^^<{XSD}{kind}>'


def generate(n_papers: int, seed: int = 11) -> Iterator[str]:
    """N-Quads lines of the synthetic store."""
    rng = random.Random(seed)
    n_people = max(10, int(n_papers * 0.6))
    n_profiles = min(600, n_people)
    authorships: dict[int, list[tuple[str, int, str]]] = {}
    profile_papers: dict[int, list[tuple[str, str, str, int]]] = {}
    q = "<{}> <{}> {} <{}> .\n".format
    graph_c = f"{ID}graph/categories"
    for cat in CATEGORIES:
        c = CAT + cat
        yield f"<{c}> {RDF_TYPE} <{SKOS}Concept> <{graph_c}> .\n"
        yield f"<{c}> {RDF_TYPE} <{SKG}Category> <{graph_c}> .\n"
        yield q(c, SKOS + "notation", lit(cat), graph_c)
        yield q(c, SKOS + "prefLabel", lit(f"Category {cat}") + "@en", graph_c)
    for i in range(n_papers):
        aid = f"91{(i // 100000) % 100:02d}.{i % 100000:05d}"
        paper, graph = f"{ID}paper/arxiv/{aid}", f"{ID}graph/arxiv/{aid}"
        year = 2010 + (i * 7919) % 16
        issued = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9))).capitalize()
        yield f"<{paper}> {RDF_TYPE} <{SKG}Paper> <{graph}> .\n"
        yield f"<{paper}> {RDF_TYPE} <http://purl.org/spar/fabio/Preprint> <{graph}> .\n"
        yield q(paper, SKG + "arxivId", lit(aid), graph)
        yield q(paper, DCT + "title", lit(f"{title} ({aid})"), graph)
        yield q(paper, DCT + "issued", typed(issued, "date"), graph)
        yield q(paper, SKG + "arxivDoi", lit(f"10.48550/arXiv.{aid}"), graph)
        cats = rng.sample(CATEGORIES[:12] if rng.random() < 0.7 else CATEGORIES, rng.randint(1, 3))
        yield f"<{paper}> <{SKG}primaryCategory> <{CAT}{cats[0]}> <{graph}> .\n"
        for cat in cats:
            yield f"<{paper}> <{SKG}category> <{CAT}{cat}> <{graph}> .\n"
        yield f"<{paper}> <{OWL}sameAs> <https://arxiv.org/abs/{aid}> <{graph}> .\n"
        for v in range(1, rng.randint(1, 3) + 1):
            version = f"{paper}/v{v}"
            yield f"<{paper}> <{DCT}hasVersion> <{version}> <{graph}> .\n"
            yield q(version, SKG + "versionNumber", typed(v, "integer"), graph)
        first = 1
        if rng.random() < 0.02:
            group = f"{ID}group/collaboration-{i % 20}"
            a = f"{paper}/authorship/1"
            yield f"<{paper}> <{SKG}hasAuthorship> <{a}> <{graph}> .\n"
            yield f"<{a}> <{SKG}author> <{group}> <{graph}> .\n"
            yield f"<{a}> <{SKG}position> {typed(1, 'integer')} <{graph}> .\n"
            yield f"<{group}> {RDF_TYPE} <{SKG}Group> <{graph}> .\n"
            yield q(group, FOAF + "name", lit(f"Synthetic Collaboration {i % 20}"), graph)
            first = 2
        chosen: set[int] = set()
        for position in range(first, first + rng.randint(2, 8)):
            person = int(n_people * rng.random() ** 2.2)
            if person in chosen:
                continue
            chosen.add(person)
            a = f"{paper}/authorship/{position}"
            yield f"<{paper}> <{SKG}hasAuthorship> <{a}> <{graph}> .\n"
            yield f"<{a}> {RDF_TYPE} <{SKG}Authorship> <{graph}> .\n"
            yield f"<{a}> <{PRO}withRole> <{PRO}author> <{graph}> .\n"
            yield f"<{a}> <{SKG}position> {typed(position, 'integer')} <{graph}> .\n"
            yield q(a, SKG + "nameAsListed", lit(person_name(person)), graph)
            authorships.setdefault(person, []).append((a, position, paper))
            if person < n_profiles and len(profile_papers.setdefault(person, [])) < 50:
                profile_papers[person].append((paper, f"{title} ({aid})", issued, position))
    for person, papers in profile_papers.items():
        yield from _profile(rng, person, papers)
    for person in range(n_people):
        yield from _identity(rng, person, authorships.get(person, []), person < n_profiles)


def _profile(
    rng: random.Random, person: int, papers: list[tuple[str, str, str, int]]
) -> Iterator[str]:
    slug = f"profile-{person}"
    graph = f"{ID}graph/profile/{slug}"
    q = "<{}> <{}> {} <{}> .\n".format
    for k, (paper, title, issued, position) in enumerate(papers):
        yield f"<{paper}> {RDF_TYPE} <{SKG}Paper> <{graph}> .\n"
        yield q(paper, DCT + "title", lit(title), graph)
        yield q(paper, DCT + "issued", typed(issued, "date"), graph)
        org = f"{ID}organization/org-{(person * 7 + k) % 300}"
        yield f"<{paper}> <{SKG}organization> <{org}> <{graph}> .\n"
        yield f"<{org}> {RDF_TYPE} <{SKG}Organization> <{graph}> .\n"
        yield q(org, SKOS + "prefLabel", lit(f"Organisation {(person * 7 + k) % 300}"), graph)
        yield q(org, RDFS + "label", lit(f"Organisation {(person * 7 + k) % 300}"), graph)
        a = f"{paper}/authorship/{position}"
        yield f"<{paper}> <{SKG}hasAuthorship> <{a}> <{graph}> .\n"
        yield q(a, SKG + "nameAsListed", lit(person_name(person)), graph)
        resolution = f"{ID}profile/{slug}/resolution/{k:016x}"
        state = "resolved" if k % 10 else rng.choice(("unresolved", "ambiguous", "overridden"))
        yield f"<{resolution}> {RDF_TYPE} <{SKG}Resolution> <{graph}> .\n"
        yield f"<{resolution}> <{SKG}resolvedPaper> <{paper}> <{graph}> .\n"
        yield q(resolution, SKG + "resolutionState", lit(state), graph)
        yield q(resolution, SKG + "titleAsListed", lit(title), graph)
        if state == "resolved":
            yield q(resolution, SKG + "score", typed("0.95", "decimal"), graph)
    for s in range(3):
        snapshot = f"{ID}profile/{slug}/snapshot/{s:016x}"
        sgraph = f"{ID}graph/profile/{slug}/snapshot/{s:016x}"
        at = typed(f"2026-0{1 + 2 * s}-10T10:00:00+00:00", "dateTime")
        yield f"<{snapshot}> {RDF_TYPE} <{SKG}ProfileSnapshot> <{sgraph}> .\n"
        for m, metric in enumerate(METRICS):
            obs = f"{snapshot}/{metric}"
            yield f"<{obs}> {RDF_TYPE} <{SKG}MetricObservation> <{sgraph}> .\n"
            yield f"<{obs}> <{SKG}metric> <{SKG}{metric}> <{sgraph}> .\n"
            yield q(obs, SKG + "value", typed(10 * (m + 1) + s * 3 + person % 7, "integer"), sgraph)
            yield q(obs, SKG + "observedAt", at, sgraph)


def _identity(
    rng: random.Random, person: int, links: list[tuple[str, int, str]], profiled: bool
) -> Iterator[str]:
    iri = f"{ID}person/p{person}"
    graph = f"{ID}graph/person/p{person}"
    name = person_name(person)
    q = "<{}> <{}> {} <{}> .\n".format
    yield f"<{iri}> {RDF_TYPE} <{SKG}Person> <{graph}> .\n"
    yield q(iri, FOAF + "name", lit(name), graph)
    yield q(iri, SKG + "nameVariant", lit(name), graph)
    yield q(iri, SKG + "nameKey", lit(name.lower().replace(" ", "-")), graph)
    for a, _position, paper in links:
        yield f"<{a}> <{SKG}author> <{iri}> <{graph}> .\n"
        rule = "profile-researcher" if profiled else rng.choice(RULES[:3])
        yield q(a, SKG + "identityRule", lit(rule), graph)
        if rule == "shared-coauthor":
            yield q(a, SKG + "identityBasis", lit(f"shares a co-author on {paper[-10:]}"), graph)
            yield f"<{a}> <{SKG}identityEvidence> <{paper}> <{graph}> .\n"
    if person % 100 == 7:
        retired = f"{ID}person/retired-{person}"
        yield f"<{retired}> <{SKG}mergedInto> <{iri}> <{graph}> .\n"
        yield f"<{retired}> <{OWL}sameAs> <{iri}> <{graph}> .\n"
    if profiled:
        slug = f"profile-{person}"
        for s in range(3):
            snapshot = f"{ID}profile/{slug}/snapshot/{s:016x}"
            yield f"<{snapshot}> <{SKG}snapshotOf> <{iri}> <{graph}> .\n"
            for metric in METRICS:
                yield f"<{snapshot}/{metric}> <{SKG}observationOf> <{iri}> <{graph}> .\n"


def build(n_papers: int, directory: Path) -> Path:
    """The store for ``n_papers`` under ``directory`` (reused when it exists)."""
    store_path = directory / f"serve-store-{n_papers}"
    if (store_path / "CURRENT").exists():
        return store_path
    directory.mkdir(parents=True, exist_ok=True)
    nquads = directory / f"serve-{n_papers}.nq"
    started = time.perf_counter()
    with nquads.open("w", encoding="utf-8") as out:
        out.writelines(generate(n_papers))
    store = ox.Store(str(store_path))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    print(f"built {store_path}: {len(store)} quads in {time.perf_counter() - started:.0f} s")
    del store
    nquads.unlink()
    return store_path


def busiest_people(n_papers: int) -> tuple[str, str]:
    """(name of the busiest person, name of a typical one) in the generated store."""
    n_people = max(10, int(n_papers * 0.6))
    return person_name(0), person_name(n_people // 3)
