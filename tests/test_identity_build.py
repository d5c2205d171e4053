"""Who is who, end to end: profiles and snapshot records through the build and snapshot jobs.

Inputs are CONSTRUCTED from real data in the tests (tests/constructed.py): profile pages in the
sample's layout, snapshot lines copied from the real Kaggle sample with authors renamed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from building import rows
from conftest import write_config
from constructed import Listed, listing, profile_page, snapshot_line, variant_entry
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.query import resolve_query
from scholarkg.query_binding import bind_parameters
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from snapshot_sample import snapshot

pytest_plugins = ("arxiv_fixtures",)

P = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX owl: <http://www.w3.org/2002/07/owl#> "
)
PERSONS_NAMED = (
    P + 'SELECT DISTINCT ?p WHERE {{ ?p a skg:Person ; foaf:name "{name}" }} ORDER BY ?p'
)
PAPERS_OF = (
    P + "SELECT DISTINCT ?t WHERE {{ ?paper skg:hasAuthorship/skg:author <{person}> ; "
    "dcterms:title ?t }} ORDER BY ?t"
)


def coauthor_papers(config: Config, researcher: str) -> dict[str, int]:
    """The saved ``coauthors`` query for ``researcher``: each co-author's shared papers."""
    query = bind_parameters(resolve_query("coauthors").text, {"researcher": researcher})
    return {r["coauthor"]: int(r["papers"]) for r in rows(config, query)}


def wei_wang_pages(tmp_path: Path) -> tuple[Path, Path]:
    a = tmp_path / "wei-wang-lg.txt"
    a.write_bytes(
        profile_page(
            "Wei Wang",
            [
                Listed(
                    "Sparse Routing for Mixture Models",
                    dt.date(2023, 3, 1),
                    ("Wei Wang", "Ann Lee"),
                    code="LG",
                ),
                Listed(
                    "Federated Bandits Revisited",
                    dt.date(2023, 9, 9),
                    ("Bo Chen", "Wei Wang"),
                    code="LG",
                ),
            ],
            code="LG",
            h_index=10,
        )
    )
    b = tmp_path / "wei-wang-cv.txt"
    b.write_bytes(
        profile_page(
            "Wei Wang",
            [
                Listed(
                    "Depth from Defocus in the Wild",
                    dt.date(2020, 5, 5),
                    ("Wei Wang", "Cy Dunn"),
                    code="CV",
                )
            ],
            code="CV",
            h_index=50,
        )
    )
    return a, b


def persons_named(config: Config, name: str) -> list[str]:
    return [r["p"] for r in rows(config, PERSONS_NAMED.format(name=name))]


def papers_of(config: Config, person: str) -> list[str]:
    return [r["t"] for r in rows(config, PAPERS_OF.format(person=person))]


def h_index_history(config: Config, person: str) -> list[int]:
    query = P + (
        f"SELECT ?v ?at WHERE {{ ?o skg:observationOf <{person}> ; skg:metric skg:hIndex ; "
        "skg:value ?v ; skg:observedAt ?at } ORDER BY ?at"
    )
    return [int(r["v"]) for r in rows(config, query)]


@pytest.mark.parametrize("runs", ["one run", "two runs"])
def test_two_researchers_who_share_a_name_are_two_persons(tmp_path: Path, runs: str) -> None:
    a, b = wei_wang_pages(tmp_path)
    if runs == "one run":
        config = load_config(write_config(tmp_path, [a, b]))
        report = build(config).report
        assert report.outcome == "ok", report.summary_lines()
    else:
        config = load_config(write_config(tmp_path, [a]))
        assert build(config).report.outcome == "ok"
        report = build(config, [str(b)]).report
        assert report.outcome == "ok", report.summary_lines()
    people = persons_named(config, "Wei Wang")
    assert len(people) == 2
    by_papers = {tuple(papers_of(config, p)): p for p in people}
    assert set(by_papers) == {
        ("Federated Bandits Revisited", "Sparse Routing for Mixture Models"),
        ("Depth from Defocus in the Wild",),
    }
    lg = by_papers[("Federated Bandits Revisited", "Sparse Routing for Mixture Models")]
    cv = by_papers[("Depth from Defocus in the Wild",)]
    assert h_index_history(config, lg) == [10] and h_index_history(config, cv) == [50]


