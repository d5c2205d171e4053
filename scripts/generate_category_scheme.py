"""Generate ``ontology/arxiv-categories.ttl``, the SKOS scheme of arXiv categories.

Reads the arXiv database fixtures in ``ontology/sources/arxiv-taxonomy/`` (see
``ontology/sources/PROVENANCE.md``) and writes one ``skos:Concept, skg:CategoryGroup`` per arXiv
group (top concepts) and one ``skos:Concept, skg:Category`` per row of
``arXiv_category_def.json``, each ``skos:broader`` its group. The output is deterministic: the
same inputs always give the same bytes.

Usage: ``python scripts/generate_category_scheme.py [--sources DIR] [--output FILE|-]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from scholarkg.iris import CATEGORY, CATEGORY_SCHEME, SKG, category, category_group
from scholarkg.output_file import NotWritten, write_output

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCES = ROOT / "ontology" / "sources" / "arxiv-taxonomy"
DEFAULT_OUTPUT = ROOT / "ontology" / "arxiv-categories.ttl"

CATEGORY_DEF = "arXiv_category_def.json"
GROUPS = "arXiv_groups.json"
ARCHIVE_GROUP = "arXiv_archive_group.json"
ARCHIVES = "arXiv_archives.json"
SOURCE_FILES = (CATEGORY_DEF, GROUPS, ARCHIVE_GROUP, ARCHIVES)

SCHEME_LABEL = "arXiv category taxonomy"
UPSTREAM = "arXiv/arxiv-base arxiv/db/tests/test-data @ fbc8460dc28e0cec55dd27b71bce557539d0972c"

PREFIXES: tuple[tuple[str, str], ...] = (
    ("cat", str(CATEGORY)),
    ("catgroup", str(CATEGORY) + "group/"),
    ("skg", str(SKG)),
    ("skos", str(SKOS)),
)


@dataclass(frozen=True)
class Group:
    """An arXiv group (``cs``, ``physics``): a top concept of the scheme."""

    notation: str
    name: str


@dataclass(frozen=True)
class Category:
    """An arXiv category (``cs.LG``, ``hep-th``) and the group it belongs to."""

    notation: str
    name: str
    active: bool
    group: str


def _rows(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise ValueError(f"{path}: expected a JSON array of objects")
    return data


def _group_id(raw: object) -> str:
    """A group id without the ``grp_`` prefix some arXiv tables use."""
    text = str(raw).strip()
    return text.removeprefix("grp_")


def read_taxonomy(sources: Path) -> tuple[list[Group], list[Category]]:
    """Groups and categories from the arXiv fixtures, sorted by notation."""
    groups = {
        _group_id(row["group_id"]): Group(_group_id(row["group_id"]), str(row["group_name"]))
        for row in _rows(sources / GROUPS)
    }
    # arXiv_archive_group lists the current archives; arXiv_archives also has the retired ones.
    archive_group = {
        str(r["archive_id"]): _group_id(r["in_group"]) for r in _rows(sources / ARCHIVES)
    }
    archive_group.update(
        {str(r["archive_id"]): _group_id(r["group_id"]) for r in _rows(sources / ARCHIVE_GROUP)}
    )
    categories: list[Category] = []
    for row in _rows(sources / CATEGORY_DEF):
        notation = str(row["category"])
        archive = notation.split(".", 1)[0]
        group = archive_group.get(archive)
        if group is None or group not in groups:
            raise ValueError(f"{CATEGORY_DEF}: no group for category {notation!r}")
        categories.append(Category(notation, str(row["name"]), bool(row["active"]), group))
    used = {c.group for c in categories}
    return (
        sorted((g for g in groups.values() if g.notation in used), key=lambda g: g.notation),
        sorted(categories, key=lambda c: c.notation),
    )


def build_graph(groups: Iterable[Group], categories: Iterable[Category]) -> Graph:
    """The category scheme as an rdflib graph."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES:
        graph.bind(prefix, namespace)
    graph.add((CATEGORY_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((CATEGORY_SCHEME, SKOS.prefLabel, Literal(SCHEME_LABEL, lang="en")))
    for group in groups:
        node = category_group(group.notation)
        for cls in (SKOS.Concept, SKG.CategoryGroup):
            graph.add((node, RDF.type, cls))
        graph.add((node, SKOS.prefLabel, Literal(group.name, lang="en")))
        graph.add((node, SKOS.notation, Literal(group.notation)))
        graph.add((node, SKOS.inScheme, CATEGORY_SCHEME))
        graph.add((node, SKOS.topConceptOf, CATEGORY_SCHEME))
        graph.add((CATEGORY_SCHEME, SKOS.hasTopConcept, node))
    for cat in categories:
        node = category(cat.notation)
        for cls in (SKOS.Concept, SKG.Category):
            graph.add((node, RDF.type, cls))
        graph.add((node, SKOS.prefLabel, Literal(cat.name, lang="en")))
        graph.add((node, SKOS.notation, Literal(cat.notation)))
        graph.add((node, SKOS.inScheme, CATEGORY_SCHEME))
        graph.add((node, SKOS.broader, category_group(cat.group)))
        graph.add((node, SKG.active, Literal(cat.active)))
    return graph


# Fixed predicate order inside each subject block; rdf:type first, as ``a``.
_PREDICATE_ORDER = (
    RDF.type,
    SKOS.prefLabel,
    SKOS.notation,
    SKOS.inScheme,
    SKOS.topConceptOf,
    SKOS.broader,
    SKG.active,
    SKOS.hasTopConcept,
)


def _term(graph: Graph, node: Node) -> str:
    if (
        isinstance(node, Literal)
        and node.datatype is not None
        and str(node.datatype).endswith("#boolean")
    ):
        return "true" if node.toPython() else "false"
    if isinstance(node, URIRef | Literal):
        return node.n3(graph.namespace_manager)
    raise ValueError(f"unexpected node {node!r}")


def _block(graph: Graph, subject: URIRef) -> str:
    lines: list[str] = []
    for predicate in _PREDICATE_ORDER:
        objects = sorted(_term(graph, o) for o in graph.objects(subject, predicate))
        if not objects:
            continue
        verb = "a" if predicate == RDF.type else _term(graph, predicate)
        lines.append(f"    {verb} {', '.join(objects)}")
    unknown = set(graph.predicates(subject)) - set(_PREDICATE_ORDER)
    if unknown:
        raise ValueError(
            f"{subject}: predicates without a fixed order: {sorted(map(str, unknown))}"
        )
    return _term(graph, subject) + "\n" + " ;\n".join(lines) + " .\n"


def render(
    graph: Graph, groups: Sequence[Group], categories: Sequence[Category], sources: Path
) -> str:
    """Deterministic Turtle for the scheme: header, prefixes, scheme, groups, categories."""
    header = [
        "# GENERATED FILE - do not edit by hand.",
        "# Generated by scripts/generate_category_scheme.py from ontology/sources/arxiv-taxonomy/",
        f"# (byte-for-byte copies of {UPSTREAM};",
        "# MIT licence, see ontology/sources/PROVENANCE.md). Inputs (sha256):",
    ]
    for name in SOURCE_FILES:
        digest = hashlib.sha256((sources / name).read_bytes()).hexdigest()
        header.append(f"#   {name} {digest}")
    header.append(f"# {len(groups)} groups, {len(categories)} categories.")
    parts = ["\n".join(header) + "\n"]
    parts.append("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES))
    subjects = [
        CATEGORY_SCHEME,
        *(category_group(g.notation) for g in groups),
        *(category(c.notation) for c in categories),
    ]
    parts.extend(_block(graph, subject) for subject in subjects)
    return "\n".join(parts)


def generate(sources: Path = DEFAULT_SOURCES) -> str:
    """The Turtle text of the category scheme generated from ``sources``."""
    groups, categories = read_taxonomy(sources)
    return render(build_graph(groups, categories), groups, categories, sources)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES, help="fixture folder")
    parser.add_argument(
        "--output", default=str(DEFAULT_OUTPUT), help="Turtle file to write, or - for stdout"
    )
    args = parser.parse_args(argv)
    text = generate(args.sources)
    try:
        write_output(text, args.output)
    except NotWritten as exc:  # one line, no traceback: a folder not there, a full disk…
        raise SystemExit(f"error: {exc}") from None
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
