"""The SHACL engine's fence, configuration, report graph, join planner and library hygiene.

The findings themselves are compared with pySHACL in test_shacl_differential.py and
test_bulk_equivalence.py; here: what the registry says it implements is what the engine
compiles, unsupported shapes stop start-up (or go to pySHACL, counted, when configured), the
``[shacl]`` configuration, the per-graph gate's report graph, the join order of the SPARQL
constraint that used to make multi-record graphs quadratic, and that nothing of rdflib is patched.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib import plugin as rdflib_plugin
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.query import Processor

from samples import ROOT
from scholarkg import validate
from scholarkg.config import load_config
from scholarkg.errors import ConfigError, UnsupportedShape
from scholarkg.shacl import COMPONENTS, Engine, describe
from scholarkg.shacl.focus import focus
from scholarkg.shacl.index import Triples, View
from scholarkg.shacl.paths import PATH_KINDS, path_kinds
from scholarkg.shacl.reference import (
    MemoisedSPARQLProcessor,
    findings_of,
    memoised_sparql_parse,
    run_pyshacl,
)
from scholarkg.shacl.shapes import SH
from scholarkg.shacl.sparql import OBJECTS, PAIRS, SUBJECTS, plan
from scholarkg.transform import NamedGraph

GENERIC = ROOT / "tests" / "fixtures" / "shacl" / "generic-shapes.ttl"
SKG = "https://w3id.org/scholarkg/ontology#"
PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def shapes(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def test_registry_lists_every_component_and_path_kind() -> None:
    listing = describe()
    for name in COMPONENTS:
        assert f"sh:{name}" in listing
    for kind in PATH_KINDS:
        assert kind in listing
    assert "ClosedConstraintComponent" in listing.split("Not supported")[1]


def test_generic_test_shapes_use_every_registered_component_and_path_kind() -> None:
    """The differential test's own shapes exercise everything the registry claims."""
    graph = Graph().parse(GENERIC)
    used = {str(p).removeprefix(str(SH)) for p in graph.predicates()}
    for component in COMPONENTS.values():
        assert set(component.parameters) & used, component.name
    kinds: set[str] = set()
    for path in graph.objects(None, SH.path):
        kinds |= path_kinds(graph, path)
    assert kinds == set(PATH_KINDS)
    engine = Engine(shapes=graph, ontology=Graph())
    assert engine.fallback is None and engine.unsupported == []


CLOSED = """
ex:ClosedShape a sh:NodeShape ; sh:targetClass ex:Closed ; sh:closed true ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] .
ex:OpenShape a sh:NodeShape ; sh:targetClass ex:Open ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "needs a name" ] .
"""


def test_an_unsupported_shape_is_a_start_up_error_naming_shape_and_component() -> None:
    with pytest.raises(UnsupportedShape) as caught:
        Engine(shapes=shapes(CLOSED), ontology=Graph())
    message = str(caught.value)
    assert "http://example.org/ns#ClosedShape" in message
    assert "ClosedConstraintComponent" in message
    assert 'fallback = "pyshacl"' in message


def test_shapes_graph_features_are_fenced_too() -> None:
    rule = "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:rule [ a sh:SPARQLRule ] ."
    with pytest.raises(UnsupportedShape, match="sh:rule"):
        Engine(shapes=shapes(rule), ontology=Graph())


def test_with_the_opt_in_only_graphs_the_unsupported_shape_targets_go_to_pyshacl() -> None:
    graph = shapes(CLOSED)
    engine = Engine(shapes=graph, ontology=Graph(), fallback="pyshacl")
    assert "ClosedShape" in (engine.fallback or "")
    open_graph = [("<urn:a>", f"<{RDF_TYPE}>", "<http://example.org/ns#Open>")]
    closed_graph = [
        ("<urn:b>", f"<{RDF_TYPE}>", "<http://example.org/ns#Closed>"),
        ("<urn:b>", "<http://example.org/ns#extra>", '"x"'),
    ]
    native = engine.check(open_graph)
    assert [f.message for f in native] == ["needs a name"]
    assert engine.fallback_graphs == 0
    routed = engine.check(closed_graph)
    assert engine.fallback_graphs == 1 and engine.stats["graphs"] == 2
    components = Counter(f.component for f in routed)
    assert components[str(SH.ClosedConstraintComponent)] == 2  # rdf:type and ex:extra
    expected = findings_of(run_pyshacl(closed_graph, graph, Graph()))
    assert Counter(f.key() for f in routed) == Counter(f.key() for f in expected)


