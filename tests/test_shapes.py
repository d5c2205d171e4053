"""SHACL shapes: every node shape has valid and invalid examples that behave as declared.

Examples live in ``tests/shape_examples/<ShapeLocalName>/``. A ``valid*.ttl`` file must produce
no validation result at all; an ``invalid*.ttl`` file declares in its header what it must produce:

    # expect: Violation        (Violation, Warning or Info)
    # path: skg:author         (the sh:resultPath; ``^p`` for an inverse path)

and every result it produces must come from that node shape (or one of its property shapes) with
that severity and path, so an invalid example fails for its stated reason and no other.
``tests/shape_examples/_graphs/`` holds one full realistic graph per graph kind.

Every validation uses exactly the call the pipeline's gate makes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, SH, SKOS
from rdflib.term import Node

from scholarkg.resources import ontology_graph, shapes_graph

EXAMPLES = Path(__file__).parent / "shape_examples"
GRAPHS = EXAMPLES / "_graphs"
SKG = Namespace("https://w3id.org/scholarkg/ontology#")
SKGSH = Namespace("https://w3id.org/scholarkg/shapes#")
SEVERITIES = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}
CATEGORY_LINKS = (SKG.category, SKG.primaryCategory, SKG.primarySubject)


@pytest.fixture(scope="session")
def shapes() -> Graph:
    """The merged shapes graph the gate uses."""
    return shapes_graph()


@pytest.fixture(scope="session")
def ontology() -> Graph:
    """The ontology plus category scheme the gate mixes in."""
    return ontology_graph()


def gate(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph]:
    """Validate ``data`` exactly as the pipeline's SHACL gate does."""
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    assert isinstance(report, Graph)
    return bool(conforms), report


@dataclass(frozen=True)
class Result:
    """One sh:ValidationResult, flattened for assertions and messages."""

    source_shape: Node
    severity: Node
    path: Node | None
    focus: Node
    message: str

    def __str__(self) -> str:
        sev = str(self.severity).rsplit("#", 1)[-1]
        return f"{sev} on {self.focus} path={self.path} from {self.source_shape}: {self.message}"


def results(report: Graph) -> list[Result]:
    """All validation results of a report graph."""
    found = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        source_shape = report.value(node, SH.sourceShape)
        severity = report.value(node, SH.resultSeverity)
        focus = report.value(node, SH.focusNode)
        assert source_shape is not None and severity is not None and focus is not None
        found.append(
            Result(
                source_shape=source_shape,
                severity=severity,
                path=report.value(node, SH.resultPath),
                focus=focus,
                message=" / ".join(str(m) for m in report.objects(node, SH.resultMessage)),
            )
        )
    return found


def node_shape_names() -> list[str]:
    """Local names of every sh:NodeShape in the shapes graph."""
    names = []
    for shape in shapes_graph().subjects(RDF.type, SH.NodeShape):
        assert isinstance(shape, URIRef) and str(shape).startswith(str(SKGSH)), shape
        names.append(str(shape)[len(str(SKGSH)) :])
    return sorted(names)


def example_files() -> Iterator[Path]:
    for folder in sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "_graphs"):
        yield from sorted(folder.glob("*.ttl"))


def _example_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


_HEADER = re.compile(r"^#\s*(expect|path):\s*(\S+)\s*$", re.MULTILINE)


def header(path: Path) -> dict[str, str]:
    """The ``# expect:`` and ``# path:`` declarations at the top of an example file."""
    return {key: value for key, value in _HEADER.findall(path.read_text(encoding="utf-8"))}


def _path_matches(declared: str, actual: Node | None, example: Graph, report: Graph) -> bool:
    inverse = declared.startswith("^")
    iri = example.namespace_manager.expand_curie(declared.lstrip("^"))
    if not inverse:
        return actual == iri
    return isinstance(actual, BNode) and report.value(actual, SH.inversePath) == iri


