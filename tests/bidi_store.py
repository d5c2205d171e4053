"""The store the bidi tests serve (test_serve_bidi.py, test_serve_query_bidi.py,
test_serve_query_tabs.py; tests/bidi_fixtures.py serves it): the v2 fixture store plus the TriG
:data:`EXTRA`, CONSTRUCTED — a paper whose title holds an unterminated RIGHT-TO-LEFT
OVERRIDE, an author with an Arabic name who is listed under names holding a stray POP
DIRECTIONAL ISOLATE before an override or an unclosed isolate, a group whose name is an
override, and an abstract with a paragraph separator."""

from __future__ import annotations

RLO, PDI, RLI = "\u202e", "\u2069", "\u2067"
TITLE = "Ordinary results " + RLO + "noitaloiV"
ARABIC = "محمد علي"
STRAY = "M. Ali" + PDI + PDI + RLO + " evil"
OPEN = RLI + "unclosed isolate"
GROUP = RLO + "maeT"
SPLIT = "Abstract first\u2029" + RLO + "second paragraph"
EXTRA = f"""
@base <https://w3id.org/scholarkg/id/> .
@prefix skg: <https://w3id.org/scholarkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix pro: <http://purl.org/spar/pro/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<graph/arxiv/7777.00001> {{
  <paper/arxiv/7777.00001> a skg:Paper ; dcterms:title "{TITLE}" ; dcterms:abstract "{SPLIT}" ;
    dcterms:issued "2024-01-01"^^xsd:date ;
    skg:hasAuthorship <paper/arxiv/7777.00001/authorship/1>, <paper/arxiv/7777.00001/authorship/2> .
  <paper/arxiv/7777.00001/authorship/1> a skg:Authorship ; pro:withRole pro:author ;
    skg:position 1 ; skg:nameAsListed "{STRAY}" ; skg:affiliationAsListed "{OPEN}" ;
    dcterms:description "{TITLE}"@en .
  <paper/arxiv/7777.00001/authorship/2> a skg:Authorship ; pro:withRole pro:author ;
    skg:position 2 ; skg:nameAsListed "{GROUP}" ; skg:author <group/rlo-team> .
  <group/rlo-team> a skg:Group ; foaf:name "{GROUP}" .
}}
<graph/arxiv/7777.00002> {{
  <paper/arxiv/7777.00002> a skg:Paper ; dcterms:title "Second" ;
    dcterms:issued "2024-02-01"^^xsd:date ;
    skg:hasAuthorship <paper/arxiv/7777.00002/authorship/1> .
  <paper/arxiv/7777.00002/authorship/1> a skg:Authorship ; pro:withRole pro:author ;
    skg:position 1 ; skg:nameAsListed "{ARABIC}" .
}}
<graph/person/mohammed-ali> {{
  <person/mohammed-ali> a skg:Person ; foaf:name "{ARABIC}" ;
    skg:nameVariant "{ARABIC}", "{STRAY}", "{OPEN}" ; skg:nameKey "mohammed-ali" .
  <paper/arxiv/7777.00001/authorship/1> skg:author <person/mohammed-ali> ;
    skg:identityRule "first-seen" .
  <paper/arxiv/7777.00002/authorship/1> skg:author <person/mohammed-ali> ;
    skg:identityRule "first-seen" .
}}
"""
