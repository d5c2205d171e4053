"""Profile → RDF: deterministic IRIs, listed authorships by position, groups, organisations,
dated metrics; no person is named in a record graph (the identity layer does that)."""

from __future__ import annotations

import datetime as dt

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS, XSD

from constructed import Listed, profile_page
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import load_config
from scholarkg.extract.profile_page import parse_profile
from scholarkg.iris import SKG, Minter, category
from scholarkg.models import Profile
from scholarkg.runs import gating
from scholarkg.transform.profile import ProfileOutput, transform_profile

WHEN = dt.datetime(2026, 11, 26, 12, 0, 0, 123456, tzinfo=dt.UTC)
MINTER = Minter()
SLUG = "leonard-hussenot-0a1b2c3d"


def load(
    path: object = SAMPLE_PROFILE, when: dt.datetime = WHEN, data: bytes | None = None
) -> Profile:
    raw = data or (SAMPLE_PROFILE if path is SAMPLE_PROFILE else SECOND_PROFILE).read_bytes()
    return parse_profile(
        raw, source=str(path), retrieved_at=when, subject_codes=load_config().subject_codes
    )


def output(profile: Profile, slug: str = SLUG) -> ProfileOutput:
    return transform_profile(profile, MINTER, slug_=slug)


def graphs(profile: Profile) -> tuple[Graph, Graph]:
    out = output(profile)
    return out.graphs[0].to_graph(), out.graphs[1].to_graph()


def paper_iri(title: str, first_author: str) -> URIRef:
    return MINTER.paper_listed(title, first_author)


BOND = paper_iri("BOND: Aligning LLMs with Best-of-N Distillation", "Pier Giuseppe Sessa")


def test_transform_is_deterministic() -> None:
    first, second = output(load()), output(load())
    assert first.graphs == second.graphs and first.mentions == second.mentions


def test_papers_and_their_fields() -> None:
    g, _ = graphs(load())
    assert len(set(g.subjects(RDF.type, SKG.Paper))) == 25
    assert g.value(BOND, DCTERMS.issued) == Literal("2024-07-19", datatype=XSD.date)
    assert g.value(BOND, SKG.primaryCategory) == category("cs.LG")
    assert g.value(BOND, SKG.hasCode) == Literal(False)
    assert g.value(BOND, SKG.listedAuthorsTruncated) == Literal(True)
    gemma3 = paper_iri("Gemma 3 Technical Report", "Gemma Team")
    orgs = {g.value(o, SKOS.prefLabel) for o in g.objects(gemma3, SKG.organization)}
    assert orgs == {Literal("deepmind"), Literal("mit")}
    assert not set(g.subjects(RDF.type, SKG.Person))  # persons live in the identity layer


def authorships(g: Graph, paper: URIRef) -> dict[str, tuple[int | None, str | None]]:
    out = {}
    for a in g.objects(paper, SKG.hasAuthorship):
        position = g.value(a, SKG.position)
        listed = g.value(a, SKG.nameAsListed)
        out[str(a).rsplit("/", 1)[-1]] = (
            None if position is None else int(position),
            None if listed is None else str(listed),
        )
    return out


def test_listed_authors_by_position_and_the_researcher_among_them() -> None:
    out = output(load())
    g = out.graphs[0].to_graph()
    assert authorships(g, BOND) == {
        "1": (1, "Pier Giuseppe Sessa"),
        "2": (2, "Robert Dadashi"),
        "3": (3, "Léonard Hussenot"),
    }
    [bond] = [m for m in out.mentions if m.paper == str(BOND)]
    assert bond.claims == {f"{BOND}/authorship/3": SLUG}
    assert bond.complete is False


