"""Generated docs stay in step with the ontology; the JSON-LD context works; the HTML is safe."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from samples import ROOT
from scholarkg.iris import PRO, SKG

SCRIPTS = ROOT / "scripts"
ONTOLOGY = ROOT / "ontology" / "scholarkg.ttl"
CONTEXT = ROOT / "docs" / "context.jsonld"
HTML = ROOT / "docs" / "ontology.html"
ID = "https://w3id.org/scholarkg/id/"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"


def run(script: str, *args: str) -> None:
    subprocess.run([sys.executable, str(SCRIPTS / script), *args], check=True, cwd=ROOT)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both files regenerated from the current ontology into a temporary folder."""
    out = tmp_path_factory.mktemp("docs")
    run("generate_jsonld_context.py", "--output", str(out / "context.jsonld"))
    run("generate_ontology_docs.py", "--output", str(out / "ontology.html"))
    return out


@pytest.mark.parametrize("name", ["context.jsonld", "ontology.html"])
def test_committed_file_is_up_to_date(fresh: Path, name: str) -> None:
    committed = (ROOT / "docs" / name).read_bytes()
    assert (fresh / name).read_bytes() == committed, (
        f"docs/{name} is stale: run scripts/generate_*.py and commit the result"
    )


def skg_terms(*kinds: URIRef) -> list[URIRef]:
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    found = {s for kind in kinds for s in ontology.subjects(RDF.type, kind)}
    return sorted(URIRef(str(s)) for s in found if str(s).startswith(str(SKG)))


def test_context_maps_every_skg_term(fresh: Path) -> None:
    context = json.loads((fresh / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    for term in skg_terms(OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        local = str(term)[len(str(SKG)) :]
        entry = context[local]
        curie = entry["@id"] if isinstance(entry, dict) else entry
        assert curie == f"skg:{local}"
    assert context["skg"] == str(SKG)
    assert context["@version"] == 1.1


def paper_document(context: dict[str, object]) -> dict[str, object]:
    paper = f"{ID}paper/arxiv/2104.12255"
    return {
        "@context": context,
        "@graph": [
            {
                "@id": paper,
                "@type": "Paper",
                "title": "A paper",
                "issued": "2021-04-25",
                "hasCode": False,
                "category": "cat:cs.LG",
                "sameAs": "https://arxiv.org/abs/2104.12255",
                "hasAuthorship": {
                    "@id": f"{paper}/authorship/a-author",
                    "@type": "Authorship",
                    "author": f"{ID}person/a-author",
                    "position": 3,
                    "withRole": "pro:author",
                },
            },
            {
                "@id": f"{ID}profile/a/snapshot/0123456789abcdef/h-index",
                "@type": "MetricObservation",
                "metric": "hIndex",
                "value": "117",
                "observedAt": "2026-11-26T10:00:00+00:00",
            },
            {"@id": f"{ID}profile/a/resolution/x", "score": "0.97"},
            {"@id": f"{ID}person/a-author", "name": "A. Author"},
        ],
    }


def typed(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=URIRef(XSD_NS + datatype))


def expected_triples() -> set[tuple[URIRef, URIRef, object]]:
    paper = URIRef(f"{ID}paper/arxiv/2104.12255")
    authorship = URIRef(f"{paper}/authorship/a-author")
    observation = URIRef(f"{ID}profile/a/snapshot/0123456789abcdef/h-index")
    return {
        (paper, RDF.type, SKG.Paper),
        (paper, DCTERMS.title, Literal("A paper")),
        (paper, DCTERMS.issued, typed("2021-04-25", "date")),
        (paper, SKG.hasCode, typed("false", "boolean")),
        (paper, SKG.category, URIRef("https://w3id.org/scholarkg/category/cs.LG")),
        (paper, OWL.sameAs, URIRef("https://arxiv.org/abs/2104.12255")),
        (paper, SKG.hasAuthorship, authorship),
        (authorship, RDF.type, SKG.Authorship),
        (authorship, SKG.author, URIRef(f"{ID}person/a-author")),
        (authorship, SKG.position, typed("3", "integer")),
        (authorship, PRO.withRole, PRO.author),
        (observation, RDF.type, SKG.MetricObservation),
        (observation, SKG.metric, SKG.hIndex),
        (observation, SKG.value, typed("117", "integer")),
        (observation, SKG.observedAt, typed("2026-11-26T10:00:00+00:00", "dateTime")),
        (URIRef(f"{ID}profile/a/resolution/x"), SKG.score, typed("0.97", "decimal")),
        (URIRef(f"{ID}person/a-author"), FOAF.name, Literal("A. Author")),
    }


def test_context_gives_iris_and_typed_literals() -> None:
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    data = json.dumps(paper_document(context))
    with_rdflib = Graph().parse(data=data, format="json-ld")
    assert set(with_rdflib) == expected_triples()
    nt = ox.serialize(
        ox.parse(data.encode(), format=ox.RdfFormat.JSON_LD), format=ox.RdfFormat.N_QUADS
    )
    assert set(Graph().parse(data=nt, format="nt")) == expected_triples()  # fmt: skip


def sections(html: str) -> dict[str, str]:
    """Section id → section HTML."""
    found = re.findall(r'<section class="term" id="([^"]+)">(.*?)</section>', html, re.DOTALL)
    ids = [anchor for anchor, _ in found]
    assert len(ids) == len(set(ids)), "duplicate section ids"
    return dict(found)


def test_html_has_a_section_for_every_class_and_property(fresh: Path) -> None:
    page = sections((fresh / "ontology.html").read_text(encoding="utf-8"))
    for cls in skg_terms(OWL.Class):
        body = page[f"class-{str(cls)[len(str(SKG)) :]}"]
        assert f"<code>{cls}</code>" in body
    for prop in skg_terms(OWL.ObjectProperty, OWL.DatatypeProperty):
        body = page[f"prop-{str(prop)[len(str(SKG)) :]}"]
        assert f"<code>{prop}</code>" in body
    for ind in skg_terms(OWL.NamedIndividual):
        assert f"ind-{str(ind)[len(str(SKG)) :]}" in page
    # The Authorship example is the typed statement parsed from docs/graph-model.md.
    assert "skg:position 2 ;" in page["class-Authorship"]
    assert "No example" not in page["class-Paper"]


def test_hostile_labels_are_escaped(tmp_path: Path) -> None:
    hostile = tmp_path / "scholarkg.ttl"
    hostile.write_text(
        ONTOLOGY.read_text(encoding="utf-8")
        + "\nskg:Evil a owl:Class ;\n"
        + '    rdfs:label "<script>alert(1)</script>" ;\n'
        + '    rdfs:comment "</dd><img src=x onerror=alert(2)> & more" ;\n'
        + "    rdfs:subClassOf <javascript:alert(3)> .\n",
        encoding="utf-8",
    )
    out = tmp_path / "ontology.html"
    run("generate_ontology_docs.py", "--ontology", str(hostile), "--output", str(out))
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript:' not in html
    evil = sections(html)["class-Evil"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in evil
    assert "&lt;/dd&gt;&lt;img src=x onerror=alert(2)&gt; &amp; more" in evil
