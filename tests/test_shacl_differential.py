"""pySHACL is the reference: the engine's findings equal pySHACL's on generated graphs.

Graphs come from ``shacl_strategies`` (non-canonical literals, blank nodes, duplicate values,
several records per graph, missing and extra properties, wrong datatypes, colliding positions).
pySHACL gets each graph as rdflib terms (``Literal(lexical, datatype=...)``, as rdflib's parser
makes them; blank node ids kept, and blank nodes compared by their description because pySHACL
validates a copy); the engine gets the term strings, and the rdflib graph. Findings must be
identical per (focus node, path, constraint component, severity, value, source shape) as
multisets, and for the project's shapes (all with ``sh:message``) in their messages too. A graph
pySHACL cannot validate (a blank node under ``sh:lessThan``) must stop the engine as well.

Examples per test: the ``SCHOLARKG_HYPOTHESIS_PROFILE`` environment variable picks ``default``
(derandomized, 1 500 graphs, a minute or two) or ``thorough`` (ten times as many, random).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from samples import ROOT
from scholarkg.resources import ontology_graph, shapes_graph
from scholarkg.shacl import Engine
from scholarkg.shacl.literals import datatype_ok
from scholarkg.shacl.reference import memoised_sparql_parse
from scholarkg.shacl.terms import canonical, canonical_triples, from_rdflib, text
from shacl_compare import compare
from shacl_strategies import XSD, Triple, generic_graph, scholarly_graph, strings

GENERIC_SHAPES = ROOT / "tests" / "fixtures" / "shacl" / "generic-shapes.ttl"
PROFILES = {"default": 1, "thorough": 10}
SCALE = PROFILES[os.environ.get("SCHOLARKG_HYPOTHESIS_PROFILE", "default")]


def examples(n: int) -> settings:
    return settings(
        max_examples=n * SCALE,
        deadline=None,
        derandomize=SCALE == 1,  # the default run is the same every time
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(scope="module")
def memoised() -> Iterator[None]:
    with memoised_sparql_parse():
        yield


@pytest.fixture(scope="module")
def project_engine() -> Engine:
    return Engine()


@pytest.fixture(scope="module")
def generic() -> tuple[Engine, Graph]:
    shapes = Graph().parse(GENERIC_SHAPES)
    return Engine(shapes=shapes, ontology=Graph()), shapes


def as_read_by_rdflib(triples: list[Triple]) -> Graph:
    text = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
    return Graph().parse(data=text, format="nt")


@examples(800)
@given(triples=scholarly_graph())
def test_project_shapes_on_generated_records(
    triples: list[Triple], project_engine: Engine, memoised: None
) -> None:
    compare(project_engine, shapes_graph(), ontology_graph(), triples, messages=True)


@examples(700)
@given(triples=generic_graph())
def test_generic_shapes_on_generated_graphs(
    triples: list[Triple], generic: tuple[Engine, Graph], memoised: None
) -> None:
    engine, shapes = generic
    compare(engine, shapes, Graph(), triples, messages=False)


@examples(2000)
@given(
    st.one_of(
        strings(),
        st.builds(
            lambda lex, dt: f'"{lex}"^^<{XSD}{dt}>',
            st.text(alphabet=" +-0123456789.eETZ:", max_size=8),
            st.sampled_from(
                ["integer", "decimal", "boolean", "date", "dateTime", "token", "double", "int"]
            ),
        ),
    )
)
def test_literals_are_canonical_as_rdflib_reads_them(term: str) -> None:
    graph = as_read_by_rdflib([("<urn:s>", "<urn:p>", term)])
    (read,) = list(graph.objects())
    if getattr(read, "ill_typed", False):  # the defined difference: the written form is kept
        assert canonical(term) == term
        assert text(term) == str(read)
    else:
        assert canonical(term) == from_rdflib(read)
        assert text(canonical(term)) == str(read)


_TWO_DIGITS = st.integers(0, 99).map(lambda n: f"{n:02d}")


@examples(1500)
@given(
    st.tuples(
        st.sampled_from(["0000", "0001", "1969", "2024", "9999"]),
        st.sampled_from(["00", "01", "02", "12", "13"]),
        st.sampled_from(["00", "01", "28", "29", "30", "31", "32"]),
        st.sampled_from(["00", "12", "23", "24", "25"]),
        _TWO_DIGITS,
        _TWO_DIGITS,
        st.sampled_from(["", "Z", "+00:00", "-00:00", "+01:30", "-12:00", "+14:00", "+23:59"])
        | st.builds(
            lambda sign, h, m: f"{sign}{h}:{m}", st.sampled_from("+-"), _TWO_DIGITS, _TWO_DIGITS
        ),
    )
)
def test_datetimes_to_the_second_are_canonical_as_rdflib_reads_them(
    parts: tuple[str, ...],
) -> None:
    """The engine writes these without rdflib (the common case): it must agree with rdflib on
    every one, valid or not, and on which are valid for ``sh:datatype``."""
    year, month, day, hour, minute, second, zone = parts
    term = f'"{year}-{month}-{day}T{hour}:{minute}:{second}{zone}"^^<{XSD}dateTime>'
    read = Literal(term[1 : term.rfind('"')], datatype=URIRef(XSD + "dateTime"))
    written = canonical(term)
    if read.ill_typed:
        assert written == term
    else:
        assert written == from_rdflib(read)
    assert datatype_ok(written, XSD + "dateTime") == (not read.ill_typed)


def test_canonical_triples_merge_what_rdflib_merges() -> None:
    one = f'"1"^^<{XSD}integer>'
    zero_one = f'"01"^^<{XSD}integer>'
    triples = [("<urn:s>", "<urn:p>", one), ("<urn:s>", "<urn:p>", zero_one)]
    assert canonical_triples(triples) == [("<urn:s>", "<urn:p>", one)]
    assert len(as_read_by_rdflib(triples)) == 1
    token = canonical(f'" a b "^^<{XSD}token>')
    assert (
        token
        == from_rdflib(Literal(" a b ", datatype=URIRef(XSD + "token")))
        == f'"a b"^^<{XSD}token>'
    )


NESTED = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:PaperShape a sh:NodeShape ; sh:targetClass ex:Paper ;
    sh:property [ sh:path ex:licence ;
        sh:property [ sh:path ex:label ; sh:maxCount 1 ; sh:datatype xsd:string ] ,
                    [ sh:path ex:url ; sh:minCount 1 ] ,
                    [ sh:path [ sh:inversePath ex:licence ] ; sh:maxCount 1 ] ] .
"""
ONTOLOGY = """@prefix ex: <http://example.org/ns#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:cc a owl:NamedIndividual ; ex:label "CC" ; ex:url <urn:cc> .
"""