def test_researcher_beyond_et_al_gets_a_node_without_position_and_groups_are_linked() -> None:
    out = output(load())
    g = out.graphs[0].to_graph()
    gemma2 = paper_iri("Gemma 2: Improving Open Language Models at a Practical Size", "Gemma Team")
    found = authorships(g, gemma2)
    assert found[f"profile-{SLUG}"] == (None, None)
    assert found["1"] == (1, "Gemma Team")
    team = MINTER.group("Gemma Team")
    assert g.value(URIRef(f"{gemma2}/authorship/1"), SKG.author) == team
    assert (team, RDF.type, SKG.Group) in g and (team, RDF.type, SKG.Person) not in g
    [mentions] = [m for m in out.mentions if m.paper == str(gemma2)]
    assert "Gemma Team" not in {a.name for a in mentions.authors}  # groups are not persons
    assert mentions.claims == {f"{gemma2}/authorship/profile-{SLUG}": SLUG}
    assert len({m.paper for m in out.mentions}) == 25


def test_snapshot_provenance_and_dated_metrics() -> None:
    profile = load()
    out = output(profile)
    s = out.graphs[1].to_graph()
    [snapshot] = s.subjects(RDF.type, SKG.ProfileSnapshot)
    assert s.value(snapshot, SKG.contentHash) == Literal(f"sha256:{profile.content_sha256}")
    assert s.value(snapshot, DCTERMS.source) == URIRef(SAMPLE_PROFILE.resolve().as_uri())
    assert s.value(snapshot, PROV.generatedAtTime).toPython() == WHEN  # sub-second kept
    assert s.value(snapshot, SKG.researcherNameAsListed) == Literal("Léonard Hussenot")
    assert len(set(s.objects(snapshot, SKG.listsPaper))) == 25
    values = {}
    for obs in s.subjects(RDF.type, SKG.MetricObservation):
        assert s.value(obs, PROV.wasDerivedFrom) == snapshot
        values[s.value(obs, SKG.metric)] = s.value(obs, SKG.value).toPython()
    assert values == {
        SKG.hIndex: 117,
        SKG.citationCount: 11030,
        SKG.paperCount: 25,
        SKG.noveltyScore: 49,
        SKG.aiScore: 45,
    }
    assert out.metrics == ("h-index", "citations", "papers", "novelty", "ai-score")