def test_the_same_page_from_two_paths_is_one_person_and_one_profile(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SAMPLE_PROFILE.read_bytes())
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    report = build(config, [str(copy)]).report
    assert report.outcome == "ok", report.summary_lines()
    assert any("same page as" in n for n in report.notes)
    assert len(persons_named(config, "Léonard Hussenot")) == 1
    profiles = rows(
        config,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(CONTAINS(STR(?g), '/graph/profile/') && !CONTAINS(STR(?g), '/snapshot/')) }",
    )
    assert len(profiles) == 1


def test_nfd_names_give_one_name(tmp_path: Path) -> None:
    nfd = SAMPLE_PROFILE.read_bytes().decode("utf-8").replace("Léonard", "Le\u0301onard")
    page = tmp_path / "nfd.txt"
    page.write_text(nfd, encoding="utf-8")
    config = load_config(write_config(tmp_path, [page]))
    build(config)
    [person] = persons_named(config, "Léonard Hussenot")
    names = rows(config, P + f"SELECT ?n WHERE {{ <{person}> foaf:name ?n }}")
    assert [r["n"] for r in names] == ["Léonard Hussenot"]


def test_groups_are_never_persons_and_not_co_authors(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    build(config)
    assert rows(config, P + 'SELECT ?g WHERE { ?g a skg:Person ; foaf:name "Gemma Team" }') == []
    assert len(rows(config, P + 'SELECT ?g WHERE { ?g a skg:Group ; foaf:name "Gemma Team" }')) == 1

    coauthors = rows(config, resolve_query("coauthors").text)
    names = {r["coauthor"] for r in coauthors}
    assert "Gemma Team" not in names and "Gemini Team" not in names and "Robert Dadashi" in names


def test_co_authors_spelled_with_initials_on_arxiv_are_one_person_each(
    tmp_path: Path, replay: ReplayServer
) -> None:
    # CONSTRUCTED: the real entry 2202.12139 as 9002.00001 with a new title and its authors
    # written with initials ("M. K. Ahuja" …); the profile lists both papers with full names.
    new_id, entry = variant_entry(
        "2202.12139",
        "9002.00001",
        title="Testing Deep Learning Models: A Constructed Companion Study",
        authors=("M. K. Ahuja", "A. Gotlieb", "H. Spieker"),
    )
    replay.extra[new_id] = entry
    page = tmp_path / "gotlieb.txt"
    page.write_bytes(
        profile_page(
            "Arnaud Gotlieb",
            [
                listing("2202.12139"),
                listing(
                    "2202.12139",
                    title="Testing Deep Learning Models: A Constructed Companion Study",
                ),
            ],
        )
    )
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.01}
    config = load_config(write_config(tmp_path, [page], arxiv=arxiv))
    report = build(config).report
    assert report.paper_states.get("resolved") == 2, report.unresolved
    found = coauthor_papers(config, "Arnaud Gotlieb")
    assert found == {"Mohit Kumar Ahuja": 2, "Helge Spieker": 2}
    assert persons_named(config, "M. K. Ahuja") == []


@pytest.mark.parametrize(
    ("on_arxiv", "listed", "others"),
    [
        # first: the listing's first author not found first on arXiv also lost the paper
        (
            ("Wang Wei", "Arnaud Gotlieb", "Helge Spieker"),
            ("Wei Wang", "A. Gotlieb"),
            {"Helge Spieker": 1},
        ),
        (
            ("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Wang Wei"),
            ("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Wei Wang"),
            {"Mohit Kumar Ahuja": 1},
        ),
    ],
    ids=["first", "third"],
)
def test_a_co_author_written_surname_first_on_arxiv_is_one_person(
    tmp_path: Path,
    replay: ReplayServer,
    on_arxiv: tuple[str, ...],
    listed: tuple[str, ...],
    others: dict[str, int],
) -> None:
    # CONSTRUCTED: the real entry 2202.12139 as 9002.00002 with a new title and an author
    # "Wang Wei" (surname first, as arXiv often writes Chinese names); the profile lists the
    # paper with that author as "Wei Wang", at the same position.
    title = "Testing Deep Learning Models: A Constructed Surname-First Study"
    new_id, entry = variant_entry("2202.12139", "9002.00002", title=title, authors=on_arxiv)
    replay.extra[new_id] = entry
    page = tmp_path / "gotlieb.txt"
    page.write_bytes(
        profile_page("Arnaud Gotlieb", [listing("2202.12139", title=title, authors=listed)])
    )
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.01}
    config = load_config(write_config(tmp_path, [page], arxiv=arxiv))
    report = build(config).report
    assert report.paper_states.get("resolved") == 1, report.unresolved
    found = coauthor_papers(config, "Arnaud Gotlieb")
    # one person, named as the profile writes them (given name first), whichever source
    # founded them (before: the first seen of the two equally full spellings, "Wang Wei")
    assert found.pop("Wei Wang") == 1 and found == others
    assert persons_named(config, "Wang Wei") == []
    [person] = persons_named(config, "Wei Wang")
    spelled = f"SELECT DISTINCT ?n WHERE {{ <{person}> skg:nameVariant ?n }} ORDER BY ?n"
    variants = rows(config, P + spelled)
    assert [r["n"] for r in variants] == ["Wang Wei", "Wei Wang"]
    position = on_arxiv.index("Wang Wei") + 1
    decided = rows(
        config,
        P + "SELECT DISTINCT ?rule ?basis WHERE { ?paper dcterms:title "
        f'"{title}" ; skg:hasAuthorship ?a . ?a skg:position {position} ; '
        f"skg:author <{person}> ; skg:identityRule ?rule ; skg:identityBasis ?basis }}",
    )
    assert [r["rule"] for r in decided] == ["same-position"], decided
    assert "surname first" in decided[0]["basis"]