def test_an_unknown_fallback_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="fallback"):
        Engine(shapes=shapes(CLOSED), ontology=Graph(), fallback="maybe")


def test_shacl_config_section(tmp_path: Path) -> None:
    assert load_config().shacl.fallback == "error"
    mine = tmp_path / "mine.toml"
    mine.write_text('[shacl]\nfallback = "pyshacl"\n')
    assert load_config(mine).shacl.fallback == "pyshacl"
    mine.write_text('[shacl]\nfallback = "later"\n')
    with pytest.raises(ConfigError, match=r"\[shacl\] fallback"):
        load_config(mine)
    mine.write_text('[shacl]\nfalback = "pyshacl"\n')
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(mine)


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def test_the_per_graph_gate_is_the_engine_with_a_shacl_report_graph() -> None:
    path = ROOT / "tests" / "shape_examples" / "AuthorshipShape" / "invalid_duplicate_position.ttl"
    data = Graph().parse(path)
    report = validate.validate_graph(NamedGraph(URIRef("urn:x-test:g"), data, "test", "arxiv"))
    assert not report.passed
    assert validate.fallback_graphs() == 0  # the project's shapes are all compiled natively
    graph = report.report_graph
    (node,) = graph.subjects(URIRef(RDF_TYPE), SH.ValidationReport)
    assert graph.value(node, SH.conforms).value is False  # type: ignore[union-attr]
    assert len(list(graph.objects(node, SH.result))) == len(report.findings)
    assert findings_of(graph) == report.findings
    reference = findings_of(run_pyshacl(data, validate.shapes_graph(), validate.ontology_graph()))
    assert reference == report.findings