def test_new_content_makes_a_new_snapshot_graph_so_history_accumulates() -> None:
    first = load()
    changed = load(data=SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index118"))
    a, b = output(first), output(changed)
    assert a.graphs[1].iri != b.graphs[1].iri
    assert a.graphs[0].iri == b.graphs[0].iri


def test_two_profiles_share_paper_nodes_by_title_and_first_author() -> None:
    g1, _ = graphs(load())
    g2 = output(load(SECOND_PROFILE), "robert-dadashi-1").graphs[0].to_graph()
    shared = set(g1.subjects(RDF.type, SKG.Paper)) & set(g2.subjects(RDF.type, SKG.Paper))
    assert BOND in shared and len(shared) == 2


def test_one_title_by_other_first_authors_is_another_paper() -> None:
    assert paper_iri("Same Title", "Ann Lee") != paper_iri("Same Title", "Bo Chen")
    assert paper_iri("Same Title", "Ann Lee") == paper_iri("same title!", "A. Lee")


def test_titles_that_differ_only_in_symbols_are_two_papers() -> None:
    """CONSTRUCTED page: physics and software titles that fold to one string without their
    symbols (``$\\Lambda_b^0$`` / ``$\\Xi_b^0$``, C++ / C#) were one paper, the second lost."""
    titles = [
        "Measurement of the $\\Lambda_b^0$ baryon lifetime",
        "Measurement of the $\\Xi_b^0$ baryon lifetime",
        "A C++ library for tensor networks",
        "A C# library for tensor networks",
    ]
    day = dt.date(2024, 3, 1)
    page = profile_page("Jane Doe", [Listed(t, day, ("Jane Doe", "John Roe")) for t in titles])
    out = output(load(data=page), "jane-doe-0a1b2c3d")
    g = out.graphs[0].to_graph()
    assert not out.findings
    assert sorted(str(t) for t in g.objects(None, DCTERMS.title)) == sorted(titles)
    assert len(set(g.subjects(RDF.type, SKG.Paper))) == 4
    # the same work written with TeX or with its character is still one
    assert paper_iri("$\\alpha$-stable processes", "Ann Lee") == paper_iri(
        "α-Stable Processes", "A. Lee"
    )


def test_a_paper_listed_twice_is_one_node_and_a_finding() -> None:
    page = SAMPLE_PROFILE.read_bytes().decode("utf-8")
    start = page.index("LGJul 19, 2024")
    end = page.index("LGJul 22, 2024")
    block = page[start:end].replace("LGJul 19, 2024", "LGAug 2, 2024").replace("BOND:", "Bond:")
    out = output(load(data=(page + "\n" + block).encode("utf-8")))
    g = out.graphs[0].to_graph()
    assert len(set(g.subjects(RDF.type, SKG.Paper))) == 25
    assert list(g.objects(BOND, DCTERMS.issued)) == [Literal("2024-07-19", datatype=XSD.date)]
    [finding] = out.findings
    assert "lists the same paper as line" in finding


def test_organisation_spellings_are_one_node_with_alternative_labels() -> None:
    data = SAMPLE_PROFILE.read_bytes().replace(
        b"et al. \xc2\xb7 deepmind\n", b"et al. \xc2\xb7 DeepMind\n", 1
    )
    labels: dict[str, str] = {}

    def first_seen(key: str, spelling: str) -> str:
        return labels.setdefault(key, spelling)

    out = transform_profile(load(data=data), MINTER, slug_=SLUG, org_label=first_seen)
    g = out.graphs[0].to_graph()
    org = MINTER.organization("deepmind")
    assert org == MINTER.organization("DeepMind")
    assert len(list(g.objects(org, SKOS.prefLabel))) == 1
    assert len(list(g.objects(org, RDFS.label))) == 1
    assert {str(x) for x in g.objects(org, SKOS.altLabel)} | {
        str(g.value(org, SKOS.prefLabel))
    } == {"deepmind", "DeepMind"}
    assert not list(g.subjects(FOAF.name, None)) or all(
        (s, RDF.type, SKG.Group) in g for s in g.subjects(FOAF.name, None)
    )


def test_a_listed_person_named_for_a_collaboration_is_a_person_with_the_group_stated() -> None:
    paper = Listed(
        "Observation of a new particle", dt.date(2012, 7, 31), ("ATLAS Collaboration: G. Aad",)
    )
    page = profile_page("Léonard Hussenot", [paper])
    out = output(load(data=page))
    g = out.graphs[0].to_graph()
    node = URIRef(f"{paper_iri(paper.title, 'ATLAS Collaboration: G. Aad')}/authorship/1")
    assert str(g.value(node, SKG.nameAsListed)) == "ATLAS Collaboration: G. Aad"
    assert g.value(node, SKG.author) is None
    atlas = MINTER.group("ATLAS Collaboration")
    assert list(g.objects(node, SKG.onBehalfOf)) == [atlas]
    assert (atlas, RDF.type, SKG.Group) in g
    [mentions] = out.mentions
    assert "ATLAS Collaboration: G. Aad" in {a.name for a in mentions.authors}


def test_a_quarantined_entry_still_counts_as_listed_on_the_snapshot() -> None:
    """CONSTRUCTED page: it states 3 papers and lists 3; one title holds a control character
    and is quarantined. Before, the snapshot said it lists 2 (the readable ones), against
    skg:listedPaperCount's meaning (the entries the page lists) and the parser, which
    compares the stated count with every entry: the gate warned "states 3 papers but lists 2"
    of a page that lists 3."""
    day = dt.date(2024, 3, 1)
    titles = ["First paper", "Bell \x07 paper", "Third paper"]
    page = profile_page("Jane Doe", [Listed(t, day, ("Jane Doe", "John Roe")) for t in titles])
    profile = load(data=page)
    assert (len(profile.papers), len(profile.quarantined), profile.warnings) == (2, 1, ())
    out = output(profile, "jane-doe-0a1b2c3d")
    s = out.graphs[1].to_graph()
    [snapshot] = s.subjects(RDF.type, SKG.ProfileSnapshot)
    assert s.value(snapshot, SKG.statedPaperCount) == Literal(3)
    assert s.value(snapshot, SKG.listedPaperCount) == Literal(3)
    assert len(set(s.objects(snapshot, SKG.listsPaper))) == 2  # the papers it holds
    assert gating.check(out.graphs[1].triples) == ()