def test_snapshot_namesakes_stay_apart_until_a_shared_coauthor_joins_them(tmp_path: Path) -> None:
    # CONSTRUCTED from real lines: the first author of 0704.0002 and of 0704.0007 renamed
    # "Wei Wang" (their co-authors are disjoint); 0704.0033 copied as 9003.00001 with
    # "Wei Wang" beside 0704.0002's co-author Louis Theran.
    first = snapshot_line("0704.0002", authors=["Wei Wang", "Louis Theran"])
    second = snapshot_line("0704.0007", authors=["Wei Wang", "Tatjana Vukasinac", "Jose A. Zapata"])
    third = snapshot_line("0704.0033", new_id="9003.00001", authors=["Louis Theran", "Wei Wang"])
    config = load_config(write_config(tmp_path, []))
    load_snapshot(config, snapshot(tmp_path, "a.jsonl", [first, second]), workers=0)
    assert len(persons_named(config, "Wei Wang")) == 2
    load_snapshot(config, snapshot(tmp_path, "b.jsonl", [third]), workers=0)
    people = persons_named(config, "Wei Wang")
    assert len(people) == 2
    joined = [p for p in people if len(papers_of(config, p)) == 2]
    assert len(joined) == 1
    evidence = rows(
        config,
        P + f"SELECT ?rule ?basis ?why WHERE {{ ?a skg:author <{joined[0]}> ; "
        "skg:identityRule ?rule ; "
        "skg:identityBasis ?basis ; skg:identityEvidence ?why } ORDER BY ?rule",
    )
    assert {r["rule"] for r in evidence} == {"first-seen", "shared-coauthor"}
    shared = next(r for r in evidence if r["rule"] == "shared-coauthor")
    assert "Louis Theran" in shared["basis"] and shared["why"].endswith("/paper/arxiv/0704.0002")
    # the saved query gives the same decisions, one row per authorship

    saved = bind_parameters(resolve_query("identity-evidence").text, {"person": f"<{joined[0]}>"})
    answered = rows(config, saved)
    assert sorted((r["paper"].rsplit("/", 1)[1], r["rule"]) for r in answered) == [
        ("0704.0002", "first-seen"),
        ("9003.00001", "shared-coauthor"),
    ]
    assert all(r["listed"] == "Wei Wang" for r in answered)


