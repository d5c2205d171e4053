"""A graph's SHACL report graph is the same bytes whenever its findings are: validated in two
processes, the same graph gives byte-equal report N-Quads (before, ``sh:sourceShape`` of a
property shape was its blank-node label as a literal, ``"n736f…b6"``, drawn anew in every
process, so an unchanged report was written and published as a change).

The graph is a real profile-only paper (``tests/shape_examples/PaperShape``'s) without abstract
or date and with a malformed DOI: an info and two warnings, all from blank-node property shapes
of ``shapes/paper.ttl``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from rdflib import BNode, Graph, Namespace, URIRef

from scholarkg.resources import shapes_graph
from scholarkg.shape_iris import name_blank_shapes

SH = Namespace("http://www.w3.org/ns/shacl#")
SKGSH = "https://w3id.org/scholarkg/shapes#"
EXAMPLE = Path(__file__).parent / "shape_examples" / "PaperShape" / "invalid_doi_syntax.ttl"

CHILD = """
import datetime as dt, sys
from rdflib import Graph
from scholarkg.load.contents import nquads
from scholarkg.load.payload import make_payload, report_graph_iri, written_form
from scholarkg.validate import check

g = Graph().parse(data=sys.stdin.read(), format="turtle")
triples = sorted((s.n3(), p.n3(), o.n3()) for s, p, o in g)
iri = "https://w3id.org/scholarkg/graph/profile/someone"
payload = make_payload(iri, "profile", triples, check(triples))
when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
_, report, _, _ = written_form(payload, "https://w3id.org/scholarkg/id/run/r", when)
sys.stdout.write(nquads(report_graph_iri(iri), report).decode("utf-8"))
"""


def _failing_graph() -> str:
    """The example paper without ``dcterms:issued`` and ``dcterms:abstract`` (DOI kept bad)."""
    kept = [
        line
        for line in EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "dcterms:issued" not in line and "dcterms:abstract" not in line
    ]
    return "\n".join(kept) + "\n"


def _report_in_a_new_process(turtle: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        input=turtle,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return done.stdout


def test_a_report_graph_is_byte_equal_when_validated_again_in_another_process() -> None:
    turtle = _failing_graph()
    first, second = _report_in_a_new_process(turtle), _report_in_a_new_process(turtle)
    shapes = [line.split()[2] for line in first.splitlines() if "#sourceShape>" in line]
    assert sorted(shapes) == [  # IRIs under their node shape, not per-process labels
        f"<{SKGSH}PaperShape/abstract-present>",
        f"<{SKGSH}PaperShape/doi-syntax>",
        f"<{SKGSH}PaperShape/issued-present>",
    ]
    assert "_:" not in first  # no blank node either (results are <report>#result-<n>)
    assert first == second


def test_every_property_shape_of_the_project_has_an_iri_under_its_node_shape() -> None:
    graph = shapes_graph()
    shapes = list(graph.subject_objects(SH.property))
    assert len(shapes) > 90
    for parent, shape in shapes:
        assert isinstance(shape, URIRef) and str(shape).startswith(f"{parent}/"), shape
    assert not [s for s in graph.subjects(SH.path, None) if isinstance(s, BNode)]


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:name "Same Name" ; sh:path ex:a ; sh:minCount 1 ] ;
    sh:property [ sh:name "same name" ; sh:path ex:b ; sh:minCount 1 ] ;
    sh:property [ sh:path ex:c ; sh:node [ sh:property [ sh:name "d" ; sh:path ex:d ;
                                                         sh:maxCount 1 ] ] ] ;
    sh:property [ sh:name "inverse" ; sh:path [ sh:inversePath ex:e ] ; sh:maxCount 2 ] ;
    sh:or ( [ sh:path ex:f ; sh:minCount 1 ] [ sh:path ex:g ; sh:minCount 1 ] ) .
[] a sh:NodeShape ; sh:targetClass ex:D ; sh:property [ sh:name "x" ; sh:path ex:x ] .
"""


def _named_shapes(turtle: str) -> list[str]:
    named = name_blank_shapes(Graph().parse(data=turtle, format="turtle"))
    return sorted(str(s) for s in set(named.subjects()) if isinstance(s, URIRef))


def test_blank_shapes_get_iris_from_what_they_are_not_from_their_labels() -> None:
    first, second = _named_shapes(SHAPES), _named_shapes(SHAPES)  # two parses, two label sets
    assert first == second
    s_iri = "http://example.org/S"
    under_s = [s.removeprefix(s_iri) for s in first if s.startswith(s_iri)]
    assert "/inverse" in under_s  # a unique sh:name: its slug
    hashed = [s for s in under_s if re.fullmatch(r"/shape-[0-9a-f]{16}", s)]
    assert len(hashed) == 5  # two shapes whose names slug alike, one unnamed, two sh:or members
    nested = [s for s in under_s if re.fullmatch(r"(/shape-[0-9a-f]{16}){2}/d", s)]
    assert len(nested) == 1  # sh:node's shape under its property shape, its property under it
    assert len(under_s) == 1 + 1 + 5 + 2  # ex:S, inverse, hashed, the sh:node shape and d
    root = [s.removeprefix(SKGSH) for s in first if s.startswith(SKGSH)]
    assert len(root) == 2 and root[0] + "/x" == root[1]  # a target and no parent


def test_the_parsed_graph_is_left_as_it_is() -> None:
    graph = Graph().parse(data=SHAPES, format="turtle")
    before = set(graph)
    name_blank_shapes(graph)
    assert set(graph) == before
