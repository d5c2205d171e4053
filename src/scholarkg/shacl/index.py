"""A small in-memory triple index over term strings, overlaid on the ontology's mix-in triples.

pySHACL (``ont_graph``, ``inference="none"``) validates the data graph *plus* the RDFS/OWL axioms
and named individuals it copies from the ontology. Those copied triples do not depend on the data,
so they are computed once (:class:`Ontology`, by pySHACL's public ``validate`` run in place on an
empty graph, which leaves exactly its mix-in there) and every lookup here answers for the union of
the graph's own triples and them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pyshacl import validate as pyshacl_validate
from rdflib import RDF, RDFS, Graph

from scholarkg.shacl.terms import from_rdflib

Triple = tuple[str, str, str]
TYPE = "<" + str(RDF.type) + ">"
SUBCLASS = "<" + str(RDFS.subClassOf) + ">"


class Triples:
    """Subject → predicate → objects and predicate → object → subjects, over unique triples."""

    __slots__ = ("pos", "spo")

    def __init__(self, triples: Iterable[Triple]) -> None:
        spo: dict[str, dict[str, list[str]]] = {}
        pos: dict[str, dict[str, list[str]]] = {}
        for s, p, o in triples:
            by_p = spo.get(s)
            if by_p is None:
                spo[s] = {p: [o]}
            else:
                objects = by_p.get(p)
                if objects is None:
                    by_p[p] = [o]
                else:
                    objects.append(o)
            by_o = pos.get(p)
            if by_o is None:
                pos[p] = {o: [s]}
            else:
                subjects = by_o.get(o)
                if subjects is None:
                    by_o[o] = [s]
                else:
                    subjects.append(s)
        self.spo = spo
        self.pos = pos

    def __iter__(self) -> Iterator[Triple]:
        for s, by_p in self.spo.items():
            for p, objects in by_p.items():
                for o in objects:
                    yield s, p, o


def _closure(edges: dict[str, set[str]], start: str) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def ontology_mix_in(ontology: Graph) -> Graph:
    """The triples pySHACL adds to a data graph from ``ont_graph`` (``inference="none"``)."""
    mixed = Graph()
    pyshacl_validate(mixed, shacl_graph=Graph(), ont_graph=ontology, inference="none", inplace=True)
    return mixed


class Ontology:
    """The triples pySHACL mixes into every data graph, with class hierarchies precomputed."""

    def __init__(self, ontology: Graph) -> None:
        mixed = ontology_mix_in(ontology)
        self.triples = Triples(
            (from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in mixed
        )
        self.nodes = set(self.triples.spo) | {o for _, _, o in self.triples}
        self.subclass_edges, self.superclass_edges = class_edges(self.triples)
        self.sub_cache: dict[str, set[str]] = {}
        self.super_cache: dict[str, set[str]] = {}


def class_edges(triples: Iterable[Triple]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(class → direct subclasses, class → direct superclasses) from ``rdfs:subClassOf``."""
    down: dict[str, set[str]] = {}
    up: dict[str, set[str]] = {}
    for s, p, o in triples:
        if p == SUBCLASS:
            down.setdefault(o, set()).add(s)
            up.setdefault(s, set()).add(o)
    return down, up