def test_ill_typed_boolean_is_reported_as_pyshacl_reports_it() -> None:
    """The defined difference of scholarkg.shacl.terms: "TRUE" keeps its form, still ill-typed."""
    engine = validate.gate()
    paper = "<https://w3id.org/scholarkg/id/paper/x>"
    triples = [
        (paper, f"<{RDF_TYPE}>", f"<{SKG}Paper>"),
        (paper, f"<{SKG}hasCode>", '"TRUE"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
        # a profile's listing (skgsh:ListingShape) is where the flag is constrained
        (
            paper,
            f"<{SKG}listedAuthorsTruncated>",
            '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>',
        ),
    ]
    mine = [f for f in engine.check(triples) if f.path == SKG + "hasCode"]
    reference = findings_of(
        run_pyshacl(triples, validate.shapes_graph(), validate.ontology_graph())
    )
    theirs = [f for f in reference if f.path == SKG + "hasCode"]
    assert mine == theirs
    assert [(f.component, f.value) for f in mine] == [(str(SH.DatatypeConstraintComponent), "true")]


def authorship_graph(papers: int, authors: int = 3) -> Triples:
    """``papers`` papers in one graph, each with ``authors`` authorships at positions 1.."""
    triples = []
    for i in range(papers):
        paper = f"<urn:paper:{i}>"
        triples.append((paper, f"<{RDF_TYPE}>", f"<{SKG}Paper>"))
        for j in range(authors):
            authorship = f"<urn:paper:{i}:a{j}>"
            triples.append((paper, f"<{SKG}hasAuthorship>", authorship))
            triples.append((authorship, f"<{RDF_TYPE}>", f"<{SKG}Authorship>"))
            triples.append((authorship, f"<{SKG}position>", f'"{j + 1}"^^<urn:int>'))
    return Triples(triples)


def slot(term: str) -> tuple[bool, str]:
    return (True, term[1:]) if term.startswith("?") else (False, term)


# $this skg:position ?value . ?paper skg:hasAuthorship $this , ?other . ?other skg:position ?value
POSITION_QUERY = [
    (slot("?this"), slot(f"<{SKG}position>"), slot("?value")),
    (slot("?paper"), slot(f"<{SKG}hasAuthorship>"), slot("?this")),
    (slot("?paper"), slot(f"<{SKG}hasAuthorship>"), slot("?other")),
    (slot("?other"), slot(f"<{SKG}position>"), slot("?value")),
]


@pytest.mark.parametrize("papers", [10, 50, 400])
def test_planner_reaches_other_authorships_through_the_paper(papers: int) -> None:
    view = View(authorship_graph(papers), Engine(shapes=Graph(), ontology=Graph()).ontology)
    for bound in (frozenset(), frozenset({"this"})):
        chosen = plan(view, POSITION_QUERY, bound)
        order = [pattern for _, pattern in chosen]
        via_paper = order.index(POSITION_QUERY[2])
        by_position = order.index(POSITION_QUERY[3])
        assert via_paper < by_position, order
        modes = dict(zip(map(id, order), (mode for mode, _ in chosen), strict=True))
        assert modes[id(POSITION_QUERY[2])] == OBJECTS  # the paper's own authorships
        assert modes[id(POSITION_QUERY[3])] != SUBJECTS  # never "every holder of position 1"
        if bound:
            assert PAIRS not in modes.values()


class CountingView(View):
    __slots__ = ("lookups",)

    def objects(self, s: str, p: str) -> list[str]:
        self.lookups += 1
        return super().objects(s, p)

    def subjects(self, p: str, o: str) -> list[str]:
        self.lookups += 1
        return super().subjects(p, o)

    def contains(self, s: str, p: str, o: str) -> bool:
        self.lookups += 1
        return super().contains(s, p, o)


def test_index_lookups_per_record_do_not_grow_with_the_graph() -> None:
    engine = validate.gate()
    per_record = []
    for papers in (50, 400):
        view = CountingView(authorship_graph(papers), engine.ontology)
        view.lookups = 0
        engine._queries.new_graph()
        for root in engine.roots:
            for node in focus(view, root):
                engine._validate(view, root, node, [])
        per_record.append(view.lookups / papers)
    assert per_record[1] <= per_record[0] * 1.05, per_record


class Compared(str):
    """A term that counts the comparisons made with it (``x in list`` compares each item)."""

    count = 0
    __hash__ = str.__hash__

    def __eq__(self, other: object) -> bool:
        Compared.count += 1
        return str.__eq__(self, other)


def test_contains_searches_the_authorships_one_paper_not_the_papers_authorships() -> None:
    """The position check (``?paper skg:hasAuthorship $this , ?other``) asks, for every
    authorship, whether the paper holds another one: on a paper of N authorships a search of
    the paper's objects would cost N² comparisons in all."""
    n = 2_000
    view = View(authorship_graph(1, n), Engine(shapes=Graph(), ontology=Graph()).ontology)
    has = f"<{SKG}hasAuthorship>"
    Compared.count = 0
    for j in range(n):
        assert view.contains("<urn:paper:0>", has, Compared(f"<urn:paper:0:a{j}>"))
    assert not view.contains("<urn:paper:0>", has, Compared("<urn:paper:1:a0>"))
    assert Compared.count <= 2 * n, Compared.count
    # the same answers as a search of objects(), ontology mix-in included
    engine = validate.gate()
    small = View(authorship_graph(2, 3), engine.ontology)
    nodes = [*small.data.spo, *list(engine.ontology.triples.spo)[:20]]
    predicates = small.predicates()
    terms = {o for s in nodes for p in predicates for o in small.objects(s, p)} | set(nodes)
    for s in nodes:
        for p in predicates:
            for o in terms:
                assert small.contains(s, p, o) == (o in small.objects(s, p)), (s, p, o)


def test_memoised_parse_patches_no_class_and_restores_rdflib() -> None:
    original = SPARQLProcessor.query
    assert rdflib_plugin.get("sparql", Processor) is SPARQLProcessor
    with memoised_sparql_parse() as cache:
        assert rdflib_plugin.get("sparql", Processor) is MemoisedSPARQLProcessor
        rows = list(Graph().query("SELECT ?x WHERE { ?x ?p ?o }"))
        assert rows == [] and len(cache) == 1
        assert SPARQLProcessor.query is original
    assert rdflib_plugin.get("sparql", Processor) is SPARQLProcessor
    assert SPARQLProcessor.query is original


def test_rdflib_operator_functions_are_still_where_the_engine_reads_them() -> None:
    """The one private rdflib API (scholarkg.shacl.rdflib_private) under the pinned rdflib."""
    from rdflib.plugins.sparql import operators, prepareQuery

    from scholarkg.shacl.rdflib_private import Expr, operator_function

    query = prepareQuery("SELECT ?x WHERE { ?x ?p ?o FILTER (STRLEN(STR(?o)) > 1) }")
    found: dict[str, object] = {}

    def walk(node: object) -> None:
        if isinstance(node, Expr):
            found[node.name] = operator_function(node)
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(query.algebra)
    assert found["Builtin_STRLEN"] is operators.Builtin_STRLEN
    assert found["Builtin_STR"] is operators.Builtin_STR
