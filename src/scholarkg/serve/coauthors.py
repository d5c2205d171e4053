"""A person page's co-authors: counted from the person's papers' authorships, named in one query."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from scholarkg.serve import entities
from scholarkg.serve.entities import Table
from scholarkg.serve.workers import WorkerPool

COAUTHOR_CANDIDATES = 300  # co-authors named (the most frequent); the page lists 100
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def coauthor_table(pool: WorkerPool, authorships: Table, iri: str) -> Table:
    """Co-authors of person ``iri`` by papers together, most first, from the rows
    (``other``, ``paper``) of every authorship on their papers."""
    together: dict[str, set[str]] = {}
    for row in authorships.rows:
        other, paper = row.get("other"), row.get("paper")
        if isinstance(other, ox.NamedNode) and other.value != iri and paper is not None:
            together.setdefault(other.value, set()).add(paper.value)
    top = sorted(together, key=lambda o: (-len(together[o]), o))[:COAUTHOR_CANDIDATES]
    rows: list[dict[str, Any]] = []
    if top:
        named = Table.of(pool.select_many([entities.persons_named(top)])[0])
        for row in named.rows:
            other = row["s"].value
            count = ox.Literal(str(len(together[other])), datatype=INTEGER)
            rows.append({"other": row["s"], "name": row.get("name"), "papers": count})
    rows.sort(key=lambda r: (-int(r["papers"].value), str(r.get("name")), r["other"].value))
    return Table(tuple({k: v for k, v in r.items() if v is not None} for r in rows[:100]))