def test_every_node_shape_has_valid_and_invalid_examples() -> None:
    problems = []
    for name in node_shape_names():
        folder = EXAMPLES / name
        if not list(folder.glob("valid*.ttl")):
            problems.append(f"{folder.relative_to(EXAMPLES.parent)}: no valid*.ttl")
        if not list(folder.glob("invalid*.ttl")):
            problems.append(f"{folder.relative_to(EXAMPLES.parent)}: no invalid*.ttl")
    assert not problems, "\n".join(problems)


def test_no_example_folder_without_a_shape() -> None:
    names = set(node_shape_names())
    orphans = [
        p.name
        for p in EXAMPLES.iterdir()
        if p.is_dir() and p.name != "_graphs" and p.name not in names
    ]
    assert not orphans, f"example folders for unknown shapes: {orphans}"
    stray = [_example_id(p) for p in example_files() if not p.name.startswith(("valid", "invalid"))]
    assert not stray, f"example files must be named valid*.ttl or invalid*.ttl: {stray}"


def test_every_node_shape_is_documented(shapes: Graph) -> None:
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert shapes.value(shape, SH.name) is not None, f"{shape} has no sh:name"
        assert shapes.value(shape, SH.description) is not None, f"{shape} has no sh:description"
        targets = [SH.targetClass, SH.targetSubjectsOf, SH.targetNode, SH.targetObjectsOf]
        assert any(shapes.value(shape, t) is not None for t in targets), f"{shape} has no target"
        for prop in shapes.objects(shape, SH.property):
            name = shapes.value(prop, SH.name)
            assert name is not None, f"{shape}: a property shape has no sh:name"
            sparql = list(shapes.objects(prop, SH.sparql))
            assert shapes.value(prop, SH.message) is not None or sparql, (
                f"{shape} {name}: no message"
            )
            for constraint in sparql:
                assert shapes.value(constraint, SH.message) is not None, f"{shape} {name}: SPARQL"
        for constraint in shapes.objects(shape, SH.sparql):
            assert shapes.value(constraint, SH.message) is not None, f"{shape}: SPARQL w/o message"


@pytest.mark.parametrize(
    "path", [p for p in example_files() if p.name.startswith("valid")], ids=_example_id
)
def test_valid_example_has_no_results(path: Path, shapes: Graph, ontology: Graph) -> None:
    conforms, report = gate(Graph().parse(path, format="turtle"), shapes, ontology)
    found = results(report)
    assert conforms and not found, "\n".join(map(str, found))


@pytest.mark.parametrize(
    "path", [p for p in example_files() if p.name.startswith("invalid")], ids=_example_id
)
def test_invalid_example_fails_for_its_stated_reason(
    path: Path, shapes: Graph, ontology: Graph
) -> None:
    declared = header(path)
    assert declared.get("expect") in SEVERITIES, f"{path}: header needs '# expect: <severity>'"
    assert "path" in declared, f"{path}: header needs '# path: <property>'"
    severity = SEVERITIES[declared["expect"]]
    node_shape = SKGSH[path.parent.name]
    owned = {node_shape, *shapes.objects(node_shape, SH.property)}

    example = Graph().parse(path, format="turtle")
    conforms, report = gate(example, shapes, ontology)
    found = results(report)
    assert found, f"{path.name}: no validation result at all"
    unexpected = [
        r
        for r in found
        if r.source_shape not in owned
        or r.severity != severity
        or not _path_matches(declared["path"], r.path, example, report)
    ]
    assert not unexpected, "results other than the declared one:\n" + "\n".join(
        map(str, unexpected)
    )
    # The gate passes warnings and infos (allow_warnings=True) and fails on violations.
    assert conforms == (severity != SH.Violation)


def graph_files() -> list[Path]:
    return sorted(GRAPHS.glob("*.ttl"))


