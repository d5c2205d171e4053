"""``sh:sparql`` SELECT constraints of a shape, prepared as pySHACL prepares them.

The query text gets the ``PREFIX`` lines of its ``sh:prefixes`` declarations and ``$PATH``
replaced by the shape's path; ``$this`` and ``$currentShape`` are pre-bound. MINUS, VALUES and
SERVICE are refused as pySHACL refuses them; ``$shapesGraph`` is fenced (pySHACL cannot bind it).
The text is compiled once (:class:`scholarkg.shacl.sparql.Select`); a query outside the compiled
fragment keeps ``select = None`` and runs through rdflib.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdflib import OWL, RDF, Graph, Literal, Namespace
from rdflib.term import Node

from scholarkg.errors import ShapesError, UnsupportedShape
from scholarkg.shacl import sparql
from scholarkg.shacl.paths import sparql_path
from scholarkg.shacl.terms import from_rdflib

SH = Namespace("http://www.w3.org/ns/shacl#")
_THIS = re.compile(r"([\s{}()])[\$\?]this", flags=re.M)
_PATH = re.compile(r"([\s{}()])[\$\?]PATH", flags=re.M)
_SHAPES_GRAPH = re.compile(r"([\s{}()])[\$\?]shapesGraph", flags=re.M)
_CURRENT_SHAPE = re.compile(r"([\s{}()])[\$\?]currentShape", flags=re.M)
_REFUSED = {
    "MINUS": re.compile(r"[^\w]MINUS[\s{]", flags=re.M | re.I),
    "VALUES": re.compile(r"[^\w]VALUES[\s{(]", flags=re.M | re.I),
    "SERVICE": re.compile(r"[^\w]SERVICE[\s<?$]", flags=re.M | re.I),
}
COMPONENT = str(SH.SPARQLConstraintComponent)


@dataclass
class SparqlCheck:
    """One ``sh:sparql`` SELECT constraint of a shape."""

    node: Node
    text: str
    binds_this: bool
    current_shape: str | None
    messages: list[Literal]
    select: sparql.Select | None  # None: evaluate with rdflib (outside the compiled fragment)


def _prefixes(graph: Graph, node: Node, label: str) -> dict[str, str]:
    """pySHACL's ``collect_prefixes`` for one SPARQL constraint."""
    found: dict[str, str] = {}
    ontologies = set(graph.subjects(RDF.type, OWL.Ontology))
    global_declares = {d for o in ontologies for d in graph.objects(o, SH.declare)}
    for prefixes in graph.objects(node, SH.prefixes):
        own = set(graph.objects(prefixes, SH.declare))
        declares = own if own and prefixes in ontologies else global_declares | own
        for declare in declares:
            prefix = list(graph.objects(declare, SH.prefix))
            namespace = list(graph.objects(declare, SH.namespace))
            if len(prefix) != 1 or len(namespace) != 1:
                raise ShapesError(
                    f"shape {label}: sh:declare needs one sh:prefix, one sh:namespace"
                )
            found[str(prefix[0])] = str(namespace[0])
    return found


def prepare(
    graph: Graph, constraint: Node, path: Node | None, label: str
) -> tuple[str, bool, bool]:
    """(query text, binds $this, binds $currentShape) of one SPARQL constraint."""
    selects = list(graph.objects(constraint, SH.select))
    if len(selects) != 1:
        raise ShapesError(f"shape {label}: a SPARQL constraint needs exactly one sh:select")
    text = str(selects[0])
    for keyword, pattern in _REFUSED.items():
        if pattern.search(text):
            raise ShapesError(f"shape {label}: a SPARQL constraint must not use {keyword}")
    if _SHAPES_GRAPH.search(text):
        raise UnsupportedShape(label, "$shapesGraph in a SPARQL constraint")
    if path is not None:
        text = _PATH.sub(lambda m: m.group(1) + sparql_path(graph, path), text)
    elif _PATH.search(text):
        raise ShapesError(f"shape {label}: $PATH in a SPARQL constraint of a node shape")
    prefixes = _prefixes(graph, constraint, label)
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    return f"{header}\n{text}", bool(_THIS.search(text)), bool(_CURRENT_SHAPE.search(text))


def sparql_checks(graph: Graph, shape_node: Node, shape: Any, label: str) -> list[SparqlCheck]:
    """The active ``sh:sparql`` constraints of one shape, compiled."""
    found = []
    for constraint in graph.objects(shape_node, SH.sparql):
        deactivated = graph.value(constraint, SH.deactivated)
        if isinstance(deactivated, Literal) and deactivated.value is True:
            continue
        text, binds_this, binds_shape = prepare(graph, constraint, shape.path_node, label)
        try:
            select: sparql.Select | None = sparql.Select(text)
        except sparql.Unsupported:
            select = None
        except Exception as exc:  # rdflib's parser raises its own types
            raise ShapesError(f"shape {label}: SPARQL constraint does not parse: {exc}") from exc
        current = from_rdflib(shape_node) if binds_shape else None
        messages = [m for m in graph.objects(constraint, SH.message) if isinstance(m, Literal)]
        found.append(SparqlCheck(constraint, text, binds_this, current, messages, select))
    return found