class View:
    """One graph's triples as pySHACL sees them: its own plus the ontology mix-in."""

    __slots__ = ("_down", "_stats", "_sub", "_super", "_up", "data", "ont", "ont_nodes", "plans")

    def __init__(self, data: Triples, ont: Ontology) -> None:
        self.data = data
        self.plans: dict[object, Any] = {}  # SPARQL join orders chosen for this graph
        self._stats: dict[str, tuple[int, int, int]] = {}
        self.ont = ont.triples
        self.ont_nodes = ont.nodes
        if SUBCLASS in data.pos:  # the graph states class axioms of its own: slow path
            self._down = {k: set(v) for k, v in ont.subclass_edges.items()}
            self._up = {k: set(v) for k, v in ont.superclass_edges.items()}
            extra_down, extra_up = class_edges(data)
            for k, v in extra_down.items():
                self._down.setdefault(k, set()).update(v)
            for k, v in extra_up.items():
                self._up.setdefault(k, set()).update(v)
            self._sub: dict[str, set[str]] = {}
            self._super: dict[str, set[str]] = {}
        else:  # share the ontology's hierarchy and its cached closures
            self._down, self._up = ont.subclass_edges, ont.superclass_edges
            self._sub, self._super = ont.sub_cache, ont.super_cache

    def objects(self, s: str, p: str) -> list[str]:
        by_p = self.data.spo.get(s)
        own = by_p.get(p, []) if by_p is not None else []
        if s in self.ont_nodes:
            extra = self.ont.spo.get(s, {}).get(p)
            if extra:
                return list(dict.fromkeys([*own, *extra]))
        return own

    def subjects(self, p: str, o: str) -> list[str]:
        by_o = self.data.pos.get(p)
        own = by_o.get(o, []) if by_o is not None else []
        if o in self.ont_nodes:
            extra = self.ont.pos.get(p, {}).get(o)
            if extra:
                return list(dict.fromkeys([*own, *extra]))
        return own

    def pairs(self, p: str) -> list[tuple[str, str]]:
        """All (subject, object) pairs of predicate ``p``."""
        found = {(s, o): None for o, subs in self.data.pos.get(p, {}).items() for s in subs}
        if p not in self.ont.pos:
            return list(found)
        for o, subs in self.ont.pos[p].items():
            for s in subs:
                found[(s, o)] = None
        return list(found)

    def predicate_stats(self, p: str) -> tuple[int, int, int]:
        """(triples, distinct subjects, distinct objects) of predicate ``p``, at least 1 each."""
        found = self._stats.get(p)
        if found is None:
            by_o = self.data.pos.get(p, {})
            triples = sum(len(subjects) for subjects in by_o.values())
            subjects = len({s for group in by_o.values() for s in group})
            found = self._stats[p] = (max(triples, 1), max(subjects, 1), max(len(by_o), 1))
        return found

    def contains(self, s: str, p: str, o: str) -> bool:
        """``o in objects(s, p)``, searching the shorter of the two lists that hold the triple
        (a paper's thousands of ``skg:hasAuthorship`` objects, or the authorship's one paper)."""
        by_p, by_o = self.data.spo.get(s), self.data.pos.get(p)
        objects = by_p.get(p, ()) if by_p is not None else ()
        subjects = by_o.get(o, ()) if by_o is not None else ()
        if o in objects if len(objects) <= len(subjects) else s in subjects:
            return True
        if s in self.ont_nodes:
            return o in self.ont.spo.get(s, {}).get(p, ())
        return False

    def predicates(self) -> list[str]:
        return list(dict.fromkeys([*self.data.pos, *self.ont.pos]))

    def subclasses(self, cls: str) -> set[str]:
        """``cls`` and every class below it (``rdfs:subClassOf*``)."""
        found = self._sub.get(cls)
        if found is None:
            found = self._sub[cls] = _closure(self._down, cls)
        return found

    def superclasses(self, cls: str) -> set[str]:
        found = self._super.get(cls)
        if found is None:
            found = self._super[cls] = _closure(self._up, cls)
        return found

    def instances(self, cls: str) -> list[str]:
        """Subjects typed ``cls`` or a subclass of it."""
        out: dict[str, None] = {}
        for c in self.subclasses(cls):
            for s in self.subjects(TYPE, c):
                out[s] = None
        return list(out)

    def has_class(self, node: str, cls: str) -> bool:
        """pySHACL's ``sh:class`` test: some ``rdf:type`` of ``node`` is ``cls`` or below it."""
        return any(cls in self.superclasses(t) for t in self.objects(node, TYPE))
