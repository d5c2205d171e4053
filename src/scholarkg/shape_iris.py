"""Stable IRIs for the blank-node shapes of a shapes graph, so reports name them alike.

A property shape written ``sh:property [ … ]`` is a blank node whose label rdflib draws at
random in every process; a finding's ``sh:sourceShape`` then changed whenever the graph was
validated again, and a SHACL report graph with the same findings was written (and published) as
a change. :func:`name_blank_shapes` gives each such shape an IRI made from what it is:

* a property shape of a named shape: ``<parent>/<its sh:name as a slug>``
  (``skgsh:PaperShape/issued-present``) when that slug is unique among the parent's shapes;
* any other blank-node shape (no or a shared ``sh:name``, or one referred to by ``sh:node``,
  ``sh:not``, ``sh:qualifiedValueShape``, ``sh:and``/``sh:or``/``sh:xone``):
  ``<parent>/shape-<hash of its description>``;
* a blank-node shape with a target and no parent: ``skgsh:shape-<hash of its description>``.

A shape reachable from two parents is named under the first in IRI order.

Paths, lists and SPARQL constraints stay blank nodes (no report names them by label).
"""

from __future__ import annotations

import hashlib
import re

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")
_SINGLE = (SH.node, SH["not"], SH.qualifiedValueShape)
_LISTS = (SH["and"], SH["or"], SH.xone)
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
SHAPES = "https://w3id.org/scholarkg/shapes#"  # where a blank node shape with no parent goes


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _description(graph: Graph, node: Node, seen: frozenset[Node] = frozenset()) -> str:
    """A canonical text of ``node``'s triples, blank nodes described in place (no labels)."""
    if not isinstance(node, BNode):
        return node.n3()
    if node in seen:
        return "[cycle]"
    inner = seen | {node}
    parts = sorted(
        f"{p.n3()} {_description(graph, o, inner)}" for p, o in graph.predicate_objects(node)
    )
    return "[" + " ; ".join(parts) + "]"


def _digest(graph: Graph, node: BNode) -> str:
    return hashlib.sha256(_description(graph, node).encode("utf-8")).hexdigest()[:16]


def _children(graph: Graph, parent: Node) -> list[BNode]:
    """The blank-node shapes ``parent`` refers to directly."""
    found = [o for p in (SH.property, *_SINGLE) for o in graph.objects(parent, p)]
    for p in _LISTS:
        for head in graph.objects(parent, p):
            found += list(graph.items(head))
    blank = [n for n in dict.fromkeys(found) if isinstance(n, BNode)]
    return sorted(blank, key=lambda n: _description(graph, n))  # not by per-process labels


def _roots(graph: Graph) -> list[tuple[Node, str]]:
    """Named shapes (any IRI subject), and blank-node shapes with a target (no parent)."""
    roots: list[tuple[Node, str]] = [
        (s, str(s)) for s in dict.fromkeys(graph.subjects()) if isinstance(s, URIRef)
    ]
    for p in _TARGETS:
        for s in graph.subjects(p, None):
            if isinstance(s, BNode) and (None, None, s) not in graph:
                roots.append((s, f"{SHAPES}shape-{_digest(graph, s)}"))
    return sorted(dict.fromkeys(roots), key=lambda root: root[1], reverse=True)


def _names(graph: Graph, parent: Node, base: str, shapes: list[BNode]) -> list[str]:
    """The IRIs of ``parent``'s blank-node ``shapes``, ``base`` being the parent's IRI."""
    slugs = []
    for shape in shapes:
        names = list(graph.objects(shape, SH.name))
        is_property = (parent, SH.property, shape) in graph
        slugs.append(_slug(str(names[0])) if is_property and len(names) == 1 else "")
    out: list[str] = []
    for shape, slug in zip(shapes, slugs, strict=True):
        iri = f"{base}/{slug}"
        if not slug or slugs.count(slug) > 1 or (URIRef(iri), None, None) in graph:
            iri = f"{base}/shape-{_digest(graph, shape)}"
        n = 1
        while iri + ("" if n == 1 else f"-{n}") in out:  # two identical shapes stay two
            n += 1
        out.append(iri + ("" if n == 1 else f"-{n}"))
    return out


def name_blank_shapes(graph: Graph) -> Graph:
    """A copy of ``graph`` in which every blank-node shape has a stable IRI (see the module
    doc); ``graph`` itself is left as it is."""
    renamed: dict[Node, URIRef] = {}
    todo = _roots(graph)
    for node, iri in todo:
        if isinstance(node, BNode):
            renamed[node] = URIRef(iri)
    while todo:
        parent, base = todo.pop()
        shapes = [s for s in _children(graph, parent) if s not in renamed]
        for shape, iri in zip(shapes, _names(graph, parent, base, shapes), strict=True):
            renamed[shape] = URIRef(iri)
            todo.append((shape, iri))
    if not renamed:
        return graph
    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=True)
    for s, p, o in graph:
        out.add((renamed.get(s, s), p, renamed.get(o, o)))
    return out
