"""A group's page lists the papers it authors and those of persons named for it."""

from __future__ import annotations

from pathlib import Path

import requests

from serve_fixtures import BASE, GROUP, build_v2_store
from serve_helpers import Page, local, running_server

HTML_ACCEPT = "text/html"
ATLAS = BASE + "group/atlas-collaboration"
NAMED_FOR = """
@base <https://w3id.org/scholarkg/id/> .
@prefix skg: <https://w3id.org/scholarkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix pro: <http://purl.org/spar/pro/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<graph/arxiv/1207.7214> {
  <paper/arxiv/1207.7214> a skg:Paper ; dcterms:title "Observation of a new particle" ;
    dcterms:issued "2012-07-31"^^xsd:date ;
    skg:hasAuthorship <paper/arxiv/1207.7214/authorship/1> .
  <paper/arxiv/1207.7214/authorship/1> a skg:Authorship ; pro:withRole pro:author ;
    skg:position 1 ; skg:nameAsListed "ATLAS Collaboration: G. Aad" ;
    skg:onBehalfOf <group/atlas-collaboration> .
  <group/atlas-collaboration> a skg:Group ; foaf:name "ATLAS Collaboration" .
}
"""


def test_a_group_page_lists_the_papers_of_persons_named_for_it(tmp_path: Path) -> None:
    path = build_v2_store(tmp_path / "store", NAMED_FOR)
    with running_server(path, build=False) as (server, _):

        def page(iri: str) -> Page:
            answer = requests.get(
                server.url + local(iri)[1:], headers={"Accept": HTML_ACCEPT}, timeout=60
            )
            answer.raise_for_status()
            return Page(answer.text)

        atlas = page(ATLAS)
        assert atlas.title == "ATLAS Collaboration"
        assert "Papers (1)" in atlas.all_text and "Observation of a new particle" in atlas.all_text
        gemma = page(GROUP)  # a group author's papers, as before
        assert "Papers (2)" in gemma.all_text