@pytest.mark.parametrize(
    "extra",
    [
        [],
        [("<http://example.org/ns#cc>", "<http://example.org/ns#label>", '"other"')],
        [("<http://example.org/ns#cc>", "<http://example.org/ns#url>", "<urn:x>")],
        [("<urn:p2>", "<http://example.org/ns#licence>", "<http://example.org/ns#cc>")],
    ],
)
def test_property_values_of_an_ontology_node_are_its_own_and_the_mix_ins(
    extra: list[Triple],
) -> None:
    """A value node the ontology describes (a named individual) gets its nested property
    shapes' values from the graph *and* the ontology mix-in; a node only the graph describes,
    from the graph's index directly (the engine's fast road): both as pySHACL sees them."""
    shapes = Graph().parse(data=NESTED, format="turtle")
    ontology = Graph().parse(data=ONTOLOGY, format="turtle")
    paper, licence = "<http://example.org/ns#Paper>", "<http://example.org/ns#licence>"
    a = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    triples = [
        ("<urn:p1>", a, paper),
        ("<urn:p1>", licence, "<http://example.org/ns#cc>"),
        ("<urn:p1>", licence, "<urn:own>"),
        ("<urn:own>", "<http://example.org/ns#label>", '"x"@en'),
        ("<urn:own>", "<http://example.org/ns#label>", '"y"'),
        ("<urn:p2>", a, paper),
        ("<urn:p2>", licence, "<urn:own>"),
        *extra,
    ]
    engine = Engine(shapes=shapes, ontology=ontology)
    compare(engine, shapes, ontology, triples, messages=False)
    assert engine.check(triples)  # the case has findings to agree on
