"""Hypothesis strategies for the SHACL differential tests: graphs as N-Triples term triples.

Two vocabularies: scholarly records for the project's own shapes (papers, authorships with
colliding positions, versions, arXiv ids) and ``ex:`` things for the generic test shapes
(tests/fixtures/shacl/generic-shapes.ttl). Both draw non-canonical typed literals (``"01"``,
``" 2"``, ``"+3"``, ``" tok "^^xsd:token``), wrong datatypes, language tags in any case, blank
nodes, duplicate and missing values and several records per graph.
"""

from __future__ import annotations

from hypothesis import strategies as st

from scholarkg.transform.emit import escape_literal

XSD = "http://www.w3.org/2001/XMLSchema#"
SKG = "https://w3id.org/scholarkg/ontology#"
ID = "https://w3id.org/scholarkg/id/"
EX = "http://example.org/ns#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
DCT = "http://purl.org/dc/terms/"
SAME_AS = "<http://www.w3.org/2002/07/owl#sameAs>"
Triple = tuple[str, str, str]


def lit(lexical: str, datatype: str | None = None, lang: str | None = None) -> str:
    body = '"' + escape_literal(lexical) + '"'
    if lang:
        return f"{body}@{lang}"
    return f"{body}^^<{datatype}>" if datatype else body


INTEGERS = st.sampled_from(["1", "01", "2", " 2", "+3", "3", "0", "-1", "007", "x", "1.0", ""])
NUMBER_TYPES = st.sampled_from(["integer", "integer", "integer", "string", "decimal", "int"])
STRINGS = st.sampled_from(["A", "Alice", "bob", "", " ", "Zoë", "x y", "Ab", "tok", " tok "])
STRING_TYPES = st.sampled_from([None, "string", "string", "token", "normalizedString", "integer"])
DATES = st.sampled_from(
    ["2020-01-02", "2020-1-2", "1999-12-31", "2031-05-05", "2020-02-30", "2020-01-02Z", "soon"]
)
DATE_TYPES = st.sampled_from(["date", "date", "dateTime", "string"])
# "TRUE" and "yes" are left out: the one defined difference (scholarkg.shacl.terms, tested in
# test_shacl_engine.py).
BOOLEANS = st.sampled_from(["true", "false", "1", "0"])
LANGS = st.sampled_from([None, "en", "EN", "fr", "de", "en-GB"])


@st.composite
def numbers(draw: st.DrawFn) -> str:
    return lit(draw(INTEGERS), XSD + draw(NUMBER_TYPES))


# For ordering comparisons: xsd:token and xsd:normalizedString written with extra spaces are the
# second defined difference (their rdflib *value* keeps the written form; see shacl/terms.py).
ORDERED_STRING_TYPES = st.sampled_from([None, "string", "integer"])


@st.composite
def strings(draw: st.DrawFn, types: st.SearchStrategy[str | None] = STRING_TYPES) -> str:
    lang = draw(LANGS) if draw(st.booleans()) else None
    if lang:
        return lit(draw(STRINGS), lang=lang)
    kind = draw(types)
    return lit(draw(STRINGS), None if kind is None else XSD + kind)


@st.composite
def dates(draw: st.DrawFn) -> str:
    kind = draw(DATE_TYPES)
    lexical = draw(DATES)
    if kind == "dateTime":
        lexical += draw(st.sampled_from(["T00:00:00Z", "T01:02:03+00:00", "T1:2:3", ""]))
    return lit(lexical, XSD + kind)


def some(draw: st.DrawFn, values: st.SearchStrategy[str], most: int = 2) -> list[str]:
    """Zero, one or several values (duplicates included)."""
    return draw(st.lists(values, max_size=most))


def node(draw: st.DrawFn, iri: str) -> str:
    """An IRI node, or now and then a blank node instead."""
    return draw(
        st.sampled_from([f"<{iri}>", f"<{iri}>", f"<{iri}>", "_:" + iri.rsplit("/", 1)[-1]])
    )