def test_new_evidence_merges_published_persons_and_keeps_the_retired_iri(tmp_path: Path) -> None:
    first = snapshot_line("0704.0002", authors=["Wei Wang", "Louis Theran"])
    second = snapshot_line("0704.0007", authors=["Wei Wang", "Tatjana Vukasinac"])
    config = load_config(write_config(tmp_path, []))
    load_snapshot(config, snapshot(tmp_path, "a.jsonl", [first, second]), workers=0)
    before = persons_named(config, "Wei Wang")
    assert len(before) == 2
    linking = snapshot_line(
        "0704.0033", new_id="9003.00002", authors=["Wei Wang", "Louis Theran", "Tatjana Vukasinac"]
    )
    report = load_snapshot(config, snapshot(tmp_path, "b.jsonl", [linking]), workers=0).report
    assert len(report.identity_events) == 1 and report.identity_events[0].startswith("merge")
    [survivor] = persons_named(config, "Wei Wang")
    [retired] = [p for p in before if p != survivor]
    links = rows(
        config, P + f"SELECT ?s ?m WHERE {{ <{retired}> owl:sameAs ?s ; skg:mergedInto ?m }}"
    )
    assert links == [{"s": survivor, "m": survivor}]
    assert len(papers_of(config, survivor)) == 3
    # scholarkg serve answers the retired IRI with a redirect to the survivor
    import requests

    from serve_helpers import local, running_server

    with running_server(config.store.path, build=False) as (server, _):
        moved = requests.get(server.url + local(retired)[1:], allow_redirects=False, timeout=60)
        asked = {"iri": retired, "format": "ttl"}  # from /describe, the format kept, not the iri
        described = requests.get(
            server.url + "describe", params=asked, allow_redirects=False, timeout=60
        )
    assert moved.status_code == 301 and moved.headers["Location"] == local(survivor)
    assert described.status_code == 301
    assert described.headers["Location"] == local(survivor) + "?format=ttl"


def test_config_split_and_merge_reach_profile_and_arxiv_graphs(
    tmp_path: Path, replay: ReplayServer
) -> None:
    # The profile lists 2202.12139 (resolved through the replay server): its authorship 2 is
    # described by the profile graph and by the arXiv graph; one split names it everywhere.
    page = tmp_path / "gotlieb.txt"
    page.write_bytes(profile_page("Arnaud Gotlieb", [listing("2202.12139"), listing("2407.18756")]))
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.01}
    split = {"2202.12139#3": "helge-spieker-ntnu", "2407.18756|Helge Spieker": "helge-spieker-b"}
    people = {"people.split": split}
    config = load_config(write_config(tmp_path, [page], arxiv=arxiv, **people))
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    node = "https://w3id.org/scholarkg/id/paper/arxiv/2202.12139/authorship/3"
    stated = rows(
        config,
        P + f"SELECT ?g ?who WHERE {{ GRAPH ?g {{ <{node}> skg:nameAsListed ?n }} "
        f"<{node}> skg:author ?who }}",
    )
    assert {r["g"].rsplit("/graph/", 1)[1].split("/")[0] for r in stated} == {"arxiv", "profile"}
    assert {r["who"] for r in stated} == {"https://w3id.org/scholarkg/id/person/helge-spieker-ntnu"}
    assert len(persons_named(config, "Helge Spieker")) == 2  # split apart, on both papers
    merged = load_config(
        write_config(
            tmp_path,
            [page],
            arxiv=arxiv,
            **{
                "people.split": split,
                "people.merge": {"person:helge-spieker-ntnu": "2407.18756#1"},
            },
        )
    )
    report = build(merged).report
    assert not report.config_errors, report.config_errors
    assert len(persons_named(merged, "Helge Spieker")) == 1


def test_an_override_naming_nobody_is_an_error(tmp_path: Path) -> None:
    config = load_config(
        write_config(
            tmp_path, [SAMPLE_PROFILE], **{"people.merge": {"9999.99999#1": "person:nobody"}}
        )
    )
    report = build(config).report
    assert report.outcome == "partial"
    assert any("9999.99999#1" in e for e in report.config_errors)


def test_a_split_of_a_published_person_mints_a_new_iri_and_records_it(
    tmp_path: Path, replay: ReplayServer
) -> None:
    page = tmp_path / "gotlieb.txt"
    page.write_bytes(profile_page("Arnaud Gotlieb", [listing("2202.12139"), listing("2407.18756")]))
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.01}
    config = load_config(write_config(tmp_path, [page], arxiv=arxiv))
    assert build(config).report.outcome == "ok"
    [before] = persons_named(config, "Helge Spieker")
    assert len(papers_of(config, before)) == 2
    split = {"2202.12139#3": "helge-spieker-ntnu"}
    again = load_config(write_config(tmp_path, [page], arxiv=arxiv, **{"people.split": split}))
    report = build(again).report
    assert report.outcome == "ok", report.summary_lines()
    assert [e for e in report.identity_events if e.startswith("split")], report.identity_events
    new = "https://w3id.org/scholarkg/id/person/helge-spieker-ntnu"
    assert sorted(persons_named(again, "Helge Spieker")) == sorted([before, new])
    assert rows(again, P + f"SELECT ?old WHERE {{ <{new}> skg:splitFrom ?old }}") == [
        {"old": before}
    ]
    assert len(papers_of(again, new)) == len(papers_of(again, before)) == 1


