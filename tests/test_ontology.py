"""The scholarkg ontology and the generated arXiv category scheme."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV

from scholarkg.iris import CATEGORY_SCHEME, ONTOLOGY_IRI, SKG, category, category_group
from scholarkg.resources import ontology_graph

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "scholarkg.ttl"
SCHEME = ROOT / "ontology" / "arxiv-categories.ttl"
TAXONOMY = ROOT / "ontology" / "sources" / "arxiv-taxonomy"
GENERATOR = ROOT / "scripts" / "generate_category_scheme.py"

SCHEMA = Namespace("https://schema.org/")
FABIO = Namespace("http://purl.org/spar/fabio/")
PRO = Namespace("http://purl.org/spar/pro/")
BIDO = Namespace("http://purl.org/spar/bido/")
ORG = Namespace("http://www.w3.org/ns/org#")
XSD_NS = "http://www.w3.org/2001/XMLSchema#"

DECLARATION_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
METRICS = ("hIndex", "citationCount", "paperCount", "noveltyScore", "aiScore")


@pytest.fixture(scope="session")
def ontology() -> Graph:
    """ontology/scholarkg.ttl on its own."""
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="session")
def scheme() -> Graph:
    """ontology/arxiv-categories.ttl on its own."""
    return Graph().parse(SCHEME, format="turtle")


def declared_terms(ontology: Graph) -> set[URIRef]:
    """skg: terms the ontology declares as a class, property or individual."""
    return {
        s
        for t in DECLARATION_TYPES
        for s in ontology.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(str(SKG))
    }


def _skg_terms_in_text(text: str) -> set[URIRef]:
    """skg: terms in Turtle/SPARQL text, by any prefix bound to the skg namespace or full IRI."""
    prefixes = {"skg"} | set(
        re.findall(r"(?i)(?:@prefix|PREFIX)\s+([\w-]*):\s*<" + re.escape(str(SKG)) + ">", text)
    )
    names: set[str] = set()
    for prefix in prefixes:
        names |= set(re.findall(rf"(?<![\w:/#-]){re.escape(prefix)}:([A-Za-z]\w*)", text))
    names |= set(re.findall(re.escape(str(SKG)) + r"([A-Za-z]\w*)", text))
    return {SKG[name] for name in names}


def _graph_terms(graph: Graph) -> set[URIRef]:
    return {
        node
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(SKG))
    }


def used_terms() -> dict[str, set[URIRef]]:
    """skg: terms used by each consumer of the ontology, by file."""
    used: dict[str, set[URIRef]] = {}
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        used[str(path.relative_to(ROOT))] = _graph_terms(
            Graph().parse(path, format="turtle")
        ) | _skg_terms_in_text(text)
    doc = (ROOT / "docs" / "graph-model.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```[^\n]*\n(.*?)```", doc, flags=re.DOTALL)
    assert blocks, "docs/graph-model.md has no code blocks"
    used["docs/graph-model.md"] = set().union(*(_skg_terms_in_text(b) for b in blocks))
    for path in sorted((ROOT / "queries").glob("*.rq")):
        used[str(path.relative_to(ROOT))] = _skg_terms_in_text(path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "tests" / "shape_examples" / "_graphs").glob("*.ttl")):
        used[str(path.relative_to(ROOT))] = _graph_terms(Graph().parse(path, format="turtle"))
    used["ontology/arxiv-categories.ttl"] = _graph_terms(Graph().parse(SCHEME, format="turtle"))
    return used


def test_both_ontology_files_parse_and_load_together() -> None:
    merged = ontology_graph()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in merged
    assert (CATEGORY_SCHEME, RDF.type, SKOS.ConceptScheme) in merged


def test_ontology_header(ontology: Graph) -> None:
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("2.0.0")
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(
        "https://w3id.org/scholarkg/ontology/2.0.0"
    )
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.created):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, f"ontology has no {prop}"
    assert ontology.value(ONTOLOGY_IRI, OWL.priorVersion) == URIRef(
        "https://w3id.org/scholarkg/ontology/1.0.0"
    )


def test_groups_are_agents_but_never_persons(ontology: Graph) -> None:
    schema = Namespace("https://schema.org/")
    assert (SKG.Group, RDFS.subClassOf, FOAF.Group) in ontology
    assert (SKG.Group, RDFS.subClassOf, schema.Organization) in ontology
    assert (SKG.Person, OWL.disjointWith, SKG.Group) in ontology
    assert (SKG.Person, RDFS.subClassOf, FOAF.Person) in ontology


def test_every_used_skg_term_is_declared(ontology: Graph) -> None:
    declared = declared_terms(ontology)
    consumers = used_terms()
    assert consumers["docs/graph-model.md"], "no skg: term found in the graph model"
    missing = {
        where: sorted(str(t) for t in terms - declared)
        for where, terms in consumers.items()
        if terms - declared
    }
    assert not missing, f"skg: terms used but not declared in ontology/scholarkg.ttl: {missing}"


def test_every_skg_term_in_the_ontology_is_declared(ontology: Graph) -> None:
    undeclared = _graph_terms(ontology) - declared_terms(ontology)
    assert not undeclared, sorted(undeclared)


def test_every_declared_term_has_english_label_and_comment(ontology: Graph) -> None:
    problems = []
    for term in sorted(declared_terms(ontology)):
        for prop in (RDFS.label, RDFS.comment):
            values = list(ontology.objects(term, prop))
            if not any(isinstance(v, Literal) and v.language == "en" and str(v) for v in values):
                problems.append(f"{term}: no {prop} @en")
    assert not problems, "\n".join(problems)


def test_the_terms_of_the_contract_are_declared_with_the_right_kind(ontology: Graph) -> None:
    classes = [
        "Person",
        "Paper",
        "PaperVersion",
        "Authorship",
        "Organization",
        "Category",
        "CategoryGroup",
        "ProfileSnapshot",
        "MetricObservation",
        "Metric",
        "Resolution",
        "PipelineRun",
    ]
    for name in classes:
        assert (SKG[name], RDF.type, OWL.Class) in ontology, name
    for name in METRICS:
        assert (SKG[name], RDF.type, OWL.NamedIndividual) in ontology, name
        assert (SKG[name], RDF.type, SKG.Metric) in ontology, name


def test_properties_are_typed_once_and_have_domain_and_range(ontology: Graph) -> None:
    problems = []
    for term in sorted(declared_terms(ontology)):
        kinds = {t for t in PROPERTY_TYPES if (term, RDF.type, t) in ontology}
        if not kinds:
            continue
        if len(kinds) > 1:
            problems.append(f"{term}: typed as {sorted(kinds)}")
        # A property without a domain must say why in a skos:editorialNote.
        if ontology.value(term, RDFS.domain) is None and not ontology.value(
            term, SKOS.editorialNote
        ):
            problems.append(f"{term}: no rdfs:domain and no documented reason")
        rng = ontology.value(term, RDFS.range)
        if OWL.DatatypeProperty in kinds and not (
            isinstance(rng, URIRef) and str(rng).startswith(XSD_NS)
        ):
            problems.append(f"{term}: datatype property without an xsd: range")
        if OWL.ObjectProperty in kinds and (rng is None or str(rng).startswith(XSD_NS)):
            problems.append(f"{term}: object property without a class range")
    assert not problems, "\n".join(problems)


def test_functional_properties_hold_a_single_value_in_the_model(ontology: Graph) -> None:
    # Spot-check the ones the shapes rely on (sh:maxCount 1 mirrors owl:FunctionalProperty).
    for name in ("nameKey", "author", "position", "primaryCategory", "contentHash", "metric"):
        assert (SKG[name], RDF.type, OWL.FunctionalProperty) in ontology, name
    for name in ("category", "affiliationAsListed", "hasAuthorship", "listsPaper"):
        assert (SKG[name], RDF.type, OWL.FunctionalProperty) not in ontology, name


@pytest.mark.parametrize(
    ("term", "axiom", "target"),
    [
        (SKG.Person, RDFS.subClassOf, FOAF.Person),
        (SKG.Person, RDFS.subClassOf, SCHEMA.Person),
        (SKG.Paper, RDFS.subClassOf, FABIO.ScholarlyWork),
        (SKG.Paper, RDFS.subClassOf, SCHEMA.ScholarlyArticle),
        (SKG.Authorship, RDFS.subClassOf, PRO.RoleInTime),
        (SKG.Organization, RDFS.subClassOf, ORG.Organization),
        (SKG.Organization, RDFS.subClassOf, SCHEMA.Organization),
        (SKG.Category, RDFS.subClassOf, SKOS.Concept),
        (SKG.CategoryGroup, RDFS.subClassOf, SKOS.Concept),
        (SKG.ProfileSnapshot, RDFS.subClassOf, PROV.Entity),
        (SKG.MetricObservation, RDFS.subClassOf, BIDO.BibliometricDataInTime),
        (SKG.PipelineRun, RDFS.subClassOf, PROV.Activity),
        (SKG.author, RDFS.subPropertyOf, PRO.isHeldBy),
        (SKG.category, RDFS.subPropertyOf, DCTERMS.subject),
        (SKG.primaryCategory, RDFS.subPropertyOf, SKG.category),
    ],
)
def test_alignment(ontology: Graph, term: URIRef, axiom: URIRef, target: URIRef) -> None:
    assert (term, axiom, target) in ontology


def test_no_equivalence_axioms_to_external_terms(ontology: Graph) -> None:
    for prop in (OWL.equivalentClass, OWL.equivalentProperty):
        assert not list(ontology.subject_objects(prop)), f"alignment uses {prop}"


def test_generator_output_is_byte_identical_to_the_committed_scheme(tmp_path: Path) -> None:
    out = tmp_path / "arxiv-categories.ttl"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--sources", str(TAXONOMY), "--output", str(out)],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert out.read_bytes() == SCHEME.read_bytes(), (
        "ontology/arxiv-categories.ttl is stale: run scripts/generate_category_scheme.py"
    )


def test_scheme_file_says_it_is_generated() -> None:
    head = SCHEME.read_text(encoding="utf-8").splitlines()[:3]
    assert head[0].startswith("# GENERATED FILE")
    assert any("generate_category_scheme.py" in line for line in head)


def test_scheme_holds_every_category_with_its_name(scheme: Graph) -> None:
    rows = json.loads((TAXONOMY / "arXiv_category_def.json").read_text(encoding="utf-8"))
    assert len(rows) > 150
    for row in rows:
        concept = category(row["category"])
        assert (concept, RDF.type, SKG.Category) in scheme, row["category"]
        assert (concept, RDF.type, SKOS.Concept) in scheme, row["category"]
        assert scheme.value(concept, SKOS.prefLabel) == Literal(row["name"], lang="en")
        assert scheme.value(concept, SKOS.notation) == Literal(row["category"])
        assert scheme.value(concept, SKOS.inScheme) == CATEGORY_SCHEME
        assert scheme.value(concept, SKG.active) == Literal(bool(row["active"]))
        broader = list(scheme.objects(concept, SKOS.broader))
        assert len(broader) == 1 and (broader[0], RDF.type, SKG.CategoryGroup) in scheme
    assert len(set(scheme.subjects(RDF.type, SKG.Category))) == len(rows)


def test_cs_lg_is_machine_learning_under_computer_science(scheme: Graph) -> None:
    cs_lg = category("cs.LG")
    assert scheme.value(cs_lg, SKOS.prefLabel) == Literal("Machine Learning", lang="en")
    assert scheme.value(cs_lg, SKOS.broader) == category_group("cs")
    assert scheme.value(category_group("cs"), SKOS.prefLabel) == Literal(
        "Computer Science", lang="en"
    )


@pytest.mark.parametrize(
    ("notation", "group"),
    [
        ("hep-th", "physics"),
        ("astro-ph.CO", "physics"),
        ("cond-mat.dis-nn", "physics"),
        ("acc-phys", "physics"),
        ("cmp-lg", "cs"),
        ("alg-geom", "math"),
        ("math-ph", "physics"),
        ("q-bio.NC", "q-bio"),
        ("q-fin.ST", "q-fin"),
        ("stat.ML", "stat"),
        ("eess.SP", "eess"),
        ("econ.EM", "econ"),
    ],
)
def test_category_group_follows_the_archive(scheme: Graph, notation: str, group: str) -> None:
    assert scheme.value(category(notation), SKOS.broader) == category_group(group)


def test_groups_are_top_concepts_of_the_scheme(scheme: Graph) -> None:
    groups = set(scheme.subjects(RDF.type, SKG.CategoryGroup))
    expected = {"cs", "econ", "eess", "math", "physics", "q-bio", "q-fin", "stat"}
    assert {category_group(g) for g in expected} <= groups
    for group in groups:
        assert (group, SKOS.topConceptOf, CATEGORY_SCHEME) in scheme
        assert (CATEGORY_SCHEME, SKOS.hasTopConcept, group) in scheme
        assert not str(scheme.value(group, SKOS.notation)).startswith("grp_")
    assert scheme.value(CATEGORY_SCHEME, SKOS.prefLabel) == Literal(
        "arXiv category taxonomy", lang="en"
    )