@st.composite
def scholarly_graph(draw: st.DrawFn) -> list[Triple]:
    """Several papers with authorships, positions, versions and arXiv identifiers."""
    out: list[Triple] = []
    n_papers = draw(st.integers(1, 3))
    people = [f"<{ID}person/p{i}>" for i in range(3)]
    for person in people:
        if draw(st.booleans()):
            out.append((person, RDF_TYPE, f"<{SKG}Person>"))
    papers = [node(draw, f"{ID}paper/x{i}") for i in range(n_papers)]
    for i, paper in enumerate(papers):
        if draw(st.integers(0, 5)):
            out.append((paper, RDF_TYPE, f"<{SKG}Paper>"))
        if draw(st.booleans()):
            out.append((paper, RDF_TYPE, "<http://purl.org/spar/fabio/Preprint>"))
        out += [(paper, f"<{DCT}title>", v) for v in some(draw, strings())]
        out += [(paper, f"<{DCT}issued>", v) for v in some(draw, dates())]
        out += [(paper, f"<{SKG}hasCode>", lit(v, XSD + "boolean")) for v in some(draw, BOOLEANS)]
        if draw(st.booleans()):
            arxiv = draw(st.sampled_from(["2101.00001", "2101.00001v2", "cs/0101001", "x"]))
            out.append((paper, f"<{SKG}arxivId>", lit(arxiv, XSD + "string")))
            doi = draw(st.sampled_from([f"10.48550/arXiv.{arxiv}", "10.1/x"]))
            out.append((paper, f"<{SKG}arxivDoi>", lit(doi, XSD + "string")))
            if draw(st.booleans()):
                out.append((paper, SAME_AS, f"<https://arxiv.org/abs/{arxiv}>"))
        for j in range(draw(st.integers(0, 3))):
            authorship = node(draw, f"{ID}paper/x{i}/a{j}")
            if draw(st.integers(0, 5)):
                out.append((authorship, RDF_TYPE, f"<{SKG}Authorship>"))
            owners = [paper] if draw(st.integers(0, 6)) else []
            owners += draw(st.lists(st.sampled_from(papers), max_size=1))
            out += [(owner, f"<{SKG}hasAuthorship>", authorship) for owner in owners]
            out += [(authorship, f"<{SKG}position>", v) for v in some(draw, numbers())]
            out += [
                (authorship, f"<{SKG}author>", p) for p in some(draw, st.sampled_from(people), 1)
            ]
            out += [(authorship, f"<{SKG}nameAsListed>", v) for v in some(draw, strings(), 1)]
        for k in range(draw(st.integers(0, 2))):
            version = node(draw, f"{ID}paper/x{i}/v{k}")
            out.append((version, RDF_TYPE, f"<{SKG}PaperVersion>"))
            out.append((paper, f"<{DCT}hasVersion>", version))
            out += [(version, f"<{SKG}versionNumber>", v) for v in some(draw, numbers())]
            out += [(version, f"<{DCT}date>", v) for v in some(draw, dates(), 1)]
    return out


@st.composite
def generic_graph(draw: st.DrawFn) -> list[Triple]:
    """``ex:`` things for the generic test shapes: names, parts, sizes, ranges, pairs."""
    out: list[Triple] = []
    things = [node(draw, f"{EX}t{i}") for i in range(draw(st.integers(1, 4)))]
    others = [*things, f"<{EX}elsewhere>", lit("A")]
    for t in things:
        if draw(st.integers(0, 4)):
            out.append((t, RDF_TYPE, f"<{EX}Thing>"))
        out += [(t, f"<{EX}name>", v) for v in some(draw, strings(), 3)]
        out += [(t, f"<{EX}nick>", v) for v in some(draw, strings())]
        out += [(t, f"<{EX}alias>", v) for v in some(draw, strings())]
        out += [(t, f"<{EX}part>", v) for v in some(draw, st.sampled_from(others), 3)]
        out += [(t, f"<{EX}next>", v) for v in some(draw, st.sampled_from(others), 1)]
        out += [(t, f"<{EX}size>", v) for v in some(draw, numbers())]
        ranged = st.one_of(numbers(), dates(), strings(ORDERED_STRING_TYPES), st.just(f"<{EX}iri>"))
        for p in ("start", "end", "limit"):
            out += [(t, f"<{EX}{p}>", v) for v in some(draw, ranged, 1)]
        out += [(t, f"<{EX}label>", v) for v in some(draw, strings(), 3)]
        out += [(t, f"<{EX}when>", v) for v in some(draw, dates(), 1)]
        out += [(t, f"<{EX}flag>", lit(v, XSD + "boolean")) for v in some(draw, BOOLEANS, 1)]
        out += [(t, f"<{EX}code>", v) for v in some(draw, strings(), 1)]
    return out