def test_profile_references_merge_two_researchers_and_unknown_ones_are_errors(
    tmp_path: Path,
) -> None:
    a, b = wei_wang_pages(tmp_path)
    merge = {"people.merge": {f"profile:{a}": f"profile:{b}"}}
    config = load_config(write_config(tmp_path, [a, b], **merge))
    report = build(config).report
    assert report.outcome == "ok" and not report.config_errors, report.summary_lines()
    [person] = persons_named(config, "Wei Wang")
    assert len(papers_of(config, person)) == 3
    assert sorted(h_index_history(config, person)) == [10, 50]
    nobody = tmp_path / "nobody.txt"
    for section, value in (
        ("people.split", {f"profile:{nobody}": "someone"}),
        ("people.merge", {f"profile:{nobody}": f"profile:{a}"}),
    ):
        bad = load_config(write_config(tmp_path, [a, b], **{section: value}))
        report = build(bad).report
        assert any(f"profile:{nobody}" in e for e in report.config_errors), (section, report)


def test_relative_profile_references_name_the_relative_sources_of_their_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file's relative sources are located against its folder, and so are its profile:
    references: they used to stay as written and named nobody (the README's own example,
    profile:examples/profiles/…, failed the run as partial)."""
    a, b = wei_wang_pages(tmp_path)
    merge = {"people.merge": {f"profile:{a.name}": f"profile:./{b.name}"}}
    config_path = write_config(tmp_path, [a.name, b.name], **merge)
    monkeypatch.chdir(tmp_path.parent)  # the working directory is not the file's folder
    config = load_config(config_path)
    assert dict(config.people_merge) == {f"profile:{a}": f"profile:{b}"}
    report = build(config).report
    assert report.outcome == "ok" and not report.config_errors, report.summary_lines()
    [person] = persons_named(config, "Wei Wang")
    assert len(papers_of(config, person)) == 3


def test_a_merge_that_names_nobody_does_not_stop_the_merges_after_it(tmp_path: Path) -> None:
    """The merges' errors were one list: after the first reference that named nobody, every
    later merge was skipped without a word, so the order of lines decided which applied."""
    bond = "BOND: Aligning LLMs with Best-of-N Distillation"
    clp = (
        "Conditional Language Policy: A General Framework for Steerable Multi-Objective Finetuning"
    )
    merge = {f"{bond}#4": f"{bond}#3", f"{bond}#1": f"{clp}#1"}  # BOND lists 3 and "et al."
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], **{"people.merge": merge}))
    report = build(config).report
    [error] = report.config_errors  # past "et al.": no person (tests/test_people_refs_nobody.py)
    assert error.startswith(f"[people.merge] '{bond}#4' names author 4 of "), error
    assert error.endswith("its persons are authors 1, 2, 3, nothing to merge"), error
    [merged] = persons_named(config, "Pier Giuseppe Sessa") + persons_named(config, "Kaiwen Wang")
    assert sorted(papers_of(config, merged)) == sorted([bond, clp])


def test_a_group_on_an_arxiv_record_is_a_group_never_a_person(tmp_path: Path) -> None:
    # CONSTRUCTED from a real line: a collaboration listed first, then two people
    line = snapshot_line(
        "0704.0002", authors=["The ATLAS Collaboration", "Louis Theran", "Ileana Streinu"]
    )
    config = load_config(write_config(tmp_path, []))
    load_snapshot(config, snapshot(tmp_path, "g.jsonl", [line]), workers=0)
    assert persons_named(config, "The ATLAS Collaboration") == []
    groups = rows(
        config,
        P + "SELECT ?g ?pos WHERE { ?a skg:author ?g ; skg:position ?pos . ?g a skg:Group ; "
        'foaf:name "The ATLAS Collaboration" }',
    )
    assert [r["pos"] for r in groups] == ["1"]  # kept as an author, in its listed position
    from scholarkg.query import bind_saved

    network = rows(config, bind_saved(resolve_query("coauthorship-network"), {"minPapers": "1"}))
    names = {v for r in network for v in r.values()}
    assert "Louis Theran" in names and "The ATLAS Collaboration" not in names