def test_there_is_a_full_example_of_every_graph_kind() -> None:
    kinds = {p.name.split("-", 1)[0] for p in graph_files()}
    assert {"profile", "snapshot", "arxiv"} <= kinds


@pytest.mark.parametrize("path", graph_files(), ids=lambda p: p.name)
def test_full_graph_example_conforms_without_results(
    path: Path, shapes: Graph, ontology: Graph
) -> None:
    conforms, report = gate(Graph().parse(path, format="turtle"), shapes, ontology)
    found = results(report)
    assert conforms and not found, "\n".join(map(str, found))


def test_category_scheme_conforms_to_the_category_shapes(shapes: Graph, ontology: Graph) -> None:
    scheme = Graph().parse(
        Path(__file__).parents[1] / "ontology" / "arxiv-categories.ttl", format="turtle"
    )
    conforms, report = gate(scheme, shapes, ontology)
    found = results(report)
    assert conforms and not found, "\n".join(map(str, found[:20]))


def _category_link_patterns(shapes: Graph) -> set[str]:
    patterns = set()
    for link in CATEGORY_LINKS:
        shapes_on_link = list(shapes.subjects(SH.path, link))
        assert shapes_on_link, f"no property shape on {link}"
        for prop in shapes_on_link:
            pattern = shapes.value(prop, SH.pattern)
            assert isinstance(pattern, Literal), f"{link}: category link without sh:pattern"
            assert shapes.value(prop, SH.nodeKind) == SH.IRI
            patterns.add(str(pattern))
    return patterns


def test_category_link_pattern_accepts_exactly_the_scheme_categories(
    shapes: Graph, ontology: Graph
) -> None:
    patterns = _category_link_patterns(shapes)
    assert len(patterns) == 1, f"category links use different patterns: {patterns}"
    pattern = re.compile(patterns.pop())
    categories = [str(c) for c in ontology.subjects(RDF.type, SKG.Category)]
    groups = [str(g) for g in ontology.subjects(RDF.type, SKG.CategoryGroup)]
    assert len(categories) > 150 and groups
    assert [c for c in categories if not pattern.search(c)] == []
    assert [g for g in groups if pattern.search(g)] == []


def test_ont_graph_mix_in_covers_named_individuals_but_not_category_concepts(
    ontology: Graph,
) -> None:
    """Characterises pySHACL 0.40 with inference="none" (see shapes/README.md).

    ``ont_graph`` contributes only RDFS/OWL axioms and owl:NamedIndividual nodes to the data
    graph. So ``sh:class skg:Metric`` works (the metrics are named individuals) while
    ``sh:class skg:Category`` does not (the concepts are plain skos:Concepts): category links
    are checked by IRI pattern instead. If this test starts failing, pySHACL changed and
    ``sh:class skg:Category`` may become usable.
    """
    probe = Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix skg: <https://w3id.org/scholarkg/ontology#> .
        <urn:probe> a sh:NodeShape ; sh:targetNode <urn:paper> ;
            sh:property [ sh:path skg:category ; sh:class skg:Category ] ;
            sh:property [ sh:path skg:metric ; sh:class skg:Metric ] .
        """,
    )
    data = Graph().parse(
        format="turtle",
        data="""
        @prefix skg: <https://w3id.org/scholarkg/ontology#> .
        <urn:paper> skg:category <https://w3id.org/scholarkg/category/cs.LG> ;
            skg:metric skg:hIndex .
        """,
    )
    _, report = gate(data, probe, ontology)
    failing_paths = {r.path for r in results(report)}
    assert failing_paths == {SKG.category}


def test_category_concepts_are_not_named_individuals(ontology: Graph) -> None:
    """pySHACL deep-copies every owl:NamedIndividual into each data graph, following links;
    through skos:hasTopConcept/skos:inScheme that recursion explodes and validation hangs."""
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    assert concepts
    assert not [c for c in concepts if (c, RDF.type, OWL.NamedIndividual) in ontology]
