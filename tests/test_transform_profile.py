"""Profile → RDF: deterministic IRIs, authorship positions, dated metrics, provenance."""

from __future__ import annotations

import datetime as dt

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, XSD

from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import load_config
from scholarkg.extract.profile_page import parse_profile
from scholarkg.iris import SKG, Minter, category
from scholarkg.models import Profile
from scholarkg.transform.profile import transform_profile

WHEN = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
MINTER = Minter()


def load(path: object = SAMPLE_PROFILE, when: dt.datetime = WHEN) -> Profile:
    data = SAMPLE_PROFILE.read_bytes() if path is SAMPLE_PROFILE else SECOND_PROFILE.read_bytes()
    return parse_profile(
        data, source=str(path), retrieved_at=when, subject_codes=load_config().subject_codes
    )


def graphs(profile: Profile) -> tuple[Graph, Graph]:
    profile_graph, snapshot_graph = transform_profile(profile, MINTER)
    return profile_graph.graph, snapshot_graph.graph


def paper_iri(title: str) -> URIRef:
    return MINTER.paper_by_title(title)


def test_transform_is_deterministic() -> None:
    first, second = graphs(load()), graphs(load())
    assert set(first[0]) == set(second[0]) and set(first[1]) == set(second[1])


def test_papers_and_their_fields() -> None:
    g, _ = graphs(load())
    papers = set(g.subjects(RDF.type, SKG.Paper))
    assert len(papers) == 25
    bond = paper_iri("BOND: Aligning LLMs with Best-of-N Distillation")
    assert g.value(bond, DCTERMS.issued) == Literal("2024-07-19", datatype=XSD.date)
    assert g.value(bond, SKG.primaryCategory) == category("cs.LG")
    assert g.value(bond, SKG.hasCode) == Literal(False)
    assert g.value(bond, SKG.listedAuthorsTruncated) == Literal(True)
    warp = paper_iri("WARP: On the Benefits of Weight Averaged Rewarded Policies")
    assert g.value(warp, SKG.hasCode) == Literal(True)
    gemma3 = paper_iri("Gemma 3 Technical Report")
    orgs = {
        g.value(o, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        for o in g.objects(gemma3, SKG.organization)
    }
    assert orgs == {Literal("deepmind"), Literal("mit")}
    assert not any(isinstance(t, type(None)) for t in g)


def authorships(g: Graph, paper: URIRef) -> dict[str, tuple[int | None, str | None]]:
    out = {}
    for a in g.objects(paper, SKG.hasAuthorship):
        person = g.value(a, SKG.author)
        key = str(g.value(person, SKG.nameKey))
        position = g.value(a, SKG.position)
        listed = g.value(a, SKG.nameAsListed)
        out[key] = (
            None if position is None else int(position),
            None if listed is None else str(listed),
        )
    return out


def test_researcher_listed_carries_position() -> None:
    g, _ = graphs(load())
    bond = authorships(g, paper_iri("BOND: Aligning LLMs with Best-of-N Distillation"))
    assert bond == {
        "pier-giuseppe-sessa": (1, "Pier Giuseppe Sessa"),
        "robert-dadashi": (2, "Robert Dadashi"),
        "leonard-hussenot": (3, "Léonard Hussenot"),
    }


def test_researcher_not_listed_is_still_an_author_without_position() -> None:
    g, _ = graphs(load())
    gemma2 = authorships(
        g, paper_iri("Gemma 2: Improving Open Language Models at a Practical Size")
    )
    assert gemma2["leonard-hussenot"] == (None, None)
    assert gemma2["gemma-team"] == (1, "Gemma Team")
    researcher = MINTER.person("leonard-hussenot")
    authored = {
        p
        for p, _, a in g.triples((None, SKG.hasAuthorship, None))
        if g.value(a, SKG.author) == researcher
    }
    assert len(authored) == 25


def test_snapshot_provenance_and_dated_metrics() -> None:
    profile = load()
    _, s = graphs(profile)
    [snapshot] = s.subjects(RDF.type, SKG.ProfileSnapshot)
    assert s.value(snapshot, SKG.contentHash) == Literal(f"sha256:{profile.content_sha256}")
    assert s.value(snapshot, DCTERMS.source) == URIRef(SAMPLE_PROFILE.resolve().as_uri())
    assert s.value(snapshot, PROV.generatedAtTime).toPython() == WHEN
    assert s.value(snapshot, SKG.statedPaperCount) == Literal(25)
    assert len(set(s.objects(snapshot, SKG.listsPaper))) == 25
    values = {}
    for obs in s.subjects(RDF.type, SKG.MetricObservation):
        assert s.value(obs, PROV.wasDerivedFrom) == snapshot
        assert s.value(obs, SKG.observedAt).toPython() == WHEN
        assert s.value(obs, SKG.observationOf) == MINTER.person("leonard-hussenot")
        values[s.value(obs, SKG.metric)] = s.value(obs, SKG.value).toPython()
    assert values == {
        SKG.hIndex: 117,
        SKG.citationCount: 11030,
        SKG.paperCount: 25,
        SKG.noveltyScore: 49,
        SKG.aiScore: 45,
    }


def test_new_content_makes_a_new_snapshot_graph_so_history_accumulates() -> None:
    first = load()
    changed = parse_profile(
        SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index118"),
        source=str(SAMPLE_PROFILE),
        retrieved_at=WHEN + dt.timedelta(days=1),
        subject_codes=load_config().subject_codes,
    )
    a, b = transform_profile(first, MINTER)[1], transform_profile(changed, MINTER)[1]
    assert a.iri != b.iri
    assert transform_profile(first, MINTER)[0].iri == transform_profile(changed, MINTER)[0].iri


def test_two_profiles_share_paper_and_person_nodes() -> None:
    g1, _ = graphs(load())
    g2, _ = graphs(load(SECOND_PROFILE))
    shared_papers = set(g1.subjects(RDF.type, SKG.Paper)) & set(g2.subjects(RDF.type, SKG.Paper))
    assert shared_papers == {
        paper_iri("BOND: Aligning LLMs with Best-of-N Distillation"),
        paper_iri("Primal Wasserstein Imitation Learning"),
    }
    dadashi = MINTER.person("robert-dadashi")
    assert (dadashi, RDF.type, SKG.Person) in g1 and (dadashi, RDF.type, SKG.Person) in g2
    assert (dadashi, FOAF.name, Literal("Robert Dadashi")) in g2
    zoe = MINTER.person("zoe-angstrom")
    assert g2.value(zoe, FOAF.name) == Literal("Zoë Ångström")
